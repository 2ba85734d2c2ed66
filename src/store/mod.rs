//! Storage layer: SQLite through rusqlite. One writer connection on its own thread (group commit, see `writer`) plus a small pool of
//! read-only connections; every call runs on a blocking thread, and connections never leave this module.
//! Store functions are synchronous free functions taking the connection or transaction first.

pub mod admin_units;
pub mod api_tokens;
pub mod audit;
pub mod calendar;
pub mod catalogue;
pub mod catalogue_refs;
pub mod citizens;
pub mod dossiers;
pub mod drafts;
pub mod evaluations;
pub mod form_templates;
pub mod health;
pub mod idempotency;
pub mod migrate;
pub mod notifications;
pub mod org;
pub mod outbox;
pub mod pages;
pub mod procedures;
pub mod ratings;
pub mod reports;
pub mod results;
pub mod sessions;
pub mod settings;
pub mod staff;
mod time_text;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction};
use tokio::sync::Semaphore;

pub use time_text::{format_time, parse_time};

/// Storage failures. Constraint names become `Conflict` so services can turn them into field errors.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict on {0}")]
    Conflict(&'static str),
    #[error(
        "the database schema version {found} is newer than this motcua understands ({supported}); \
         run the newer motcua, or restore a backup made by this version"
    )]
    TooNew { found: i64, supported: i64 },
    #[error(
        "the database is at schema version {found} and this motcua needs {current}; \
         start `motcua serve` (or `motcua demo`) once to migrate it"
    )]
    Outdated { found: i64, current: i64 },
    #[error("the database is busy")]
    Busy,
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("a database task panicked")]
    TaskPanicked,
}

/// The named UNIQUE constraints of schema.sql, matched against SQLite's error text.
const NAMED_CONSTRAINTS: &[&str] = &[
    "staff_username_unique",
    "sessions_token_unique",
    "api_tokens_name_unique",
    "api_tokens_token_unique",
    "procedure_versions_unique",
    "citizens_id_number_unique",
];

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match &e {
            rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound,
            rusqlite::Error::SqliteFailure(f, msg) => match f.code {
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked => {
                    StoreError::Busy
                }
                rusqlite::ErrorCode::ConstraintViolation => {
                    let text = msg.as_deref().unwrap_or_default();
                    NAMED_CONSTRAINTS
                        .iter()
                        .find(|name| text.contains(*name) || constraint_columns_match(name, text))
                        .map_or(StoreError::Sqlite(e), |name| StoreError::Conflict(name))
                }
                _ => StoreError::Sqlite(e),
            },
            _ => StoreError::Sqlite(e),
        }
    }
}

/// SQLite reports UNIQUE violations by column (`UNIQUE constraint failed: staff.username`), not by name.
fn constraint_columns_match(name: &str, text: &str) -> bool {
    let column = match name {
        "staff_username_unique" => "staff.username",
        "sessions_token_unique" => "sessions.token_hash",
        "api_tokens_name_unique" => "api_tokens.name",
        "api_tokens_token_unique" => "api_tokens.token_hash",
        "citizens_id_number_unique" => "citizens.id_number",
        _ => return false,
    };
    text.contains(column)
}

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Db {
    writer: writer::Writer,
    readers: Arc<ReaderPool>,
    path: PathBuf,
}

struct ReaderPool {
    idle: Mutex<Vec<Connection>>,
    permits: Semaphore,
    path: PathBuf,
}

/// Pragmas every connection gets; `busy_timeout` first so the connection waits rather than fails while another
/// switches the journal mode (PocketBase's order).
fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // One dossier action uses some thirty statements; rusqlite's default cache of 16 would re-parse them all.
    conn.set_prepared_statement_cache_capacity(256);
    // `ORDER BY name COLLATE vi`: Vietnamese alphabetical order (Đ among the D's, not after Z).
    conn.create_collation("vi", crate::domain::text::vietnamese_order)?;
    Ok(())
}

/// Opens the read-write connection: WAL, and `synchronous=FULL` because a receipt shown to a citizen is a legal
/// acknowledgement that must survive a power cut.
pub fn open_writer(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    configure(&conn)?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Sqlite(rusqlite::Error::InvalidQuery));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
    Ok(conn)
}

fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    configure(&conn)?;
    conn.pragma_update(None, "query_only", "ON")?;
    Ok(conn)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, StoreError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(value) => Ok(value),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(StoreError::TaskPanicked),
    }
}

