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
mod tests {
    use super::*;
    use time::macros::format_description;

    fn at(text: &str) -> PrimitiveDateTime {
        let format =
            format_description!("[year]-[month]-[day] [hour]:[minute][optional [:[second]]]");
        PrimitiveDateTime::parse(text, format).unwrap()
    }

    fn day(text: &str) -> Date {
        Date::parse(text, format_description!("[year]-[month]-[day]")).unwrap()
    }

    /// Runs `f` on each "given" moment and compares with the expected one.
    fn check(f: impl Fn(PrimitiveDateTime) -> PrimitiveDateTime, cases: &[(&str, &str)]) {
        for (given, expected) in cases {
            assert_eq!(f(at(given)), at(expected), "from {given}");
        }
    }

    fn listed(days_off: &[(Date, String)]) -> Vec<String> {
        days_off.iter().map(|(d, n)| format!("{d} {n}")).collect()
    }

    #[test]
    fn three_working_days_from_the_thursday_before_tet_2027_end_on_tuesday_16_february() {
        // Thu 4: 5.5 h; Fri 5 to Thu 11 off; Fri 12: 8 h; weekend; Mon 15: 8 h; Tue 16: 2.5 h from 07:30.
        let cal = WorkCalendar::default();
        check(
            |t| cal.add_working_days(t, 3),
            &[("2027-02-04 10:00", "2027-02-16 10:00")],
        );
        let mut days_off = cal.days_off_in(2027);
        days_off.retain(|(d, _)| d.month() == Month::February);
        assert_eq!(listed(&days_off).len(), 5);
        assert_eq!(
            listed(&days_off).last().map(String::as_str),
            Some("2027-02-11 Nghỉ bù Tết Nguyên đán")
        );
        assert_eq!(
            cal.day_kind(day("2027-02-06")),
            DayKind::Holiday("Tết Nguyên đán")
        );
        assert!(cal.is_working_day(day("2027-02-12")));
    }

    #[test]
    fn a_dossier_received_at_1501_is_due_for_transfer_next_morning() {
        let cal = WorkCalendar::default();
        let cases = [
            ("2026-03-11 14:59", "2026-03-11 17:00"),
            ("2026-03-11 15:00", "2026-03-11 17:00"),
            ("2026-03-11 15:00:01", "2026-03-12 07:30"),
            ("2026-03-11 15:01", "2026-03-12 07:30"),
            ("2026-03-13 15:01", "2026-03-16 07:30"),
            ("2026-03-14 09:00", "2026-03-16 07:30"),
        ];
        check(|t| cal.transfer_due(t), &cases);
        let late = cal.with_transfer_cutoff(time!(16:00));
        check(
            |t| late.transfer_due(t),
            &[("2026-03-11 15:01", "2026-03-11 17:00")],
        );
    }

    #[test]
    fn an_online_dossier_sent_at_2200_counts_from_0730_next_working_day() {
        let cal = WorkCalendar::default();
        let cases = [
            ("2026-03-11 22:00", "2026-03-12 07:30"),
            ("2026-03-13 22:00", "2026-03-16 07:30"),
            ("2026-03-11 12:00", "2026-03-11 13:00"),
            ("2026-03-11 09:15", "2026-03-11 09:15"),
        ];
        check(|t| cal.next_working_moment(t), &cases);
        assert!(cal.is_working_time(at("2026-03-11 11:29")));
        assert!(!cal.is_working_time(at("2026-03-11 11:30")));
        assert!(!cal.is_working_time(at("2026-03-14 09:00")));
    }

    #[test]
    fn four_working_hours_from_1000_cross_the_lunch_break() {
        // 10:00–11:30, then the remaining 2.5 hours from 13:00.
        let cal = WorkCalendar::default();
        check(
            |t| cal.add_working_hours(t, 4),
            &[("2026-03-11 10:00", "2026-03-11 15:30")],
        );
        let eight_to_five = OfficeHours::parse("08:00-12:00,13:00-17:00").unwrap();
        let cal = WorkCalendar::new(eight_to_five, BTreeMap::new());
        check(
            |t| cal.add_working_hours(t, 4),
            &[("2026-03-11 10:00", "2026-03-11 15:00")],
        );
    }

