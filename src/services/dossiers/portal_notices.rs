//! The portal's bell: a notice to the citizen account that owns a dossier whenever its public status changes or
//! the office writes to them, written in the transaction of the change itself.

use rusqlite::Connection;

use crate::domain::dossier::Status;
use crate::store::StoreError;
use crate::store::citizens::{self, notices};
use crate::store::dossiers::DossierRow;

/// The citizen account behind a dossier, when a citizen submitted it.
fn owner(conn: &Connection, row: &DossierRow) -> Result<Option<citizens::CitizenId>, StoreError> {
    let Some(public_ref) = row
        .owner_ref
        .as_deref()
        .and_then(|r| r.strip_prefix("citizen:"))
    else {
        return Ok(None);
    };
    Ok(citizens::find_by_ref(conn, public_ref)?.map(|a| a.id))
}

fn name(row: &DossierRow) -> &str {
    row.code.as_deref().unwrap_or(&row.procedure_name)
}

/// Tells the owner the dossier's status is now `row.status`.
pub fn on_status(conn: &Connection, row: &DossierRow, now: &str) -> Result<(), StoreError> {
    let Some(citizen) = owner(conn, row)? else {
        return Ok(());
    };
    let status = Status::from_code(row.status).map_or("", |s| s.name());
    let body = format!("Hồ sơ {}: {status}.", name(row));
    notices::insert(conn, citizen, row.id, row.status, &body, now)
}

/// Tells the owner the office wrote to them about the dossier.
pub fn on_message(conn: &Connection, row: &DossierRow, now: &str) -> Result<(), StoreError> {
    let Some(citizen) = owner(conn, row)? else {
        return Ok(());
    };
    let body = format!("Hồ sơ {}: cơ quan đã gửi tin nhắn cho Ông/Bà.", name(row));
    notices::insert(conn, citizen, row.id, row.status, &body, now)
}
