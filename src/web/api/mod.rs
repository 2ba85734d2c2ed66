//! The JSON API v1 (`/api/v1`): sign-in for bearer tokens, the caller's identity, the agency catalogue and the
//! published procedure catalogue.

mod admin_units;
mod catalogue;
mod dossiers;
mod reports;
mod results;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use crate::services::auth::{self, Bearer, SessionKind};
use crate::store::{StoreError, format_time, org};

use super::error::ApiError;
use super::extract::{ApiCaller, Client};
use super::state::AppState;

/// `docs` sets the body limit of the routes that take a document.
pub fn routes(docs: &crate::config::DocumentsConfig) -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/login", post(create_token))
        .route("/api/v1/me", get(show_me))
        .route("/api/v1/agencies", get(list_agencies))
        .route("/api/v1/admin-units", get(admin_units::list_units))
        .route("/api/v1/sectors", get(catalogue::list_sectors))
        .route("/api/v1/procedures", get(catalogue::list_procedures))
        .route("/api/v1/procedures/{code}", get(catalogue::show_procedure))
        .route(
            "/api/v1/dossiers",
            get(dossiers::list).post(dossiers::create),
        )
        .route("/api/v1/dossiers/{reference}", get(dossiers::show))
        .route("/api/v1/dossiers/{reference}/actions", post(dossiers::act))
        .route(
            "/api/v1/dossiers/{reference}/archive",
            post(dossiers::archive),
        )
        .route(
            "/api/v1/dossiers/{reference}/documents",
            post(dossiers::upload).layer(axum::extract::DefaultBodyLimit::max(docs.body_limit(1))),
        )
        .route("/api/v1/lookup/{code}", get(dossiers::lookup))
        .route("/api/v1/reports/processing", get(reports::show_processing))
        .route(
            "/api/v1/results/verify",
            post(results::verify).layer(axum::extract::DefaultBodyLimit::max(docs.body_limit(1))),
        )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginRequest {
    username: String,
    password: String,
}

#[derive(Serialize)]
struct UserView {
    /// The staff id actions such as `assign` name (`to_user`).
    id: i64,
    username: String,
    full_name: String,
    roles: Vec<String>,
    unit: Option<String>,
}

fn user_view(p: &auth::Principal) -> UserView {
    UserView {
        id: p.staff_id.0,
        username: p.username.clone(),
        full_name: p.full_name.clone(),
        roles: p.roles.iter().map(|r| r.as_str().to_owned()).collect(),
        unit: p.unit_code.clone(),
    }
}

async fn create_token(
    State(state): State<AppState>,
    client: Client,
    Json(body): Json<LoginRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let ctx = client.context("");
    // A 12-digit citizen ID number signs a citizen in; anything else is a staff username.
    if crate::domain::citizen_id::CitizenId::parse(&body.username).is_ok() {
        let signed_in = crate::services::citizens::auth::sign_in(
            &state.db,
            &state.config.security,
            &ctx,
            &body.username,
            &body.password,
            SessionKind::Api,
            &client.user_agent,
        )
        .await?;
        let p = &signed_in.principal;
        return Ok(Json(serde_json::json!({
            "token": signed_in.token,
            "expires_at": format_time(signed_in.expires_at),
            "user": {"username": p.id_number, "full_name": p.full_name, "roles": ["citizen"], "unit": null},
        })));
    }
    let signed_in = auth::sign_in(
        &state.db,
        &state.config.security,
        &ctx,
        &body.username,
        &body.password,
        SessionKind::Api,
        &client.user_agent,
    )
    .await?;
    Ok(Json(serde_json::json!({
        "token": signed_in.token,
        "expires_at": format_time(signed_in.expires_at),
        "user": user_view(&signed_in.principal),
    })))
}

async fn show_me(ApiCaller(bearer): ApiCaller) -> Json<serde_json::Value> {
    Json(match bearer {
        Bearer::Staff(p) => serde_json::json!({ "kind": "staff", "user": user_view(&p) }),
        Bearer::Citizen(p) => serde_json::json!({
            "kind": "citizen",
            "user": {"username": p.id_number, "full_name": p.full_name, "roles": ["citizen"], "unit": null},
        }),
        Bearer::Integration(i) => {
            serde_json::json!({ "kind": "integration", "name": i.name, "scope": i.scope })
        }
    })
}

#[derive(Serialize)]
struct AgencyView {
    #[serde(flatten)]
    agency: org::Agency,
    units: Vec<org::Unit>,
    communes: Vec<org::Commune>,
}

async fn list_agencies(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    let (agencies, units, communes) = state
        .db
        .read(|c| {
            Ok::<_, StoreError>((
                org::list_agencies(c)?,
                org::list_units(c)?,
                org::list_communes(c)?,
            ))
        })
        .await?;
    let items: Vec<AgencyView> = agencies
        .into_iter()
        .map(|agency| AgencyView {
            units: units
                .iter()
                .filter(|u| u.agency_code == agency.code)
                .cloned()
                .collect(),
            communes: communes
                .iter()
                .filter(|c| c.agency_code == agency.code)
                .cloned()
                .collect(),
            agency,
        })
        .collect();
    Ok(Json(
        serde_json::json!({ "items": items, "next_cursor": null }),
    ))
}
