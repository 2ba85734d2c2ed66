//! Services: moving the agency and unit lists between offices as CSV or JSON, the file half of
//! `services::agencies`. Files are parsed off the async workers, then checked and written by the same rules as the
//! admin forms.

use std::collections::{HashMap, HashSet};

use serde_json::Value;
use serde_json::value::RawValue;

use crate::domain::FieldErrors;
use crate::store::audit::Outcome;
use crate::store::org::{self, Agency, Unit};
use crate::store::{Db, StoreError};

use super::super::catalogue::{Format, ImportError, ImportProblem, ImportReport, csv_problem};
use super::super::json_lines::Lines;
use super::super::{Context, ServiceError, cpu};
use super::{
    AgencyForm, OrgList, UnitForm, check_agencies, check_units, parse_agency, parse_unit, problem,
    tree_order, write_agencies,
};

/// The rows of a file, parsed on their own and waiting for the checks against the database.
enum Parsed {
    Agencies(Vec<(usize, Agency)>),
    Units(Vec<(usize, Unit)>),
}

/// Imports a whole file into `list`: every row is parsed first, then checked and written in one transaction and
/// audited once with the counts. Agencies and units not in the file are left alone; units name agencies already
/// stored, so a new office imports its agencies first.
pub async fn import(
    db: &Db,
    ctx: &Context,
    list: OrgList,
    format: Format,
    content: Vec<u8>,
) -> Result<ImportReport, ImportError> {
    let parsed = cpu(move || parse_file(list, format, &content))
        .await?
        .map_err(ImportError::Refused)?;
    let ctx = ctx.clone();
    let outcome = db
        .write(move |tx| {
            let (rows, changed) = match parsed {
                Parsed::Agencies(mut rows) => {
                    if let Some(p) = check_agencies(tx, &mut rows)? {
                        return Ok(Err(p));
                    }
                    (rows.len(), write_agencies(tx, &rows)?)
                }
                Parsed::Units(rows) => {
                    if let Some(p) = check_units(tx, &rows)? {
                        return Ok(Err(p));
                    }
                    let mut changed = 0;
                    for (_, unit) in &rows {
                        changed += usize::from(org::upsert_unit(tx, unit)?);
                    }
                    (rows.len(), changed)
                }
            };
            if changed > 0 {
                let detail = format!("format={format:?} rows={rows} changed={changed}");
                let action = match list {
                    OrgList::Agencies => "agency.import",
                    OrgList::Units => "unit.import",
                };
                ctx.audit(tx, action, list.key(), Outcome::Ok, &detail)?;
            }
            Ok::<_, ServiceError>(Ok(ImportReport { rows, changed }))
        })
        .await?;
    outcome.map_err(ImportError::Refused)
}

