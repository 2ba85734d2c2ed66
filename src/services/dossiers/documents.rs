//! Files attached to a dossier: scanned papers at the counter, papers submitted online, results and internal
//! papers. The type is recognised from the content, the bytes go to the file store first and the row is written
//! after, so a failure leaves at most an unreferenced file (which `doctor` reports), never a row without its file.

use crate::filestore::FileStore;

use serde_json::json;

use crate::domain::dossier::Actor;
use crate::domain::filetype::identify;
use crate::store::Db;
use crate::store::audit::Outcome;
use crate::store::dossiers::{self, DocumentRow, EventRow};

use super::Acting;
use crate::services::{Context, ServiceError};

/// The kinds of `POST /api/v1/dossiers/{ref}/documents`.
pub const KINDS: [&str; 4] = ["submitted", "scan", "result", "internal"];

pub struct NewDocument {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub kind: String,
    pub component: Option<i64>,
    /// Keep it out of search (staff only).
    pub confidential: bool,
    /// The officer certifies this scan as an electronic copy matching the paper original (staff only).
    pub certify: bool,
}

/// A checked file already in the file store, ready to be recorded on a dossier.
#[derive(Debug, Clone)]
pub struct PreparedDocument {
    pub component: Option<i64>,
    pub kind: String,
    pub file_name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    pub confidential: bool,
    pub certify: bool,
}

/// Checks a file (kind, size, type by content) and puts it in the file store. A file stored for a dossier whose
/// transaction then fails is harmless: it is named by its hash and referenced by nothing.
pub async fn prepare(
    files: FileStore,
    acting: &Acting,
    doc: NewDocument,
) -> Result<PreparedDocument, ServiceError> {
    let field = doc
        .component
        .map_or_else(|| "file".to_owned(), |c| format!("file_{c}"));
    let kind = doc.kind.trim();
    let kind = if kind.is_empty() { "scan" } else { kind };
    if !KINDS.contains(&kind) {
        return Err(ServiceError::field("kind", "document_kind.invalid"));
    }
    if doc.bytes.is_empty() {
        return Err(ServiceError::field(&field, "file.empty"));
    }
    if doc.bytes.len() > files.max_bytes {
        return Err(ServiceError::field(&field, "file.too_large"));
    }
    let file_type =
        identify(&doc.bytes).ok_or_else(|| ServiceError::field(&field, "media_type"))?;
    let applicant = matches!(acting.actor, Actor::Owner | Actor::Integration);
    if applicant && (kind != "submitted" || doc.confidential || doc.certify) {
        return Err(ServiceError::Forbidden);
    }
    if doc.certify && !matches!(kind, "scan" | "result") {
        return Err(ServiceError::field("certify", "document.certify_kind"));
    }
    let file_name = crate::domain::text::clean_line(&doc.file_name);
    if !file_type.matches_name(&file_name) {
        return Err(ServiceError::field(&field, "file.mismatch"));
    }
    let file_name = if file_name.is_empty() {
        format!("tep.{}", file_type.extension())
    } else {
        file_name.chars().take(200).collect()
    };
    let bytes = doc.bytes;
    let size = bytes.len() as i64;
    let sha = crate::services::cpu(move || crate::filestore::put(&files.dir, &bytes))
        .await?
        .map_err(|e| {
            ServiceError::Internal(anyhow::Error::new(e).context("storing a dossier file"))
        })?;
    Ok(PreparedDocument {
        component: doc.component,
        kind: kind.to_owned(),
        file_name,
        media_type: file_type.media_type().to_owned(),
        size,
        sha256: sha,
        confidential: doc.confidential,
        certify: doc.certify,
    })
}

/// Records a prepared file on a dossier with its event, inside the caller's transaction.
pub(crate) fn record(
    tx: &rusqlite::Connection,
    ctx: &Context,
    acting: &Acting,
    row: &dossiers::DossierRow,
    doc: &PreparedDocument,
) -> Result<DocumentRow, ServiceError> {
    if let Some(position) = doc.component
        && !dossiers::components(tx, row.id)?
            .iter()
            .any(|c| c.position == position)
    {
        return Err(ServiceError::field("component", "component.unknown"));
    }
    let mut document = DocumentRow {
        id: 0,
        component: doc.component,
        kind: doc.kind.clone(),
        file_name: doc.file_name.clone(),
        media_type: doc.media_type.clone(),
        size: doc.size,
        sha256: doc.sha256.clone(),
        uploaded_by: acting.name.clone(),
        uploaded_at: ctx.now_text(),
        confidential: doc.confidential,
        certified_by: doc.certify.then(|| acting.name.clone()),
        certified_at: doc.certify.then(|| ctx.now_text()),
        text_status: "pending".to_owned(),
    };
    document.id = dossiers::insert_document(tx, row.id, &document)?;
    dossiers::insert_event(
        tx,
        row.id,
        &EventRow {
            id: 0,
            at: ctx.now_text(),
            actor: acting.name.clone(),
            actor_ref: acting.reference.clone(),
            unit_code: acting.unit.clone(),
            action: "attach".to_owned(),
            stage: row.stage.clone(),
            status: row.status,
            comment: document.file_name.clone(),
            data: json!({"kind": doc.kind, "sha256": doc.sha256, "component": doc.component,
                "certified": doc.certify, "confidential": doc.confidential})
            .to_string(),
        },
    )?;
    let object = row.code.clone().unwrap_or(row.public_id.clone());
    ctx.audit(
        tx,
        "dossier.document",
        &object,
        Outcome::Ok,
        &document.sha256,
    )?;
    Ok(document)
}

/// Stores the file and records it on an active dossier with an event.
pub async fn attach(
    db: &Db,
    files: FileStore,
    ctx: &Context,
    acting: &Acting,
    reference: &str,
    doc: NewDocument,
) -> Result<DocumentRow, ServiceError> {
    let prepared = prepare(files, acting, doc).await?;
    let (ctx, acting, reference) = (ctx.clone(), acting.clone(), reference.to_owned());
    db.write(move |tx| {
        let row = dossiers::find(tx, &reference)?.ok_or(ServiceError::NotFound)?;
        if !row.active {
            return Err(ServiceError::Refused("dossier.invalid_transition"));
        }
        let applicant = matches!(acting.actor, Actor::Owner | Actor::Integration);
        if applicant && row.owner_ref.as_deref() != Some(acting.reference.as_str()) {
            return Err(ServiceError::Forbidden);
        }
        record(tx, &ctx, &acting, &row, &prepared)
    })
    .await
}

/// Saves what the extractor read from a file (by content hash) and queues every dossier holding it for the
/// search index, in one transaction.
pub async fn save_text(
    db: &Db,
    ctx: &Context,
    sha256: String,
    extracted: crate::extract::Extracted,
) -> Result<(), ServiceError> {
    let at = ctx.now_text();
    db.write(move |tx| {
        dossiers::save_text(
            tx,
            &sha256,
            extracted.status.as_str(),
            extracted.method,
            &extracted.text,
            &extracted.detail,
            &at,
        )?;
        Ok(())
    })
    .await
}
