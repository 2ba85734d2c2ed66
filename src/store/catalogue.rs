//! Shared e-catalogues keyed by code: sectors (lĩnh vực), document types (loại giấy tờ), fees and charges.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sector {
    pub code: String,
    pub name: String,
    #[serde(default, rename = "demo")]
    pub is_demo: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DocType {
    pub code: String,
    pub name: String,
    #[serde(default, rename = "demo")]
    pub is_demo: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Fee {
    pub code: String,
    pub name: String,
    pub amount_vnd: Option<i64>,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub legal_basis: String,
    #[serde(default, rename = "demo")]
    pub is_demo: bool,
}

/// Inserts or replaces by code; returns whether anything changed, so an identical re-import writes nothing.
pub fn upsert_sector(conn: &Connection, s: &Sector) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached(
            "INSERT INTO sectors(code, name, is_demo) VALUES (?1, ?2, ?3)
             ON CONFLICT(code) DO UPDATE SET name = excluded.name, is_demo = excluded.is_demo
             WHERE name IS NOT excluded.name OR is_demo IS NOT excluded.is_demo",
        )?
        .execute(params![s.code, s.name, s.is_demo])?;
    Ok(n > 0)
}

pub fn upsert_doc_type(conn: &Connection, d: &DocType) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached(
            "INSERT INTO doc_types(code, name, is_demo) VALUES (?1, ?2, ?3)
             ON CONFLICT(code) DO UPDATE SET name = excluded.name, is_demo = excluded.is_demo
             WHERE name IS NOT excluded.name OR is_demo IS NOT excluded.is_demo",
        )?
        .execute(params![d.code, d.name, d.is_demo])?;
    Ok(n > 0)
}

pub fn upsert_fee(conn: &Connection, f: &Fee) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached(
            "INSERT INTO fees(code, name, amount_vnd, note, legal_basis, is_demo) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(code) DO UPDATE SET name = excluded.name, amount_vnd = excluded.amount_vnd,
                 note = excluded.note, legal_basis = excluded.legal_basis, is_demo = excluded.is_demo
             WHERE name IS NOT excluded.name OR amount_vnd IS NOT excluded.amount_vnd OR note IS NOT excluded.note
                OR legal_basis IS NOT excluded.legal_basis OR is_demo IS NOT excluded.is_demo",
        )?
        .execute(params![
            f.code,
            f.name,
            f.amount_vnd,
            f.note,
            f.legal_basis,
            f.is_demo
        ])?;
    Ok(n > 0)
}

pub fn list_sectors(conn: &Connection) -> Result<Vec<Sector>, StoreError> {
    let rows = conn
        .prepare_cached("SELECT code, name, is_demo FROM sectors ORDER BY name COLLATE vi, code")?
        .query_map([], |r| {
            Ok(Sector {
                code: r.get(0)?,
                name: r.get(1)?,
                is_demo: r.get(2)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub fn get_sector(conn: &Connection, code: &str) -> Result<Option<Sector>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT code, name, is_demo FROM sectors WHERE code = ?1")?
        .query_row([code], |r| {
            Ok(Sector {
                code: r.get(0)?,
                name: r.get(1)?,
                is_demo: r.get(2)?,
            })
        })
        .optional()?)
}

pub fn list_doc_types(conn: &Connection) -> Result<Vec<DocType>, StoreError> {
    let rows = conn
        .prepare_cached("SELECT code, name, is_demo FROM doc_types ORDER BY name COLLATE vi, code")?
        .query_map([], |r| {
            Ok(DocType {
                code: r.get(0)?,
                name: r.get(1)?,
                is_demo: r.get(2)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub fn list_fees(conn: &Connection) -> Result<Vec<Fee>, StoreError> {
    let rows = conn
        .prepare_cached(
            "SELECT code, name, amount_vnd, note, legal_basis, is_demo FROM fees ORDER BY name COLLATE vi, code",
        )?
        .query_map([], |r| {
            Ok(Fee {
                code: r.get(0)?,
                name: r.get(1)?,
                amount_vnd: r.get(2)?,
                note: r.get(3)?,
                legal_basis: r.get(4)?,
                is_demo: r.get(5)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Whether a code exists in one of the three lists.
pub fn exists(conn: &Connection, table: CatalogueTable, code: &str) -> Result<bool, StoreError> {
    let sql = match table {
        CatalogueTable::Sectors => "SELECT EXISTS(SELECT 1 FROM sectors WHERE code = ?1)",
        CatalogueTable::DocTypes => "SELECT EXISTS(SELECT 1 FROM doc_types WHERE code = ?1)",
        CatalogueTable::Fees => "SELECT EXISTS(SELECT 1 FROM fees WHERE code = ?1)",
    };
    Ok(conn.prepare_cached(sql)?.query_row([code], |r| r.get(0))?)
}

/// How many procedure versions (any state) refer to a sector; a referenced sector cannot be deleted.
pub fn sector_in_use(conn: &Connection, code: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM procedure_versions WHERE sector_code = ?1)")?
        .query_row([code], |r| r.get(0))?)
}

/// Deletes a catalogue entry by code from one of the three tables; `NotFound` when absent.
pub fn delete_entry(
    conn: &Connection,
    table: CatalogueTable,
    code: &str,
) -> Result<(), StoreError> {
    let sql = match table {
        CatalogueTable::Sectors => "DELETE FROM sectors WHERE code = ?1",
        CatalogueTable::DocTypes => "DELETE FROM doc_types WHERE code = ?1",
        CatalogueTable::Fees => "DELETE FROM fees WHERE code = ?1",
    };
    match conn.prepare_cached(sql)?.execute([code])? {
        0 => Err(StoreError::NotFound),
        _ => Ok(()),
    }
}

/// The three code lists that share one editing flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogueTable {
    Sectors,
    DocTypes,
    Fees,
}
