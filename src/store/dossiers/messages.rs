//! Messages between the applicant and the office about one dossier, and the earlier form answers kept each time
//! the applicant changes them.

use rusqlite::{Connection, params};

use crate::store::StoreError;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MessageRow {
    pub id: i64,
    pub author_kind: String,
    pub author_name: String,
    pub body: String,
    pub created_at: String,
}

pub fn insert_message(
    conn: &Connection,
    dossier_id: i64,
    author_kind: &str,
    author_ref: &str,
    author_name: &str,
    body: &str,
    now: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO dossier_messages(dossier_id, author_kind, author_ref, author_name, body, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![dossier_id, author_kind, author_ref, author_name, body, now])?;
    Ok(())
}

/// The conversation in the order it happened.
pub fn messages(conn: &Connection, dossier_id: i64) -> Result<Vec<MessageRow>, StoreError> {
    let rows = conn
        .prepare_cached(
            "SELECT id, author_kind, author_name, body, created_at FROM dossier_messages
             WHERE dossier_id = ?1 ORDER BY id",
        )?
        .query_map([dossier_id], |r| {
            Ok(MessageRow {
                id: r.get(0)?,
                author_kind: r.get(1)?,
                author_name: r.get(2)?,
                body: r.get(3)?,
                created_at: r.get(4)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Keeps the answers a dossier held before a change.
pub fn insert_revision(
    conn: &Connection,
    dossier_id: i64,
    revised_by: &str,
    form_data: &str,
    now: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO dossier_revisions(dossier_id, revised_at, revised_by, form_data) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![dossier_id, now, revised_by, form_data])?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionRow {
    pub revised_at: String,
    pub revised_by: String,
    pub form_data: String,
}

pub fn revisions(conn: &Connection, dossier_id: i64) -> Result<Vec<RevisionRow>, StoreError> {
    let rows = conn
        .prepare_cached(
            "SELECT revised_at, revised_by, form_data FROM dossier_revisions WHERE dossier_id = ?1 ORDER BY id",
        )?
        .query_map([dossier_id], |r| {
            Ok(RevisionRow {
                revised_at: r.get(0)?,
                revised_by: r.get(1)?,
                form_data: r.get(2)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}
