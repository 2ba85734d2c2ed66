//! The office's working-day calendar: the computed rules of `domain::calendar` plus the days admins enter each
//! year and the office hours setting. Loaded inside each transaction that computes a deadline.

use std::collections::BTreeMap;

use time::Date;
use time::macros::format_description;

use crate::domain::calendar::{DayOverride, OfficeHours, WorkCalendar};
use crate::store::audit::Outcome;
use crate::store::calendar::{self as days, CalendarDay};
use crate::store::{Db, StoreError, settings};

use super::{Context, ServiceError};

/// The settings key of the office hours, e.g. `07:30-11:30,13:00-17:00`.
pub const OFFICE_HOURS_KEY: &str = "office_hours";

pub fn parse_day(raw: &str) -> Result<Date, &'static str> {
    Date::parse(raw.trim(), format_description!("[year]-[month]-[day]")).map_err(|_| "date.invalid")
}

/// The calendar as configured now.
pub fn load(conn: &rusqlite::Connection) -> Result<WorkCalendar, StoreError> {
    let hours = settings::get(conn, OFFICE_HOURS_KEY)?
        .and_then(|text| OfficeHours::parse(&text).ok())
        .unwrap_or_default();
    let overrides: BTreeMap<Date, DayOverride> = days::list(conn)?
        .into_iter()
        .filter_map(|d| Some((parse_day(&d.day).ok()?, DayOverride::parse(&d.kind).ok()?)))
        .collect();
    Ok(WorkCalendar::new(hours, overrides))
}

/// Enters (or changes) one day's decision.
pub async fn set_day(
    db: &Db,
    ctx: &Context,
    day: &str,
    kind: &str,
    note: &str,
) -> Result<(), ServiceError> {
    let date = parse_day(day).map_err(|c| ServiceError::field("day", c))?;
    let kind = DayOverride::parse(kind).map_err(|c| ServiceError::field("kind", c))?;
    let note = crate::domain::text::clean_line(note);
    if note.chars().count() > 200 {
        return Err(ServiceError::field("note", "too_long"));
    }
    let row = CalendarDay {
        day: date.to_string(),
        kind: kind.as_str().to_owned(),
        note,
    };
    let ctx = ctx.clone();
    db.write(move |tx| {
        days::upsert(tx, &row)?;
        ctx.audit(tx, "calendar.day.set", &row.day, Outcome::Ok, &row.kind)?;
        Ok(())
    })
    .await
}

pub async fn remove_day(db: &Db, ctx: &Context, day: &str) -> Result<(), ServiceError> {
    let date = parse_day(day).map_err(|c| ServiceError::field("day", c))?;
    let ctx = ctx.clone();
    db.write(move |tx| {
        days::delete(tx, &date.to_string())?;
        ctx.audit(
            tx,
            "calendar.day.remove",
            &date.to_string(),
            Outcome::Ok,
            "",
        )?;
        Ok(())
    })
    .await
}

/// Sets the office hours after checking them.
pub async fn set_office_hours(db: &Db, ctx: &Context, text: &str) -> Result<(), ServiceError> {
    let hours = OfficeHours::parse(text).map_err(|c| ServiceError::field("office_hours", c))?;
    let value = hours.to_string();
    let ctx = ctx.clone();
    db.write(move |tx| {
        settings::set(tx, OFFICE_HOURS_KEY, &value)?;
        ctx.audit(
            tx,
            "calendar.hours.set",
            "office_hours",
            Outcome::Ok,
            &value,
        )?;
        Ok(())
    })
    .await
}
