//! Carrying out a transition's effects on the dossier row: the code and register entry, the statutory clock
//! (start, stop and restart from zero, pause and resume), unit and assignee, consultations, the extension, the
//! outcome, and the notices to the applicant. Returns the details written into the event.

use rusqlite::Connection;
use serde_json::{Map, Value, json};
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::domain::calendar::{WorkCalendar, from_local, to_local};
use crate::domain::catalogue::{Procedure, TimeUnit};
use crate::domain::dossier::{Action, Effect, Outcome, Stage, Transition, format_dossier_code};
use crate::domain::org::AgencyCode;
use crate::domain::role::Role;
use crate::store::dossiers::{self, DossierRow};
use crate::store::{format_time, org, parse_time, staff};

use super::{Acting, DossierSettings};
use crate::services::{Context, ServiceError};

fn stored(t: PrimitiveDateTime) -> String {
    format_time(from_local(t))
}

fn local(text: Option<&str>) -> Option<PrimitiveDateTime> {
    text.and_then(parse_time).map(to_local)
}

/// The appointment for a clock started at `start`: the statutory processing time in working days or hours.
pub(crate) fn due_from(
    calendar: &WorkCalendar,
    procedure: &Procedure,
    start: PrimitiveDateTime,
) -> PrimitiveDateTime {
    let amount = i64::from(procedure.processing_time.amount);
    match procedure.processing_time.unit {
        TimeUnit::WorkingDays => calendar.add_working_days(start, amount),
        TimeUnit::WorkingHours => calendar.add_working_hours(start, amount),
    }
}

/// Parses a date typed by staff (`YYYY-MM-DD`, meaning the end of that day's office hours) or a local time
/// (`YYYY-MM-DDTHH:MM`).
pub(crate) fn parse_local_moment(raw: &str, calendar: &WorkCalendar) -> Option<PrimitiveDateTime> {
    use time::macros::format_description;
    let raw = raw.trim();
    if let Ok(t) = PrimitiveDateTime::parse(
        raw,
        format_description!("[year]-[month]-[day]T[hour]:[minute]"),
    ) {
        return Some(t);
    }
    let day = time::Date::parse(raw, format_description!("[year]-[month]-[day]")).ok()?;
    let close = calendar.hours().periods().last().map(|p| p.1)?;
    Some(PrimitiveDateTime::new(day, close))
}

fn start_clock(
    row: &mut DossierRow,
    calendar: &WorkCalendar,
    procedure: &Procedure,
    now: OffsetDateTime,
) {
    let start = calendar.next_working_moment(to_local(now));
    let due = due_from(calendar, procedure, start);
    row.clock_started_at = Some(format_time(now));
    row.due_at = Some(stored(due));
    row.original_due_at = row.due_at.clone();
    row.paused_at = None;
}

