//! Work queues and search over dossiers. Every list is keyset-paginated on `(due_at, id)` through a partial index
//! over active dossiers, so a page costs the same at a thousand dossiers or a million; nothing counts the table.

use rusqlite::{Connection, ToSql, params_from_iter};

use crate::store::StoreError;

/// Which active dossiers a queue holds; every field set narrows it. The partial indexes over active dossiers
/// (by unit, assignee, status or due time, each followed by `(due_at, id)`) serve each combination.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    pub status: Option<i64>,
    pub unit: Option<String>,
    pub assignee: Option<i64>,
    /// Past due at this time, with the clock running.
    pub overdue_at: Option<String>,
    /// Due within `[from, until)`, with the clock running.
    pub due_between: Option<(String, String)>,
}

/// The position after the last row of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub due_at: Option<String>,
    pub id: i64,
}

impl Cursor {
    /// `"<due_at or ->~<id>"`, opaque to clients.
    pub fn encode(&self) -> String {
        format!("{}~{}", self.due_at.as_deref().unwrap_or("-"), self.id)
    }

    pub fn decode(raw: &str) -> Option<Self> {
        let (due, id) = raw.rsplit_once('~')?;
        let id = id.parse().ok()?;
        let due_at = (due != "-").then(|| due.to_owned());
        if due_at
            .as_deref()
            .is_some_and(|d| crate::store::parse_time(d).is_none())
        {
            return None;
        }
        Some(Self { due_at, id })
    }
}

/// A line of a queue: enough to render a row and its overdue flag without reading the whole dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    pub id: i64,
    pub public_id: String,
    pub code: Option<String>,
    pub procedure_name: String,
    pub applicant_name: String,
    pub channel: i64,
    pub stage: String,
    pub status: i64,
    pub unit_code: Option<String>,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub submitted_at: String,
    pub received_at: Option<String>,
    pub due_at: Option<String>,
    pub extended: bool,
    /// When a received dossier must be transferred by (the 15:00 rule), until it is.
    pub transfer_due_at: Option<String>,
}

const ROW: &str =
    "SELECT d.id, d.public_id, d.code, d.procedure_name, d.applicant_name, d.channel, d.stage,
    d.status, d.unit_code, d.assignee_id, s.full_name, d.submitted_at, d.received_at, d.due_at, d.extended,
    CASE WHEN d.transferred_at IS NULL THEN d.transfer_due_at END
    FROM dossiers d LEFT JOIN staff s ON s.id = d.assignee_id";

fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<QueueRow> {
    Ok(QueueRow {
        id: r.get(0)?,
        public_id: r.get(1)?,
        code: r.get(2)?,
        procedure_name: r.get(3)?,
        applicant_name: r.get(4)?,
        channel: r.get(5)?,
        stage: r.get(6)?,
        status: r.get(7)?,
        unit_code: r.get(8)?,
        assignee_id: r.get(9)?,
        assignee_name: r.get(10)?,
        submitted_at: r.get(11)?,
        received_at: r.get(12)?,
        due_at: r.get(13)?,
        extended: r.get(14)?,
        transfer_due_at: r.get(15)?,
    })
}

/// Statuses whose clock runs: only these can be overdue or due soon.
const RUNNING: &str = "d.status IN (2, 4)";

/// The WHERE clause of a queue (and its keyset position) with its arguments.
fn clause(filter: &QueueFilter, after: Option<&Cursor>) -> (String, Vec<Box<dyn ToSql>>) {
    let mut args: Vec<Box<dyn ToSql>> = Vec::new();
    let mut arg = |v: Box<dyn ToSql>| {
        args.push(v);
        format!("?{}", args.len())
    };
    let mut conditions = vec!["d.active = 1".to_owned()];
    if let Some(status) = filter.status {
        conditions.push(format!("d.status = {}", arg(Box::new(status))));
    }
    if let Some(unit) = &filter.unit {
        conditions.push(format!("d.unit_code = {}", arg(Box::new(unit.clone()))));
    }
    if let Some(assignee) = filter.assignee {
        conditions.push(format!("d.assignee_id = {}", arg(Box::new(assignee))));
    }
    if let Some(now) = &filter.overdue_at {
        conditions.push(format!(
            "{RUNNING} AND d.due_at < {}",
            arg(Box::new(now.clone()))
        ));
    }
    if let Some((from, until)) = &filter.due_between {
        conditions.push(format!(
            "{RUNNING} AND d.due_at >= {} AND d.due_at < {}",
            arg(Box::new(from.clone())),
            arg(Box::new(until.clone()))
        ));
    }
    match after {
        None => {}
        Some(Cursor { due_at: None, id }) => {
            let id = arg(Box::new(*id));
            conditions.push(format!(
                "((d.due_at IS NULL AND d.id > {id}) OR d.due_at IS NOT NULL)"
            ));
        }
        Some(Cursor {
            due_at: Some(due),
            id,
        }) => {
            let due = arg(Box::new(due.clone()));
            let id = arg(Box::new(*id));
            conditions.push(format!(
                "(d.due_at > {due} OR (d.due_at = {due} AND d.id > {id}))"
            ));
        }
    }
    (conditions.join(" AND "), args)
}

/// One page of a queue, ordered by due time (no due time first: they wait for the office or the applicant) then
/// id; `limit + 1` rows are read so the caller knows whether a next page exists.
pub fn page(
    conn: &Connection,
    filter: &QueueFilter,
    after: Option<&Cursor>,
    limit: usize,
) -> Result<Vec<QueueRow>, StoreError> {
    let (clause, mut args) = clause(filter, after);
    args.push(Box::new(limit as i64 + 1));
    let sql = format!(
        "{ROW} WHERE {clause} ORDER BY d.due_at, d.id LIMIT ?{}",
        args.len()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args.iter()), read)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many dossiers a queue holds, counted only up to `cap` (a desk shows "99+"), so a long queue costs no more
/// than a short one.
pub fn count_capped(
    conn: &Connection,
    filter: &QueueFilter,
    cap: usize,
) -> Result<usize, StoreError> {
    let (clause, mut args) = clause(filter, None);
    args.push(Box::new(cap as i64));
    let sql = format!(
        "SELECT count(*) FROM (SELECT 1 FROM dossiers d WHERE {clause} LIMIT ?{})",
        args.len()
    );
    let n: i64 = conn
        .prepare_cached(&sql)?
        .query_row(params_from_iter(args.iter()), |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// The rows of these dossiers, in no particular order; ids that do not exist are skipped. Search reads its hits
/// back through this, so what is shown is the database's current state, not the index's.
pub fn by_ids(conn: &Connection, ids: &[i64]) -> Result<Vec<QueueRow>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; ids.len()].join(", ");
    let sql = format!("{ROW} WHERE d.id IN ({marks})");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(ids.iter()), read)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Consultations still unanswered after their deadline (Decree 61 Art. 19(5): the lead body tells the head of the
/// one-stop section), oldest first: (dossier code or id, consulted bodies, deadline).
pub fn late_consultations(
    conn: &Connection,
    now: &str,
    limit: usize,
) -> Result<Vec<(String, String, String)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT COALESCE(d.code, d.public_id), c.agencies, c.due_at FROM dossier_consultations c
         JOIN dossiers d ON d.id = c.dossier_id
         WHERE c.replied_at IS NULL AND c.due_at < ?1 ORDER BY c.due_at LIMIT ?2",
    )?;
    let rows = stmt.query_map(rusqlite::params![now, limit as i64], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
