//! Staff accounts, their roles, and the counters behind sign-in lockout.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;
use crate::domain::ids::StaffId;
use crate::domain::role::Role;

/// A staff account as the services need it to decide sign-in and permissions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffAccount {
    pub id: StaffId,
    pub username: String,
    pub full_name: String,
    pub password_hash: String,
    pub unit_code: Option<String>,
    pub unit_name: Option<String>,
    pub roles: Vec<Role>,
    pub failed_logins: i64,
    pub locked_at: Option<String>,
    pub locked_until: Option<String>,
    pub must_change_password: bool,
    pub last_login_at: Option<String>,
}

pub struct NewStaff<'a> {
    pub username: &'a str,
    pub full_name: &'a str,
    pub password_hash: &'a str,
    pub unit_code: Option<&'a str>,
    pub roles: &'a [Role],
    pub must_change_password: bool,
    pub now: &'a str,
}

const SELECT: &str =
    "SELECT s.id, s.username, s.full_name, s.password_hash, s.unit_code, u.name, s.failed_logins,
        s.locked_at, s.locked_until, s.must_change_password, s.last_login_at,
        (SELECT group_concat(role) FROM staff_roles r WHERE r.staff_id = s.id)
    FROM staff s LEFT JOIN units u ON u.code = s.unit_code";

fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<StaffAccount> {
    let roles: Option<String> = r.get(11)?;
    let mut roles: Vec<Role> = roles
        .unwrap_or_default()
        .split(',')
        .filter_map(|s| Role::parse(s).ok())
        .collect();
    roles.sort();
    Ok(StaffAccount {
        id: StaffId(r.get(0)?),
        username: r.get(1)?,
        full_name: r.get(2)?,
        password_hash: r.get(3)?,
        unit_code: r.get(4)?,
        unit_name: r.get(5)?,
        failed_logins: r.get(6)?,
        locked_at: r.get(7)?,
        locked_until: r.get(8)?,
        must_change_password: r.get(9)?,
        last_login_at: r.get(10)?,
        roles,
    })
}

pub fn insert(conn: &Connection, s: &NewStaff<'_>) -> Result<StaffId, StoreError> {
    conn.prepare_cached(
        "INSERT INTO staff(username, full_name, password_hash, unit_code, must_change_password, created_at,
                           password_changed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
    )?
    .execute(params![s.username, s.full_name, s.password_hash, s.unit_code, s.must_change_password, s.now])?;
    let id = StaffId(conn.last_insert_rowid());
    set_roles(conn, id, s.roles)?;
    Ok(id)
}

pub fn set_roles(conn: &Connection, id: StaffId, roles: &[Role]) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM staff_roles WHERE staff_id = ?1")?
        .execute([id.0])?;
    let mut stmt =
        conn.prepare_cached("INSERT INTO staff_roles(staff_id, role) VALUES (?1, ?2)")?;
    for role in roles {
        stmt.execute(params![id.0, role.as_str()])?;
    }
    Ok(())
}

pub fn find_by_username(
    conn: &Connection,
    username: &str,
) -> Result<Option<StaffAccount>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE s.username = ?1"))?
        .query_row([username], read)
        .optional()?)
}

pub fn get(conn: &Connection, id: StaffId) -> Result<StaffAccount, StoreError> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE s.id = ?1"))?
        .query_row([id.0], read)?)
}

pub fn list(conn: &Connection) -> Result<Vec<StaffAccount>, StoreError> {
    let rows = conn
        .prepare_cached(&format!("{SELECT} ORDER BY s.unit_code, s.username"))?
        .query_map([], read)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub fn count(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("SELECT count(*) FROM staff", [], |r| r.get(0))?)
}

/// Records a failed sign-in and returns the new count of failures in a row.
pub fn record_failure(conn: &Connection, id: StaffId) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached("UPDATE staff SET failed_logins = failed_logins + 1 WHERE id = ?1 RETURNING failed_logins")?
        .query_row([id.0], |r| r.get(0))?)
}

/// Locks the account from `at`; `until` None means until an administrator unlocks it.
pub fn set_lock(
    conn: &Connection,
    id: StaffId,
    at: &str,
    until: Option<&str>,
) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE staff SET locked_at = ?2, locked_until = ?3 WHERE id = ?1")?
        .execute(params![id.0, at, until])?;
    Ok(())
}

pub fn clear_lock(conn: &Connection, id: StaffId) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE staff SET locked_at = NULL, locked_until = NULL, failed_logins = 0 WHERE id = ?1",
    )?
    .execute([id.0])?;
    Ok(())
}

pub fn record_login(conn: &Connection, id: StaffId, now: &str) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE staff SET failed_logins = 0, locked_at = NULL, locked_until = NULL, last_login_at = ?2 WHERE id = ?1",
    )?
    .execute(params![id.0, now])?;
    Ok(())
}

pub fn set_password(
    conn: &Connection,
    id: StaffId,
    hash: &str,
    must_change: bool,
    now: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE staff SET password_hash = ?2, must_change_password = ?3, password_changed_at = ?4 WHERE id = ?1",
    )?
    .execute(params![id.0, hash, must_change, now])?;
    Ok(())
}

/// Replaces a stored hash made at a lower cost, keeping the change date (the password itself did not change).
pub fn upgrade_hash(conn: &Connection, id: StaffId, hash: &str) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE staff SET password_hash = ?2 WHERE id = ?1")?
        .execute(params![id.0, hash])?;
    Ok(())
}
