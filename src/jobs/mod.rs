//! Background jobs spawned by the app: each loops until the shutdown token is cancelled and writes only through
//! `services`, so audit and outbox rules hold for them too.

pub mod dossier_index;
pub mod extractor;
pub mod indexer;
pub mod notifier;
