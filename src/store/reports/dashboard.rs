//! Store: the counts behind the leader's dashboard and the portal's public statistics, each one indexed pass over
//! the dossiers built from the shared conditions of [`super`], so a dashboard figure, a public figure and the
//! processing report of the same period can never disagree.
//!
//! The passes and the indexes they read (the benchmark over a million dossiers relies on these plans):
//! - [`list_received`]: `dossiers_by_received (agency_code, received_at)`, the agency taken from `agencies` through
//!   an `IN` list so the range on `received_at` is a seek per agency, not a scan;
//! - [`list_resolved`]: `dossiers_by_finished (finished_at)` over the period, plus one primary-key probe of
//!   `ratings` per dossier;
//! - [`list_unit_figures`]: the partial index `dossiers_active_by_unit` (active dossiers only);
//! - [`count_awaiting_receipt`]: the partial index `dossiers_active_by_status`.
//!
//! A unit head's figures add `d.unit_code = :unit` as a filter on the same pass rather than a different index:
//! the period is what makes a pass small, the unit only thins it.

use rusqlite::{Connection, named_params};

use crate::domain::calendar::OFFICE_OFFSET;
use crate::domain::rating::{CRITERIA, LEVELS};

use super::{
    IN_PROGRESS_AT_END, ONLINE, OVERDUE_AT_END, Period, RECEIVED_IN, RESOLVED_EARLY, RESOLVED_IN,
    RESOLVED_LATE, RESOLVED_ON_TIME,
};
use crate::store::StoreError;

/// Dossiers received in a period for one procedure through one channel (1 counter, 2 online, 3 post).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedGroup {
    pub procedure_code: String,
    pub channel: i64,
    pub received: i64,
}

/// Counts received dossiers per procedure and channel (the rows are few: procedures × 3), so the dashboard's
/// intake by channel and the portal's per-service figures come from the same grouping.
pub fn list_received(
    conn: &Connection,
    period: &Period,
    unit: Option<&str>,
) -> Result<Vec<ReceivedGroup>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT d.procedure_code, d.channel, count(*) FROM dossiers d
         WHERE d.agency_code IN (SELECT code FROM agencies) AND {RECEIVED_IN}
           AND (:unit IS NULL OR d.unit_code = :unit)
         GROUP BY d.procedure_code, d.channel"
    ))?;
    let rows = stmt.query_map(
        named_params! {":from": period.from, ":to": period.to, ":unit": unit},
        |r| {
            Ok(ReceivedGroup {
                procedure_code: r.get(0)?,
                channel: r.get(1)?,
                received: r.get(2)?,
            })
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Counts of the three rating levels, in the order of [`LEVELS`].
pub type LevelCounts = [i64; 3];

/// Dossiers resolved in one office-time month for one procedure: how they ended against the appointment, how
/// long they took, and how their applicants rated them.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedGroup {
    pub procedure_code: String,
    /// `YYYY-MM` in office time.
    pub month: String,
    pub resolved: i64,
    pub early: i64,
    pub on_time: i64,
    pub late: i64,
    pub online: i64,
    /// Online and resolved early or on the appointment day.
    pub online_in_time: i64,
    /// Dossiers with a receipt time, which the processing time is averaged over.
    pub timed: i64,
    /// Sum of the elapsed calendar days from receipt to decision over `timed` dossiers.
    pub days: f64,
    pub rated: i64,
    /// The overall rating.
    pub overall: LevelCounts,
    /// Each criterion of [`CRITERIA`] that was rated; zeros when the criteria were not asked for.
    pub criteria: [LevelCounts; 3],
}

impl ResolvedGroup {
    /// Early or on the appointment day: on time in Decision 766's sense.
    pub fn in_time(&self) -> i64 {
        self.early + self.on_time
    }
}

/// `sum(expr)` read as a count: a group whose rows all make `expr` NULL (no rating) sums to NULL.
fn count_of(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<i64> {
    Ok(r.get::<_, Option<i64>>(i)?.unwrap_or(0))
}

/// The SQL columns counting each level of the overall rating, then of each criterion (NULL columns in their
/// place without `criteria`: reading the JSON of every rating is a seventh of the pass, and the dashboard does not
/// show the criteria).
fn rating_columns(criteria: bool) -> String {
    let mut cols: Vec<String> = LEVELS
        .iter()
        .map(|(level, _)| format!("sum(t.overall = '{level}')"))
        .collect();
    for (key, _) in CRITERIA {
        for (level, _) in LEVELS {
            cols.push(if criteria {
                format!("sum(json_extract(t.criteria, '$.{key}') = '{level}')")
            } else {
                "NULL".to_owned()
            });
        }
    }
    cols.join(", ")
}

/// The SQLite date modifier that turns a stored UTC time into office time, so months split at office midnight
/// exactly as [`Period`] does.
fn office_shift() -> String {
    format!("{:+} hours", OFFICE_OFFSET.whole_hours())
}

/// Dossiers resolved in the period, per procedure and office-time month, in one pass over the finished index (a
/// caller wanting it sooner splits the period and runs the parts on several readers). The processing time is
/// elapsed calendar time from receipt (the code issued) to the decision, waiting for a supplement or a fee
/// included: what the applicant lived through, not the working days the statute counts.
pub fn list_resolved(
    conn: &Connection,
    period: &Period,
    unit: Option<&str>,
    criteria: bool,
) -> Result<Vec<ResolvedGroup>, StoreError> {
    let ratings = rating_columns(criteria);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT d.procedure_code, strftime('%Y-%m', d.finished_at, :shift) AS month,
            count(*), sum({RESOLVED_EARLY}), sum({RESOLVED_ON_TIME}), sum({RESOLVED_LATE}),
            sum({ONLINE}), sum({ONLINE} AND ({RESOLVED_EARLY} OR {RESOLVED_ON_TIME})),
            count(d.received_at), total(julianday(d.finished_at) - julianday(d.received_at)),
            count(t.overall), {ratings}
         FROM dossiers d LEFT JOIN ratings t ON t.dossier_id = d.id
         WHERE {RESOLVED_IN} AND (:unit IS NULL OR d.unit_code = :unit)
         GROUP BY d.procedure_code, month"
    ))?;
    let rows = stmt.query_map(
        named_params! {":from": period.from, ":to": period.to, ":unit": unit, ":shift": office_shift()},
        |r| {
            let level = |start: usize| -> rusqlite::Result<LevelCounts> {
                Ok([
                    count_of(r, start)?,
                    count_of(r, start + 1)?,
                    count_of(r, start + 2)?,
                ])
            };
            Ok(ResolvedGroup {
                procedure_code: r.get(0)?,
                month: r.get(1)?,
                resolved: r.get(2)?,
                early: count_of(r, 3)?,
                on_time: count_of(r, 4)?,
                late: count_of(r, 5)?,
                online: count_of(r, 6)?,
                online_in_time: count_of(r, 7)?,
                timed: r.get(8)?,
                days: r.get(9)?,
                rated: r.get(10)?,
                overall: level(11)?,
                criteria: [level(14)?, level(17)?, level(20)?],
            })
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One unit's dossiers in progress at `now`, with those past their appointment and those due before `soon`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitFigures {
    /// `None`: still at the one-stop section, not yet transferred to a unit.
    pub unit_code: Option<String>,
    pub in_progress: i64,
    pub due_soon: i64,
    pub overdue: i64,
}

/// Dossiers in progress per unit at `now` (received and not ended), overdue by the report's own condition, and due
/// soon: clock running, not yet overdue, appointment before `soon`. Only active dossiers can be in progress at
/// `now` (an inactive one has ended), so the pass reads the partial index of active dossiers.
pub fn list_unit_figures(
    conn: &Connection,
    now: &str,
    soon: &str,
    unit: Option<&str>,
) -> Result<Vec<UnitFigures>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT d.unit_code, count(*), sum({OVERDUE_AT_END}),
            sum(d.paused_at IS NULL AND d.due_at >= :to AND d.due_at < :soon)
         FROM dossiers d
         WHERE d.active = 1 AND {IN_PROGRESS_AT_END} AND (:unit IS NULL OR d.unit_code = :unit)
         GROUP BY d.unit_code ORDER BY d.unit_code"
    ))?;
    let rows = stmt.query_map(
        named_params! {":to": now, ":soon": soon, ":unit": unit},
        |r| {
            Ok(UnitFigures {
                unit_code: r.get(0)?,
                in_progress: r.get(1)?,
                overdue: count_of(r, 2)?,
                due_soon: count_of(r, 3)?,
            })
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Online submissions waiting for the one-stop officer's receipt ("Mới đăng ký"): the intake still to come.
pub fn count_awaiting_receipt(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM dossiers d WHERE d.active = 1 AND d.status = 1")?
        .query_row([], |r| r.get(0))?)
}

/// A published procedure offered online (toàn trình or một phần).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnlineService {
    pub code: String,
    pub name: String,
    /// `full` or `partial`.
    pub service_level: String,
}

