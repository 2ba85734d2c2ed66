//! Store layer for the administrative-unit e-catalogue: the national list of provinces, districts and communes in
//! each era (`2025-03` before the two-tier reform, `2025-07` after it), the merge mapping between the two, and the
//! office's own communes as they move from one era to the other.

use rusqlite::{Connection, params};

use super::StoreError;
use super::org::Commune;
use super::settings;

/// The setting that records which era the office's communes are in, so a second move can be refused.
pub const OFFICE_ERA_KEY: &str = "admin_units_era";

/// An edition of the national list. Codes are reused across editions for different places, so every lookup
/// names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Era {
    /// Three levels, as in force on 01/03/2025.
    Mar2025,
    /// Provinces and communes only, from 01/07/2025.
    Jul2025,
}

impl Era {
    pub const ALL: [Era; 2] = [Era::Mar2025, Era::Jul2025];

    pub fn as_str(self) -> &'static str {
        match self {
            Era::Mar2025 => "2025-03",
            Era::Jul2025 => "2025-07",
        }
    }

    /// Parses the text stored in the database and used in URLs and files.
    pub fn parse(raw: &str) -> Option<Era> {
        Era::ALL.into_iter().find(|e| e.as_str() == raw.trim())
    }

    /// Whether units of `level` exist in this era: districts were abolished on 01/07/2025.
    pub fn has_level(self, level: &str) -> bool {
        match level {
            "province" | "commune" => true,
            "district" => self == Era::Mar2025,
            _ => false,
        }
    }

    /// The level a unit of `level` hangs under in this era (`None` for provinces, the top).
    pub fn parent_level(self, level: &str) -> Option<&'static str> {
        match (self, level) {
            (Era::Mar2025, "commune") => Some("district"),
            (_, "commune") | (Era::Mar2025, "district") => Some("province"),
            _ => None,
        }
    }
}

/// One unit of the national list, in the column order of the CSV/JSON import and export files.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AdminUnit {
    pub era: String,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub level: String,
    pub parent_code: Option<String>,
}

/// One row of the 2025 merge mapping: the 2025-07 unit `new_code` took over (all or part of) 2025-03 `old_code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merge {
    pub level: String,
    pub new_code: String,
    pub old_code: String,
    pub coverage: String,
}

const UNIT_COLUMNS: &str = "era, code, name, kind, level, parent_code";

fn unit_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AdminUnit> {
    Ok(AdminUnit {
        era: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        kind: r.get(3)?,
        level: r.get(4)?,
        parent_code: r.get(5)?,
    })
}

fn merge_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Merge> {
    Ok(Merge {
        level: r.get(0)?,
        new_code: r.get(1)?,
        old_code: r.get(2)?,
        coverage: r.get(3)?,
    })
}

fn units(
    conn: &Connection,
    sql: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<AdminUnit>, StoreError> {
    Ok(conn
        .prepare_cached(sql)?
        .query_map(args, unit_from_row)?
        .collect::<Result<Vec<_>, _>>()?)
}

pub fn insert(conn: &Connection, u: &AdminUnit) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO admin_units(era, code, name, kind, level, parent_code) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![u.era, u.code, u.name, u.kind, u.level, u.parent_code])?;
    Ok(())
}

/// Inserts a unit or replaces the one with the same era and code; an import is a list of corrections as much as
/// of additions.
pub fn upsert(conn: &Connection, u: &AdminUnit) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO admin_units(era, code, name, kind, level, parent_code) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(era, code) DO UPDATE SET name = excluded.name, kind = excluded.kind,
             level = excluded.level, parent_code = excluded.parent_code",
    )?
    .execute(params![u.era, u.code, u.name, u.kind, u.level, u.parent_code])?;
    Ok(())
}

pub fn insert_merge(conn: &Connection, m: &Merge) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO admin_unit_merges(level, new_code, old_code, coverage) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![m.level, m.new_code, m.old_code, m.coverage])?;
    Ok(())
}

