//! Domain layer: the public holidays the Labour Code 2019 fixes each year, with their compensatory days.
//!
//! Kept apart from `calendar` because these rules change by statute (Art. 112 lists the holidays, Art. 111(3)
//! makes up a holiday that falls on a weekend) while the deadline arithmetic does not. Only the law is computed
//! here; the Prime Minister's yearly swaps are admin overrides applied by [`super::calendar::WorkCalendar`].

use std::collections::BTreeSet;

use time::{Date, Month, Weekday};

use super::lunar::LunarDate;

/// A public holiday with its Vietnamese name, as printed on the office calendar and in deadline notices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Holiday {
    pub date: Date,
    pub name: &'static str,
}

/// Each statutory holiday's name and the name of the compensatory day it may give.
type Rule = (&'static str, &'static str);
const NEW_YEAR: Rule = ("Tết Dương lịch", "Nghỉ bù Tết Dương lịch");
const TET: Rule = ("Tết Nguyên đán", "Nghỉ bù Tết Nguyên đán");
const HUNG_KINGS: Rule = ("Giỗ Tổ Hùng Vương", "Nghỉ bù Giỗ Tổ Hùng Vương");
const REUNIFICATION: Rule = ("Ngày Chiến thắng", "Nghỉ bù Ngày Chiến thắng");
const LABOUR_DAY: Rule = ("Ngày Quốc tế Lao động", "Nghỉ bù Ngày Quốc tế Lao động");
const NATIONAL_DAY: Rule = ("Quốc khánh", "Nghỉ bù Quốc khánh");

/// Saturday and Sunday: the days the law compensates a holiday for, and the days the calendar page leaves out.
pub(crate) fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// The public holidays of a solar year as the Labour Code fixes them, before any PM decision.
///
/// The extra National Day holiday is 1/9 when 2/9 is a Tuesday (making a four-day weekend) and 3/9
/// otherwise; the government announces it yearly and admins correct it with overrides. Two holidays on the
/// same day (Giỗ Tổ can meet 30/4) are both listed but give no extra day: the law compensates weekends only.
/// Lunar holidays outside [`super::lunar::SUPPORTED_YEARS`] are left out rather than guessed.
pub fn statutory_holidays(year: i32) -> Vec<Holiday> {
    let mut days: Vec<(Date, Rule)> = Vec::new();
    let mut solar = |month: Month, day: u8, rule: Rule| {
        if let Ok(date) = Date::from_calendar_date(year, month, day) {
            days.push((date, rule));
        }
    };
    solar(Month::January, 1, NEW_YEAR);
    solar(Month::April, 30, REUNIFICATION);
    solar(Month::May, 1, LABOUR_DAY);
    solar(Month::September, 2, NATIONAL_DAY);
    let national_day = Date::from_calendar_date(year, Month::September, 2);
    if national_day.is_ok_and(|d| d.weekday() == Weekday::Tuesday) {
        solar(Month::September, 1, NATIONAL_DAY);
    } else {
        solar(Month::September, 3, NATIONAL_DAY);
    }
    if let Ok(tet) = LunarDate::new(year, 1, 1).to_solar() {
        // The last day of the old year (29 or 30 Chạp) and the first four days of the new one.
        let mut day = tet.previous_day();
        for _ in 0..5 {
            if let Some(d) = day {
                days.push((d, TET));
                day = d.next_day();
            }
        }
    }
    if let Ok(hung_kings) = LunarDate::new(year, 3, 10).to_solar() {
        days.push((hung_kings, HUNG_KINGS));
    }
    days.sort_by_key(|(date, _)| *date);

    let mut taken: BTreeSet<Date> = days.iter().map(|(date, _)| *date).collect();
    let mut holidays: Vec<Holiday> = days
        .iter()
        .map(|(date, rule)| Holiday {
            date: *date,
            name: rule.0,
        })
        .collect();
    for (date, rule) in days.iter().filter(|(date, _)| is_weekend(*date)) {
        let mut candidate = date.next_day();
        while let Some(d) = candidate.filter(|d| is_weekend(*d) || taken.contains(d)) {
            candidate = d.next_day();
        }
        if let Some(d) = candidate {
            taken.insert(d);
            holidays.push(Holiday {
                date: d,
                name: rule.1,
            });
        }
    }
    holidays.sort_by_key(|h| h.date);
    holidays
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(holidays: &[Holiday], name: &str) -> Vec<String> {
        let days = holidays.iter().filter(|h| h.name == name);
        days.map(|h| h.date.to_string()).collect()
    }

    /// The weekdays off of `year` with their names, as the published office calendar shows them.
    fn weekdays_off(year: i32) -> Vec<String> {
        let days = statutory_holidays(year).into_iter();
        let days = days.filter(|h| !is_weekend(h.date));
        days.map(|h| format!("{} {}", h.date, h.name)).collect()
    }

    #[test]
    fn tet_2027_on_a_saturday_gives_two_compensatory_days_after_it() {
        let mut days_off = weekdays_off(2027);
        days_off.retain(|d| d.starts_with("2027-02"));
        let expected = [
            "2027-02-05 Tết Nguyên đán",
            "2027-02-08 Tết Nguyên đán",
            "2027-02-09 Tết Nguyên đán",
            "2027-02-10 Nghỉ bù Tết Nguyên đán",
            "2027-02-11 Nghỉ bù Tết Nguyên đán",
        ];
        assert_eq!(days_off, expected);
        let tet = named(&statutory_holidays(2027), TET.0);
        assert!(tet.contains(&"2027-02-06".to_owned()));
    }

    #[test]
    fn the_days_off_of_2026_are_listed_with_their_names() {
        let expected = [
            "2026-01-01 Tết Dương lịch",
            "2026-02-16 Tết Nguyên đán",
            "2026-02-17 Tết Nguyên đán",
            "2026-02-18 Tết Nguyên đán",
            "2026-02-19 Tết Nguyên đán",
            "2026-02-20 Tết Nguyên đán",
            "2026-04-27 Nghỉ bù Giỗ Tổ Hùng Vương",
            "2026-04-30 Ngày Chiến thắng",
            "2026-05-01 Ngày Quốc tế Lao động",
            "2026-09-02 Quốc khánh",
            "2026-09-03 Quốc khánh",
        ];
        assert_eq!(weekdays_off(2026), expected);
    }

    #[test]
    fn victory_day_on_a_sunday_is_made_up_on_tuesday_because_monday_is_labour_day() {
        assert_eq!(
            named(&statutory_holidays(2017), REUNIFICATION.1),
            ["2017-05-02"]
        );
        assert_eq!(
            named(&statutory_holidays(2028), REUNIFICATION.1),
            ["2028-05-02"]
        );
        // 2023: Giỗ Tổ on Saturday 29/4 takes Tuesday 2/5 first, so 30/4 is made up on Wednesday 3/5.
        let y2023 = statutory_holidays(2023);
        assert_eq!(named(&y2023, HUNG_KINGS.1), ["2023-05-02"]);
        assert_eq!(named(&y2023, REUNIFICATION.1), ["2023-05-03"]);
        assert_eq!(named(&y2023, NEW_YEAR.1), ["2023-01-02"]);
    }

    #[test]
    fn national_day_takes_1_september_when_2_september_is_a_tuesday() {
        assert_eq!(
            named(&statutory_holidays(2025), NATIONAL_DAY.0),
            ["2025-09-01", "2025-09-02"]
        );
        assert_eq!(
            named(&statutory_holidays(2026), NATIONAL_DAY.0),
            ["2026-09-02", "2026-09-03"]
        );
    }
}
