//! The text extractor: reads the text of stored dossier documents in the background so search can find them,
//! never on the request that uploaded them. It takes files whose `document_texts` row is 'pending' (written in
//! the upload's transaction), one at a time, and saves what it read through `services`, which also queues the
//! dossiers for re-indexing. Each file is read by `motcua extract-text` in a child process: document parsers meet
//! hostile files, and one that aborts, loops or exhausts memory then costs a child, not the server, while a
//! timeout kills a child that takes too long.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::Result;
use tokio::io::AsyncWriteExt;
use tokio_util::sync::CancellationToken;

use crate::extract::{Extracted, Ocr};
use crate::services::{Context, dossiers::documents};
use crate::store::{Db, dossiers};

/// How often the queue is looked at; an upload's text is read within about this long.
const POLL: Duration = Duration::from_millis(500);
/// Files taken per look.
const BATCH: usize = 8;
/// Longest a single file may take (OCR of a many-page scan is the slow case); the child is killed past it.
const PER_FILE: Duration = Duration::from_secs(180);

/// How to run the reader: the program (this binary, `motcua`) and whether scans are read with OCR.
#[derive(Debug, Clone)]
pub struct Reader {
    pub program: PathBuf,
    pub ocr: bool,
}

/// Runs until `token` is cancelled. OCR is used when `[documents] ocr` is on and the `tesseract` program with
/// Vietnamese data is installed.
pub async fn run(
    db: Db,
    files_dir: PathBuf,
    program: PathBuf,
    ocr: bool,
    token: CancellationToken,
) -> Result<()> {
    let ocr = ocr && tokio::task::spawn_blocking(Ocr::detect).await?.is_some();
    if ocr {
        tracing::info!("scanned documents are read with tesseract (Vietnamese)");
    } else {
        tracing::info!(
            "OCR is off or tesseract with Vietnamese data is not installed; scans are stored without text"
        );
    }
    let reader = Reader { program, ocr };
    loop {
        match extract_batch(&db, &files_dir, &reader).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(files = n, "document texts read"),
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "reading document texts failed; will retry")
            }
        }
        tokio::select! {
            _ = token.cancelled() => return Ok(()),
            _ = tokio::time::sleep(POLL) => {}
        }
    }
}

/// Reads one batch of pending files; returns how many were handled.
pub async fn extract_batch(db: &Db, files_dir: &Path, reader: &Reader) -> Result<usize> {
    let pending = db.read(|c| dossiers::pending_texts(c, BATCH)).await?;
    let count = pending.len();
    for (sha256, media_type) in pending {
        let extracted = match crate::filestore::path_of(files_dir, &sha256) {
            Some(path) => read_in_child(reader, &path, &media_type).await,
            None => Extracted::failed("not a stored file"),
        };
        if extracted.detail.starts_with("the reader") {
            tracing::warn!(
                sha256,
                detail = extracted.detail,
                "a document could not be read"
            );
        }
        documents::save_text(db, &Context::job("extractor"), sha256, extracted).await?;
    }
    Ok(count)
}

/// Runs `motcua extract-text` on one stored file, feeding it on standard input.
async fn read_in_child(reader: &Reader, path: &Path, media_type: &str) -> Extracted {
    let bytes = match tokio::fs::read(path).await {
        Ok(bytes) => bytes,
        Err(_) => return Extracted::failed("the file is missing from the file store"),
    };
    let mut command = tokio::process::Command::new(&reader.program);
    command
        .args(["extract-text", "--media-type", media_type])
        .args(reader.ocr.then_some("--ocr"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return Extracted::failed(format!("the reader could not start: {e}")),
    };
    let Some(mut stdin) = child.stdin.take() else {
        return Extracted::failed("the reader could not start: no input");
    };
    let run = async move {
        // A reader that quits before reading everything reports through its exit status below.
        let _ = stdin.write_all(&bytes).await;
        drop(stdin);
        child.wait_with_output().await
    };
    match tokio::time::timeout(PER_FILE, run).await {
        Err(_) => Extracted::failed(format!(
            "the reader was stopped after {} s",
            PER_FILE.as_secs()
        )),
        Ok(Err(e)) => Extracted::failed(format!("the reader failed: {e}")),
        Ok(Ok(out)) if !out.status.success() => {
            Extracted::failed(format!("the reader stopped on this file ({})", out.status))
        }
        Ok(Ok(out)) => Extracted::from_json(&String::from_utf8_lossy(&out.stdout))
            .unwrap_or_else(|| Extracted::failed("the reader gave no answer")),
    }
}
