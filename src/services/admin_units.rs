//! Services for the administrative-unit e-catalogue: loading the national list shipped in `data/admin-units/`,
//! CSV/JSON export and all-or-nothing import of one era, and moving the office's communes to the units created by
//! the 2025 two-tier reform. Every write is one transaction with its audit entry.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use anyhow::{Context as _, anyhow};
use serde::Deserialize;

use crate::domain::FieldErrors;
use crate::domain::text::{has_control_chars, nfc};
use crate::store::Db;
use crate::store::admin_units::{self as units, AdminUnit, Era, Merge, MoveCandidate, plan_move};
use crate::store::audit::Outcome;
use crate::store::org::Commune;

use super::{Context, ServiceError, cpu};

const UNITS_2025_03: &str = include_str!("../../data/admin-units/vn-units-2025-03-01.json");
const PROVINCES_2025_07: &str = include_str!("../../data/admin-units/vn-provinces-2025-07-01.csv");
const COMMUNES_2025_07: &str = include_str!("../../data/admin-units/vn-communes-2025-07-01.csv");
const MERGES_2025_07: &str = include_str!("../../data/admin-units/vn-units-2025-07-01-merges.json");

const AUDIT_SEED: &str = "catalogue.units.seed";
const AUDIT_IMPORT: &str = "catalogue.units.import";
const AUDIT_MOVE: &str = "catalogue.units.move";

/// What `seed_defaults` loaded; all zero when the catalogue was already there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub units_2025_03: usize,
    pub units_2025_07: usize,
    pub merges: usize,
}

/// A node of the dvhcvn JSON files: a unit (`level1_id`, `level2_id` or `level3_id`), its children and, in the
/// merge mapping, the old units it was formed from.
#[derive(Deserialize)]
struct Node {
    #[serde(alias = "level1_id", alias = "level2_id", alias = "level3_id")]
    id: String,
    name: String,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default, alias = "level2s", alias = "level3s")]
    children: Vec<Node>,
    #[serde(default)]
    merges: Vec<MergeSource>,
}

#[derive(Deserialize)]
struct MergeSource {
    old_id: String,
    #[serde(rename = "type")]
    coverage: String,
}

#[derive(Deserialize)]
struct Dvhcvn {
    data: Vec<Node>,
}

const LEVELS_2025_03: [&str; 3] = ["province", "district", "commune"];

fn unit(
    era: Era,
    code: &str,
    name: &str,
    kind: &str,
    level: &str,
    parent: Option<&str>,
) -> AdminUnit {
    AdminUnit {
        era: era.as_str().to_owned(),
        code: code.to_owned(),
        name: squash(name),
        kind: squash(kind),
        level: level.to_owned(),
        parent_code: parent.map(str::to_owned),
    }
}

/// Runs of spaces made one: the published list has a few names with doubled or trailing spaces. The embedded
/// files are already NFC (a unit test checks it), so the seed skips normalising, half its time in a debug build.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What an import does to a name, which may have been typed or pasted in any normal form.
fn tidy(text: &str) -> String {
    nfc(&squash(text))
}

/// Flattens the 2025-03 tree, parents before their children.
fn flatten_2025_03(nodes: &[Node], depth: usize, parent: Option<&str>, out: &mut Vec<AdminUnit>) {
    let level = LEVELS_2025_03.get(depth).copied().unwrap_or("commune");
    for n in nodes {
        out.push(unit(Era::Mar2025, &n.id, &n.name, &n.kind, level, parent));
        flatten_2025_03(&n.children, depth + 1, Some(&n.id), out);
    }
}

/// The 2025-07 files list names only: a commune's type is the first word(s) of its name, and provinces are named
/// `Tỉnh …` unless they are centrally governed cities, as in the 2025-03 list and the merge mapping.
fn unit_2025_07(code: &str, name: &str, province: Option<&str>) -> anyhow::Result<AdminUnit> {
    if province.is_some() {
        let kind = ["Đặc khu", "Phường", "Xã"]
            .into_iter()
            .find(|k| {
                name.strip_prefix(k)
                    .is_some_and(|rest| rest.starts_with(' '))
            })
            .ok_or_else(|| anyhow!("commune {code}: no type in {name:?}"))?;
        Ok(unit(Era::Jul2025, code, name, kind, "commune", province))
    } else {
        let (kind, name) = if name.starts_with("Thành phố ") {
            ("Thành phố Trung ương", name.to_owned())
        } else {
            ("Tỉnh", format!("Tỉnh {}", name.trim_start_matches("Tỉnh ")))
        };
        Ok(unit(Era::Jul2025, code, &name, kind, "province", None))
    }
}

