//! Services layer: the dossiers behind one figure of the processing report, listed by the figure's own condition
//! and the report's filter, so the list always has exactly as many dossiers as the figure counts.

use rusqlite::types::Value;

use crate::services::ServiceError;
use crate::services::reports::ReportScope;
use crate::store::{Db, StoreError};

use super::{Figure, Query, ReportFilter, filter};

/// One dossier behind a figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrillRow {
    pub id: i64,
    pub public_id: String,
    pub code: Option<String>,
    pub procedure_code: String,
    pub procedure_name: String,
    pub applicant_name: String,
    pub channel: i64,
    pub status: i64,
    pub stage: String,
    pub unit_code: Option<String>,
    pub received_at: Option<String>,
    pub finished_at: Option<String>,
    pub due_at: Option<String>,
    pub outcome: Option<String>,
    /// Supplement requests at receipt and during processing together (more than one makes it late).
    pub supplement_requests: i64,
}

/// A page of the dossiers behind a figure, newest first, and where the next page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrillPage {
    pub rows: Vec<DrillRow>,
    /// The `after` of the next page, when there is one.
    pub next: Option<i64>,
}

/// Dossiers per drill-down page.
pub const DRILL_PAGE: usize = 50;

/// The dossiers counted in `figure`, [`DRILL_PAGE`] at a time after the dossier id `after` (keyset paging on the
/// id, newest first), selected by the figure's own condition and the report's filter.
pub async fn drill(
    db: &Db,
    scope: &ReportScope,
    filter: &ReportFilter,
    figure: Figure,
    after: Option<i64>,
) -> Result<DrillPage, ServiceError> {
    let mut query = Query::new(scope, filter)?;
    let keyset = match after {
        Some(id) => {
            query.params.push((":after", Value::Integer(id)));
            "AND d.id < :after"
        }
        None => "",
    };
    let sql = format!(
        "SELECT d.id, d.public_id, d.code, d.procedure_code, d.procedure_name, d.applicant_name, d.channel,
                d.status, d.stage, d.unit_code, d.received_at, d.finished_at, d.due_at, d.outcome,
                d.receipt_supplements + d.supplements
         FROM dossiers d WHERE {} AND {} {keyset} ORDER BY d.id DESC LIMIT {}",
        figure.condition(),
        query.condition,
        DRILL_PAGE + 1
    );
    let check = filter.clone();
    let mut rows = db
        .read(move |conn| {
            let unknown = filter::unknown_codes(conn, &check)?;
            if !unknown.is_empty() {
                return Ok(Err(unknown));
            }
            let params = query.named(&sql);
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt
                .query_map(&params[..], |r| {
                    Ok(DrillRow {
                        id: r.get(0)?,
                        public_id: r.get(1)?,
                        code: r.get(2)?,
                        procedure_code: r.get(3)?,
                        procedure_name: r.get(4)?,
                        applicant_name: r.get(5)?,
                        channel: r.get(6)?,
                        status: r.get(7)?,
                        stage: r.get(8)?,
                        unit_code: r.get(9)?,
                        received_at: r.get(10)?,
                        finished_at: r.get(11)?,
                        due_at: r.get(12)?,
                        outcome: r.get(13)?,
                        supplement_requests: r.get(14)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok::<_, StoreError>(Ok(rows))
        })
        .await?
        .map_err(ServiceError::Invalid)?;
    let next = if rows.len() > DRILL_PAGE {
        rows.truncate(DRILL_PAGE);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    Ok(DrillPage { rows, next })
}
