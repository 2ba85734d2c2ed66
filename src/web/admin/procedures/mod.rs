//! Administration of the procedure catalogue (one-stop function group a): the list, the draft editor, publishing
//! and withdrawing versions, templates, procedure packs in and out, and rebuilding the search index.

mod form;
mod pack;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};

use crate::domain::FieldErrors;
use crate::domain::catalogue::{
    Channels, ImplLevel, Procedure, ProcessingTime, ServiceLevel, TemplateRef, TimeUnit,
};
use crate::services::ServiceError;
use crate::services::auth::Principal;
use crate::services::packs::ImportReport;
use crate::services::procedures::{self as edit, NewTemplateFile};
use crate::store::procedures::{self, AdminRow, ProcedureVersion};
use crate::store::{StoreError, catalogue, org, settings};

use super::super::error::PageError;
use super::super::extract::{AdminSession, Client, CsrfForm, NoFields};
use super::super::session::csrf_token;
use super::super::state::AppState;
use super::super::ui::form::csrf_input;
use super::super::ui::layout::{PageContext, page, scroll_table};
use super::super::ui::procedure::{Links, level1_items};
use super::super::upload::Upload;
use form::{Choices, Pairs, errors_list};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/procedures", get(list))
        .route("/admin/procedures/new", get(new_form).post(create))
        .route("/admin/procedures/import", post(pack::import_pack))
        .route("/admin/procedures/export", get(pack::export_pack))
        .route("/admin/procedures/reindex", post(pack::reindex))
        .route("/admin/procedures/{code}", get(edit_form).post(save))
        .route("/admin/procedures/{code}/preview", get(preview))
        .route("/admin/procedures/{code}/publish", post(publish))
        .route("/admin/procedures/{code}/withdraw", post(withdraw))
        .route("/admin/procedures/{code}/discard", post(discard))
        .route("/admin/procedures/{code}/templates", post(add_template))
        .route(
            "/admin/procedures/{code}/templates/{key}/remove",
            post(remove_template),
        )
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

async fn office_page(
    state: &AppState,
    me: &Principal,
    title: &str,
    body: Markup,
) -> Result<Markup, PageError> {
    let office = state.db.read(settings::get_office).await?;
    let ctx = PageContext {
        office: &office,
        staff: Some((me, csrf_token(&state.mac, &me.token))),
        citizen: None,
    };
    Ok(page(&ctx, title, body))
}

fn state_label(row: &AdminRow) -> Markup {
    html! {
        @match row.published_version { Some(v) => { span class="badge good" { "Đang công bố (phiên bản " (v) ")" } }, None => { span class="badge" { "Chưa công bố" } } }
        @if row.has_draft { " " span class="badge" { "Có bản nháp" } }
    }
}

pub(super) async fn list_page(
    state: &AppState,
    me: &Principal,
    report: Option<Result<ImportReport, String>>,
) -> Result<Markup, PageError> {
    let (rows, backlog) = state
        .db
        .read(|c| {
            Ok::<_, StoreError>((
                procedures::admin_list(c)?,
                crate::store::outbox::backlog(c)?,
            ))
        })
        .await?;
    let csrf = csrf_token(&state.mac, &me.token);
    let body = html! {
        h1 { "Thủ tục hành chính" }
        p { a href="/admin/catalogue" { "‹ Danh mục dùng chung" } }
        @match &report {
            Some(Ok(r)) => div class="alert ok" role="status" {
                p { "Đã nhập gói: " (r.procedures_created) " thủ tục mới, " (r.procedures_updated) " thủ tục có phiên bản mới, "
                    (r.procedures_unchanged) " thủ tục không thay đổi; " (r.catalogue_entries_changed) " mục danh mục thay đổi." }
                @if !r.warnings.is_empty() { ul { @for w in &r.warnings { li { (w) } } } }
            },
            Some(Err(reason)) => div class="alert error" role="alert" { p { "Không nhập gói thủ tục, không có dữ liệu nào bị thay đổi. " (reason) } },
            None => {},
        }
        p { a class="button" href="/admin/procedures/new" { "Thêm thủ tục" } }
        (scroll_table("Danh sách thủ tục", html! { table {
            thead { tr { th scope="col" { "Mã" } th scope="col" { "Tên thủ tục" } th scope="col" { "Lĩnh vực" } th scope="col" { "Trạng thái" } } }
            tbody { @for r in &rows { tr {
                td { code { (r.code) } }
                td { a href={ "/admin/procedures/" (r.code) } { (r.name) } @if r.is_demo { " " span class="badge" { "Minh hoạ" } } }
                td { (r.sector_code) }
                td { (state_label(r)) }
            } } }
        } }))
        div class="grid" {
            section class="card" aria-labelledby="pack-in" {
                h2 id="pack-in" { "Nhập gói thủ tục" }
                p { "Tệp JSON theo định dạng gói thủ tục motcua. Gói lỗi bị từ chối toàn bộ; nhập lại cùng một gói không thay đổi gì." }
                form method="post" action="/admin/procedures/import" enctype="multipart/form-data" {
                    (csrf_input(&csrf))
                    div class="field" { label for="pack" { "Tệp gói thủ tục (.json)" } input id="pack" name="pack" type="file" accept=".json,application/json" required; }
                    button type="submit" { "Nhập gói" }
                }
            }
            section class="card" aria-labelledby="pack-out" {
                h2 id="pack-out" { "Xuất và tìm kiếm" }
                p { a href="/admin/procedures/export" { "Tải gói thủ tục đang công bố (.json)" } }
                p { "Chỉ mục tìm kiếm: " (rows.iter().filter(|r| r.published_version.is_some()).count()) " thủ tục công bố; "
                    (backlog) " thay đổi đang chờ cập nhật." }
                form method="post" action="/admin/procedures/reindex" { (csrf_input(&csrf)) button type="submit" class="secondary" { "Xây dựng lại chỉ mục tìm kiếm" } }
            }
        }
    };
    office_page(state, me, "Thủ tục hành chính", body).await
}