/// Carries out every effect and returns the event's `data`.
#[allow(clippy::too_many_arguments)]
pub(super) fn carry_out(
    tx: &Connection,
    ctx: &Context,
    settings: &DossierSettings,
    acting: &Acting,
    row: &mut DossierRow,
    transition: &Transition,
    action: &Action,
    procedure: &Procedure,
    calendar: &WorkCalendar,
) -> Result<Value, ServiceError> {
    let now = ctx.now;
    let now_local = to_local(now);
    let mut data = details(action);
    let moves = transition.to.as_str() != row.stage;
    if let Some(step_due) = local(row.step_due_at.as_deref()).filter(|_| moves) {
        data.insert(
            "step_outcome".into(),
            json!(Outcome::of(now_local, step_due).as_str()),
        );
    }
    if let Action::Forward { to_agency, due, .. } = action {
        let known = org::list_agencies(tx)?
            .iter()
            .any(|a| &a.code == to_agency && a.code != row.agency_code);
        if !known {
            return Err(ServiceError::field("to_agency", "agency.unknown"));
        }
        if !due.is_empty() {
            let due = parse_local_moment(due, calendar)
                .filter(|d| *d > now_local)
                .ok_or_else(|| ServiceError::field("due_at", "due.invalid"))?;
            data.insert("due_at".into(), json!(stored(due)));
        }
    }
    for effect in &transition.effects {
        match effect {
            Effect::Receive => {
                let missing: Vec<String> = dossiers::components(tx, row.id)?
                    .into_iter()
                    .filter(|c| c.required && !c.provided)
                    .map(|c| c.name)
                    .collect();
                if !missing.is_empty() {
                    return Err(ServiceError::Refused("dossier.components_missing"));
                }
                let agency = AgencyCode::parse(&row.agency_code)
                    .map_err(|_| ServiceError::Refused("dossier.agency_code_invalid"))?;
                let day = now_local.date();
                let yymmdd = format!(
                    "{:02}{:02}{:02}",
                    day.year().rem_euclid(100),
                    u8::from(day.month()),
                    day.day()
                );
                let seq = dossiers::next_code_number(tx, agency.as_str(), &yymmdd)?;
                if seq > 9999 {
                    return Err(ServiceError::Refused("dossier.code_exhausted"));
                }
                row.code = Some(format_dossier_code(&agency, day, seq));
                row.received_at = Some(format_time(now));
                row.received_by = match &acting.actor {
                    crate::domain::dossier::Actor::Staff { id, .. } => Some(*id),
                    _ => None,
                };
                start_clock(row, calendar, procedure, now);
                row.transfer_due_at = Some(stored(calendar.transfer_due(now_local)));
                row.register_year = Some(i64::from(day.year()));
                row.register_no = Some(dossiers::next_register_number(tx, day.year())?);
            }
            Effect::CountSupplement { at_receipt } => {
                if *at_receipt {
                    row.receipt_supplements += 1;
                } else {
                    row.supplements += 1;
                }
            }
            Effect::StopClock => {
                row.due_at = None;
                row.paused_at = Some(format_time(now));
            }
            Effect::RestartClock => {
                start_clock(row, calendar, procedure, now);
                dossiers::mark_all_provided(tx, row.id)?;
            }
            Effect::PauseClock => row.paused_at = Some(format_time(now)),
            Effect::ResumeClock => {
                if let (Some(paused), Some(due)) = (
                    local(row.paused_at.as_deref()),
                    local(row.due_at.as_deref()),
                ) {
                    let waited = calendar.working_minutes_between(paused, now_local);
                    row.due_at = Some(stored(calendar.add_working_minutes(due, waited)));
                    data.insert("clock_paused_minutes".into(), json!(waited));
                }
                row.paused_at = None;
            }
            Effect::SetUnit(code) => {
                let unit = org::list_units(tx)?
                    .into_iter()
                    .find(|u| &u.code == code && u.agency_code == row.agency_code)
                    .ok_or_else(|| ServiceError::field("to_unit", "unit.unknown"))?;
                row.unit_code = Some(unit.code);
                if row.transferred_at.is_none() {
                    row.transferred_at = Some(format_time(now));
                    let late = local(row.transfer_due_at.as_deref()).is_some_and(|d| now_local > d);
                    data.insert("transfer_late".into(), json!(late));
                }
            }
            Effect::SetAssignee(id) => {
                let person = staff::get(tx, crate::domain::ids::StaffId(*id))
                    .map_err(|_| ServiceError::field("to_user", "assignee.invalid"))?;
                let fits = person.roles.contains(&Role::Specialist)
                    && person.unit_code.is_some()
                    && person.unit_code == row.unit_code
                    && person.locked_at.is_none();
                if !fits {
                    return Err(ServiceError::field("to_user", "assignee.invalid"));
                }
                row.assignee_id = Some(*id);
                data.insert("assignee".into(), json!(person.full_name));
            }
            Effect::ClearAssignee => row.assignee_id = None,
            Effect::OpenConsultation => {
                if let Action::Consult {
                    agencies,
                    content,
                    due,
                } = action
                {
                    let due = parse_local_moment(due, calendar)
                        .filter(|d| *d > now_local)
                        .ok_or_else(|| ServiceError::field("due_at", "due.invalid"))?;
                    dossiers::open_consultation(
                        tx,
                        row.id,
                        &agencies.join(", "),
                        content,
                        &stored(due),
                        &ctx.now_text(),
                    )?;
                    data.insert("due_at".into(), json!(stored(due)));
                }
            }
            Effect::CloseConsultation => {
                let reply = match action {
                    Action::ConsultReply { reply } => reply.as_str(),
                    _ => "",
                };
                dossiers::close_consultation(tx, row.id, reply, &ctx.now_text())?;
            }
            Effect::SetFee(amount) => row.fee_due_vnd = Some(*amount),
            Effect::Extend => {
                let Action::Extend { new_due, .. } = action else {
                    continue;
                };
                let current = local(row.due_at.as_deref());
                let new_due = parse_local_moment(new_due, calendar)
                    .filter(|d| current.is_none_or(|c| *d > c) && *d > now_local)
                    .ok_or_else(|| ServiceError::field("new_due_at", "new_due.not_later"))?;
                data.insert("previous_due_at".into(), json!(row.due_at));
                row.due_at = Some(stored(new_due));
                row.extended = true;
                data.insert("new_due_at".into(), json!(row.due_at));
            }
            Effect::Finish { approved } => {
                row.finished_at = Some(format_time(now));
                row.decision = Some(if *approved { "approved" } else { "rejected" }.to_owned());
                if let Some(due) = local(row.due_at.as_deref()) {
                    row.outcome = Some(Outcome::of(now_local, due).as_str().to_owned());
                }
            }
            Effect::Close => {
                row.active = false;
                if transition.to == Stage::Returned {
                    row.returned_at = Some(format_time(now));
                } else {
                    row.finished_at = Some(format_time(now));
                }
            }
            Effect::MarkResultNotified => row.result_notified_at = Some(format_time(now)),
            Effect::Notify(notice) => {
                let sent = super::notices::send(tx, ctx, settings, row, *notice, &data)?;
                data.insert("notified".into(), json!(sent));
            }
        }
    }
    Ok(Value::Object(data))
}

