//! Database health and copies: integrity and foreign-key checks, and consistent snapshots with `VACUUM INTO`.

use std::path::Path;

use rusqlite::Connection;

use super::StoreError;

/// `PRAGMA integrity_check`: `["ok"]` when the file is sound, otherwise SQLite's list of problems.
pub fn integrity_check(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// `PRAGMA foreign_key_check`: one line per row that points at a missing parent.
pub fn foreign_key_problems(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let rows = stmt
        .query_map([], |r| {
            let table: String = r.get(0)?;
            let rowid: Option<i64> = r.get(1)?;
            let parent: String = r.get(2)?;
            Ok(format!(
                "{table} row {} points at a missing {parent} row",
                rowid.unwrap_or_default()
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Writes a consistent, compacted copy of the live database to `dest` while other connections keep writing
/// (a read transaction sees one snapshot of the WAL).
pub fn vacuum_into(conn: &Connection, dest: &Path) -> Result<(), StoreError> {
    conn.execute("VACUUM INTO ?1", [dest.to_string_lossy()])?;
    Ok(())
}
