//! Services layer: the processing report (tình hình tiếp nhận và giải quyết hồ sơ, Circular 01/2018 Art. 30 and the
//! Decision 766 progress indicators), its breakdowns by unit and by procedure, and the list of dossiers behind each
//! figure.
//!
//! Every figure is one condition of `store::reports` on the dossier row `d` ([`Figure::condition`]). The report
//! sums those conditions (`sum(CASE WHEN <condition> THEN 1 ELSE 0 END)`) and the drill-down lists the rows that
//! satisfy the same condition, so a figure and its list always agree.
//!
//! Only rows that can satisfy some figure are read, in three disjoint passes (see [`PASSES`]):
//! - dossiers whose processing ended in the period: a range of `dossiers_by_finished`, a partial index on
//!   `finished_at` that also holds every column the figures, filters and groupings read, so the wide dossier rows
//!   are never read for them;
//! - dossiers ended after the period: `dossiers_by_finished` again (empty for a period that ends today);
//! - dossiers not ended: the partial index `dossiers_active_by_due` (active dossiers only; a dossier without
//!   `finished_at` is always active, because refusal, withdrawal, stopping and the result all set it).
//!
//! Each pass sums only the figures that can hold on its rows (an in-progress dossier has not ended in the period).
//! Supplement requests come from `dossier_events_by_action (action, at)`, read once per pass; electronic results
//! and ratings are probed by primary key or `dossier_results_by_dossier`, only for dossiers resolved in the period.
//!
//! Costs over the million-dossier benchmark database are in docs/PERFORMANCE.md ("Reports").

mod drill;
mod filter;
mod timing;

use std::collections::BTreeMap;

use rusqlite::types::Value;
use rusqlite::{Connection, ToSql};

use crate::store::reports::{
    CARRIED_OVER, COMPLAINED, COUNTER, ELECTRONIC_RESULT, IN_PROGRESS_AT_END, ONLINE,
    OVERDUE_AT_END, POSTAL, RECEIVED_IN, REFUSED_IN, RESOLVED_EARLY, RESOLVED_IN, RESOLVED_LATE,
    RESOLVED_ON_TIME, STOPPED_IN, SUPPLEMENT_REQUESTED_IN, TO_PROCESS, WITHDRAWN_IN,
};
use crate::store::{Db, StoreError, org};

use super::ReportScope;
use crate::services::ServiceError;

pub use drill::{DRILL_PAGE, DrillPage, DrillRow, drill};
pub use filter::{MAX_PERIOD_DAYS, ReportFilter, ReportQuery};

/// One figure of the report. The order of [`Figure::ALL`] is the order of the report table and of the exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Figure {
    Received,
    CarriedOver,
    ReceivedNew,
    ReceivedOnline,
    ReceivedCounter,
    ReceivedPostal,
    Resolved,
    ResolvedEarly,
    ResolvedOnTime,
    ResolvedLate,
    InProgress,
    InProgressOnTime,
    InProgressOverdue,
    SupplementRequested,
    Refused,
    Withdrawn,
    Stopped,
    ElectronicResult,
    Complained,
}

/// How many figures there are.
pub const FIGURES: usize = 19;

/// Which passes a figure can be non-zero in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ends {
    /// Its condition needs `finished_at` inside the period.
    InPeriod,
    /// Its condition needs `finished_at` after the period or absent.
    AfterPeriod,
    Anywhere,
}

impl Figure {
    pub const ALL: [Figure; FIGURES] = [
        Self::Received,
        Self::CarriedOver,
        Self::ReceivedNew,
        Self::ReceivedOnline,
        Self::ReceivedCounter,
        Self::ReceivedPostal,
        Self::Resolved,
        Self::ResolvedEarly,
        Self::ResolvedOnTime,
        Self::ResolvedLate,
        Self::InProgress,
        Self::InProgressOnTime,
        Self::InProgressOverdue,
        Self::SupplementRequested,
        Self::Refused,
        Self::Withdrawn,
        Self::Stopped,
        Self::ElectronicResult,
        Self::Complained,
    ];

