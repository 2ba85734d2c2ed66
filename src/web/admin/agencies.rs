//! Web admin page for the agencies and their units as a shared e-catalogue (`/admin/catalogue/agencies`): the
//! agencies parents first, each followed by its units; add/edit forms for both (`?edit=CODE` fills the right one),
//! delete buttons, CSV/JSON export links and an import form per list. Writes go through `services::agencies`.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};

use crate::domain::FieldErrors;
use crate::domain::org::UnitKind;
use crate::services::ServiceError;
use crate::services::agencies::{
    self as service, AgencyForm, LEVELS, OrgList, UnitForm, tree_order,
};
use crate::services::auth::Principal;
use crate::services::catalogue::{Format, ImportError};
use crate::store::org::{Agency, Unit};
use crate::store::{StoreError, org, settings};

use super::super::download::attachment;
use super::super::error::PageError;
use super::super::extract::{AdminSession, Client, CsrfForm, NoFields};
use super::super::session::csrf_token;
use super::super::state::AppState;
use super::super::ui::form::{csrf_input, error_summary};
use super::super::ui::layout::{PageContext, page, scroll_table};
use super::super::ui::messages::field_message;
use super::super::upload::Upload;

const BASE: &str = "/admin/catalogue/agencies";
const UNITS: &str = "/admin/catalogue/agencies/units";
const TITLE: &str = "Cơ quan, đơn vị";

pub fn routes() -> Router<AppState> {
    let mut router = Router::new()
        .route(BASE, get(show_page).post(save_agency))
        .route(UNITS, post(save_unit))
        .route(&format!("{BASE}/{{code}}/delete"), post(delete_agency))
        .route(&format!("{UNITS}/{{code}}/delete"), post(delete_unit));
    for list in [OrgList::Agencies, OrgList::Units] {
        let base = base(list);
        for format in [Format::Csv, Format::Json] {
            let ext = extension(format);
            router = router.route(
                &format!("{base}/export.{ext}"),
                get(move |s: State<AppState>, a: AdminSession| export(list, format, s, a)),
            );
        }
        router = router.route(
            &format!("{base}/import"),
            post(
                move |s: State<AppState>, a: AdminSession, c: Client, u: Upload| {
                    import_file(list, s, a, c, u)
                },
            ),
        );
    }
    router
}

fn base(list: OrgList) -> &'static str {
    match list {
        OrgList::Agencies => BASE,
        OrgList::Units => UNITS,
    }
}

fn extension(format: Format) -> &'static str {
    match format {
        Format::Csv => "csv",
        Format::Json => "json",
    }
}

fn level_label(level: &str) -> &'static str {
    match level {
        "province" => "Cấp tỉnh",
        "district" => "Cấp huyện",
        "commune" => "Cấp xã",
        _ => "",
    }
}

fn kind_label(kind: &str) -> &'static str {
    UnitKind::parse(kind).map_or("", UnitKind::label)
}

#[derive(serde::Deserialize, Default)]
struct PageQuery {
    edit: Option<String>,
    /// Opens the unit form for a new unit of this agency.
    unit_of: Option<String>,
    saved: Option<String>,
    deleted: Option<String>,
    imported: Option<usize>,
    changed: Option<usize>,
}

/// What the page shows besides the lists: both forms with their values and errors, and a message.
#[derive(Default)]
struct View {
    agency: AgencyForm,
    agency_editing: bool,
    agency_errors: FieldErrors,
    unit: UnitForm,
    unit_editing: bool,
    unit_errors: FieldErrors,
    notice: Option<String>,
    problem: Option<String>,
}

/// A labelled input whose id carries the form's prefix, since both forms have `code` and `name` fields. Hint and
/// error are linked with `aria-describedby`.
struct Input<'a> {
    form: &'a str,
    name: &'a str,
    label: &'a str,
    kind: &'a str,
    value: &'a str,
    required: bool,
    hint: Option<&'a str>,
}

