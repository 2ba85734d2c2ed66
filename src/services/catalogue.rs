//! Services: the shared code lists of Circular 22 function group đ ("Quản lý danh mục điện tử dùng chung"):
//! sectors, document types, and fees and charges. Entries are saved and deleted from the admin pages, and whole
//! lists move between offices as CSV or JSON. An import is checked completely before anything is written and is
//! then written in one transaction, so a bad row leaves the list as it was; importing the same file again writes
//! nothing and leaves no audit entry.

use std::collections::HashSet;

use rusqlite::Connection;
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use super::json_lines::Lines;
use crate::domain::FieldErrors;
use crate::domain::catalogue::{parse_catalogue_code, parse_sector_code};
use crate::domain::text::{clean_line, has_control_chars};
use crate::store::audit::Outcome;
use crate::store::catalogue::{self, CatalogueTable, DocType, Fee, Sector};
use crate::store::{Db, StoreError, catalogue_refs};

use super::{Context, ServiceError, cpu};

/// Upper bound of a fixed fee: anything larger is a typing slip, not a charge an office collects.
const MAX_AMOUNT_VND: i64 = 1_000_000_000_000;
/// Upper bound of the free-text note and legal basis of a fee.
const MAX_FEE_TEXT: usize = 1000;

/// A catalogue entry as typed in the admin form or read from an import row, before parsing. Sectors and document
/// types use only `code` and `name`; an empty `amount_vnd` means the fee varies and `note` says how it is computed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EntryForm {
    pub code: String,
    pub name: String,
    pub amount_vnd: String,
    pub note: String,
    pub legal_basis: String,
}

/// One checked entry of any of the three lists; serialized as the inner row, the shape of the JSON export.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
pub enum Entry {
    Sector(Sector),
    DocType(DocType),
    Fee(Fee),
}

impl Entry {
    /// Code, name and demo mark, which every list has.
    fn parts(&self) -> (&str, &str, bool) {
        match self {
            Entry::Sector(s) => (&s.code, &s.name, s.is_demo),
            Entry::DocType(d) => (&d.code, &d.name, d.is_demo),
            Entry::Fee(f) => (&f.code, &f.name, f.is_demo),
        }
    }

    pub fn code(&self) -> &str {
        self.parts().0
    }

    pub fn name(&self) -> &str {
        self.parts().1
    }

    pub fn is_demo(&self) -> bool {
        self.parts().2
    }

    fn set_demo(&mut self, demo: bool) {
        match self {
            Entry::Sector(Sector { is_demo, .. })
            | Entry::DocType(DocType { is_demo, .. })
            | Entry::Fee(Fee { is_demo, .. }) => *is_demo = demo,
        }
    }

    fn upsert(&self, conn: &Connection) -> Result<bool, StoreError> {
        match self {
            Entry::Sector(s) => catalogue::upsert_sector(conn, s),
            Entry::DocType(d) => catalogue::upsert_doc_type(conn, d),
            Entry::Fee(f) => catalogue::upsert_fee(conn, f),
        }
    }

    fn csv_record(&self) -> Vec<String> {
        let demo = self.is_demo().to_string();
        match self {
            Entry::Sector(Sector { code, name, .. })
            | Entry::DocType(DocType { code, name, .. }) => {
                vec![code.clone(), name.clone(), demo]
            }
            Entry::Fee(f) => vec![
                f.code.clone(),
                f.name.clone(),
                f.amount_vnd.map(|a| a.to_string()).unwrap_or_default(),
                f.note.clone(),
                f.legal_basis.clone(),
                demo,
            ],
        }
    }
}

/// The columns of a list in export order. An import must use these names, in any order; `code` and `name` are
/// required, the others default to empty (fees: varies) and `false`.
pub fn columns(table: CatalogueTable) -> &'static [&'static str] {
    match table {
        CatalogueTable::Sectors | CatalogueTable::DocTypes => &["code", "name", "demo"],
        CatalogueTable::Fees => &["code", "name", "amount_vnd", "note", "legal_basis", "demo"],
    }
}

