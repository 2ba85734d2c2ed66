//! The raw capacity of this machine for serving a page over HTTP, the baseline of the portal's GET pages in
//! `scripts/bench/portal.sh` (docs/PERFORMANCE.md, "Portal"): a bare axum server, with the tokio and axum of motcua,
//! answering each configured path with a fixed HTML body held in memory (the script gives it the very bytes the
//! portal answered for the measured pages, so sizes match). No middleware, session, database or rendering.
//!
//! ```sh
//! cargo run --release --example bench_baseline_pages -- --listen 127.0.0.1:0 \
//!     --page /thu-tuc=procedure.html --page /to-khai=form.html
//! ```
//!
//! Prints `listening on http://ADDR` once ready.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};
use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::routing::get;
use clap::Parser;

#[derive(Parser)]
#[command(
    about = "Bare axum serving fixed pages from memory: the baseline of the portal's GET pages"
)]
struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// `PATH=FILE`: answer GET PATH with the contents of FILE as `text/html; charset=utf-8` (repeatable).
    #[arg(long = "page", required = true)]
    pages: Vec<String>,
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let mut app = Router::new();
    for spec in &args.pages {
        let Some((path, file)) = spec.split_once('=') else {
            bail!("--page wants PATH=FILE, not {spec}");
        };
        if !path.starts_with('/') {
            bail!("the path of --page must start with /: {path}");
        }
        let file = PathBuf::from(file);
        let body = Bytes::from(
            std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?,
        );
        app = app.route(
            path,
            get(move || {
                let body = body.clone();
                async move { ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body) }
            }),
        );
    }
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
