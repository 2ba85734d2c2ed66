//! Catalogue commands: procedure packs in and out, and rebuilding the search index.

use std::path::Path;

use anyhow::{Context as _, Result, bail};

use crate::config::Config;
use crate::datadir::DataDir;
use crate::jobs::indexer;
use crate::maintenance;
use crate::search::SearchIndex;
use crate::services::packs::{self, ImportError};
use crate::services::{self, Context};

/// `motcua import procedures FILE`: all or nothing; prints what changed.
pub async fn import_procedures(
    data: &DataDir,
    config: &Config,
    ctx: &Context,
    file: &Path,
) -> Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let (db, _lock) = maintenance::open_for_cli(data, config).await?;
    match packs::import(&db, ctx, &text).await {
        Ok(report) => {
            for warning in &report.warnings {
                println!("cảnh báo: {warning}");
            }
            println!(
                "imported {}: {} procedures created, {} updated, {} unchanged; {} catalogue entries changed",
                file.display(),
                report.procedures_created,
                report.procedures_updated,
                report.procedures_unchanged,
                report.catalogue_entries_changed
            );
            Ok(())
        }
        Err(ImportError::Refused(problem)) => {
            bail!("{}: refused, nothing imported: {problem}", file.display())
        }
        Err(ImportError::Service(e)) => Err(e.into()),
    }
}

/// `motcua export procedures FILE`: the published catalogue with its templates, as one pack.
pub async fn export_procedures(data: &DataDir, config: &Config, file: &Path) -> Result<()> {
    let (db, _lock) = maintenance::open_for_cli(data, config).await?;
    let pack = packs::export(&db).await?;
    let json = serde_json::to_string_pretty(&pack)?;
    std::fs::write(file, json + "\n")
        .with_context(|| format!("cannot write {}", file.display()))?;
    println!(
        "exported {} procedures to {}",
        pack.procedures.len(),
        file.display()
    );
    Ok(())
}

/// `motcua reindex`: rebuilds the index here when no server runs; otherwise asks the running server to.
pub async fn reindex(data: &DataDir, config: &Config, ctx: &Context) -> Result<()> {
    let (db, lock) = maintenance::open_for_cli(data, config).await?;
    if lock.is_some() {
        let (index, _) = SearchIndex::open(&data.search_dir())?;
        let (dossiers, _) = crate::search::DossierIndex::open(&data.search_dir())?;
        let started = std::time::Instant::now();
        let (n, d) = indexer::rebuild_offline(&db, &index, &dossiers, ctx).await?;
        println!(
            "search indexes rebuilt: {n} procedures, {d} dossiers in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    } else {
        services::search::request_rebuild(&db, ctx).await?;
        println!(
            "a server is running on this data directory; it will rebuild the search indexes within a second"
        );
    }
    Ok(())
}