/// The list's stable name in URLs, file names and audit entries.
pub fn table_key(table: CatalogueTable) -> &'static str {
    match table {
        CatalogueTable::Sectors => "sectors",
        CatalogueTable::DocTypes => "doc-types",
        CatalogueTable::Fees => "fees",
    }
}

/// A one-line text field: NFC, trimmed, no control characters (they could forge log lines), at most `max` chars.
fn text_field(e: &mut FieldErrors, field: &str, raw: &str, max: usize, required: bool) -> String {
    let value = clean_line(raw);
    if has_control_chars(&value) {
        e.add(field, &format!("{field}.invalid"));
    } else if required && value.is_empty() {
        e.add(field, &format!("{field}.required"));
    } else if value.chars().count() > max {
        e.add(field, &format!("{field}.too_long"));
    }
    value
}

/// A whole number of đồng, with `.` or spaces allowed as thousands separators as people write them ("50.000");
/// empty means the fee varies. A comma is refused rather than guessed at: it is a decimal mark in Vietnamese.
pub fn parse_amount(raw: &str) -> Result<Option<i64>, &'static str> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let groups: Vec<&str> = text.split(['.', ' ', '\u{a0}']).collect();
    let grouped_well = groups.len() == 1
        || groups.iter().enumerate().all(|(i, g)| {
            if i == 0 {
                (1..=3).contains(&g.len())
            } else {
                g.len() == 3
            }
        });
    let digits = groups.concat();
    if !grouped_well || digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("amount.invalid");
    }
    match digits.parse::<i64>() {
        Ok(amount) if amount <= MAX_AMOUNT_VND => Ok(Some(amount)),
        _ => Err("amount.invalid"),
    }
}

/// The `demo` column: `true`/`false`, `1`/`0`, or empty for false.
fn parse_demo(raw: &str) -> Result<bool, &'static str> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "" | "false" | "0" => Ok(false),
        "true" | "1" => Ok(true),
        _ => Err("demo.invalid"),
    }
}

/// Checks one entry of `table`, collecting every field error so a form shows them all at once.
pub fn parse_entry(
    table: CatalogueTable,
    form: &EntryForm,
    demo: bool,
) -> Result<Entry, FieldErrors> {
    let mut errors = FieldErrors::new();
    let code = match table {
        CatalogueTable::Sectors => errors.take("code", parse_sector_code(&form.code)),
        CatalogueTable::DocTypes | CatalogueTable::Fees => {
            errors.take("code", parse_catalogue_code(&form.code))
        }
    };
    let name_max = if table == CatalogueTable::Sectors {
        200
    } else {
        300
    };
    let name = text_field(&mut errors, "name", &form.name, name_max, true);
    let entry = match table {
        CatalogueTable::Sectors => Entry::Sector(Sector {
            code: code.unwrap_or_default(),
            name,
            is_demo: demo,
        }),
        CatalogueTable::DocTypes => Entry::DocType(DocType {
            code: code.unwrap_or_default(),
            name,
            is_demo: demo,
        }),
        CatalogueTable::Fees => {
            let amount = parse_amount(&form.amount_vnd);
            if let Err(code) = amount {
                errors.add("amount_vnd", code);
            }
            let note = text_field(&mut errors, "note", &form.note, MAX_FEE_TEXT, false);
            if matches!(amount, Ok(None)) && note.is_empty() && errors.first("note").is_none() {
                errors.add("note", "note.required");
            }
            let legal_basis = text_field(
                &mut errors,
                "legal_basis",
                &form.legal_basis,
                MAX_FEE_TEXT,
                false,
            );
            Entry::Fee(Fee {
                code: code.unwrap_or_default(),
                name,
                amount_vnd: amount.ok().flatten(),
                note,
                legal_basis,
                is_demo: demo,
            })
        }
    };
    if errors.is_empty() {
        Ok(entry)
    } else {
        Err(errors)
    }
}

