//! Runtime settings: office identity and the contact details the portal footer must show (Circular 32/2017 Art. 16).

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

/// The office as shown in every page's header and footer.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OfficeInfo {
    pub office_name: String,
    pub owner_agency: String,
    pub responsible_person: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub agency_code: String,
}

const KEYS: [&str; 7] = [
    "office_name",
    "owner_agency",
    "responsible_person",
    "address",
    "phone",
    "email",
    "agency_code",
];

pub fn get(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

pub fn set(conn: &Connection, key: &str, value: &str) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2")?
        .execute(params![key, value])?;
    Ok(())
}

pub fn get_office(conn: &Connection) -> Result<OfficeInfo, StoreError> {
    let mut values = KEYS
        .iter()
        .map(|k| get(conn, k).map(Option::unwrap_or_default));
    let mut next = || values.next().unwrap_or(Ok(String::new()));
    Ok(OfficeInfo {
        office_name: next()?,
        owner_agency: next()?,
        responsible_person: next()?,
        address: next()?,
        phone: next()?,
        email: next()?,
        agency_code: next()?,
    })
}

pub fn set_office(conn: &Connection, office: &OfficeInfo) -> Result<(), StoreError> {
    let values = [
        &office.office_name,
        &office.owner_agency,
        &office.responsible_person,
        &office.address,
        &office.phone,
        &office.email,
        &office.agency_code,
    ];
    for (key, value) in KEYS.iter().zip(values) {
        set(conn, key, value)?;
    }
    Ok(())
}
