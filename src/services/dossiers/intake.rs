//! Opening a dossier: at the counter or from the post (channels 1 and 3, by a one-stop officer, usually received
//! in the same transaction) or online (channel 2, from the portal or an integration, waiting in "Mới đăng ký").

use serde::Deserialize;
use serde_json::{Value, json};

use crate::domain::FieldErrors;
use crate::domain::dossier::{
    Action, ActionInput, Actor, Applicant, ApplicantInput, Channel, Stage,
};
use crate::domain::eform;
use crate::domain::role::Role;
use crate::domain::text::clean_line;
use crate::store::audit::Outcome;
use crate::store::dossiers::{self, ComponentRow, DossierRow, EventRow};
use crate::store::idempotency::IdempotencyKey;
use crate::store::{Db, drafts, org, procedures};

use super::documents::PreparedDocument;
use super::{Acting, DossierSettings, act_in_tx, remember, replay};
use crate::services::{Context, ServiceError};

/// What intake needs, from the counter form or `POST /api/v1/dossiers`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IntakeInput {
    /// National procedure code; the published version is used and recorded.
    pub procedure: String,
    /// 1 counter, 2 online, 3 postal.
    pub channel: i64,
    /// The receiving agency's code; defaults to the officer's agency or the office's main agency.
    pub agency: String,
    pub applicant: ApplicantInput,
    /// "Nội dung yêu cầu giải quyết"; defaults to the procedure's name.
    pub subject: String,
    pub sets: Option<i64>,
    /// Positions (from 1) of the components handed in.
    pub components: Vec<i64>,
    pub form_data: Value,
    /// `counter`, `post` or `online`: how the applicant wants the result.
    pub delivery: String,
    pub delivery_address: String,
    /// An action taken at once in the same transaction (the counter's "Tiếp nhận", "Yêu cầu bổ sung", "Từ chối").
    pub then: Option<ActionInput>,
    /// Scanned papers already checked and stored (see `documents::prepare`), recorded in the same transaction.
    #[serde(skip)]
    pub documents: Vec<PreparedDocument>,
    /// The portal draft this submission comes from, removed in the same transaction.
    #[serde(skip)]
    pub draft: Option<i64>,
}

fn channel_allowed(channel: Channel, procedure: &crate::domain::catalogue::Procedure) -> bool {
    match channel {
        Channel::Counter => procedure.channels.counter,
        Channel::Postal => procedure.channels.postal,
        Channel::Online => procedure.channels.online,
    }
}

/// The agency a new dossier belongs to: the officer's, the one named (if the office has it), or the office's
/// top agency.
fn receiving_agency(
    conn: &rusqlite::Connection,
    acting: &Acting,
    named: &str,
) -> Result<String, ServiceError> {
    if let Some(unit) = &acting.unit
        && let Some(agency) = org::agency_of_unit(conn, unit)?
    {
        return Ok(agency);
    }
    let named = named.trim();
    let found = if named.is_empty() {
        org::top_agency(conn)?
    } else {
        org::agency_name(conn, named)?.map(|_| named.to_owned())
    };
    found.ok_or_else(|| ServiceError::field("agency", "agency.unknown"))
}

