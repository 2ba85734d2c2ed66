//! The transactional outbox: rows written in the same transaction as a change that derived data must follow,
//! drained by a background job. A row applied twice does no harm, so a crash only repeats work.

use rusqlite::{Connection, params};

use super::StoreError;

/// What an outbox row asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboxItem {
    /// Re-read this procedure's published version and put it in (or take it out of) the search index.
    Procedure(String),
    /// Re-read this dossier (by rowid) and put it in the dossier search index again.
    Dossier(i64),
    /// Rebuild both search indexes (asked for while a server holds them, e.g. `motcua reindex`).
    RebuildAll,
}

impl OutboxItem {
    fn parts(&self) -> (&'static str, String) {
        match self {
            Self::Procedure(code) => ("procedure", code.clone()),
            Self::Dossier(id) => ("dossier", id.to_string()),
            Self::RebuildAll => ("rebuild_all", String::new()),
        }
    }

    fn from_parts(kind: &str, reference: String) -> Option<Self> {
        match kind {
            "procedure" => Some(Self::Procedure(reference)),
            "dossier" => reference.parse().ok().map(Self::Dossier),
            "rebuild_all" => Some(Self::RebuildAll),
            _ => None,
        }
    }
}

pub fn enqueue(conn: &Connection, item: &OutboxItem, at: &str) -> Result<(), StoreError> {
    let (kind, reference) = item.parts();
    conn.prepare_cached("INSERT INTO outbox(kind, ref, created_at) VALUES (?1, ?2, ?3)")?
        .execute(params![kind, reference, at])?;
    Ok(())
}

/// The oldest `limit` rows as (id, item). Rows of a kind this binary does not know are skipped, not lost.
pub fn peek(conn: &Connection, limit: usize) -> Result<Vec<(i64, OutboxItem)>, StoreError> {
    let rows = conn
        .prepare_cached("SELECT id, kind, ref FROM outbox ORDER BY id LIMIT ?1")?
        .query_map([limit as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, kind, reference)| {
            OutboxItem::from_parts(&kind, reference).map(|item| (id, item))
        })
        .collect())
}

/// Removes the rows that were handled.
pub fn remove(conn: &Connection, ids: &[i64]) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached("DELETE FROM outbox WHERE id = ?1")?;
    for id in ids {
        stmt.execute([id])?;
    }
    Ok(())
}

pub fn backlog(conn: &Connection) -> Result<u64, StoreError> {
    Ok(conn.query_row("SELECT count(*) FROM outbox", [], |r| r.get::<_, i64>(0))? as u64)
}
