//! One integration-test binary: each module drives a real server on an ephemeral port over a temp data directory.

mod admin_units;
mod agencies;
mod architecture;
mod audit;
mod auth;
mod calendar;
mod catalogue;
mod dossier_api;
mod dossier_pages;
mod dossier_paths;
mod dossier_rules;
mod form_admin;
mod form_sets;
mod forms;
mod guides;
mod helpers;
mod migrations;
mod notifications;
mod pages;
mod procedures;
mod search;
mod smtp_sink;
mod storage;
