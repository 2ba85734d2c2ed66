//! The papers step of an online submission: one file per component of the procedure, uploaded (checked by content,
//! with the size limit beside each control) or reused from the citizen's document store, and detached again.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use crate::domain::FieldErrors;
use crate::services::ServiceError;
use crate::services::citizens::CitizenPrincipal;
use crate::services::dossiers::documents::NewDocument;
use crate::services::submissions::{self, DraftView};
use crate::web::error::PageError;
use crate::web::extract::{CitizenSession, Client, CsrfForm};
use crate::web::session::csrf_token;
use crate::web::state::AppState;
use crate::web::ui::form::{csrf_input, error_summary};
use crate::web::ui::messages::field_message;
use crate::web::upload::Upload;

use super::citizen_page::citizen_page;
use super::submit::{draft_url, size_limit_label, step_nav};

fn human_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

pub(super) async fn papers_page(
    state: &AppState,
    me: &CitizenPrincipal,
    view: &DraftView,
    errors: &FieldErrors,
    notice: Option<&str>,
) -> Result<Markup, PageError> {
    let store = submissions::document_store(&state.db, me).await?;
    let csrf = csrf_token(&state.mac, &me.token);
    let id = &view.draft.public_id;
    let limit = size_limit_label(&state.config.documents);
    let body = html! {
        h1 { "Giấy tờ kèm theo" }
        (step_nav(id, "giay-to"))
        @if let Some(n) = notice { div class="alert success" role="status" { (n) } }
        (error_summary(errors))
        p { "Đính kèm mỗi thành phần hồ sơ một tệp: PDF, ảnh JPEG/PNG, DOCX, ODT, XLSX hoặc văn bản. "
            "Hệ thống kiểm tra loại tệp theo nội dung; tệp không đúng loại sẽ bị từ chối." }
        ol class="papers" {
            @for (i, c) in view.procedure.components.iter().enumerate() {
                @let position = i as i64 + 1;
                @let attached = view.files.iter().find(|f| f.component == position);
                @let field = format!("file_{position}");
                @let error = errors.first(&field).or(errors.first(&format!("component_{position}"))).map(field_message);
                li class={ "card" @if error.is_some() { " has-error" } } {
                    h2 class="h3" id={ "c" (position) } { (c.name) @if c.required { " " span class="req" { "(bắt buộc)" } } }
                    @if let Some(f) = attached {
                        p class="attached" {
                            "Đã đính kèm: " strong { (f.file_name) } " (" (human_size(f.size)) ") "
                        }
                        form method="post" action={ "/ho-so-nhap/" (id) "/giay-to/xoa" } class="inline" {
                            (csrf_input(&csrf))
                            input type="hidden" name="component" value=(position);
                            button type="submit" class="link" { "Gỡ tệp" }
                        }
                    }
                    form method="post" action={ "/ho-so-nhap/" (id) "/giay-to" } enctype="multipart/form-data"
                        data-upload-progress="" data-max-bytes=(state.config.documents.max_file_bytes()) {
                        (csrf_input(&csrf))
                        input type="hidden" name="component" value=(position);
                        div class="field" {
                            label for=(format!("f-{field}")) { @if attached.is_some() { "Thay bằng tệp khác" } @else { "Chọn tệp" } }
                            input id=(format!("f-{field}")) type="file" name="file" required
                                accept=".pdf,.jpg,.jpeg,.png,.docx,.odt,.xlsx,.txt"
                                aria-describedby=(format!("limit-{position}"))
                                aria-invalid=[error.map(|_| "true")];
                            p class="muted" id=(format!("limit-{position}")) { "Dung lượng tối đa " (limit) " mỗi tệp." }
                            @if let Some(m) = error { p class="error" role="alert" { (m) } }
                        }
                        progress max="100" value="0" hidden aria-label="Tiến độ tải tệp lên" {}
                        span class="progress-text" aria-live="polite" {}
                        button type="submit" class="secondary" { "Tải lên" }
                    }
                    @if !store.is_empty() {
                        form method="post" action={ "/ho-so-nhap/" (id) "/giay-to/dung-lai" } {
                            (csrf_input(&csrf))
                            input type="hidden" name="component" value=(position);
                            div class="field" {
                                label for=(format!("reuse-{position}")) { "Hoặc dùng tệp trong kho dữ liệu của Ông/Bà" }
                                select id=(format!("reuse-{position}")) name="document" {
                                    @for s in &store {
                                        option value=(s.document_id) {
                                            (s.file_name) " – " @if s.kind == "result" { "kết quả" } @else { "giấy tờ" } " hồ sơ " (s.dossier_code)
                                        }
                                    }
                                }
                            }
                            button type="submit" class="secondary" { "Dùng tệp này" }
                        }
                    }
                }
            }
        }
        p { a class="button" href=(draft_url(id, "nhan-ket-qua")) { "Tiếp tục" } }
        script src="/assets/js/upload.js" defer {}
    };
    citizen_page(state, me, "Giấy tờ kèm theo", body).await
}