async fn list(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
) -> Result<Markup, PageError> {
    list_page(&state, &me, None).await
}

async fn editor_page(
    state: &AppState,
    me: &Principal,
    body: &Procedure,
    errors: &FieldErrors,
    extra_rows: usize,
    current: Option<&ProcedureVersion>,
    history: &[ProcedureVersion],
) -> Result<Markup, PageError> {
    let (sectors, doc_types, fees, units) = state
        .db
        .read(|c| {
            Ok::<_, StoreError>((
                catalogue::list_sectors(c)?,
                catalogue::list_doc_types(c)?,
                catalogue::list_fees(c)?,
                org::list_units(c)?,
            ))
        })
        .await?;
    let choices = Choices {
        sectors: &sectors,
        doc_types: &doc_types,
        fees: &fees,
        units: &units,
    };
    let csrf = csrf_token(&state.mac, &me.token);
    let is_new = current.is_none();
    let action = if is_new {
        "/admin/procedures/new".to_owned()
    } else {
        format!("/admin/procedures/{}", body.code)
    };
    let title = if is_new {
        "Thêm thủ tục".to_owned()
    } else {
        format!("Sửa thủ tục {}", body.code)
    };
    let is_draft = current.is_some_and(|v| v.state == "draft");
    let today = crate::store::format_time(time::OffsetDateTime::now_utc())[..10].to_owned();
    let html = html! {
        h1 { (title) }
        p { a href="/admin/procedures" { "‹ Danh sách thủ tục" } }
        @if let Some(v) = current {
            p { "Đang sửa: " @if is_draft { "bản nháp (phiên bản " (v.version) ")" } @else { "phiên bản " (v.version) " – khi lưu sẽ tạo bản nháp mới; phiên bản đang công bố giữ nguyên đến khi công bố bản nháp." } }
        }
        (errors_list(errors))
        form method="post" action=(action) class="editor" novalidate {
            (csrf_input(&csrf))
            (form::render(body, &choices, extra_rows, is_new))
            div class="actions" {
                button type="submit" name="op" value="save" { "Lưu bản nháp" }
                " "
                button type="submit" name="op" value="more" class="secondary" { "Thêm dòng trống" }
            }
        }
        @if current.is_some() {
            section class="card" aria-labelledby="tpl" {
                h2 id="tpl" { "Mẫu đơn, tờ khai" }
                @if body.templates.is_empty() { p { "Chưa có mẫu." } }
                ul { @for t in &body.templates { li {
                    (t.name) " (" (t.file_name) ") "
                    form method="post" action={ "/admin/procedures/" (body.code) "/templates/" (t.key) "/remove" } class="inline" {
                        (csrf_input(&csrf)) button type="submit" class="link" { "Gỡ mẫu " (t.name) }
                    }
                } } }
                form method="post" action={ "/admin/procedures/" (body.code) "/templates" } enctype="multipart/form-data" {
                    (csrf_input(&csrf))
                    div class="field" { label for="template_name" { "Tên mẫu" } input id="template_name" name="template_name" type="text" required; }
                    div class="field" { label for="template_file" { "Tệp mẫu (PDF, DOCX, ODT, XLSX, văn bản; tối đa 5 MB)" } input id="template_file" name="template_file" type="file" required; }
                    button type="submit" class="secondary" { "Thêm mẫu vào bản nháp" }
                }
            }
            section class="card" aria-labelledby="pub" {
                h2 id="pub" { "Công bố" }
                p { a href={ "/admin/procedures/" (body.code) "/preview" } { "Xem trước trang thủ tục" } }
                @if is_draft {
                    form method="post" action={ "/admin/procedures/" (body.code) "/publish" } {
                        (csrf_input(&csrf))
                        div class="field" { label for="valid_from" { "Áp dụng từ ngày" } input id="valid_from" name="valid_from" type="date" value=(today) required; }
                        button type="submit" { "Công bố bản nháp" }
                    }
                    form method="post" action={ "/admin/procedures/" (body.code) "/discard" } {
                        (csrf_input(&csrf)) button type="submit" class="secondary" { "Huỷ bản nháp" }
                    }
                }
                @if history.iter().any(|h| h.state == "published") {
                    form method="post" action={ "/admin/procedures/" (body.code) "/withdraw" } {
                        (csrf_input(&csrf)) button type="submit" class="secondary" { "Ngừng công bố thủ tục" }
                    }
                }
            }
            section aria-labelledby="hist" {
                h2 id="hist" { "Các phiên bản" }
                (scroll_table("Bảng các phiên bản", html! { table {
                    thead { tr { th scope="col" { "Phiên bản" } th scope="col" { "Trạng thái" } th scope="col" { "Hiệu lực" } th scope="col" { "Người tạo / công bố" } } }
                    tbody { @for h in history { tr {
                        td { (h.version) }
                        td { (match h.state.as_str() { "draft" => "Bản nháp", "published" => "Đang công bố", _ => "Đã thay thế" }) }
                        td { (h.valid_from.as_deref().unwrap_or("—")) @if let Some(to) = &h.valid_to { " → " (&to[..10.min(to.len())]) } }
                        td { (h.created_by) @if let Some(by) = &h.published_by { " / " (by) } }
                    } } }
                } }))
            }
        }
    };
    office_page(state, me, &title, html).await
}

