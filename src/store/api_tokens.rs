//! Integration tokens created with `motcua token create`, stored as SHA-256 hashes.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub scope: String,
    pub revoked: bool,
}

pub fn insert(
    conn: &Connection,
    name: &str,
    scope: &str,
    token_hash: &str,
    now: &str,
) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO api_tokens(name, scope, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![name, scope, token_hash, now])?;
    Ok(conn.last_insert_rowid())
}

pub fn find_by_token_hash(
    conn: &Connection,
    token_hash: &str,
) -> Result<Option<ApiToken>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT id, name, scope, revoked_at IS NOT NULL FROM api_tokens WHERE token_hash = ?1",
        )?
        .query_row([token_hash], |r| {
            Ok(ApiToken {
                id: r.get(0)?,
                name: r.get(1)?,
                scope: r.get(2)?,
                revoked: r.get(3)?,
            })
        })
        .optional()?)
}
