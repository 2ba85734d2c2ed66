//! Web layer, JSON API: the administrative units an address can be picked from, for the live commune list of
//! the e-forms (`assets/js/eform.js`). Public and read-only: the national list is public information and the
//! citizen filling a form is not signed in to the API.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::services::ServiceError;
use crate::store::StoreError;
use crate::store::admin_units::{self, Era};

use super::super::error::ApiError;
use super::super::state::AppState;
use super::super::ui::eform::{Place, communes_of_province};

#[derive(Debug, Deserialize)]
pub struct UnitsQuery {
    parent: Option<String>,
    /// `2025-03` or `2025-07`; the office's era when absent, which is what e-form addresses use.
    era: Option<String>,
}

/// `GET /api/v1/admin-units?parent=<province code>` → `[{code, name}]`: the communes of a province (before
/// 01/07/2025 with their district after the name), or the provinces when `parent` is absent. A plain array,
/// not a page, because a province has at most a few hundred communes and the select needs them all.
pub async fn list_units(
    State(state): State<AppState>,
    Query(q): Query<UnitsQuery>,
) -> Result<Response, ApiError> {
    let era = match q.era.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(raw) => {
            Some(Era::parse(raw).ok_or_else(|| ServiceError::field("era", "era.invalid"))?)
        }
        None => None,
    };
    let parent = q
        .parent
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty());
    if let Some(code) = &parent
        && (code.len() > 10 || !code.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(ServiceError::field("parent", "unit_code.invalid").into());
    }
    let places = state
        .db
        .read(move |c| {
            let era = match era {
                Some(era) => era,
                None => admin_units::office_era(c)?,
            };
            match parent {
                Some(code) => communes_of_province(c, era, &code),
                None => Ok(admin_units::provinces(c, era)?
                    .into_iter()
                    .map(|u| Place {
                        code: u.code,
                        name: u.name,
                    })
                    .collect()),
            }
        })
        .await
        .map_err(|e: StoreError| ApiError::from(e))?;
    // The list changes only when an administrator imports a new one; a few minutes of caching saves a round trip
    // each time a citizen goes back to a province they already picked.
    Ok((
        [(header::CACHE_CONTROL, "public, max-age=300")],
        Json(places),
    )
        .into_response())
}
