//! Domain layer: the working-day calendar that statutory deadlines (Decree 61/2018) are counted in.
//!
//! Processing times are promised in working days and hours, so a deadline is found by walking office
//! periods and skipping weekends, public holidays (Labour Code 2019 Art. 112, lunar ones included),
//! compensatory days off (Art. 111(3)) and the Prime Minister's yearly swaps, which admins enter as
//! overrides. Everything here is office-local wall-clock time (UTC+7, no daylight saving) so that "17:00"
//! means the end of the afternoon in every test and every office.

use std::collections::BTreeMap;
use std::fmt;

use time::macros::{offset, time};
use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use super::catalogue::HOURS_PER_WORKING_DAY;
use super::holiday::is_weekend;

/// Re-exported so callers keep naming the holidays through the calendar they belong to.
pub use super::holiday::{Holiday, statutory_holidays};

/// Việt Nam has used UTC+7 without daylight saving since 1975, so one fixed offset converts stored instants.
pub const OFFICE_OFFSET: UtcOffset = offset!(+7);

/// How far a search for a working day looks before giving up: ten years of days off is a broken calendar.
const MAX_SCAN_DAYS: u32 = 3660;

/// Name shown for a day off that comes from an admin override rather than from the Labour Code.
const OVERRIDE_OFF_NAME: &str = "Ngày nghỉ theo quyết định";

/// Instants are stored in UTC; rules about "15:00" and "17:00" are about the office's wall clock.
pub fn to_local(t: OffsetDateTime) -> PrimitiveDateTime {
    let local = t.checked_to_offset(OFFICE_OFFSET).unwrap_or(t);
    PrimitiveDateTime::new(local.date(), local.time())
}

/// The instant of an office wall-clock time, to store a computed deadline.
pub fn from_local(t: PrimitiveDateTime) -> OffsetDateTime {
    t.assume_offset(OFFICE_OFFSET)
}

/// An admin's decision for one day; it beats every computed rule because the PM's yearly decision does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DayOverride {
    /// An extra day off (a swapped day, or a bridge day granted by decision).
    Off,
    /// A working day on a weekend or holiday (the make-up Saturday of a swap).
    Work,
}

impl DayOverride {
    /// The stable spelling stored in the database and sent by forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Work => "work",
        }
    }

    /// Reads [`DayOverride::as_str`] back; anything else is `day_override.invalid`.
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        match text.trim() {
            "off" => Ok(Self::Off),
            "work" => Ok(Self::Work),
            _ => Err("day_override.invalid"),
        }
    }
}

/// What a day is and why, so a calendar page can colour it and explain it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum DayKind {
    Working,
    Weekend,
    /// A statutory holiday or compensatory day; the name is the holiday's.
    Holiday(&'static str),
    /// A weekday made a day off by an override.
    Off,
    /// A weekend day or holiday made a working day by an override.
    MadeUpWorkday,
}

impl DayKind {
    /// Whether deadlines count this day.
    pub fn is_working(self) -> bool {
        matches!(self, Self::Working | Self::MadeUpWorkday)
    }
}

/// The office's daily opening periods. Deadlines only run while the office is open, so lunch breaks and
/// nights do not count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeHours {
    periods: Vec<(Time, Time)>,
}

impl Default for OfficeHours {
    /// 07:30–11:30 and 13:00–17:00: eight hours, the working day of [`HOURS_PER_WORKING_DAY`].
    fn default() -> Self {
        Self {
            periods: vec![(time!(07:30), time!(11:30)), (time!(13:00), time!(17:00))],
        }
    }
}

