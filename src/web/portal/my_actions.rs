//! What a citizen does on their own dossier: write to the office, supplement it online when asked, withdraw it,
//! and rate the service once it is finished. Each is one service call; a refusal shows why and changes nothing.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

use crate::domain::FieldErrors;
use crate::domain::dossier::ActionInput;
use crate::domain::eform::answers::{self, FormCommand};
use crate::domain::rating::RatingInput;
use crate::services::ServiceError;
use crate::services::citizens::{ADDRESS_ERA, CitizenPrincipal, owner_acting};
use crate::services::dossiers::documents::{NewDocument, prepare};
use crate::services::dossiers::{self as dossier_service, exchange};
use crate::services::ratings;
use crate::store::dossiers::DossierRow;
use crate::web::error::PageError;
use crate::web::extract::{CitizenSession, Client, CsrfForm, dossier_settings};
use crate::web::session::csrf_token;
use crate::web::state::AppState;
use crate::web::ui::eform::{load_address_options, render_fields};
use crate::web::ui::form::{csrf_input, error_summary};
use crate::web::ui::messages::{field_message, refusal_message};
use crate::web::upload::Upload;

use super::citizen_page::citizen_page;
use super::my_dossiers::{own_dossier, reference};
use super::submit::size_limit_label;

fn back(row: &DossierRow, done: &str) -> Redirect {
    Redirect::to(&format!("/ho-so-cua-toi/{}?done={done}", reference(row)))
}

/// A refusal (409) as a short page that links back to the dossier.
async fn refused(
    state: &AppState,
    me: &CitizenPrincipal,
    row: &DossierRow,
    code: &str,
) -> Result<Response, PageError> {
    let body = html! {
        h1 { "Không thực hiện được" }
        div class="alert error" role="alert" { (refusal_message(code)) }
        p { a href={ "/ho-so-cua-toi/" (reference(row)) } { "← Quay lại hồ sơ" } }
    };
    Ok((
        StatusCode::CONFLICT,
        citizen_page(state, me, "Không thực hiện được", body).await?,
    )
        .into_response())
}

/// A form that did not pass (422) as a short page with its messages and a link back to the dossier section.
async fn invalid(
    state: &AppState,
    me: &CitizenPrincipal,
    row: &DossierRow,
    title: &str,
    errors: &FieldErrors,
    anchor: &str,
) -> Result<Response, PageError> {
    let body = html! {
        h1 { (title) }
        (error_summary(errors))
        p { a href={ "/ho-so-cua-toi/" (reference(row)) "#" (anchor) } { "← Quay lại hồ sơ" } }
    };
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        citizen_page(state, me, title, body).await?,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    body: String,
}