    /// The stable snake_case key used in URLs, the API and the exports.
    pub fn key(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::CarriedOver => "carried_over",
            Self::ReceivedNew => "received_new",
            Self::ReceivedOnline => "received_online",
            Self::ReceivedCounter => "received_counter",
            Self::ReceivedPostal => "received_postal",
            Self::Resolved => "resolved",
            Self::ResolvedEarly => "resolved_early",
            Self::ResolvedOnTime => "resolved_on_time",
            Self::ResolvedLate => "resolved_late",
            Self::InProgress => "in_progress",
            Self::InProgressOnTime => "in_progress_on_time",
            Self::InProgressOverdue => "in_progress_overdue",
            Self::SupplementRequested => "supplement_requested",
            Self::Refused => "refused",
            Self::Withdrawn => "withdrawn",
            Self::Stopped => "stopped",
            Self::ElectronicResult => "electronic_result",
            Self::Complained => "complained",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.key() == key)
    }

    /// The line of the report, in the words of the statutory report form.
    pub fn label(self) -> &'static str {
        match self {
            Self::Received => "Tổng số hồ sơ nhận giải quyết",
            Self::CarriedOver => "Từ kỳ trước chuyển sang",
            Self::ReceivedNew => "Mới tiếp nhận trong kỳ",
            Self::ReceivedOnline => "Mới tiếp nhận trực tuyến",
            Self::ReceivedCounter => "Mới tiếp nhận trực tiếp",
            Self::ReceivedPostal => "Mới tiếp nhận qua dịch vụ bưu chính công ích",
            Self::Resolved => "Số hồ sơ đã giải quyết",
            Self::ResolvedEarly => "Giải quyết trước hạn",
            Self::ResolvedOnTime => "Giải quyết đúng hạn",
            Self::ResolvedLate => "Giải quyết quá hạn",
            Self::InProgress => "Số hồ sơ đang giải quyết cuối kỳ",
            Self::InProgressOnTime => "Đang giải quyết, trong hạn",
            Self::InProgressOverdue => "Đang giải quyết, quá hạn",
            Self::SupplementRequested => "Yêu cầu bổ sung hồ sơ trong kỳ",
            Self::Refused => "Không được tiếp nhận (từ chối)",
            Self::Withdrawn => "Công dân rút hồ sơ",
            Self::Stopped => "Dừng xử lý",
            Self::ElectronicResult => "Đã giải quyết có kết quả điện tử",
            Self::Complained => "Đã giải quyết, người nộp chưa hài lòng",
        }
    }

    /// Whether the line is a part of the line above it (shown indented).
    pub fn is_part(self) -> bool {
        !matches!(
            self,
            Self::Received
                | Self::Resolved
                | Self::InProgress
                | Self::SupplementRequested
                | Self::Refused
                | Self::Withdrawn
                | Self::Stopped
        )
    }

    /// The condition on `d` that defines the figure (named parameters `:from` and `:to`).
    pub fn condition(self) -> String {
        match self {
            Self::Received => TO_PROCESS.to_owned(),
            Self::CarriedOver => CARRIED_OVER.to_owned(),
            Self::ReceivedNew => RECEIVED_IN.to_owned(),
            Self::ReceivedOnline => format!("({RECEIVED_IN} AND {ONLINE})"),
            Self::ReceivedCounter => format!("({RECEIVED_IN} AND {COUNTER})"),
            Self::ReceivedPostal => format!("({RECEIVED_IN} AND {POSTAL})"),
            Self::Resolved => RESOLVED_IN.to_owned(),
            Self::ResolvedEarly => format!("({RESOLVED_IN} AND {RESOLVED_EARLY})"),
            Self::ResolvedOnTime => format!("({RESOLVED_IN} AND {RESOLVED_ON_TIME})"),
            Self::ResolvedLate => format!("({RESOLVED_IN} AND ({RESOLVED_LATE}))"),
            Self::InProgress => IN_PROGRESS_AT_END.to_owned(),
            Self::InProgressOnTime => {
                format!("({IN_PROGRESS_AT_END} AND NOT {OVERDUE_AT_END})")
            }
            Self::InProgressOverdue => format!("({IN_PROGRESS_AT_END} AND {OVERDUE_AT_END})"),
            Self::SupplementRequested => format!("({SUPPLEMENT_REQUESTED_IN})"),
            Self::Refused => REFUSED_IN.to_owned(),
            Self::Withdrawn => WITHDRAWN_IN.to_owned(),
            Self::Stopped => STOPPED_IN.to_owned(),
            Self::ElectronicResult => format!("({RESOLVED_IN} AND {ELECTRONIC_RESULT})"),
            Self::Complained => format!("({RESOLVED_IN} AND {COMPLAINED})"),
        }
    }

    fn ends(self) -> Ends {
        match self {
            Self::Resolved
            | Self::ResolvedEarly
            | Self::ResolvedOnTime
            | Self::ResolvedLate
            | Self::Refused
            | Self::Withdrawn
            | Self::Stopped
            | Self::ElectronicResult
            | Self::Complained => Ends::InPeriod,
            Self::InProgress | Self::InProgressOnTime | Self::InProgressOverdue => {
                Ends::AfterPeriod
            }
            _ => Ends::Anywhere,
        }
    }
}

