//! Procedure packs (docs/PROCEDURE-PACK.md): one JSON file that moves a whole catalogue between offices.
//! Import checks everything before writing anything and then writes in one transaction; an identical re-import
//! changes nothing.

use std::collections::{BTreeMap, HashSet};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::crypto::sha256_hex;
use crate::domain::catalogue::{
    CatalogueLookup, Procedure, TemplateKey, TemplateRef, parse_catalogue_code,
    parse_procedure_code, parse_sector_code,
};
use crate::domain::filetype::{AcceptedType, identify};
use crate::domain::text::nfc;
use crate::store::audit::Outcome;
use crate::store::catalogue::{self, DocType, Fee, Sector};
use crate::store::outbox::{self, OutboxItem};
use crate::store::procedures::{self, NewVersion};
use crate::store::{Db, StoreError, org, settings};

use super::json_lines::Lines;
use super::{Context, ServiceError};

pub const FORMAT: &str = "motcua.procedure-pack";
pub const FORMAT_VERSION: u32 = 1;
/// Largest template file a pack may carry.
pub const MAX_TEMPLATE_BYTES: usize = 5 * 1024 * 1024;

/// A template inside a pack: the file travels with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackTemplate {
    pub key: String,
    pub name: String,
    pub file_name: String,
    pub media_type: String,
    pub content_base64: String,
}

impl TemplateKey for PackTemplate {
    fn key(&self) -> &str {
        &self.key
    }
    fn name(&self) -> &str {
        &self.name
    }
}

/// The whole pack as written by `export`.
#[derive(Debug, Serialize)]
pub struct Pack {
    pub format: &'static str,
    pub format_version: u32,
    pub source: String,
    pub sectors: Vec<Sector>,
    pub doc_types: Vec<DocType>,
    pub fees: Vec<Fee>,
    pub procedures: Vec<Procedure<PackTemplate>>,
}

/// The pack as read: procedures stay raw until checked one by one, so an error can name its line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPack<'a> {
    format: String,
    format_version: u32,
    #[serde(default)]
    #[allow(dead_code)]
    source: String,
    #[serde(default)]
    sectors: Vec<Sector>,
    #[serde(default)]
    doc_types: Vec<DocType>,
    #[serde(default)]
    fees: Vec<Fee>,
    #[serde(borrow)]
    procedures: Vec<&'a RawValue>,
}

/// Why a pack was refused: the 1-based line where the problem starts, the JSON path and a stable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackProblem {
    pub line: usize,
    pub path: String,
    pub code: String,
}

impl std::fmt::Display for PackProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "dòng {}: {}: {}",
            self.line,
            self.path,
            reason(&self.code)
        )
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub catalogue_entries_changed: usize,
    pub procedures_created: usize,
    pub procedures_updated: usize,
    pub procedures_unchanged: usize,
    pub warnings: Vec<String>,
}

/// Import outcome: done, or refused as a whole with the first problem found.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Refused(PackProblem),
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> Self {
        ImportError::Service(e.into())
    }
}

/// Vietnamese text for the stable codes of pack and procedure checks.
pub fn reason(code: &str) -> &'static str {
    match code {
        "required" => "bắt buộc, không được để trống",
        "invalid" => "không đúng định dạng",
        "unknown" => "không có trong danh mục dùng chung",
        "duplicate" => "bị trùng mã",
        "too_long" => "quá dài",
        "range" => "nằm ngoài khoảng cho phép",
        "none" => "phải có ít nhất một bản chính hoặc bản sao",
        "mismatch_service_level" => "phải bật khi và chỉ khi thủ tục được cung cấp trực tuyến",
        "exceeds_processing_time" => "tổng thời gian các bước xử lý vượt quá thời hạn giải quyết",
        "zero_without_immediate" => "chỉ được bằng 0 khi thủ tục trả kết quả ngay",
        "required_online" => "thủ tục trực tuyến phải có biểu mẫu điện tử",
        "too_few" => "cần ít nhất hai lựa chọn",
        "not_allowed" => "không dùng được với loại trường này",
        "nested_group" => "nhóm lặp không được lồng trong nhóm lặp khác",
        "below_min" => "nhỏ hơn số dòng tối thiểu",
        "unknown_field" => "tham chiếu tới trường không có trong biểu mẫu",
        "format" => "không phải gói thủ tục motcua (format phải là \"motcua.procedure-pack\")",
        "format_version" => "phiên bản định dạng gói không được hỗ trợ",
        "json" => "JSON không hợp lệ hoặc sai cấu trúc",
        "base64" => "nội dung tệp không phải base64 hợp lệ",
        "too_large" => "tệp mẫu vượt quá 5 MB",
        "media_type" => "loại tệp không được chấp nhận (chỉ PDF, DOCX, ODT, XLSX, văn bản)",
        "content_mismatch" => "nội dung tệp không khớp với loại tệp khai báo",
        _ => "không hợp lệ",
    }
}

