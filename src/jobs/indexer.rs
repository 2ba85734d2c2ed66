//! The search indexer: the only owner of both index writers (procedures and dossiers). It drains the outbox
//! (rows written in the same transaction as each catalogue or dossier change), applies them to the Tantivy
//! indexes, commits, and only then removes the rows, so a crash repeats work instead of losing it. It also
//! rebuilds an index when asked or when it does not match the database at start.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, Result, anyhow};
use tokio_util::sync::CancellationToken;

use super::dossier_index;
use crate::domain::catalogue::Procedure;
use crate::search::{DossierIndex, DossierWriter, ProcedureEntry, ProcedureWriter, SearchIndex};
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

/// The writers of both indexes; this job is the only owner of each.
#[derive(Clone)]
pub struct Writers {
    pub procedures: Arc<Mutex<ProcedureWriter>>,
    pub dossiers: Arc<Mutex<DossierWriter>>,
}

impl Writers {
    pub fn open(procedures: &SearchIndex, dossiers: &DossierIndex) -> Result<Writers> {
        Ok(Writers {
            procedures: Arc::new(Mutex::new(
                procedures
                    .writer()
                    .context("cannot open the procedure index writer")?,
            )),
            dossiers: Arc::new(Mutex::new(
                dossiers
                    .writer()
                    .context("cannot open the dossier index writer")?,
            )),
        })
    }
}

/// Which indexes must be rebuilt before the outbox is followed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rebuild {
    pub procedures: bool,
    pub dossiers: bool,
}

/// Applies one batch of outbox rows; returns how many were handled.
async fn drain_once(db: &Db, writers: &Writers) -> Result<usize> {
    let rows = db.read(|c| outbox::peek(c, BATCH)).await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
    if rows.iter().any(|(_, item)| *item == OutboxItem::RebuildAll) {
        rebuild(db, &writers.procedures).await?;
        dossier_index::rebuild(db, &writers.dossiers).await?;
    } else {
        let mut codes = Vec::new();
        let mut dossiers = Vec::new();
        for (_, item) in rows {
            match item {
                OutboxItem::Procedure(code) => codes.push(code),
                OutboxItem::Dossier(id) => dossiers.push(id),
                OutboxItem::RebuildAll => {}
            }
        }
        if !codes.is_empty() {
            apply_procedures(db, &writers.procedures, codes).await?;
        }
        if !dossiers.is_empty() {
            dossier_index::apply(db, &writers.dossiers, dossiers).await?;
        }
    }
    services::search::acknowledge(db, ids.clone()).await?;
    Ok(ids.len())
}

/// Re-reads these procedures' published versions and updates the procedure index in one commit.
async fn apply_procedures(
    db: &Db,
    writer: &Arc<Mutex<ProcedureWriter>>,
    codes: Vec<String>,
) -> Result<()> {
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
    Ok(())
}

/// Applies the outbox until it is empty (used by `motcua reindex` and at start).
pub async fn drain(db: &Db, writers: &Writers) -> Result<usize> {
    let mut total = 0;
    loop {
        let n = drain_once(db, writers).await?;
        if n == 0 {
            return Ok(total);
        }
        total += n;
    }
}

/// Runs until `token` is cancelled. The indexes `rebuild_first` names (missing, of an older schema, or out of
/// step with the database) are rebuilt before the outbox is followed.
pub async fn run(
    db: Db,
    writers: Writers,
    wake: IndexerWake,
    rebuild_first: Rebuild,
    token: CancellationToken,
) -> Result<()> {
    if rebuild_first.procedures {
        let started = std::time::Instant::now();
        let n = rebuild(&db, &writers.procedures).await?;
        tracing::info!(
            procedures = n,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "procedure index rebuilt"
        );
    }
    if rebuild_first.dossiers {
        let started = std::time::Instant::now();
        let n = dossier_index::rebuild(&db, &writers.dossiers).await?;
        tracing::info!(
            dossiers = n,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "dossier index rebuilt"
        );
    }
    loop {
        match drain(&db, &writers).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(rows = n, "search indexes updated"),
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

/// Rebuilds both indexes of a data directory no server is running on (`motcua reindex`); returns the numbers of
/// procedures and dossiers indexed.
pub async fn rebuild_offline(
    db: &Db,
    procedures: &SearchIndex,
    dossiers: &DossierIndex,
    ctx: &Context,
) -> Result<(usize, usize)> {
    let writers = Writers::open(procedures, dossiers)?;
    let n = rebuild(db, &writers.procedures).await?;
    let d = dossier_index::rebuild(db, &writers.dossiers).await?;
    drain(db, &writers).await?;
    services::search::record_rebuild(db, ctx, n, d).await?;
    Ok((n, d))
}
