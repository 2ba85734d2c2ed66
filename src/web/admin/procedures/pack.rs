//! Moving whole catalogues: procedure packs in (all or nothing) and out, and asking for a search-index rebuild.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::services::packs::{self, ImportError};
use crate::services::{ServiceError, search};

use super::super::super::download::attachment;
use super::super::super::error::PageError;
use super::super::super::extract::{AdminSession, Client, CsrfForm, NoFields};
use super::super::super::state::AppState;
use super::super::super::upload::Upload;
use super::{list_page, see_other};

pub(super) async fn import_pack(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    upload: Upload,
) -> Result<Response, PageError> {
    let outcome = match upload
        .file("pack")
        .map(|f| String::from_utf8(f.bytes.clone()))
    {
        None => Err("Chưa chọn tệp gói thủ tục.".to_owned()),
        Some(Err(_)) => Err("Tệp không phải văn bản UTF-8.".to_owned()),
        Some(Ok(text)) => {
            match packs::import(&state.db, &client.context(&me.username), &text).await {
                Ok(report) => Ok(report),
                Err(ImportError::Refused(problem)) => Err(format!("Lỗi ở {problem}.")),
                Err(ImportError::Service(e)) => return Err(e.into()),
            }
        }
    };
    state.indexer.wake();
    let status = if outcome.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, list_page(&state, &me, Some(outcome)).await?).into_response())
}

pub(super) async fn export_pack(
    State(state): State<AppState>,
    AdminSession(_): AdminSession,
) -> Result<Response, PageError> {
    let pack = packs::export(&state.db).await?;
    let json = serde_json::to_string_pretty(&pack).map_err(|e| ServiceError::Internal(e.into()))?;
    Ok(attachment(
        "application/json; charset=utf-8",
        "goi-thu-tuc.json",
        json,
    ))
}

pub(super) async fn reindex(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    search::request_rebuild(&state.db, &client.context(&me.username)).await?;
    state.indexer.wake();
    Ok(see_other("/admin/procedures"))
}