/// A labelled input, or a select when `options` are given.
fn control(f: &Input<'_>, options: Option<&[(String, String)]>, errors: &FieldErrors) -> Markup {
    let id = format!("{}-{}", f.form, f.name);
    let error = errors.first(f.name).map(field_message);
    let described: Vec<String> = [f.hint.map(|_| "hint"), error.map(|_| "error")]
        .into_iter()
        .flatten()
        .map(|what| format!("{id}-{what}"))
        .collect();
    let described = Some(described.join(" ")).filter(|d| !d.is_empty());
    let invalid = error.map(|_| "true");
    html! {
        div class={ "field" @if error.is_some() { " has-error" } } {
            label for=(id) { (f.label) @if f.required { span class="req" aria-hidden="true" { " *" } } }
            @if let Some(options) = options {
                select id=(id) name=(f.name) required[f.required] aria-invalid=[invalid] aria-describedby=[described.as_deref()] {
                    @for (value, label) in options { option value=(value) selected[*value == f.value] { (label) } }
                }
            } @else {
                input id=(id) name=(f.name) type=(f.kind) value=(f.value) autocomplete="off" required[f.required]
                    aria-invalid=[invalid] aria-describedby=[described.as_deref()];
            }
            @if let Some(hint) = f.hint { p class="muted" id={ (id) "-hint" } { (hint) } }
            @if let Some(message) = error { p class="error" id={ (id) "-error" } { (message) } }
        }
    }
}

fn delete_button(action: &str, code: &str, csrf: &str) -> Markup {
    html! {
        form method="post" action=(action) class="inline" {
            (csrf_input(csrf))
            button type="submit" class="secondary" { "Xóa" span class="skip" { " " (code) } }
        }
    }
}

/// The tree depth as a visual prefix; screen readers get the parent from the details line instead.
fn indent(depth: usize, unit: bool) -> Markup {
    html! {
        @if depth > 0 || unit {
            span aria-hidden="true" class="muted" { ("— ".repeat(depth)) @if unit { "↳ " } }
        }
    }
}

fn agency_row(depth: usize, a: &Agency, csrf: &str) -> Markup {
    let mut details = vec![level_label(&a.level).to_owned()];
    details.extend(a.parent_code.as_ref().map(|p| format!("cấp trên {p}")));
    details.extend(
        a.admin_unit_code
            .as_ref()
            .map(|u| format!("mã đơn vị hành chính {u}")),
    );
    let contact: Vec<&str> = [&a.address, &a.phone, &a.email]
        .into_iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    html! {
        tr {
            td {
                (indent(depth, false)) code { (a.code) } br;
                strong { (a.name) } @if a.is_demo { " " span class="badge" { "dữ liệu mẫu" } }
                br; span class="muted" { (details.join(" · ")) }
                @if !contact.is_empty() { br; span class="muted" { (contact.join(" · ")) } }
            }
            td {
                a href={ (BASE) "?edit=" (a.code) "#agency-form" } { "Sửa" span class="skip" { " " (a.code) } }
                " · "
                a href={ (BASE) "?unit_of=" (a.code) "#unit-form" } { "Thêm đơn vị" span class="skip" { " thuộc " (a.code) } }
                " "
                (delete_button(&format!("{BASE}/{}/delete", a.code), &a.code, csrf))
            }
        }
    }
}

fn unit_row(depth: usize, u: &Unit, csrf: &str) -> Markup {
    html! {
        tr {
            td {
                (indent(depth, true)) code { (u.code) } br;
                (u.name) br; span class="muted" { (kind_label(&u.kind)) }
            }
            td {
                a href={ (BASE) "?edit=" (u.code) "#unit-form" } { "Sửa" span class="skip" { " " (u.code) } }
                " "
                (delete_button(&format!("{UNITS}/{}/delete", u.code), &u.code, csrf))
            }
        }
    }
}

/// Two columns only, so the actions stay on screen at 360 px: everything about a row is in the first.
fn org_table(agencies: &[Agency], units: &[Unit], csrf: &str) -> Markup {
    html! {
        (scroll_table(TITLE, html! { table {
            caption class="muted" { "Cơ quan cấp trên đứng trước cơ quan trực thuộc; mỗi cơ quan kèm các đơn vị (↳) của mình." }
            thead { tr { th scope="col" { "Cơ quan, đơn vị" } th scope="col" { "Thao tác" } } }
            tbody {
                @for (depth, a) in tree_order(agencies) {
                    (agency_row(depth, a, csrf))
                    @for u in units.iter().filter(|u| u.agency_code == a.code) { (unit_row(depth, u, csrf)) }
                }
            }
        } }))
    }
}

fn agency_options(agencies: &[Agency], none: &str) -> Vec<(String, String)> {
    let mut options = vec![(String::new(), none.to_owned())];
    options.extend(
        tree_order(agencies)
            .into_iter()
            .map(|(_, a)| (a.code.clone(), format!("{} – {}", a.code, a.name))),
    );
    options
}

