//! Server-side sessions, looked up by the SHA-256 of the token the client holds.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;
use crate::domain::ids::StaffId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: i64,
    pub staff_id: StaffId,
    pub kind: String,
    pub created_at: String,
    pub last_seen_at: String,
    pub expires_at: String,
}

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub staff_id: StaffId,
    pub kind: &'a str,
    pub now: &'a str,
    pub expires_at: &'a str,
    pub ip: &'a str,
    pub user_agent: &'a str,
}

pub fn insert(conn: &Connection, s: &NewSession<'_>) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO sessions(token_hash, staff_id, kind, created_at, last_seen_at, expires_at, ip, user_agent)
         VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![s.token_hash, s.staff_id.0, s.kind, s.now, s.expires_at, s.ip, s.user_agent])?;
    Ok(conn.last_insert_rowid())
}

pub fn find_by_token_hash(
    conn: &Connection,
    token_hash: &str,
) -> Result<Option<Session>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT id, staff_id, kind, created_at, last_seen_at, expires_at FROM sessions WHERE token_hash = ?1",
        )?
        .query_row([token_hash], |r| {
            Ok(Session {
                id: r.get(0)?,
                staff_id: StaffId(r.get(1)?),
                kind: r.get(2)?,
                created_at: r.get(3)?,
                last_seen_at: r.get(4)?,
                expires_at: r.get(5)?,
            })
        })
        .optional()?)
}

pub fn touch(conn: &Connection, id: i64, now: &str) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE sessions SET last_seen_at = ?2 WHERE id = ?1")?
        .execute(params![id, now])?;
    Ok(())
}

pub fn delete(conn: &Connection, id: i64) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM sessions WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Ends every session of an account except `keep` (after a password change or a lock).
pub fn delete_for_staff(
    conn: &Connection,
    staff_id: StaffId,
    keep: Option<i64>,
) -> Result<usize, StoreError> {
    Ok(conn
        .prepare_cached("DELETE FROM sessions WHERE staff_id = ?1 AND id IS NOT ?2")?
        .execute(params![staff_id.0, keep])?)
}

/// Removes sessions whose absolute lifetime ended before `now`.
pub fn delete_expired(conn: &Connection, now: &str) -> Result<usize, StoreError> {
    Ok(conn
        .prepare_cached("DELETE FROM sessions WHERE expires_at < ?1")?
        .execute([now])?)
}
