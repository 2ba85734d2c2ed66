//! Storage layer: the agencies' signing keys and the signed electronic results (kết quả điện tử) of dossiers.
//! A result row points at its `result` document and keeps everything needed to re-check the signature later: the
//! signed SHA-256, the verification code, the signing time and the key that signed it (a retired key still
//! verifies what it signed, so keys are never deleted).

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

/// One agency key. `sealed_key` is the PKCS#8 document encrypted by the service; the store never sees the
/// private key in the clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKeyRow {
    pub key_id: String,
    pub agency_code: String,
    /// Hex of the 32-byte Ed25519 public key.
    pub public_key: String,
    pub sealed_key: Vec<u8>,
    pub created_at: String,
    pub retired_at: Option<String>,
}

/// A public key as the verification page publishes it, with the agency's name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PublicKeyRow {
    pub key_id: String,
    pub agency_code: String,
    pub agency_name: String,
    pub public_key: String,
    pub created_at: String,
    pub retired_at: Option<String>,
}

/// Insert payload for a signed result.
#[derive(Debug, Clone)]
pub struct NewResult {
    pub dossier_id: i64,
    pub document_id: i64,
    pub verify_code: String,
    pub sha256: String,
    pub key_id: String,
    pub signature: String,
    pub signed_at: String,
    pub signed_by: String,
}

/// A result as the dossier page lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ResultRow {
    pub id: i64,
    pub document_id: i64,
    pub file_name: String,
    pub verify_code: String,
    pub sha256: String,
    pub key_id: String,
    pub signed_at: String,
    pub signed_by: String,
}

/// Everything a verification needs about one code, read in one query: the signed fields, the dossier and agency
/// they name, and the public key that must verify the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultRecord {
    pub verify_code: String,
    pub sha256: String,
    pub key_id: String,
    pub signature: String,
    pub signed_at: String,
    pub file_name: String,
    pub media_type: String,
    pub size: i64,
    /// The dossier's code, or its public id when it never had one.
    pub dossier_code: String,
    pub procedure_name: String,
    pub agency_code: String,
    pub agency_name: String,
    pub public_key: String,
    /// The agency the signing key belongs to; a signature counts only when it is the dossier's agency.
    pub key_agency_code: String,
}

pub fn insert_signing_key(conn: &Connection, k: &SigningKeyRow) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO signing_keys(key_id, agency_code, public_key, sealed_key, created_at, retired_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        k.key_id,
        k.agency_code,
        k.public_key,
        k.sealed_key,
        k.created_at,
        k.retired_at
    ])?;
    Ok(())
}

/// The key an agency signs with now: its newest key that is not retired.
pub fn find_active_key(
    conn: &Connection,
    agency_code: &str,
) -> Result<Option<SigningKeyRow>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT key_id, agency_code, public_key, sealed_key, created_at, retired_at FROM signing_keys
             WHERE agency_code = ?1 AND retired_at IS NULL ORDER BY created_at DESC, key_id LIMIT 1",
        )?
        .query_row([agency_code], |r| {
            Ok(SigningKeyRow {
                key_id: r.get(0)?,
                agency_code: r.get(1)?,
                public_key: r.get(2)?,
                sealed_key: r.get(3)?,
                created_at: r.get(4)?,
                retired_at: r.get(5)?,
            })
        })
        .optional()?)
}

/// Every key ever made, active ones first, so anyone can check a signature offline.
pub fn list_public_keys(conn: &Connection) -> Result<Vec<PublicKeyRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT k.key_id, k.agency_code, coalesce(a.name, k.agency_code), k.public_key, k.created_at, k.retired_at
         FROM signing_keys k LEFT JOIN agencies a ON a.code = k.agency_code
         ORDER BY k.retired_at IS NOT NULL, k.agency_code, k.created_at",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(PublicKeyRow {
            key_id: r.get(0)?,
            agency_code: r.get(1)?,
            agency_name: r.get(2)?,
            public_key: r.get(3)?,
            created_at: r.get(4)?,
            retired_at: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn insert_result(conn: &Connection, r: &NewResult) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO dossier_results(dossier_id, document_id, verify_code, sha256, key_id, signature, signed_at,
            signed_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        r.dossier_id,
        r.document_id,
        r.verify_code,
        r.sha256,
        r.key_id,
        r.signature,
        r.signed_at,
        r.signed_by
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Whether a verification code is taken (codes are random; the caller draws again).
pub fn code_exists(conn: &Connection, verify_code: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM dossier_results WHERE verify_code = ?1)")?
        .query_row([verify_code], |r| r.get(0))?)
}

/// A dossier's results, oldest first.
pub fn list_for_dossier(conn: &Connection, dossier_id: i64) -> Result<Vec<ResultRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.document_id, d.file_name, r.verify_code, r.sha256, r.key_id, r.signed_at, r.signed_by
         FROM dossier_results r JOIN dossier_documents d ON d.id = r.document_id
         WHERE r.dossier_id = ?1 ORDER BY r.id",
    )?;
    let rows = stmt.query_map([dossier_id], |r| {
        Ok(ResultRow {
            id: r.get(0)?,
            document_id: r.get(1)?,
            file_name: r.get(2)?,
            verify_code: r.get(3)?,
            sha256: r.get(4)?,
            key_id: r.get(5)?,
            signed_at: r.get(6)?,
            signed_by: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The record behind a verification code, if there is one.
pub fn find_record(
    conn: &Connection,
    verify_code: &str,
) -> Result<Option<ResultRecord>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT r.verify_code, r.sha256, r.key_id, r.signature, r.signed_at, d.file_name, d.media_type, d.size,
                coalesce(s.code, s.public_id), s.procedure_name, s.agency_code, coalesce(a.name, s.agency_code),
                k.public_key, k.agency_code
             FROM dossier_results r
             JOIN dossier_documents d ON d.id = r.document_id
             JOIN dossiers s ON s.id = r.dossier_id
             JOIN signing_keys k ON k.key_id = r.key_id
             LEFT JOIN agencies a ON a.code = s.agency_code
             WHERE r.verify_code = ?1",
        )?
        .query_row([verify_code], |r| {
            Ok(ResultRecord {
                verify_code: r.get(0)?,
                sha256: r.get(1)?,
                key_id: r.get(2)?,
                signature: r.get(3)?,
                signed_at: r.get(4)?,
                file_name: r.get(5)?,
                media_type: r.get(6)?,
                size: r.get(7)?,
                dossier_code: r.get(8)?,
                procedure_name: r.get(9)?,
                agency_code: r.get(10)?,
                agency_name: r.get(11)?,
                public_key: r.get(12)?,
                key_agency_code: r.get(13)?,
            })
        })
        .optional()?)
}
