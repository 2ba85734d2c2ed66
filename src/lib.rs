//! motcua: the Public Service Portal and One-Stop Electronic Information System of Circular 22/2019/TT-BTTTT,
//! as one binary over one data directory.
//!
//! Layering (checked by `tests/app/architecture.rs`):
//! `cli → app → web → services → store → domain`; `config`, `crypto`, `datadir`, `telemetry` and `tls` are
//! leaf utilities. `domain` imports nothing from the crate; `store` never imports `services` or `web`; only
//! `services` writes; the `web` areas (portal, backoffice, admin, api) never import each other.

pub mod app;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod datadir;
pub mod domain;
pub mod extract;
pub mod filestore;
pub mod jobs;
pub mod maintenance;
pub mod search;
pub mod services;
pub mod store;
pub mod telemetry;
pub mod tls;
pub mod web;
