//! Services: the service-quality evaluation of a quarter or a year (Circular 01/2018/TT-VPCP Arts 12-15) for one
//! agency — every dossier resolved in the period scored on indices 1, 2, 3, 4 and 7, the agency-level indices 5, 6,
//! 8 and 9, the index means, the agency's ranking and each officer's task rating — and its publication on the
//! portal.
//!
//! Computed on demand from the dossiers (never from a stored copy that could go stale); only a publication keeps
//! the figures as they stood, so the public page does not shift under later corrections. How the plain facts are
//! read from the history:
//! - index 1 and 7 take the outcome the processing report counts (early / on time / late, more than one supplement
//!   request counting as late, Decision 766); index 7's complaint is a "Chưa hài lòng" rating;
//! - index 2 takes the `step_outcome` of every hand-over (no step with an allotted time: no data);
//! - index 3 counts supplement requests (at receipt and after) as the office's, unless a request's event records
//!   `applicant_at_fault: true` — nothing records that yet, so today every request is the office's;
//! - index 4 counts the bodies the applicant had to deal with: the one-stop section when they were asked to
//!   complete the dossier, plus each distinct agency the dossier was forwarded to (liên thông); bodies consulted
//!   (`dossier_consultations`) are the site checks and councils the regulation lets through at 1 point and are not
//!   counted;
//! - the applicant's own score for index 1, 3, 4 or 7 in their rating replaces the computed one (Art. 14 names the
//!   applicant's rating as the channel for those four);
//! - an officer is evaluated on every dossier they received at the counter (`received_by`) or processed as the
//!   assigned specialist (`assignee_id`), each dossier once per person.

use std::collections::{BTreeMap, HashMap};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::domain::catalogue::ImplLevel;
use crate::domain::dossier::{Actor, Outcome};
use crate::domain::evaluation::{
    CitizenScores, DossierFacts, DossierScores, EvalPeriod, IndexMean, OfficerRating, OneStopFacts,
    OnlineFacts, PublicationFacts, Ranking, Tenths, index5, index6, index9, means, score_dossier,
    total,
};
use crate::domain::rating::INDICES;
use crate::domain::role::Role;
use crate::domain::text::vietnamese_order;
use crate::store::audit::Outcome as AuditOutcome;
use crate::store::evaluations::{self, PublicationRow, Scope, StaffRef};
use crate::store::reports::Period;
use crate::store::{Db, StoreError, org};

use super::{ReportScope, scope_of};
use crate::services::dossiers::Acting;
use crate::services::{Context, ServiceError};

/// The agency evaluated, and the unit when a unit head sees only their own unit's dossiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub agency_code: String,
    pub agency_name: String,
    pub level: ImplLevel,
    pub unit: Option<String>,
}

/// One resolved dossier and its scores, for the drill-down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierLine {
    pub code: String,
    pub procedure_name: String,
    pub finished_at: String,
    pub assignee: Option<StaffRef>,
    pub receiver: Option<StaffRef>,
    pub scores: DossierScores,
}

/// One officer's means over the dossiers they received or processed, and their task rating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficerLine {
    pub staff_id: i64,
    pub name: String,
    /// Dossiers they received at the counter, and dossiers they processed as the assigned specialist.
    pub received: u32,
    pub processed: u32,
    pub means: [IndexMean; 5],
    pub total: Option<Tenths>,
    pub rating: Option<OfficerRating>,
}

/// One line of the index table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexLine {
    pub index: u8,
    pub name: String,
    /// Scored per dossier (1, 2, 3, 4, 7) or once for the agency (5, 6, 8, 9).
    pub per_dossier: bool,
    /// `None`: no data ("không có dữ liệu"), left out of the total.
    pub score: Option<Tenths>,
    /// For a per-dossier index, how many dossiers had a score.
    pub dossiers_with_data: u32,
}

/// The plain facts behind the agency-level indices, shown beside them so a score can be checked by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitFacts {
    pub one_stop: OneStopFacts,
    pub publication: PublicationFacts,
    pub online: OnlineFacts,
}

