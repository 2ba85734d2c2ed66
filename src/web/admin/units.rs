//! Web admin pages for the administrative-unit e-catalogue: browse an era (province → district → commune), export
//! and import it as CSV/JSON, and the wizard that moves the office to the communes of the 2025 reform.

use std::collections::{BTreeMap, BTreeSet};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::{Markup, html};

use crate::domain::FieldErrors;
use crate::services::ServiceError;
use crate::services::admin_units as service;
use crate::store::admin_units::{self as units, AdminUnit, Era, MovePlan, plan_move};
use crate::store::org::Commune;
use crate::store::{StoreError, org, settings};

use super::super::download::attachment;
use super::super::error::PageError;
use super::super::extract::{AdminSession, Client, CsrfForm};
use super::super::session::csrf_token;
use super::super::state::AppState;
use super::super::ui::form::csrf_input;
use super::super::ui::layout::{PageContext, page, scroll_table};
use super::super::ui::messages::field_message;
use super::super::upload::Upload;
use crate::services::auth::Principal;

const BASE: &str = "/admin/catalogue/units";
/// Import errors shown at once; a wholly wrong file would otherwise list thousands of lines.
const SHOWN_ERRORS: usize = 50;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(BASE, get(show_units))
        .route("/admin/catalogue/units/export.csv", get(export_csv))
        .route("/admin/catalogue/units/export.json", get(export_json))
        .route(
            "/admin/catalogue/units/import",
            axum::routing::post(import_units),
        )
        .route(
            "/admin/catalogue/units/move",
            get(show_move).post(apply_move),
        )
}

fn era_label(era: Era) -> &'static str {
    match era {
        Era::Mar2025 => "Trước 01/7/2025",
        Era::Jul2025 => "Từ 01/7/2025",
    }
}

fn era_of(raw: Option<&str>) -> Option<Era> {
    raw.and_then(Era::parse)
}

#[derive(serde::Deserialize, Default)]
pub struct BrowseQuery {
    era: Option<String>,
    parent: Option<String>,
    rows: Option<usize>,
    added: Option<usize>,
    changed: Option<usize>,
}

/// What the import form shows again after a refused file.
#[derive(Default)]
struct ImportForm {
    era: String,
    pasted: String,
    errors: FieldErrors,
}

/// Everything the browse page reads, in one read transaction.
struct Browse {
    office: settings::OfficeInfo,
    office_era: Era,
    communes: Vec<Commune>,
    trail: Vec<AdminUnit>,
    rows: Vec<AdminUnit>,
}

fn read_browse(
    c: &rusqlite::Connection,
    era: Option<Era>,
    parent: Option<String>,
) -> Result<(Era, Browse), StoreError> {
    let office_era = units::office_era(c)?;
    let era = era.unwrap_or(office_era);
    let mut trail = Vec::new();
    let mut next = parent.filter(|p| !p.is_empty());
    // Three levels at most; the bound also keeps a corrupt parent cycle from looping.
    while let Some(code) = next.filter(|_| trail.len() < 3) {
        let unit = units::get(c, era, &code)?;
        next = unit.parent_code.clone();
        trail.insert(0, unit);
    }
    let rows = match trail.last() {
        Some(parent) => units::children(c, era, &parent.code)?,
        None => units::provinces(c, era)?,
    };
    let browse = Browse {
        office: settings::get_office(c)?,
        office_era,
        communes: org::list_communes(c)?,
        trail,
        rows,
    };
    Ok((era, browse))
}

fn browse_link(era: Era, parent: Option<&str>) -> String {
    match parent {
        Some(code) => format!("{BASE}?era={}&parent={code}", era.as_str()),
        None => format!("{BASE}?era={}", era.as_str()),
    }
}

/// `row.0000012` → "Dòng 12: …"; other fields are file-level problems.
fn import_error_line(field: &str, code: &str) -> String {
    match field
        .strip_prefix("row.")
        .and_then(|n| n.parse::<usize>().ok())
    {
        Some(line) => format!("Dòng {line}: {}", field_message(code)),
        None => field_message(code).to_owned(),
    }
}

fn import_errors(errors: &FieldErrors) -> Markup {
    let all: Vec<String> = errors
        .0
        .iter()
        .flat_map(|(f, codes)| codes.iter().map(|c| import_error_line(f, c)))
        .collect();
    html! {
        @if !all.is_empty() {
            div class="alert error" role="alert" id="import-errors" {
                p { strong { "Tệp không được nhập, danh mục chưa thay đổi. Vui lòng sửa các lỗi sau:" } }
                ul { @for line in all.iter().take(SHOWN_ERRORS) { li { (line) } } }
                @if all.len() > SHOWN_ERRORS { p { "… và " (all.len() - SHOWN_ERRORS) " lỗi khác." } }
            }
        }
    }
}