/// Parses the embedded national list: both eras and the merge mapping, in insertion order (parents first).
fn default_catalogue() -> anyhow::Result<(Vec<AdminUnit>, Vec<Merge>)> {
    let old: Dvhcvn = serde_json::from_str(UNITS_2025_03).context("vn-units-2025-03-01.json")?;
    let mut all = Vec::with_capacity(14_200);
    flatten_2025_03(&old.data, 0, None, &mut all);
    for (file, text) in [
        ("provinces", PROVINCES_2025_07),
        ("communes", COMMUNES_2025_07),
    ] {
        for record in csv::Reader::from_reader(text.as_bytes()).records() {
            let r = record.with_context(|| format!("vn-{file}-2025-07-01.csv"))?;
            all.push(unit_2025_07(
                r.get(0).unwrap_or_default(),
                r.get(1).unwrap_or_default(),
                r.get(2),
            )?);
        }
    }
    let merged: Dvhcvn =
        serde_json::from_str(MERGES_2025_07).context("vn-units-2025-07-01-merges.json")?;
    let mut merges = Vec::with_capacity(10_700);
    let mut add = |level: &str, n: &Node| {
        merges.extend(n.merges.iter().map(|m| Merge {
            level: level.to_owned(),
            new_code: n.id.clone(),
            old_code: m.old_id.clone(),
            coverage: m.coverage.clone(),
        }));
    };
    for p in &merged.data {
        add("province", p);
        p.children.iter().for_each(|c| add("commune", c));
    }
    Ok((all, merges))
}

/// Loads the national list (both eras and the merge mapping) when the catalogue is empty, so every office starts
/// with real codes; does nothing on later starts, whatever imports changed since.
pub async fn seed_defaults(db: &Db, ctx: &Context) -> Result<SeedReport, ServiceError> {
    if db.read(units::count_all).await? > 0 {
        return Ok(SeedReport::default());
    }
    let started = std::time::Instant::now();
    let (all, merges) = cpu(default_catalogue).await??;
    let ctx = ctx.clone();
    let report = db
        .write(move |tx| {
            if units::count_all(tx)? > 0 {
                return Ok(SeedReport::default());
            }
            for u in &all {
                units::insert(tx, u)?;
            }
            for m in &merges {
                units::insert_merge(tx, m)?;
            }
            let old = all
                .iter()
                .filter(|u| u.era == Era::Mar2025.as_str())
                .count();
            let report = SeedReport {
                units_2025_03: old,
                units_2025_07: all.len() - old,
                merges: merges.len(),
            };
            let detail = format!(
                "units_2025_03={} units_2025_07={} merges={}",
                report.units_2025_03, report.units_2025_07, report.merges
            );
            ctx.audit(tx, AUDIT_SEED, "admin_units", Outcome::Ok, &detail)?;
            Ok::<_, ServiceError>(report)
        })
        .await?;
    let ms = started.elapsed().as_millis();
    tracing::info!(
        ?report,
        elapsed_ms = ms,
        "administrative-unit catalogue loaded"
    );
    Ok(report)
}

/// One era as CSV (`era,code,name,kind,level,parent_code`, UTF-8, header first), the shape `import` reads back.
pub fn export_csv(all: &[AdminUnit]) -> Result<String, ServiceError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(COLUMNS).map_err(anyhow::Error::new)?;
    for u in all {
        let parent = u.parent_code.as_deref().unwrap_or_default();
        out.write_record([&u.era, &u.code, &u.name, &u.kind, &u.level, parent])
            .map_err(anyhow::Error::new)?;
    }
    let bytes = out.into_inner().map_err(|e| anyhow!("csv: {e}"))?;
    String::from_utf8(bytes).map_err(|e| ServiceError::Internal(e.into()))
}