/// A whole evaluation of one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub period: EvalPeriod,
    pub subject: Subject,
    pub dossiers: Vec<DossierLine>,
    /// Indices 1 to 9 in order.
    pub indices: Vec<IndexLine>,
    pub total: Option<Tenths>,
    pub ranking: Option<Ranking>,
    pub officers: Vec<OfficerLine>,
    pub facts: UnitFacts,
}

/// What the portal shows of an evaluation: agency-level figures only, never an officer's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedBody {
    pub period: String,
    pub period_label: String,
    pub agency_code: String,
    pub agency_name: String,
    pub dossiers: u32,
    pub indices: Vec<IndexLine>,
    pub total: Option<Tenths>,
    pub ranking: Option<Ranking>,
}

/// A publication as listed on the portal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    pub published_at: String,
    pub body: PublishedBody,
}

fn index_name(index: u8) -> String {
    INDICES
        .get(usize::from(index).saturating_sub(1))
        .map_or_else(String::new, |(_, name, _)| (*name).to_owned())
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn non_negative(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// Resolves whose dossiers `acting` may evaluate: leaders and one-stop officers any agency (the office's top agency
/// by default), a unit head their own unit within its agency; anyone else nothing.
pub fn subject_for(
    conn: &Connection,
    acting: &Acting,
    agency: Option<&str>,
) -> Result<Subject, ServiceError> {
    let (code, unit) = match scope_of(&acting.actor).ok_or(ServiceError::Forbidden)? {
        ReportScope::Office => match agency.map(str::trim).filter(|a| !a.is_empty()) {
            Some(code) => (code.to_owned(), None),
            None => (org::top_agency(conn)?.ok_or(ServiceError::NotFound)?, None),
        },
        ReportScope::Unit(unit) => (
            org::agency_of_unit(conn, &unit)?.ok_or(ServiceError::NotFound)?,
            Some(unit),
        ),
    };
    let agency = org::list_agencies(conn)?
        .into_iter()
        .find(|a| a.code == code)
        .ok_or(ServiceError::NotFound)?;
    Ok(Subject {
        level: ImplLevel::parse(&agency.level).unwrap_or(ImplLevel::District),
        agency_code: agency.code,
        agency_name: agency.name,
        unit,
    })
}

fn citizen_scores(indices: Option<&str>) -> CitizenScores {
    let map: BTreeMap<String, u8> = indices
        .and_then(|raw| serde_json::from_str(raw).ok())
        .unwrap_or_default();
    let get = |key: &str| map.get(key).copied();
    CitizenScores {
        i1: get("i1"),
        i3: get("i3"),
        i4: get("i4"),
        i7: get("i7"),
    }
}

/// Scores the period on a connection (a reader for the page, the writer's transaction when publishing).
pub fn evaluate_on(
    conn: &Connection,
    subject: Subject,
    period: EvalPeriod,
) -> Result<Evaluation, StoreError> {
    let bounds = Period::new(period.first_day(), period.last_day());
    let scope = Scope {
        agency: &subject.agency_code,
        unit: subject.unit.as_deref(),
    };
    let mut steps: HashMap<i64, Vec<Outcome>> = HashMap::new();
    for (id, outcome) in evaluations::list_step_outcomes(conn, &bounds, scope)? {
        if let Some(o) = Outcome::parse(&outcome) {
            steps.entry(id).or_default().push(o);
        }
    }
    let mut dossiers = Vec::new();
    for d in evaluations::list_resolved(conn, &bounds, scope)? {
        let supplement_requests = non_negative(d.supplement_requests);
        let facts = DossierFacts {
            outcome: Outcome::parse(&d.outcome).unwrap_or(Outcome::Late),
            steps: steps.remove(&d.id).unwrap_or_default(),
            supplement_requests,
            applicant_at_fault: d.applicant_at_fault,
            agencies_contacted: u32::from(supplement_requests > 0)
                + non_negative(d.forwarded_agencies),
            complaint: d.complaint,
            citizen: citizen_scores(d.rating_indices.as_deref()),
        };
        dossiers.push(DossierLine {
            code: d.code,
            procedure_name: d.procedure_name,
            finished_at: d.finished_at,
            assignee: d.assignee,
            receiver: d.receiver,
            scores: score_dossier(&facts),
        });
    }

    let procedures = evaluations::list_procedure_facts(conn, &bounds, scope)?;
    let n = count(procedures.len());
    let tally = |f: fn(&evaluations::ProcedureFacts) -> bool| {
        count(procedures.iter().filter(|p| f(p)).count())
    };
    let online = evaluations::online_counts(conn, &bounds, scope, subject.level.as_str())?;
    let facts = UnitFacts {
        one_stop: OneStopFacts {
            level: subject.level,
            procedures: n,
            whole_at_one_stop: tally(|p| p.whole_at_one_stop),
            received_and_returned: tally(|p| p.received_at_one_stop),
        },
        publication: PublicationFacts {
            procedures: n,
            published: tally(|p| p.published),
            electronic: tally(|p| p.published && p.electronic),
        },
        online: OnlineFacts {
            procedures: non_negative(online.procedures),
            online_procedures: non_negative(online.online_procedures),
            dossiers: non_negative(online.dossiers),
            online_dossiers: non_negative(online.online_dossiers),
            online_late: non_negative(online.online_late),
        },
    };

    let dossier_means = means(dossiers.iter().map(|d| &d.scores));
    let unit_score = |index: u8| match index {
        5 => index5(&facts.one_stop),
        6 => index6(&facts.publication),
        9 => index9(&facts.online),
        // Index 8 (handling of feedback and petitions): there is no feedback register yet.
        _ => None,
    };
    let indices: Vec<IndexLine> = (1..=9)
        .map(|index| {
            let mean = dossier_means.iter().find(|m| m.index == index);
            IndexLine {
                index,
                name: index_name(index),
                per_dossier: mean.is_some(),
                score: mean.map_or_else(|| unit_score(index).map(Tenths::points), IndexMean::score),
                dossiers_with_data: mean.map_or(0, |m| m.count),
            }
        })
        .collect();
    let agency_total = total(indices.iter().map(|l| l.score));
    let officers = officer_lines(&dossiers);
    Ok(Evaluation {
        period,
        subject,
        ranking: agency_total.map(Ranking::of),
        total: agency_total,
        indices,
        officers,
        dossiers,
        facts,
    })
}

/// Groups the dossiers by the officers who received or processed them, each dossier once per person.
fn officer_lines(dossiers: &[DossierLine]) -> Vec<OfficerLine> {
    struct Acc<'a> {
        name: &'a str,
        received: u32,
        processed: u32,
        scores: Vec<&'a DossierScores>,
    }
    let mut by_id: BTreeMap<i64, Acc<'_>> = BTreeMap::new();
    for d in dossiers {
        let mut people: Vec<&StaffRef> = d.receiver.iter().chain(d.assignee.iter()).collect();
        people.dedup_by_key(|p| p.id);
        for who in people {
            let acc = by_id.entry(who.id).or_insert_with(|| Acc {
                name: &who.name,
                received: 0,
                processed: 0,
                scores: Vec::new(),
            });
            acc.scores.push(&d.scores);
            acc.received += u32::from(d.receiver.as_ref().is_some_and(|r| r.id == who.id));
            acc.processed += u32::from(d.assignee.as_ref().is_some_and(|a| a.id == who.id));
        }
    }
    let mut lines: Vec<OfficerLine> = by_id
        .into_iter()
        .map(|(staff_id, acc)| {
            let m = means(acc.scores.iter().copied());
            let sum = total(m.iter().map(IndexMean::score));
            OfficerLine {
                staff_id,
                name: acc.name.to_owned(),
                received: acc.received,
                processed: acc.processed,
                means: m,
                total: sum,
                rating: sum.map(OfficerRating::of),
            }
        })
        .collect();
    lines.sort_by(|a, b| vietnamese_order(&a.name, &b.name).then(a.staff_id.cmp(&b.staff_id)));
    lines
}

/// Evaluates a period for the agency `acting` may see (see [`subject_for`]).
pub async fn evaluate(
    db: &Db,
    acting: &Acting,
    period: EvalPeriod,
    agency: Option<String>,
) -> Result<Evaluation, ServiceError> {
    let acting = acting.clone();
    db.read(move |c| {
        let subject = subject_for(c, &acting, agency.as_deref())?;
        Ok(evaluate_on(c, subject, period)?)
    })
    .await
}

/// The portal's view of an evaluation: agency-level figures only.
pub fn published_body(e: &Evaluation) -> PublishedBody {
    PublishedBody {
        period: e.period.key(),
        period_label: e.period.label(),
        agency_code: e.subject.agency_code.clone(),
        agency_name: e.subject.agency_name.clone(),
        dossiers: count(e.dossiers.len()),
        indices: e.indices.clone(),
        total: e.total,
        ranking: e.ranking,
    }
}

/// Publishes the agency's evaluation of a finished period on the portal, replacing an earlier publication of the
/// same period: computed and stored in one transaction with its audit entry. Only the agency leader may, because
/// the result is the agency's public statement (Decree 61 Art. 32); a period still running is refused since its
/// ratings may still change.
pub async fn publish(
    db: &Db,
    ctx: &Context,
    acting: &Acting,
    period: EvalPeriod,
    agency: Option<&str>,
) -> Result<PublishedBody, ServiceError> {
    let leader =
        matches!(&acting.actor, Actor::Staff { roles, .. } if roles.contains(&Role::Leader));
    if !leader {
        return Err(ServiceError::Forbidden);
    }
    let today = crate::domain::calendar::to_local(ctx.now).date();
    if period.last_day() >= today {
        return Err(ServiceError::Refused("evaluation.period_open"));
    }
    let (ctx, acting, agency) = (ctx.clone(), acting.clone(), agency.map(str::to_owned));
    db.write(move |tx| {
        let subject = subject_for(tx, &acting, agency.as_deref())?;
        let evaluation = evaluate_on(tx, subject, period)?;
        let body = published_body(&evaluation);
        let json = serde_json::to_string(&body).map_err(|e| ServiceError::Internal(e.into()))?;
        evaluations::upsert_publication(
            tx,
            &PublicationRow {
                period: body.period.clone(),
                agency_code: body.agency_code.clone(),
                published_at: ctx.now_text(),
                published_by: ctx.actor.clone(),
                body: json,
            },
        )?;
        let detail = match (body.total, body.ranking) {
            (Some(t), Some(r)) => format!("{} dossiers, total {t}, {}", body.dossiers, r.label()),
            _ => format!("{} dossiers, no data", body.dossiers),
        };
        let object = format!("{}/{}", body.period, body.agency_code);
        ctx.audit(tx, "evaluation.publish", &object, AuditOutcome::Ok, &detail)?;
        Ok(body)
    })
    .await
}

/// Every published evaluation, latest period first; a body that no longer parses is skipped rather than failing
/// the public page.
pub async fn list_published(db: &Db) -> Result<Vec<Publication>, ServiceError> {
    let rows = db.read(evaluations::list_publications).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let body = serde_json::from_str(&r.body).ok()?;
            Some(Publication {
                published_at: r.published_at,
                body,
            })
        })
        .collect())
}

/// When the period was last published for the agency, if it was.
pub async fn published_at(
    db: &Db,
    period: EvalPeriod,
    agency: String,
) -> Result<Option<String>, ServiceError> {
    let key = period.key();
    Ok(db
        .read(move |c| evaluations::find_publication(c, &key, &agency))
        .await?
        .map(|p| p.published_at))
}
