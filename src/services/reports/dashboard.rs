//! Services: the leader's dashboard (today's intake, the load per unit, the on-time rate of the last twelve months,
//! the slowest procedures, satisfaction) and the portal's public statistics (Circular 32/2017 Art. 11(3)), counted
//! live from the dossiers with the shared report conditions, so they match the processing report of the same
//! period. No figure is cached: a million dossiers are read through the indexes named in `store::reports::dashboard`.

use std::collections::BTreeMap;

use time::{Date, Month, OffsetDateTime};

use crate::domain::calendar::{from_local, to_local};
use crate::domain::catalogue::ProcessingTime;
use crate::domain::dossier::Actor;
use crate::store::reports::Period;
use crate::store::reports::dashboard::{
    self as figures, LevelCounts, OnlineService, ReceivedGroup, ResolvedGroup,
};
use crate::store::{Db, StoreError, format_time, org};

use super::{ReportScope, scope_of};
use crate::services::ServiceError;

/// How many procedures the "slowest" list shows.
pub const SLOWEST: usize = 10;

/// How many months the on-time trend covers, the current one included.
pub const MONTHS: usize = 12;

/// `part` of `whole` in per cent, or `None` when there is nothing to divide (shown as a dash, never as 0 %).
#[allow(clippy::cast_precision_loss)]
pub fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// Dossiers received on one day, by channel (Decision 766 `KenhThucHien`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intake {
    pub day: Date,
    pub counter: i64,
    pub online: i64,
    pub postal: i64,
    /// Online submissions not yet received by an officer; office-wide, so shown to the office scope only.
    pub awaiting_online: Option<i64>,
}

impl Intake {
    /// All channels together: the day's intake as the register counts it.
    pub fn total(&self) -> i64 {
        self.counter + self.online + self.postal
    }
}

/// One unit's dossiers in progress now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitLoad {
    pub unit_code: Option<String>,
    /// `None` while the dossiers are still at the one-stop section (not yet transferred).
    pub name: Option<String>,
    pub in_progress: i64,
    pub due_soon: i64,
    pub overdue: i64,
}

/// Dossiers resolved in one office-time month and how they ended against the appointment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthFigures {
    pub year: i32,
    pub month: u8,
    pub resolved: i64,
    pub early: i64,
    pub on_time: i64,
    /// Late, including those with more than one supplement request (Decision 766).
    pub late: i64,
}

impl MonthFigures {
    /// Decision 766's on-time rate: resolved no later than the appointment over all resolved; `None` for a month
    /// with nothing resolved.
    pub fn in_time_percent(&self) -> Option<f64> {
        percent(self.early + self.on_time, self.resolved)
    }
}

/// A procedure's average processing time over the dossiers resolved in the window.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcedureTime {
    pub code: String,
    pub name: String,
    pub resolved: i64,
    /// Mean elapsed calendar days from receipt to decision (see [`figures::list_resolved`]).
    pub average_days: f64,
    /// Resolved early or on time.
    pub in_time: i64,
    /// The statutory time of the published version ("05 ngày làm việc"), for comparison.
    pub statutory: Option<String>,
}

/// The applicants' ratings of dossiers resolved in a period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Satisfaction {
    pub rated: i64,
    /// Very satisfied, satisfied, unsatisfied (the order of `domain::rating::LEVELS`).
    pub overall: LevelCounts,
    /// The same three counts for each criterion of `domain::rating::CRITERIA` (a criterion may be left unrated).
    pub criteria: [LevelCounts; 3],
}

impl Satisfaction {
    fn add(&mut self, g: &ResolvedGroup) {
        self.rated += g.rated;
        add_levels(&mut self.overall, &g.overall);
        for (sum, part) in self.criteria.iter_mut().zip(&g.criteria) {
            add_levels(sum, part);
        }
    }
}

fn add_levels(sum: &mut LevelCounts, part: &LevelCounts) {
    for (s, p) in sum.iter_mut().zip(part) {
        *s += p;
    }
}

/// Everything on the leader's dashboard, for one scope.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    pub scope: ReportScope,
    pub intake: Intake,
    pub units: Vec<UnitLoad>,
    /// The window of the trend, the slowest procedures and satisfaction: from the first day of the month eleven
    /// months back to today.
    pub window: Period,
    /// Oldest first, [`MONTHS`] of them, months without resolved dossiers included.
    pub months: Vec<MonthFigures>,
    pub slowest: Vec<ProcedureTime>,
    pub satisfaction: Satisfaction,
}

/// Months since year 0 of the month of `day`.
fn month_index(day: Date) -> i32 {
    day.year() * 12 + i32::from(u8::from(day.month())) - 1
}