async fn units_page(
    state: &AppState,
    me: &Principal,
    q: BrowseQuery,
    form: &ImportForm,
) -> Result<Markup, PageError> {
    let (era, parent) = (era_of(q.era.as_deref()), q.parent.clone());
    let (era, b) = state.db.read(move |c| read_browse(c, era, parent)).await?;
    let csrf = csrf_token(&state.mac, &me.token);
    let chosen_era = era_of(Some(&form.era)).unwrap_or(era);
    let heading = b
        .trail
        .last()
        .map_or_else(|| "Toàn quốc".to_owned(), |u| u.name.clone());
    let body = html! {
        h1 { "Danh mục đơn vị hành chính" }
        p class="muted" { "Danh mục dùng chung theo mã thống kê của Cục Thống kê. Trước 01/7/2025 gồm ba cấp: tỉnh, huyện, xã; từ 01/7/2025 còn hai cấp: tỉnh và xã." }
        nav aria-label="Thời kỳ danh mục" { ul {
            @for e in Era::ALL { li {
                @if e == era { strong { a href=(browse_link(e, None)) aria-current="page" { (era_label(e)) } } }
                @else { a href=(browse_link(e, None)) { (era_label(e)) } }
            } }
        } }
        h2 { "Địa bàn cơ quan đang phục vụ" }
        @if b.communes.is_empty() { p { "Cơ quan chưa khai báo xã, phường nào." } } @else {
            (scroll_table("Địa bàn cơ quan đang phục vụ", html! { table {
                thead { tr { th scope="col" { "Mã" } th scope="col" { "Tên" } th scope="col" { "Thời kỳ" } th scope="col" { "Cơ quan" } } }
                tbody { @for c in &b.communes { tr {
                    td { code { (c.code) } } td { (c.name) } td { (era_of(Some(&c.era)).map_or("", era_label)) } td { code { (c.agency_code) } }
                } } }
            } }))
        }
        @if b.office_era == Era::Mar2025 {
            p { a href="/admin/catalogue/units/move" { "Chuyển cơ quan sang đơn vị hành chính từ 01/7/2025" } }
        } @else { p class="muted" { "Cơ quan đã chuyển sang đơn vị hành chính từ 01/7/2025." } }
        h2 { (heading) " (" (era_label(era)) ")" }
        nav aria-label="Vị trí trong danh mục" { ul {
            li { a href=(browse_link(era, None)) { "Toàn quốc" } }
            @for (i, u) in b.trail.iter().enumerate() { li { "› "
                @if i + 1 == b.trail.len() { span aria-current="page" { (u.name) } }
                @else { a href=(browse_link(era, Some(&u.code))) { (u.name) } }
            } }
        } }
        (scroll_table(&format!("Đơn vị trực thuộc {heading}"), html! { table {
            thead { tr { th scope="col" { "Mã" } th scope="col" { "Tên" } th scope="col" { "Loại" } } }
            tbody { @for u in &b.rows { tr {
                td { code { (u.code) } }
                td { @if u.level == "commune" { (u.name) } @else { a href=(browse_link(era, Some(&u.code))) { (u.name) } } }
                td { (u.kind) }
            } } }
        } }))
        p class="muted" { (b.rows.len()) " đơn vị." }
        h2 { "Xuất dữ liệu" }
        p {
            a href={ "/admin/catalogue/units/export.csv?era=" (era.as_str()) } download { "Tải tệp CSV (" (era_label(era)) ")" }
            " · "
            a href={ "/admin/catalogue/units/export.json?era=" (era.as_str()) } download { "Tải tệp JSON (" (era_label(era)) ")" }
        }
        h2 id="import" { "Nhập dữ liệu" }
        @if let Some(rows) = q.rows {
            @let (added, changed) = (q.added.unwrap_or(0), q.changed.unwrap_or(0));
            div class="alert ok" role="status" { "Đã nhập " (rows) " dòng: thêm mới " (added) ", cập nhật " (changed) ", giữ nguyên " (rows.saturating_sub(added + changed)) "." }
        }
        p class="muted" { "Tệp CSV (UTF-8, có dòng tiêu đề) hoặc JSON cùng định dạng với tệp xuất: era, code, name, kind, level (province, district, commune), parent_code. Đơn vị đã có được cập nhật, đơn vị mới được thêm; chỉ cần một dòng sai là cả tệp bị từ chối." }
        (import_errors(&form.errors))
        form method="post" action="/admin/catalogue/units/import" enctype="multipart/form-data" class="card" aria-labelledby="import" {
            (csrf_input(&csrf))
            div class="field" {
                label for="f-era" { "Thời kỳ" }
                select id="f-era" name="era" { @for e in Era::ALL { option value=(e.as_str()) selected[e == chosen_era] { (era_label(e)) } } }
            }
            div class="field" {
                label for="f-file" { "Tệp CSV hoặc JSON" }
                input id="f-file" name="file" type="file" accept=".csv,.json,text/csv,application/json";
            }
            div class="field" {
                label for="f-data" { "Hoặc dán nội dung tệp vào đây" }
                textarea id="f-data" name="data" rows="6" cols="30" { (form.pasted) }
            }
            button type="submit" { "Nhập dữ liệu" }
        }
    };
    Ok(page(
        &PageContext {
            office: &b.office,
            staff: Some((me, csrf)),
            citizen: None,
        },
        "Danh mục đơn vị hành chính",
        body,
    ))
}

