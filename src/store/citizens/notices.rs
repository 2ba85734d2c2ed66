//! The portal's notifications to citizens (the bell): one row per status change of their dossiers.

use rusqlite::{Connection, params};

use super::CitizenId;
use crate::store::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalNotice {
    pub id: i64,
    pub dossier_id: i64,
    pub dossier_ref: String,
    pub status: i64,
    pub body: String,
    pub created_at: String,
    pub read: bool,
}

pub fn insert(
    conn: &Connection,
    citizen: CitizenId,
    dossier_id: i64,
    status: i64,
    body: &str,
    now: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO portal_notices(citizen_id, dossier_id, status, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![citizen.0, dossier_id, status, body, now])?;
    Ok(())
}

pub fn unread_count(conn: &Connection, citizen: CitizenId) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM portal_notices WHERE citizen_id = ?1 AND read_at IS NULL",
        )?
        .query_row([citizen.0], |r| r.get(0))?)
}

/// The newest notices first; the dossier is named by its code, or its public id before it has one.
pub fn recent(
    conn: &Connection,
    citizen: CitizenId,
    limit: i64,
) -> Result<Vec<PortalNotice>, StoreError> {
    let rows = conn
        .prepare_cached(
            "SELECT n.id, n.dossier_id, coalesce(d.code, d.public_id), n.status, n.body, n.created_at,
                    n.read_at IS NOT NULL
             FROM portal_notices n JOIN dossiers d ON d.id = n.dossier_id
             WHERE n.citizen_id = ?1 ORDER BY n.id DESC LIMIT ?2",
        )?
        .query_map(params![citizen.0, limit], |r| {
            Ok(PortalNotice {
                id: r.get(0)?,
                dossier_id: r.get(1)?,
                dossier_ref: r.get(2)?,
                status: r.get(3)?,
                body: r.get(4)?,
                created_at: r.get(5)?,
                read: r.get(6)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Marks every notice of the citizen read (opening the notification list), returning how many changed.
pub fn mark_all_read(
    conn: &Connection,
    citizen: CitizenId,
    now: &str,
) -> Result<usize, StoreError> {
    Ok(conn
        .prepare_cached(
            "UPDATE portal_notices SET read_at = ?2 WHERE citizen_id = ?1 AND read_at IS NULL",
        )?
        .execute(params![citizen.0, now])?)
}

/// Marks the notices about one dossier read (opening that dossier).
pub fn mark_dossier_read(
    conn: &Connection,
    citizen: CitizenId,
    dossier_id: i64,
    now: &str,
) -> Result<usize, StoreError> {
    Ok(conn
        .prepare_cached(
            "UPDATE portal_notices SET read_at = ?3 WHERE citizen_id = ?1 AND dossier_id = ?2 AND read_at IS NULL",
        )?
        .execute(params![citizen.0, dossier_id, now])?)
}

/// Unread notices of one citizen, about one dossier when given.
pub fn unread_about(
    conn: &Connection,
    citizen: CitizenId,
    dossier_id: Option<i64>,
) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM portal_notices
             WHERE citizen_id = ?1 AND read_at IS NULL AND (?2 IS NULL OR dossier_id = ?2)",
        )?
        .query_row(params![citizen.0, dossier_id], |r| r.get(0))?)
}
