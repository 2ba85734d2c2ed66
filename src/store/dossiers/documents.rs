//! Dossier documents in SQLite: the metadata of each stored file (the bytes live in the file store under their
//! SHA-256), the text read from each distinct file for search, and the hashes `doctor` checks the store against.

use std::collections::HashSet;

use rusqlite::{Connection, params};

use crate::store::StoreError;
use crate::store::outbox::{self, OutboxItem};

/// A file attached to a dossier; the bytes live in the file store under `sha256`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DocumentRow {
    pub id: i64,
    pub component: Option<i64>,
    pub kind: String,
    pub file_name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: String,
    /// Kept out of the search index and its snippets.
    pub confidential: bool,
    /// Who certified this scan as an electronic copy matching the paper original, and when.
    pub certified_by: Option<String>,
    pub certified_at: Option<String>,
    /// Where reading its text stands: "pending", "done", "no_text", "unreadable" ("" for rows older than that).
    pub text_status: String,
}

/// Records a document and queues its text for the extractor (once per distinct file).
pub fn insert_document(
    conn: &Connection,
    dossier: i64,
    d: &DocumentRow,
) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO dossier_documents(dossier_id, component, kind, file_name, media_type, size, sha256,
            uploaded_by, uploaded_at, confidential, certified_by, certified_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        dossier,
        d.component,
        d.kind,
        d.file_name,
        d.media_type,
        d.size,
        d.sha256,
        d.uploaded_by,
        d.uploaded_at,
        d.confidential,
        d.certified_by,
        d.certified_at,
    ])?;
    let id = conn.last_insert_rowid();
    conn.prepare_cached(
        "INSERT OR IGNORE INTO document_texts(sha256, status) VALUES (?1, 'pending')",
    )?
    .execute([&d.sha256])?;
    Ok(id)
}

pub fn documents(conn: &Connection, dossier: i64) -> Result<Vec<DocumentRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.id, d.component, d.kind, d.file_name, d.media_type, d.size, d.sha256, d.uploaded_by,
            d.uploaded_at, d.confidential, d.certified_by, d.certified_at, COALESCE(t.status, '')
         FROM dossier_documents d LEFT JOIN document_texts t ON t.sha256 = d.sha256
         WHERE d.dossier_id = ?1 ORDER BY d.id",
    )?;
    let rows = stmt.query_map([dossier], |r| {
        Ok(DocumentRow {
            id: r.get(0)?,
            component: r.get(1)?,
            kind: r.get(2)?,
            file_name: r.get(3)?,
            media_type: r.get(4)?,
            size: r.get(5)?,
            sha256: r.get(6)?,
            uploaded_by: r.get(7)?,
            uploaded_at: r.get(8)?,
            confidential: r.get(9)?,
            certified_by: r.get(10)?,
            certified_at: r.get(11)?,
            text_status: r.get(12)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn document(conn: &Connection, dossier: i64, id: i64) -> Result<DocumentRow, StoreError> {
    documents(conn, dossier)?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or(StoreError::NotFound)
}

/// Files still waiting for their text, oldest first, as (sha256, media type).
pub fn pending_texts(conn: &Connection, limit: usize) -> Result<Vec<(String, String)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.sha256, (SELECT d.media_type FROM dossier_documents d WHERE d.sha256 = t.sha256 LIMIT 1)
         FROM document_texts t WHERE t.status = 'pending' LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
    })?;
    Ok(rows
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .map(|(sha, media)| (sha, media.unwrap_or_default()))
        .collect())
}

/// Stores what the extractor read from a file and queues every dossier holding it for re-indexing.
pub fn save_text(
    conn: &Connection,
    sha256: &str,
    status: &str,
    method: &str,
    body: &str,
    detail: &str,
    at: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE document_texts SET status = ?2, method = ?3, body = ?4, detail = ?5, extracted_at = ?6
         WHERE sha256 = ?1",
    )?
    .execute(params![sha256, status, method, body, detail, at])?;
    for dossier in documents_with(conn, sha256)? {
        outbox::enqueue(conn, &OutboxItem::Dossier(dossier), at)?;
    }
    Ok(())
}

/// The dossiers holding a file.
pub fn documents_with(conn: &Connection, sha256: &str) -> Result<Vec<i64>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT dossier_id FROM dossier_documents WHERE sha256 = ?1 ORDER BY dossier_id",
    )?;
    let rows = stmt.query_map([sha256], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The readable text of one of a dossier's documents, for the search index.
pub struct DocumentText {
    pub document_id: i64,
    pub file_name: String,
    pub text: String,
}

/// Every hash a record points at: dossier documents (results included) and draft papers. `doctor` reports a
/// stored file outside this set as orphaned and a hash in it without its file as missing.
pub fn referenced_hashes(conn: &Connection) -> Result<HashSet<String>, StoreError> {
    let mut out = HashSet::new();
    for sql in [
        "SELECT DISTINCT sha256 FROM dossier_documents",
        "SELECT DISTINCT sha256 FROM draft_files",
    ] {
        let mut stmt = conn.prepare(sql)?;
        for sha in stmt.query_map([], |r| r.get::<_, String>(0))? {
            out.insert(sha?);
        }
    }
    Ok(out)
}
