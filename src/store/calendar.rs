//! The admin-entered days of the working-day calendar (days off and make-up working days decided each year).

use rusqlite::{Connection, params};

use super::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarDay {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// `off` or `work`.
    pub kind: String,
    pub note: String,
}

pub fn list(conn: &Connection) -> Result<Vec<CalendarDay>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT day, kind, note FROM calendar_days ORDER BY day")?;
    let rows = stmt.query_map([], |r| {
        Ok(CalendarDay {
            day: r.get(0)?,
            kind: r.get(1)?,
            note: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn upsert(conn: &Connection, d: &CalendarDay) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO calendar_days(day, kind, note) VALUES (?1, ?2, ?3)
         ON CONFLICT(day) DO UPDATE SET kind = excluded.kind, note = excluded.note",
    )?
    .execute(params![d.day, d.kind, d.note])?;
    Ok(())
}

/// Removes a day's override; `NotFound` when there was none.
pub fn delete(conn: &Connection, day: &str) -> Result<(), StoreError> {
    match conn
        .prepare_cached("DELETE FROM calendar_days WHERE day = ?1")?
        .execute([day])?
    {
        0 => Err(StoreError::NotFound),
        _ => Ok(()),
    }
}
