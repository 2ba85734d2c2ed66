//! Storage layer for the printed forms: the form templates of each circular's set (Circular 01/2018, Circular
//! 03/2025), kept as rows so an administrator can adjust the wording without a new release, and the read of a
//! year's register (Form 06), which the forms need and no dossier screen does.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

/// One form of one set as stored. `body` is a MiniJinja template of an HTML fragment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FormTemplate {
    pub form_set: String,
    pub key: String,
    /// "01" … "07", as printed after "Mẫu số".
    pub number: String,
    pub title: String,
    /// `A5` or `A4`: the paper the circular prescribes for this form.
    pub paper: String,
    pub body: String,
    pub updated_at: String,
}

const COLUMNS: &str = "form_set, key, number, title, paper, body, updated_at";

fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<FormTemplate> {
    Ok(FormTemplate {
        form_set: r.get(0)?,
        key: r.get(1)?,
        number: r.get(2)?,
        title: r.get(3)?,
        paper: r.get(4)?,
        body: r.get(5)?,
        updated_at: r.get(6)?,
    })
}

/// Inserts a template unless the set already has one under that key, so seeding at every start never overwrites an
/// administrator's edit. Returns whether a row was written.
pub fn insert_if_absent(conn: &Connection, t: &FormTemplate) -> Result<bool, StoreError> {
    let changed = conn
        .prepare_cached(
            "INSERT INTO form_templates (form_set, key, number, title, paper, body, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (form_set, key) DO NOTHING",
        )?
        .execute(params![
            t.form_set,
            t.key,
            t.number,
            t.title,
            t.paper,
            t.body,
            t.updated_at
        ])?;
    Ok(changed == 1)
}

/// The template of `key` in `form_set`, if the set has that form.
pub fn find(
    conn: &Connection,
    form_set: &str,
    key: &str,
) -> Result<Option<FormTemplate>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM form_templates WHERE form_set = ?1 AND key = ?2"
        ))?
        .query_row(params![form_set, key], read)
        .optional()?)
}

/// Every form of a set in the order of its numbers.
pub fn list(conn: &Connection, form_set: &str) -> Result<Vec<FormTemplate>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM form_templates WHERE form_set = ?1 ORDER BY number, key"
    ))?;
    let rows = stmt.query_map([form_set], read)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The sets present, for validating a switch of the active set.
pub fn list_sets(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT DISTINCT form_set FROM form_templates ORDER BY form_set")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Replaces the body of an existing template; `NotFound` when the set has no such form.
pub fn update_body(
    conn: &Connection,
    form_set: &str,
    key: &str,
    body: &str,
    at: &str,
) -> Result<(), StoreError> {
    let changed = conn
        .prepare_cached(
            "UPDATE form_templates SET body = ?3, updated_at = ?4 WHERE form_set = ?1 AND key = ?2",
        )?
        .execute(params![form_set, key, body, at])?;
    if changed == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// One line of the year's register (Form 06): the columns the circular lists, straight from the dossier row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterRow {
    pub register_no: i64,
    pub code: Option<String>,
    pub agency_code: String,
    pub procedure_name: String,
    pub sets: i64,
    pub applicant_name: String,
    pub applicant_address: String,
    pub applicant_phone: String,
    pub unit_code: Option<String>,
    pub status: i64,
    pub extended: bool,
    pub received_at: Option<String>,
    pub due_at: Option<String>,
    pub transferred_at: Option<String>,
    pub finished_at: Option<String>,
    pub returned_at: Option<String>,
}

/// Entries of the register of `year` in entry order, `limit` from the `offset`-th; numbers run on from 1 over
/// the whole year whatever book they are written in.
pub fn register_rows(
    conn: &Connection,
    year: i64,
    offset: i64,
    limit: i64,
) -> Result<Vec<RegisterRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT register_no, code, agency_code, procedure_name, sets, applicant_name, applicant_address,
                applicant_phone, unit_code, status, extended, received_at, due_at, transferred_at, finished_at,
                returned_at
         FROM dossiers WHERE register_year = ?1 AND register_no IS NOT NULL
         ORDER BY register_no LIMIT ?2 OFFSET ?3",
    )?;
    let rows = stmt.query_map(params![year, limit, offset], |r| {
        Ok(RegisterRow {
            register_no: r.get(0)?,
            code: r.get(1)?,
            agency_code: r.get(2)?,
            procedure_name: r.get(3)?,
            sets: r.get(4)?,
            applicant_name: r.get(5)?,
            applicant_address: r.get(6)?,
            applicant_phone: r.get(7)?,
            unit_code: r.get(8)?,
            status: r.get(9)?,
            extended: r.get(10)?,
            received_at: r.get(11)?,
            due_at: r.get(12)?,
            transferred_at: r.get(13)?,
            finished_at: r.get(14)?,
            returned_at: r.get(15)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many entries the register of `year` has, for paging.
pub fn register_count(conn: &Connection, year: i64) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM dossiers WHERE register_year = ?1 AND register_no IS NOT NULL",
        )?
        .query_row([year], |r| r.get(0))?)
}

/// The years that have a register, newest first, for the year picker.
pub fn register_years(conn: &Connection) -> Result<Vec<i64>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT register_year FROM dossiers WHERE register_year IS NOT NULL
         ORDER BY register_year DESC",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
