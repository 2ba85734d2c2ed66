//! Services: electronic results (kết quả điện tử) signed with the issuing agency's Ed25519 key, and their public
//! verification.
//!
//! Each agency gets one key on first use. Its PKCS#8 document is sealed with ChaCha20-Poly1305 under a key derived
//! with HKDF-SHA256 from the data directory's secret (`secrets/session.key`, reached through [`seal_secret`]), so a
//! copy of the database alone cannot sign. The signature covers [`signed_message`]:
//!
//! ```text
//! motcua-result-v1\n<verify_code>\n<dossier code>\n<agency_code>\n<sha256>\n<signed_at>
//! ```
//!
//! where `verify_code` is printed as `XXXX-XXXX-XXXX`, `sha256` is the lower-case hex digest of the file and
//! `signed_at` is the stored UTC time (`2026-11-29T01:05:03.250Z`). Anyone holding the file, the slip and the
//! published public key can check it without this server.

use crate::filestore::FileStore;

use ring::rand::SystemRandom;
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use ring::{aead, hkdf};
use rusqlite::Connection;
use serde_json::json;

use crate::crypto::{MacKey, random_bytes, sha256_hex};
use crate::domain::dossier::{Actor, Stage};
use crate::domain::role::Role;
use crate::store::Db;
use crate::store::audit::Outcome;
use crate::store::dossiers::{self, DocumentRow, DossierRow, EventRow};
use crate::store::results::{self as rows, NewResult, ResultRecord, ResultRow, SigningKeyRow};

use super::dossiers::Acting;
use super::dossiers::documents::{self, NewDocument};
use super::{Context, ServiceError};

pub use crate::store::results::PublicKeyRow;

/// First line of every signed message; a new format gets a new version so old signatures keep their meaning.
pub const MESSAGE_PREFIX: &str = "motcua-result-v1";

/// The label the web layer signs with the session MAC key to obtain [`issue`]'s secret: an HMAC of a fixed label
/// under `secrets/session.key`, so the sealing key is bound to the data directory without exposing the raw key.
const SEAL_LABEL: &[u8] = b"motcua:result-key-seal:v1";
const HKDF_SALT: &[u8] = b"motcua-result-key-seal-salt-v1";
const HKDF_INFO: &[u8] = b"chacha20-poly1305 sealing of agency ed25519 keys";
const NONCE_BYTES: usize = 12;

/// The secret [`issue`] seals agency keys under, derived from the data directory's session key held by `mac`.
/// Replacing `secrets/session.key` makes existing sealed keys unusable for signing (verification is unaffected).
pub fn seal_secret(mac: &MacKey) -> Vec<u8> {
    mac.sign(SEAL_LABEL).into_bytes()
}

/// A verification code: 12 characters of an alphabet without 0/O/1/I, shown and stored as `XXXX-XXXX-XXXX`.
/// Sixty random bits, so codes cannot be guessed and double as the right to see the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyCode(String);

impl VerifyCode {
    pub const ALPHABET: &'static [u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    const LEN: usize = 12;

    /// A fresh random code (32 symbols divide 256, so masking the bytes is unbiased).
    pub fn generate() -> Self {
        let chars: String = random_bytes(Self::LEN)
            .into_iter()
            .map(|b| char::from(Self::ALPHABET[usize::from(b & 31)]))
            .collect();
        Self(Self::group(&chars))
    }

    /// Reads a code as people type it: any case, with or without dashes or spaces. Anything else is `None`.
    pub fn parse(raw: &str) -> Option<Self> {
        let chars: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let valid = chars.len() == Self::LEN
            && chars
                .bytes()
                .all(|b| Self::ALPHABET.contains(&b) && b.is_ascii());
        valid.then(|| Self(Self::group(&chars)))
    }

