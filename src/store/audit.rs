//! The audit log: append-only rows, each chained to the one before by SHA-256, so editing or deleting a row
//! breaks the chain at that row. Appended inside the same transaction as the change it records.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;
use crate::crypto::sha256_hex;

/// The `prev_hash` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What happened, by whom, from where. `actor` is a username or `system`; `object` names what was acted on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NewAuditEntry {
    pub actor: String,
    pub ip: String,
    pub action: &'static str,
    pub object: String,
    pub outcome: Outcome,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    Denied,
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
        }
    }
}

/// A stored row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub ip: String,
    pub action: String,
    pub object: String,
    pub outcome: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of a row: SHA-256 over a JSON array of every field and the previous hash, an encoding with no
/// ambiguity between fields.
fn row_hash(id: i64, at: &str, e: [&str; 6], prev_hash: &str) -> String {
    let canonical =
        serde_json::json!([id, at, e[0], e[1], e[2], e[3], e[4], e[5], prev_hash]).to_string();
    sha256_hex(canonical.as_bytes())
}

/// Appends one entry at `at`, chained to the last row.
pub fn append(conn: &Connection, at: &str, entry: &NewAuditEntry) -> Result<i64, StoreError> {
    let last: Option<(i64, String)> = conn
        .prepare_cached("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (id, prev_hash) = last.map_or((1, GENESIS.to_owned()), |(id, hash)| (id + 1, hash));
    let fields = [
        entry.actor.as_str(),
        entry.ip.as_str(),
        entry.action,
        entry.object.as_str(),
        entry.outcome.as_str(),
        entry.detail.as_str(),
    ];
    let hash = row_hash(id, at, fields, &prev_hash);
    conn.prepare_cached(
        "INSERT INTO audit_log(id, at, actor, ip, action, object, outcome, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        id, at, fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], prev_hash, hash
    ])?;
    Ok(id)
}

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditRow> {
    Ok(AuditRow {
        id: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        ip: r.get(3)?,
        action: r.get(4)?,
        object: r.get(5)?,
        outcome: r.get(6)?,
        detail: r.get(7)?,
        prev_hash: r.get(8)?,
        hash: r.get(9)?,
    })
}

const COLUMNS: &str = "id, at, actor, ip, action, object, outcome, detail, prev_hash, hash";

/// The newest rows first, up to `limit`, before row id `before` when paging.
pub fn list_recent(
    conn: &Connection,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE id < ?1 ORDER BY id DESC LIMIT ?2");
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(params![before.unwrap_or(i64::MAX), limit], read_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// The result of walking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainCheck {
    Intact {
        rows: i64,
    },
    /// The first row whose stored hash, link or position does not match.
    BrokenAt {
        id: i64,
        reason: &'static str,
    },
}

/// Recomputes every hash in order and names the first row that does not fit.
pub fn verify_chain(conn: &Connection) -> Result<ChainCheck, StoreError> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM audit_log ORDER BY id"))?;
    let mut rows = stmt.query([])?;
    let (mut expected_prev, mut expected_id, mut count) = (GENESIS.to_owned(), 1_i64, 0_i64);
    while let Some(r) = rows.next()? {
        let row = read_row(r)?;
        if row.id != expected_id {
            return Ok(ChainCheck::BrokenAt {
                id: row.id,
                reason: "a row before this one is missing",
            });
        }
        if row.prev_hash != expected_prev {
            return Ok(ChainCheck::BrokenAt {
                id: row.id,
                reason: "the link to the previous row does not match",
            });
        }
        let fields = [
            &*row.actor,
            &*row.ip,
            &*row.action,
            &*row.object,
            &*row.outcome,
            &*row.detail,
        ];
        if row_hash(row.id, &row.at, fields, &row.prev_hash) != row.hash {
            return Ok(ChainCheck::BrokenAt {
                id: row.id,
                reason: "the row was altered after it was written",
            });
        }
        expected_prev = row.hash;
        expected_id += 1;
        count += 1;
    }
    Ok(ChainCheck::Intact { rows: count })
}
