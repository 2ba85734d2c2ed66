//! The state every handler shares: database, configuration, the CSRF key and the metrics registry.

use std::sync::Arc;

use crate::config::Config;
use crate::crypto::MacKey;
use crate::store::Db;

use super::metrics::Metrics;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub mac: MacKey,
    pub metrics: Arc<Metrics>,
}