    fn group(chars: &str) -> String {
        format!("{}-{}-{}", &chars[..4], &chars[4..8], &chars[8..])
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The exact bytes an agency signs for a result (see the module documentation).
pub fn signed_message(
    verify_code: &str,
    dossier_code: &str,
    agency_code: &str,
    sha256: &str,
    signed_at: &str,
) -> String {
    format!("{MESSAGE_PREFIX}\n{verify_code}\n{dossier_code}\n{agency_code}\n{sha256}\n{signed_at}")
}

/// The key id of a public key: the first 16 hex characters of its SHA-256, short enough to print.
pub fn key_id_of(public_key: &[u8]) -> String {
    sha256_hex(public_key)[..16].to_owned()
}

/// What [`issue`] produced, for the page that confirms it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IssuedResult {
    pub verify_code: String,
    pub dossier_code: String,
    pub document_id: i64,
    pub sha256: String,
    pub key_id: String,
    pub signature: String,
    pub signed_at: String,
}

/// Whether this person's roles allow issuing results: the one-stop officer, a unit head or a leader (a specialist
/// prepares the result but does not publish it).
pub fn role_may_issue(actor: &Actor) -> bool {
    matches!(actor, Actor::Staff { roles, .. }
        if roles.iter().any(|r| matches!(r, Role::Officer | Role::Head | Role::Leader)))
}

/// Whether a dossier has reached the point where a result exists: approved, ready to return, or returned.
pub fn stage_allows(stage: &str) -> bool {
    matches!(
        Stage::parse(stage),
        Some(Stage::Approved | Stage::ResultReady | Stage::Returned)
    )
}

/// Everything [`issue`] checks about the person and the dossier, also used to decide whether to offer the form.
pub fn may_issue(actor: &Actor, row: &DossierRow) -> bool {
    role_may_issue(actor) && super::dossiers::may_view(actor, row) && stage_allows(&row.stage)
}

fn check(acting: &Acting, row: Option<DossierRow>) -> Result<DossierRow, ServiceError> {
    let row = row
        .filter(|r| super::dossiers::may_view(&acting.actor, r))
        .ok_or(ServiceError::NotFound)?;
    if !role_may_issue(&acting.actor) {
        return Err(ServiceError::Forbidden);
    }
    if !stage_allows(&row.stage) {
        return Err(ServiceError::Refused("result.not_ready"));
    }
    Ok(row)
}

/// Publishes `bytes` as a signed electronic result of the dossier named by `reference` (code or public id): the
/// file is checked like any dossier document and stored as a `result` document, and the document, the signed
/// result row, the `issue_result` event and the audit entry are written in one transaction. `secret` comes from
/// [`seal_secret`]. The person and the dossier's stage are checked before the file is stored, so a refusal
/// stores nothing.
#[allow(clippy::too_many_arguments)]
pub async fn issue(
    db: &Db,
    ctx: &Context,
    files: FileStore,
    secret: &[u8],
    acting: &Acting,
    reference: &str,
    file_name: String,
    bytes: Vec<u8>,
) -> Result<IssuedResult, ServiceError> {
    let wanted = reference.to_owned();
    let found = db.read(move |c| dossiers::find(c, &wanted)).await?;
    check(acting, found)?;
    let doc = NewDocument {
        file_name,
        bytes,
        kind: "result".to_owned(),
        component: None,
        confidential: false,
        // The result is issued here, electronically; it is its own original.
        certify: false,
    };
    let prepared = documents::prepare(files, acting, doc).await?;
    let sealing = SealingKey::derive(secret)?;
    let (ctx, acting, reference) = (ctx.clone(), acting.clone(), reference.to_owned());
    db.write(move |tx| {
        let row = check(&acting, dossiers::find(tx, &reference)?)?;
        let key = active_key(tx, &ctx, &sealing, &row.agency_code)?;
        let pair = sealing.open(&key)?;
        let verify_code = fresh_code(tx)?;
        let dossier_code = row.code.clone().unwrap_or_else(|| row.public_id.clone());
        let signed_at = ctx.now_text();
        let message = signed_message(
            verify_code.as_str(),
            &dossier_code,
            &row.agency_code,
            &prepared.sha256,
            &signed_at,
        );
        let signature = hex::encode(pair.sign(message.as_bytes()));
        let mut document = DocumentRow {
            id: 0,
            component: None,
            kind: "result".to_owned(),
            file_name: prepared.file_name.clone(),
            media_type: prepared.media_type.clone(),
            size: prepared.size,
            sha256: prepared.sha256.clone(),
            uploaded_by: acting.name.clone(),
            uploaded_at: signed_at.clone(),
            confidential: false,
            certified_by: None,
            certified_at: None,
            text_status: "pending".to_owned(),
        };
        document.id = dossiers::insert_document(tx, row.id, &document)?;
        rows::insert_result(
            tx,
            &NewResult {
                dossier_id: row.id,
                document_id: document.id,
                verify_code: verify_code.as_str().to_owned(),
                sha256: prepared.sha256.clone(),
                key_id: key.key_id.clone(),
                signature: signature.clone(),
                signed_at: signed_at.clone(),
                signed_by: acting.name.clone(),
            },
        )?;
        let detail = json!({
            "verify_code": verify_code.as_str(),
            "sha256": prepared.sha256,
            "key_id": key.key_id,
            "document_id": document.id,
        });
        dossiers::insert_event(
            tx,
            row.id,
            &EventRow {
                id: 0,
                at: signed_at.clone(),
                actor: acting.name.clone(),
                actor_ref: acting.reference.clone(),
                unit_code: acting.unit.clone(),
                action: "issue_result".to_owned(),
                stage: row.stage.clone(),
                status: row.status,
                comment: document.file_name.clone(),
                data: detail.to_string(),
            },
        )?;
        ctx.audit(
            tx,
            "dossier.result",
            &dossier_code,
            Outcome::Ok,
            &detail.to_string(),
        )?;
        Ok(IssuedResult {
            verify_code: verify_code.as_str().to_owned(),
            dossier_code,
            document_id: document.id,
            sha256: prepared.sha256,
            key_id: key.key_id,
            signature,
            signed_at,
        })
    })
    .await
}

/// A verification code no result uses yet (a clash is a one-in-2⁶⁰ event; three draws are plenty).
fn fresh_code(tx: &Connection) -> Result<VerifyCode, ServiceError> {
    for _ in 0..3 {
        let code = VerifyCode::generate();
        if !rows::code_exists(tx, code.as_str())? {
            return Ok(code);
        }
    }
    Err(ServiceError::Internal(anyhow::anyhow!(
        "could not draw an unused verification code"
    )))
}

/// The agency's signing key, made (and sealed) in the caller's transaction the first time it is needed.
fn active_key(
    tx: &Connection,
    ctx: &Context,
    sealing: &SealingKey,
    agency_code: &str,
) -> Result<SigningKeyRow, ServiceError> {
    if let Some(key) = rows::find_active_key(tx, agency_code)? {
        return Ok(key);
    }
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
        .map_err(|_| anyhow::anyhow!("cannot generate an Ed25519 key"))?;
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref())
        .map_err(|_| anyhow::anyhow!("a generated Ed25519 key does not parse"))?;
    let public = pair.public_key().as_ref().to_vec();
    let key_id = key_id_of(&public);
    let key = SigningKeyRow {
        sealed_key: sealing.seal(&key_id, agency_code, pkcs8.as_ref())?,
        key_id,
        agency_code: agency_code.to_owned(),
        public_key: hex::encode(&public),
        created_at: ctx.now_text(),
        retired_at: None,
    };
    rows::insert_signing_key(tx, &key)?;
    ctx.audit(
        tx,
        "signing_key.create",
        agency_code,
        Outcome::Ok,
        &key.key_id,
    )?;
    Ok(key)
}

