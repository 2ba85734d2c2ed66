//! Handing closed dossiers to the archives (Circular 01/2018 Art. 10(3), the Law on Archives): the retention in
//! force for a dossier (its procedure's, or the office default from `[archive]` in config.toml), which dossiers are
//! due, and "Đã nộp lưu", which marks a closed dossier as handed over with an event and an audit entry in one
//! transaction. The package itself is built by `archive_package`.

use rusqlite::Connection;
use serde_json::json;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::domain::archive::Retention;
use crate::domain::calendar::{from_local, to_local};
use crate::domain::dossier::Actor;
use crate::domain::role::Role;
use crate::store::audit::Outcome;
use crate::store::dossiers::archive::{self as store, DueFilter};
use crate::store::dossiers::{self, DossierRow, EventRow};
use crate::store::idempotency::IdempotencyKey;
use crate::store::{Db, StoreError, format_time, parse_time};

use super::{Acting, remember, replay};
use crate::services::{Context, ServiceError};

/// The retention that applies to a dossier and whether its procedure sets it (or the office default does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionInForce {
    pub retention: Retention,
    pub from_procedure: bool,
}

impl RetentionInForce {
    fn of(procedure: Option<Retention>, default_years: u32) -> Self {
        match procedure {
            Some(retention) => Self {
                retention,
                from_procedure: true,
            },
            None => Self {
                retention: Retention::Years(default_years),
                from_procedure: false,
            },
        }
    }
}

/// What the dossier page says about archiving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveInfo {
    pub retention: RetentionInForce,
    /// When the retention ends (office time), for a finished dossier with a limited retention.
    pub expires: Option<PrimitiveDateTime>,
    /// When and by whom it was handed to the archives.
    pub archived: Option<(String, String)>,
}

impl ArchiveInfo {
    /// Whether the retention has ended at `now`.
    pub fn is_due(&self, now: OffsetDateTime) -> bool {
        self.expires.is_some_and(|e| e <= to_local(now))
    }
}

/// The retention a procedure's dossiers are kept under: the one its version in force sets, else the default.
pub fn retention_in_force(
    conn: &Connection,
    procedure: &str,
    default_years: u32,
) -> Result<RetentionInForce, StoreError> {
    Ok(RetentionInForce::of(
        store::retention_of(conn, procedure)?,
        default_years,
    ))
}

/// The archive facts of one dossier, read in the caller's connection.
pub fn info(
    conn: &Connection,
    row: &DossierRow,
    default_years: u32,
) -> Result<ArchiveInfo, StoreError> {
    let retention = retention_in_force(conn, &row.procedure_code, default_years)?;
    Ok(ArchiveInfo {
        retention,
        expires: expiry(row, retention.retention),
        archived: store::archive_state(conn, row.id)?,
    })
}

/// When the retention of a closed, finished dossier ends (office time).
pub fn expiry(row: &DossierRow, retention: Retention) -> Option<PrimitiveDateTime> {
    if row.active {
        return None;
    }
    let finished = row.finished_at.as_deref().and_then(parse_time)?;
    retention.expires(to_local(finished))
}

/// The list filter at `now`: the default limit, and one per procedure that sets its own retention.
pub fn due_filter(
    overrides: &[(String, Retention)],
    default_years: u32,
    now: OffsetDateTime,
) -> DueFilter {
    let before = |r: Retention| {
        r.due_before(to_local(now))
            .map(|t| format_time(from_local(t)))
            .unwrap_or_default()
    };
    DueFilter {
        default_before: before(Retention::Years(default_years)),
        procedures: overrides
            .iter()
            .map(|(code, r)| (code.clone(), before(*r)))
            .collect(),
    }
}

/// Who hands dossiers to the archives: the archivist (cán bộ lưu trữ).
pub fn may_archive(actor: &Actor) -> bool {
    matches!(actor, Actor::Staff { roles, .. } if roles.contains(&Role::Archivist))
}

/// Who opens the archivist's lists: archivists, and agency leaders to follow them.
pub fn may_list(actor: &Actor) -> bool {
    matches!(actor, Actor::Staff { roles, .. }
        if roles.contains(&Role::Archivist) || roles.contains(&Role::Leader))
}

/// "Đã nộp lưu": records that a closed dossier was handed to the archives, with an `archive` event and an audit
/// entry in the same transaction. Refuses an active dossier (`archive.still_open`) and one already archived
/// (`archive.already_archived`); a dossier the person may not read is "not found". With an idempotency key, a
/// repeated request answers as the first did.
pub async fn mark_archived(
    db: &Db,
    ctx: &Context,
    acting: &Acting,
    reference: &str,
    default_years: u32,
    idem: Option<IdempotencyKey>,
) -> Result<DossierRow, ServiceError> {
    let (ctx, acting, reference) = (ctx.clone(), acting.clone(), reference.to_owned());
    db.write(move |tx| {
        if let Some(done) = replay(tx, idem.as_ref())? {
            return Ok(done);
        }
        let row = dossiers::find(tx, &reference)?.ok_or(ServiceError::NotFound)?;
        if !super::may_view(&acting.actor, &row) {
            return Err(ServiceError::NotFound);
        }
        if !may_archive(&acting.actor) {
            return Err(ServiceError::Forbidden);
        }
        if row.active {
            return Err(ServiceError::Refused("archive.still_open"));
        }
        let now = ctx.now_text();
        if !store::set_archived(tx, row.id, &now, &acting.name)? {
            return Err(ServiceError::Refused("archive.already_archived"));
        }
        let retention = retention_in_force(tx, &row.procedure_code, default_years)?;
        let data = json!({
            "retention_years": retention.retention,
            "retention_from_procedure": retention.from_procedure,
            "finished_at": row.finished_at,
        });
        dossiers::insert_event(
            tx,
            row.id,
            &EventRow {
                id: 0,
                at: now.clone(),
                actor: acting.name.clone(),
                actor_ref: acting.reference.clone(),
                unit_code: acting.unit.clone(),
                action: "archive".to_owned(),
                stage: row.stage.clone(),
                status: row.status,
                comment: String::new(),
                data: data.to_string(),
            },
        )?;
        let object = row.code.clone().unwrap_or_else(|| row.public_id.clone());
        ctx.audit(
            tx,
            "dossier.archive",
            &object,
            Outcome::Ok,
            &data.to_string(),
        )?;
        let row = dossiers::get(tx, row.id)?;
        remember(tx, idem.as_ref(), &row, &now)?;
        Ok(row)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_filter_puts_each_procedure_at_its_own_limit_and_a_permanent_one_never_due() {
        let now = datetime!(2026-11-29 03:00 UTC);
        let filter = due_filter(
            &[
                ("DEMO-CT-01".into(), Retention::Years(2)),
                ("DEMO-HT-01".into(), Retention::Permanent),
            ],
            10,
            now,
        );
        assert_eq!(filter.default_before, "2016-11-29T03:00:00.000Z");
        assert_eq!(
            filter.procedures,
            vec![
                (
                    "DEMO-CT-01".to_owned(),
                    "2024-11-29T03:00:00.000Z".to_owned()
                ),
                ("DEMO-HT-01".to_owned(), String::new()),
            ]
        );
    }
}
