//! The archive package of one closed dossier: a ZIP with `ho-so.json` (the dossier, its checklist, documents with
//! their hashes and certification, signed results with what verifies them offline, the form answers),
//! `lich-su.json` and `lich-su.csv` (the whole history), `tai-lieu/NN-name.ext` (every document, every version)
//! and `SHA256SUMS` (`sha256sum -c` checks the unpacked files). Read in one snapshot, written by a blocking task
//! to an unnamed temporary file beside the file store, each document streamed from the store and checked
//! against its recorded hash on the way, so a large dossier costs disk, not memory. Every export is audited.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use time::OffsetDateTime;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::crypto::Sha256;
use crate::domain::archive::document_path;
use crate::domain::calendar::to_local;
use crate::domain::dossier::{ActionKind, Status};
use crate::domain::timefmt;
use crate::store::audit::Outcome;
use crate::store::dossiers::DocumentRow;
use crate::store::dossiers::archive::{self as store, PackageResult};
use crate::store::dossiers::{self, ComponentRow, ConsultationRow, DossierRow, EventRow};
use crate::store::settings::{self, OfficeInfo};
use crate::store::{Db, StoreError, parse_time};

use super::archive::{ArchiveInfo, info};
use super::{Acting, may_view};
use crate::services::{Context, ServiceError};

/// The first field of `ho-so.json`; a later layout gets a new name.
pub const FORMAT: &str = "motcua-archive-v1";

/// A finished package, ready to be streamed: an unnamed file (gone when closed), rewound.
#[derive(Debug)]
pub struct Package {
    pub file: std::fs::File,
    pub size: u64,
    /// `<code>-luu-tru.zip`.
    pub file_name: String,
}

/// Everything the package holds from the database, read in one snapshot.
struct Snapshot {
    office: OfficeInfo,
    row: DossierRow,
    archive: ArchiveInfo,
    components: Vec<ComponentRow>,
    documents: Vec<DocumentRow>,
    results: Vec<PackageResult>,
    consultations: Vec<ConsultationRow>,
    events: Vec<EventRow>,
}

/// Builds the package of a closed dossier the person may read (anything else is "not found"; an active one is
/// refused with `archive.still_open`) and records the export in the audit log. `files_dir` is the file store; the
/// temporary file is made in it, on the same disk as the data.
pub async fn export(
    db: &Db,
    files_dir: PathBuf,
    ctx: &Context,
    acting: &Acting,
    reference: &str,
    default_years: u32,
) -> Result<Package, ServiceError> {
    let (viewer, reference) = (acting.actor.clone(), reference.to_owned());
    let snapshot = db
        .read(move |c| {
            let tx = c.unchecked_transaction()?;
            let Some(row) = dossiers::find(&tx, &reference)? else {
                return Ok::<_, StoreError>(None);
            };
            if !may_view(&viewer, &row) {
                return Ok(None);
            }
            Ok(Some(Snapshot {
                office: settings::get_office(&tx)?,
                archive: info(&tx, &row, default_years)?,
                components: dossiers::components(&tx, row.id)?,
                documents: crate::store::dossiers::documents(&tx, row.id)?,
                results: store::package_results(&tx, row.id)?,
                consultations: dossiers::consultations(&tx, row.id)?,
                events: dossiers::events(&tx, row.id)?,
                row,
            }))
        })
        .await?
        .ok_or(ServiceError::NotFound)?;
    if snapshot.row.active {
        return Err(ServiceError::Refused("archive.still_open"));
    }
    let object = snapshot
        .row
        .code
        .clone()
        .unwrap_or_else(|| snapshot.row.public_id.clone());
    let (exported_at, exported_by) = (ctx.now, acting.name.clone());
    let documents = snapshot.documents.len();
    let (file, size) = tokio::task::spawn_blocking(move || {
        write_package(&files_dir, &snapshot, exported_at, &exported_by)
    })
    .await
    .map_err(|e| ServiceError::Internal(anyhow::Error::new(e)))?
    .map_err(ServiceError::from)?;
    let (ctx, detail) = (
        ctx.clone(),
        json!({"documents": documents, "bytes": size}).to_string(),
    );
    let audited = object.clone();
    db.write(move |tx| {
        ctx.audit(tx, "dossier.archive_export", &audited, Outcome::Ok, &detail)
            .map_err(ServiceError::from)
    })
    .await?;
    Ok(Package {
        file,
        size,
        file_name: format!("{object}-luu-tru.zip"),
    })
}

/// A problem while writing: a stored file missing or not matching its hash is the operator's to fix
/// (`motcua doctor`); anything else is internal.
enum WriteError {
    Damaged,
    Io(anyhow::Error),
}

impl From<std::io::Error> for WriteError {
    fn from(e: std::io::Error) -> Self {
        WriteError::Io(e.into())
    }
}

impl From<zip::result::ZipError> for WriteError {
    fn from(e: zip::result::ZipError) -> Self {
        WriteError::Io(e.into())
    }
}