/// The details of an action kept in its event, for the forms built from the history.
fn details(action: &Action) -> Map<String, Value> {
    let value = match action {
        Action::Refuse { reason } | Action::Reject { reason } | Action::Stop { reason } => {
            json!({"reason": reason})
        }
        Action::RequestSupplement {
            reason,
            items,
            acknowledge_late,
        } => json!({"reason": reason, "items": items, "late": acknowledge_late}),
        Action::Assign { to_user } => json!({"to_user": to_user}),
        Action::Transfer { to_unit } => json!({"to_unit": to_unit}),
        Action::Consult {
            agencies, content, ..
        } => json!({"agencies": agencies, "content": content}),
        Action::ConsultReply { reply } => json!({"reply": reply}),
        Action::Forward {
            to_agency,
            task,
            due,
        } => json!({"to_agency": to_agency, "task": task, "due": due}),
        Action::RequestPayment { amount } => json!({"amount": amount}),
        Action::RecordPayment { method } => json!({"method": method}),
        Action::Extend { reason, new_due } => json!({"reason": reason, "requested_due": new_due}),
        Action::NotifyApplicant { how } => json!({"method": how}),
        _ => json!({}),
    };
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The free text shown in the history line.
pub(super) fn comment_of(action: &Action) -> String {
    match action {
        Action::Refuse { reason }
        | Action::Reject { reason }
        | Action::Stop { reason }
        | Action::Withdraw { reason }
        | Action::RequestSupplement { reason, .. }
        | Action::Extend { reason, .. } => reason.clone(),
        Action::Consult { content, .. } => content.clone(),
        Action::ConsultReply { reply } => reply.clone(),
        Action::Forward { task, .. } => task.clone(),
        Action::NotifyApplicant { how } | Action::RecordPayment { method: how } => how.clone(),
        _ => String::new(),
    }
}

/// Sets the step deadline for the stage just entered from the procedure's internal workflow: the officer's first
/// step at receipt, the head's assignment step, the specialist's appraisal, the signing steps, the officer's last
/// step for the return.
pub(super) fn enter_step(
    row: &mut DossierRow,
    stage: Stage,
    procedure: &Procedure,
    calendar: &WorkCalendar,
    now: OffsetDateTime,
) {
    row.step_due_at = crate::domain::dossier::step_hours(stage, &procedure.workflow)
        .map(|h| stored(calendar.add_working_hours(to_local(now), i64::from(h))));
}