/// `POST /ho-so-nhap/{id}/giay-to` (multipart: `component`, `file`): a refused file shows why and keeps the draft.
pub async fn upload_paper(
    State(state): State<AppState>,
    client: Client,
    CitizenSession(me): CitizenSession,
    Path(id): Path<String>,
    upload: Result<Upload, Response>,
) -> Result<Response, PageError> {
    let upload = match upload {
        Ok(u) => u,
        Err(refused) if refused.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            // Far over the limit, the body was cut off before its fields could be read: say so on the papers page.
            let view = submissions::load(&state.db, &me, &id).await?;
            let mut errors = FieldErrors::new();
            errors.add("file", "file.too_large");
            let page = papers_page(&state, &me, &view, &errors, None).await?;
            return Ok((StatusCode::PAYLOAD_TOO_LARGE, page).into_response());
        }
        Err(refused) => return Ok(refused),
    };
    let component: i64 = upload
        .field("component")
        .parse()
        .map_err(|_| ServiceError::NotFound)?;
    let (file_name, bytes) = upload
        .file("file")
        .map(|f| (f.file_name.clone(), f.bytes.clone()))
        .unwrap_or_default();
    let ctx = client.context(&me.owner_ref());
    let paper = NewDocument {
        file_name,
        bytes,
        kind: "submitted".to_owned(),
        component: Some(component),
        confidential: false,
        certify: false,
    };
    let result = submissions::attach(&state.db, state.files.clone(), &ctx, &me, &id, paper).await;
    match result {
        Ok(()) => Ok(
            Redirect::to(&format!("{}#c{component}", draft_url(&id, "giay-to"))).into_response(),
        ),
        Err(ServiceError::Invalid(errors)) => {
            let view = submissions::load(&state.db, &me, &id).await?;
            let page = papers_page(&state, &me, &view, &errors, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ReuseForm {
    component: i64,
    #[serde(default)]
    document: Option<i64>,
}

/// `POST /ho-so-nhap/{id}/giay-to/dung-lai`: attaches a file from the citizen's document store.
pub async fn reuse_paper(
    State(state): State<AppState>,
    client: Client,
    CitizenSession(me): CitizenSession,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ReuseForm>,
) -> Result<Redirect, PageError> {
    let document = form.document.ok_or(ServiceError::NotFound)?;
    let ctx = client.context(&me.owner_ref());
    submissions::reuse(&state.db, &ctx, &me, &id, form.component, document).await?;
    Ok(Redirect::to(&format!(
        "{}#c{}",
        draft_url(&id, "giay-to"),
        form.component
    )))
}

#[derive(Deserialize)]
pub struct ComponentForm {
    component: i64,
}

/// `POST /ho-so-nhap/{id}/giay-to/xoa`: detaches a component's file.
pub async fn remove_paper(
    State(state): State<AppState>,
    CitizenSession(me): CitizenSession,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ComponentForm>,
) -> Result<Redirect, PageError> {
    submissions::remove_file(&state.db, &me, &id, form.component).await?;
    Ok(Redirect::to(&draft_url(&id, "giay-to")))
}
