//! Idempotency keys of API POSTs, checked and recorded inside the transaction of the work they protect.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

/// A key sent with a request: who sent it, the key, and the SHA-256 of the request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    pub caller: String,
    pub key: String,
    pub request_hash: String,
}

/// What an earlier request with this key recorded: its body hash and its result reference.
pub fn find(conn: &Connection, k: &IdempotencyKey) -> Result<Option<(String, String)>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT request_hash, result FROM idempotency_keys WHERE caller = ?1 AND key = ?2",
        )?
        .query_row(params![k.caller, k.key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

pub fn record(
    conn: &Connection,
    k: &IdempotencyKey,
    result: &str,
    at: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO idempotency_keys(caller, key, request_hash, result, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![k.caller, k.key, k.request_hash, result, at])?;
    Ok(())
}