impl From<WriteError> for ServiceError {
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::Damaged => ServiceError::Refused("archive.file_damaged"),
            WriteError::Io(e) => ServiceError::Internal(e.context("writing an archive package")),
        }
    }
}

fn write_package(
    files_dir: &Path,
    s: &Snapshot,
    exported_at: OffsetDateTime,
    exported_by: &str,
) -> Result<(std::fs::File, u64), WriteError> {
    let file = tempfile::tempfile_in(files_dir)?;
    let mut zip = ZipWriter::new(file);
    let local = to_local(exported_at);
    let stamp = zip::DateTime::from_date_and_time(
        u16::try_from(local.year()).unwrap_or(1980),
        u8::from(local.month()),
        local.day(),
        local.hour(),
        local.minute(),
        local.second(),
    )
    .unwrap_or_default();
    let options = |method| {
        SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(stamp)
            .unix_permissions(0o644)
    };
    let mut sums: Vec<(String, String)> = Vec::new();
    let mut add_text = |zip: &mut ZipWriter<std::fs::File>, name: &str, bytes: &[u8]| {
        zip.start_file(name, options(CompressionMethod::Deflated))?;
        zip.write_all(bytes)?;
        sums.push((crate::crypto::sha256_hex(bytes), name.to_owned()));
        Ok::<_, WriteError>(())
    };
    let paths: Vec<String> = s
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| document_path(i + 1, &d.file_name))
        .collect();
    let metadata = metadata(s, &paths, exported_at, exported_by);
    add_text(&mut zip, "ho-so.json", &pretty(&metadata))?;
    add_text(&mut zip, "lich-su.json", &pretty(&events_json(&s.events)))?;
    add_text(&mut zip, "lich-su.csv", &events_csv(&s.events)?)?;
    for (d, path) in s.documents.iter().zip(&paths) {
        let source = crate::filestore::path_of(files_dir, &d.sha256).ok_or(WriteError::Damaged)?;
        let mut source = std::fs::File::open(source).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => WriteError::Damaged,
            _ => WriteError::from(e),
        })?;
        zip.start_file(path.as_str(), options(method_for(&d.media_type)))?;
        let mut hash = Sha256::default();
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let n = source.read(&mut buffer)?;
            if n == 0 {
                break;
            }
            hash.update(&buffer[..n]);
            zip.write_all(&buffer[..n])?;
        }
        let sha = hash.finish_hex();
        if sha != d.sha256 {
            return Err(WriteError::Damaged);
        }
        sums.push((sha, path.clone()));
    }
    let listing: String = sums
        .iter()
        .map(|(sha, name)| format!("{sha}  {name}\n"))
        .collect();
    zip.start_file("SHA256SUMS", options(CompressionMethod::Deflated))?;
    zip.write_all(listing.as_bytes())?;
    let mut file = zip.finish()?;
    let size = file.seek(SeekFrom::End(0))?;
    file.seek(SeekFrom::Start(0))?;
    Ok((file, size))
}

/// Files that are already compressed (images, PDF, the zip-based office formats) are stored as they are.
fn method_for(media_type: &str) -> CompressionMethod {
    let compressed = media_type.starts_with("image/")
        || media_type == "application/pdf"
        || media_type.starts_with("application/vnd.openxmlformats")
        || media_type.starts_with("application/vnd.oasis.opendocument");
    if compressed {
        CompressionMethod::Stored
    } else {
        CompressionMethod::Deflated
    }
}