/// `POST /ho-so-cua-toi/{ref}/tin-nhan`.
pub async fn post_message(
    State(state): State<AppState>,
    client: Client,
    CitizenSession(me): CitizenSession,
    Path(reference_): Path<String>,
    CsrfForm(form): CsrfForm<MessageForm>,
) -> Result<Response, PageError> {
    let row = own_dossier(&state, &me, reference_).await?;
    let ctx = client.context(&me.owner_ref());
    match exchange::post_message(
        &state.db,
        &ctx,
        &owner_acting(&me),
        &row.public_id,
        &form.body,
    )
    .await
    {
        Ok(()) => Ok(back(&row, "message").into_response()),
        Err(ServiceError::Invalid(e)) => {
            invalid(&state, &me, &row, "Chưa gửi được tin nhắn", &e, "messages").await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    confirm: Option<String>,
}

/// `POST /ho-so-cua-toi/{ref}/rut`: the applicant withdraws (status 7, then stopped by the rules).
pub async fn withdraw(
    State(state): State<AppState>,
    client: Client,
    CitizenSession(me): CitizenSession,
    Path(reference_): Path<String>,
    CsrfForm(form): CsrfForm<WithdrawForm>,
) -> Result<Response, PageError> {
    let row = own_dossier(&state, &me, reference_).await?;
    if form.confirm.is_none() {
        return refused(&state, &me, &row, "withdraw.unconfirmed").await;
    }
    let input = ActionInput {
        action: "withdraw".to_owned(),
        reason: form.reason.clone(),
        ..ActionInput::default()
    };
    let ctx = client.context(&me.owner_ref());
    let settings = dossier_settings(&state);
    match dossier_service::act(
        &state.db,
        &ctx,
        &settings,
        &owner_acting(&me),
        &row.public_id,
        input,
        None,
    )
    .await
    {
        Ok(row) => Ok(back(&row, "withdraw").into_response()),
        Err(ServiceError::Refused(code)) => refused(&state, &me, &row, code).await,
        Err(ServiceError::Forbidden) => {
            refused(&state, &me, &row, "dossier.invalid_transition").await
        }
        Err(e) => Err(e.into()),
    }
}

async fn supplement_page(
    state: &AppState,
    me: &CitizenPrincipal,
    row: &DossierRow,
    values: &Value,
    errors: &FieldErrors,
) -> Result<Markup, PageError> {
    let (code, version) = (row.procedure_code.clone(), row.procedure_version);
    let procedure = state
        .db
        .read(move |c| crate::store::procedures::version(c, &code, version))
        .await?
        .ok_or(ServiceError::NotFound)?
        .body;
    let (fields, v) = (procedure.form.clone(), values.clone());
    let places = state
        .db
        .read(move |c| load_address_options(c, ADDRESS_ERA, &fields, &v))
        .await?;
    let link = format!("/ho-so-cua-toi/{}", reference(row));
    let body = html! {
        h1 { "Bổ sung hồ sơ " (reference(row)) }
        p { "Sửa tờ khai nếu cần và đính kèm giấy tờ được yêu cầu, rồi bấm “Nộp bổ sung”. Tờ khai trước khi sửa vẫn được lưu lại; mã hồ sơ không thay đổi." }
        (error_summary(errors))
        form method="post" action={ (link) "/bo-sung" } enctype="multipart/form-data" class="card" novalidate
            data-upload-progress="" data-max-bytes=(state.config.documents.max_file_bytes()) {
            (csrf_input(&csrf_token(&state.mac, &me.token)))
            @if !procedure.form.is_empty() {
                h2 { "Tờ khai" }
                (render_fields(&procedure.form, values, errors, &[], &places))
            }
            h2 { "Giấy tờ bổ sung" }
            p class="muted" { "Mỗi tệp tối đa " (size_limit_label(&state.config.documents)) "; chỉ chọn tệp cho thành phần cần bổ sung." }
            @for (i, c) in procedure.components.iter().enumerate() {
                @let name = format!("file_{}", i + 1);
                @let error = errors.first(&name).map(field_message);
                div class={ "field" @if error.is_some() { " has-error" } } {
                    label for={ "f-" (name) } { (c.name) }
                    input id={ "f-" (name) } type="file" name=(name) accept=".pdf,.jpg,.jpeg,.png,.docx,.odt,.xlsx,.txt"
                        aria-describedby={ "l-" (name) };
                    p class="muted" id={ "l-" (name) } { "Tối đa " (size_limit_label(&state.config.documents)) "." }
                    @if let Some(m) = error { p class="error" role="alert" { (m) } }
                }
            }
            progress max="100" value="0" hidden aria-label="Tiến độ tải tệp lên" {}
            span class="progress-text" aria-live="polite" {}
            button type="submit" name="send" value="1" { "Nộp bổ sung" }
        }
        p { a href=(link) { "← Quay lại hồ sơ" } }
        script src="/assets/js/upload.js" defer {}
    };
    citizen_page(state, me, "Bổ sung hồ sơ", body).await
}

/// `GET /ho-so-cua-toi/{ref}/bo-sung`.
pub async fn show_supplement(
    State(state): State<AppState>,
    CitizenSession(me): CitizenSession,
    Path(reference_): Path<String>,
) -> Result<Response, PageError> {
    let row = own_dossier(&state, &me, reference_).await?;
    if row.stage != "supplement" {
        return refused(&state, &me, &row, "dossier.invalid_transition").await;
    }
    let values: Value = serde_json::from_str(&row.form_data).unwrap_or(Value::Null);
    Ok(
        supplement_page(&state, &me, &row, &values, &FieldErrors::new())
            .await?
            .into_response(),
    )
}

/// `POST /ho-so-cua-toi/{ref}/bo-sung` (multipart: the e-form's fields and `file_<n>` per component).
pub async fn submit_supplement(
    State(state): State<AppState>,
    client: Client,
    CitizenSession(me): CitizenSession,
    Path(reference_): Path<String>,
    upload: Result<Upload, Response>,
) -> Result<Response, PageError> {
    let row = own_dossier(&state, &me, reference_).await?;
    let upload = match upload {
        Ok(u) => u,
        Err(refused) if refused.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let values: Value = serde_json::from_str(&row.form_data).unwrap_or(Value::Null);
            let mut errors = FieldErrors::new();
            errors.add("file", "file.too_large");
            let page = supplement_page(&state, &me, &row, &values, &errors).await?;
            return Ok((StatusCode::PAYLOAD_TOO_LARGE, page).into_response());
        }
        Err(refused) => return Ok(refused),
    };
    let (code, version) = (row.procedure_code.clone(), row.procedure_version);
    let procedure = state
        .db
        .read(move |c| crate::store::procedures::version(c, &code, version))
        .await?
        .ok_or(ServiceError::NotFound)?
        .body;
    let command = answers::command(&upload.fields);
    let mut values = match command {
        FormCommand::AddRow(_) | FormCommand::RemoveRow(..) => {
            answers::collect_for_command(&procedure.form, &upload.fields)
        }
        _ => answers::collect(&procedure.form, &upload.fields),
    };
    if command != FormCommand::Submit {
        answers::apply_command(&procedure.form, &mut values, &command);
        return Ok(
            supplement_page(&state, &me, &row, &values, &FieldErrors::new())
                .await?
                .into_response(),
        );
    }
    let acting = owner_acting(&me);
    let mut errors = FieldErrors::new();
    let mut papers = Vec::new();
    for f in &upload.files {
        let Some(position) = f
            .field
            .strip_prefix("file_")
            .and_then(|p| p.parse::<i64>().ok())
        else {
            continue;
        };
        let doc = NewDocument {
            file_name: f.file_name.clone(),
            bytes: f.bytes.clone(),
            kind: "submitted".to_owned(),
            component: Some(position),
            confidential: false,
            certify: false,
        };
        match prepare(state.files.clone(), &acting, doc).await {
            Ok(p) => papers.push(p),
            Err(ServiceError::Invalid(e)) => errors.0.extend(e.0),
            Err(e) => return Err(e.into()),
        }
    }
    if !errors.is_empty() {
        let page = supplement_page(&state, &me, &row, &values, &errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let answers = (!procedure.form.is_empty()).then_some(values.clone());
    let ctx = client.context(&me.owner_ref());
    let settings = dossier_settings(&state);
    match exchange::supplement(
        &state.db,
        &ctx,
        &settings,
        &acting,
        &row.public_id,
        answers,
        papers,
    )
    .await
    {
        Ok(row) => Ok(back(&row, "supplement").into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let page = supplement_page(&state, &me, &row, &values, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(ServiceError::Refused(code)) => refused(&state, &me, &row, code).await,
        Err(e) => Err(e.into()),
    }
}

/// `POST /ho-so-cua-toi/{ref}/danh-gia`.
pub async fn rate(
    State(state): State<AppState>,
    client: Client,
    CitizenSession(me): CitizenSession,
    Path(reference_): Path<String>,
    CsrfForm(input): CsrfForm<RatingInput>,
) -> Result<Response, PageError> {
    let row = own_dossier(&state, &me, reference_).await?;
    let ctx = client.context(&me.owner_ref());
    match ratings::rate(&state.db, &ctx, &me, &row.public_id, &input).await {
        Ok(()) => Ok(back(&row, "rating").into_response()),
        Err(ServiceError::Refused(code)) => refused(&state, &me, &row, code).await,
        Err(ServiceError::Invalid(e)) => {
            invalid(&state, &me, &row, "Chưa gửi được đánh giá", &e, "rating").await
        }
        Err(e) => Err(e.into()),
    }
}

/// The routes of "my dossiers".
pub fn routes(docs: &crate::config::DocumentsConfig) -> axum::Router<AppState> {
    use super::my_dossiers as pages;
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/ho-so-cua-toi", get(pages::show_list))
        .route("/ho-so-cua-toi/{ref}", get(pages::show))
        .route("/ho-so-cua-toi/{ref}/tep/{id}", get(pages::download))
        .route("/ho-so-cua-toi/{ref}/tin-nhan", post(post_message))
        .route("/ho-so-cua-toi/{ref}/rut", post(withdraw))
        .route(
            "/ho-so-cua-toi/{ref}/bo-sung",
            get(show_supplement)
                .post(submit_supplement)
                .layer(DefaultBodyLimit::max(docs.body_limit(4))),
        )
        .route("/ho-so-cua-toi/{ref}/danh-gia", post(rate))
        .route("/thong-bao", get(pages::show_notices))
        .route("/kho-du-lieu", get(pages::show_store))
}