    #[test]
    fn a_walk_ending_at_a_close_returns_the_close_and_zero_returns_the_next_opening() {
        let cal = WorkCalendar::default();
        let one_day = [
            ("2026-03-11 07:30", "2026-03-11 17:00"),
            ("2026-03-13 07:00", "2026-03-13 17:00"),
            ("2026-03-11 13:00", "2026-03-12 11:30"),
        ];
        check(|t| cal.add_working_days(t, 1), &one_day);
        check(
            |t| cal.add_working_hours(t, 4),
            &[("2026-03-11 13:00", "2026-03-11 17:00")],
        );
        check(
            |t| cal.add_working_minutes(t, 0),
            &[("2026-03-14 10:00", "2026-03-16 07:30")],
        );
        check(
            |t| cal.add_working_minutes(t, -5),
            &[("2026-03-11 09:00", "2026-03-11 09:00")],
        );
    }

    #[test]
    fn a_make_up_saturday_works_and_an_extra_day_off_does_not() {
        let overrides = [
            (day("2026-03-11"), DayOverride::Off),
            (day("2026-03-14"), DayOverride::Work),
            (day("2026-09-02"), DayOverride::Work),
        ];
        let cal = WorkCalendar::new(OfficeHours::default(), overrides.into_iter().collect());
        assert_eq!(cal.day_kind(day("2026-03-11")), DayKind::Off);
        assert_eq!(cal.day_kind(day("2026-03-14")), DayKind::MadeUpWorkday);
        assert_eq!(cal.day_kind(day("2026-09-02")), DayKind::MadeUpWorkday);
        assert_eq!(cal.day_kind(day("2026-03-15")), DayKind::Weekend);
        check(
            |t| cal.add_working_days(t, 1),
            &[("2026-03-10 13:00", "2026-03-12 11:30")],
        );
        check(
            |t| cal.next_working_moment(t),
            &[("2026-03-13 22:00", "2026-03-14 07:30")],
        );
        let days_off = listed(&cal.days_off_in(2026));
        assert!(days_off.contains(&format!("2026-03-11 {OVERRIDE_OFF_NAME}")));
        assert!(!days_off.iter().any(|d| d.starts_with("2026-09-02")));
    }

    #[test]
    fn working_minutes_between_skip_the_weekend_and_the_lunch_break() {
        let cal = WorkCalendar::default();
        let cases = [
            ("2026-03-13 16:00", "2026-03-16 08:30", 120),
            ("2026-03-11 11:00", "2026-03-11 13:30", 60),
            ("2026-03-11 11:00", "2026-03-11 10:00", 0),
            ("2026-03-09 07:30", "2026-03-13 17:00", 5 * 480),
        ];
        for (a, b, minutes) in cases {
            assert_eq!(
                cal.working_minutes_between(at(a), at(b)),
                minutes,
                "{a} to {b}"
            );
        }
    }

    #[test]
    fn sixty_working_days_are_exact_and_quick() {
        let cal = WorkCalendar::default();
        let start = at("2026-01-05 07:30");
        let clock = std::time::Instant::now();
        let due = cal.add_working_days(start, 60);
        assert!(clock.elapsed() < std::time::Duration::from_millis(500));
        // 20 days in January, 15 in February (Tết takes 16–20), 20 in March, so the 60th is Fri 3 April.
        assert_eq!(due, at("2026-04-03 17:00"));
        assert_eq!(cal.working_minutes_between(start, due), 60 * 480);
        assert_eq!(cal.working_day_before(day("2026-02-23")), day("2026-02-13"));
        assert_eq!(cal.working_day_after(day("2026-02-13")), day("2026-02-23"));
    }

    #[test]
    fn office_hours_are_parsed_and_bad_text_is_refused() {
        let hours = OfficeHours::parse(" 07:30-11:30, 13:00-17:00 ").unwrap();
        assert_eq!(hours, OfficeHours::default());
        assert_eq!(hours.to_string(), "07:30-11:30,13:00-17:00");
        assert_eq!(hours.minutes_per_day(), 480);
        let bad = [
            "",
            "07:30",
            "7:3-11:30",
            "11:30-07:30",
            "07:30-12:00,11:00-17:00",
            "25:00-26:00",
        ];
        for text in bad {
            assert_eq!(
                OfficeHours::parse(text),
                Err("office_hours.invalid"),
                "{text:?}"
            );
        }
        assert_eq!(DayOverride::parse("work"), Ok(DayOverride::Work));
        assert_eq!(DayOverride::parse("nghỉ"), Err("day_override.invalid"));
    }

    #[test]
    fn stored_instants_convert_to_office_time_and_back() {
        let utc = at("2026-03-11 01:00").assume_utc();
        assert_eq!(to_local(utc), at("2026-03-11 08:00"));
        assert_eq!(from_local(at("2026-03-11 08:00")), utc);
    }
}
