//! The definitions behind every report figure, as SQL conditions on one dossier row `d`. The processing report,
//! its drill-down lists, the dashboard, the public statistics and the evaluation all use these same conditions,
//! so a figure and the list of dossiers behind it can never disagree.
//!
//! A period is given as UTC text bounds `?from` (inclusive) and `?to` (exclusive), made from whole days in office
//! time by [`Period`]. Named parameters: `:from`, `:to`.

pub mod dashboard;

use time::{Date, Duration, PrimitiveDateTime, Time};

use crate::domain::calendar::from_local;

use super::format_time;

/// A reporting period: whole office-time days `first..=last`, as the UTC bounds the conditions compare with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub first: Date,
    pub last: Date,
    /// The first moment of `first` in office time, as stored UTC text.
    pub from: String,
    /// The first moment after `last`, as stored UTC text.
    pub to: String,
}

impl Period {
    pub fn new(first: Date, last: Date) -> Self {
        let start = from_local(PrimitiveDateTime::new(first, Time::MIDNIGHT));
        let end = from_local(PrimitiveDateTime::new(last, Time::MIDNIGHT)) + Duration::days(1);
        Self {
            first,
            last,
            from: format_time(start),
            to: format_time(end),
        }
    }
}

/// How many supplement requests a dossier had, at receipt and after; more than one makes it late (Decision 766).
pub const SUPPLEMENT_REQUESTS: &str = "(d.receipt_supplements + d.supplements)";

/// Received (given a code) within the period: new in the period.
pub const RECEIVED_IN: &str = "(d.received_at >= :from AND d.received_at < :to)";

/// Received before the period and not yet ended when it began: carried over into it.
pub const CARRIED_OVER: &str =
    "(d.received_at < :from AND (d.finished_at IS NULL OR d.finished_at >= :from))";

/// New or carried over: every dossier the office had to deal with in the period.
pub const TO_PROCESS: &str =
    "(d.received_at < :to AND (d.finished_at IS NULL OR d.finished_at >= :from))";

/// Processing ended with a decision (approved or rejected) within the period.
pub const RESOLVED_IN: &str =
    "(d.decision IS NOT NULL AND d.finished_at >= :from AND d.finished_at < :to)";

/// Resolved before the appointment day (and asked for at most one supplement).
pub const RESOLVED_EARLY: &str =
    "(d.outcome = 'early' AND (d.receipt_supplements + d.supplements) <= 1)";
/// Resolved on the appointment day (and asked for at most one supplement).
pub const RESOLVED_ON_TIME: &str =
    "(d.outcome = 'on_time' AND (d.receipt_supplements + d.supplements) <= 1)";
/// Resolved after the appointment, or after more than one supplement request (Decision 766: counted late).
pub const RESOLVED_LATE: &str = "(d.outcome IS NOT 'early' AND d.outcome IS NOT 'on_time' \
     OR (d.receipt_supplements + d.supplements) > 1)";

/// Received before the period ended and not ended by then: still in progress at the end of the period.
pub const IN_PROGRESS_AT_END: &str =
    "(d.received_at < :to AND (d.finished_at IS NULL OR d.finished_at >= :to))";
/// In progress at the end of the period with its appointment already passed (the clock running). The clock stops
/// while a supplement is awaited (`due_at` NULL), so such a dossier is never overdue; it also stops while a fee is
/// awaited (`paused_at` set, `due_at` moved on by the paused time when it is paid), so a dossier waiting for its fee
/// is overdue only if its appointment had passed before the pause began.
pub const OVERDUE_AT_END: &str =
    "(d.due_at IS NOT NULL AND d.due_at < :to AND (d.paused_at IS NULL OR d.due_at < d.paused_at))";

/// Refused, withdrawn or stopped within the period (the stage is final; `finished_at` is when it happened).
pub const REFUSED_IN: &str =
    "(d.stage = 'refused' AND d.finished_at >= :from AND d.finished_at < :to)";
pub const WITHDRAWN_IN: &str =
    "(d.stage = 'withdrawn' AND d.finished_at >= :from AND d.finished_at < :to)";
pub const STOPPED_IN: &str =
    "(d.stage = 'stopped' AND d.finished_at >= :from AND d.finished_at < :to)";

/// Sent back for a supplement within the period (at receipt or during processing). Written as an uncorrelated
/// `IN` so SQLite reads the period's requests once through `dossier_events_by_action` and probes that list per
/// dossier; the correlated `EXISTS` it replaces read each candidate dossier's whole history.
pub const SUPPLEMENT_REQUESTED_IN: &str = "d.id IN (SELECT e.dossier_id FROM dossier_events e \
     WHERE e.action = 'request_supplement' AND e.at >= :from AND e.at < :to)";

/// Submitted online (channel 2), at the counter (1) or by post (3).
pub const ONLINE: &str = "(d.channel = 2)";
pub const COUNTER: &str = "(d.channel = 1)";
pub const POSTAL: &str = "(d.channel = 3)";

/// Has at least one signed electronic result.
pub const ELECTRONIC_RESULT: &str =
    "EXISTS (SELECT 1 FROM dossier_results r WHERE r.dossier_id = d.id)";

/// The applicant rated it "Chưa hài lòng" (the complaint side of Decision 766's satisfaction figure).
pub const COMPLAINED: &str =
    "EXISTS (SELECT 1 FROM ratings t WHERE t.dossier_id = d.id AND t.overall = 'unsatisfied')";

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_period_runs_from_office_midnight_to_the_next_midnight_after_its_last_day() {
        let p = Period::new(date!(2026 - 01 - 01), date!(2026 - 01 - 31));
        assert_eq!(p.from, "2025-12-31T17:00:00.000Z");
        assert_eq!(p.to, "2026-01-31T17:00:00.000Z");
    }
}
