//! Services layer: the filters of the processing report, parsed from a query string with every problem reported at
//! once, and turned into one SQL condition on the dossier row `d` with its named parameters.

use rusqlite::types::Value;
use time::Date;

use crate::domain::FieldErrors;
use crate::domain::catalogue::{parse_procedure_code, parse_sector_code};
use crate::domain::dossier::Channel;
use crate::domain::org::{AgencyCode, UnitCode};
use crate::services::calendar::parse_day;
use crate::store::reports::Period;

use super::super::ReportScope;

/// The longest period a report may cover. Ten years is more than any statutory report asks for and keeps the
/// working-day table of the processing times small.
pub const MAX_PERIOD_DAYS: i64 = 3660;

/// The report filters as they arrive in a query string (`?from=2026-01-01&to=2026-03-31&channel=2`), before they
/// are checked. Empty values mean "no filter"; unknown keys are ignored so pages can add their own.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ReportQuery {
    pub from: String,
    pub to: String,
    pub agency: String,
    pub unit: String,
    pub sector: String,
    pub procedure: String,
    pub channel: String,
}

/// What a report counts: the dossiers of one period, narrowed by agency, processing unit, sector (`MX1X2-LV`),
/// procedure and submission channel (Decision 766 `KenhThucHien`: 1 counter, 2 online, 3 post).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFilter {
    pub period: Period,
    pub agency: Option<String>,
    pub unit: Option<String>,
    pub sector: Option<String>,
    pub procedure: Option<String>,
    pub channel: Option<Channel>,
}

fn optional<T>(
    errors: &mut FieldErrors,
    field: &str,
    raw: &str,
    parse: impl Fn(&str) -> Result<T, &'static str>,
) -> Option<T> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    errors.take(field, parse(raw))
}

impl ReportQuery {
    /// The filter, or every problem found: bad or missing dates, a period that runs backwards or is longer than
    /// [`MAX_PERIOD_DAYS`], malformed codes. `default` is the period used when both dates are left empty (the page
    /// opens on the current month); without it both dates are required (the API).
    pub fn parse(&self, default: Option<(Date, Date)>) -> Result<ReportFilter, FieldErrors> {
        let mut errors = FieldErrors::new();
        let (first, last) = match (self.from.trim(), self.to.trim(), default) {
            ("", "", Some((first, last))) => (Some(first), Some(last)),
            (from, to, _) => {
                let mut day = |field: &str, raw: &str| {
                    if raw.is_empty() {
                        errors.add(field, "date.required");
                        None
                    } else {
                        errors.take(field, parse_day(raw))
                    }
                };
                (day("from", from), day("to", to))
            }
        };
        if let (Some(first), Some(last)) = (first, last) {
            if last < first {
                errors.add("to", "report.period_reversed");
            } else if (last - first).whole_days() >= MAX_PERIOD_DAYS {
                errors.add("to", "report.period_too_long");
            }
        }
        let agency = optional(&mut errors, "agency", &self.agency, |raw| {
            AgencyCode::parse(raw).map(|c| c.as_str().to_owned())
        });
        let unit = optional(&mut errors, "unit", &self.unit, |raw| {
            UnitCode::parse(raw).map(|c| c.as_str().to_owned())
        });
        let sector = optional(&mut errors, "sector", &self.sector, parse_sector_code);
        let procedure = optional(
            &mut errors,
            "procedure",
            &self.procedure,
            parse_procedure_code,
        );
        let channel = optional(&mut errors, "channel", &self.channel, |raw| {
            raw.parse::<i64>()
                .ok()
                .and_then(Channel::from_code)
                .ok_or("channel.invalid")
        });
        match (first, last) {
            (Some(first), Some(last)) if errors.is_empty() => Ok(ReportFilter {
                period: Period::new(first, last),
                agency,
                unit,
                sector,
                procedure,
                channel,
            }),
            _ => Err(errors),
        }
    }
}

impl ReportFilter {
    /// The filter as query pairs, to build links that keep it (drill-down, exports, print view).
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![
            ("from", self.period.first.to_string()),
            ("to", self.period.last.to_string()),
        ];
        let optional = [
            ("agency", self.agency.clone()),
            ("unit", self.unit.clone()),
            ("sector", self.sector.clone()),
            ("procedure", self.procedure.clone()),
            ("channel", self.channel.map(|c| c.code().to_string())),
        ];
        pairs.extend(
            optional
                .into_iter()
                .filter_map(|(key, value)| value.map(|v| (key, v))),
        );
        pairs
    }

    /// [`Self::to_query`] as an urlencoded string.
    pub fn query_string(&self) -> String {
        serde_urlencoded::to_string(self.to_query()).unwrap_or_default()
    }
}

