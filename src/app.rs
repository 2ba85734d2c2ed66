//! The composition root: opens the data directory, database and TLS material, binds the listener, and serves
//! until told to stop, letting in-flight requests finish.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use axum_server::Handle;
use axum_server::tls_rustls::RustlsConfig;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::crypto::MacKey;
use crate::datadir::{DataDir, DataLock};
use crate::jobs::indexer::{self, Rebuild};
use crate::jobs::{extractor, notifier};
use crate::maintenance;
use crate::search::{DossierIndex, Freshness, SearchIndex};
use crate::services::browse::SearchSlots;
use crate::services::notify::NotifierWake;
use crate::services::search::IndexerWake;
use crate::store::Db;
use crate::web::metrics::Metrics;
use crate::web::state::AppState;

/// A bound, ready-to-serve application. Built in two steps so tests know the address before serving starts.
pub struct App {
    state: AppState,
    rebuild_index: Rebuild,
    listener: TcpListener,
    tls: Option<crate::tls::TlsMaterial>,
    url: String,
    _lock: DataLock,
}

impl App {
    /// Takes the data directory lock, migrates, loads secrets and TLS material, and binds the listener.
    pub async fn build(data: DataDir, config: Config) -> Result<App> {
        config
            .validate()
            .map_err(|e| anyhow::anyhow!("invalid configuration:\n{e}"))?;
        let lock = data.lock()?;
        if !data.is_initialised() {
            bail!(
                "{} is not a motcua data directory; run `motcua init --data {}` first",
                data.root().display(),
                data.root().display()
            );
        }
        maintenance::init_layout(&data, &config)?;
        let key = std::fs::read(data.session_key()).context("cannot read secrets/session.key")?;
        let db = Db::open(&data.database(), config.reader_count()).await?;
        let system = crate::services::Context {
            actor: "system".to_owned(),
            ip: "local".to_owned(),
            now: time::OffsetDateTime::now_utc(),
        };
        crate::services::admin_units::seed_defaults(&db, &system)
            .await
            .context("cannot load the administrative-unit catalogue")?;
        crate::services::forms::seed_defaults(&db, &system)
            .await
            .context("cannot load the printed form templates")?;
        let tls = if config.server.http {
            None
        } else {
            Some(crate::tls::load_or_generate(&data, &config.tls)?)
        };
        let listener = TcpListener::bind(config.server.listen)
            .with_context(|| format!("cannot listen on {}", config.server.listen))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let url = format!(
            "{}://{}",
            if tls.is_some() { "https" } else { "http" },
            display_addr(addr)
        );
        let swept = crate::filestore::sweep_incoming(&data.files_dir())
            .context("cannot clear unfinished uploads from the file store")?;
        if swept > 0 {
            tracing::warn!(
                files = swept,
                "removed unfinished uploads left by an interrupted run"
            );
        }
        let (search, freshness) =
            SearchIndex::open(&data.search_dir()).context("cannot open the search index")?;
        let published = db.read(crate::store::procedures::count_published).await?;
        // A missing index, one of an older schema, or one out of step with the database (a restore, a crash
        // before a commit) is rebuilt in the background; searches meanwhile see what the index already holds.
        let (dossier_search, dossier_freshness) = DossierIndex::open(&data.search_dir())
            .context("cannot open the dossier search index")?;
        let dossier_count = db
            .read(crate::store::dossiers::index_rows::count_all)
            .await?;
        let rebuild_index = Rebuild {
            procedures: freshness == Freshness::Created || search.doc_count() != published,
            dossiers: dossier_freshness == Freshness::Created
                || dossier_search.doc_count() != dossier_count,
        };
        let files = crate::filestore::FileStore {
            dir: data.files_dir(),
            max_bytes: config.documents.max_file_bytes(),
        };
        let state = AppState {
            db,
            config: Arc::new(config),
            mac: MacKey::from_bytes(&key),
            metrics: Arc::new(Metrics::default()),
            search,
            dossier_search,
            indexer: IndexerWake::default(),
            search_slots: SearchSlots::per_core(),
            limits: Arc::default(),
            files,
            notifier: NotifierWake::default(),
        };
        Ok(App {
            rebuild_index,
            state,
            listener,
            tls,
            url,
            _lock: lock,
        })
    }

