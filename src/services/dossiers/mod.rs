//! Dossier intake and lifecycle actions. Each call is one write transaction: it reads the dossier and the
//! procedure version it was received under, asks `domain::dossier::apply` whether the action is allowed, carries
//! out the effects (code, clock, register, notices) and appends the event and the audit entry, or changes nothing.

pub mod archive;
pub mod archive_package;
pub mod documents;
mod effects;
pub mod exchange;
pub mod intake;
mod notices;
pub mod portal_notices;

use rusqlite::Connection;
use serde_json::json;
use time::OffsetDateTime;

use crate::domain::calendar::{WorkCalendar, to_local};
use crate::domain::catalogue::Procedure;
use crate::domain::dossier::{
    Action, ActionInput, Actor, Facts, Stage, Status, TransitionError, apply,
};
use crate::services::notify::NotifierWake;
use crate::store::audit::Outcome;
use crate::store::dossiers::{self, DossierRow, EventRow};
use crate::store::idempotency::{self, IdempotencyKey};
use crate::store::{Db, parse_time, procedures};

use super::{Context, ServiceError};

pub use intake::{IntakeInput, intake};

/// Who is acting, resolved by the web layer from the session or token.
#[derive(Debug, Clone)]
pub struct Acting {
    pub actor: Actor,
    /// The name written in the history ("Nguyễn Thị Hoa", "Cổng DVC tỉnh").
    pub name: String,
    /// `staff:<id>`, `citizen:<ref>` or `token:<name>`.
    pub reference: String,
    /// The actor's unit, recorded with each event.
    pub unit: Option<String>,
}

/// Settings the lifecycle needs from the boot configuration.
#[derive(Clone)]
pub struct DossierSettings {
    /// Base URL of the public lookup for links in notices and the QR code of Form 01.
    pub public_url: Option<String>,
    /// Send SMS text without diacritics (cheaper, readable on every phone).
    pub sms_ascii: bool,
    /// Woken after a committed change queued notices, so they leave at once rather than at the next poll.
    pub notifier: NotifierWake,
}

impl Default for DossierSettings {
    /// No public URL, ASCII SMS.
    fn default() -> Self {
        Self::new(None, true, NotifierWake::default())
    }
}

impl DossierSettings {
    pub fn new(public_url: Option<String>, sms_ascii: bool, notifier: NotifierWake) -> Self {
        Self {
            public_url,
            sms_ascii,
            notifier,
        }
    }
}

impl From<TransitionError> for ServiceError {
    fn from(e: TransitionError) -> Self {
        match e {
            TransitionError::NotPermitted => ServiceError::Forbidden,
            other => ServiceError::Refused(other.code()),
        }
    }
}

/// The procedure version a dossier was received under.
pub fn procedure_of(conn: &Connection, d: &DossierRow) -> Result<Procedure, ServiceError> {
    procedures::version(conn, &d.procedure_code, d.procedure_version)?
        .map(|v| v.body)
        .ok_or(ServiceError::NotFound)
}

fn local(text: &Option<String>) -> Option<time::PrimitiveDateTime> {
    text.as_deref().and_then(parse_time).map(to_local)
}

/// A procedure whose result is given at the counter (no processing time), so the officer may complete it at once.
pub fn is_immediate(procedure: &Procedure) -> bool {
    procedure.immediate_result || procedure.processing_time.amount == 0
}

/// Whether the procedure version a dossier was received under gives its result at once.
pub fn immediate_for(conn: &Connection, d: &DossierRow) -> Result<bool, crate::store::StoreError> {
    Ok(
        procedures::version(conn, &d.procedure_code, d.procedure_version)?
            .is_some_and(|v| is_immediate(&v.body)),
    )
}

/// Working days after receipt within which the competent unit may ask for a supplement (Decree 61 Art. 19(4)),
/// unless the procedure sets its own period.
pub const SUPPLEMENT_WINDOW_DAYS: i64 = 3;

/// Whether the competent unit may still ask for a supplement: within the procedure's period (three working
/// days by default, Decree 61 Art. 19(4)) counted from receipt.
pub fn supplement_window_open(
    d: &DossierRow,
    procedure: &Procedure,
    calendar: &WorkCalendar,
    now: OffsetDateTime,
) -> bool {
    match local(&d.received_at) {
        Some(received) => {
            let days = procedure
                .supplement_days
                .map_or(SUPPLEMENT_WINDOW_DAYS, i64::from);
            to_local(now) <= calendar.add_working_days(received, days)
        }
        None => true,
    }
}

