//! Store: the facts the service-quality evaluation (Circular 01/2018 Arts 12-15) is scored from, read with the shared
//! report conditions of [`super::reports`] so that "resolved in the quarter" or "late" means here exactly what it
//! means in the processing report; and the evaluations published on the portal.
//!
//! Every pass starts from the period (`dossiers_by_finished` for dossiers resolved in it, `dossiers_by_received`
//! for those received in it); the agency and the unit only thin it.

use rusqlite::{Connection, OptionalExtension, named_params, params};

use super::StoreError;
use super::reports::{
    COMPLAINED, IN_PROGRESS_AT_END, ONLINE, OVERDUE_AT_END, Period, RECEIVED_IN, RESOLVED_EARLY,
    RESOLVED_IN, RESOLVED_LATE, RESOLVED_ON_TIME, SUPPLEMENT_REQUESTS,
};

/// Whose dossiers are evaluated: one agency's, or a unit head's own unit's within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope<'a> {
    pub agency: &'a str,
    pub unit: Option<&'a str>,
}

/// The filter every pass adds for a [`Scope`].
const IN_SCOPE: &str = "(d.agency_code = :agency AND (:unit IS NULL OR d.unit_code = :unit))";

/// A staff member named on a dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRef {
    pub id: i64,
    pub name: String,
}

/// One dossier resolved in the period, with the plain facts its indices are scored from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedDossier {
    pub id: i64,
    pub code: String,
    pub procedure_name: String,
    pub finished_at: String,
    /// `early`, `on_time` or `late` as the processing report counts it (more than one supplement: late).
    pub outcome: String,
    pub supplement_requests: i64,
    /// A supplement request whose event records `applicant_at_fault: true`.
    pub applicant_at_fault: bool,
    /// Distinct agencies the dossier was sent to through inter-agency hops (`forward` events).
    pub forwarded_agencies: i64,
    /// The applicant rated it "Chưa hài lòng".
    pub complaint: bool,
    /// The applicant's rating indices as stored (`{"i1": 2, …}`), when they rated it.
    pub rating_indices: Option<String>,
    /// The specialist it was assigned to for processing.
    pub assignee: Option<StaffRef>,
    /// The one-stop officer who received it.
    pub receiver: Option<StaffRef>,
}

fn staff_ref(id: Option<i64>, name: Option<String>) -> Option<StaffRef> {
    Some(StaffRef {
        id: id?,
        name: name?,
    })
}

/// The dossiers resolved in the period, oldest end first.
pub fn list_resolved(
    conn: &Connection,
    period: &Period,
    scope: Scope<'_>,
) -> Result<Vec<ResolvedDossier>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT d.id, coalesce(d.code, d.public_id), d.procedure_name, d.finished_at,
                CASE WHEN {RESOLVED_EARLY} THEN 'early' WHEN {RESOLVED_ON_TIME} THEN 'on_time' ELSE 'late' END,
                {SUPPLEMENT_REQUESTS},
                EXISTS (SELECT 1 FROM dossier_events e WHERE e.dossier_id = d.id
                        AND e.action = 'request_supplement'
                        AND json_extract(e.data, '$.applicant_at_fault') = 1),
                (SELECT count(DISTINCT json_extract(e.data, '$.to_agency')) FROM dossier_events e
                  WHERE e.dossier_id = d.id AND e.action = 'forward'),
                {COMPLAINED}, g.indices,
                d.assignee_id, a.full_name, d.received_by, r.full_name
         FROM dossiers d
         LEFT JOIN ratings g ON g.dossier_id = d.id
         LEFT JOIN staff a ON a.id = d.assignee_id
         LEFT JOIN staff r ON r.id = d.received_by
         WHERE {RESOLVED_IN} AND {IN_SCOPE}
         ORDER BY d.finished_at, d.id"
    ))?;
    let rows = stmt.query_map(
        named_params! {":from": period.from, ":to": period.to, ":agency": scope.agency, ":unit": scope.unit},
        |r| {
            Ok(ResolvedDossier {
                id: r.get(0)?,
                code: r.get(1)?,
                procedure_name: r.get(2)?,
                finished_at: r.get(3)?,
                outcome: r.get(4)?,
                supplement_requests: r.get(5)?,
                applicant_at_fault: r.get(6)?,
                forwarded_agencies: r.get(7)?,
                complaint: r.get(8)?,
                rating_indices: r.get(9)?,
                assignee: staff_ref(r.get(10)?, r.get(11)?),
                receiver: staff_ref(r.get(12)?, r.get(13)?),
            })
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The `step_outcome` of every hand-over of the dossiers resolved in the period, as (dossier id, outcome).
pub fn list_step_outcomes(
    conn: &Connection,
    period: &Period,
    scope: Scope<'_>,
) -> Result<Vec<(i64, String)>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT e.dossier_id, json_extract(e.data, '$.step_outcome')
         FROM dossiers d JOIN dossier_events e ON e.dossier_id = d.id
         WHERE {RESOLVED_IN} AND {IN_SCOPE} AND json_extract(e.data, '$.step_outcome') IS NOT NULL
         ORDER BY e.dossier_id, e.id"
    ))?;
    let rows = stmt.query_map(
        named_params! {":from": period.from, ":to": period.to, ":agency": scope.agency, ":unit": scope.unit},
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One procedure with dossiers resolved in the period: how they went through the one-stop section (index 5) and
/// how the procedure is published (index 6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureFacts {
    pub procedure_code: String,
    /// Every dossier stayed at the one-stop section: never transferred to a unit nor forwarded to an agency.
    pub whole_at_one_stop: bool,
    /// Every dossier was received by a one-stop officer.
    pub received_at_one_stop: bool,
    /// A version is published in the portal's catalogue now.
    pub published: bool,
    /// The published version offers its forms electronically: template files or an online e-form.
    pub electronic: bool,
}