pub async fn show_units(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    Query(q): Query<BrowseQuery>,
) -> Result<Markup, PageError> {
    units_page(&state, &me, q, &ImportForm::default()).await
}

#[derive(serde::Deserialize)]
pub struct ExportQuery {
    era: String,
}

async fn export(state: &AppState, era: &str, json: bool) -> Result<Response, PageError> {
    let era = Era::parse(era).ok_or(ServiceError::NotFound)?;
    let all = state.db.read(move |c| units::list_era(c, era)).await?;
    let (text, mime, ext) = if json {
        (service::export_json(&all)?, "application/json", "json")
    } else {
        (service::export_csv(&all)?, "text/csv; charset=utf-8", "csv")
    };
    let name = format!("don-vi-hanh-chinh-{}.{ext}", era.as_str());
    Ok(attachment(mime, &name, text))
}

pub async fn export_csv(
    State(state): State<AppState>,
    AdminSession(_): AdminSession,
    Query(q): Query<ExportQuery>,
) -> Result<Response, PageError> {
    export(&state, &q.era, false).await
}

pub async fn export_json(
    State(state): State<AppState>,
    AdminSession(_): AdminSession,
    Query(q): Query<ExportQuery>,
) -> Result<Response, PageError> {
    export(&state, &q.era, true).await
}

