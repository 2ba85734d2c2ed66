//! The web layer: one router made of the four areas (portal, back office, admin, API), which never import each
//! other, plus assets, health and metrics, with the shared layers applied in one place.

pub mod admin;
pub mod api;
pub mod assets;
pub mod backoffice;
pub mod download;
pub mod error;
pub mod extract;
pub mod metrics;
pub mod portal;
pub mod public_url;
pub mod rate_limit;
pub mod session;
pub mod state;
pub mod ui;
pub mod upload;

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::routing::get;
use axum::{Json, Router, middleware};
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::services::ServiceError;
use error::PageError;
use state::AppState;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Builds the whole application. `https` adds HSTS; behind a TLS-terminating proxy the proxy should add it.
pub fn router(state: AppState, https: bool) -> Router {
    let trace = TraceLayer::new_for_http().make_span_with(|request: &Request| {
        let id = request.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or_default();
        tracing::info_span!("request", id = %id, method = %request.method(), path = %request.uri().path())
    });
    let headers = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"),
        ))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            https.then(|| HeaderValue::from_static("max-age=31536000")),
        ));
    let max_body = state.config.server.max_body_bytes;
    // Administrators upload procedure packs, catalogue files and templates; their area gets the larger limit
    // (the admin extractors refuse everyone else before a body is read).
    let admin_area = admin::routes().layer(axum::extract::DefaultBodyLimit::max(
        state.config.server.max_upload_bytes,
    ));
    Router::new()
        .merge(portal::routes(&state.config.documents))
        .merge(backoffice::routes(&state.config.documents))
        .merge(admin_area)
        .merge(api::routes(&state.config.documents))
        .route("/assets/{*path}", get(assets::serve_asset))
        .route("/healthz", get(show_health))
        .route("/metrics", get(metrics::show_metrics))
        .fallback(|| async { PageError::Service(ServiceError::NotFound) })
        .layer(middleware::from_fn(error::log_errors))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(max_body))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(headers)
        .layer(trace)
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}

/// Liveness and readiness: answers only when the database answers.
async fn show_health(
    State(state): State<AppState>,
) -> Result<Json<serde_json::Value>, error::ApiError> {
    state
        .db
        .read(|c| Ok::<i64, crate::store::StoreError>(c.query_row("SELECT 1", [], |r| r.get(0))?))
        .await?;
    Ok(Json(
        serde_json::json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }),
    ))
}