fn agency_form(view: &View, agencies: &[Agency], csrf: &str) -> Markup {
    let f = &view.agency;
    let e = &view.agency_errors;
    let text = |name, label, kind, value, required, hint| Input {
        form: "agency",
        name,
        label,
        kind,
        value,
        required,
        hint,
    };
    let levels: Vec<(String, String)> = std::iter::once((String::new(), "— Chọn cấp —".to_owned()))
        .chain(
            LEVELS
                .iter()
                .map(|l| ((*l).to_owned(), level_label(l).to_owned())),
        )
        .collect();
    html! {
        h2 id="agency-form" { @if view.agency_editing { "Sửa cơ quan " (f.code) } @else { "Thêm cơ quan" } }
        (error_summary(e))
        form method="post" action=(BASE) class="card" aria-labelledby="agency-form" novalidate {
            (csrf_input(csrf))
            (control(&text("code", "Mã định danh", "text", &f.code, true,
                Some("Theo Quyết định 20/2020/QĐ-TTg, ví dụ H40.12. Lưu với một mã đã có sẽ cập nhật cơ quan mang mã đó.")), None, e))
            (control(&text("name", "Tên cơ quan", "text", &f.name, true, None), None, e))
            (control(&text("level", "Cấp", "", &f.level, true, None), Some(&levels), e))
            (control(&text("parent_code", "Cơ quan cấp trên", "", &f.parent_code, false, None),
                Some(&agency_options(agencies, "— Không có (cơ quan cao nhất) —")), e))
            (control(&text("admin_unit_code", "Mã đơn vị hành chính", "text", &f.admin_unit_code, false,
                Some("Không bắt buộc. Mã thống kê của tỉnh, huyện hoặc xã mà cơ quan quản lý, theo danh mục đơn vị hành chính đang áp dụng, ví dụ 260.")), None, e))
            (control(&text("address", "Địa chỉ", "text", &f.address, false, None), None, e))
            (control(&text("phone", "Điện thoại", "tel", &f.phone, false, None), None, e))
            (control(&text("email", "Thư điện tử", "email", &f.email, false, None), None, e))
            button type="submit" { "Lưu cơ quan" }
            @if view.agency_editing { " " a href=(BASE) { "Hủy sửa" } }
        }
    }
}

fn unit_form(view: &View, agencies: &[Agency], csrf: &str) -> Markup {
    let f = &view.unit;
    let e = &view.unit_errors;
    let text = |name, label, value, required, hint| Input {
        form: "unit",
        name,
        label,
        kind: "text",
        value,
        required,
        hint,
    };
    let kinds: Vec<(String, String)> = std::iter::once((String::new(), "— Chọn loại —".to_owned()))
        .chain(
            UnitKind::ALL
                .iter()
                .map(|k| (k.as_str().to_owned(), k.label().to_owned())),
        )
        .collect();
    html! {
        h2 id="unit-form" { @if view.unit_editing { "Sửa đơn vị " (f.code) } @else { "Thêm đơn vị trực thuộc" } }
        (error_summary(e))
        form method="post" action=(UNITS) class="card" aria-labelledby="unit-form" novalidate {
            (csrf_input(csrf))
            (control(&text("agency_code", "Cơ quan chủ quản", &f.agency_code, true, None),
                Some(&agency_options(agencies, "— Chọn cơ quan —")), e))
            (control(&text("code", "Mã đơn vị", &f.code, true,
                Some("Mã cơ quan chủ quản, dấu chấm, rồi số thứ tự của đơn vị, ví dụ H40.12.7 thuộc H40.12.")), None, e))
            (control(&text("name", "Tên đơn vị", &f.name, true, None), None, e))
            (control(&text("kind", "Loại đơn vị", &f.kind, true, None), Some(&kinds), e))
            button type="submit" { "Lưu đơn vị" }
            @if view.unit_editing { " " a href=(BASE) { "Hủy sửa" } }
        }
    }
}

