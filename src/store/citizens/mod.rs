//! Citizen accounts of the portal, the counters behind their sign-in lockout, and one-time password-reset links.

pub mod notices;
pub mod sessions;

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

/// The row id of a citizen account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CitizenId(pub i64);

/// A citizen account as the services need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenAccount {
    pub id: CitizenId,
    /// Names the account in `dossiers.owner_ref` (`citizen:<public_ref>`), so row ids never leave the server.
    pub public_ref: String,
    pub id_number: String,
    pub full_name: String,
    pub date_of_birth: Option<String>,
    pub phone: String,
    pub email: String,
    pub province_code: String,
    pub commune_code: String,
    pub address_detail: String,
    pub password_hash: String,
    pub oidc_subject: Option<String>,
    pub failed_logins: i64,
    pub locked_at: Option<String>,
    pub locked_until: Option<String>,
    pub last_login_at: Option<String>,
}

impl CitizenAccount {
    /// The value of `dossiers.owner_ref` for this account's dossiers.
    pub fn owner_ref(&self) -> String {
        format!("citizen:{}", self.public_ref)
    }
}

/// The profile columns a citizen can set.
pub struct ProfileRow<'a> {
    pub full_name: &'a str,
    pub date_of_birth: Option<&'a str>,
    pub phone: &'a str,
    pub email: &'a str,
    pub province_code: &'a str,
    pub commune_code: &'a str,
    pub address_detail: &'a str,
}

const SELECT: &str = "SELECT id, public_ref, id_number, full_name, date_of_birth, phone, email, province_code,
        commune_code, address_detail, password_hash, oidc_subject, failed_logins, locked_at, locked_until,
        last_login_at
    FROM citizens";

fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<CitizenAccount> {
    Ok(CitizenAccount {
        id: CitizenId(r.get(0)?),
        public_ref: r.get(1)?,
        id_number: r.get(2)?,
        full_name: r.get(3)?,
        date_of_birth: r.get(4)?,
        phone: r.get(5)?,
        email: r.get(6)?,
        province_code: r.get(7)?,
        commune_code: r.get(8)?,
        address_detail: r.get(9)?,
        password_hash: r.get(10)?,
        oidc_subject: r.get(11)?,
        failed_logins: r.get(12)?,
        locked_at: r.get(13)?,
        locked_until: r.get(14)?,
        last_login_at: r.get(15)?,
    })
}

/// Creates an account; the ID number is unique, so a second registration of the same person fails here.
pub fn insert(
    conn: &Connection,
    public_ref: &str,
    id_number: &str,
    p: &ProfileRow<'_>,
    password_hash: &str,
    oidc_subject: Option<&str>,
    now: &str,
) -> Result<CitizenId, StoreError> {
    conn.prepare_cached(
        "INSERT INTO citizens(public_ref, id_number, full_name, date_of_birth, phone, email, province_code,
                              commune_code, address_detail, password_hash, oidc_subject, created_at,
                              password_changed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
    )?
    .execute(params![
        public_ref,
        id_number,
        p.full_name,
        p.date_of_birth,
        p.phone,
        p.email,
        p.province_code,
        p.commune_code,
        p.address_detail,
        password_hash,
        oidc_subject,
        now
    ])?;
    Ok(CitizenId(conn.last_insert_rowid()))
}

pub fn update_profile(
    conn: &Connection,
    id: CitizenId,
    p: &ProfileRow<'_>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE citizens SET full_name = ?2, date_of_birth = ?3, phone = ?4, email = ?5, province_code = ?6,
                commune_code = ?7, address_detail = ?8
         WHERE id = ?1",
    )?
    .execute(params![
        id.0,
        p.full_name,
        p.date_of_birth,
        p.phone,
        p.email,
        p.province_code,
        p.commune_code,
        p.address_detail
    ])?;
    Ok(())
}

fn find_by(
    conn: &Connection,
    column: &str,
    value: &str,
) -> Result<Option<CitizenAccount>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE {column} = ?1"))?
        .query_row([value], read)
        .optional()?)
}

