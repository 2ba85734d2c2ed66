//! Citizen sessions, kept apart from staff sessions so a citizen token can never reach a staff page.

use rusqlite::{Connection, OptionalExtension, params};

use super::CitizenId;
use crate::store::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenSession {
    pub id: i64,
    pub citizen_id: CitizenId,
    pub kind: String,
    pub last_seen_at: String,
    pub expires_at: String,
}

pub struct NewCitizenSession<'a> {
    pub token_hash: &'a str,
    pub citizen_id: CitizenId,
    pub kind: &'a str,
    pub now: &'a str,
    pub expires_at: &'a str,
    pub ip: &'a str,
    pub user_agent: &'a str,
}

pub fn insert(conn: &Connection, s: &NewCitizenSession<'_>) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO citizen_sessions(token_hash, citizen_id, kind, created_at, last_seen_at, expires_at, ip,
                                      user_agent)
         VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![s.token_hash, s.citizen_id.0, s.kind, s.now, s.expires_at, s.ip, s.user_agent])?;
    Ok(conn.last_insert_rowid())
}

pub fn find_by_token_hash(
    conn: &Connection,
    token_hash: &str,
) -> Result<Option<CitizenSession>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT id, citizen_id, kind, last_seen_at, expires_at FROM citizen_sessions WHERE token_hash = ?1",
        )?
        .query_row([token_hash], |r| {
            Ok(CitizenSession {
                id: r.get(0)?,
                citizen_id: CitizenId(r.get(1)?),
                kind: r.get(2)?,
                last_seen_at: r.get(3)?,
                expires_at: r.get(4)?,
            })
        })
        .optional()?)
}

pub fn touch(conn: &Connection, id: i64, now: &str) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE citizen_sessions SET last_seen_at = ?2 WHERE id = ?1")?
        .execute(params![id, now])?;
    Ok(())
}

pub fn delete(conn: &Connection, id: i64) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM citizen_sessions WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Ends every session of an account except `keep` (after a password change or reset).
pub fn delete_for_citizen(
    conn: &Connection,
    id: CitizenId,
    keep: Option<i64>,
) -> Result<usize, StoreError> {
    Ok(conn
        .prepare_cached("DELETE FROM citizen_sessions WHERE citizen_id = ?1 AND id IS NOT ?2")?
        .execute(params![id.0, keep])?)
}
