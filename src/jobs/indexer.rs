//! The search indexer: the only owner of the index writer. It drains the outbox (rows written in the same
//! transaction as each catalogue change), applies them to the Tantivy index, commits, and only then removes the
//! rows, so a crash repeats work instead of losing it. It also rebuilds the whole index when asked or when the
//! index does not match the database at start.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, Result, anyhow};
use tokio_util::sync::CancellationToken;

use crate::domain::catalogue::Procedure;
use crate::search::{ProcedureEntry, ProcedureWriter, SearchIndex};
use crate::services::search::IndexerWake;
use crate::services::{self, Context};
use crate::store::outbox::{self, OutboxItem};
use crate::store::{Db, StoreError, catalogue, procedures};

/// How often the outbox is polled when nobody wakes the indexer (changes made by another process, e.g. the CLI).
const POLL: Duration = Duration::from_millis(400);
const BATCH: usize = 200;

/// The searchable text of a procedure: every level-1 item a citizen might type words from.
pub fn entry_for(p: &Procedure, sector_name: &str) -> ProcedureEntry {
    let mut text: Vec<&str> = vec![sector_name];
    text.extend(p.steps.iter().map(String::as_str));
    text.push(&p.method);
    text.extend(p.components.iter().map(|c| c.name.as_str()));
    text.extend([
        p.applicants.as_str(),
        p.implementing_agency.as_str(),
        p.deciding_agency.as_str(),
        p.result.as_str(),
        p.conditions.as_str(),
        p.fee_note.as_str(),
    ]);
    text.extend(p.legal_basis.iter().map(String::as_str));
    text.extend(p.templates.iter().map(|t| t.name.as_str()));
    ProcedureEntry {
        code: p.code.clone(),
        name: p.name.clone(),
        text: text
            .into_iter()
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join("\n"),
        sector: p.sector.clone(),
        level: p.level.as_str().to_owned(),
        service_level: p.service_level.as_str().to_owned(),
    }
}

/// Builds every published procedure's entry.
async fn all_entries(db: &Db) -> Result<Vec<ProcedureEntry>, StoreError> {
    db.read(|c| {
        let sectors = catalogue::list_sectors(c)?;
        let name_of = |code: &str| {
            sectors
                .iter()
                .find(|s| s.code == code)
                .map_or("", |s| s.name.as_str())
                .to_owned()
        };
        Ok(procedures::all_published(c)?
            .iter()
            .map(|v| entry_for(&v.body, &name_of(&v.body.sector)))
            .collect())
    })
    .await
}

/// Replaces the index contents with the database's published catalogue in one commit; searches keep seeing the
/// previous commit until this one lands.
pub async fn rebuild(db: &Db, writer: &Arc<Mutex<ProcedureWriter>>) -> Result<usize> {
    let entries = all_entries(db).await?;
    let count = entries.len();
    let writer = writer.clone();
    tokio::task::spawn_blocking(move || -> Result<()> {
        let mut w = writer
            .lock()
            .map_err(|_| anyhow!("index writer poisoned"))?;
        w.delete_all()?;
        for e in &entries {
            w.upsert(e)?;
        }
        w.commit()?;
        Ok(())
    })
    .await??;
    Ok(count)
}

/// Applies one batch of outbox rows; returns how many were handled.
async fn drain_once(db: &Db, writer: &Arc<Mutex<ProcedureWriter>>) -> Result<usize> {
    let rows = db.read(|c| outbox::peek(c, BATCH)).await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
    if rows.iter().any(|(_, item)| *item == OutboxItem::RebuildAll) {
        rebuild(db, writer).await?;
    } else {
        let codes: Vec<String> = rows
            .into_iter()
            .filter_map(|(_, item)| match item {
                OutboxItem::Procedure(code) => Some(code),
                OutboxItem::RebuildAll => None,
            })
            .collect();
        let changes = db
            .read(move |c| {
                let mut out = Vec::with_capacity(codes.len());
                for code in codes {
                    let entry = match procedures::published(c, &code)? {
                        Some(v) => {
                            let sector = catalogue::get_sector(c, &v.body.sector)?
                                .map(|s| s.name)
                                .unwrap_or_default();
                            Some(entry_for(&v.body, &sector))
                        }
                        None => None,
                    };
                    out.push((code, entry));
                }
                Ok::<_, StoreError>(out)
            })
            .await?;
        let writer = writer.clone();
        tokio::task::spawn_blocking(move || -> Result<()> {
            let mut w = writer
                .lock()
                .map_err(|_| anyhow!("index writer poisoned"))?;
            for (code, entry) in &changes {
                match entry {
                    Some(e) => w.upsert(e)?,
                    None => w.delete(code)?,
                }
            }
            w.commit()?;
            Ok(())
        })
        .await??;
    }
    services::search::acknowledge(db, ids.clone()).await?;
    Ok(ids.len())
}

/// Applies the outbox until it is empty (used by `motcua reindex` and at start).
pub async fn drain(db: &Db, writer: &Arc<Mutex<ProcedureWriter>>) -> Result<usize> {
    let mut total = 0;
    loop {
        let n = drain_once(db, writer).await?;
        if n == 0 {
            return Ok(total);
        }
        total += n;
    }
}

/// Runs until `token` is cancelled. When `rebuild_first` is set (the index was missing, of an older schema, or
/// out of step with the database) the index is rebuilt before the outbox is followed.
pub async fn run(
    db: Db,
    index: SearchIndex,
    wake: IndexerWake,
    rebuild_first: bool,
    token: CancellationToken,
) -> Result<()> {
    let writer = Arc::new(Mutex::new(
        index
            .writer()
            .context("cannot open the search index writer")?,
    ));
    if rebuild_first {
        let started = std::time::Instant::now();
        let n = rebuild(&db, &writer).await?;
        tracing::info!(
            procedures = n,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "search index rebuilt"
        );
    }
    loop {
        match drain(&db, &writer).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(rows = n, "search index updated"),
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "search indexing failed; will retry")
            }
        }
        tokio::select! {
            _ = token.cancelled() => return Ok(()),
            _ = wake.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
        }
    }
}

/// Rebuilds the index of a data directory no server is running on (`motcua reindex`).
pub async fn rebuild_offline(db: &Db, index: &SearchIndex, ctx: &Context) -> Result<usize> {
    let writer = Arc::new(Mutex::new(index.writer()?));
    let n = rebuild(db, &writer).await?;
    drain(db, &writer).await?;
    services::search::record_rebuild(db, ctx, n).await?;
    Ok(n)
}