pub fn find_by_id_number(
    conn: &Connection,
    id_number: &str,
) -> Result<Option<CitizenAccount>, StoreError> {
    find_by(conn, "id_number", id_number)
}

pub fn find_by_ref(
    conn: &Connection,
    public_ref: &str,
) -> Result<Option<CitizenAccount>, StoreError> {
    find_by(conn, "public_ref", public_ref)
}

pub fn find_by_email(conn: &Connection, email: &str) -> Result<Option<CitizenAccount>, StoreError> {
    find_by(conn, "email", email)
}

pub fn find_by_oidc_subject(
    conn: &Connection,
    subject: &str,
) -> Result<Option<CitizenAccount>, StoreError> {
    find_by(conn, "oidc_subject", subject)
}

pub fn get(conn: &Connection, id: CitizenId) -> Result<CitizenAccount, StoreError> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE id = ?1"))?
        .query_row([id.0], read)?)
}

/// Links an existing account to an identity at the external provider.
pub fn link_oidc_subject(
    conn: &Connection,
    id: CitizenId,
    subject: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE citizens SET oidc_subject = ?2 WHERE id = ?1")?
        .execute(params![id.0, subject])?;
    Ok(())
}

/// Records a failed sign-in and returns the number of failures in a row.
pub fn record_failure(conn: &Connection, id: CitizenId) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached(
            "UPDATE citizens SET failed_logins = failed_logins + 1 WHERE id = ?1 RETURNING failed_logins",
        )?
        .query_row([id.0], |r| r.get(0))?)
}

pub fn set_lock(conn: &Connection, id: CitizenId, at: &str, until: &str) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE citizens SET locked_at = ?2, locked_until = ?3 WHERE id = ?1")?
        .execute(params![id.0, at, until])?;
    Ok(())
}

/// A successful sign-in: the failure count and any lock are cleared.
pub fn record_login(conn: &Connection, id: CitizenId, now: &str) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE citizens SET failed_logins = 0, locked_at = NULL, locked_until = NULL, last_login_at = ?2
         WHERE id = ?1",
    )?
    .execute(params![id.0, now])?;
    Ok(())
}

/// Sets a new password; a reset also clears a failure lock.
pub fn set_password(
    conn: &Connection,
    id: CitizenId,
    hash: &str,
    now: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE citizens SET password_hash = ?2, password_changed_at = ?3, failed_logins = 0, locked_at = NULL,
                locked_until = NULL
         WHERE id = ?1",
    )?
    .execute(params![id.0, hash, now])?;
    Ok(())
}

pub fn count(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("SELECT count(*) FROM citizens", [], |r| r.get(0))?)
}

/// Stores a password-reset link (hashed) valid until `expires_at`.
pub fn insert_reset(
    conn: &Connection,
    token_hash: &str,
    id: CitizenId,
    now: &str,
    expires_at: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO password_resets(token_hash, citizen_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![token_hash, id.0, now, expires_at])?;
    Ok(())
}

/// Takes a reset link: returns its account when it is unused and not expired at `now`, and marks it used.
pub fn take_reset(
    conn: &Connection,
    token_hash: &str,
    now: &str,
) -> Result<Option<CitizenId>, StoreError> {
    Ok(conn
        .prepare_cached(
            "UPDATE password_resets SET used_at = ?2
             WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2
             RETURNING citizen_id",
        )?
        .query_row(params![token_hash, now], |r| Ok(CitizenId(r.get(0)?)))
        .optional()?)
}

/// Whether a reset link could still be used at `now`, without using it (the form is shown first).
pub fn reset_usable(conn: &Connection, token_hash: &str, now: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM password_resets WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
        )?
        .query_row(params![token_hash, now], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Resets issued for an account since `since`, to cap how many links one address can be sent.
pub fn resets_since(conn: &Connection, id: CitizenId, since: &str) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM password_resets WHERE citizen_id = ?1 AND created_at >= ?2",
        )?
        .query_row(params![id.0, since], |r| r.get(0))?)
}
