//! Exchanging information while a dossier is processed (portal function đ): messages between the applicant and
//! the office, and the applicant's online supplement, which keeps the earlier answers as a revision and the code.

use serde_json::Value;

use crate::domain::dossier::{Action, Actor, Stage};
use crate::domain::eform::answers::validate;
use crate::domain::text::nfc;
use crate::store::Db;
use crate::store::audit::Outcome;
use crate::store::dossiers::{self, DossierRow, messages};

use super::documents::{PreparedDocument, record};
use super::{Acting, DossierSettings, act_in_tx, may_read, portal_notices, procedure_of};
use crate::services::{Context, ServiceError};

/// Longest message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 4000;

/// Adds a message to the dossier's conversation. Staff who may read the dossier and its owner may write; a
/// message from the office rings the owner's bell.
pub async fn post_message(
    db: &Db,
    ctx: &Context,
    acting: &Acting,
    reference: &str,
    body: &str,
) -> Result<(), ServiceError> {
    let body = nfc(body.trim());
    if body.is_empty() {
        return Err(ServiceError::field("body", "required"));
    }
    if body.chars().count() > MAX_MESSAGE_CHARS {
        return Err(ServiceError::field("body", "too_long"));
    }
    let (ctx, acting, reference) = (ctx.clone(), acting.clone(), reference.to_owned());
    db.write(move |tx| {
        let row = dossiers::find(tx, &reference)?.ok_or(ServiceError::NotFound)?;
        if !may_read(&acting, &row) {
            return Err(ServiceError::NotFound);
        }
        if super::reads_only_as_archivist(&acting.actor, &row) {
            return Err(ServiceError::Forbidden);
        }
        let kind = match acting.actor {
            Actor::Staff { .. } => "staff",
            Actor::Owner => "citizen",
            _ => return Err(ServiceError::Forbidden),
        };
        let now = ctx.now_text();
        messages::insert_message(
            tx,
            row.id,
            kind,
            &acting.reference,
            &acting.name,
            &body,
            &now,
        )?;
        if kind == "staff" {
            portal_notices::on_message(tx, &row, &now)?;
        }
        let object = row.code.clone().unwrap_or(row.public_id.clone());
        ctx.audit(tx, "dossier.message", &object, Outcome::Ok, kind)?;
        Ok(())
    })
    .await
}

/// The applicant's online supplement: new answers (checked against the e-form) and papers, then
/// `submit_supplement`, in one transaction. The answers held before are kept as a revision; the code stays.
pub async fn supplement(
    db: &Db,
    ctx: &Context,
    settings: &DossierSettings,
    acting: &Acting,
    reference: &str,
    answers: Option<Value>,
    papers: Vec<PreparedDocument>,
) -> Result<DossierRow, ServiceError> {
    let wake = settings.notifier.clone();
    let (ctx, settings, acting, reference) = (
        ctx.clone(),
        settings.clone(),
        acting.clone(),
        reference.to_owned(),
    );
    let row = db
        .write(move |tx| {
            let row = dossiers::find(tx, &reference)?.ok_or(ServiceError::NotFound)?;
            if !may_read(&acting, &row) {
                return Err(ServiceError::NotFound);
            }
            if row.stage != Stage::Supplement.as_str() {
                return Err(ServiceError::Refused("dossier.invalid_transition"));
            }
            let procedure = procedure_of(tx, &row)?;
            let now = ctx.now_text();
            if let Some(answers) = answers {
                let clean = if procedure.form.is_empty() {
                    answers
                } else {
                    validate(&procedure.form, &answers).map_err(ServiceError::Invalid)?
                };
                if serde_json::from_str::<Value>(&row.form_data).ok().as_ref() != Some(&clean) {
                    messages::insert_revision(tx, row.id, &acting.reference, &row.form_data, &now)?;
                    dossiers::set_form_data(tx, row.id, &clean.to_string(), &now)?;
                }
            }
            for paper in &papers {
                record(tx, &ctx, &acting, &row, paper)?;
            }
            let row = dossiers::get(tx, row.id)?;
            act_in_tx(
                tx,
                &ctx,
                &settings,
                &acting,
                row,
                &procedure,
                &Action::SubmitSupplement,
            )
        })
        .await?;
    wake.wake();
    Ok(row)
}
