//! The text extractor: reads the text of stored dossier documents in the background so search can find them,
//! never on the request that uploaded them. It takes files whose `document_texts` row is 'pending' (written in
//! the upload's transaction), one at a time on one blocking thread (the other core keeps serving the counter),
//! and saves what it read through `services`, which also queues the dossiers for re-indexing.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use tokio_util::sync::CancellationToken;

use crate::domain::filetype::AcceptedType;
use crate::extract::{self, Extracted, Ocr, TextStatus};
use crate::services::{Context, dossiers::documents};
use crate::store::{Db, dossiers};

/// How often the queue is looked at; an upload's text is read within about this long.
const POLL: Duration = Duration::from_millis(500);
/// Files taken per look.
const BATCH: usize = 8;
/// Longest a single file may take (OCR of a many-page scan is the slow case). A parser stuck past this is given
/// up on, so one hostile file cannot hold up every later one.
const PER_FILE: Duration = Duration::from_secs(180);

/// Runs until `token` is cancelled. `ocr` turns OCR on when the `tesseract` program with Vietnamese data is
/// installed (`[documents] ocr`).
pub async fn run(db: Db, files_dir: PathBuf, ocr: bool, token: CancellationToken) -> Result<()> {
    let ocr = if ocr {
        tokio::task::spawn_blocking(Ocr::detect).await?
    } else {
        None
    };
    match &ocr {
        Some(_) => tracing::info!("scanned documents are read with tesseract (Vietnamese)"),
        None => tracing::info!(
            "OCR is off or tesseract with Vietnamese data is not installed; scans are stored without text"
        ),
    }
    let ocr = Arc::new(ocr);
    loop {
        match extract_batch(&db, &files_dir, &ocr).await {
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
pub async fn extract_batch(
    db: &Db,
    files_dir: &std::path::Path,
    ocr: &Arc<Option<Ocr>>,
) -> Result<usize> {
    let pending = db.read(|c| dossiers::pending_texts(c, BATCH)).await?;
    let count = pending.len();
    for (sha256, media_type) in pending {
        let path = crate::filestore::path_of(files_dir, &sha256);
        let ocr = ocr.clone();
        let job =
            tokio::task::spawn_blocking(move || read_one(path, &media_type, ocr.as_ref().as_ref()));
        let extracted = match tokio::time::timeout(PER_FILE, job).await {
            Ok(done) => done?,
            Err(_) => Extracted {
                status: TextStatus::Unreadable,
                method: "",
                text: String::new(),
                detail: format!("gave up after {} s", PER_FILE.as_secs()),
            },
        };
        let ctx = Context::job("extractor");
        documents::save_text(db, &ctx, sha256, extracted).await?;
    }
    Ok(count)
}

fn read_one(path: Option<PathBuf>, media_type: &str, ocr: Option<&Ocr>) -> Extracted {
    let unreadable = |detail: &str| Extracted {
        status: TextStatus::Unreadable,
        method: "",
        text: String::new(),
        detail: detail.to_owned(),
    };
    let Some(kind) = AcceptedType::from_media_type(media_type) else {
        return unreadable("not a document type motcua reads");
    };
    match path.map(std::fs::read) {
        Some(Ok(bytes)) => extract::extract(kind, &bytes, ocr),
        _ => unreadable("the file is missing from the file store"),
    }
}