impl OfficeHours {
    /// Periods must be non-empty, each start before its end, and in order without overlap, so that the
    /// walk in [`WorkCalendar::add_working_minutes`] never counts a minute twice.
    pub fn new(periods: Vec<(Time, Time)>) -> Result<Self, &'static str> {
        let ordered = periods.iter().all(|(start, end)| start < end)
            && periods.windows(2).all(|pair| pair[0].1 <= pair[1].0);
        if periods.is_empty() || !ordered {
            return Err("office_hours.invalid");
        }
        Ok(Self { periods })
    }

    /// Reads the settings form's text, e.g. `07:30-11:30,13:00-17:00`.
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let period = |part: &str| -> Option<(Time, Time)> {
            let (start, end) = part.split_once('-')?;
            Some((parse_clock(start)?, parse_clock(end)?))
        };
        let periods = text
            .split(',')
            .map(period)
            .collect::<Option<Vec<_>>>()
            .ok_or("office_hours.invalid")?;
        Self::new(periods)
    }

    pub fn periods(&self) -> &[(Time, Time)] {
        &self.periods
    }

    /// Open time per working day, for showing "8 giờ/ngày" beside the settings.
    pub fn minutes_per_day(&self) -> i64 {
        self.seconds_per_day() / 60
    }

    fn seconds_per_day(&self) -> i64 {
        self.periods
            .iter()
            .map(|(start, end)| (*end - *start).whole_seconds())
            .sum()
    }

    fn first_start(&self) -> Time {
        self.periods.first().map_or(Time::MIDNIGHT, |p| p.0)
    }

    fn last_end(&self) -> Time {
        self.periods.last().map_or(Time::MIDNIGHT, |p| p.1)
    }
}

impl fmt::Display for OfficeHours {
    /// The same text [`OfficeHours::parse`] reads, so settings round-trip.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (start, end)) in self.periods.iter().enumerate() {
            let sep = if i == 0 { "" } else { "," };
            write!(
                f,
                "{sep}{:02}:{:02}-{:02}:{:02}",
                start.hour(),
                start.minute(),
                end.hour(),
                end.minute()
            )?;
        }
        Ok(())
    }
}

/// `HH:MM` on a 24-hour clock.
fn parse_clock(text: &str) -> Option<Time> {
    let (hour, minute) = text.trim().split_once(':')?;
    let digits = |s: &str, max_len| {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u8>().ok())
            .flatten()
    };
    if minute.len() != 2 {
        return None;
    }
    Time::from_hms(digits(hour, 2)?, digits(minute, 2)?, 0).ok()
}

/// The calendar deadlines are computed in: office hours, statutory holidays and the admins' overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkCalendar {
    hours: OfficeHours,
    overrides: BTreeMap<Date, DayOverride>,
    transfer_cutoff: Time,
}

impl Default for WorkCalendar {
    fn default() -> Self {
        Self::new(OfficeHours::default(), BTreeMap::new())
    }
}

impl WorkCalendar {
    /// A calendar with the 15:00 transfer cut-off of Decree 61 Art. 18(2).
    pub fn new(hours: OfficeHours, overrides: BTreeMap<Date, DayOverride>) -> Self {
        Self {
            hours,
            overrides,
            transfer_cutoff: time!(15:00),
        }
    }

    /// The cut-off is data, not code, so a change of the rule or a local regulation needs no release.
    #[must_use]
    pub fn with_transfer_cutoff(mut self, cutoff: Time) -> Self {
        self.transfer_cutoff = cutoff;
        self
    }

    pub fn hours(&self) -> &OfficeHours {
        &self.hours
    }

    pub fn overrides(&self) -> &BTreeMap<Date, DayOverride> {
        &self.overrides
    }

    pub fn transfer_cutoff(&self) -> Time {
        self.transfer_cutoff
    }

    /// Whether deadlines run on this day.
    pub fn is_working_day(&self, date: Date) -> bool {
        Days::new(self).kind(date).is_working()
    }

    /// The day's kind with the reason, for the calendar page.
    pub fn day_kind(&self, date: Date) -> DayKind {
        Days::new(self).kind(date)
    }

    /// Whether the office is open at `t`; a period's end is already closed.
    pub fn is_working_time(&self, t: PrimitiveDateTime) -> bool {
        self.is_working_day(t.date())
            && self
                .hours
                .periods
                .iter()
                .any(|(start, end)| *start <= t.time() && t.time() < *end)
    }