fn pretty(value: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

fn status_json(code: i64) -> Value {
    Status::from_code(code).map_or(Value::Null, |s| json!({"code": s.code(), "name": s.name()}))
}

fn metadata(s: &Snapshot, paths: &[String], exported_at: OffsetDateTime, by: &str) -> Value {
    let d = &s.row;
    let retention = &s.archive.retention;
    let documents: Vec<Value> = s
        .documents
        .iter()
        .zip(paths)
        .map(|(doc, path)| {
            json!({
                "path": path, "id": doc.id, "component": doc.component, "kind": doc.kind,
                "file_name": doc.file_name, "media_type": doc.media_type, "size": doc.size, "sha256": doc.sha256,
                "uploaded_by": doc.uploaded_by, "uploaded_at": doc.uploaded_at, "confidential": doc.confidential,
                "certified": doc.certified_at.is_some(), "certified_by": doc.certified_by,
                "certified_at": doc.certified_at,
            })
        })
        .collect();
    let results: Vec<Value> = s
        .results
        .iter()
        .map(|r| {
            json!({
                "verify_code": r.verify_code, "document_id": r.document_id, "sha256": r.sha256,
                "signed_at": r.signed_at, "signed_by": r.signed_by, "key_id": r.key_id,
                "public_key_hex": r.public_key, "signature_hex": r.signature, "algorithm": "Ed25519",
                "signed_message": format!(
                    "{}\n<verify_code>\n<dossier code>\n<agency_code>\n<sha256>\n<signed_at>",
                    crate::services::results::MESSAGE_PREFIX
                ),
            })
        })
        .collect();
    let header = Header {
        format: FORMAT,
        exported_at: crate::store::format_time(exported_at),
        exported_by: by,
        office: json!({"name": s.office.office_name, "agency_code": s.office.agency_code}),
        dossier: json!({
            "code": d.code, "id": d.public_id, "agency_code": d.agency_code,
            "procedure": {"code": d.procedure_code, "name": d.procedure_name, "version": d.procedure_version},
            "channel": d.channel, "subject": d.subject, "sets": d.sets,
            "applicant": {
                "kind": d.applicant_kind, "name": d.applicant_name, "id_number": d.applicant_id_number,
                "phone": d.applicant_phone, "email": d.applicant_email, "address": d.applicant_address,
            },
            "status": status_json(d.status), "stage": d.stage, "decision": d.decision, "outcome": d.outcome,
            "unit_code": d.unit_code, "delivery": {"method": d.delivery, "address": d.delivery_address},
            "fee_due_vnd": d.fee_due_vnd, "extended": d.extended, "supplements": d.supplements,
            "register": {"year": d.register_year, "number": d.register_no},
            "dates": {
                "submitted_at": d.submitted_at, "received_at": d.received_at, "due_at": d.due_at,
                "original_due_at": d.original_due_at, "finished_at": d.finished_at, "returned_at": d.returned_at,
            },
            "retention": {
                "years": retention.retention, "set_by": if retention.from_procedure { "procedure" } else { "office_default" },
                "expires_on": s.archive.expires.map(|t| t.date().to_string()),
            },
            "archived": s.archive.archived.as_ref().map(|(at, by)| json!({"at": at, "by": by})),
            "form_data": serde_json::from_str::<Value>(&d.form_data).unwrap_or(Value::Null),
        }),
        components: &s.components,
        documents,
        results,
        consultations: &s.consultations,
    };
    serde_json::to_value(header).unwrap_or(Value::Null)
}

/// The top of `ho-so.json`, in reading order (the objects inside list their keys alphabetically).
#[derive(serde::Serialize)]
struct Header<'a> {
    format: &'static str,
    exported_at: String,
    exported_by: &'a str,
    office: Value,
    dossier: Value,
    components: &'a [ComponentRow],
    documents: Vec<Value>,
    results: Vec<Value>,
    consultations: &'a [ConsultationRow],
}

fn events_json(events: &[EventRow]) -> Value {
    Value::Array(
        events
            .iter()
            .map(|e| {
                json!({
                    "at": e.at, "actor": e.actor, "actor_ref": e.actor_ref, "unit": e.unit_code,
                    "action": e.action, "stage": e.stage, "status": status_json(e.status), "comment": e.comment,
                    "data": serde_json::from_str::<Value>(&e.data).unwrap_or(Value::Null),
                })
            })
            .collect(),
    )
}

/// The Vietnamese wording of an event in the readable history.
fn event_label(action: &str, stage: &str) -> &'static str {
    match (action, stage) {
        ("submit", _) => "Nộp hồ sơ",
        ("attach", _) => "Đính kèm tệp",
        ("issue_result", _) => "Phát hành kết quả điện tử",
        ("archive", _) => "Nộp lưu trữ",
        ("approve", "signing") => "Trình ký",
        ("approve", _) => "Ký duyệt",
        (other, _) => ActionKind::parse(other).map_or("Thao tác khác", ActionKind::label),
    }
}

/// The history as a spreadsheet opens it: one line per event, office time and UTC, with a UTF-8 byte-order mark
/// so spreadsheet programs read the Vietnamese text.
fn events_csv(events: &[EventRow]) -> Result<Vec<u8>, WriteError> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let header = [
        "STT",
        "Thời điểm (giờ Việt Nam)",
        "Thời điểm (UTC)",
        "Thao tác",
        "Mã thao tác",
        "Người thực hiện",
        "Đơn vị",
        "Trạng thái",
        "Ghi chú",
    ];
    let csv_error = |e: csv::Error| WriteError::Io(e.into());
    out.write_record(header).map_err(csv_error)?;
    for (i, e) in events.iter().enumerate() {
        let local = parse_time(&e.at).map_or_else(String::new, |t| timefmt::short(to_local(t)));
        let status = Status::from_code(e.status).map_or("", Status::name);
        out.write_record([
            (i + 1).to_string().as_str(),
            &local,
            &e.at,
            event_label(&e.action, &e.stage),
            &e.action,
            &e.actor,
            e.unit_code.as_deref().unwrap_or(""),
            status,
            &e.comment,
        ])
        .map_err(csv_error)?;
    }
    out.into_inner()
        .map_err(|e| WriteError::Io(anyhow::anyhow!("csv: {e}")))
}