/// One row as read from a file: its line and its cells by column (absent columns are empty).
type Cells = (usize, HashMap<&'static str, String>);

fn parse_file(list: OrgList, format: Format, content: &[u8]) -> Result<Parsed, ImportProblem> {
    let text = std::str::from_utf8(content).map_err(|e| {
        let line = content[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        problem(line, "", "import.encoding")
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rows = match format {
        Format::Csv => csv_rows(list, text)?,
        Format::Json => json_rows(list, text)?,
    };
    let mut seen = HashSet::new();
    let refused = |line: usize, errors: &FieldErrors| {
        let (column, code) = list
            .columns()
            .iter()
            .find_map(|c| errors.first(c).map(|code| (*c, code)))
            .unwrap_or(("", "import.row"));
        problem(line, column, code)
    };
    let cell = |cells: &HashMap<&str, String>, c: &str| cells.get(c).cloned().unwrap_or_default();
    let mut agencies = Vec::new();
    let mut units = Vec::new();
    for (line, cells) in rows {
        let code = match list {
            OrgList::Agencies => {
                let form = AgencyForm {
                    code: cell(&cells, "code"),
                    name: cell(&cells, "name"),
                    level: cell(&cells, "level"),
                    parent_code: cell(&cells, "parent_code"),
                    admin_unit_code: cell(&cells, "admin_unit_code"),
                    address: cell(&cells, "address"),
                    phone: cell(&cells, "phone"),
                    email: cell(&cells, "email"),
                };
                let agency = parse_agency(&form).map_err(|e| refused(line, &e))?;
                agencies.push((line, agency));
                agencies.last().map(|(_, a)| a.code.clone())
            }
            OrgList::Units => {
                let form = UnitForm {
                    code: cell(&cells, "code"),
                    agency_code: cell(&cells, "agency_code"),
                    name: cell(&cells, "name"),
                    kind: cell(&cells, "kind"),
                };
                let unit = parse_unit(&form).map_err(|e| refused(line, &e))?;
                units.push((line, unit));
                units.last().map(|(_, u)| u.code.clone())
            }
        };
        if !seen.insert(code.unwrap_or_default()) {
            return Err(problem(line, "code", "code.duplicate"));
        }
    }
    Ok(match list {
        OrgList::Agencies => Parsed::Agencies(agencies),
        OrgList::Units => Parsed::Units(units),
    })
}

fn column(list: OrgList, name: &str) -> Option<&'static str> {
    list.columns().iter().copied().find(|c| *c == name)
}

fn csv_rows(list: OrgList, text: &str) -> Result<Vec<Cells>, ImportProblem> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let mut headers = Vec::new();
    for h in reader.headers().map_err(|e| csv_problem(&e))? {
        let h = h.trim().to_ascii_lowercase();
        let Some(c) = column(list, &h) else {
            return Err(problem(1, &h, "import.column_unknown"));
        };
        if headers.contains(&c) {
            return Err(problem(1, c, "import.column_duplicate"));
        }
        headers.push(c);
    }
    if let Some(missing) = list.required().iter().find(|c| !headers.contains(c)) {
        return Err(problem(1, missing, "org.column_missing"));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_problem(&e))?;
        let line = record
            .position()
            .map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
        let cells = headers
            .iter()
            .zip(record.iter())
            .map(|(c, v)| (*c, v.to_owned()))
            .collect();
        rows.push((line, cells));
    }
    Ok(rows)
}

fn json_rows(list: OrgList, text: &str) -> Result<Vec<Cells>, ImportProblem> {
    let items: Vec<&RawValue> =
        serde_json::from_str(text).map_err(|e| problem(e.line().max(1), "", "import.json"))?;
    let lines = Lines::new(text);
    let mut rows = Vec::with_capacity(items.len());
    for raw in items {
        let line = lines.of(raw);
        let Ok(Value::Object(object)) = serde_json::from_str::<Value>(raw.get()) else {
            return Err(problem(line, "", "import.json_object"));
        };
        let mut cells = HashMap::new();
        for (key, value) in object {
            let Some(c) = column(list, &key) else {
                return Err(problem(line, &key, "import.column_unknown"));
            };
            match value {
                Value::Null => {}
                Value::String(text) => {
                    cells.insert(c, text);
                }
                _ => return Err(problem(line, c, "org.json_text")),
            }
        }
        if let Some(missing) = list.required().iter().find(|c| !cells.contains_key(*c)) {
            return Err(problem(line, missing, "org.column_missing"));
        }
        rows.push((line, cells));
    }
    Ok(rows)
}

/// One agency as exported, with the keys of the CSV columns; none is `null` in JSON and empty in CSV.
#[derive(serde::Serialize)]
struct AgencyRecord<'a> {
    code: &'a str,
    name: &'a str,
    level: &'a str,
    parent_code: Option<&'a str>,
    admin_unit_code: Option<&'a str>,
    address: &'a str,
    phone: &'a str,
    email: &'a str,
}

impl<'a> From<&'a Agency> for AgencyRecord<'a> {
    fn from(a: &'a Agency) -> Self {
        Self {
            code: &a.code,
            name: &a.name,
            level: &a.level,
            parent_code: a.parent_code.as_deref(),
            admin_unit_code: a.admin_unit_code.as_deref(),
            address: &a.address,
            phone: &a.phone,
            email: &a.email,
        }
    }
}

/// A list as CSV: UTF-8 with a byte-order mark so spreadsheet programs read the Vietnamese correctly, a header
/// row of the columns, then one row per entry (agencies parents first). Importing it back changes nothing.
pub async fn export_csv(db: &Db, list: OrgList) -> Result<String, ServiceError> {
    let (agencies, units) = db
        .read(|c| Ok::<_, StoreError>((org::list_agencies(c)?, org::list_units(c)?)))
        .await?;
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let internal = |e: csv::Error| ServiceError::Internal(anyhow::Error::new(e));
    writer.write_record(list.columns()).map_err(internal)?;
    match list {
        OrgList::Agencies => {
            for (_, a) in tree_order(&agencies) {
                writer.serialize(AgencyRecord::from(a)).map_err(internal)?;
            }
        }
        OrgList::Units => {
            for u in &units {
                writer.serialize(u).map_err(internal)?;
            }
        }
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("csv export: {}", e.error())))?;
    let text = String::from_utf8(bytes).map_err(|e| ServiceError::Internal(e.into()))?;
    Ok(format!("\u{feff}{text}"))
}

/// A list as a JSON array of objects with the same keys as the CSV columns.
pub async fn export_json(db: &Db, list: OrgList) -> Result<String, ServiceError> {
    let (agencies, units) = db
        .read(|c| Ok::<_, StoreError>((org::list_agencies(c)?, org::list_units(c)?)))
        .await?;
    let text = match list {
        OrgList::Agencies => {
            let records: Vec<AgencyRecord<'_>> = tree_order(&agencies)
                .into_iter()
                .map(|(_, a)| a.into())
                .collect();
            serde_json::to_string_pretty(&records)
        }
        OrgList::Units => serde_json::to_string_pretty(&units),
    }
    .map_err(|e| ServiceError::Internal(e.into()))?;
    Ok(text + "\n")
}