/// A blank procedure for the "new" form, with the commonest choices preselected.
fn empty_procedure() -> Procedure {
    Procedure {
        code: String::new(),
        demo: false,
        name: String::new(),
        sector: String::new(),
        level: ImplLevel::District,
        service_level: ServiceLevel::None,
        legacy_level: None,
        immediate_result: false,
        supplement_days: None,
        retention_years: None,
        steps: vec![],
        method: String::new(),
        channels: Channels {
            counter: true,
            postal: false,
            online: false,
        },
        components: vec![],
        processing_time: ProcessingTime {
            amount: 1,
            unit: TimeUnit::WorkingDays,
            note: String::new(),
        },
        applicants: String::new(),
        implementing_agency: String::new(),
        deciding_agency: String::new(),
        result: String::new(),
        conditions: String::new(),
        fees: vec![],
        fee_note: String::new(),
        templates: vec![],
        legal_basis: vec![],
        announcement: String::new(),
        workflow: vec![],
        form: vec![],
    }
}

async fn new_form(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
) -> Result<Markup, PageError> {
    editor_page(
        &state,
        &me,
        &empty_procedure(),
        &FieldErrors::new(),
        3,
        None,
        &[],
    )
    .await
}

async fn load(
    state: &AppState,
    code: &str,
) -> Result<(ProcedureVersion, Vec<ProcedureVersion>), PageError> {
    let code = code.to_owned();
    let (current, history) = state
        .db
        .read(move |c| {
            Ok::<_, StoreError>((edit::editable(c, &code)?, procedures::history(c, &code)?))
        })
        .await?;
    Ok((
        current.ok_or(PageError::Service(ServiceError::NotFound))?,
        history,
    ))
}

async fn edit_form(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    Path(code): Path<String>,
) -> Result<Markup, PageError> {
    let (current, history) = load(&state, &code).await?;
    editor_page(
        &state,
        &me,
        &current.body,
        &FieldErrors::new(),
        1,
        Some(&current),
        &history,
    )
    .await
}