    /// Where the clock starts for something that arrives at `t`: `t` itself during office hours, otherwise
    /// the next opening. An online dossier sent at night counts from the next morning.
    pub fn next_working_moment(&self, t: PrimitiveDateTime) -> PrimitiveDateTime {
        self.next_moment(&mut Days::new(self), t)
    }

    /// The moment `minutes` of office time have elapsed after `start`. A walk that ends exactly at the
    /// close of a period returns that close (17:00), not the next opening, so a one-day deadline from
    /// 07:30 is 17:00 the same day. Negative amounts count as zero. Whole days are skipped in one step.
    pub fn add_working_minutes(&self, start: PrimitiveDateTime, minutes: i64) -> PrimitiveDateTime {
        let mut days = Days::new(self);
        let t = self.next_moment(&mut days, start);
        let mut remaining = minutes.max(0).saturating_mul(60);
        let periods = &self.hours.periods;
        for (period_start, end) in periods.iter().filter(|(_, end)| t.time() < *end) {
            let from = t.time().max(*period_start);
            let available = (*end - from).whole_seconds();
            if remaining <= available {
                return PrimitiveDateTime::new(t.date(), from + Duration::seconds(remaining));
            }
            remaining -= available;
        }
        let per_day = self.hours.seconds_per_day();
        let mut date = t.date();
        loop {
            let Some(next) = days.next_working(date) else {
                return PrimitiveDateTime::MAX;
            };
            date = next;
            if remaining > per_day {
                remaining -= per_day;
                continue;
            }
            for (period_start, end) in periods {
                let available = (*end - *period_start).whole_seconds();
                if remaining <= available {
                    return PrimitiveDateTime::new(
                        date,
                        *period_start + Duration::seconds(remaining),
                    );
                }
                remaining -= available;
            }
        }
    }

    /// A deadline of `days` working days, each [`HOURS_PER_WORKING_DAY`] hours as the catalogue counts them.
    pub fn add_working_days(&self, start: PrimitiveDateTime, days: i64) -> PrimitiveDateTime {
        let minutes = days.saturating_mul(i64::from(HOURS_PER_WORKING_DAY) * 60);
        self.add_working_minutes(start, minutes)
    }

    /// A deadline of `hours` working hours (procedures promised within a day are counted in hours).
    pub fn add_working_hours(&self, start: PrimitiveDateTime, hours: i64) -> PrimitiveDateTime {
        self.add_working_minutes(start, hours.saturating_mul(60))
    }

    /// Office time between `a` and `b` in whole minutes, 0 when `b` is not after `a`; the clock stops while
    /// the applicant pays fees or supplements a dossier, and this measures how long.
    pub fn working_minutes_between(&self, a: PrimitiveDateTime, b: PrimitiveDateTime) -> i64 {
        if b <= a {
            return 0;
        }
        let mut days = Days::new(self);
        let mut seconds = 0;
        let mut date = a.date();
        loop {
            if days.kind(date).is_working() {
                for (start, end) in &self.hours.periods {
                    let from = PrimitiveDateTime::new(date, *start).max(a);
                    let to = PrimitiveDateTime::new(date, *end).min(b);
                    if to > from {
                        seconds += (to - from).whole_seconds();
                    }
                }
            }
            match date.next_day() {
                Some(next) if next <= b.date() => date = next,
                _ => return seconds / 60,
            }
        }
    }

    /// When a paper dossier received at `received` must reach the processing unit (Decree 61 Art. 18(2)):
    /// on a working day up to the cut-off (15:00:00 inclusive, 15:00:01 is late) by the close of that day;
    /// later, or on a day off, by the opening of the next working day.
    pub fn transfer_due(&self, received: PrimitiveDateTime) -> PrimitiveDateTime {
        let mut days = Days::new(self);
        let date = received.date();
        if days.kind(date).is_working() && received.time() <= self.transfer_cutoff {
            return PrimitiveDateTime::new(date, self.hours.last_end());
        }
        match days.next_working(date) {
            Some(next) => PrimitiveDateTime::new(next, self.hours.first_start()),
            None => PrimitiveDateTime::MAX,
        }
    }

