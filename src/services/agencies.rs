//! Services: the agencies (cơ quan, keyed by their Decision 20/2020/QĐ-TTg identifier code) and the units inside
//! them, as a shared e-catalogue. Both are keyed by codes, never database ids, so a reorganisation is a data change:
//! an agency is saved or edited by code from the admin page, and whole lists move between offices as CSV or JSON.
//!
//! An import is parsed completely first, then checked against the database together with the rest of the file
//! (a parent may come after its children) and written in one transaction; the first bad row refuses the whole
//! file and nothing is written. Importing the same file again writes nothing and leaves no audit entry.

use std::collections::{HashMap, HashSet};

use rusqlite::Connection;
use serde::Deserialize;

use crate::domain::FieldErrors;
use crate::domain::org::{AgencyCode, UnitKind};
use crate::domain::text::{clean_line, has_control_chars};
use crate::store::admin_units::{self, Era};
use crate::store::audit::Outcome;
use crate::store::org::{self, Agency, Unit};
use crate::store::{Db, StoreError, settings};

use super::catalogue::ImportProblem;
use super::{Context, ServiceError};

mod transfer;
pub use transfer::{export_csv, export_json, import};

/// The administrative levels an agency works at, from the top; a parent is never at a lower level than its child.
pub const LEVELS: [&str; 3] = ["province", "district", "commune"];

/// An agency as typed in the admin form or read from an import row, before parsing. The field names are the
/// column names of the files, so a refused row names the column at fault.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AgencyForm {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_code: String,
    pub admin_unit_code: String,
    pub address: String,
    pub phone: String,
    pub email: String,
}

impl From<&Agency> for AgencyForm {
    fn from(a: &Agency) -> Self {
        Self {
            code: a.code.clone(),
            name: a.name.clone(),
            level: a.level.clone(),
            parent_code: a.parent_code.clone().unwrap_or_default(),
            admin_unit_code: a.admin_unit_code.clone().unwrap_or_default(),
            address: a.address.clone(),
            phone: a.phone.clone(),
            email: a.email.clone(),
        }
    }
}

/// A unit as typed in the admin form or read from an import row, before parsing.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct UnitForm {
    pub code: String,
    pub agency_code: String,
    pub name: String,
    pub kind: String,
}

impl From<&Unit> for UnitForm {
    fn from(u: &Unit) -> Self {
        Self {
            code: u.code.clone(),
            agency_code: u.agency_code.clone(),
            name: u.name.clone(),
            kind: u.kind.clone(),
        }
    }
}

/// The two lists this module moves between offices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgList {
    Agencies,
    Units,
}

impl OrgList {
    /// The columns in export order; an import must use these names, in any order.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            OrgList::Agencies => &[
                "code",
                "name",
                "level",
                "parent_code",
                "admin_unit_code",
                "address",
                "phone",
                "email",
            ],
            OrgList::Units => &["code", "agency_code", "name", "kind"],
        }
    }

    /// Columns a file must have; the others default to empty.
    fn required(self) -> &'static [&'static str] {
        match self {
            OrgList::Agencies => &["code", "name", "level"],
            OrgList::Units => &["code", "agency_code", "name", "kind"],
        }
    }

    /// The list's stable name in audit entries.
    pub fn key(self) -> &'static str {
        match self {
            OrgList::Agencies => "agencies",
            OrgList::Units => "units",
        }
    }
}

fn level_rank(level: &str) -> usize {
    LEVELS.iter().position(|l| *l == level).unwrap_or(0)
}

/// A one-line text field: NFC, trimmed, no control characters (they could forge log lines), at most `max` chars.
fn text(e: &mut FieldErrors, field: &str, raw: &str, max: usize) -> String {
    let value = clean_line(raw);
    if has_control_chars(&value) {
        e.add(field, "org.text_invalid");
    } else if value.chars().count() > max {
        e.add(field, "org.text_too_long");
    }
    value
}

fn name(e: &mut FieldErrors, raw: &str) -> String {
    let value = clean_line(raw);
    if value.is_empty() {
        e.add("name", "org.name_required");
    } else if has_control_chars(&value) {
        e.add("name", "org.text_invalid");
    } else if value.chars().count() > 200 {
        e.add("name", "org.name_too_long");
    }
    value
}

/// An optional code: empty means none.
fn optional(raw: &str) -> Option<String> {
    Some(raw.trim().to_ascii_uppercase()).filter(|c| !c.is_empty())
}