/// Every entry of a list, in the order the admin page and the exports show them (by name, then code).
pub fn list_entries(conn: &Connection, table: CatalogueTable) -> Result<Vec<Entry>, StoreError> {
    Ok(match table {
        CatalogueTable::Sectors => catalogue::list_sectors(conn)?
            .into_iter()
            .map(Entry::Sector)
            .collect(),
        CatalogueTable::DocTypes => catalogue::list_doc_types(conn)?
            .into_iter()
            .map(Entry::DocType)
            .collect(),
        CatalogueTable::Fees => catalogue::list_fees(conn)?
            .into_iter()
            .map(Entry::Fee)
            .collect(),
    })
}

/// Creates an entry, or edits the one with the same code. Editing keeps the entry's demo mark, which only an
/// import sets, so a later clean-up of demo data still finds it. Nothing is audited when nothing changed.
pub async fn save_entry(
    db: &Db,
    ctx: &Context,
    table: CatalogueTable,
    form: &EntryForm,
) -> Result<String, ServiceError> {
    let mut entry = parse_entry(table, form, false).map_err(ServiceError::Invalid)?;
    let ctx = ctx.clone();
    db.write(move |tx| {
        let existing = list_entries(tx, table)?
            .into_iter()
            .find(|e| e.code() == entry.code());
        if let Some(old) = &existing {
            entry.set_demo(old.is_demo());
        }
        if entry.upsert(tx)? {
            if let Entry::Sector(sector) = &entry {
                super::search::sector_changed(tx, &sector.code, &ctx.now_text())?;
            }
            let what = existing.as_ref().map_or("created", |_| "updated");
            let object = format!("{}:{}", table_key(table), entry.code());
            ctx.audit(tx, "catalogue.save", &object, Outcome::Ok, what)?;
        }
        Ok(entry.code().to_owned())
    })
    .await
}

/// Deletes an entry. One still named by a procedure version is refused with `catalogue.in_use`: a sector by any
/// version (the database keeps that link), a document type or fee by a draft or published one.
pub async fn delete_entry(
    db: &Db,
    ctx: &Context,
    table: CatalogueTable,
    code: &str,
) -> Result<(), ServiceError> {
    let code = code.trim().to_ascii_uppercase();
    let ctx = ctx.clone();
    db.write(move |tx| {
        let in_use = match table {
            CatalogueTable::Sectors => catalogue::sector_in_use(tx, &code)?,
            CatalogueTable::DocTypes => catalogue_refs::doc_type_in_use(tx, &code)?,
            CatalogueTable::Fees => catalogue_refs::fee_in_use(tx, &code)?,
        };
        if in_use {
            return Err(ServiceError::Conflict("catalogue.in_use"));
        }
        catalogue::delete_entry(tx, table, &code)?;
        let object = format!("{}:{code}", table_key(table));
        ctx.audit(tx, "catalogue.delete", &object, Outcome::Ok, "")?;
        Ok(())
    })
    .await
}

/// The two file formats of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    /// JSON when the file name says so or the content opens an array; CSV otherwise. People upload what they
    /// exported, so guessing from the file spares them a choice they could get wrong.
    pub fn detect(file_name: &str, content: &[u8]) -> Self {
        let first = content
            .strip_prefix("\u{feff}".as_bytes())
            .unwrap_or(content)
            .iter()
            .find(|b| !b.is_ascii_whitespace());
        if file_name.to_ascii_lowercase().ends_with(".json") || first == Some(&b'[') {
            Format::Json
        } else {
            Format::Csv
        }
    }
}

/// Why a file was refused: the 1-based line of the first bad row, the column at fault (empty when the row as a
/// whole is wrong) and a stable code the web layer translates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    pub line: usize,
    pub column: String,
    pub code: String,
}

/// Import outcome when it did not happen: refused as a whole with the first problem, or failed underneath.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("line {}: {} {}", .0.line, .0.column, .0.code)]
    Refused(ImportProblem),
    #[error(transparent)]
    Service(#[from] ServiceError),
}

/// What an import did: rows read, and how many of them created or changed an entry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub rows: usize,
    pub changed: usize,
}