/// The counts of every figure, indexed by [`Figure`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts(pub [i64; FIGURES]);

/// Percentages rounded to one decimal; `None` when the denominator is zero.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rates {
    /// Resolved early or on time ÷ resolved (Decision 766 progress; Decree 61 Art. 30 "đúng hạn").
    pub on_time: Option<f64>,
    /// New online ÷ new received (Decision 766 online provision, `KenhThucHien` 2).
    pub online: Option<f64>,
    /// Resolved with a signed electronic result ÷ resolved (Decision 766 digitisation).
    pub electronic: Option<f64>,
    /// 100 − (resolved late ÷ resolved + resolved and rated "unsatisfied" ÷ resolved), never below 0 (Decision 766
    /// satisfaction in receiving and processing dossiers).
    pub satisfaction: Option<f64>,
}

fn percent(part: i64, whole: i64) -> Option<f64> {
    #[allow(clippy::cast_precision_loss)]
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

fn one_decimal(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

impl Counts {
    pub fn get(&self, figure: Figure) -> i64 {
        self.0[figure as usize]
    }

    fn add(&mut self, other: &Counts) {
        for (mine, theirs) in self.0.iter_mut().zip(other.0) {
            *mine += theirs;
        }
    }

    pub fn rates(&self) -> Rates {
        let resolved = self.get(Figure::Resolved);
        let in_time = self.get(Figure::ResolvedEarly) + self.get(Figure::ResolvedOnTime);
        let late = percent(self.get(Figure::ResolvedLate), resolved);
        let complained = percent(self.get(Figure::Complained), resolved);
        Rates {
            on_time: percent(in_time, resolved).map(one_decimal),
            online: percent(
                self.get(Figure::ReceivedOnline),
                self.get(Figure::ReceivedNew),
            )
            .map(one_decimal),
            electronic: percent(self.get(Figure::ElectronicResult), resolved).map(one_decimal),
            satisfaction: late
                .zip(complained)
                .map(|(l, c)| one_decimal((100.0 - l - c).max(0.0))),
        }
    }
}

/// The processing report of one filter: the counts, read at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessingReport {
    pub filter: ReportFilter,
    pub counts: Counts,
}

/// What a breakdown groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// The processing unit holding the dossier (none before transfer).
    Unit,
    /// The procedure, with the average processing time in working days.
    Procedure,
}

impl Grouping {
    pub fn key(self) -> &'static str {
        match self {
            Self::Unit => "unit",
            Self::Procedure => "procedure",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        [Self::Unit, Self::Procedure]
            .into_iter()
            .find(|g| g.key() == key)
    }
}

/// One line of a breakdown.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakdownRow {
    /// The unit or procedure code; `None` for dossiers not (yet) transferred to a unit.
    pub key: Option<String>,
    pub name: String,
    pub counts: Counts,
    /// Average working days from receipt to end over the dossiers resolved in the period (procedures only).
    pub average_days: Option<f64>,
}

