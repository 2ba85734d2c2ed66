//! The state every handler shares: database, configuration, the CSRF key, the metrics registry and search.

use std::sync::Arc;

use crate::config::Config;
use crate::crypto::MacKey;
use crate::search::SearchIndex;
use crate::services::browse::SearchSlots;
use crate::services::search::IndexerWake;
use crate::store::Db;

use super::metrics::Metrics;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub mac: MacKey,
    pub metrics: Arc<Metrics>,
    /// The procedure search index (derived from the database; see `jobs::indexer`).
    pub search: SearchIndex,
    /// The dossier search index for staff (code, applicant, form answers, document text).
    pub dossier_search: crate::search::DossierIndex,
    /// Wakes the indexer after a catalogue change so search follows within moments.
    pub indexer: IndexerWake,
    /// Wakes the notifier after a change queued messages for applicants.
    pub notifier: crate::services::notify::NotifierWake,
    /// `<data>/files`: dossier documents by SHA-256 (see `filestore`), with the size limit of one document.
    pub files: crate::filestore::FileStore,
    /// How many searches run at once (one per core).
    pub search_slots: SearchSlots,
    /// Per-address limits on public lookups by code.
    pub limits: Arc<super::rate_limit::RateLimits>,
}