fn problem(line: usize, column: &str, code: &str) -> ImportProblem {
    ImportProblem {
        line,
        column: column.to_owned(),
        code: code.to_owned(),
    }
}

/// Imports a whole file into `table`: every row is checked first, then all are written in one transaction and
/// audited once with the counts. Entries not in the file are left alone.
pub async fn import(
    db: &Db,
    ctx: &Context,
    table: CatalogueTable,
    format: Format,
    content: Vec<u8>,
) -> Result<ImportReport, ImportError> {
    let entries = cpu(move || parse_file(table, format, &content))
        .await?
        .map_err(ImportError::Refused)?;
    let ctx = ctx.clone();
    let report = db
        .write(move |tx| {
            let mut changed = 0;
            for entry in &entries {
                let entry_changed = entry.upsert(tx)?;
                if let (true, Entry::Sector(sector)) = (entry_changed, entry) {
                    super::search::sector_changed(tx, &sector.code, &ctx.now_text())?;
                }
                changed += usize::from(entry_changed);
            }
            let report = ImportReport {
                rows: entries.len(),
                changed,
            };
            if changed > 0 {
                let detail = format!("format={format:?} rows={} changed={changed}", report.rows);
                let key = table_key(table);
                ctx.audit(tx, "catalogue.import", key, Outcome::Ok, &detail)?;
            }
            Ok::<_, ServiceError>(report)
        })
        .await?;
    Ok(report)
}

/// One row as read from a file: its line, its fields, its demo mark.
type Row = (usize, EntryForm, bool);

fn parse_file(
    table: CatalogueTable,
    format: Format,
    content: &[u8],
) -> Result<Vec<Entry>, ImportProblem> {
    let text = std::str::from_utf8(content).map_err(|e| {
        let before = &content[..e.valid_up_to()];
        problem(
            before.iter().filter(|b| **b == b'\n').count() + 1,
            "",
            "import.encoding",
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rows = match format {
        Format::Csv => csv_rows(table, text)?,
        Format::Json => json_rows(table, text)?,
    };
    let mut seen = HashSet::new();
    let mut entries = Vec::with_capacity(rows.len());
    for (line, form, demo) in rows {
        let entry = parse_entry(table, &form, demo).map_err(|errors| {
            let (column, code) = columns(table)
                .iter()
                .find_map(|c| errors.first(c).map(|code| (*c, code)))
                .unwrap_or(("", "import.row"));
            problem(line, column, code)
        })?;
        if !seen.insert(entry.code().to_owned()) {
            return Err(problem(line, "code", "code.duplicate"));
        }
        entries.push(entry);
    }
    Ok(entries)
}

/// A row from its cells; `get` gives a column's text, empty when absent, or refuses a value of the wrong type.
fn row_from(
    line: usize,
    get: impl Fn(&str) -> Result<String, ImportProblem>,
) -> Result<Row, ImportProblem> {
    let demo = parse_demo(&get("demo")?).map_err(|code| problem(line, "demo", code))?;
    let form = EntryForm {
        code: get("code")?,
        name: get("name")?,
        amount_vnd: get("amount_vnd")?,
        note: get("note")?,
        legal_basis: get("legal_basis")?,
    };
    Ok((line, form, demo))
}

/// A CSV reading error as an import problem on its line (shared by the agency import).
pub(super) fn csv_problem(e: &csv::Error) -> ImportProblem {
    let line = e
        .position()
        .map_or(1, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
    let code = match e.kind() {
        csv::ErrorKind::UnequalLengths { .. } => "import.csv_fields",
        _ => "import.csv",
    };
    problem(line, "", code)
}

fn csv_rows(table: CatalogueTable, text: &str) -> Result<Vec<Row>, ImportProblem> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| csv_problem(&e))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    for (i, h) in headers.iter().enumerate() {
        if !columns(table).contains(&h.as_str()) {
            return Err(problem(1, h, "import.column_unknown"));
        }
        if headers[..i].contains(h) {
            return Err(problem(1, h, "import.column_duplicate"));
        }
    }
    if let Some(missing) = ["code", "name"]
        .iter()
        .find(|c| !headers.iter().any(|h| h == *c))
    {
        return Err(problem(1, missing, "import.column_missing"));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_problem(&e))?;
        let line = record
            .position()
            .map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
        let get = |column: &str| {
            let at = headers.iter().position(|h| h == column);
            Ok(at
                .and_then(|i| record.get(i))
                .unwrap_or_default()
                .to_owned())
        };
        rows.push(row_from(line, get)?);
    }
    Ok(rows)
}

fn json_rows(table: CatalogueTable, text: &str) -> Result<Vec<Row>, ImportProblem> {
    let items: Vec<&RawValue> =
        serde_json::from_str(text).map_err(|e| problem(e.line().max(1), "", "import.json"))?;
    let lines = Lines::new(text);
    let mut rows = Vec::with_capacity(items.len());
    for raw in items {
        let line = lines.of(raw);
        let Ok(Value::Object(object)) = serde_json::from_str::<Value>(raw.get()) else {
            return Err(problem(line, "", "import.json_object"));
        };
        if let Some(key) = object
            .keys()
            .find(|k| !columns(table).contains(&k.as_str()))
        {
            return Err(problem(line, key, "import.column_unknown"));
        }
        let get = |column: &str| match object.get(column) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(text)) => Ok(text.clone()),
            Some(Value::Number(n)) if column == "amount_vnd" => Ok(n.to_string()),
            Some(Value::Bool(b)) if column == "demo" => Ok(b.to_string()),
            Some(_) if column == "amount_vnd" => Err(problem(line, column, "amount.invalid")),
            Some(_) => Err(problem(line, column, &format!("{column}.invalid"))),
        };
        rows.push(row_from(line, get)?);
    }
    Ok(rows)
}