/// Checks an agency on its own (the code grammar, the fields); what it refers to is checked by [`check_agencies`].
pub fn parse_agency(form: &AgencyForm) -> Result<Agency, FieldErrors> {
    let mut e = FieldErrors::new();
    let code = match AgencyCode::parse(&form.code) {
        Ok(code) => code.to_string(),
        Err("agency_code.required") => {
            e.add("code", "org.code_required");
            String::new()
        }
        Err(_) => {
            e.add("code", "org.agency_code_invalid");
            String::new()
        }
    };
    let name = name(&mut e, &form.name);
    let level = form.level.trim().to_ascii_lowercase();
    if !LEVELS.contains(&level.as_str()) {
        e.add("level", "org.level_invalid");
    }
    let parent_code = optional(&form.parent_code);
    if parent_code
        .as_deref()
        .is_some_and(|p| AgencyCode::parse(p).is_err())
    {
        e.add("parent_code", "org.parent_unknown");
    }
    let admin_unit_code = Some(form.admin_unit_code.trim().to_owned()).filter(|c| !c.is_empty());
    if admin_unit_code
        .as_deref()
        .is_some_and(|c| c.len() > 10 || !c.bytes().all(|b| b.is_ascii_digit()))
    {
        e.add("admin_unit_code", "org.admin_unit_unknown");
    }
    let address = text(&mut e, "address", &form.address, 300);
    let phone = text(&mut e, "phone", &form.phone, 50);
    let email = text(&mut e, "email", &form.email, 254);
    let email_ok = email.is_empty()
        || email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !email.contains(char::is_whitespace)
        });
    if !email_ok && e.first("email").is_none() {
        e.add("email", "org.email_invalid");
    }
    if !e.is_empty() {
        return Err(e);
    }
    Ok(Agency {
        code,
        name,
        level,
        parent_code,
        admin_unit_code,
        address,
        phone,
        email,
        is_demo: false,
    })
}

/// Checks a unit on its own. Its code is a Decision 20/2020 code one group below its agency's (`H40.12.7` in
/// `H40.12`), so the code alone says where the unit sits; that the agency exists is checked by [`check_units`].
pub fn parse_unit(form: &UnitForm) -> Result<Unit, FieldErrors> {
    let mut e = FieldErrors::new();
    let agency_code = optional(&form.agency_code).unwrap_or_default();
    if AgencyCode::parse(&agency_code).is_err() {
        e.add("agency_code", "org.agency_unknown");
    }
    let code = form.code.trim().to_ascii_uppercase();
    let decision_20 = AgencyCode::parse(&code).is_ok()
        && code.split('.').count() > 1
        && code.starts_with(|c: char| c.is_ascii_uppercase());
    if code.is_empty() {
        e.add("code", "org.code_required");
    } else if !decision_20 {
        e.add("code", "org.unit_code_invalid");
    } else if e.first("agency_code").is_none()
        && code.rsplit_once('.').map(|(prefix, _)| prefix) != Some(agency_code.as_str())
    {
        e.add("code", "org.unit_not_under_agency");
    }
    let name = name(&mut e, &form.name);
    let kind = UnitKind::parse(&form.kind.trim().to_ascii_lowercase());
    if kind.is_err() {
        e.add("kind", "org.kind_invalid");
    }
    match kind {
        Ok(kind) if e.is_empty() => Ok(Unit {
            code,
            agency_code,
            name,
            kind: kind.as_str().to_owned(),
        }),
        _ => Err(e),
    }
}

fn problem(line: usize, column: &str, code: &str) -> ImportProblem {
    ImportProblem {
        line,
        column: column.to_owned(),
        code: code.to_owned(),
    }
}