/// The line of the value at `path` (such as `components[1].copies`) inside a procedure, found by walking the raw
/// JSON, which keeps its place in the file; falls back to the deepest part that could be found.
fn locate(lines: &Lines<'_>, procedure: &RawValue, path: &str) -> usize {
    let mut current = procedure;
    for part in path.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        let Ok(map) =
            serde_json::from_str::<std::collections::HashMap<String, &RawValue>>(current.get())
        else {
            break;
        };
        let Some(value) = map.get(name) else { break };
        current = value;
        if let Some(i) = index {
            match serde_json::from_str::<Vec<&RawValue>>(current.get())
                .ok()
                .and_then(|v| v.get(i).copied())
            {
                Some(item) => current = item,
                None => break,
            }
        }
    }
    lines.of(current)
}

fn refuse(line: usize, path: impl Into<String>, code: &str) -> ImportError {
    ImportError::Refused(PackProblem {
        line,
        path: path.into(),
        code: code.into(),
    })
}

/// Codes known to the office plus those arriving in the pack.
struct Known {
    sectors: HashSet<String>,
    doc_types: HashSet<String>,
    fees: HashSet<String>,
}

impl CatalogueLookup for Known {
    fn has_sector(&self, code: &str) -> bool {
        self.sectors.contains(code)
    }
    fn has_doc_type(&self, code: &str) -> bool {
        self.doc_types.contains(code)
    }
    fn has_fee(&self, code: &str) -> bool {
        self.fees.contains(code)
    }
}

/// A procedure ready to store: templates decoded and checked, units resolved.
struct Prepared {
    body: Procedure<TemplateRef>,
    files: Vec<(String, String, Vec<u8>)>,
}

fn decode_template(
    t: PackTemplate,
    line: usize,
    at: &str,
) -> Result<(TemplateRef, Vec<u8>), ImportError> {
    let bytes = BASE64
        .decode(t.content_base64.as_bytes())
        .map_err(|_| refuse(line, format!("{at}.content_base64"), "base64"))?;
    if bytes.len() > MAX_TEMPLATE_BYTES {
        return Err(refuse(line, format!("{at}.content_base64"), "too_large"));
    }
    let declared = AcceptedType::from_media_type(&t.media_type)
        .filter(|k| k.is_document())
        .ok_or_else(|| refuse(line, format!("{at}.media_type"), "media_type"))?;
    if identify(&bytes) != Some(declared) {
        return Err(refuse(
            line,
            format!("{at}.content_base64"),
            "content_mismatch",
        ));
    }
    let reference = TemplateRef {
        sha256: sha256_hex(&bytes),
        size: bytes.len() as u64,
        key: t.key,
        name: t.name,
        file_name: t.file_name,
        media_type: t.media_type,
    };
    Ok((reference, bytes))
}