    /// The last working day before `date`: an extension must be requested by then. A calendar without a
    /// working day in the previous ten years yields [`Date::MIN`].
    pub fn working_day_before(&self, date: Date) -> Date {
        let mut days = Days::new(self);
        let mut day = date;
        for _ in 0..MAX_SCAN_DAYS {
            match day.previous_day() {
                Some(previous) if days.kind(previous).is_working() => return previous,
                Some(previous) => day = previous,
                None => break,
            }
        }
        Date::MIN
    }

    /// The first working day after `date`; [`Date::MAX`] only for a calendar with ten years off.
    pub fn working_day_after(&self, date: Date) -> Date {
        Days::new(self).next_working(date).unwrap_or(Date::MAX)
    }

    /// Every weekday off in `year` with its name (holidays, compensatory days, overrides), for the
    /// published office calendar; weekends are left out because everyone knows them.
    pub fn days_off_in(&self, year: i32) -> Vec<(Date, String)> {
        let mut days = Days::new(self);
        let mut out = Vec::new();
        let mut day = Date::from_calendar_date(year, Month::January, 1).ok();
        while let Some(date) = day.filter(|d| d.year() == year) {
            if !is_weekend(date) {
                match days.kind(date) {
                    DayKind::Holiday(name) => out.push((date, name.to_owned())),
                    DayKind::Off => out.push((date, OVERRIDE_OFF_NAME.to_owned())),
                    _ => {}
                }
            }
            day = date.next_day();
        }
        out
    }

    fn next_moment(&self, days: &mut Days<'_>, t: PrimitiveDateTime) -> PrimitiveDateTime {
        if days.kind(t.date()).is_working() {
            let open = self.hours.periods.iter().find(|(_, end)| t.time() < *end);
            if let Some((start, _)) = open {
                return PrimitiveDateTime::new(t.date(), t.time().max(*start));
            }
        }
        match days.next_working(t.date()) {
            Some(next) => PrimitiveDateTime::new(next, self.hours.first_start()),
            None => PrimitiveDateTime::MAX,
        }
    }
}

/// Classifies days, computing each year's holidays once: a 60-day deadline crosses a year at most once,
/// and the lunar arithmetic is the expensive part.
struct Days<'a> {
    calendar: &'a WorkCalendar,
    year: Option<i32>,
    holidays: Vec<Holiday>,
}

impl<'a> Days<'a> {
    fn new(calendar: &'a WorkCalendar) -> Self {
        Self {
            calendar,
            year: None,
            holidays: Vec::new(),
        }
    }

    /// The first working day after `date`, or `None` when ten years hold none.
    fn next_working(&mut self, date: Date) -> Option<Date> {
        let mut day = date;
        for _ in 0..MAX_SCAN_DAYS {
            day = day.next_day()?;
            if self.kind(day).is_working() {
                return Some(day);
            }
        }
        None
    }

    fn kind(&mut self, date: Date) -> DayKind {
        if self.year != Some(date.year()) {
            self.year = Some(date.year());
            self.holidays = statutory_holidays(date.year());
        }
        let base = match self.holidays.iter().find(|h| h.date == date) {
            Some(holiday) => DayKind::Holiday(holiday.name),
            None if is_weekend(date) => DayKind::Weekend,
            None => DayKind::Working,
        };
        match (self.calendar.overrides.get(&date), base) {
            (Some(DayOverride::Work), DayKind::Working) => DayKind::Working,
            (Some(DayOverride::Work), _) => DayKind::MadeUpWorkday,
            (Some(DayOverride::Off), DayKind::Working) => DayKind::Off,
            _ => base,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
