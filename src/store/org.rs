//! Agencies, their units and the communes they serve.

use rusqlite::{Connection, params};

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

pub fn unit_exists(conn: &Connection, code: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM units WHERE code = ?1)")?
        .query_row([code], |r| r.get(0))?)
}

pub fn count_agencies(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("SELECT count(*) FROM agencies", [], |r| r.get(0))?)
}
