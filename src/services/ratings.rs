//! Satisfaction ratings by the applicant after a dossier is finished (portal function i), one per dossier,
//! changeable until the evaluation quarter closes.

use crate::domain::calendar::{from_local, to_local};
use crate::domain::rating::{Rating, RatingInput, period_closes};
use crate::store::audit::Outcome;
use crate::store::dossiers::{self, DossierRow};
use crate::store::ratings::{self, RatingRow};
use crate::store::{Db, parse_time};

use super::citizens::CitizenPrincipal;
use super::dossiers::may_read;
use super::{Context, ServiceError};

/// Whether the dossier can be rated at `now`, and until when: finished (status 9 or 10) and its quarter open.
pub fn window(row: &DossierRow, now: time::OffsetDateTime) -> Option<time::OffsetDateTime> {
    if !matches!(row.status, 9 | 10) {
        return None;
    }
    let finished = row
        .returned_at
        .as_deref()
        .or(row.finished_at.as_deref())
        .and_then(parse_time)?;
    let closes = from_local(period_closes(to_local(finished).date()));
    (now < closes).then_some(closes)
}

/// Records or changes the owner's rating of their finished dossier.
pub async fn rate(
    db: &Db,
    ctx: &Context,
    me: &CitizenPrincipal,
    reference: &str,
    input: &RatingInput,
) -> Result<(), ServiceError> {
    let rating = Rating::parse(input).map_err(ServiceError::Invalid)?;
    let (ctx, me, reference) = (ctx.clone(), me.clone(), reference.to_owned());
    db.write(move |tx| {
        let row = dossiers::find(tx, &reference)?.ok_or(ServiceError::NotFound)?;
        if !may_read(&super::citizens::owner_acting(&me), &row) {
            return Err(ServiceError::NotFound);
        }
        if !matches!(row.status, 9 | 10) {
            return Err(ServiceError::Refused("rating.not_finished"));
        }
        if window(&row, ctx.now).is_none() {
            return Err(ServiceError::Refused("rating.period_closed"));
        }
        let stored = ratings::NewRating {
            dossier_id: row.id,
            citizen_id: Some(me.citizen_id.0),
            overall: &rating.overall,
            criteria: &serde_json::to_string(&rating.criteria).unwrap_or_default(),
            indices: &serde_json::to_string(&rating.indices).unwrap_or_default(),
            comment: &rating.comment,
        };
        ratings::upsert(tx, &stored, &ctx.now_text())?;
        let object = row.code.clone().unwrap_or(row.public_id.clone());
        ctx.audit(tx, "dossier.rating", &object, Outcome::Ok, &rating.overall)?;
        Ok(())
    })
    .await
}

/// The rating of a dossier, if given.
pub async fn of(db: &Db, dossier_id: i64) -> Result<Option<RatingRow>, ServiceError> {
    Ok(db.read(move |c| ratings::get(c, dossier_id)).await?)
}