/// A report broken down by unit or procedure; the rows add up to the report's counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    pub grouping: Grouping,
    pub rows: Vec<BreakdownRow>,
    /// Over every dossier resolved in the period (procedures only).
    pub average_days: Option<f64>,
}

/// One candidate set of rows: a condition on `d` and the figures worth summing over it.
struct Pass {
    rows: &'static str,
    ends: Ends,
}

/// The three disjoint candidate sets; together they hold every row any figure can count.
const PASSES: [Pass; 3] = [
    Pass {
        rows: "d.finished_at >= :from AND d.finished_at < :to",
        ends: Ends::InPeriod,
    },
    Pass {
        rows: "d.finished_at >= :to",
        ends: Ends::AfterPeriod,
    },
    Pass {
        rows: "d.active = 1 AND d.finished_at IS NULL",
        ends: Ends::AfterPeriod,
    },
];

fn figures_of(pass: &Pass) -> Vec<Figure> {
    Figure::ALL
        .into_iter()
        .filter(|f| f.ends() == Ends::Anywhere || f.ends() == pass.ends)
        .collect()
}

/// The checked filter and its SQL: the condition, and every named parameter it and the figures use.
struct Query {
    condition: String,
    params: Vec<(&'static str, Value)>,
}

impl Query {
    fn new(scope: &ReportScope, filter: &ReportFilter) -> Result<Self, ServiceError> {
        if let (ReportScope::Unit(own), Some(asked)) = (scope, &filter.unit)
            && own != asked
        {
            return Err(ServiceError::Forbidden);
        }
        let (condition, mut params) = filter::condition(filter, scope);
        params.push((":from", Value::Text(filter.period.from.clone())));
        params.push((":to", Value::Text(filter.period.to.clone())));
        Ok(Self { condition, params })
    }

    /// The parameters `sql` names (SQLite refuses a named parameter the statement does not have).
    fn named(&self, sql: &str) -> Vec<(&str, &dyn ToSql)> {
        self.params
            .iter()
            .filter(|(name, _)| sql.contains(name))
            .map(|(name, value)| (*name, value as &dyn ToSql))
            .collect()
    }