impl Db {
    /// Opens a database that is already at the current schema version (see [`migrate`]).
    pub async fn open(path: &Path, readers: usize) -> Result<Db, StoreError> {
        let owned = path.to_owned();
        let writer = blocking(move || -> Result<Connection, StoreError> {
            let conn = open_writer(&owned)?;
            migrate::require_current(&conn)?;
            Ok(conn)
        })
        .await??;
        let readers = readers.max(1);
        Ok(Db {
            writer: writer::Writer::start(writer)?,
            readers: Arc::new(ReaderPool {
                idle: Mutex::new(Vec::with_capacity(readers)),
                permits: Semaphore::new(readers),
                path: path.to_owned(),
            }),
            path: path.to_owned(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in a `BEGIN IMMEDIATE` transaction on the single writer and answers once it is committed; `f`
    /// returning an error rolls back everything it did, so every write happens whole or not at all. Writes queued
    /// together share one commit, each in its own savepoint (see `writer`).
    pub async fn write<T, E>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        self.writer.write(f).await
    }

    /// Runs `f` on a pooled read-only connection.
    pub async fn read<T, E>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let pool = Arc::clone(&self.readers);
        let _permit = pool
            .permits
            .acquire()
            .await
            .map_err(|_| E::from(StoreError::TaskPanicked))?;
        let pooled = pool
            .idle
            .lock()
            .map_err(|_| E::from(StoreError::TaskPanicked))?
            .pop();
        let pool_for_task = Arc::clone(&pool);
        blocking(move || {
            let conn = match pooled {
                Some(conn) => conn,
                None => open_reader(&pool_for_task.path)?,
            };
            let result = f(&conn);
            if let Ok(mut idle) = pool_for_task.idle.lock() {
                idle.push(conn);
            }
            result
        })
        .await
        .map_err(E::from)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn writes_commit_whole_or_not_at_all() -> Result<(), StoreError> {
        let dir = tempfile::tempdir().map_err(|_| StoreError::NotFound)?;
        let path = dir.path().join("t.db");
        migrate::run(&mut open_writer(&path)?)?;
        let db = Db::open(&path, 2).await?;
        let failed: Result<(), StoreError> = db
            .write(|tx| {
                tx.execute("INSERT INTO settings(key, value) VALUES ('a', '1')", [])?;
                Err(StoreError::Conflict("test"))
            })
            .await;
        assert!(failed.is_err());
        let count: i64 = db
            .read(|c| {
                Ok::<_, StoreError>(c.query_row("SELECT count(*) FROM settings", [], |r| r.get(0))?)
            })
            .await?;
        assert_eq!(count, 0);
        Ok(())
    }

    #[tokio::test]
    async fn writes_sharing_a_commit_fail_alone_and_the_others_are_kept() -> Result<(), StoreError>
    {
        let dir = tempfile::tempdir().map_err(|_| StoreError::NotFound)?;
        let path = dir.path().join("t.db");
        migrate::run(&mut open_writer(&path)?)?;
        let db = Db::open(&path, 2).await?;
        // A first write holds the writer while the others queue, so they run together in the next transaction.
        let (started, wait) = tokio::sync::oneshot::channel::<()>();
        let holder = {
            let db = db.clone();
            tokio::spawn(async move {
                db.write(move |_| {
                    let _ = started.send(());
                    std::thread::sleep(std::time::Duration::from_millis(200));
                    Ok::<_, StoreError>(())
                })
                .await
            })
        };
        wait.await.map_err(|_| StoreError::TaskPanicked)?;
        let mut writes = Vec::new();
        for i in 0..60 {
            let db = db.clone();
            writes.push(tokio::spawn(async move {
                db.write(move |tx| {
                    tx.execute(
                        "INSERT INTO settings(key, value) VALUES (?1, 'x')",
                        [format!("k{i}")],
                    )?;
                    if i % 5 == 0 {
                        Err(StoreError::Conflict("test"))
                    } else {
                        Ok(())
                    }
                })
                .await
            }));
        }
        holder.await.map_err(|_| StoreError::TaskPanicked)??;
        let mut failed = 0;
        for w in writes {
            if w.await.map_err(|_| StoreError::TaskPanicked)?.is_err() {
                failed += 1;
            }
        }
        assert_eq!(failed, 12);
        let (count, kept_failed): (i64, i64) = db
            .read(|c| {
                Ok::<_, StoreError>(c.query_row(
                    "SELECT count(*), count(*) FILTER (WHERE CAST(substr(key, 2) AS INTEGER) % 5 = 0) FROM settings",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?)
            })
            .await?;
        assert_eq!((count, kept_failed), (48, 0));
        Ok(())
    }
}
