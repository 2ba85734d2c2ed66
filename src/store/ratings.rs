//! Satisfaction ratings, one per dossier.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingRow {
    pub dossier_id: i64,
    pub overall: String,
    pub criteria: String,
    pub indices: String,
    pub comment: String,
    pub created_at: String,
    pub updated_at: String,
}

pub fn get(conn: &Connection, dossier_id: i64) -> Result<Option<RatingRow>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT dossier_id, overall, criteria, indices, comment, created_at, updated_at FROM ratings
             WHERE dossier_id = ?1",
        )?
        .query_row([dossier_id], |r| {
            Ok(RatingRow {
                dossier_id: r.get(0)?,
                overall: r.get(1)?,
                criteria: r.get(2)?,
                indices: r.get(3)?,
                comment: r.get(4)?,
                created_at: r.get(5)?,
                updated_at: r.get(6)?,
            })
        })
        .optional()?)
}

/// Records the rating, or replaces the earlier one of the same dossier (keeping when it was first given).
/// A rating as given; `criteria` and `indices` are JSON objects.
pub struct NewRating<'a> {
    pub dossier_id: i64,
    pub citizen_id: Option<i64>,
    pub overall: &'a str,
    pub criteria: &'a str,
    pub indices: &'a str,
    pub comment: &'a str,
}

pub fn upsert(conn: &Connection, r: &NewRating<'_>, now: &str) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO ratings(dossier_id, citizen_id, overall, criteria, indices, comment, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
         ON CONFLICT(dossier_id) DO UPDATE SET overall = excluded.overall, criteria = excluded.criteria,
             indices = excluded.indices, comment = excluded.comment, updated_at = excluded.updated_at",
    )?
    .execute(params![r.dossier_id, r.citizen_id, r.overall, r.criteria, r.indices, r.comment, now])?;
    Ok(())
}