/// The facts the rules need, read inside the transaction.
fn facts(
    d: &DossierRow,
    procedure: &Procedure,
    calendar: &WorkCalendar,
    now: OffsetDateTime,
) -> Result<Facts, ServiceError> {
    let stage =
        Stage::parse(&d.stage).ok_or_else(|| anyhow::anyhow!("unknown stage {}", d.stage))?;
    let supplement_window_open = supplement_window_open(d, procedure, calendar, now);
    Ok(Facts {
        stage,
        resume: d.resume_stage.as_deref().and_then(Stage::parse),
        unit: d.unit_code.clone(),
        assignee: d.assignee_id,
        immediate_result: is_immediate(procedure),
        receipt_supplements: u32::try_from(d.receipt_supplements).unwrap_or(u32::MAX),
        extended: d.extended,
        result_notified: d.result_notified_at.is_some(),
        before_due: d
            .due_at
            .as_deref()
            .and_then(parse_time)
            .is_some_and(|due| to_local(now).date() < to_local(due).date()),
        supplement_window_open,
    })
}

/// Applies one action to a loaded dossier inside the caller's transaction; used by [`act`] and by intake (a
/// counter dossier is created and received in one transaction).
pub(crate) fn act_in_tx(
    tx: &Connection,
    ctx: &Context,
    settings: &DossierSettings,
    acting: &Acting,
    mut row: DossierRow,
    procedure: &Procedure,
    action: &Action,
) -> Result<DossierRow, ServiceError> {
    // The applicant's side (a citizen account, or the integration that relayed the submission) acts only on
    // the dossiers it submitted.
    if matches!(acting.actor, Actor::Owner | Actor::Integration)
        && row.owner_ref.as_deref() != Some(acting.reference.as_str())
    {
        return Err(ServiceError::Forbidden);
    }
    let calendar = super::calendar::load(tx)?;
    let facts = facts(&row, procedure, &calendar, ctx.now)?;
    let transition = apply(&facts, action, &acting.actor)?;
    let data = effects::carry_out(
        tx,
        ctx,
        settings,
        acting,
        &mut row,
        &transition,
        action,
        procedure,
        &calendar,
    )?;
    if transition.to != facts.stage {
        effects::enter_step(&mut row, transition.to, procedure, &calendar, ctx.now);
    }
    row.stage = transition.to.as_str().to_owned();
    row.resume_stage = transition.resume.map(|s| s.as_str().to_owned());
    row.status = i64::from(transition.to.status().code());
    row.active = row.active && transition.to.is_active();
    row.updated_at = ctx.now_text();
    dossiers::update(tx, &row)?;
    if row.status != facts.stage.status().code() as i64 {
        portal_notices::on_status(tx, &row, &row.updated_at)?;
    }
    let kind = action.kind();
    dossiers::insert_event(
        tx,
        row.id,
        &EventRow {
            id: 0,
            at: ctx.now_text(),
            actor: acting.name.clone(),
            actor_ref: acting.reference.clone(),
            unit_code: acting.unit.clone(),
            action: kind.as_str().to_owned(),
            stage: row.stage.clone(),
            status: row.status,
            comment: effects::comment_of(action),
            data: data.to_string(),
        },
    )?;
    let object = row.code.clone().unwrap_or_else(|| row.public_id.clone());
    ctx.audit(
        tx,
        "dossier.action",
        &object,
        Outcome::Ok,
        &json!({"action": kind.as_str(), "stage": row.stage}).to_string(),
    )?;
    Ok(row)
}

/// The dossier an earlier request with the same idempotency key produced, if there was one; a key reused with
/// another body is refused.
pub(crate) fn replay(
    tx: &Connection,
    key: Option<&IdempotencyKey>,
) -> Result<Option<DossierRow>, ServiceError> {
    let Some(key) = key else { return Ok(None) };
    match idempotency::find(tx, key)? {
        None => Ok(None),
        Some((hash, _)) if hash != key.request_hash => {
            Err(ServiceError::Refused("idempotency.key_reused"))
        }
        Some((_, result)) => Ok(dossiers::find(tx, &result)?),
    }
}

pub(crate) fn remember(
    tx: &Connection,
    key: Option<&IdempotencyKey>,
    row: &DossierRow,
    at: &str,
) -> Result<(), ServiceError> {
    if let Some(key) = key {
        idempotency::record(tx, key, &row.public_id, at)?;
    }
    Ok(())
}

