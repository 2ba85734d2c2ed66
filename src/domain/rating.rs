//! Satisfaction rating of a finished dossier (portal function i): the overall level and the detailed criteria of
//! Circular 32/2017 Art. 12 on the scale "Rất hài lòng" / "Hài lòng" / "Chưa hài lòng", and the nine indices of
//! Circular 01/2018 Art. 12 scored 2 / 1 / 0 (each may be left out). Changeable until the evaluation period — the
//! quarter in which the dossier was finished — closes.

use std::collections::BTreeMap;

use serde::Deserialize;
use time::{Date, Month, PrimitiveDateTime, Time};

use super::error::FieldErrors;
use super::text::clean_line;

/// The three levels, stored by key.
pub const LEVELS: [(&str, &str); 3] = [
    ("very_satisfied", "Rất hài lòng"),
    ("satisfied", "Hài lòng"),
    ("unsatisfied", "Chưa hài lòng"),
];

/// The detailed criteria of Circular 32/2017 Art. 12 after the overall one.
pub const CRITERIA: [(&str, &str); 3] = [
    (
        "convenience",
        "Sự thuận tiện khi sử dụng dịch vụ và thời gian phản hồi",
    ),
    ("timeliness", "Thời gian giải quyết và trả kết quả"),
    ("attitude", "Thái độ phục vụ của cán bộ, công chức"),
];

/// The nine indices of Circular 01/2018 Art. 12, with what 2, 1 and 0 points mean to the person rating.
pub const INDICES: [(&str, &str, [&str; 3]); 9] = [
    (
        "i1",
        "Tổng thời gian giải quyết so với thời gian quy định",
        ["Sớm hơn quy định", "Đúng quy định", "Muộn hơn quy định"],
    ),
    (
        "i2",
        "Thời gian thực hiện tại từng cơ quan, đơn vị so với thời gian quy định",
        ["Sớm hơn", "Đúng hạn", "Muộn hơn"],
    ),
    (
        "i3",
        "Số lần phải liên hệ để hoàn thiện hồ sơ (kể cả trực tuyến)",
        ["Không phải liên hệ", "Một lần", "Nhiều hơn một lần"],
    ),
    (
        "i4",
        "Số cơ quan, đơn vị phải liên hệ để hoàn thiện hồ sơ",
        [
            "Không phải liên hệ",
            "Chỉ Bộ phận một cửa",
            "Nhiều hơn một cơ quan",
        ],
    ),
    (
        "i5",
        "Thực hiện theo cơ chế một cửa, một cửa liên thông",
        ["Đầy đủ, vượt mức", "Đúng quy định", "Chưa đúng quy định"],
    ),
    (
        "i6",
        "Công khai thủ tục hành chính",
        [
            "Niêm yết và điện tử, chính xác",
            "Niêm yết hoặc điện tử",
            "Chưa đầy đủ, chính xác",
        ],
    ),
    (
        "i7",
        "Thái độ của cán bộ, công chức",
        [
            "Giải quyết sớm, không có phản ánh",
            "Đúng hạn, không có phản ánh",
            "Có phản ánh, kiến nghị",
        ],
    ),
    (
        "i8",
        "Tiếp thu, giải trình phản ánh, kiến nghị",
        [
            "Không có hoặc giải quyết đúng hạn",
            "Đa số đúng hạn",
            "Chậm hoặc kéo dài",
        ],
    ),
    (
        "i9",
        "Cung cấp dịch vụ công trực tuyến",
        [
            "Đầy đủ, đúng hạn",
            "Có nhưng chưa đầy đủ",
            "Không có hoặc trễ hạn",
        ],
    ),
];

pub fn level_label(key: &str) -> &'static str {
    LEVELS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("", |(_, l)| l)
}

/// The rating form as posted: `overall`, `criteria.<key>`, `index.<i1..i9>` (2, 1, 0 or empty) and `comment`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RatingInput {
    pub overall: String,
    #[serde(flatten)]
    pub rest: BTreeMap<String, String>,
}