/// The AEAD key that seals agency keys, derived from the data directory's secret.
struct SealingKey(aead::LessSafeKey);

impl SealingKey {
    fn derive(secret: &[u8]) -> Result<Self, ServiceError> {
        if secret.len() < 16 {
            return Err(anyhow::anyhow!("the sealing secret is too short").into());
        }
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, HKDF_SALT).extract(secret);
        let okm = prk
            .expand(&[HKDF_INFO], &aead::CHACHA20_POLY1305)
            .map_err(|_| anyhow::anyhow!("HKDF expansion failed"))?;
        Ok(Self(aead::LessSafeKey::new(aead::UnboundKey::from(okm))))
    }

    /// The key id and agency are authenticated with the sealed key, so a sealed key moved to another row does not
    /// open.
    fn aad(key_id: &str, agency_code: &str) -> String {
        format!("{key_id}\n{agency_code}")
    }

    /// `nonce ‖ ciphertext ‖ tag`; the nonce is random (one seal per agency key, so 96 random bits never repeat).
    fn seal(&self, key_id: &str, agency_code: &str, plain: &[u8]) -> Result<Vec<u8>, ServiceError> {
        let nonce_bytes = random_bytes(NONCE_BYTES);
        let nonce = aead::Nonce::try_assume_unique_for_key(&nonce_bytes)
            .map_err(|_| anyhow::anyhow!("bad nonce length"))?;
        let mut in_out = plain.to_vec();
        self.0
            .seal_in_place_append_tag(
                nonce,
                aead::Aad::from(Self::aad(key_id, agency_code).as_bytes()),
                &mut in_out,
            )
            .map_err(|_| anyhow::anyhow!("sealing the signing key failed"))?;
        let mut sealed = nonce_bytes;
        sealed.extend_from_slice(&in_out);
        Ok(sealed)
    }

    fn open(&self, key: &SigningKeyRow) -> Result<Ed25519KeyPair, ServiceError> {
        let cannot = || {
            ServiceError::Internal(anyhow::anyhow!(
                "cannot unseal signing key {} of agency {} (was secrets/session.key replaced?)",
                key.key_id,
                key.agency_code
            ))
        };
        if key.sealed_key.len() <= NONCE_BYTES {
            return Err(cannot());
        }
        let (nonce, sealed) = key.sealed_key.split_at(NONCE_BYTES);
        let nonce = aead::Nonce::try_assume_unique_for_key(nonce).map_err(|_| cannot())?;
        let mut in_out = sealed.to_vec();
        let plain = self
            .0
            .open_in_place(
                nonce,
                aead::Aad::from(Self::aad(&key.key_id, &key.agency_code).as_bytes()),
                &mut in_out,
            )
            .map_err(|_| cannot())?;
        let pair = Ed25519KeyPair::from_pkcs8(plain).map_err(|_| cannot())?;
        if hex::encode(pair.public_key().as_ref()) != key.public_key {
            return Err(cannot());
        }
        Ok(pair)
    }
}

