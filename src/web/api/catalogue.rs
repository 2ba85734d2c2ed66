//! The published catalogue over JSON: sectors, the procedure search with filters and cursor paging, and one
//! procedure's full level-1 information by its national code.

use axum::Json;
use axum::extract::{Path, Query, State};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::services::ServiceError;
use crate::services::browse::{self, BrowseQuery, Found, MAX_LIMIT};
use crate::store::{StoreError, catalogue, procedures};

use super::super::error::ApiError;
use super::super::state::AppState;

pub async fn list_sectors(
    State(state): State<AppState>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let sectors = state.db.read(catalogue::list_sectors).await?;
    Ok(Json(
        serde_json::json!({ "items": sectors, "next_cursor": null }),
    ))
}

#[derive(Debug, Deserialize)]
pub struct ProcedureParams {
    #[serde(default)]
    q: String,
    sector: Option<String>,
    agency: Option<String>,
    level: Option<String>,
    service_level: Option<String>,
    limit: Option<usize>,
    cursor: Option<String>,
    /// `false` leaves out text fragments (suggestions while typing); names are always highlighted.
    snippets: Option<bool>,
}

/// Cursors are opaque to clients; inside they carry the offset of the next page.
fn encode_cursor(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("o:{offset}"))
}

fn decode_cursor(cursor: &str) -> Result<usize, ServiceError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("o:").and_then(|n| n.parse().ok()))
        .ok_or_else(|| ServiceError::field("cursor", "cursor.invalid"))
}

#[derive(Serialize)]
struct ProcedureList {
    items: Vec<Found>,
    next_cursor: Option<String>,
    total: usize,
    facets: browse::FacetCounts,
}

fn nonempty(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

pub async fn list_procedures(
    State(state): State<AppState>,
    Query(p): Query<ProcedureParams>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let offset = match &p.cursor {
        Some(c) => decode_cursor(c)?,
        None => 0,
    };
    let limit = p.limit.unwrap_or(20);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ServiceError::field("limit", "limit.range").into());
    }
    let query = BrowseQuery {
        text: p.q,
        sector: nonempty(p.sector),
        level: nonempty(p.level),
        service_level: nonempty(p.service_level),
        agency: nonempty(p.agency),
        offset,
        limit,
        names_only: p.snippets == Some(false),
    };
    let result = browse::find(&state.db, &state.search, &state.search_slots, query).await?;
    let next = offset + limit;
    let body = ProcedureList {
        next_cursor: (next < result.total).then(|| encode_cursor(next)),
        total: result.total,
        items: result.items,
        facets: result.facets,
    };
    Ok(Json(
        serde_json::to_value(body).map_err(|e| ServiceError::Internal(e.into()))?,
    ))
}

pub async fn show_procedure(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let found = state
        .db
        .read(move |c| {
            let Some(v) = procedures::published(c, &code)? else {
                return Ok::<_, StoreError>(None);
            };
            let sector = catalogue::get_sector(c, &v.body.sector)?;
            let fees = catalogue::list_fees(c)?;
            Ok(Some((v, sector, fees)))
        })
        .await?;
    let (v, sector, fees) = found.ok_or(ServiceError::NotFound)?;
    let fee_details: Vec<_> = v
        .body
        .fees
        .iter()
        .filter_map(|f| fees.iter().find(|x| x.code == f.fee))
        .collect();
    let templates: Vec<_> = v
        .body
        .templates
        .iter()
        .map(|t| {
            serde_json::json!({
                "key": t.key, "name": t.name, "file_name": t.file_name, "media_type": t.media_type,
                "size": t.size, "sha256": t.sha256,
                "url": format!("/thu-tuc/{}/mau/{}", v.body.code, t.key),
            })
        })
        .collect();
    let mut body = serde_json::to_value(&v.body).map_err(|e| ServiceError::Internal(e.into()))?;
    if let Some(obj) = body.as_object_mut() {
        obj.insert("templates".into(), templates.into());
        obj.insert("version".into(), v.version.into());
        obj.insert("valid_from".into(), v.valid_from.clone().into());
        obj.insert(
            "sector_detail".into(),
            serde_json::to_value(&sector).unwrap_or_default(),
        );
        obj.insert(
            "fee_details".into(),
            serde_json::to_value(&fee_details).unwrap_or_default(),
        );
        obj.insert(
            "processing_time_label".into(),
            v.body.processing_time.label().into(),
        );
    }
    Ok(Json(body))
}