/// Checks parsed agencies against the database and each other: the parent exists (here or in the same batch), is
/// not at a lower level and does not close a cycle; the children keep a level at or below the agency's; the code is
/// not a unit's; the administrative unit is in the office's era (one the agency already has is kept, so an office
/// that moved to the 2025 units can still edit its agencies). Sets each agency's demo mark from the stored row.
/// Returns the first problem in batch order.
fn check_agencies(
    conn: &Connection,
    rows: &mut [(usize, Agency)],
) -> Result<Option<ImportProblem>, StoreError> {
    let stored: HashMap<String, Agency> = org::list_agencies(conn)?
        .into_iter()
        .map(|a| (a.code.clone(), a))
        .collect();
    let unit_codes: HashSet<String> = org::list_units(conn)?.into_iter().map(|u| u.code).collect();
    let era = admin_units::office_era(conn)?;
    for (_, a) in rows.iter_mut() {
        a.is_demo = stored.get(&a.code).is_some_and(|s| s.is_demo);
    }
    let mut merged = stored.clone();
    merged.extend(rows.iter().map(|(_, a)| (a.code.clone(), a.clone())));
    let mut children: HashMap<&str, Vec<&Agency>> = HashMap::new();
    for a in merged.values() {
        if let Some(p) = &a.parent_code {
            children.entry(p.as_str()).or_default().push(a);
        }
    }
    for (line, a) in rows.iter() {
        let line = *line;
        if unit_codes.contains(&a.code) {
            return Ok(Some(problem(line, "code", "org.code_taken_by_unit")));
        }
        if let Some(parent_code) = &a.parent_code {
            let Some(parent) = merged.get(parent_code) else {
                return Ok(Some(problem(line, "parent_code", "org.parent_unknown")));
            };
            if level_rank(&parent.level) > level_rank(&a.level) {
                return Ok(Some(problem(line, "parent_code", "org.parent_level")));
            }
            let mut next = Some(parent);
            for _ in 0..=merged.len() {
                let Some(up) = next else { break };
                if up.code == a.code {
                    return Ok(Some(problem(line, "parent_code", "org.parent_cycle")));
                }
                next = up.parent_code.as_ref().and_then(|p| merged.get(p));
            }
        }
        let below = children.get(a.code.as_str()).into_iter().flatten();
        if below
            .into_iter()
            .any(|c| level_rank(&c.level) < level_rank(&a.level))
        {
            return Ok(Some(problem(line, "level", "org.children_level")));
        }
        if let Some(unit) = &a.admin_unit_code {
            let kept = stored
                .get(&a.code)
                .is_some_and(|s| s.admin_unit_code.as_ref() == Some(unit));
            if !kept && !admin_unit_exists(conn, era, unit)? {
                return Ok(Some(problem(
                    line,
                    "admin_unit_code",
                    "org.admin_unit_unknown",
                )));
            }
        }
    }
    Ok(None)
}