/// Takes one lifecycle action on the dossier named by `reference` (its code or public id).
pub async fn act(
    db: &Db,
    ctx: &Context,
    settings: &DossierSettings,
    acting: &Acting,
    reference: &str,
    input: ActionInput,
    idem: Option<IdempotencyKey>,
) -> Result<DossierRow, ServiceError> {
    let action = Action::parse(&input).map_err(ServiceError::Invalid)?;
    let checklist =
        (action == Action::Receive && !input.components.is_empty()).then_some(input.components);
    let wake = settings.notifier.clone();
    let (ctx, settings, acting, reference) = (
        ctx.clone(),
        settings.clone(),
        acting.clone(),
        reference.to_owned(),
    );
    let row = db
        .write(move |tx| {
            if let Some(done) = replay(tx, idem.as_ref())? {
                return Ok(done);
            }
            let row = dossiers::find(tx, &reference)?.ok_or(ServiceError::NotFound)?;
            if let Some(positions) = &checklist
                && row.stage == Stage::Registered.as_str()
            {
                dossiers::set_provided(tx, row.id, positions)?;
            }
            // Results are digitised on return (Decree 61 Art. 25 as amended by Decree 107/2021): the result, or
            // the refusal, is on file before it is handed over.
            if action == Action::ReturnResult
                && !dossiers::documents(tx, row.id)?
                    .iter()
                    .any(|d| d.kind == "result")
            {
                return Err(ServiceError::Refused("dossier.result_not_digitised"));
            }
            let procedure = procedure_of(tx, &row)?;
            let row = act_in_tx(tx, &ctx, &settings, &acting, row, &procedure, &action)?;
            remember(tx, idem.as_ref(), &row, &ctx.now_text())?;
            Ok::<_, ServiceError>(row)
        })
        .await?;
    wake.wake();
    Ok(row)
}

/// Whether a dossier is overdue at `now`: its clock runs and its due time has passed. Never a status.
pub fn is_overdue(d_status: i64, due_at: Option<&str>, now: OffsetDateTime) -> bool {
    let running = matches!(
        Status::from_code(d_status),
        Some(Status::Received | Status::Processing)
    );
    running && due_at.and_then(parse_time).is_some_and(|due| due < now)
}

/// Who may read a dossier: one-stop officers and agency leaders see every dossier of the office; unit heads and
/// specialists see those their unit holds or that are assigned to them; archivists see every closed dossier (and
/// no active one); integrations read what their scope allows (checked by the caller). Administrators manage the
/// system, not dossiers. A citizen's own dossiers are matched by account, not by this rule.
pub fn may_view(actor: &Actor, row: &DossierRow) -> bool {
    may_see(
        actor,
        row.unit_code.as_deref(),
        row.assignee_id,
        !row.active,
    )
}

/// [`may_view`] for a listed row: where the dossier is, who holds it and whether it is closed (refused,
/// withdrawn, stopped or returned).
pub fn may_see(
    actor: &Actor,
    unit_code: Option<&str>,
    assignee: Option<i64>,
    closed: bool,
) -> bool {
    use crate::domain::role::Role;
    match actor {
        Actor::Staff { id, roles, unit } => {
            sees_all(actor)
                || assignee == Some(*id)
                || ((roles.contains(&Role::Head) || roles.contains(&Role::Specialist))
                    && unit.is_some()
                    && unit.as_deref() == unit_code)
                || (closed && roles.contains(&Role::Archivist))
        }
        Actor::Integration => true,
        Actor::Owner | Actor::Stranger => false,
    }
}

/// Whether a staff member reads this dossier only because archivists read every closed dossier: they may read
/// and export it, but take no part in it (no message to the applicant, for one).
pub fn reads_only_as_archivist(actor: &Actor, row: &DossierRow) -> bool {
    may_view(actor, row) && !may_see(actor, row.unit_code.as_deref(), row.assignee_id, false)
}

/// Whether the acting party may read a dossier: staff and integrations by [`may_view`]; a citizen only the
/// dossiers their account submitted, whatever else they know about them (an id or a code).
pub fn may_read(acting: &Acting, row: &DossierRow) -> bool {
    match acting.actor {
        Actor::Owner => row.owner_ref.as_deref() == Some(acting.reference.as_str()),
        _ => may_view(&acting.actor, row),
    }
}

/// Whether a staff member sees every dossier (and so every queue), rather than their unit's and their own.
pub fn sees_all(actor: &Actor) -> bool {
    use crate::domain::role::Role;
    matches!(actor, Actor::Staff { roles, .. } if roles.contains(&Role::Officer) || roles.contains(&Role::Leader))
}