    /// The base URL the listener answers on, e.g. `https://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The SHA-256 fingerprint of the certificate served, when serving HTTPS.
    pub fn fingerprint(&self) -> Option<&str> {
        self.tls.as_ref().map(|t| t.fingerprint.as_str())
    }

    /// PEM of the certificate served, so clients (and tests) can trust it explicitly.
    pub fn certificate_pem(&self) -> Option<&[u8]> {
        self.tls.as_ref().map(|t| t.cert_pem.as_slice())
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// Serves until `shutdown` is cancelled, then stops accepting and gives in-flight requests the configured grace.
    pub async fn run_until_stopped(self, shutdown: CancellationToken) -> Result<()> {
        let grace = Duration::from_secs(self.state.config.server.shutdown_grace_seconds);
        let https = self.tls.is_some();
        let jobs_stop = CancellationToken::new();
        let writers = indexer::Writers::open(&self.state.search, &self.state.dossier_search)?;
        let indexer = tokio::spawn(indexer::run(
            self.state.db.clone(),
            writers,
            self.state.indexer.clone(),
            self.rebuild_index,
            jobs_stop.clone(),
        ));
        let notifier = tokio::spawn(notifier::run(
            self.state.db.clone(),
            self.state.config.notify.clone(),
            self.state.notifier.clone(),
            jobs_stop.clone(),
        ));
        let extractor = tokio::spawn(extractor::run(
            self.state.db.clone(),
            self.state.files.dir.clone(),
            self.state.config.documents.reader_program()?,
            self.state.config.documents.ocr,
            jobs_stop.clone(),
        ));
        let service = crate::web::router(self.state.clone(), https)
            .into_make_service_with_connect_info::<SocketAddr>();
        let handle: Handle<SocketAddr> = Handle::new();
        let watcher = handle.clone();
        tokio::spawn(async move {
            shutdown.cancelled().await;
            watcher.graceful_shutdown(Some(grace));
        });
        match self.tls {
            Some(tls) => {
                let rustls = RustlsConfig::from_pem(tls.cert_pem, tls.key_pem)
                    .await
                    .context("the TLS certificate or key is not usable")?;
                axum_server::from_tcp_rustls(self.listener, rustls)?
                    .handle(handle)
                    .serve(service)
                    .await?;
            }
            None => {
                axum_server::from_tcp(self.listener)?
                    .handle(handle)
                    .serve(service)
                    .await?
            }
        }
        jobs_stop.cancel();
        match indexer.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                tracing::error!(error = %format!("{e:#}"), "the search indexer stopped with an error")
            }
            Err(e) => tracing::error!(error = %e, "the search indexer panicked"),
        }
        for (name, job) in [("notifier", notifier), ("text extractor", extractor)] {
            match job.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    tracing::error!(job = name, error = %format!("{e:#}"), "a background job stopped with an error")
                }
                Err(e) => tracing::error!(job = name, error = %e, "a background job panicked"),
            }
        }
        let _ = self
            .state
            .db
            .write(|tx| {
                tx.execute_batch("PRAGMA optimize")
                    .map_err(crate::store::StoreError::from)
            })
            .await;
        Ok(())
    }
}

fn display_addr(addr: SocketAddr) -> String {
    if addr.ip().is_unspecified() {
        format!("localhost:{}", addr.port())
    } else {
        addr.to_string()
    }
}

/// Cancels `token` on SIGTERM or Ctrl-C.
pub fn cancel_on_signal(token: CancellationToken) {
    tokio::spawn(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            if let Ok(mut term) =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            {
                tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
            } else {
                let _ = ctrl_c.await;
            }
        }
        tracing::info!("shutting down: finishing requests in flight");
        token.cancel();
    });
}
