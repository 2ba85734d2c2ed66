//! Domain layer: archiving closed dossiers (Circular 01/2018 Art. 10(3), the Law on Archives). How long a closed
//! dossier stays with the processing office before it is handed to the archives (a number of years or permanent),
//! when that period ends, and the names of the files in the archive package.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Month, PrimitiveDateTime};

use super::text::slug;

/// The longest period a procedure may set, in years (the longest fixed period of the archives' retention lists).
pub const MAX_RETENTION_YEARS: u32 = 70;

/// The office's default when a procedure sets none and the configuration does not say otherwise.
pub const DEFAULT_RETENTION_YEARS: u32 = 10;

/// How long a closed dossier of a procedure is kept: in a procedure-pack body `"retention_years": 10` or
/// `"retention_years": "permanent"`; absent means the office default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    Years(u32),
    Permanent,
}

impl Retention {
    /// `Some("range")` when a number of years is outside 1..=70.
    pub fn problem(self) -> Option<&'static str> {
        match self {
            Retention::Years(n) if !(1..=MAX_RETENTION_YEARS).contains(&n) => Some("range"),
            _ => None,
        }
    }

    /// "10 năm" or "Vĩnh viễn", as the archives' lists write it.
    pub fn label(self) -> String {
        match self {
            Retention::Years(n) => format!("{n} năm"),
            Retention::Permanent => "Vĩnh viễn".to_owned(),
        }
    }

    /// The moment the period ends for a dossier finished at `finished` (office time), or `None` when it never
    /// does. A period ending on 29 February of a common year ends on the 28th.
    pub fn expires(self, finished: PrimitiveDateTime) -> Option<PrimitiveDateTime> {
        match self {
            Retention::Permanent => None,
            Retention::Years(n) => {
                let years = i32::try_from(n).ok()?;
                Some(add_years(finished, years))
            }
        }
    }

    /// The latest finishing moment whose period has ended by `now`: a dossier finished at or before it is due for
    /// the archives. `None` for a permanent retention.
    pub fn due_before(self, now: PrimitiveDateTime) -> Option<PrimitiveDateTime> {
        match self {
            Retention::Permanent => None,
            Retention::Years(n) => Some(add_years(now, -i32::try_from(n).ok()?)),
        }
    }
}

fn add_years(t: PrimitiveDateTime, years: i32) -> PrimitiveDateTime {
    let year = t.year() + years;
    let date = Date::from_calendar_date(year, t.month(), t.day())
        .or_else(|_| Date::from_calendar_date(year, Month::February, 28))
        .unwrap_or(t.date());
    PrimitiveDateTime::new(date, t.time())
}

impl Serialize for Retention {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Retention::Years(n) => s.serialize_u32(*n),
            Retention::Permanent => s.serialize_str("permanent"),
        }
    }
}

impl<'de> Deserialize<'de> for Retention {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct RetentionVisitor;
        impl Visitor<'_> for RetentionVisitor {
            type Value = Retention;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number of years (1-70) or \"permanent\"")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Retention, E> {
                u32::try_from(v)
                    .map(Retention::Years)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Retention, E> {
                u32::try_from(v)
                    .map(Retention::Years)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Retention, E> {
                match v {
                    "permanent" => Ok(Retention::Permanent),
                    other => Err(E::invalid_value(de::Unexpected::Str(other), &self)),
                }
            }
        }
        d.deserialize_any(RetentionVisitor)
    }
}

/// The path of the `n`-th document (from 1) in the archive package: `tai-lieu/01-to-khai-dang-ky.pdf`. The
/// original name is folded to ASCII letters, digits and hyphens (any unzip program on any system reads it, and
/// no name can leave the folder); the extension is kept when it is a plain one. The original name itself is in
/// the package's metadata.
pub fn document_path(n: usize, original: &str) -> String {
    let (stem, extension) = match original.rsplit_once('.') {
        Some((stem, ext))
            if !stem.trim().is_empty()
                && (1..=8).contains(&ext.len())
                && ext.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            (stem, Some(ext.to_ascii_lowercase()))
        }
        _ => (original, None),
    };
    let mut stem: String = slug(stem).chars().take(80).collect();
    while stem.ends_with('-') {
        stem.pop();
    }
    if stem.is_empty() {
        stem = "tep".to_owned();
    }
    match extension {
        Some(ext) => format!("tai-lieu/{n:02}-{stem}.{ext}"),
        None => format!("tai-lieu/{n:02}-{stem}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn retention_reads_and_writes_a_number_of_years_or_permanent() {
        let years = Retention::Years(20);
        let permanent = Retention::Permanent;
        assert_eq!(serde_json::from_str::<Retention>("20").ok(), Some(years));
        assert_eq!(
            serde_json::from_str::<Retention>("\"permanent\"").ok(),
            Some(permanent)
        );
        assert!(serde_json::from_str::<Retention>("\"forever\"").is_err());
        assert!(serde_json::from_str::<Retention>("-3").is_err());
        assert_eq!(serde_json::to_string(&years).ok().as_deref(), Some("20"));
        assert_eq!(
            serde_json::to_string(&permanent).ok().as_deref(),
            Some("\"permanent\"")
        );
        assert_eq!(Retention::Years(0).problem(), Some("range"));
        assert_eq!(Retention::Years(71).problem(), Some("range"));
        assert_eq!(Retention::Years(70).problem(), None);
        assert_eq!(Retention::Years(10).label(), "10 năm");
        assert_eq!(Retention::Permanent.label(), "Vĩnh viễn");
    }

    #[test]
    fn the_period_ends_the_same_day_years_later_and_a_leap_day_ends_on_the_28th() {
        let finished = datetime!(2016-02-29 09:30);
        assert_eq!(
            Retention::Years(10).expires(finished),
            Some(datetime!(2026-02-28 09:30))
        );
        assert_eq!(
            Retention::Years(4).expires(finished),
            Some(datetime!(2020-02-29 09:30))
        );
        assert_eq!(Retention::Permanent.expires(finished), None);
        let now = datetime!(2026-11-29 10:00);
        assert_eq!(
            Retention::Years(10).due_before(now),
            Some(datetime!(2016-11-29 10:00))
        );
        assert_eq!(Retention::Permanent.due_before(now), None);
    }

    #[test]
    fn document_paths_are_numbered_folded_and_stay_in_their_folder() {
        assert_eq!(
            document_path(1, "Tờ khai đăng ký.PDF"),
            "tai-lieu/01-to-khai-dang-ky.pdf"
        );
        assert_eq!(
            document_path(12, "../../etc/passwd"),
            "tai-lieu/12-etc-passwd"
        );
        assert_eq!(document_path(3, "ảnh"), "tai-lieu/03-anh");
        assert_eq!(document_path(4, "…"), "tai-lieu/04-tep");
        assert_eq!(document_path(5, ".pdf"), "tai-lieu/05-pdf");
        assert_eq!(document_path(6, "a\u{0}b.tar.gz"), "tai-lieu/06-a-b-tar.gz");
        assert_eq!(document_path(120, "x.docx"), "tai-lieu/120-x.docx");
    }
}
