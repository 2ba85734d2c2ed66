//! Agencies, their units and the communes they serve.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Agency {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_code: Option<String>,
    pub admin_unit_code: Option<String>,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub is_demo: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unit {
    pub code: String,
    pub agency_code: String,
    pub name: String,
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Commune {
    /// The edition of the national unit list the code belongs to: `2025-03` or `2025-07`.
    pub era: String,
    pub code: String,
    pub name: String,
    pub agency_code: String,
}

pub fn insert_agency(conn: &Connection, a: &Agency) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO agencies(code, name, level, parent_code, admin_unit_code, address, phone, email, is_demo)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        a.code,
        a.name,
        a.level,
        a.parent_code,
        a.admin_unit_code,
        a.address,
        a.phone,
        a.email,
        a.is_demo
    ])?;
    Ok(())
}

pub fn insert_unit(conn: &Connection, u: &Unit) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO units(code, agency_code, name, kind) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![u.code, u.agency_code, u.name, u.kind])?;
    Ok(())
}

pub fn insert_commune(conn: &Connection, c: &Commune) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO communes(era, code, name, agency_code) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![c.era, c.code, c.name, c.agency_code])?;
    Ok(())
}

pub fn list_agencies(conn: &Connection) -> Result<Vec<Agency>, StoreError> {
    let rows = conn
        .prepare_cached(
            "SELECT code, name, level, parent_code, admin_unit_code, address, phone, email, is_demo
             FROM agencies ORDER BY parent_code IS NOT NULL, code",
        )?
        .query_map([], |r| {
            Ok(Agency {
                code: r.get(0)?,
                name: r.get(1)?,
                level: r.get(2)?,
                parent_code: r.get(3)?,
                admin_unit_code: r.get(4)?,
                address: r.get(5)?,
                phone: r.get(6)?,
                email: r.get(7)?,
                is_demo: r.get(8)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub fn list_units(conn: &Connection) -> Result<Vec<Unit>, StoreError> {
    let rows = conn
        .prepare_cached(
            "SELECT code, agency_code, name, kind FROM units ORDER BY agency_code, code",
        )?
        .query_map([], |r| {
            Ok(Unit {
                code: r.get(0)?,
                agency_code: r.get(1)?,
                name: r.get(2)?,
                kind: r.get(3)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// The communes an agency serves today (retired ones stay in the table for the dossiers filed under them).
pub fn list_communes(conn: &Connection) -> Result<Vec<Commune>, StoreError> {
    let rows = conn
        .prepare_cached(
            "SELECT era, code, name, agency_code FROM communes WHERE retired_at IS NULL
             ORDER BY agency_code, code",
        )?
        .query_map([], |r| {
            Ok(Commune {
                era: r.get(0)?,
                code: r.get(1)?,
                name: r.get(2)?,
                agency_code: r.get(3)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// The agency a unit belongs to.
pub fn agency_of_unit(conn: &Connection, unit: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT agency_code FROM units WHERE code = ?1")?
        .query_row([unit], |r| r.get(0))
        .optional()?)
}

/// An agency's name, when the office has it.
pub fn agency_name(conn: &Connection, code: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT name FROM agencies WHERE code = ?1")?
        .query_row([code], |r| r.get(0))
        .optional()?)
}

/// The office's top agency (the one without a parent), by code order when there are several.
pub fn top_agency(conn: &Connection) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT code FROM agencies WHERE parent_code IS NULL ORDER BY code LIMIT 1",
        )?
        .query_row([], |r| r.get(0))
        .optional()?)
}

pub fn unit_exists(conn: &Connection, code: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM units WHERE code = ?1)")?
        .query_row([code], |r| r.get(0))?)
}

pub fn count_agencies(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("SELECT count(*) FROM agencies", [], |r| r.get(0))?)
}

/// Creates an agency or rewrites the one with the same code; returns whether a row was written, so an import or a
/// form that changes nothing leaves no audit entry.
pub fn upsert_agency(conn: &Connection, a: &Agency) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached(
            "INSERT INTO agencies(code, name, level, parent_code, admin_unit_code, address, phone, email, is_demo)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT(code) DO UPDATE SET name = excluded.name, level = excluded.level,
                 parent_code = excluded.parent_code, admin_unit_code = excluded.admin_unit_code,
                 address = excluded.address, phone = excluded.phone, email = excluded.email, is_demo = excluded.is_demo
             WHERE (name, level, parent_code, admin_unit_code, address, phone, email, is_demo)
                 IS NOT (excluded.name, excluded.level, excluded.parent_code, excluded.admin_unit_code,
                         excluded.address, excluded.phone, excluded.email, excluded.is_demo)",
        )?
        .execute(params![
            a.code,
            a.name,
            a.level,
            a.parent_code,
            a.admin_unit_code,
            a.address,
            a.phone,
            a.email,
            a.is_demo
        ])?;
    Ok(n > 0)
}

/// Creates a unit or rewrites the one with the same code; returns whether a row was written.
pub fn upsert_unit(conn: &Connection, u: &Unit) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached(
            "INSERT INTO units(code, agency_code, name, kind) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(code) DO UPDATE SET agency_code = excluded.agency_code, name = excluded.name,
                 kind = excluded.kind
             WHERE (agency_code, name, kind) IS NOT (excluded.agency_code, excluded.name, excluded.kind)",
        )?
        .execute(params![u.code, u.agency_code, u.name, u.kind])?;
    Ok(n > 0)
}

/// Whether anything hangs on an agency: its units, child agencies, or communes (retired ones too, since the
/// dossiers filed under them keep pointing at the agency).
pub fn agency_in_use(conn: &Connection, code: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM units WHERE agency_code = ?1)
                 OR EXISTS(SELECT 1 FROM agencies WHERE parent_code = ?1)
                 OR EXISTS(SELECT 1 FROM communes WHERE agency_code = ?1)",
        )?
        .query_row([code], |r| r.get(0))?)
}

/// Whether a unit still has staff accounts, or a draft or published procedure version routes a workflow step to
/// it (retired versions keep the code as history, as for the code lists in `catalogue_refs`).
pub fn unit_in_use(conn: &Connection, code: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM staff WHERE unit_code = ?1)
                 OR EXISTS(SELECT 1 FROM procedure_versions v, json_each(v.body, '$.workflow') w
                           WHERE v.state <> 'retired' AND json_extract(w.value, '$.unit') = ?1)",
        )?
        .query_row([code], |r| r.get(0))?)
}

/// A foreign-key refusal on delete means something the checks above do not know about still refers to the row;
/// it is reported the same way, `org.in_use`, rather than as a storage failure.
fn in_use_on_foreign_key(e: rusqlite::Error) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY =>
        {
            StoreError::Conflict("org.in_use")
        }
        _ => e.into(),
    }
}

/// Deletes an agency; `NotFound` when there is none, `Conflict("org.in_use")` when a row still refers to it.
pub fn delete_agency(conn: &Connection, code: &str) -> Result<(), StoreError> {
    let n = conn
        .prepare_cached("DELETE FROM agencies WHERE code = ?1")?
        .execute([code])
        .map_err(in_use_on_foreign_key)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Deletes a unit; `NotFound` when there is none, `Conflict("org.in_use")` when a row still refers to it.
pub fn delete_unit(conn: &Connection, code: &str) -> Result<(), StoreError> {
    let n = conn
        .prepare_cached("DELETE FROM units WHERE code = ?1")?
        .execute([code])
        .map_err(in_use_on_foreign_key)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