/// The editor again with the reasons an action on `code` was refused (422).
async fn refused(
    state: &AppState,
    me: &Principal,
    code: &str,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let (current, history) = load(state, code).await?;
    let page = editor_page(
        state,
        me,
        &current.body,
        errors,
        1,
        Some(&current),
        &history,
    )
    .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// Saves the draft, or re-renders with empty rows ("more"), or with every error (422).
async fn save_or_render(
    state: &AppState,
    me: &Principal,
    client: &Client,
    pairs: Pairs,
    code: &str,
    templates: Vec<TemplateRef>,
    existing: Option<(ProcedureVersion, Vec<ProcedureVersion>)>,
) -> Result<Response, PageError> {
    let (body, mut errors) = form::parse(&pairs, code, templates);
    let more = pairs.get("op") == "more";
    let (current, history) = match &existing {
        Some((c, h)) => (Some(c), h.as_slice()),
        None => (None, &[][..]),
    };
    if !more && errors.is_empty() {
        match edit::save_draft(
            &state.db,
            &client.context(&me.username),
            body.clone(),
            vec![],
            existing.is_none(),
        )
        .await
        {
            Ok(()) => {
                state.indexer.wake();
                return Ok(see_other(&format!("/admin/procedures/{}", body.code)));
            }
            Err(ServiceError::Invalid(e)) => errors = e,
            Err(e) => return Err(e.into()),
        }
    }
    let status = if more {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let extra = if more { 3 } else { 1 };
    let page = editor_page(state, me, &body, &errors, extra, current, history).await?;
    Ok((status, page).into_response())
}

async fn create(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let pairs = Pairs(pairs);
    let code = pairs.get("code");
    save_or_render(&state, &me, &client, pairs, &code, vec![], None).await
}

async fn save(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    Path(code): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (current, history) = load(&state, &code).await?;
    let templates = current.body.templates.clone();
    save_or_render(
        &state,
        &me,
        &client,
        Pairs(pairs),
        &code,
        templates,
        Some((current, history)),
    )
    .await
}

async fn preview(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    Path(code): Path<String>,
) -> Result<Markup, PageError> {
    let (current, _) = load(&state, &code).await?;
    let (sector, fees) = {
        let sector_code = current.body.sector.clone();
        state
            .db
            .read(move |c| {
                Ok::<_, StoreError>((
                    catalogue::get_sector(c, &sector_code)?,
                    catalogue::list_fees(c)?,
                ))
            })
            .await?
    };
    let sector_name = sector.map(|s| s.name).unwrap_or_default();
    let base = format!("/thu-tuc/{}/mau", current.body.code);
    let body = html! {
        p { a href={ "/admin/procedures/" (current.body.code) } { "‹ Quay lại chỉnh sửa" } }
        div class="alert" { "Xem trước phiên bản " (current.version) " (" (if current.state == "draft" { "bản nháp, chưa công bố" } else { "đang lưu" }) "). Liên kết tải mẫu chỉ hoạt động với phiên bản đã công bố." }
        h1 { (current.body.name) }
        (level1_items(&current.body, &sector_name, &fees, &Links { template_base: &base }))
    };
    office_page(&state, &me, "Xem trước thủ tục", body).await
}

#[derive(serde::Deserialize)]
struct PublishForm {
    #[serde(default)]
    valid_from: String,
}

async fn publish(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<PublishForm>,
) -> Result<Response, PageError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(&f.valid_from, format)
        .map_err(|_| ServiceError::field("valid_from", "date.invalid"))?;
    match edit::publish(&state.db, &client.context(&me.username), &code, date).await {
        Ok(_) => {
            state.indexer.wake();
            Ok(see_other(&format!("/admin/procedures/{code}")))
        }
        Err(ServiceError::Invalid(errors)) => refused(&state, &me, &code, &errors).await,
        Err(e) => Err(e.into()),
    }
}

async fn withdraw(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    Path(code): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    edit::withdraw(&state.db, &client.context(&me.username), &code).await?;
    state.indexer.wake();
    Ok(see_other(&format!("/admin/procedures/{code}")))
}

async fn discard(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    Path(code): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    edit::discard_draft(&state.db, &client.context(&me.username), &code).await?;
    let exists = {
        let code = code.clone();
        state
            .db
            .read(move |c| procedures::latest(c, &code))
            .await?
            .is_some()
    };
    Ok(see_other(&if exists {
        format!("/admin/procedures/{code}")
    } else {
        "/admin/procedures".to_owned()
    }))
}

async fn add_template(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    Path(code): Path<String>,
    upload: Upload,
) -> Result<Response, PageError> {
    let file = upload
        .file("template_file")
        .ok_or(ServiceError::field("template_file", "required"))?;
    let new = NewTemplateFile {
        key: String::new(),
        name: crate::domain::text::clean_line(&upload.field("template_name")),
        file_name: crate::domain::text::clean_line(&file.file_name),
        bytes: file.bytes.clone(),
    };
    match edit::add_template(&state.db, &client.context(&me.username), &code, new).await {
        Ok(()) => Ok(see_other(&format!("/admin/procedures/{code}"))),
        Err(ServiceError::Invalid(errors)) => refused(&state, &me, &code, &errors).await,
        Err(e) => Err(e.into()),
    }
}

async fn remove_template(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    Path((code, key)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    match edit::remove_template(&state.db, &client.context(&me.username), &code, &key).await {
        Ok(()) => Ok(see_other(&format!("/admin/procedures/{code}"))),
        Err(ServiceError::Invalid(errors)) => refused(&state, &me, &code, &errors).await,
        Err(e) => Err(e.into()),
    }
}
