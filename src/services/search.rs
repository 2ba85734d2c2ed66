//! Bookkeeping of the search index, which is derived data: acknowledging applied outbox rows and asking a running
//! server to rebuild.

use std::sync::Arc;

use tokio::sync::Notify;

use crate::store::Db;
use crate::store::audit::Outcome;
use crate::store::outbox::{self, OutboxItem};

use super::{Context, ServiceError};

/// Removes outbox rows the indexer has applied and committed.
pub async fn acknowledge(db: &Db, ids: Vec<i64>) -> Result<(), ServiceError> {
    db.write(move |tx| outbox::remove(tx, &ids).map_err(ServiceError::from))
        .await
}

/// Inside the caller's transaction: a sector was renamed, so its published procedures (whose search entries carry
/// the sector's name) are queued for re-indexing.
pub(crate) fn sector_changed(
    tx: &rusqlite::Connection,
    sector: &str,
    at: &str,
) -> Result<(), crate::store::StoreError> {
    for code in crate::store::procedures::published_codes_in_sector(tx, sector)? {
        outbox::enqueue(tx, &OutboxItem::Procedure(code), at)?;
    }
    Ok(())
}

/// Asks the indexer (of this process or of the server holding the data directory) to rebuild the whole index.
pub async fn request_rebuild(db: &Db, ctx: &Context) -> Result<(), ServiceError> {
    let ctx = ctx.clone();
    db.write(move |tx| {
        outbox::enqueue(tx, &OutboxItem::RebuildAll, &ctx.now_text())?;
        ctx.audit(tx, "search.rebuild.request", "procedures", Outcome::Ok, "")?;
        Ok(())
    })
    .await
}

/// Records an offline rebuild in the audit log.
pub async fn record_rebuild(
    db: &Db,
    ctx: &Context,
    procedures: usize,
    dossiers: usize,
) -> Result<(), ServiceError> {
    let ctx = ctx.clone();
    db.write(move |tx| {
        ctx.audit(
            tx,
            "search.rebuild",
            "procedures, dossiers",
            Outcome::Ok,
            &format!("{procedures} procedures and {dossiers} dossiers indexed"),
        )?;
        Ok(())
    })
    .await
}

/// Wakes the indexer right after a change instead of waiting for its next poll.
#[derive(Clone, Default)]
pub struct IndexerWake(Arc<Notify>);

impl IndexerWake {
    pub fn wake(&self) {
        self.0.notify_one();
    }

    /// Resolves at the next wake-up.
    pub async fn notified(&self) {
        self.0.notified().await;
    }
}