/// The first day of the month `back` months before the month of `day`.
fn month_start(day: Date, back: u32) -> Date {
    let index = month_index(day) - back as i32;
    let month = Month::try_from((index.rem_euclid(12) + 1) as u8).unwrap_or(Month::January);
    Date::from_calendar_date(index.div_euclid(12), month, 1).unwrap_or(day)
}

/// `first..=last` cut at the start of its middle month into two periods (one when it lies within a month). They
/// meet exactly: the first ends at the instant the second begins.
fn halves(first: Date, last: Date) -> Vec<Period> {
    let months = month_index(last) - month_index(first);
    if months <= 0 {
        return vec![Period::new(first, last)];
    }
    let middle = month_start(last, (months / 2) as u32);
    match middle.previous_day() {
        Some(end) if middle > first => vec![Period::new(first, end), Period::new(middle, last)],
        _ => vec![Period::new(first, last)],
    }
}

/// Dossiers resolved in `first..=last`, read as two halves on two reader connections at once: the pass over a year
/// of a million-dossier office is a third of a million rows, and the appliance has two cores.
async fn resolved_in(
    db: &Db,
    first: Date,
    last: Date,
    unit: Option<String>,
    criteria: bool,
) -> Result<Vec<ResolvedGroup>, ServiceError> {
    let mut parts = halves(first, last).into_iter();
    let part = |period: Option<Period>| {
        let unit = unit.clone();
        db.read(move |c| match period {
            Some(p) => figures::list_resolved(c, &p, unit.as_deref(), criteria),
            None => Ok(Vec::new()),
        })
    };
    let (early, late) = (part(parts.next()), part(parts.next()));
    let (mut groups, later): (Vec<ResolvedGroup>, Vec<ResolvedGroup>) =
        tokio::try_join!(early, late)?;
    groups.extend(later);
    Ok(groups)
}

fn unit_filter(scope: &ReportScope) -> Option<String> {
    match scope {
        ReportScope::Office => None,
        ReportScope::Unit(code) => Some(code.clone()),
    }
}

/// The dashboard as `actor` may see it: leaders and one-stop officers the whole office, a unit head their unit's
/// dossiers. Anyone else is refused. The twelve-month pass (in two halves) and the pass over today's and the active
/// dossiers run on reader connections at once.
pub async fn load(db: &Db, actor: &Actor, now: OffsetDateTime) -> Result<Dashboard, ServiceError> {
    let scope = scope_of(actor).ok_or(ServiceError::Forbidden)?;
    let unit = unit_filter(&scope);
    let today = to_local(now).date();
    let window = Period::new(month_start(today, MONTHS as u32 - 1), today);

    let trend = resolved_in(db, window.first, window.last, unit.clone(), false);
    let office_wide = scope == ReportScope::Office;
    let current = db.read(move |c| {
        let calendar = crate::services::calendar::load(c)?;
        let soon = from_local(calendar.add_working_days(to_local(now), 1));
        let received = figures::list_received(c, &Period::new(today, today), unit.as_deref())?;
        let awaiting = if office_wide {
            Some(figures::count_awaiting_receipt(c)?)
        } else {
            None
        };
        let load =
            figures::list_unit_figures(c, &format_time(now), &format_time(soon), unit.as_deref())?;
        Ok::<_, ServiceError>((received, awaiting, load, org::list_units(c)?))
    });
    let (groups, (received, awaiting, load, units)) = tokio::try_join!(trend, current)?;
    let mut slowest = slowest_of(&groups);
    let codes: Vec<String> = slowest.iter().map(|p| p.code.clone()).collect();
    let facts = db
        .read(move |c| {
            codes
                .iter()
                .map(|code| figures::find_procedure(c, code))
                .collect::<Result<Vec<_>, StoreError>>()
        })
        .await?;
    for (p, found) in slowest.iter_mut().zip(facts) {
        if let Some((name, time)) = found {
            p.name = name;
            p.statutory = time
                .and_then(|json| serde_json::from_str::<ProcessingTime>(&json).ok())
                .map(|t| t.label());
        }
    }

    let mut satisfaction = Satisfaction::default();
    for g in &groups {
        satisfaction.add(g);
    }
    let name_of = |code: &Option<String>| {
        code.as_ref()
            .and_then(|c| units.iter().find(|u| &u.code == c))
            .map(|u| u.name.clone())
    };
    Ok(Dashboard {
        intake: intake(today, &received, awaiting),
        units: load
            .into_iter()
            .map(|l| UnitLoad {
                name: name_of(&l.unit_code),
                unit_code: l.unit_code,
                in_progress: l.in_progress,
                due_soon: l.due_soon,
                overdue: l.overdue,
            })
            .collect(),
        months: months(today, &groups),
        window,
        slowest,
        satisfaction,
        scope,
    })
}

