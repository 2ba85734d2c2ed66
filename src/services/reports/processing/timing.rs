//! Services layer: how long resolved dossiers took, in working days of the office calendar (Decision 766's
//! "average processing time per procedure").
//!
//! The time of one dossier is the office time between its receipt (`received_at`) and the end of its processing
//! (`finished_at`), counted like every deadline is: only office hours of working days, holidays and the admins'
//! day-off decisions left out, a working day being [`HOURS_PER_WORKING_DAY`] hours. Time the applicant spent
//! supplementing the dossier or paying a fee is included (the dossier row does not keep it; the history does).
//!
//! Walking the calendar per dossier would compute the lunar holidays again for each one, so the calendar is turned
//! once into a table of working seconds before each day of the range; a dossier then costs two lookups.

use std::collections::HashMap;

use time::{Date, Time};

use crate::domain::calendar::{OFFICE_OFFSET, WorkCalendar};
use crate::domain::catalogue::HOURS_PER_WORKING_DAY;

const DAY: i64 = 86_400;
/// Days between 1970-01-01 and the Julian day epoch, to turn a day number into a [`Date`].
const UNIX_EPOCH_JULIAN_DAY: i64 = 2_440_588;

/// Working seconds since the first day of a range, for any instant in it.
struct WorkingClock {
    first_day: i64,
    /// Working seconds before each day of the range (one more entry than days).
    before: Vec<i64>,
    working: Vec<bool>,
    /// Office periods as seconds of the day.
    periods: Vec<(i64, i64)>,
}

fn seconds(t: Time) -> i64 {
    i64::from(t.hour()) * 3600 + i64::from(t.minute()) * 60 + i64::from(t.second())
}

impl WorkingClock {
    /// The table for office-time days `first_day..=last_day` (days since 1970-01-01).
    fn new(calendar: &WorkCalendar, first_day: i64, last_day: i64) -> Self {
        let periods: Vec<(i64, i64)> = calendar
            .hours()
            .periods()
            .iter()
            .map(|(start, end)| (seconds(*start), seconds(*end)))
            .collect();
        let per_day: i64 = periods.iter().map(|(s, e)| e - s).sum();
        let mut before = vec![0];
        let mut working = Vec::new();
        for day in first_day..=last_day {
            let open = i32::try_from(day + UNIX_EPOCH_JULIAN_DAY)
                .ok()
                .and_then(|julian| Date::from_julian_day(julian).ok())
                .is_some_and(|date| calendar.is_working_day(date));
            working.push(open);
            let last = before.last().copied().unwrap_or(0);
            before.push(last + if open { per_day } else { 0 });
        }
        Self {
            first_day,
            before,
            working,
            periods,
        }
    }

    /// Working seconds from the start of the range to the office-time instant `local` (seconds since 1970 on the
    /// office's wall clock), clamped to the range.
    fn at(&self, local: i64) -> i64 {
        let day = local.div_euclid(DAY);
        let index = usize::try_from(day - self.first_day).unwrap_or(0);
        let Some(&open) = self.working.get(index) else {
            return self.before.last().copied().unwrap_or(0);
        };
        let mut total = self.before[index];
        if open {
            let time = local.rem_euclid(DAY);
            total += self
                .periods
                .iter()
                .map(|(start, end)| (time.min(*end) - start).max(0))
                .sum::<i64>();
        }
        total
    }
}

/// Sums and counts of processing times, per key (a procedure code) and overall.
#[derive(Debug, Default)]
pub(super) struct Durations {
    spans: Vec<(usize, i64, i64)>,
    keys: HashMap<String, usize>,
}

impl Durations {
    /// Records one dossier from its receipt and end as Unix seconds (UTC).
    pub(super) fn add(&mut self, key: &str, received: i64, finished: i64) {
        let next = self.keys.len();
        let index = *self.keys.entry(key.to_owned()).or_insert(next);
        let offset = i64::from(OFFICE_OFFSET.whole_seconds());
        self.spans
            .push((index, received + offset, finished + offset));
    }

    /// The average working days per key and over everything, rounded to one decimal like every figure shown.
    pub(super) fn averages(&self, calendar: &WorkCalendar) -> (HashMap<String, f64>, Option<f64>) {
        let days = self
            .spans
            .iter()
            .flat_map(|(_, a, b)| [a.div_euclid(DAY), b.div_euclid(DAY)]);
        let (Some(first), Some(last)) = (days.clone().min(), days.max()) else {
            return (HashMap::new(), None);
        };
        let clock = WorkingClock::new(calendar, first, last);
        let mut sums = vec![(0i64, 0i64); self.keys.len()];
        for (index, received, finished) in &self.spans {
            let spent = (clock.at(*finished) - clock.at(*received)).max(0);
            sums[*index].0 += spent;
            sums[*index].1 += 1;
        }
        let day = f64::from(HOURS_PER_WORKING_DAY * 3600);
        let average = |(total, count): (i64, i64)| {
            #[allow(clippy::cast_precision_loss)]
            let value = total as f64 / count as f64 / day;
            (value * 10.0).round() / 10.0
        };
        let per_key = self
            .keys
            .iter()
            .map(|(key, index)| (key.clone(), average(sums[*index])))
            .collect();
        let all = sums
            .iter()
            .fold((0, 0), |(t, c), (total, count)| (t + total, c + count));
        (per_key, (all.1 > 0).then(|| average(all)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::{from_local, to_local};
    use time::PrimitiveDateTime;
    use time::macros::datetime;

    fn unix(local: PrimitiveDateTime) -> i64 {
        from_local(local).unix_timestamp()
    }

    #[test]
    fn the_table_agrees_with_the_calendar_walk_across_weekends_and_tet() {
        let calendar = WorkCalendar::default();
        let cases = [
            (datetime!(2026-02-12 09:00), datetime!(2026-02-25 10:30)),
            (datetime!(2026-01-02 16:00), datetime!(2026-01-05 08:00)),
            (datetime!(2026-03-07 10:00), datetime!(2026-03-09 07:00)),
            (datetime!(2026-03-09 12:00), datetime!(2026-03-09 12:30)),
        ];
        for (a, b) in cases {
            let mut d = Durations::default();
            d.add("X", unix(a), unix(b));
            let (_, all) = d.averages(&calendar);
            let walk =
                calendar.working_minutes_between(to_local(from_local(a)), to_local(from_local(b)));
            #[allow(clippy::cast_precision_loss)]
            let expected = (walk as f64 / 480.0 * 10.0).round() / 10.0;
            assert_eq!(all, Some(expected), "{a} → {b}");
        }
    }

    #[test]
    fn averages_are_per_procedure_and_overall() {
        let calendar = WorkCalendar::default();
        let mut d = Durations::default();
        // Monday 07:30 to 17:00 is one working day; to Wednesday 17:00 is three.
        d.add(
            "A",
            unix(datetime!(2026-03-09 07:30)),
            unix(datetime!(2026-03-09 17:00)),
        );
        d.add(
            "B",
            unix(datetime!(2026-03-09 07:30)),
            unix(datetime!(2026-03-11 17:00)),
        );
        d.add(
            "B",
            unix(datetime!(2026-03-09 07:30)),
            unix(datetime!(2026-03-09 17:00)),
        );
        let (per, all) = d.averages(&calendar);
        assert_eq!(per.get("A"), Some(&1.0));
        assert_eq!(per.get("B"), Some(&2.0));
        assert_eq!(all, Some(1.7));
    }
}
