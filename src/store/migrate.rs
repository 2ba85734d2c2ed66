//! Schema versioning through `PRAGMA user_version`: a fresh database runs schema.sql; an existing one runs the
//! ordered steps below; a database newer than this binary is refused.

use rusqlite::{Connection, TransactionBehavior};

use super::StoreError;

/// The canonical current schema.
pub const SCHEMA_SQL: &str = include_str!("../../schema.sql");

/// One upgrade: from `version - 1` to `version`.
pub struct Step {
    pub version: i64,
    pub sql: &'static str,
}

/// Upgrade steps after the first released schema (tests/fixtures/schema_v1.sql). Append only; never edit a step
/// that has shipped. Each runs in its own IMMEDIATE transaction together with the version bump.
pub const MIGRATIONS: &[Step] = &[
    Step {
        version: 2,
        sql: include_str!("migrations/0002_catalogue.sql"),
    },
    Step {
        version: 3,
        sql: include_str!("migrations/0003_dossiers.sql"),
    },
    Step {
        version: 4,
        sql: include_str!("migrations/0004_portal.sql"),
    },
    Step {
        version: 5,
        sql: include_str!("migrations/0005_reports.sql"),
    },
    Step {
        version: 6,
        sql: include_str!("migrations/0006_documents.sql"),
    },
];

/// The version this binary writes.
pub const CURRENT_VERSION: i64 = 1 + MIGRATIONS.len() as i64;

/// Where a database stands relative to this binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    pub found: i64,
    pub current: i64,
    pub empty: bool,
}

impl Status {
    pub fn pending(&self) -> bool {
        self.found < self.current
    }
}

pub fn status(conn: &Connection) -> Result<Status, StoreError> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
    Ok(Status {
        found,
        current: CURRENT_VERSION,
        empty: found == 0 && tables == 0,
    })
}

/// Refuses a database this binary cannot run on without changing it.
pub fn require_current(conn: &Connection) -> Result<(), StoreError> {
    let s = status(conn)?;
    if s.found > s.current {
        return Err(StoreError::TooNew {
            found: s.found,
            supported: s.current,
        });
    }
    if s.found < s.current {
        return Err(StoreError::Outdated {
            found: s.found,
            current: s.current,
        });
    }
    Ok(())
}

/// Brings the database to the current version; returns the version it started from.
pub fn run(conn: &mut Connection) -> Result<i64, StoreError> {
    let s = status(conn)?;
    if s.found > s.current {
        return Err(StoreError::TooNew {
            found: s.found,
            supported: s.current,
        });
    }
    if s.empty {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(SCHEMA_SQL)?;
        tx.commit()?;
        return Ok(0);
    }
    apply_steps(conn, s.found, MIGRATIONS)?;
    Ok(s.found)
}

/// Applies the steps above `from`, each with its version bump in one transaction.
pub fn apply_steps(conn: &mut Connection, from: i64, steps: &[Step]) -> Result<(), StoreError> {
    for step in steps.iter().filter(|s| s.version > from) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(step.sql)?;
        tx.pragma_update(None, "user_version", step.version)?;
        tx.commit()?;
    }
    Ok(())
}