/// One era as a JSON array with one unit per line, so an import error's line number points at the unit.
pub fn export_json(all: &[AdminUnit]) -> Result<String, ServiceError> {
    let lines = all
        .iter()
        .map(serde_json::to_string)
        .collect::<Result<Vec<_>, _>>()
        .map_err(anyhow::Error::new)?;
    Ok(format!("[\n{}\n]\n", lines.join(",\n")))
}

const COLUMNS: [&str; 6] = ["era", "code", "name", "kind", "level", "parent_code"];

/// A row of an import file as read, before any check.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawRow {
    era: String,
    code: String,
    name: String,
    kind: String,
    level: String,
    parent_code: Option<String>,
}

/// What an import changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub era: Era,
    pub rows: usize,
    pub added: usize,
    pub changed: usize,
}

/// The error key of a line, zero-padded so the errors sort in file order.
fn line_field(line: usize) -> String {
    format!("row.{line:07}")
}

/// Upserts the units of one era from a CSV or JSON file (detected by its first character), all or nothing: every
/// bad row is reported as `row.NNNNNNN` with its line and nothing is written unless every row is good.
pub async fn import(
    db: &Db,
    ctx: &Context,
    era: &str,
    text: &str,
) -> Result<ImportReport, ServiceError> {
    let era = Era::parse(era).ok_or_else(|| ServiceError::field("era", "era.invalid"))?;
    let text = text.trim_start_matches('\u{feff}');
    let raw = if text.trim_start().starts_with('[') {
        json_rows(text)?
    } else {
        csv_rows(text)?
    };
    if raw.is_empty() {
        return Err(ServiceError::field("data", "unit_import.empty"));
    }
    let mut errors = FieldErrors::new();
    let mut rows = Vec::with_capacity(raw.len());
    let mut seen = HashSet::new();
    for (line, r) in raw {
        let (unit, codes) = check_row(era, r);
        for code in &codes {
            errors.add(&line_field(line), code);
        }
        if !unit.code.is_empty() && !seen.insert(unit.code.clone()) {
            errors.add(&line_field(line), "unit_import.duplicate_code");
        }
        rows.push((line, unit));
    }
    let ctx = ctx.clone();
    db.write(move |tx| {
        let existing: HashMap<String, AdminUnit> = units::list_era(tx, era)?
            .into_iter()
            .map(|u| (u.code.clone(), u))
            .collect();
        let in_file: HashMap<&str, &str> = rows
            .iter()
            .map(|(_, u)| (u.code.as_str(), u.level.as_str()))
            .collect();
        for (line, u) in &rows {
            // Rows that take no parent (provinces, unknown levels) were judged by `check_row` already.
            let (Some(parent), Some(expected)) = (&u.parent_code, era.parent_level(&u.level))
            else {
                continue;
            };
            let level = in_file
                .get(parent.as_str())
                .copied()
                .or_else(|| existing.get(parent).map(|p| p.level.as_str()));
            if level.is_none() {
                errors.add(&line_field(*line), "unit_import.parent_not_found");
            } else if level != Some(expected) {
                errors.add(&line_field(*line), "unit_import.parent_level");
            }
        }
        errors.into_result()?;
        let (mut added, mut changed) = (0, 0);
        for (_, u) in &rows {
            match existing.get(&u.code) {
                Some(old) if old == u => continue,
                Some(_) => changed += 1,
                None => added += 1,
            }
            units::upsert(tx, u)?;
        }
        let report = ImportReport {
            era,
            rows: rows.len(),
            added,
            changed,
        };
        let detail = format!("rows={} added={added} changed={changed}", report.rows);
        ctx.audit(tx, AUDIT_IMPORT, era.as_str(), Outcome::Ok, &detail)?;
        Ok(report)
    })
    .await
}

