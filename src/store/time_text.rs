//! The one text format for times in the database: UTC, fixed width, so text order is time order.

use time::OffsetDateTime;
use time::format_description::FormatItem;
use time::macros::format_description;

const FORMAT: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

pub fn format_time(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(FORMAT)
        .unwrap_or_default()
}

pub fn parse_time(s: &str) -> Option<OffsetDateTime> {
    time::PrimitiveDateTime::parse(s, FORMAT)
        .ok()
        .map(time::PrimitiveDateTime::assume_utc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip_and_sort_as_text() {
        let t = time::macros::datetime!(2026-11-29 08:05:03.25 +7);
        assert_eq!(format_time(t), "2026-11-29T01:05:03.250Z");
        assert_eq!(parse_time(&format_time(t)), Some(t));
        assert!(format_time(t) < format_time(t + time::Duration::milliseconds(1)));
    }
}