/// The answer to "is this result genuine?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// No result has this code (or the text is not a code at all). Nothing else is revealed.
    Unknown,
    /// The code is known and its signature verifies; no file was presented, so the SHA-256 is shown to compare.
    Recorded(ResultRecord),
    /// The presented file is byte for byte the one signed, and the signature verifies.
    Genuine(ResultRecord),
    /// The signature verifies but the presented file is not the one signed.
    Altered {
        record: ResultRecord,
        presented_sha256: String,
    },
    /// The stored record does not match its signature: it was changed after signing, or the key is not the
    /// dossier agency's.
    Invalid(ResultRecord),
}

impl Verification {
    /// The stable outcome name the API returns.
    pub fn outcome(&self) -> &'static str {
        match self {
            Verification::Unknown => "unknown",
            Verification::Recorded(_) => "recorded",
            Verification::Genuine(_) => "genuine",
            Verification::Altered { .. } => "altered",
            Verification::Invalid(_) => "invalid",
        }
    }

    pub fn record(&self) -> Option<&ResultRecord> {
        match self {
            Verification::Unknown => None,
            Verification::Recorded(r) | Verification::Genuine(r) | Verification::Invalid(r) => {
                Some(r)
            }
            Verification::Altered { record, .. } => Some(record),
        }
    }
}

/// The message a stored record claims was signed.
pub fn message_of(record: &ResultRecord) -> String {
    signed_message(
        &record.verify_code,
        &record.dossier_code,
        &record.agency_code,
        &record.sha256,
        &record.signed_at,
    )
}

/// Whether a stored record's signature verifies with its key, that key's id matches it, and the key is the
/// dossier agency's.
pub fn signature_valid(record: &ResultRecord) -> bool {
    let (Ok(public), Ok(signature)) = (
        hex::decode(&record.public_key),
        hex::decode(&record.signature),
    ) else {
        return false;
    };
    record.key_agency_code == record.agency_code
        && key_id_of(&public) == record.key_id
        && UnparsedPublicKey::new(&ED25519, &public)
            .verify(message_of(record).as_bytes(), &signature)
            .is_ok()
}

/// Checks a verification code and, when given, the file someone holds. Unknown and malformed codes get the same
/// answer.
pub async fn verify(
    db: &Db,
    verify_code: &str,
    presented: Option<&[u8]>,
) -> Result<Verification, ServiceError> {
    let Some(code) = VerifyCode::parse(verify_code) else {
        return Ok(Verification::Unknown);
    };
    let code = code.as_str().to_owned();
    let Some(record) = db.read(move |c| rows::find_record(c, &code)).await? else {
        return Ok(Verification::Unknown);
    };
    let presented_sha256 = match presented {
        // Up to 20 MB: hashed on a blocking thread, never on an async worker.
        Some(bytes) => {
            let bytes = bytes.to_vec();
            Some(super::cpu(move || sha256_hex(&bytes)).await?)
        }
        None => None,
    };
    let record = super::cpu(move || (signature_valid(&record), record)).await?;
    Ok(match (record, presented_sha256) {
        ((false, record), _) => Verification::Invalid(record),
        ((true, record), None) => Verification::Recorded(record),
        ((true, record), Some(sha)) if sha == record.sha256 => Verification::Genuine(record),
        ((true, record), Some(sha)) => Verification::Altered {
            record,
            presented_sha256: sha,
        },
    })
}