/// Parses and checks a whole pack without writing; `units` are the unit codes of this office.
fn prepare(
    text: &str,
    known_before: Known,
    units: &HashSet<String>,
) -> Result<(RawPackParts, Vec<Prepared>, Vec<String>), ImportError> {
    let raw: RawPack<'_> = serde_json::from_str(text).map_err(|e| refuse(e.line(), "$", "json"))?;
    if raw.format != FORMAT {
        return Err(refuse(1, "format", "format"));
    }
    if raw.format_version != FORMAT_VERSION {
        return Err(refuse(1, "format_version", "format_version"));
    }
    let mut known = known_before;
    let mut parts = RawPackParts::default();
    for (i, mut s) in raw.sectors.into_iter().enumerate() {
        s.code = parse_sector_code(&s.code)
            .map_err(|_| refuse(1, format!("sectors[{i}].code"), "invalid"))?;
        if s.name.trim().is_empty() {
            return Err(refuse(1, format!("sectors[{i}].name"), "required"));
        }
        known.sectors.insert(s.code.clone());
        parts.sectors.push(s);
    }
    for (i, mut d) in raw.doc_types.into_iter().enumerate() {
        d.code = parse_catalogue_code(&d.code)
            .map_err(|_| refuse(1, format!("doc_types[{i}].code"), "invalid"))?;
        if d.name.trim().is_empty() {
            return Err(refuse(1, format!("doc_types[{i}].name"), "required"));
        }
        known.doc_types.insert(d.code.clone());
        parts.doc_types.push(d);
    }
    for (i, mut f) in raw.fees.into_iter().enumerate() {
        f.code = parse_catalogue_code(&f.code)
            .map_err(|_| refuse(1, format!("fees[{i}].code"), "invalid"))?;
        if f.name.trim().is_empty() {
            return Err(refuse(1, format!("fees[{i}].name"), "required"));
        }
        if f.amount_vnd.is_some_and(|a| a < 0) {
            return Err(refuse(1, format!("fees[{i}].amount_vnd"), "range"));
        }
        known.fees.insert(f.code.clone());
        parts.fees.push(f);
    }
    let lines = Lines::new(text);
    let mut seen = HashSet::new();
    let mut prepared = Vec::with_capacity(raw.procedures.len());
    let mut warnings = Vec::new();
    for (i, value) in raw.procedures.iter().enumerate() {
        let line = lines.of(value);
        let at = format!("procedures[{i}]");
        let mut p: Procedure<PackTemplate> = serde_json::from_str(value.get())
            .map_err(|e| refuse(line + e.line() - 1, at.clone(), "json"))?;
        p.code = parse_procedure_code(&p.code)
            .map_err(|_| refuse(line, format!("{at}.code"), "invalid"))?;
        p.sector = p.sector.trim().to_ascii_uppercase();
        if !seen.insert(p.code.clone()) {
            return Err(refuse(line, format!("{at}.code"), "duplicate"));
        }
        let errors = p.check(&known);
        if let Some((path, codes)) = errors.0.iter().next() {
            let code = codes.first().map_or("invalid", String::as_str);
            return Err(refuse(
                locate(&lines, value, path),
                format!("{at}.{path}"),
                code,
            ));
        }
        let mut files = Vec::new();
        let mut j = 0;
        let mut body = p.try_map_templates(|t| {
            let (reference, bytes) = decode_template(t, line, &format!("{at}.templates[{j}]"))?;
            j += 1;
            files.push((
                reference.sha256.clone(),
                reference.media_type.clone(),
                bytes,
            ));
            Ok::<_, ImportError>(reference)
        })?;
        for step in &mut body.workflow {
            if let Some(unit) = &step.unit
                && !units.contains(unit)
            {
                warnings.push(format!(
                    "{}: bước \"{}\" chỉ định đơn vị {unit} không có ở cơ quan này; bước giữ vai trò, bỏ đơn vị",
                    body.code, step.name
                ));
                step.unit = None;
            }
        }
        prepared.push(Prepared { body, files });
    }
    Ok((parts, prepared, warnings))
}

#[derive(Default)]
struct RawPackParts {
    sectors: Vec<Sector>,
    doc_types: Vec<DocType>,
    fees: Vec<Fee>,
}

/// The identity of a version's content: equal hashes mean an import has nothing to change.
pub fn content_hash(body: &Procedure) -> String {
    sha256_hex(serde_json::to_string(body).unwrap_or_default().as_bytes())
}