/// Checks one row on its own (its parent is checked against the era and the file later); returns the unit as it
/// would be stored and every problem found.
fn check_row(era: Era, r: RawRow) -> (AdminUnit, Vec<&'static str>) {
    let mut codes = Vec::new();
    if r.era.trim() != era.as_str() {
        codes.push("unit_import.era_mismatch");
    }
    let code = r.code.trim().to_owned();
    if !(1..=10).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_digit()) {
        codes.push("unit_import.code_invalid");
    }
    let (name, kind) = (tidy(&r.name), tidy(&r.kind));
    if name.is_empty() {
        codes.push("unit_import.name_required");
    } else if name.chars().count() > 200 {
        codes.push("unit_import.name_too_long");
    }
    if kind.is_empty() || kind.chars().count() > 60 {
        codes.push("unit_import.kind_required");
    }
    if has_control_chars(&name) || has_control_chars(&kind) {
        codes.push("unit_import.text_invalid");
    }
    let level = r.level.trim().to_owned();
    let parent = r
        .parent_code
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty());
    if !matches!(level.as_str(), "province" | "district" | "commune") {
        codes.push("unit_import.level_unknown");
    } else if !era.has_level(&level) {
        codes.push("unit_import.level_not_in_era");
    } else if era.parent_level(&level).is_some() != parent.is_some() {
        codes.push(if parent.is_some() {
            "unit_import.parent_level"
        } else {
            "unit_import.parent_required"
        });
    }
    let unit = AdminUnit {
        era: era.as_str().to_owned(),
        code,
        name,
        kind,
        level,
        parent_code: parent,
    };
    (unit, codes)
}

fn unreadable(line: usize) -> ServiceError {
    ServiceError::field(&line_field(line), "unit_import.unreadable")
}

/// Reads CSV rows by header name; a short row reads as missing fields, so it is reported like any other bad row.
fn csv_rows(text: &str) -> Result<Vec<(usize, RawRow)>, ServiceError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|_| unreadable(1))?.clone();
    let index: Vec<Option<usize>> = COLUMNS
        .iter()
        .map(|c| headers.iter().position(|h| h.trim() == *c))
        .collect();
    if index.iter().any(Option::is_none) {
        return Err(ServiceError::field("data", "unit_import.header"));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => return Err(unreadable(e.position().map_or(0, |p| p.line() as usize))),
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let field = |i: usize| {
            index
                .get(i)
                .copied()
                .flatten()
                .and_then(|at| record.get(at))
                .unwrap_or_default()
                .to_owned()
        };
        let row = RawRow {
            era: field(0),
            code: field(1),
            name: field(2),
            kind: field(3),
            level: field(4),
            parent_code: Some(field(5)),
        };
        rows.push((line, row));
    }
    Ok(rows)
}

/// Reads a JSON array element by element, tracking the line each one starts on so errors can name it.
fn json_rows(text: &str) -> Result<Vec<(usize, RawRow)>, ServiceError> {
    let bytes = text.as_bytes();
    let (mut pos, mut line, mut counted) = (0usize, 1usize, 0usize);
    // Skips whitespace and brings `line` up to date with `pos`.
    let mut advance = |pos: &mut usize, line: &mut usize| {
        while bytes.get(*pos).is_some_and(u8::is_ascii_whitespace) {
            *pos += 1;
        }
        let seen = bytes.get(counted..*pos).unwrap_or_default();
        *line += seen.iter().filter(|b| **b == b'\n').count();
        counted = *pos;
    };
    advance(&mut pos, &mut line);
    if bytes.get(pos) != Some(&b'[') {
        return Err(unreadable(line));
    }
    pos += 1;
    let mut rows = Vec::new();
    loop {
        advance(&mut pos, &mut line);
        if rows.is_empty() && bytes.get(pos) == Some(&b']') {
            break;
        }
        let rest = text.get(pos..).unwrap_or_default();
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<serde_json::Value>();
        match stream.next() {
            Some(Ok(value)) => {
                let row = serde_json::from_value::<RawRow>(value).map_err(|_| unreadable(line))?;
                rows.push((line, row));
                pos += stream.byte_offset();
            }
            Some(Err(e)) => return Err(unreadable(line + e.line().saturating_sub(1))),
            None => return Err(unreadable(line)),
        }
        advance(&mut pos, &mut line);
        match bytes.get(pos) {
            Some(b',') => pos += 1,
            Some(b']') => break,
            _ => return Err(unreadable(line)),
        }
    }
    Ok(rows)
}

/// What a move did, for the confirmation message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MoveReport {
    pub retired: Vec<String>,
    pub added: Vec<String>,
}

