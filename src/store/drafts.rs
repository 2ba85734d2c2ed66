//! Drafts of online submissions (hồ sơ nháp) and the files attached to them so far.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;
use super::citizens::CitizenId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftRow {
    pub id: i64,
    pub public_id: String,
    pub citizen_id: CitizenId,
    pub procedure_code: String,
    pub procedure_version: i64,
    pub procedure_name: String,
    pub form_data: String,
    pub delivery: String,
    pub delivery_address: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftFile {
    pub component: i64,
    pub file_name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
}

const SELECT: &str = "SELECT d.id, d.public_id, d.citizen_id, d.procedure_code, d.procedure_version,
        coalesce(v.name, d.procedure_code), d.form_data, d.delivery, d.delivery_address,
        d.created_at, d.updated_at
    FROM drafts d
    LEFT JOIN procedure_versions v ON v.procedure_code = d.procedure_code AND v.version = d.procedure_version";

fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<DraftRow> {
    Ok(DraftRow {
        id: r.get(0)?,
        public_id: r.get(1)?,
        citizen_id: CitizenId(r.get(2)?),
        procedure_code: r.get(3)?,
        procedure_version: r.get(4)?,
        procedure_name: r.get(5)?,
        form_data: r.get(6)?,
        delivery: r.get(7)?,
        delivery_address: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

pub struct NewDraft<'a> {
    pub public_id: &'a str,
    pub citizen: CitizenId,
    pub procedure_code: &'a str,
    pub version: i64,
    pub form_data: &'a str,
    pub delivery_address: &'a str,
}

pub fn insert(conn: &Connection, d: &NewDraft<'_>, now: &str) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO drafts(public_id, citizen_id, procedure_code, procedure_version, form_data, delivery_address,
                            created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
    )?
    .execute(params![d.public_id, d.citizen.0, d.procedure_code, d.version, d.form_data, d.delivery_address, now])?;
    Ok(conn.last_insert_rowid())
}

/// A draft by its public id, only if it belongs to `citizen`: anyone else's draft does not exist for them.
pub fn find_own(
    conn: &Connection,
    citizen: CitizenId,
    public_id: &str,
) -> Result<Option<DraftRow>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "{SELECT} WHERE d.public_id = ?1 AND d.citizen_id = ?2"
        ))?
        .query_row(params![public_id, citizen.0], read)
        .optional()?)
}

/// The citizen's drafts, the most recently touched first.
pub fn list_own(conn: &Connection, citizen: CitizenId) -> Result<Vec<DraftRow>, StoreError> {
    let rows = conn
        .prepare_cached(&format!(
            "{SELECT} WHERE d.citizen_id = ?1 ORDER BY d.updated_at DESC, d.id DESC"
        ))?
        .query_map([citizen.0], read)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub fn save_form(conn: &Connection, id: i64, form_data: &str, now: &str) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE drafts SET form_data = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![id, form_data, now])?;
    Ok(())
}

pub fn save_delivery(
    conn: &Connection,
    id: i64,
    delivery: &str,
    address: &str,
    now: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE drafts SET delivery = ?2, delivery_address = ?3, updated_at = ?4 WHERE id = ?1",
    )?
    .execute(params![id, delivery, address, now])?;
    Ok(())
}

pub fn delete(conn: &Connection, id: i64) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM drafts WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Attaches a file to a component, replacing the one attached before.
pub fn put_file(conn: &Connection, draft: i64, f: &DraftFile, now: &str) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO draft_files(draft_id, component, file_name, media_type, size, sha256, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(draft_id, component) DO UPDATE SET file_name = excluded.file_name,
             media_type = excluded.media_type, size = excluded.size, sha256 = excluded.sha256,
             added_at = excluded.added_at",
    )?
    .execute(params![draft, f.component, f.file_name, f.media_type, f.size, f.sha256, now])?;
    conn.prepare_cached("UPDATE drafts SET updated_at = ?2 WHERE id = ?1")?
        .execute(params![draft, now])?;
    Ok(())
}

pub fn remove_file(conn: &Connection, draft: i64, component: i64) -> Result<usize, StoreError> {
    Ok(conn
        .prepare_cached("DELETE FROM draft_files WHERE draft_id = ?1 AND component = ?2")?
        .execute(params![draft, component])?)
}

pub fn files(conn: &Connection, draft: i64) -> Result<Vec<DraftFile>, StoreError> {
    let rows = conn
        .prepare_cached(
            "SELECT component, file_name, media_type, size, sha256 FROM draft_files
             WHERE draft_id = ?1 ORDER BY component",
        )?
        .query_map([draft], |r| {
            Ok(DraftFile {
                component: r.get(0)?,
                file_name: r.get(1)?,
                media_type: r.get(2)?,
                size: r.get(3)?,
                sha256: r.get(4)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// A file of the citizen's document store (kho dữ liệu): papers they submitted and results they received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub document_id: i64,
    pub dossier_code: String,
    pub procedure_name: String,
    pub kind: String,
    pub file_name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_at: String,
}

const STORE_SELECT: &str =
    "SELECT f.id, coalesce(d.code, d.public_id), d.procedure_name, f.kind, f.file_name,
        f.media_type, f.size, f.sha256, f.uploaded_at
    FROM dossiers d JOIN dossier_documents f ON f.dossier_id = d.id
    WHERE d.owner_ref = ?1 AND f.kind IN ('submitted', 'result')";

fn read_stored(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredFile> {
    Ok(StoredFile {
        document_id: r.get(0)?,
        dossier_code: r.get(1)?,
        procedure_name: r.get(2)?,
        kind: r.get(3)?,
        file_name: r.get(4)?,
        media_type: r.get(5)?,
        size: r.get(6)?,
        sha256: r.get(7)?,
        uploaded_at: r.get(8)?,
    })
}

/// The citizen's document store: every submitted paper and result on dossiers their account owns, newest first.
pub fn store_files(
    conn: &Connection,
    owner_ref: &str,
    limit: i64,
) -> Result<Vec<StoredFile>, StoreError> {
    let rows = conn
        .prepare_cached(&format!("{STORE_SELECT} ORDER BY f.id DESC LIMIT ?2"))?
        .query_map(params![owner_ref, limit], read_stored)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// One file of the citizen's document store, only if it is theirs.
pub fn store_file(
    conn: &Connection,
    owner_ref: &str,
    document_id: i64,
) -> Result<Option<StoredFile>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("{STORE_SELECT} AND f.id = ?2"))?
        .query_row(params![owner_ref, document_id], read_stored)
        .optional()?)
}