/// A checked rating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    pub overall: String,
    pub criteria: BTreeMap<String, String>,
    pub indices: BTreeMap<String, u8>,
    pub comment: String,
}

impl Rating {
    pub fn parse(input: &RatingInput) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let overall = input.overall.trim();
        if !LEVELS.iter().any(|(k, _)| *k == overall) {
            e.add("overall", "rating.overall_required");
        }
        let mut criteria = BTreeMap::new();
        for (key, _) in CRITERIA {
            let value = input
                .rest
                .get(&format!("criteria.{key}"))
                .map_or("", |v| v.trim());
            match value {
                "" => {}
                v if LEVELS.iter().any(|(k, _)| *k == v) => {
                    criteria.insert(key.to_owned(), v.to_owned());
                }
                _ => e.add(&format!("criteria.{key}"), "rating.level"),
            }
        }
        let mut indices = BTreeMap::new();
        for (key, _, _) in INDICES {
            match input
                .rest
                .get(&format!("index.{key}"))
                .map_or("", |v| v.trim())
            {
                "" => {}
                v => match v.parse::<u8>() {
                    Ok(score @ 0..=2) => {
                        indices.insert(key.to_owned(), score);
                    }
                    _ => e.add(&format!("index.{key}"), "rating.score"),
                },
            }
        }
        let comment = clean_line(input.rest.get("comment").map_or("", String::as_str));
        if comment.chars().count() > 1000 {
            e.add("comment", "too_long");
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(Self {
            overall: overall.to_owned(),
            criteria,
            indices,
            comment,
        })
    }
}

/// The first moment (office local time) after the evaluation quarter in which a dossier finished on `day`.
pub fn period_closes(day: Date) -> PrimitiveDateTime {
    let quarter_start_month = (u8::from(day.month()) - 1) / 3 * 3 + 1;
    let (year, month) = if quarter_start_month == 10 {
        (day.year() + 1, 1)
    } else {
        (day.year(), quarter_start_month + 3)
    };
    let month = Month::try_from(month).unwrap_or(Month::January);
    let first = Date::from_calendar_date(year, month, 1).unwrap_or(day);
    PrimitiveDateTime::new(first, Time::MIDNIGHT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn input(pairs: &[(&str, &str)]) -> RatingInput {
        let mut i = RatingInput::default();
        for (k, v) in pairs {
            if *k == "overall" {
                i.overall = (*v).to_owned();
            } else {
                i.rest.insert((*k).to_owned(), (*v).to_owned());
            }
        }
        i
    }

    #[test]
    fn an_overall_level_is_enough_and_details_are_optional() {
        let r = Rating::parse(&input(&[("overall", "satisfied")])).unwrap();
        assert!(r.criteria.is_empty() && r.indices.is_empty());
    }

    #[test]
    fn criteria_and_indices_are_kept_and_bad_scores_refused() {
        let r = Rating::parse(&input(&[
            ("overall", "very_satisfied"),
            ("criteria.attitude", "satisfied"),
            ("index.i1", "2"),
            ("index.i3", "0"),
        ]))
        .unwrap();
        assert_eq!(r.indices.get("i1"), Some(&2));
        assert_eq!(
            r.criteria.get("attitude").map(String::as_str),
            Some("satisfied")
        );
        let e = Rating::parse(&input(&[("index.i2", "3")])).unwrap_err();
        assert!(e.first("overall").is_some() && e.first("index.i2").is_some());
    }

    #[test]
    fn the_period_closes_at_the_start_of_the_next_quarter() {
        assert_eq!(
            period_closes(date!(2026 - 11 - 29)),
            datetime!(2027 - 01 - 01 0:00)
        );
        assert_eq!(
            period_closes(date!(2026 - 03 - 31)),
            datetime!(2026 - 04 - 01 0:00)
        );
        assert_eq!(
            period_closes(date!(2026 - 04 - 01)),
            datetime!(2026 - 07 - 01 0:00)
        );
    }
}