/// Moves the office to the 2025-07 units in one transaction: retires its 2025-03 communes (kept for the dossiers
/// filed under them), serves every `full` successor and the `confirmed` successors of split communes, each under the
/// agency of the old commune(s), and records the office's era. Refused, with nothing written, while a split commune
/// has no confirmed successor, when a confirmed code was not proposed, or when the office has already moved.
pub async fn apply_move(
    db: &Db,
    ctx: &Context,
    confirmed: Vec<String>,
) -> Result<MoveReport, ServiceError> {
    let ctx = ctx.clone();
    db.write(move |tx| {
        let plan = plan_move(tx)?;
        if plan.office_era == Era::Jul2025 {
            return Err(ServiceError::field("move", "unit_move.already_moved"));
        }
        let confirmed: BTreeSet<String> =
            confirmed.into_iter().map(|c| c.trim().to_owned()).collect();
        let proposed: HashSet<&str> = plan
            .rows
            .iter()
            .flat_map(|r| r.candidates.iter().map(|c| c.code.as_str()))
            .collect();
        let mut errors = FieldErrors::new();
        if confirmed.iter().any(|c| !proposed.contains(c.as_str())) {
            errors.add("confirm", "unit_move.not_proposed");
        }
        // new code → (name, agency); when several old communes merge, the first one's agency is kept.
        let mut chosen: BTreeMap<String, (String, String)> = BTreeMap::new();
        for row in &plan.rows {
            let picked: Vec<&MoveCandidate> = row
                .candidates
                .iter()
                .filter(|c| c.full || confirmed.contains(&c.code))
                .collect();
            if row.candidates.is_empty() {
                errors.add(&format!("old.{}", row.old.code), "unit_move.unmapped");
            } else if picked.is_empty() {
                errors.add(&format!("old.{}", row.old.code), "unit_move.unconfirmed");
            }
            for c in picked {
                chosen
                    .entry(c.code.clone())
                    .or_insert_with(|| (c.name.clone(), row.old.agency_code.clone()));
            }
        }
        errors.into_result()?;
        let now = ctx.now_text();
        let mut report = MoveReport::default();
        for row in &plan.rows {
            units::retire_commune(tx, Era::Mar2025, &row.old.code, &now)?;
            report.retired.push(row.old.code.clone());
        }
        for (code, (name, agency_code)) in chosen {
            let commune = Commune {
                era: Era::Jul2025.as_str().to_owned(),
                code: code.clone(),
                name,
                agency_code,
            };
            if units::serve_commune(tx, &commune)? {
                report.added.push(code);
            }
        }
        units::set_office_era(tx, Era::Jul2025)?;
        let detail = format!(
            "retired={} added={}",
            report.retired.join(","),
            report.added.join(",")
        );
        ctx.audit(tx, AUDIT_MOVE, "communes", Outcome::Ok, &detail)?;
        Ok(report)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_national_list_has_every_unit_of_both_eras() -> anyhow::Result<()> {
        let (all, merges) = default_catalogue()?;
        let count = |era: Era, level: &str| {
            all.iter()
                .filter(|u| u.era == era.as_str() && u.level == level)
                .count()
        };
        assert_eq!(count(Era::Mar2025, "province"), 63);
        assert_eq!(count(Era::Mar2025, "district"), 696);
        assert_eq!(count(Era::Mar2025, "commune"), 10_047);
        assert_eq!(count(Era::Jul2025, "province"), 34);
        assert_eq!(count(Era::Jul2025, "commune"), 3_321);
        assert_eq!(merges.len(), 10_667);
        assert!(
            all.iter()
                .all(|u| nfc(&u.name) == u.name && nfc(&u.kind) == u.kind)
        );
        Ok(())
    }

    #[test]
    fn json_rows_know_the_line_they_start_on() -> Result<(), ServiceError> {
        let rows = json_rows("[\n{\"code\": \"01\"},\n\n  {\"code\": \"02\"}\n]")?;
        assert_eq!(
            rows.iter().map(|(line, _)| *line).collect::<Vec<_>>(),
            [2, 4]
        );
        assert!(json_rows("[\n{\"code\": \"01\"}\n{\"code\": \"02\"}]").is_err());
        Ok(())
    }
}