/// A list as CSV: UTF-8 with a byte-order mark so spreadsheet programs read the Vietnamese correctly, a header
/// row of [`columns`], then one row per entry. Importing it back changes nothing.
pub async fn export_csv(db: &Db, table: CatalogueTable) -> Result<String, ServiceError> {
    let entries = db.read(move |c| list_entries(c, table)).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let internal = |e: csv::Error| ServiceError::Internal(anyhow::Error::new(e));
    writer.write_record(columns(table)).map_err(internal)?;
    for entry in &entries {
        writer.write_record(entry.csv_record()).map_err(internal)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("csv export: {}", e.error())))?;
    let text = String::from_utf8(bytes).map_err(|e| ServiceError::Internal(e.into()))?;
    Ok(format!("\u{feff}{text}"))
}

/// A list as a JSON array of objects with the same keys as the CSV columns; a fee that varies has
/// `"amount_vnd": null`.
pub async fn export_json(db: &Db, table: CatalogueTable) -> Result<String, ServiceError> {
    let entries = db.read(move |c| list_entries(c, table)).await?;
    let text =
        serde_json::to_string_pretty(&entries).map_err(|e| ServiceError::Internal(e.into()))?;
    Ok(text + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_accept_thousands_separators_but_not_decimals() {
        assert_eq!(parse_amount(""), Ok(None));
        assert_eq!(parse_amount("50000"), Ok(Some(50_000)));
        assert_eq!(parse_amount("1.250.000"), Ok(Some(1_250_000)));
        assert_eq!(parse_amount("50 000"), Ok(Some(50_000)));
        assert!(parse_amount("50,5").is_err());
        assert!(parse_amount("5.0000").is_err());
        assert!(parse_amount("-1").is_err());
        assert!(parse_amount("mười nghìn").is_err());
    }

    #[test]
    fn a_fee_that_varies_must_say_how_it_is_computed() {
        let form = EntryForm {
            code: "LP-01".into(),
            name: "Lệ phí".into(),
            ..EntryForm::default()
        };
        let errors = parse_entry(CatalogueTable::Fees, &form, false).err();
        assert_eq!(
            errors.as_ref().and_then(|e| e.first("note")),
            Some("note.required")
        );
    }
}