/// The filter (and the reader's scope) as one SQL condition on `d`, with the named parameters it uses besides
/// `:from` and `:to`. A sector is matched on the version each dossier was received under, through the small
/// `procedure_versions` table, never by joining the dossiers.
pub(super) fn condition(
    filter: &ReportFilter,
    scope: &ReportScope,
) -> (String, Vec<(&'static str, Value)>) {
    let mut parts: Vec<&'static str> = Vec::new();
    let mut params: Vec<(&'static str, Value)> = Vec::new();
    if let Some(agency) = &filter.agency {
        parts.push("d.agency_code = :agency");
        params.push((":agency", Value::Text(agency.clone())));
    }
    let unit = match scope {
        ReportScope::Unit(own) => Some(own.clone()),
        ReportScope::Office => filter.unit.clone(),
    };
    if let Some(unit) = unit {
        parts.push("d.unit_code = :unit");
        params.push((":unit", Value::Text(unit)));
    }
    if let Some(sector) = &filter.sector {
        parts.push(
            "(d.procedure_code, d.procedure_version) IN (SELECT v.procedure_code, v.version \
             FROM procedure_versions v WHERE v.sector_code = :sector)",
        );
        params.push((":sector", Value::Text(sector.clone())));
    }
    if let Some(procedure) = &filter.procedure {
        parts.push("d.procedure_code = :procedure");
        params.push((":procedure", Value::Text(procedure.clone())));
    }
    if let Some(channel) = filter.channel {
        parts.push("d.channel = :channel");
        params.push((":channel", Value::Integer(i64::from(channel.code()))));
    }
    if parts.is_empty() {
        ("1".to_owned(), params)
    } else {
        (parts.join(" AND "), params)
    }
}

/// Codes in the filter that name nothing in this office, each as a field error, so a mistyped code is not
/// silently reported as zero dossiers.
pub(super) fn unknown_codes(
    conn: &rusqlite::Connection,
    filter: &ReportFilter,
) -> Result<FieldErrors, crate::store::StoreError> {
    let mut errors = FieldErrors::new();
    let checks = [
        (
            "agency",
            &filter.agency,
            "SELECT 1 FROM agencies WHERE code = ?1",
            "report.agency_unknown",
        ),
        (
            "unit",
            &filter.unit,
            "SELECT 1 FROM units WHERE code = ?1",
            "report.unit_unknown",
        ),
        (
            "sector",
            &filter.sector,
            "SELECT 1 FROM sectors WHERE code = ?1",
            "report.sector_unknown",
        ),
        (
            "procedure",
            &filter.procedure,
            "SELECT 1 FROM procedures WHERE code = ?1",
            "report.procedure_unknown",
        ),
    ];
    for (field, value, sql, code) in checks {
        if let Some(value) = value {
            let found = conn.prepare_cached(sql)?.exists([value.as_str()])?;
            if !found {
                errors.add(field, code);
            }
        }
    }
    Ok(errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn query(pairs: &[(&str, &str)]) -> ReportQuery {
        let text = serde_urlencoded::to_string(pairs).unwrap_or_default();
        serde_urlencoded::from_str(&text).unwrap_or_default()
    }

    #[test]
    fn every_problem_of_a_report_query_is_reported_at_once() {
        let q = query(&[
            ("from", "2026-13-01"),
            ("to", ""),
            ("agency", "not a code"),
            ("sector", "HT"),
            ("channel", "4"),
        ]);
        let errors = q.parse(None).err().unwrap_or_default();
        assert_eq!(errors.first("from"), Some("date.invalid"));
        assert_eq!(errors.first("to"), Some("date.required"));
        assert_eq!(errors.first("agency"), Some("agency_code.invalid"));
        assert_eq!(errors.first("sector"), Some("sector_code.invalid"));
        assert_eq!(errors.first("channel"), Some("channel.invalid"));
    }

    #[test]
    fn a_period_must_run_forwards_and_stay_under_ten_years() {
        let reversed = query(&[("from", "2026-03-01"), ("to", "2026-02-28")]);
        assert_eq!(
            reversed.parse(None).err().unwrap_or_default().first("to"),
            Some("report.period_reversed")
        );
        let long = query(&[("from", "2010-01-01"), ("to", "2026-02-28")]);
        assert_eq!(
            long.parse(None).err().unwrap_or_default().first("to"),
            Some("report.period_too_long")
        );
    }

    #[test]
    fn empty_dates_take_the_default_period_and_the_filter_round_trips_through_its_query() {
        let q = query(&[("channel", "2"), ("sector", "h40-ht")]);
        let filter = q
            .parse(Some((date!(2026 - 11 - 01), date!(2026 - 11 - 29))))
            .ok();
        let filter = filter.as_ref();
        assert_eq!(filter.map(|f| f.period.first), Some(date!(2026 - 11 - 01)));
        assert_eq!(
            filter.map(ReportFilter::query_string).as_deref(),
            Some("from=2026-11-01&to=2026-11-29&sector=H40-HT&channel=2")
        );
        let again: ReportQuery =
            serde_urlencoded::from_str(&filter.map(ReportFilter::query_string).unwrap_or_default())
                .unwrap_or_default();
        assert_eq!(again.parse(None).ok().as_ref(), filter);
    }
}