/// Imports a pack as a whole, publishing every procedure whose content changed.
pub async fn import(db: &Db, ctx: &Context, text: &str) -> Result<ImportReport, ImportError> {
    let text = nfc(text);
    let (known, units) = db
        .read(|c| {
            let set = |v: Vec<String>| v.into_iter().collect::<HashSet<_>>();
            Ok::<_, StoreError>((
                Known {
                    sectors: set(catalogue::list_sectors(c)?
                        .into_iter()
                        .map(|s| s.code)
                        .collect()),
                    doc_types: set(catalogue::list_doc_types(c)?
                        .into_iter()
                        .map(|d| d.code)
                        .collect()),
                    fees: set(catalogue::list_fees(c)?
                        .into_iter()
                        .map(|f| f.code)
                        .collect()),
                },
                set(org::list_units(c)?.into_iter().map(|u| u.code).collect()),
            ))
        })
        .await?;
    let (parts, prepared, warnings) = super::cpu(move || prepare(&text, known, &units)).await??;
    let ctx = ctx.clone();
    let report = db
        .write(move |tx| {
            let mut report = ImportReport {
                warnings,
                ..ImportReport::default()
            };
            for s in &parts.sectors {
                let changed = catalogue::upsert_sector(tx, s)?;
                if changed {
                    super::search::sector_changed(tx, &s.code, &ctx.now_text())?;
                }
                report.catalogue_entries_changed += usize::from(changed);
            }
            for d in &parts.doc_types {
                report.catalogue_entries_changed += usize::from(catalogue::upsert_doc_type(tx, d)?);
            }
            for f in &parts.fees {
                report.catalogue_entries_changed += usize::from(catalogue::upsert_fee(tx, f)?);
            }
            let now = ctx.now_text();
            let today = &now[..10];
            for p in &prepared {
                let hash = content_hash(&p.body);
                let current = procedures::published(tx, &p.body.code)?;
                match &current {
                    Some(v) if v.content_hash == hash => {
                        report.procedures_unchanged += 1;
                        continue;
                    }
                    Some(_) => report.procedures_updated += 1,
                    None => report.procedures_created += 1,
                }
                for (sha, media_type, bytes) in &p.files {
                    procedures::put_template_file(tx, sha, media_type, bytes)?;
                }
                procedures::ensure_procedure(tx, &p.body.code, &now)?;
                procedures::retire_published(tx, &p.body.code, &now)?;
                procedures::insert_version(
                    tx,
                    &NewVersion {
                        body: &p.body,
                        state: "published",
                        content_hash: &hash,
                        valid_from: Some(today),
                        at: &now,
                        by: &ctx.actor,
                    },
                )?;
                outbox::enqueue(tx, &OutboxItem::Procedure(p.body.code.clone()), &now)?;
            }
            let changed = report.catalogue_entries_changed
                + report.procedures_created
                + report.procedures_updated;
            if changed > 0 {
                ctx.audit(
                    tx,
                    "catalogue.pack.import",
                    "procedures",
                    Outcome::Ok,
                    &format!(
                        "created {}, updated {}, unchanged {}, catalogue entries changed {}",
                        report.procedures_created,
                        report.procedures_updated,
                        report.procedures_unchanged,
                        report.catalogue_entries_changed
                    ),
                )?;
            }
            Ok::<_, ServiceError>(report)
        })
        .await?;
    Ok(report)
}

/// The office's whole published catalogue as a pack, in a stable order so two exports of the same data are equal.
pub async fn export(db: &Db) -> Result<Pack, ServiceError> {
    let pack = db
        .read(|c| {
            let office = settings::get_office(c)?;
            let versions = procedures::all_published(c)?;
            let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
            for v in &versions {
                for t in &v.body.templates {
                    if !files.contains_key(&t.sha256)
                        && let Some(f) = procedures::template_file(c, &t.sha256)?
                    {
                        files.insert(t.sha256.clone(), f.content);
                    }
                }
            }
            let procedures = versions
                .into_iter()
                .map(|v| {
                    v.body.map_templates(|t| PackTemplate {
                        content_base64: files
                            .get(&t.sha256)
                            .map(|b| BASE64.encode(b))
                            .unwrap_or_default(),
                        key: t.key,
                        name: t.name,
                        file_name: t.file_name,
                        media_type: t.media_type,
                    })
                })
                .collect();
            Ok::<_, StoreError>(Pack {
                format: FORMAT,
                format_version: FORMAT_VERSION,
                source: office.office_name,
                sectors: catalogue::list_sectors(c)?,
                doc_types: catalogue::list_doc_types(c)?,
                fees: catalogue::list_fees(c)?,
                procedures,
            })
        })
        .await?;
    Ok(pack)
}