fn transfer_section(csrf: &str) -> Markup {
    let part = |list: OrgList, heading: &str, id: &str, note: &str| {
        let base = base(list);
        html! {
            section class="card" aria-labelledby={ (id) "-heading" } {
                h3 id={ (id) "-heading" } { (heading) }
                ul {
                    li { a href={ (base) "/export.csv" } { "Tải " (heading.to_lowercase()) " dạng CSV" } }
                    li { a href={ (base) "/export.json" } { "Tải " (heading.to_lowercase()) " dạng JSON" } }
                }
                form method="post" action={ (base) "/import" } enctype="multipart/form-data" {
                    (csrf_input(csrf))
                    div class="field" {
                        label for=(id) { "Tệp CSV hoặc JSON (" (heading.to_lowercase()) ")" }
                        input id=(id) name="file" type="file" accept=".csv,.json,text/csv,application/json" aria-describedby={ (id) "-hint" };
                    }
                    p class="muted" id={ (id) "-hint" } {
                        "Cột: " code { (list.columns().join(",")) } ". " (note)
                    }
                    button type="submit" { "Nhập tệp " (heading.to_lowercase()) }
                }
            }
        }
    };
    html! {
        h2 id="transfer" { "Xuất, nhập danh mục" }
        p {
            "Tệp mã hóa UTF-8; CSV có dòng tiêu đề, JSON là một mảng các đối tượng có cùng các khóa. "
            "Tệp được kiểm tra toàn bộ trước khi ghi: chỉ cần một dòng sai thì không dòng nào được ghi. "
            "Mục đã có được cập nhật theo mã; mục không có trong tệp được giữ nguyên."
        }
        (part(OrgList::Agencies, "Cơ quan", "agencies-file",
            "Cấp (level) là province, district hoặc commune. Các dòng có thể theo thứ tự bất kỳ: cơ quan cấp trên có thể nằm sau cơ quan trực thuộc."))
        (part(OrgList::Units, "Đơn vị trực thuộc", "units-file",
            "Loại (kind) là one_stop, specialist hoặc leadership. Cơ quan chủ quản phải có sẵn: hãy nhập tệp cơ quan trước."))
    }
}

async fn render(state: &AppState, me: &Principal, view: &View) -> Result<Markup, PageError> {
    let (office, agencies, units) = state
        .db
        .read(|c| {
            Ok::<_, StoreError>((
                settings::get_office(c)?,
                org::list_agencies(c)?,
                org::list_units(c)?,
            ))
        })
        .await?;
    let csrf = csrf_token(&state.mac, &me.token);
    let body = html! {
        p class="crumbs" { a href="/admin/catalogue" { "Danh mục dùng chung" } " › " (TITLE) }
        h1 { (TITLE) }
        p { "Cơ quan, tổ chức với mã định danh điện tử theo Quyết định 20/2020/QĐ-TTg và các đơn vị trực thuộc. Mọi liên kết dùng mã, nên việc sắp xếp lại tổ chức chỉ là sửa dữ liệu." }
        @if let Some(text) = &view.notice { div class="alert ok" role="status" { (text) } }
        @if let Some(text) = &view.problem { div class="alert error" role="alert" { (text) } }
        h2 id="list" { "Danh sách (" (agencies.len()) " cơ quan, " (units.len()) " đơn vị)" }
        @if agencies.is_empty() { p { "Chưa có cơ quan nào." } } @else { (org_table(&agencies, &units, &csrf)) }
        (agency_form(view, &agencies, &csrf))
        (unit_form(view, &agencies, &csrf))
        (transfer_section(&csrf))
    };
    let ctx = PageContext {
        office: &office,
        staff: Some((me, csrf.clone())),
        citizen: None,
    };
    Ok(page(&ctx, TITLE, body))
}

async fn show_page(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    Query(q): Query<PageQuery>,
) -> Result<Markup, PageError> {
    let mut view = View::default();
    if let Some(code) = q.edit {
        let code = code.trim().to_ascii_uppercase();
        let (agencies, units) = state
            .db
            .read(|c| Ok::<_, StoreError>((org::list_agencies(c)?, org::list_units(c)?)))
            .await?;
        if let Some(a) = agencies.iter().find(|a| a.code == code) {
            view.agency = a.into();
            view.agency_editing = true;
        } else if let Some(u) = units.iter().find(|u| u.code == code) {
            view.unit = u.into();
            view.unit_editing = true;
        } else {
            return Err(ServiceError::NotFound.into());
        }
    }
    if let Some(agency) = q.unit_of {
        view.unit.agency_code = agency;
    }
    view.notice = match (q.saved, q.deleted, q.imported) {
        (Some(code), _, _) => Some(format!("Đã lưu {code}.")),
        (_, Some(code), _) => Some(format!("Đã xóa {code}.")),
        (_, _, Some(rows)) => Some(match q.changed.unwrap_or(0) {
            0 => format!("Đã đọc {rows} dòng; danh mục không có gì thay đổi."),
            n => format!("Đã đọc {rows} dòng; {n} mục được thêm mới hoặc cập nhật."),
        }),
        _ => None,
    };
    render(&state, &me, &view).await
}

