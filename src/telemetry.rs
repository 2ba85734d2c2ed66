//! Structured logs through `tracing`: pretty for a terminal, JSON for collectors.

use tracing_subscriber::EnvFilter;

/// Installs the process-wide subscriber once; later calls (tests starting many apps) are ignored.
pub fn init(format: &str, filter: &str) {
    let filter = EnvFilter::try_from_env("MOTCUA_LOG").unwrap_or_else(|_| EnvFilter::new(filter));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if format == "json" {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}