/// Creates the dossier (and takes the `then` action) in one transaction; nothing is stored if any part fails.
pub async fn intake(
    db: &Db,
    ctx: &Context,
    settings: &DossierSettings,
    acting: &Acting,
    input: IntakeInput,
    idem: Option<IdempotencyKey>,
) -> Result<DossierRow, ServiceError> {
    let mut errors = FieldErrors::new();
    // A citizen submits as themselves: the applicant is their account, whatever the body says (read in the
    // transaction below); everyone else names the applicant.
    let owner = matches!(acting.actor, Actor::Owner);
    let applicant = match Applicant::parse(&input.applicant) {
        _ if owner => None,
        Ok(a) => Some(a),
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    let channel = Channel::from_code(input.channel);
    if channel.is_none() {
        errors.add("channel", "channel.invalid");
    }
    let staff = matches!(acting.actor, Actor::Staff { .. });
    let officer =
        matches!(&acting.actor, Actor::Staff { roles, .. } if roles.contains(&Role::Officer));
    match channel {
        Some(Channel::Online) if staff => errors.add("channel", "channel.online_by_applicant"),
        Some(Channel::Counter | Channel::Postal) if !officer => {
            return Err(ServiceError::Forbidden);
        }
        _ => {}
    }
    let then = match &input.then {
        Some(raw) if !raw.action.trim().is_empty() => match Action::parse(raw) {
            Ok(a) => Some(a),
            Err(e) => {
                errors.0.extend(e.0);
                None
            }
        },
        _ => None,
    };
    let delivery = match input.delivery.trim() {
        "" | "counter" => "counter",
        "post" => "post",
        "online" => "online",
        _ => {
            errors.add("delivery", "delivery.invalid");
            "counter"
        }
    };
    if delivery == "post" && input.delivery_address.trim().is_empty() {
        errors.add("delivery_address", "required");
    }
    let sets = input.sets.unwrap_or(1);
    if !(1..=99).contains(&sets) {
        errors.add("sets", "sets.invalid");
    }
    if !(input.form_data.is_null() || input.form_data.is_object()) {
        errors.add("form_data", "form_data.invalid");
    }
    let (Some(channel), true) = (channel, errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    let wake = settings.notifier.clone();
    let (ctx, settings, acting) = (ctx.clone(), settings.clone(), acting.clone());
    let row = db
        .write(move |tx| {
            if let Some(done) = replay(tx, idem.as_ref())? {
                return Ok(done);
            }
            let code = input.procedure.trim().to_owned();
            let version = procedures::published(tx, &code)?
                .ok_or_else(|| ServiceError::field("procedure", "procedure.unknown"))?;
            let procedure = &version.body;
            if !channel_allowed(channel, procedure) {
                return Err(ServiceError::field("channel", "channel.not_offered"));
            }
            // A citizen's own answers are checked against the procedure's e-form here, whichever way they came
            // (the portal or the API); an integration relays answers another portal has already checked.
            let form_data = if matches!(acting.actor, Actor::Owner) && !procedure.form.is_empty() {
                eform::answers::validate(&procedure.form, &input.form_data)
                    .map_err(ServiceError::Invalid)?
            } else {
                input.form_data.clone()
            };
            let agency_code = receiving_agency(tx, &acting, &input.agency)?;
            let applicant = match &applicant {
                Some(a) => a.clone(),
                None => owner_applicant(tx, &acting.reference)?,
            };
            let subject = match clean_line(&input.subject) {
                s if s.is_empty() => procedure.name.clone(),
                s => s,
            };
            let now = ctx.now_text();
            let mut row = DossierRow {
                id: 0,
                public_id: uuid::Uuid::new_v4().to_string(),
                code: None,
                agency_code,
                procedure_code: version.code.clone(),
                procedure_version: version.version,
                procedure_name: procedure.name.clone(),
                channel: i64::from(channel.code()),
                stage: Stage::Registered.as_str().to_owned(),
                resume_stage: None,
                status: 1,
                active: true,
                applicant_kind: applicant.kind.as_str().to_owned(),
                applicant_name: applicant.name.clone(),
                applicant_key: applicant.search_key(),
                applicant_id_number: applicant.id_number.clone(),
                applicant_phone: applicant.phone.clone(),
                applicant_email: applicant.email.clone(),
                applicant_address: applicant.address.clone(),
                owner_ref: match &acting.actor {
                    Actor::Owner | Actor::Integration => Some(acting.reference.clone()),
                    _ => None,
                },
                subject,
                sets,
                form_data: if form_data.is_null() {
                    "{}".to_owned()
                } else {
                    form_data.to_string()
                },
                delivery: delivery.to_owned(),
                delivery_address: clean_line(&input.delivery_address),
                unit_code: None,
                assignee_id: None,
                submitted_at: now.clone(),
                received_at: None,
                received_by: None,
                clock_started_at: None,
                due_at: None,
                original_due_at: None,
                paused_at: None,
                transfer_due_at: None,
                transferred_at: None,
                step_due_at: None,
                extended: false,
                receipt_supplements: 0,
                supplements: 0,
                fee_due_vnd: None,
                result_notified_at: None,
                finished_at: None,
                outcome: None,
                decision: None,
                returned_at: None,
                register_year: None,
                register_no: None,
                updated_at: now.clone(),
            };
            row.id = dossiers::insert(tx, &row)?;
            for (i, c) in procedure.components.iter().enumerate() {
                let position = i as i64 + 1;
                dossiers::insert_component(
                    tx,
                    row.id,
                    &ComponentRow {
                        position,
                        name: c.name.clone(),
                        copies: copies_label(c.originals, c.copies),
                        required: c.required,
                        // A citizen's component counts as handed in only with its file attached.
                        provided: if owner {
                            input
                                .documents
                                .iter()
                                .any(|d| d.component == Some(position))
                        } else {
                            input.components.contains(&position)
                        },
                    },
                )?;
            }
            dossiers::insert_event(
                tx,
                row.id,
                &EventRow {
                    id: 0,
                    at: now.clone(),
                    actor: acting.name.clone(),
                    actor_ref: acting.reference.clone(),
                    unit_code: acting.unit.clone(),
                    action: "submit".to_owned(),
                    stage: row.stage.clone(),
                    status: 1,
                    comment: String::new(),
                    data: json!({"channel": channel.code()}).to_string(),
                },
            )?;
            ctx.audit(
                tx,
                "dossier.create",
                &row.public_id,
                Outcome::Ok,
                &version.code,
            )?;
            for document in &input.documents {
                super::documents::record(tx, &ctx, &acting, &row, document)?;
            }
            if let Some(draft) = input.draft {
                drafts::delete(tx, draft)?;
            }
            super::portal_notices::on_status(tx, &row, &now)?;
            let row = match then {
                Some(action) => act_in_tx(tx, &ctx, &settings, &acting, row, procedure, &action)?,
                None => row,
            };
            remember(tx, idem.as_ref(), &row, &now)?;
            Ok::<_, ServiceError>(row)
        })
        .await?;
    wake.wake();
    Ok(row)
}

/// The applicant of a citizen's own submission: their account's name, ID number, phone, e-mail and address.
fn owner_applicant(
    conn: &rusqlite::Connection,
    reference: &str,
) -> Result<Applicant, ServiceError> {
    let account = reference
        .strip_prefix("citizen:")
        .map(|r| crate::store::citizens::find_by_ref(conn, r))
        .transpose()?
        .flatten()
        .ok_or(ServiceError::Forbidden)?;
    let input = ApplicantInput {
        kind: "person".to_owned(),
        name: account.full_name.clone(),
        id_number: account.id_number.clone(),
        phone: account.phone.clone(),
        email: account.email.clone(),
        address: crate::services::citizens::address_line(conn, &account),
    };
    Applicant::parse(&input).map_err(ServiceError::Invalid)
}

/// "01 bản chính, 01 bản sao" as the checklist and Form 01 print it.
pub fn copies_label(originals: u32, copies: u32) -> String {
    match (originals, copies) {
        (0, 0) => String::new(),
        (o, 0) => format!("{o:02} bản chính"),
        (0, c) => format!("{c:02} bản sao"),
        (o, c) => format!("{o:02} bản chính, {c:02} bản sao"),
    }
}