async fn refused(
    state: &AppState,
    me: &Principal,
    status: StatusCode,
    view: &View,
) -> Result<Response, PageError> {
    Ok((status, render(state, me, view).await?).into_response())
}

async fn save_agency(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    CsrfForm(form): CsrfForm<AgencyForm>,
) -> Result<Response, PageError> {
    match service::save_agency(&state.db, &client.context(&me.username), &form).await {
        Ok(code) => Ok(Redirect::to(&format!("{BASE}?saved={code}")).into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let view = View {
                agency: form,
                agency_errors: errors,
                ..View::default()
            };
            refused(&state, &me, StatusCode::UNPROCESSABLE_ENTITY, &view).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn save_unit(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    CsrfForm(form): CsrfForm<UnitForm>,
) -> Result<Response, PageError> {
    match service::save_unit(&state.db, &client.context(&me.username), &form).await {
        Ok(code) => Ok(Redirect::to(&format!("{BASE}?saved={code}")).into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let view = View {
                unit: form,
                unit_errors: errors,
                ..View::default()
            };
            refused(&state, &me, StatusCode::UNPROCESSABLE_ENTITY, &view).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A refused deletion is shown on the page with why (409), like the code lists' pages do.
async fn deleted(
    state: &AppState,
    me: &Principal,
    what: &str,
    code: &str,
    outcome: Result<(), ServiceError>,
) -> Result<Response, PageError> {
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("{BASE}?deleted={code}")).into_response()),
        Err(ServiceError::Conflict(reason)) => {
            let view = View {
                problem: Some(format!(
                    "Không xóa được {what} {code}: {}",
                    field_message(reason)
                )),
                ..View::default()
            };
            refused(state, me, StatusCode::CONFLICT, &view).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn delete_agency(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    Path(code): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    let outcome = service::delete_agency(&state.db, &client.context(&me.username), &code).await;
    deleted(&state, &me, "cơ quan", &code, outcome).await
}

async fn delete_unit(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    Path(code): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    let outcome = service::delete_unit(&state.db, &client.context(&me.username), &code).await;
    deleted(&state, &me, "đơn vị", &code, outcome).await
}

async fn export(
    list: OrgList,
    format: Format,
    State(state): State<AppState>,
    AdminSession(_): AdminSession,
) -> Result<Response, PageError> {
    let (text, mime) = match format {
        Format::Csv => (
            service::export_csv(&state.db, list).await?,
            "text/csv; charset=utf-8",
        ),
        Format::Json => (
            service::export_json(&state.db, list).await?,
            "application/json",
        ),
    };
    let stem = match list {
        OrgList::Agencies => "co-quan",
        OrgList::Units => "don-vi",
    };
    Ok(attachment(
        mime,
        &format!("{stem}.{}", extension(format)),
        text,
    ))
}

/// `Upload` has already checked the form token; the file is then imported whole or not at all.
async fn import_file(
    list: OrgList,
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    upload: Upload,
) -> Result<Response, PageError> {
    let Some(file) = upload.file("file").filter(|f| !f.bytes.is_empty()) else {
        let view = View {
            problem: Some(field_message("file.required").to_owned()),
            ..View::default()
        };
        return refused(&state, &me, StatusCode::UNPROCESSABLE_ENTITY, &view).await;
    };
    let format = Format::detect(&file.file_name, &file.bytes);
    let ctx = client.context(&me.username);
    match service::import(&state.db, &ctx, list, format, file.bytes.clone()).await {
        Ok(report) => Ok(Redirect::to(&format!(
            "{BASE}?imported={}&changed={}",
            report.rows, report.changed
        ))
        .into_response()),
        Err(ImportError::Refused(p)) => {
            let column = if p.column.is_empty() {
                String::new()
            } else {
                format!(", cột {}", p.column)
            };
            let view = View {
                problem: Some(format!(
                    "Tệp bị từ chối, không dòng nào được ghi. Dòng {}{column}: {}",
                    p.line,
                    field_message(&p.code)
                )),
                ..View::default()
            };
            refused(&state, &me, StatusCode::UNPROCESSABLE_ENTITY, &view).await
        }
        Err(ImportError::Service(e)) => Err(e.into()),
    }
}
