//! One integration-test binary: each module drives a real server on an ephemeral port over a temp data directory.

mod architecture;
mod audit;
mod auth;
mod helpers;
mod migrations;
mod pages;
mod storage;