/// The procedures of the dossiers resolved in the period.
pub fn list_procedure_facts(
    conn: &Connection,
    period: &Period,
    scope: Scope<'_>,
) -> Result<Vec<ProcedureFacts>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT p.code, p.whole, p.received,
                EXISTS (SELECT 1 FROM procedure_versions v WHERE v.procedure_code = p.code AND v.state = 'published'),
                EXISTS (SELECT 1 FROM procedure_versions v WHERE v.procedure_code = p.code AND v.state = 'published'
                        AND (coalesce(json_array_length(v.body, '$.templates'), 0) > 0
                             OR coalesce(json_array_length(v.body, '$.form'), 0) > 0))
         FROM (SELECT d.procedure_code AS code,
                      min(NOT EXISTS (SELECT 1 FROM dossier_events e WHERE e.dossier_id = d.id
                                      AND e.action IN ('transfer', 'forward'))) AS whole,
                      min(d.received_by IS NOT NULL) AS received
               FROM dossiers d WHERE {RESOLVED_IN} AND {IN_SCOPE}
               GROUP BY d.procedure_code) p
         ORDER BY p.code"
    ))?;
    let rows = stmt.query_map(
        named_params! {":from": period.from, ":to": period.to, ":agency": scope.agency, ":unit": scope.unit},
        |r| {
            Ok(ProcedureFacts {
                procedure_code: r.get(0)?,
                whole_at_one_stop: r.get(1)?,
                received_at_one_stop: r.get(2)?,
                published: r.get(3)?,
                electronic: r.get(4)?,
            })
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The counts behind index 9 (online services).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OnlineCounts {
    /// Published procedures at the agency's level, and how many are offered online (fully or partly).
    pub procedures: i64,
    pub online_procedures: i64,
    /// Dossiers received in the period, and how many of them online.
    pub dossiers: i64,
    pub online_dossiers: i64,
    /// Online dossiers resolved late in the period, or still open past their appointment at its end.
    pub online_late: i64,
}

/// Counts online services for an agency of `level` (`province`, `district`, `commune`).
pub fn online_counts(
    conn: &Connection,
    period: &Period,
    scope: Scope<'_>,
    level: &str,
) -> Result<OnlineCounts, StoreError> {
    let (procedures, online_procedures) = conn
        .prepare_cached(
            "SELECT count(*), coalesce(sum(service_level IN ('full', 'partial')), 0)
             FROM procedure_versions WHERE state = 'published' AND level = ?1",
        )?
        .query_row([level], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let (dossiers, online_dossiers) = conn
        .prepare_cached(&format!(
            "SELECT count(*), coalesce(sum({ONLINE}), 0) FROM dossiers d WHERE {RECEIVED_IN} AND {IN_SCOPE}"
        ))?
        .query_row(
            named_params! {":from": period.from, ":to": period.to, ":agency": scope.agency, ":unit": scope.unit},
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
    // Two passes rather than one OR, so the first seeks the period on `dossiers_by_finished`; they cannot overlap
    // (one ended before the period's end, the other did not).
    let online_late = conn
        .prepare_cached(&format!(
            "SELECT (SELECT count(*) FROM dossiers d
                     WHERE {RESOLVED_IN} AND {ONLINE} AND {IN_SCOPE} AND {RESOLVED_LATE})
                  + (SELECT count(*) FROM dossiers d
                     WHERE {IN_PROGRESS_AT_END} AND {OVERDUE_AT_END} AND {ONLINE} AND {IN_SCOPE})"
        ))?
        .query_row(
            named_params! {":from": period.from, ":to": period.to, ":agency": scope.agency, ":unit": scope.unit},
            |r| r.get(0),
        )?;
    Ok(OnlineCounts {
        procedures,
        online_procedures,
        dossiers,
        online_dossiers,
        online_late,
    })
}

/// A published evaluation: the agency-level figures as they stood when published (JSON `body`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicationRow {
    pub period: String,
    pub agency_code: String,
    pub published_at: String,
    pub published_by: String,
    pub body: String,
}

/// Stores a publication, replacing the earlier one of the same period and agency: the portal shows one
/// evaluation per period, the latest one an authorised person stood behind.
pub fn upsert_publication(conn: &Connection, p: &PublicationRow) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO evaluation_publications(period, agency_code, published_at, published_by, body)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(period, agency_code) DO UPDATE SET
           published_at = excluded.published_at, published_by = excluded.published_by, body = excluded.body",
    )?
    .execute(params![
        p.period,
        p.agency_code,
        p.published_at,
        p.published_by,
        p.body
    ])?;
    Ok(())
}

fn publication(r: &rusqlite::Row<'_>) -> rusqlite::Result<PublicationRow> {
    Ok(PublicationRow {
        period: r.get(0)?,
        agency_code: r.get(1)?,
        published_at: r.get(2)?,
        published_by: r.get(3)?,
        body: r.get(4)?,
    })
}

/// Every publication, latest period first (`2027` sorts before `2026-Q4`, and a year after its quarters).
pub fn list_publications(conn: &Connection) -> Result<Vec<PublicationRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT period, agency_code, published_at, published_by, body FROM evaluation_publications
         ORDER BY period DESC, agency_code",
    )?;
    let rows = stmt.query_map([], publication)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The publication of one period and agency, if there is one.
pub fn find_publication(
    conn: &Connection,
    period: &str,
    agency: &str,
) -> Result<Option<PublicationRow>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT period, agency_code, published_at, published_by, body FROM evaluation_publications
             WHERE period = ?1 AND agency_code = ?2",
        )?
        .query_row([period, agency], publication)
        .optional()?)
}