    /// Sums the figures over the candidate passes, grouped by `group` (an expression on `d`) when given.
    fn sum(
        &self,
        conn: &Connection,
        group: Option<&str>,
    ) -> Result<BTreeMap<Option<String>, Counts>, StoreError> {
        let mut out: BTreeMap<Option<String>, Counts> = BTreeMap::new();
        for pass in &PASSES {
            let figures = figures_of(pass);
            let sums: Vec<String> = figures
                .iter()
                .map(|f| format!("sum(CASE WHEN {} THEN 1 ELSE 0 END)", f.condition()))
                .collect();
            let (key, group_by) = match group {
                Some(expr) => (expr.to_owned(), format!("GROUP BY {expr}")),
                None => ("NULL".to_owned(), String::new()),
            };
            let sql = format!(
                "SELECT {key}, {sums} FROM dossiers d WHERE {rows} AND {condition} {group_by}",
                sums = sums.join(", "),
                rows = pass.rows,
                condition = self.condition,
            );
            let params = self.named(&sql);
            let mut stmt = conn.prepare_cached(&sql)?;
            let mut rows = stmt.query(&params[..])?;
            while let Some(row) = rows.next()? {
                let key: Option<String> = row.get(0)?;
                let mut counts = Counts::default();
                for (i, figure) in figures.iter().enumerate() {
                    counts.0[*figure as usize] = row.get::<_, Option<i64>>(i + 1)?.unwrap_or(0);
                }
                out.entry(key).or_default().add(&counts);
            }
        }
        Ok(out)
    }
}

/// Counts every figure of the report for a reader with this scope. A unit head asking for another unit is
/// refused; codes that name nothing are field errors.
pub async fn processing_report(
    db: &Db,
    scope: &ReportScope,
    filter: ReportFilter,
) -> Result<ProcessingReport, ServiceError> {
    let query = Query::new(scope, &filter)?;
    let check = filter.clone();
    let counts = db
        .read(move |conn| {
            let unknown = filter::unknown_codes(conn, &check)?;
            if !unknown.is_empty() {
                return Ok(Err(unknown));
            }
            let totals = query.sum(conn, None)?;
            Ok::<_, StoreError>(Ok(totals.into_values().next().unwrap_or_default()))
        })
        .await?
        .map_err(ServiceError::Invalid)?;
    Ok(ProcessingReport { filter, counts })
}

/// The report broken down by unit or by procedure, each row counted with the same conditions as the report, and
/// the report itself as the sum of the rows (every dossier has one unit or none, and one procedure). Costs a sort
/// of the candidate rows on top of the report's passes, so pages ask for it only on request; the procedure
/// breakdown also reads each resolved dossier's receipt and end for the average processing time.
pub async fn breakdown(
    db: &Db,
    scope: &ReportScope,
    filter: ReportFilter,
    grouping: Grouping,
) -> Result<(ProcessingReport, Breakdown), ServiceError> {
    let query = Query::new(scope, &filter)?;
    let check = filter.clone();
    let breakdown = db
        .read(move |conn| {
            let unknown = filter::unknown_codes(conn, &check)?;
            if !unknown.is_empty() {
                return Ok(Err(unknown));
            }
            Ok::<_, StoreError>(Ok(group(conn, &query, grouping)?))
        })
        .await?
        .map_err(ServiceError::Invalid)?;
    let mut counts = Counts::default();
    for row in &breakdown.rows {
        counts.add(&row.counts);
    }
    Ok((ProcessingReport { filter, counts }, breakdown))
}

fn group(conn: &Connection, query: &Query, grouping: Grouping) -> Result<Breakdown, StoreError> {
    let expr = match grouping {
        Grouping::Unit => "d.unit_code",
        Grouping::Procedure => "d.procedure_code",
    };
    let groups = query.sum(conn, Some(expr))?;
    let (names, averages, overall) = match grouping {
        Grouping::Unit => {
            let names: BTreeMap<String, String> = org::list_units(conn)?
                .into_iter()
                .map(|u| (u.code, u.name))
                .collect();
            (names, Default::default(), None)
        }
        Grouping::Procedure => {
            let mut names = BTreeMap::new();
            let mut stmt = conn.prepare_cached(
                "SELECT procedure_code, name FROM procedure_versions ORDER BY procedure_code, version",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                names.insert(r.get::<_, String>(0)?, r.get::<_, String>(1)?);
            }
            let (averages, overall) = durations(conn, query)?;
            (names, averages, overall)
        }
    };
    let rows = groups
        .into_iter()
        .filter(|(_, counts)| counts.0.iter().any(|n| *n > 0))
        .map(|(key, counts)| BreakdownRow {
            name: match &key {
                Some(code) => names.get(code).cloned().unwrap_or_else(|| code.clone()),
                None => "Chưa chuyển phòng chuyên môn".to_owned(),
            },
            average_days: key.as_ref().and_then(|k| averages.get(k).copied()),
            key,
            counts,
        })
        .collect();
    Ok(Breakdown {
        grouping,
        rows,
        average_days: overall,
    })
}

/// Average working days from receipt to end of the dossiers resolved in the period, per procedure and overall.
fn durations(
    conn: &Connection,
    query: &Query,
) -> Result<(std::collections::HashMap<String, f64>, Option<f64>), StoreError> {
    let calendar = crate::services::calendar::load(conn)?;
    let mut spans = timing::Durations::default();
    let sql = format!(
        "SELECT d.procedure_code, unixepoch(d.received_at), unixepoch(d.finished_at) FROM dossiers d
         WHERE {RESOLVED_IN} AND d.received_at IS NOT NULL AND {}",
        query.condition
    );
    let params = query.named(&sql);
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(&params[..])?;
    while let Some(r) = rows.next()? {
        let code = r.get_ref(0)?.as_str().unwrap_or_default();
        if let (Some(received), Some(finished)) =
            (r.get::<_, Option<i64>>(1)?, r.get::<_, Option<i64>>(2)?)
        {
            spans.add(code, received, finished);
        }
    }
    Ok(spans.averages(&calendar))
}

#[cfg(test)]
mod tests;