/// A unit by era and code; `NotFound` when the era has no such code.
pub fn get(conn: &Connection, era: Era, code: &str) -> Result<AdminUnit, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {UNIT_COLUMNS} FROM admin_units WHERE era = ?1 AND code = ?2"
        ))?
        .query_row(params![era.as_str(), code], unit_from_row)?)
}

/// The top of the tree of one era, in code order (the statistics office's north-to-south order).
pub fn provinces(conn: &Connection, era: Era) -> Result<Vec<AdminUnit>, StoreError> {
    units(
        conn,
        &format!(
            "SELECT {UNIT_COLUMNS} FROM admin_units WHERE era = ?1 AND level = 'province' ORDER BY code"
        ),
        params![era.as_str()],
    )
}

/// The units directly under `parent_code` in one era.
pub fn children(
    conn: &Connection,
    era: Era,
    parent_code: &str,
) -> Result<Vec<AdminUnit>, StoreError> {
    units(
        conn,
        &format!(
            "SELECT {UNIT_COLUMNS} FROM admin_units WHERE era = ?1 AND parent_code = ?2 ORDER BY code"
        ),
        params![era.as_str(), parent_code],
    )
}

/// Every unit of one era, provinces first, then districts, then communes, so an exported file reads top-down.
pub fn list_era(conn: &Connection, era: Era) -> Result<Vec<AdminUnit>, StoreError> {
    units(
        conn,
        &format!(
            "SELECT {UNIT_COLUMNS} FROM admin_units WHERE era = ?1
             ORDER BY CASE level WHEN 'province' THEN 0 WHEN 'district' THEN 1 ELSE 2 END, code"
        ),
        params![era.as_str()],
    )
}

/// The 2025-03 units a 2025-07 unit was formed from.
pub fn merges_into(
    conn: &Connection,
    level: &str,
    new_code: &str,
) -> Result<Vec<Merge>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT level, new_code, old_code, coverage FROM admin_unit_merges
             WHERE level = ?1 AND new_code = ?2 ORDER BY old_code",
        )?
        .query_map(params![level, new_code], merge_from_row)?
        .collect::<Result<Vec<_>, _>>()?)
}

/// The 2025-07 units that took over a 2025-03 unit: one `full` row, or several `partial` ones when it was split.
pub fn merges_from(
    conn: &Connection,
    level: &str,
    old_code: &str,
) -> Result<Vec<Merge>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT level, new_code, old_code, coverage FROM admin_unit_merges
             WHERE level = ?1 AND old_code = ?2 ORDER BY new_code",
        )?
        .query_map(params![level, old_code], merge_from_row)?
        .collect::<Result<Vec<_>, _>>()?)
}

/// Units of one era at one level (`None`: every level).
pub fn count(conn: &Connection, era: Era, level: Option<&str>) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM admin_units WHERE era = ?1 AND (?2 IS NULL OR level = ?2)",
        )?
        .query_row(params![era.as_str(), level], |r| r.get(0))?)
}

/// Units of every era; zero means the default catalogue has not been loaded yet.
pub fn count_all(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("SELECT count(*) FROM admin_units", [], |r| r.get(0))?)
}

pub fn count_merges(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("SELECT count(*) FROM admin_unit_merges", [], |r| r.get(0))?)
}

/// The era the office's communes are in. Offices start in 2025-03 (the list their dossiers were filed under)
/// until an administrator moves them.
pub fn office_era(conn: &Connection) -> Result<Era, StoreError> {
    Ok(settings::get(conn, OFFICE_ERA_KEY)?
        .as_deref()
        .and_then(Era::parse)
        .unwrap_or(Era::Mar2025))
}

pub fn set_office_era(conn: &Connection, era: Era) -> Result<(), StoreError> {
    settings::set(conn, OFFICE_ERA_KEY, era.as_str())
}

