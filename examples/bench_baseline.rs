//! The raw capacity of this machine for durable writes over HTTP, the baseline of `scripts/bench/dossiers.sh`
//! (docs/PERFORMANCE.md): a bare axum server, with the tokio and axum of motcua, whose one POST handler does one
//! durable SQLite insert the way motcua's `Db::write` does it — a single writer connection in WAL mode with
//! `synchronous=FULL` behind a tokio mutex, the work in `spawn_blocking`, `BEGIN IMMEDIATE` … `COMMIT` — and
//! answers 201 with the new row's id. No middleware, sessions, JSON parsing or audit.
//!
//! ```sh
//! cargo run --release --example bench_baseline -- --db /tmp/baseline.db --listen 127.0.0.1:0
//! ```
//!
//! `POST /rows` stores the request body (up to 4 KiB) with the time; `GET /rows/count` counts the rows, so a
//! benchmark can check that every 201 left a row behind. Prints `listening on http://ADDR` once ready.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use clap::Parser;
use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::Mutex;

#[derive(Parser)]
#[command(
    about = "Bare axum + one durable SQLite insert per request: the baseline of the dossier benchmark"
)]
struct Args {
    /// The SQLite database to create or append to (put it on the disk the server's data directory is on).
    #[arg(long)]
    db: PathBuf,
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
}

type Writer = Arc<Mutex<Connection>>;

fn open(path: &PathBuf) -> Result<Connection> {
    let conn = Connection::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    anyhow::ensure!(mode.eq_ignore_ascii_case("wal"), "not in WAL mode: {mode}");
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS receipts (
             id          INTEGER PRIMARY KEY,
             received_at TEXT NOT NULL,
             body        BLOB NOT NULL
         ) STRICT;",
    )?;
    Ok(conn)
}

async fn insert(
    State(writer): State<Writer>,
    body: Bytes,
) -> Result<(StatusCode, String), StatusCode> {
    if body.len() > 4096 {
        return Err(StatusCode::PAYLOAD_TOO_LARGE);
    }
    let mut conn = writer.lock_owned().await;
    let id = tokio::task::spawn_blocking(move || -> rusqlite::Result<i64> {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO receipts(received_at, body) VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?1)",
            [body.as_ref()],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    })
    .await
    .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?
    .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok((StatusCode::CREATED, format!("{{\"id\":{id}}}")))
}

async fn count(State(writer): State<Writer>) -> Result<String, StatusCode> {
    let conn = writer.lock_owned().await;
    tokio::task::spawn_blocking(move || {
        conn.query_row("SELECT count(*) FROM receipts", [], |r| r.get::<_, i64>(0))
    })
    .await
    .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?
    .map(|n| n.to_string())
    .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let writer: Writer = Arc::new(Mutex::new(open(&args.db)?));
    let app = Router::new()
        .route("/rows", post(insert))
        .route("/rows/count", get(count))
        .with_state(writer);
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
