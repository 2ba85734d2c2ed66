//! What the dossier search index is built from: the searchable and filterable columns of a dossier and the text
//! read from its documents, read by id (after a change) or in id order (a full rebuild).

use std::collections::HashMap;

use rusqlite::{Connection, params, params_from_iter};

use super::DocumentText;
use crate::store::StoreError;

/// The columns of one dossier the index needs.
#[derive(Debug, Clone)]
pub struct IndexRow {
    pub id: i64,
    pub public_id: String,
    pub code: Option<String>,
    pub applicant_name: String,
    pub applicant_id_number: String,
    pub applicant_address: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub subject: String,
    pub form_data: String,
    pub status: i64,
    pub channel: i64,
    pub unit_code: Option<String>,
    pub assignee_id: Option<i64>,
    pub submitted_at: String,
    pub received_at: Option<String>,
    pub due_at: Option<String>,
    pub active: bool,
    pub archived: bool,
}

const SELECT: &str = "SELECT id, public_id, code, applicant_name, applicant_id_number, applicant_address,
    procedure_code, procedure_name, subject, form_data, status, channel, unit_code, assignee_id, submitted_at,
    received_at, due_at, active, archived_at IS NOT NULL FROM dossiers";

fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<IndexRow> {
    Ok(IndexRow {
        id: r.get(0)?,
        public_id: r.get(1)?,
        code: r.get(2)?,
        applicant_name: r.get(3)?,
        applicant_id_number: r.get(4)?,
        applicant_address: r.get(5)?,
        procedure_code: r.get(6)?,
        procedure_name: r.get(7)?,
        subject: r.get(8)?,
        form_data: r.get(9)?,
        status: r.get(10)?,
        channel: r.get(11)?,
        unit_code: r.get(12)?,
        assignee_id: r.get(13)?,
        submitted_at: r.get(14)?,
        received_at: r.get(15)?,
        due_at: r.get(16)?,
        active: r.get(17)?,
        archived: r.get(18)?,
    })
}

/// How many dossiers there are: the dossier index should hold as many.
pub fn count_all(conn: &Connection) -> Result<u64, StoreError> {
    Ok(conn.query_row("SELECT count(*) FROM dossiers", [], |r| r.get::<_, i64>(0))? as u64)
}

/// These dossiers (ids that do not exist are skipped: the caller removes them from the index).
pub fn index_rows(conn: &Connection, ids: &[i64]) -> Result<Vec<IndexRow>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; ids.len()].join(", ");
    let mut stmt = conn.prepare(&format!("{SELECT} WHERE id IN ({marks})"))?;
    let rows = stmt.query_map(params_from_iter(ids.iter()), read)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The next `limit` dossiers after `after` in id order, for a rebuild that reads the table in slices.
pub fn index_rows_after(
    conn: &Connection,
    after: i64,
    limit: usize,
) -> Result<Vec<IndexRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} WHERE id > ?1 ORDER BY id LIMIT ?2"))?;
    let rows = stmt.query_map(params![after, limit as i64], read)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The searchable document texts of the dossiers with ids in `[first, last]`, by dossier.
pub fn texts_between(
    conn: &Connection,
    first: i64,
    last: i64,
) -> Result<HashMap<i64, Vec<DocumentText>>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.dossier_id, d.id, d.file_name, t.body FROM dossier_documents d
         JOIN document_texts t ON t.sha256 = d.sha256
         WHERE d.dossier_id BETWEEN ?1 AND ?2 AND d.confidential = 0 AND t.status = 'done'
         ORDER BY d.dossier_id, d.id",
    )?;
    let mut out: HashMap<i64, Vec<DocumentText>> = HashMap::new();
    let rows = stmt.query_map(params![first, last], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            DocumentText {
                document_id: r.get(1)?,
                file_name: r.get(2)?,
                text: r.get(3)?,
            },
        ))
    })?;
    for row in rows {
        let (dossier, text) = row?;
        out.entry(dossier).or_default().push(text);
    }
    Ok(out)
}