/// A dossier's issued results, for the dossier pages.
pub async fn results_of(db: &Db, dossier_id: i64) -> Result<Vec<ResultRow>, ServiceError> {
    Ok(db
        .read(move |c| rows::list_for_dossier(c, dossier_id))
        .await?)
}

/// Every agency's public key, for offline verification.
pub async fn public_keys(db: &Db) -> Result<Vec<PublicKeyRow>, ServiceError> {
    Ok(db.read(rows::list_public_keys).await?)
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_twelve_unambiguous_characters_in_three_groups_and_parse_back() {
        for _ in 0..200 {
            let code = VerifyCode::generate();
            let text = code.as_str();
            assert_eq!(text.len(), 14);
            assert!(!text.contains(['0', 'O', '1', 'I']), "{text}");
            assert_eq!(
                VerifyCode::parse(&text.to_lowercase().replace('-', " ")),
                Some(code.clone())
            );
        }
        assert_eq!(VerifyCode::parse("ABCD-EFGH-JK0M"), None);
        assert_eq!(VerifyCode::parse("ABCD-EFGH-JKL"), None);
        assert_eq!(VerifyCode::parse("ÁBCD-EFGH-JKLM"), None);
    }

    #[test]
    fn a_sealed_key_opens_only_with_the_same_secret_and_row() {
        let sealing = SealingKey::derive(b"a secret of thirty-two bytes....").expect("derive");
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).expect("key");
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).expect("pair");
        let public = pair.public_key().as_ref().to_vec();
        let mut row = SigningKeyRow {
            key_id: key_id_of(&public),
            agency_code: "H40.12".to_owned(),
            public_key: hex::encode(&public),
            sealed_key: Vec::new(),
            created_at: String::new(),
            retired_at: None,
        };
        row.sealed_key = sealing
            .seal(&row.key_id, &row.agency_code, pkcs8.as_ref())
            .expect("seal");
        assert!(sealing.open(&row).is_ok());
        let other = SealingKey::derive(b"another secret of thirty-two....").expect("derive");
        assert!(other.open(&row).is_err());
        row.agency_code = "H40.13".to_owned();
        assert!(sealing.open(&row).is_err());
    }

    #[test]
    fn a_record_verifies_only_while_every_signed_field_is_unchanged() {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).expect("key");
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).expect("pair");
        let public = pair.public_key().as_ref().to_vec();
        let mut record = ResultRecord {
            verify_code: "ABCD-EFGH-JKLM".to_owned(),
            sha256: sha256_hex(b"ket qua"),
            key_id: key_id_of(&public),
            signature: String::new(),
            signed_at: "2026-11-29T01:05:03.250Z".to_owned(),
            file_name: "ket-qua.pdf".to_owned(),
            media_type: "application/pdf".to_owned(),
            size: 7,
            dossier_code: "H40.12-261129-0001".to_owned(),
            procedure_name: "Thủ tục".to_owned(),
            agency_code: "H40.12".to_owned(),
            agency_name: "UBND".to_owned(),
            public_key: hex::encode(&public),
            key_agency_code: "H40.12".to_owned(),
        };
        record.signature = hex::encode(pair.sign(message_of(&record).as_bytes()));
        assert!(signature_valid(&record));
        let mut changed = record.clone();
        changed.dossier_code = "H40.12-261129-0002".to_owned();
        assert!(!signature_valid(&changed));
        let mut changed = record.clone();
        changed.key_agency_code = "H40.13".to_owned();
        assert!(!signature_valid(&changed));
        // The file name is shown but not signed: renaming a file does not change what it is.
        let mut renamed = record;
        renamed.file_name = "khac.pdf".to_owned();
        assert!(signature_valid(&renamed));
    }
}