/// Marks an office commune as no longer served. The row stays: dossiers keep the unit they were filed with.
pub fn retire_commune(conn: &Connection, era: Era, code: &str, at: &str) -> Result<(), StoreError> {
    let changed = conn
        .prepare_cached(
            "UPDATE communes SET retired_at = ?3 WHERE era = ?1 AND code = ?2 AND retired_at IS NULL",
        )?
        .execute(params![era.as_str(), code, at])?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Adds a commune the office serves, or brings a retired one back; returns false when it was already served.
pub fn serve_commune(conn: &Connection, c: &Commune) -> Result<bool, StoreError> {
    let changed = conn
        .prepare_cached(
            "INSERT INTO communes(era, code, name, agency_code) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(era, code) DO UPDATE SET retired_at = NULL, agency_code = excluded.agency_code
             WHERE retired_at IS NOT NULL",
        )?
        .execute(params![c.era, c.code, c.name, c.agency_code])?;
    Ok(changed > 0)
}

/// A 2025-07 commune that took over (all or part of) an office commune.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveCandidate {
    pub code: String,
    pub name: String,
    /// `full`: the whole old commune went into this one, so it is proposed without asking.
    pub full: bool,
}

/// One commune the office serves today and where it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveRow {
    pub old: Commune,
    pub candidates: Vec<MoveCandidate>,
}

impl MoveRow {
    /// A split commune: a person must say which of the new communes the office now serves.
    pub fn needs_confirmation(&self) -> bool {
        !self.candidates.iter().any(|c| c.full) && !self.candidates.is_empty()
    }
}

/// What moving the office to the 2025-07 units would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovePlan {
    pub office_era: Era,
    pub rows: Vec<MoveRow>,
}

/// For every active 2025-03 office commune, the 2025-07 communes that took it over, from the merge mapping.
pub fn plan_move(conn: &Connection) -> Result<MovePlan, StoreError> {
    let mut rows = Vec::new();
    for old in super::org::list_communes(conn)?
        .into_iter()
        .filter(|c| c.era == Era::Mar2025.as_str())
    {
        let mut candidates = Vec::new();
        for m in merges_from(conn, "commune", &old.code)? {
            match get(conn, Era::Jul2025, &m.new_code) {
                Ok(u) => candidates.push(MoveCandidate {
                    code: u.code,
                    name: u.name,
                    full: m.coverage == "full",
                }),
                Err(StoreError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        rows.push(MoveRow { old, candidates });
    }
    Ok(MovePlan {
        office_era: office_era(conn)?,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Result<(tempfile::TempDir, Connection), StoreError> {
        let dir = tempfile::tempdir().map_err(|_| StoreError::NotFound)?;
        let mut conn = super::super::open_writer(&dir.path().join("t.db"))?;
        super::super::migrate::run(&mut conn)?;
        Ok((dir, conn))
    }

    fn unit(era: Era, code: &str, level: &str, parent: Option<&str>) -> AdminUnit {
        AdminUnit {
            era: era.as_str().into(),
            code: code.into(),
            name: format!("Đơn vị {code}"),
            kind: "Xã".into(),
            level: level.into(),
            parent_code: parent.map(Into::into),
        }
    }

    #[test]
    fn the_same_code_in_two_eras_is_two_places() -> Result<(), StoreError> {
        let (_dir, conn) = db()?;
        insert(&conn, &unit(Era::Mar2025, "24", "province", None))?;
        insert(&conn, &unit(Era::Jul2025, "24", "province", None))?;
        insert(&conn, &unit(Era::Mar2025, "260", "district", Some("24")))?;
        insert(&conn, &unit(Era::Mar2025, "09319", "commune", Some("260")))?;
        assert_eq!(provinces(&conn, Era::Jul2025)?.len(), 1);
        assert_eq!(children(&conn, Era::Mar2025, "260")?[0].code, "09319");
        assert!(children(&conn, Era::Jul2025, "24")?.is_empty());
        assert!(matches!(
            get(&conn, Era::Jul2025, "260"),
            Err(StoreError::NotFound)
        ));
        assert_eq!(count(&conn, Era::Mar2025, None)?, 3);
        Ok(())
    }

    #[test]
    fn an_office_without_the_setting_is_in_the_2025_03_era() -> Result<(), StoreError> {
        let (_dir, conn) = db()?;
        assert_eq!(office_era(&conn)?, Era::Mar2025);
        set_office_era(&conn, Era::Jul2025)?;
        assert_eq!(office_era(&conn)?, Era::Jul2025);
        Ok(())
    }
}
