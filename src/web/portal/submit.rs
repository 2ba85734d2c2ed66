//! Online submission on the portal: the start page of a procedure, then the draft in four steps (the e-form, the
//! papers, how to receive the result, review) and the submission. Every step is a plain form that works without
//! JavaScript; the papers step (`papers`) shows an upload percentage when scripts run.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

use crate::domain::FieldErrors;
use crate::domain::eform::answers::{self, FormCommand};
use crate::services::ServiceError;
use crate::services::citizens::{ADDRESS_ERA, CitizenPrincipal};
use crate::services::submissions::{self, DraftView};
use crate::store::procedures;
use crate::web::error::PageError;
use crate::web::extract::{CitizenSession, Client, CsrfForm, NoFields, dossier_settings};
use crate::web::session::csrf_token;
use crate::web::state::AppState;
use crate::web::ui::dossier::short_time;
use crate::web::ui::eform::{load_address_options, render_fields};
use crate::web::ui::form::{csrf_input, error_summary};
use crate::web::ui::messages::field_message;

use super::citizen_page::citizen_page;

/// The draft's steps, in order: (query value, title).
const STEPS: [(&str, &str); 4] = [
    ("to-khai", "Tờ khai"),
    ("giay-to", "Giấy tờ kèm theo"),
    ("nhan-ket-qua", "Nhận kết quả"),
    ("xem-lai", "Xem lại và nộp"),
];

/// "20 MB", the limit shown beside every upload control.
pub fn size_limit_label(docs: &crate::config::DocumentsConfig) -> String {
    format!("{} MB", docs.max_file_mb)
}

pub(super) fn draft_url(id: &str, step: &str) -> String {
    format!("/ho-so-nhap/{id}?buoc={step}")
}

pub(super) fn step_nav(id: &str, current: &str) -> Markup {
    html! {
        nav aria-label="Các bước nộp hồ sơ" {
            ol class="steps" {
                @for (i, (key, title)) in STEPS.iter().enumerate() {
                    li aria-current=[(*key == current).then_some("step")] {
                        a href=(draft_url(id, key)) { (i + 1) ". " (title) }
                    }
                }
            }
        }
    }
}

/// `GET /nop-ho-so/{code}`: what the procedure needs, the citizen's drafts of it, and the button to start.
pub async fn show_start(
    State(state): State<AppState>,
    CitizenSession(me): CitizenSession,
    Path(code): Path<String>,
) -> Result<Markup, PageError> {
    let lookup = code.clone();
    let version = state
        .db
        .read(move |c| procedures::published(c, &lookup))
        .await?
        .ok_or(ServiceError::NotFound)?;
    let p = &version.body;
    let drafts: Vec<_> = submissions::list(&state.db, &me)
        .await?
        .into_iter()
        .filter(|d| d.procedure_code == version.code)
        .collect();
    let online = p.channels.online && p.service_level.is_online();
    let body = html! {
        h1 { "Nộp hồ sơ trực tuyến" }
        p class="lead" { strong { (p.name) } " (" (version.code) ")" }
        @if !online {
            div class="alert error" role="alert" { "Thủ tục này chưa được cung cấp trực tuyến. Vui lòng nộp hồ sơ tại Bộ phận Tiếp nhận và Trả kết quả." }
        } @else {
            section class="card" aria-labelledby="need" {
                h2 id="need" { "Ông/Bà cần chuẩn bị" }
                ol {
                    @for c in &p.components {
                        li { (c.name) @if c.required { " (bắt buộc)" } }
                    }
                }
                p class="muted" { "Mỗi giấy tờ là một tệp PDF, ảnh JPEG/PNG, DOCX, ODT, XLSX hoặc văn bản, tối đa " (size_limit_label(&state.config.documents)) "." }
            }
            @if !drafts.is_empty() {
                section aria-labelledby="drafts" {
                    h2 id="drafts" { "Hồ sơ nháp đang khai" }
                    ul {
                        @for d in &drafts {
                            li { a href=(draft_url(&d.public_id, "to-khai")) { "Tiếp tục hồ sơ nháp lưu lúc " (short_time(Some(&d.updated_at))) } }
                        }
                    }
                }
            }
            form method="post" action={ "/nop-ho-so/" (version.code) } {
                (csrf_input(&csrf_token(&state.mac, &me.token)))
                button type="submit" { "Bắt đầu khai hồ sơ mới" }
            }
        }
    };
    citizen_page(&state, &me, "Nộp hồ sơ trực tuyến", body).await
}