/// The import form is multipart so a file can be uploaded; `Upload` admits it only with a valid CSRF token.
pub async fn import_units(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    upload: Upload,
) -> Result<Response, PageError> {
    let mut form = ImportForm {
        era: upload.field("era"),
        pasted: upload
            .fields
            .iter()
            .find(|(k, _)| k == "data")
            .map(|(_, v)| v.clone())
            .unwrap_or_default(),
        errors: FieldErrors::new(),
    };
    let file = upload
        .file("file")
        .map(|f| f.bytes.clone())
        .unwrap_or_default();
    let text = if file.is_empty() {
        Ok(form.pasted.clone())
    } else {
        String::from_utf8(file)
    };
    let result = match text {
        Err(_) => Err(ServiceError::field("data", "unit_import.not_utf8")),
        Ok(text) => {
            service::import(&state.db, &client.context(&me.username), &form.era, &text).await
        }
    };
    match result {
        Ok(r) => {
            let to = format!(
                "{BASE}?era={}&rows={}&added={}&changed={}#import",
                r.era.as_str(),
                r.rows,
                r.added,
                r.changed
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            form.errors = errors;
            let q = BrowseQuery {
                era: Some(form.era.clone()),
                ..BrowseQuery::default()
            };
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                units_page(&state, &me, q, &form).await?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct MoveQuery {
    done: Option<String>,
}

fn move_error(plan: &MovePlan, field: &str, code: &str) -> String {
    let commune = field
        .strip_prefix("old.")
        .and_then(|c| plan.rows.iter().find(|r| r.old.code == c));
    match commune {
        Some(row) => format!(
            "{} ({}): {}",
            row.old.name,
            row.old.code,
            field_message(code)
        ),
        None => field_message(code).to_owned(),
    }
}

async fn move_page(
    state: &AppState,
    me: &Principal,
    done: bool,
    checked: &BTreeSet<String>,
    errors: &FieldErrors,
) -> Result<Markup, PageError> {
    let (office, plan, communes) = state
        .db
        .read(|c| {
            Ok::<_, StoreError>((
                settings::get_office(c)?,
                plan_move(c)?,
                org::list_communes(c)?,
            ))
        })
        .await?;
    let csrf = csrf_token(&state.mac, &me.token);
    let body = html! {
        h1 { "Chuyển sang đơn vị hành chính từ 01/7/2025" }
        @if done { div class="alert ok" role="status" { "Đã chuyển cơ quan sang đơn vị hành chính từ 01/7/2025. Các xã cũ được giữ lại cho hồ sơ đã tiếp nhận." } }
        @if !errors.is_empty() {
            div class="alert error" role="alert" {
                p { strong { "Chưa chuyển được, dữ liệu chưa thay đổi. Vui lòng sửa các lỗi sau:" } }
                ul { @for (field, codes) in &errors.0 { @for code in codes { li { (move_error(&plan, field, code)) } } } }
            }
        }
        @if plan.office_era == Era::Jul2025 {
            p { "Cơ quan đang phục vụ các xã, phường sau:" }
            ul { @for c in communes.iter().filter(|c| c.era == Era::Jul2025.as_str()) { li { (c.name) " (" code { (c.code) } ")" } } }
            p { a href=(BASE) { "Về danh mục đơn vị hành chính" } }
        } @else {
            p { "Theo sắp xếp đơn vị hành chính hai cấp năm 2025, mỗi xã cũ được nhập " strong { "toàn bộ" } " vào một xã mới hoặc được chia " strong { "một phần" } " cho nhiều xã mới. Xã mới nhận toàn bộ được đề xuất sẵn; với xã bị chia, hãy đánh dấu các xã mới mà cơ quan sẽ phục vụ. Xã cũ được giữ lại trong dữ liệu vì hồ sơ đã nộp vẫn mang đơn vị cũ." }
            @if plan.rows.is_empty() { p { "Cơ quan chưa phục vụ xã nào thuộc danh mục trước 01/7/2025; xác nhận để dùng danh mục mới." } }
            form method="post" action="/admin/catalogue/units/move" {
                (csrf_input(&csrf))
                @for row in &plan.rows {
                    fieldset class="card" {
                        legend { (row.old.name) " (" code { (row.old.code) } ")" }
                        @if let Some(code) = errors.first(&format!("old.{}", row.old.code)) { p class="error" { (field_message(code)) } }
                        @if row.candidates.is_empty() { p { "Không có xã mới nào trong bảng sắp xếp." } }
                        @if row.needs_confirmation() { p { "Xã này được chia cho nhiều xã mới; chọn xã cơ quan sẽ phục vụ:" } }
                        ul {
                            @for c in &row.candidates {
                                @let id = format!("c-{}-{}", row.old.code, c.code);
                                li {
                                    @if c.full {
                                        "Nhập vào " strong { (c.name) } " (" code { (c.code) } ") " span class="badge good" { "toàn bộ" }
                                    } @else {
                                        input type="checkbox" id=(id) name={ "new." (c.code) } value=(c.code) checked[checked.contains(&c.code)];
                                        " "
                                        label for=(id) { (c.name) " (" (c.code) ") " span class="badge" { "một phần" } }
                                    }
                                }
                            }
                        }
                    }
                }
                button type="submit" { "Xác nhận chuyển sang đơn vị hành chính mới" }
            }
        }
    };
    Ok(page(
        &PageContext {
            office: &office,
            staff: Some((me, csrf)),
            citizen: None,
        },
        "Chuyển đơn vị hành chính",
        body,
    ))
}

pub async fn show_move(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    Query(q): Query<MoveQuery>,
) -> Result<Markup, PageError> {
    move_page(
        &state,
        &me,
        q.done.is_some(),
        &BTreeSet::new(),
        &FieldErrors::new(),
    )
    .await
}

/// Checkboxes are named `new.<code>`: urlencoded forms cannot carry a list, and a name per code keeps them distinct.
pub async fn apply_move(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    CsrfForm(form): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let checked: BTreeSet<String> = form
        .iter()
        .filter(|(k, _)| k.starts_with("new."))
        .map(|(_, v)| v.clone())
        .collect();
    match service::apply_move(
        &state.db,
        &client.context(&me.username),
        checked.iter().cloned().collect(),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/admin/catalogue/units/move?done=1").into_response()),
        Err(ServiceError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            move_page(&state, &me, false, &checked, &errors).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}