fn admin_unit_exists(conn: &Connection, era: Era, code: &str) -> Result<bool, StoreError> {
    match admin_units::get(conn, era, code) {
        Ok(_) => Ok(true),
        Err(StoreError::NotFound) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Checks parsed units against the database: the agency exists and the code is not an agency's.
fn check_units(
    conn: &Connection,
    rows: &[(usize, Unit)],
) -> Result<Option<ImportProblem>, StoreError> {
    let agencies: HashSet<String> = org::list_agencies(conn)?
        .into_iter()
        .map(|a| a.code)
        .collect();
    for (line, u) in rows {
        if !agencies.contains(&u.agency_code) {
            return Ok(Some(problem(*line, "agency_code", "org.agency_unknown")));
        }
        if agencies.contains(&u.code) {
            return Ok(Some(problem(*line, "code", "org.code_taken_by_agency")));
        }
    }
    Ok(None)
}

/// Writes checked agencies parents first, so every row's parent is already stored when the row is; returns how
/// many rows were created or changed.
fn write_agencies(conn: &Connection, rows: &[(usize, Agency)]) -> Result<usize, StoreError> {
    let in_batch: HashMap<&str, &Agency> = rows.iter().map(|(_, a)| (a.code.as_str(), a)).collect();
    let depth = |a: &Agency| {
        let mut depth = 0;
        let mut next = a.parent_code.as_deref().and_then(|p| in_batch.get(p));
        while let Some(up) = next.filter(|_| depth <= rows.len()) {
            depth += 1;
            next = up.parent_code.as_deref().and_then(|p| in_batch.get(p));
        }
        depth
    };
    let mut ordered: Vec<&Agency> = rows.iter().map(|(_, a)| a).collect();
    ordered.sort_by_key(|a| depth(a));
    let mut changed = 0;
    for a in ordered {
        changed += usize::from(org::upsert_agency(conn, a)?);
    }
    Ok(changed)
}

/// Creates an agency, or edits the one with the same code, keeping its demo mark. Returns the code.
pub async fn save_agency(
    db: &Db,
    ctx: &Context,
    form: &AgencyForm,
) -> Result<String, ServiceError> {
    let agency = parse_agency(form).map_err(ServiceError::Invalid)?;
    let ctx = ctx.clone();
    db.write(move |tx| {
        let existed = org::list_agencies(tx)?
            .iter()
            .any(|a| a.code == agency.code);
        let mut rows = [(0, agency)];
        if let Some(p) = check_agencies(tx, &mut rows)? {
            return Err(ServiceError::field(&p.column, &p.code));
        }
        let [(_, agency)] = rows;
        if org::upsert_agency(tx, &agency)? {
            let what = if existed { "updated" } else { "created" };
            ctx.audit(tx, "agency.save", &agency.code, Outcome::Ok, what)?;
        }
        Ok(agency.code)
    })
    .await
}

/// Creates a unit, or edits the one with the same code. Returns the code.
pub async fn save_unit(db: &Db, ctx: &Context, form: &UnitForm) -> Result<String, ServiceError> {
    let unit = parse_unit(form).map_err(ServiceError::Invalid)?;
    let ctx = ctx.clone();
    db.write(move |tx| {
        let existed = org::unit_exists(tx, &unit.code)?;
        let rows = [(0, unit)];
        if let Some(p) = check_units(tx, &rows)? {
            return Err(ServiceError::field(&p.column, &p.code));
        }
        let [(_, unit)] = rows;
        if org::upsert_unit(tx, &unit)? {
            let what = if existed { "updated" } else { "created" };
            ctx.audit(tx, "unit.save", &unit.code, Outcome::Ok, what)?;
        }
        Ok(unit.code)
    })
    .await
}

/// Deletes an agency. One that anything refers to (its units, child agencies, communes, or the office itself) is
/// refused with `org.in_use`: move or delete those first.
pub async fn delete_agency(db: &Db, ctx: &Context, code: &str) -> Result<(), ServiceError> {
    let code = code.trim().to_ascii_uppercase();
    let ctx = ctx.clone();
    db.write(move |tx| {
        if settings::get_office(tx)?.agency_code == code || org::agency_in_use(tx, &code)? {
            return Err(ServiceError::Conflict("org.in_use"));
        }
        org::delete_agency(tx, &code)?;
        ctx.audit(tx, "agency.delete", &code, Outcome::Ok, "")?;
        Ok(())
    })
    .await
}

/// Deletes a unit. One that staff accounts belong to, or that a current procedure's workflow names, is refused
/// with `org.in_use`.
pub async fn delete_unit(db: &Db, ctx: &Context, code: &str) -> Result<(), ServiceError> {
    let code = code.trim().to_ascii_uppercase();
    let ctx = ctx.clone();
    db.write(move |tx| {
        if org::unit_in_use(tx, &code)? {
            return Err(ServiceError::Conflict("org.in_use"));
        }
        org::delete_unit(tx, &code)?;
        ctx.audit(tx, "unit.delete", &code, Outcome::Ok, "")?;
        Ok(())
    })
    .await
}

/// Agencies parents first (depth-first from the top, children by code), each with its depth; an agency whose
/// parent chain is broken or loops is listed at the end at depth 0, so nothing is ever hidden.
pub fn tree_order<'a>(agencies: &'a [Agency]) -> Vec<(usize, &'a Agency)> {
    let codes: HashSet<&str> = agencies.iter().map(|a| a.code.as_str()).collect();
    let mut children: HashMap<Option<&'a str>, Vec<&'a Agency>> = HashMap::new();
    for a in agencies {
        let parent = a.parent_code.as_deref().filter(|p| codes.contains(p));
        children.entry(parent).or_default().push(a);
    }
    let mut out = Vec::with_capacity(agencies.len());
    let mut seen = HashSet::new();
    let mut stack: Vec<(usize, &Agency)> = Vec::new();
    let push = |stack: &mut Vec<(usize, &'a Agency)>, parent: Option<&'a str>, depth: usize| {
        let mut level = children.get(&parent).cloned().unwrap_or_default();
        level.sort_by(|a, b| b.code.cmp(&a.code));
        stack.extend(level.into_iter().map(|a| (depth, a)));
    };
    push(&mut stack, None, 0);
    while let Some((depth, a)) = stack.pop() {
        if seen.insert(a.code.as_str()) {
            out.push((depth, a));
            push(&mut stack, Some(a.code.as_str()), depth + 1);
        }
    }
    out.extend(
        agencies
            .iter()
            .filter(|a| !seen.contains(a.code.as_str()))
            .map(|a| (0, a)),
    );
    out
}