/// The online services the portal's statistics are kept for (Circular 32/2017 Art. 11(3)), in catalogue order.
pub fn list_online_services(conn: &Connection) -> Result<Vec<OnlineService>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT procedure_code, name, service_level FROM procedure_versions
         WHERE state = 'published' AND service_level IN ('full', 'partial') ORDER BY sort_key, procedure_code",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(OnlineService {
            code: r.get(0)?,
            name: r.get(1)?,
            service_level: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A procedure's name and statutory processing time (`{amount, unit}` JSON), from its published version or else
/// its newest one: looked up for the few procedures a page lists rather than carried through a million-row pass.
pub fn find_procedure(
    conn: &Connection,
    code: &str,
) -> Result<Option<(String, Option<String>)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT name, json_extract(body, '$.processing_time') FROM procedure_versions
         WHERE procedure_code = ?1 ORDER BY state = 'published' DESC, version DESC LIMIT 1",
    )?;
    let mut rows = stmt.query([code])?;
    Ok(match rows.next()? {
        Some(r) => Some((r.get(0)?, r.get(1)?)),
        None => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_cut_at_office_midnight_as_periods_are() -> rusqlite::Result<()> {
        let conn = Connection::open_in_memory()?;
        let month = |at: &str| -> rusqlite::Result<String> {
            conn.query_row(
                "SELECT strftime('%Y-%m', ?1, ?2)",
                [at, &office_shift()],
                |r| r.get(0),
            )
        };
        let january = Period::new(
            time::macros::date!(2026 - 01 - 01),
            time::macros::date!(2026 - 01 - 31),
        );
        assert_eq!(month(&january.from)?, "2026-01");
        assert_eq!(month("2025-12-31T16:59:59.999Z")?, "2025-12");
        assert_eq!(month(&january.to)?, "2026-02");
        Ok(())
    }

    #[test]
    fn every_level_of_the_overall_rating_and_of_each_criterion_has_a_column() {
        assert_eq!(rating_columns(true).matches("sum(").count(), 3 + 3 * 3);
        assert_eq!(rating_columns(false).matches("NULL").count(), 3 * 3);
    }
}