fn intake(day: Date, received: &[ReceivedGroup], awaiting_online: Option<i64>) -> Intake {
    let on = |channel: i64| {
        received
            .iter()
            .filter(|g| g.channel == channel)
            .map(|g| g.received)
            .sum()
    };
    Intake {
        day,
        counter: on(1),
        online: on(2),
        postal: on(3),
        awaiting_online,
    }
}

/// The last [`MONTHS`] months ending with the month of `today`, each with its resolved dossiers.
fn months(today: Date, groups: &[ResolvedGroup]) -> Vec<MonthFigures> {
    (0..MONTHS as u32)
        .rev()
        .map(|back| {
            let first = month_start(today, back);
            let key = format!("{:04}-{:02}", first.year(), u8::from(first.month()));
            let mut m = MonthFigures {
                year: first.year(),
                month: u8::from(first.month()),
                resolved: 0,
                early: 0,
                on_time: 0,
                late: 0,
            };
            for g in groups.iter().filter(|g| g.month == key) {
                m.resolved += g.resolved;
                m.early += g.early;
                m.on_time += g.on_time;
                m.late += g.late;
            }
            m
        })
        .collect()
}

/// The [`SLOWEST`] procedures by mean processing time, slowest first (ties: more dossiers first, then code); named
/// by their code until the caller looks the names up.
fn slowest_of(groups: &[ResolvedGroup]) -> Vec<ProcedureTime> {
    let mut per: BTreeMap<&str, (ProcedureTime, i64, f64)> = BTreeMap::new();
    for g in groups {
        let entry = per.entry(&g.procedure_code).or_insert_with(|| {
            (
                ProcedureTime {
                    code: g.procedure_code.clone(),
                    name: g.procedure_code.clone(),
                    resolved: 0,
                    average_days: 0.0,
                    in_time: 0,
                    statutory: None,
                },
                0,
                0.0,
            )
        });
        entry.0.resolved += g.resolved;
        entry.0.in_time += g.in_time();
        entry.1 += g.timed;
        entry.2 += g.days;
    }
    #[allow(clippy::cast_precision_loss)]
    let mut all: Vec<ProcedureTime> = per
        .into_values()
        .filter(|(_, timed, _)| *timed > 0)
        .map(|(mut p, timed, days)| {
            p.average_days = days / timed as f64;
            p
        })
        .collect();
    all.sort_by(|a, b| {
        b.average_days
            .total_cmp(&a.average_days)
            .then(b.resolved.cmp(&a.resolved))
            .then(a.code.cmp(&b.code))
    });
    all.truncate(SLOWEST);
    all
}

/// One online service's figures from 1 January to date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceFigures {
    pub code: String,
    pub name: String,
    /// `full` (toàn trình) or `partial` (một phần).
    pub service_level: String,
    pub received_online: i64,
    /// Received through every channel: online, at the counter and by post.
    pub received_total: i64,
    pub resolved_online: i64,
    /// Online dossiers resolved early or on time.
    pub resolved_online_in_time: i64,
}

impl ServiceFigures {
    /// The share of online dossiers resolved on time that Art. 11(3) asks for; `None` before any was resolved.
    pub fn in_time_percent(&self) -> Option<f64> {
        percent(self.resolved_online_in_time, self.resolved_online)
    }
}

/// The portal's statistics (portal function h): per online service and in total, from 1 January of the current
/// year (office time) to today, and the ratings of every dossier resolved in that time.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicStatistics {
    pub period: Period,
    pub services: Vec<ServiceFigures>,
    /// The sums over `services`.
    pub total: ServiceFigures,
    pub satisfaction: Satisfaction,
}

/// Counts the public statistics as of `now`. Only counts leave the store: no name, number or code of a dossier.
pub async fn public_statistics(
    db: &Db,
    now: OffsetDateTime,
) -> Result<PublicStatistics, ServiceError> {
    let today = to_local(now).date();
    let first = Date::from_calendar_date(today.year(), Month::January, 1).unwrap_or(today);
    let period = Period::new(first, today);
    let p = period.clone();
    let received = db.read(move |c| {
        Ok::<_, ServiceError>((
            figures::list_online_services(c)?,
            figures::list_received(c, &p, None)?,
        ))
    });
    let resolved = resolved_in(db, period.first, period.last, None, true);
    let ((services, received), resolved) = tokio::try_join!(received, resolved)?;

    let mut satisfaction = Satisfaction::default();
    for g in &resolved {
        satisfaction.add(g);
    }
    let services: Vec<ServiceFigures> = services
        .into_iter()
        .map(|s| service_figures(s, &received, &resolved))
        .collect();
    let mut total = ServiceFigures {
        code: String::new(),
        name: "Tổng cộng".to_owned(),
        service_level: String::new(),
        received_online: 0,
        received_total: 0,
        resolved_online: 0,
        resolved_online_in_time: 0,
    };
    for s in &services {
        total.received_online += s.received_online;
        total.received_total += s.received_total;
        total.resolved_online += s.resolved_online;
        total.resolved_online_in_time += s.resolved_online_in_time;
    }
    Ok(PublicStatistics {
        period,
        services,
        total,
        satisfaction,
    })
}