/// `POST /nop-ho-so/{code}`: starts a prefilled draft and opens it.
pub async fn start(
    State(state): State<AppState>,
    client: Client,
    CitizenSession(me): CitizenSession,
    Path(code): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Redirect, PageError> {
    let id = submissions::start(&state.db, &client.context(&me.owner_ref()), &me, &code).await?;
    Ok(Redirect::to(&draft_url(&id, "to-khai")))
}

#[derive(Deserialize, Default)]
pub struct StepQuery {
    #[serde(default)]
    buoc: String,
    #[serde(default)]
    luu: Option<String>,
}

/// `GET /ho-so-nhap/{id}`: one step of the draft.
pub async fn show_draft(
    State(state): State<AppState>,
    CitizenSession(me): CitizenSession,
    Path(id): Path<String>,
    Query(q): Query<StepQuery>,
) -> Result<Markup, PageError> {
    let view = submissions::load(&state.db, &me, &id).await?;
    let notice = q
        .luu
        .is_some()
        .then_some("Đã lưu hồ sơ nháp. Ông/Bà có thể quay lại khai tiếp bất cứ lúc nào.");
    let errors = FieldErrors::new();
    match q.buoc.as_str() {
        "giay-to" => super::papers::papers_page(&state, &me, &view, &errors, notice).await,
        "nhan-ket-qua" => delivery_page(&state, &me, &view, &errors).await,
        "xem-lai" => review_page(&state, &me, &view, &errors).await,
        _ => form_page(&state, &me, &view, &view.answers, &errors, notice).await,
    }
}

async fn form_page(
    state: &AppState,
    me: &CitizenPrincipal,
    view: &DraftView,
    values: &Value,
    errors: &FieldErrors,
    notice: Option<&str>,
) -> Result<Markup, PageError> {
    let (fields, values_for_places) = (view.procedure.form.clone(), values.clone());
    let places = state
        .db
        .read(move |c| load_address_options(c, ADDRESS_ERA, &fields, &values_for_places))
        .await?;
    let id = &view.draft.public_id;
    let body = html! {
        h1 { "Tờ khai: " (view.procedure.name) }
        (step_nav(id, "to-khai"))
        @if let Some(n) = notice { div class="alert success" role="status" { (n) } }
        @if !view.prefilled.is_empty() {
            p class="alert" { "Một số thông tin đã được điền sẵn từ tài khoản và hồ sơ trước của Ông/Bà. Vui lòng kiểm tra lại trước khi tiếp tục." }
        }
        (error_summary(errors))
        form method="post" action={ "/ho-so-nhap/" (id) "/to-khai" } class="card" novalidate {
            (csrf_input(&csrf_token(&state.mac, &me.token)))
            (render_fields(&view.procedure.form, values, errors, &view.prefilled, &places))
            div class="actions" {
                button type="submit" name="next" value="1" { "Tiếp tục" }
                button type="submit" name="save_draft" value="1" class="secondary" { "Lưu nháp" }
            }
        }
    };
    citizen_page(state, me, "Tờ khai", body).await
}

/// `POST /ho-so-nhap/{id}/to-khai`: row and province buttons re-render; "Lưu nháp" saves as typed; "Tiếp tục"
/// saves and moves on only when every answer passes, otherwise shows every error at once (the answers are kept).
pub async fn submit_form(
    State(state): State<AppState>,
    client: Client,
    CitizenSession(me): CitizenSession,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let view = submissions::load(&state.db, &me, &id).await?;
    let fields = &view.procedure.form;
    let ctx = client.context(&me.owner_ref());
    let command = answers::command(&pairs);
    let mut values = match command {
        FormCommand::AddRow(_) | FormCommand::RemoveRow(..) => {
            answers::collect_for_command(fields, &pairs)
        }
        _ => answers::collect(fields, &pairs),
    };
    let save_only = pairs.iter().any(|(k, _)| k == "save_draft");
    if command != FormCommand::Submit || save_only {
        answers::apply_command(fields, &mut values, &command);
        submissions::save_answers(&state.db, &ctx, &me, &id, &values).await?;
        if save_only {
            return Ok(
                Redirect::to(&format!("{}&luu=1", draft_url(&id, "to-khai"))).into_response(),
            );
        }
        let view = DraftView {
            answers: values.clone(),
            ..view
        };
        return Ok(
            form_page(&state, &me, &view, &values, &FieldErrors::new(), None)
                .await?
                .into_response(),
        );
    }
    submissions::save_answers(&state.db, &ctx, &me, &id, &values).await?;
    match answers::validate(fields, &values) {
        Ok(clean) => {
            submissions::save_answers(&state.db, &ctx, &me, &id, &clean).await?;
            Ok(Redirect::to(&draft_url(&id, "giay-to")).into_response())
        }
        Err(errors) => {
            let page = form_page(&state, &me, &view, &values, &errors, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

const DELIVERY: [(&str, &str); 3] = [
    (
        "counter",
        "Nhận trực tiếp tại Bộ phận Tiếp nhận và Trả kết quả",
    ),
    (
        "post",
        "Nhận qua dịch vụ bưu chính công ích (trả phí khi nhận)",
    ),
    ("online", "Nhận kết quả điện tử trên Cổng dịch vụ công"),
];

pub fn delivery_label(key: &str) -> &'static str {
    DELIVERY
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("", |(_, l)| l)
}

async fn delivery_page(
    state: &AppState,
    me: &CitizenPrincipal,
    view: &DraftView,
    errors: &FieldErrors,
) -> Result<Markup, PageError> {
    let id = &view.draft.public_id;
    let address_error = errors.first("delivery_address").map(field_message);
    let body = html! {
        h1 { "Hình thức nhận kết quả" }
        (step_nav(id, "nhan-ket-qua"))
        (error_summary(errors))
        form method="post" action={ "/ho-so-nhap/" (id) "/nhan-ket-qua" } class="card" {
            (csrf_input(&csrf_token(&state.mac, &me.token)))
            fieldset {
                legend { "Ông/Bà muốn nhận kết quả bằng cách nào?" }
                @for (key, label) in DELIVERY {
                    div class="choice" {
                        input type="radio" id={ "d-" (key) } name="delivery" value=(key) checked[view.draft.delivery == key];
                        label for={ "d-" (key) } { (label) }
                    }
                }
            }
            div class={ "field" @if address_error.is_some() { " has-error" } } {
                label for="f-delivery_address" { "Địa chỉ nhận kết quả qua bưu chính" }
                input id="f-delivery_address" name="delivery_address" type="text" autocomplete="street-address"
                    value=(view.draft.delivery_address) aria-describedby="addr-help";
                p class="muted" id="addr-help" { "Chỉ cần khi chọn nhận qua bưu chính. Đã điền sẵn địa chỉ trong tài khoản." }
                @if let Some(m) = address_error { p class="error" { (m) } }
            }
            button type="submit" { "Tiếp tục" }
        }
    };
    citizen_page(state, me, "Nhận kết quả", body).await
}

#[derive(Deserialize)]
pub struct DeliveryForm {
    #[serde(default)]
    delivery: String,
    #[serde(default)]
    delivery_address: String,
}

pub async fn submit_delivery(
    State(state): State<AppState>,
    client: Client,
    CitizenSession(me): CitizenSession,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<DeliveryForm>,
) -> Result<Response, PageError> {
    let ctx = client.context(&me.owner_ref());
    let result = submissions::save_delivery(
        &state.db,
        &ctx,
        &me,
        &id,
        &form.delivery,
        &form.delivery_address,
    )
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&draft_url(&id, "xem-lai")).into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let mut view = submissions::load(&state.db, &me, &id).await?;
            view.draft.delivery = form.delivery;
            view.draft.delivery_address = form.delivery_address;
            let page = delivery_page(&state, &me, &view, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn review_page(
    state: &AppState,
    me: &CitizenPrincipal,
    view: &DraftView,
    errors: &FieldErrors,
) -> Result<Markup, PageError> {
    let id = &view.draft.public_id;
    let form_errors = answers::validate(&view.procedure.form, &view.answers).err();
    let (form, values) = (view.procedure.form.clone(), view.answers.clone());
    let places = state
        .db
        .read(move |c| super::answers::place_names(c, &form, &values))
        .await?;
    let missing = submissions::missing_components(view);
    let csrf = csrf_token(&state.mac, &me.token);
    let body = html! {
        h1 { "Xem lại và nộp hồ sơ" }
        (step_nav(id, "xem-lai"))
        (error_summary(errors))
        section class="card" aria-labelledby="r-form" {
            h2 id="r-form" { "Tờ khai" }
            @if let Some(e) = &form_errors {
                p class="error" { "Tờ khai còn " (e.0.len()) " chỗ cần sửa. " a href=(draft_url(id, "to-khai")) { "Sửa tờ khai" } }
            } @else {
                (super::answers::answers_table(&view.procedure.form, &view.answers, &places))
                p { a href=(draft_url(id, "to-khai")) { "Sửa tờ khai" } }
            }
        }
        section class="card" aria-labelledby="r-papers" {
            h2 id="r-papers" { "Giấy tờ kèm theo" }
            ul {
                @for (i, c) in view.procedure.components.iter().enumerate() {
                    @let position = i as i64 + 1;
                    li {
                        (c.name) ": "
                        @match view.files.iter().find(|f| f.component == position) {
                            Some(f) => { strong { (f.file_name) } }
                            None => { @if c.required { span class="error" { "chưa đính kèm (bắt buộc)" } } @else { "không đính kèm" } }
                        }
                    }
                }
            }
            p { a href=(draft_url(id, "giay-to")) { "Sửa giấy tờ" } }
        }
        section class="card" aria-labelledby="r-delivery" {
            h2 id="r-delivery" { "Nhận kết quả" }
            p { (delivery_label(&view.draft.delivery)) }
            @if view.draft.delivery == "post" { p { "Địa chỉ: " (view.draft.delivery_address) } }
            p { a href=(draft_url(id, "nhan-ket-qua")) { "Sửa" } }
        }
        @if form_errors.is_none() && missing.is_empty() {
            form method="post" action={ "/ho-so-nhap/" (id) "/nop" } {
                (csrf_input(&csrf))
                p { "Tôi cam đoan nội dung khai trên là đúng sự thật và chịu trách nhiệm trước pháp luật về lời khai của mình." }
                button type="submit" { "Nộp hồ sơ" }
            }
        }
        form method="post" action={ "/ho-so-nhap/" (id) "/xoa" } class="inline" {
            (csrf_input(&csrf))
            button type="submit" class="link danger" { "Huỷ hồ sơ nháp này" }
        }
    };
    citizen_page(state, me, "Xem lại và nộp", body).await
}

/// `POST /ho-so-nhap/{id}/nop`: creates the dossier and shows its confirmation.
pub async fn submit_draft(
    State(state): State<AppState>,
    client: Client,
    CitizenSession(me): CitizenSession,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    let ctx = client.context(&me.owner_ref());
    match submissions::submit(&state.db, &ctx, &dossier_settings(&state), &me, &id).await {
        Ok(row) => {
            Ok(Redirect::to(&format!("/ho-so-cua-toi/{}?da-nop=1", row.public_id)).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            let view = submissions::load(&state.db, &me, &id).await?;
            let page = review_page(&state, &me, &view, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /ho-so-nhap/{id}/xoa`: discards the draft.
pub async fn discard_draft(
    State(state): State<AppState>,
    client: Client,
    CitizenSession(me): CitizenSession,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Redirect, PageError> {
    submissions::discard(&state.db, &client.context(&me.owner_ref()), &me, &id).await?;
    Ok(Redirect::to("/ho-so-cua-toi"))
}

/// The submission routes.
pub fn routes(docs: &crate::config::DocumentsConfig) -> axum::Router<AppState> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/nop-ho-so/{code}", get(show_start).post(start))
        .route("/ho-so-nhap/{id}", get(show_draft))
        .route("/ho-so-nhap/{id}/to-khai", post(submit_form))
        .route(
            "/ho-so-nhap/{id}/giay-to",
            post(super::papers::upload_paper).layer(DefaultBodyLimit::max(docs.body_limit(1))),
        )
        .route(
            "/ho-so-nhap/{id}/giay-to/dung-lai",
            post(super::papers::reuse_paper),
        )
        .route(
            "/ho-so-nhap/{id}/giay-to/xoa",
            post(super::papers::remove_paper),
        )
        .route("/ho-so-nhap/{id}/nhan-ket-qua", post(submit_delivery))
        .route("/ho-so-nhap/{id}/nop", post(submit_draft))
        .route("/ho-so-nhap/{id}/xoa", post(discard_draft))
}
