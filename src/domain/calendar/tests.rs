//! Tests of the working-day calendar: office hours, deadlines across holidays and Tết, the 15:00 rule, overrides.

use super::*;
use time::macros::format_description;

fn at(text: &str) -> PrimitiveDateTime {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute][optional [:[second]]]");
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