fn service_figures(
    s: OnlineService,
    received: &[ReceivedGroup],
    resolved: &[ResolvedGroup],
) -> ServiceFigures {
    let mine = received.iter().filter(|g| g.procedure_code == s.code);
    let (received_online, received_total) = mine.fold((0, 0), |(online, all), g| {
        (
            online + if g.channel == 2 { g.received } else { 0 },
            all + g.received,
        )
    });
    let (resolved_online, resolved_online_in_time) = resolved
        .iter()
        .filter(|g| g.procedure_code == s.code)
        .fold((0, 0), |(n, t), g| (n + g.online, t + g.online_in_time));
    ServiceFigures {
        code: s.code,
        name: s.name,
        service_level: s.service_level,
        received_online,
        received_total,
        resolved_online,
        resolved_online_in_time,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_trend_starts_on_the_first_of_the_month_eleven_months_back_across_a_year_end() {
        assert_eq!(
            month_start(date!(2026 - 03 - 17), 11),
            date!(2025 - 04 - 01)
        );
        assert_eq!(
            month_start(date!(2026 - 12 - 31), 11),
            date!(2026 - 01 - 01)
        );
        assert_eq!(month_start(date!(2026 - 01 - 05), 0), date!(2026 - 01 - 01));
        assert_eq!(month_start(date!(2026 - 01 - 05), 1), date!(2025 - 12 - 01));
    }

    #[test]
    fn a_long_period_is_read_in_two_halves_that_meet_exactly() {
        let parts = halves(date!(2025 - 12 - 01), date!(2026 - 11 - 30));
        assert_eq!(parts.len(), 2);
        assert_eq!(
            (parts[0].first, parts[0].last, parts[1].first, parts[1].last),
            (
                date!(2025 - 12 - 01),
                date!(2026 - 05 - 31),
                date!(2026 - 06 - 01),
                date!(2026 - 11 - 30)
            )
        );
        assert_eq!(parts[0].to, parts[1].from);
        assert_eq!(
            halves(date!(2026 - 01 - 01), date!(2026 - 02 - 10)).len(),
            2
        );
        assert_eq!(
            halves(date!(2026 - 01 - 01), date!(2026 - 01 - 10)).len(),
            1
        );
    }

    fn group(code: &str, month: &str, resolved: i64, early: i64, days: f64) -> ResolvedGroup {
        ResolvedGroup {
            procedure_code: code.into(),
            month: month.into(),
            resolved,
            early,
            on_time: 0,
            late: resolved - early,
            online: 0,
            online_in_time: 0,
            timed: resolved,
            days,
            rated: 0,
            overall: [0; 3],
            criteria: [[0; 3]; 3],
        }
    }

    #[test]
    fn months_without_resolved_dossiers_are_kept_and_have_no_rate() {
        let groups = [
            group("A", "2026-02", 3, 1, 3.0),
            group("B", "2026-02", 1, 1, 1.0),
        ];
        let m = months(date!(2026 - 03 - 10), &groups);
        assert_eq!(m.len(), MONTHS);
        assert_eq!((m[0].year, m[0].month), (2025, 4));
        let feb = &m[10];
        assert_eq!((feb.month, feb.resolved, feb.early, feb.late), (2, 4, 2, 2));
        assert_eq!(feb.in_time_percent(), Some(50.0));
        assert_eq!(m[11].in_time_percent(), None);
    }

    #[test]
    fn the_slowest_procedure_is_the_one_with_the_longest_mean_over_all_its_months() {
        let groups = [
            group("A", "2026-01", 2, 2, 4.0),
            group("A", "2026-02", 2, 2, 16.0),
            group("B", "2026-02", 1, 0, 6.0),
        ];
        let s = slowest_of(&groups);
        assert_eq!(
            s.iter()
                .map(|p| (p.code.as_str(), p.average_days))
                .collect::<Vec<_>>(),
            [("B", 6.0), ("A", 5.0)]
        );
        assert_eq!((s[1].resolved, s[1].in_time), (4, 4));
    }
}
