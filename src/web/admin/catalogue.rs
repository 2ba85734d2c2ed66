//! Web admin pages for the shared code lists (Circular 22 function group đ): a hub that links every catalogue,
//! and one page per list (sectors, document types, fees and charges) with the entries, an add/edit form, delete
//! buttons, CSV/JSON export links and a file import form. The three lists share every handler.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};

use crate::domain::FieldErrors;
use crate::services::ServiceError;
use crate::services::auth::Principal;
use crate::services::catalogue::{
    self as service, Entry, EntryForm, Format, ImportError, columns, list_entries,
};
use crate::store::catalogue::CatalogueTable;
use crate::store::{StoreError, settings};

use super::super::download::attachment;
use super::super::error::PageError;
use super::super::extract::{AdminSession, Client, CsrfForm, NoFields};
use super::super::session::csrf_token;
use super::super::state::AppState;
use super::super::ui::form::{Field, csrf_input, error_summary, field};
use super::super::ui::layout::{PageContext, page, scroll_table};
use super::super::ui::messages::field_message;
use super::super::ui::procedure::vnd;
use super::super::upload::Upload;

const TABLES: [CatalogueTable; 3] = [
    CatalogueTable::Sectors,
    CatalogueTable::DocTypes,
    CatalogueTable::Fees,
];

pub fn routes() -> Router<AppState> {
    TABLES.into_iter().fold(
        Router::new().route("/admin/catalogue", get(show_hub)),
        |router, table| router.merge(list_routes(table)),
    )
}

/// The routes of one list; each handler learns which list from the closure, so the three share one code path.
fn list_routes(table: CatalogueTable) -> Router<AppState> {
    let base = base(table);
    Router::new()
        .route(
            base,
            get(
                move |s: State<AppState>, a: AdminSession, q: Query<ListQuery>| {
                    show_list(table, s, a, q)
                },
            )
            .post(
                move |s: State<AppState>, a: AdminSession, c: Client, f: CsrfForm<EntryForm>| {
                    save_entry(table, s, a, c, f)
                },
            ),
        )
        .route(
            &format!("{base}/{{code}}/delete"),
            post(
                move |s: State<AppState>,
                      a: AdminSession,
                      c: Client,
                      p: Path<String>,
                      f: CsrfForm<NoFields>| { delete_entry(table, s, a, c, p, f) },
            ),
        )
        .route(
            &format!("{base}/export.csv"),
            get(move |s: State<AppState>, a: AdminSession| export(table, Format::Csv, s, a)),
        )
        .route(
            &format!("{base}/export.json"),
            get(move |s: State<AppState>, a: AdminSession| export(table, Format::Json, s, a)),
        )
        .route(
            &format!("{base}/import"),
            post(
                move |s: State<AppState>, a: AdminSession, c: Client, u: Upload| {
                    import_file(table, s, a, c, u)
                },
            ),
        )
}

fn base(table: CatalogueTable) -> &'static str {
    match table {
        CatalogueTable::Sectors => "/admin/catalogue/sectors",
        CatalogueTable::DocTypes => "/admin/catalogue/doc-types",
        CatalogueTable::Fees => "/admin/catalogue/fees",
    }
}

fn title(table: CatalogueTable) -> &'static str {
    match table {
        CatalogueTable::Sectors => "Lĩnh vực",
        CatalogueTable::DocTypes => "Loại giấy tờ",
        CatalogueTable::Fees => "Phí, lệ phí",
    }
}

fn file_stem(table: CatalogueTable) -> &'static str {
    match table {
        CatalogueTable::Sectors => "linh-vuc",
        CatalogueTable::DocTypes => "loai-giay-to",
        CatalogueTable::Fees => "phi-le-phi",
    }
}

/// The catalogues an administrator maintains, in the order of Circular 22's list; some pages are built elsewhere.
const HUB: [(&str, &str, &str); 7] = [
    (
        "/admin/procedures",
        "Thủ tục hành chính",
        "Thông tin thủ tục theo Thông tư 32/2017, nhập, xuất gói thủ tục và công bố phiên bản mới.",
    ),
    (
        "/admin/catalogue/sectors",
        "Lĩnh vực",
        "Danh mục lĩnh vực mã MX1X2-LV mà thủ tục hành chính thuộc về.",
    ),
    (
        "/admin/catalogue/doc-types",
        "Loại giấy tờ",
        "Các loại giấy tờ mà thành phần hồ sơ tham chiếu.",
    ),
    (
        "/admin/catalogue/fees",
        "Phí, lệ phí",
        "Mức thu phí, lệ phí cùng căn cứ pháp lý.",
    ),
    (
        "/admin/catalogue/units",
        "Đơn vị hành chính",
        "Danh mục đơn vị hành chính cấp tỉnh, cấp xã và việc chuyển đổi sau sắp xếp năm 2025.",
    ),
    (
        "/admin/catalogue/agencies",
        "Cơ quan, đơn vị",
        "Cơ quan với mã định danh theo Quyết định 20/2020/QĐ-TTg và các đơn vị trực thuộc; nhập, xuất CSV/JSON.",
    ),
    (
        "/admin/pages",
        "Hướng dẫn và hỏi đáp",
        "Trang hướng dẫn thực hiện dịch vụ công trực tuyến và câu hỏi thường gặp trên cổng.",
    ),
];

async fn show_hub(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
) -> Result<Markup, PageError> {
    let office = state.db.read(settings::get_office).await?;
    let csrf = csrf_token(&state.mac, &me.token);
    let body = html! {
        h1 { "Danh mục dùng chung và thủ tục" }
        p { "Các danh mục điện tử dùng chung của cơ quan. Thủ tục hành chính tham chiếu lĩnh vực, loại giấy tờ và phí, lệ phí theo mã." }
        ul {
            @for (href, name, text) in HUB {
                li { a href=(href) { strong { (name) } } br; span class="muted" { (text) } }
            }
        }
    };
    let ctx = PageContext {
        office: &office,
        staff: Some((&me, csrf)),
        citizen: None,
    };
    Ok(page(&ctx, "Danh mục dùng chung và thủ tục", body))
}

#[derive(serde::Deserialize, Default)]
struct ListQuery {
    edit: Option<String>,
    saved: Option<String>,
    deleted: Option<String>,
    imported: Option<usize>,
    changed: Option<usize>,
}

/// What the list page shows besides the entries: the form's values and errors, and a message.
#[derive(Default)]
struct View {
    form: EntryForm,
    editing: bool,
    errors: FieldErrors,
    notice: Option<String>,
    problem: Option<String>,
}

/// The entry as its edit form shows it, so an edit link prefills every field.
fn form_of(entry: &Entry) -> EntryForm {
    let mut form = EntryForm {
        code: entry.code().to_owned(),
        name: entry.name().to_owned(),
        ..EntryForm::default()
    };
    if let Entry::Fee(f) = entry {
        form.amount_vnd = f.amount_vnd.map(|a| a.to_string()).unwrap_or_default();
        form.note.clone_from(&f.note);
        form.legal_basis.clone_from(&f.legal_basis);
    }
    form
}

fn entry_row(table: CatalogueTable, entry: &Entry, csrf: &str) -> Markup {
    let code = entry.code();
    html! {
        tr {
            td { code { (code) } }
            td { (entry.name()) @if entry.is_demo() { " " span class="badge" { "dữ liệu mẫu" } } }
            @if let Entry::Fee(f) = entry {
                td {
                    @match f.amount_vnd { Some(a) => (vnd(a)), None => "Thay đổi" }
                    @if !f.note.is_empty() { br; span class="muted" { (f.note) } }
                }
                td { @if f.legal_basis.is_empty() { "—" } @else { (f.legal_basis) } }
            }
            td {
                a href={ (base(table)) "?edit=" (code) "#entry-form" } { "Sửa" span class="skip" { " " (code) } }
                " "
                form method="post" action={ (base(table)) "/" (code) "/delete" } class="inline" {
                    (csrf_input(csrf))
                    button type="submit" class="secondary" { "Xóa" span class="skip" { " " (code) } }
                }
            }
        }
    }
}

fn entry_form(table: CatalogueTable, view: &View, csrf: &str) -> Markup {
    let f = &view.form;
    let e = &view.errors;
    let code_label = if table == CatalogueTable::Sectors {
        "Mã lĩnh vực (dạng MX1X2-LV, ví dụ H40-HT)"
    } else {
        "Mã (chữ in hoa không dấu, chữ số và . - _)"
    };
    let text = |name, label, value, required| {
        field(
            &Field {
                name,
                label,
                kind: "text",
                value,
                autocomplete: "off",
                required,
            },
            e,
        )
    };
    html! {
        h2 id="entry-form" { @if view.editing { "Sửa mục " (f.code) } @else { "Thêm mục mới" } }
        (error_summary(e))
        form method="post" action=(base(table)) class="card" aria-labelledby="entry-form" novalidate {
            (csrf_input(csrf))
            (text("code", code_label, &f.code, true))
            (text("name", "Tên", &f.name, true))
            @if table == CatalogueTable::Fees {
                (text("amount_vnd", "Mức thu (đồng; để trống nếu mức thu thay đổi)", &f.amount_vnd, false))
                (text("note", "Ghi chú (bắt buộc khi mức thu thay đổi: cách tính)", &f.note, false))
                (text("legal_basis", "Căn cứ pháp lý", &f.legal_basis, false))
            }
            p class="muted" { "Lưu với một mã đã có sẽ cập nhật mục mang mã đó." }
            button type="submit" { "Lưu" }
            @if view.editing { " " a href=(base(table)) { "Hủy sửa" } }
        }
    }
}

fn transfer_section(table: CatalogueTable, csrf: &str) -> Markup {
    let base = base(table);
    html! {
        h2 id="transfer" { "Xuất, nhập danh mục" }
        ul {
            li { a href={ (base) "/export.csv" } { "Tải danh mục dạng CSV" } }
            li { a href={ (base) "/export.json" } { "Tải danh mục dạng JSON" } }
        }
        form method="post" action={ (base) "/import" } enctype="multipart/form-data" class="card" aria-labelledby="transfer" {
            (csrf_input(csrf))
            div class="field" {
                label for="f-file" { "Tệp CSV hoặc JSON" }
                input id="f-file" name="file" type="file" accept=".csv,.json,text/csv,application/json" aria-describedby="f-file-hint";
            }
            p class="muted" id="f-file-hint" {
                "Tệp mã hóa UTF-8. CSV có dòng tiêu đề gồm các cột: " code { (columns(table).join(",")) }
                "; JSON là một mảng các đối tượng có cùng các khóa. "
                @if table == CatalogueTable::Fees { "Để trống amount_vnd nếu mức thu thay đổi. " }
                "Tệp được kiểm tra toàn bộ trước khi ghi: chỉ cần một dòng sai thì không mục nào được ghi. Mục đã có được cập nhật theo mã; mục không có trong tệp được giữ nguyên."
            }
            button type="submit" { "Nhập tệp" }
        }
    }
}

async fn list_page(
    state: &AppState,
    me: &Principal,
    table: CatalogueTable,
    view: &View,
) -> Result<Markup, PageError> {
    let (office, entries) = state
        .db
        .read(move |c| Ok::<_, StoreError>((settings::get_office(c)?, list_entries(c, table)?)))
        .await?;
    let csrf = csrf_token(&state.mac, &me.token);
    let heading = title(table);
    let body = html! {
        p { a href="/admin/catalogue" { "Danh mục dùng chung" } " › " (heading) }
        h1 { (heading) }
        @if let Some(text) = &view.notice { div class="alert ok" role="status" { (text) } }
        @if let Some(text) = &view.problem { div class="alert error" role="alert" { (text) } }
        h2 id="entries" { "Danh sách (" (entries.len()) " mục)" }
        @if entries.is_empty() {
            p { "Danh mục chưa có mục nào." }
        } @else {
            (scroll_table(heading, html! { table {
                thead { tr {
                    th scope="col" { "Mã" } th scope="col" { "Tên" }
                    @if table == CatalogueTable::Fees { th scope="col" { "Mức thu" } th scope="col" { "Căn cứ pháp lý" } }
                    th scope="col" { "Thao tác" }
                } }
                tbody { @for entry in &entries { (entry_row(table, entry, &csrf)) } }
            } }))
        }
        (entry_form(table, view, &csrf))
        (transfer_section(table, &csrf))
    };
    let ctx = PageContext {
        office: &office,
        staff: Some((me, csrf.clone())),
        citizen: None,
    };
    Ok(page(&ctx, heading, body))
}

async fn show_list(
    table: CatalogueTable,
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    Query(q): Query<ListQuery>,
) -> Result<Markup, PageError> {
    let mut view = View::default();
    if let Some(code) = q.edit {
        let entries = state.db.read(move |c| list_entries(c, table)).await?;
        let entry = entries
            .iter()
            .find(|e| e.code() == code)
            .ok_or(ServiceError::NotFound)?;
        view.form = form_of(entry);
        view.editing = true;
    }
    view.notice = match (q.saved, q.deleted, q.imported) {
        (Some(code), _, _) => Some(format!("Đã lưu mục {code}.")),
        (_, Some(code), _) => Some(format!("Đã xóa mục {code}.")),
        (_, _, Some(rows)) => Some(match q.changed.unwrap_or(0) {
            0 => format!("Đã đọc {rows} dòng; danh mục không có gì thay đổi."),
            n => format!("Đã đọc {rows} dòng; {n} mục được thêm mới hoặc cập nhật."),
        }),
        _ => None,
    };
    list_page(&state, &me, table, &view).await
}

async fn save_entry(
    table: CatalogueTable,
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    CsrfForm(form): CsrfForm<EntryForm>,
) -> Result<Response, PageError> {
    match service::save_entry(&state.db, &client.context(&me.username), table, &form).await {
        Ok(code) => Ok(Redirect::to(&format!("{}?saved={code}", base(table))).into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let view = View {
                form,
                errors,
                ..View::default()
            };
            let html = list_page(&state, &me, table, &view).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn delete_entry(
    table: CatalogueTable,
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    Path(code): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    match service::delete_entry(&state.db, &client.context(&me.username), table, &code).await {
        Ok(()) => Ok(Redirect::to(&format!("{}?deleted={code}", base(table))).into_response()),
        Err(ServiceError::Conflict(reason)) => {
            let view = View {
                problem: Some(format!(
                    "Không xóa được mục {code}: {}",
                    field_message(reason)
                )),
                ..View::default()
            };
            let html = list_page(&state, &me, table, &view).await?;
            Ok((StatusCode::CONFLICT, html).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn export(
    table: CatalogueTable,
    format: Format,
    State(state): State<AppState>,
    AdminSession(_): AdminSession,
) -> Result<Response, PageError> {
    let (text, mime, ext) = match format {
        Format::Csv => (
            service::export_csv(&state.db, table).await?,
            "text/csv; charset=utf-8",
            "csv",
        ),
        Format::Json => (
            service::export_json(&state.db, table).await?,
            "application/json",
            "json",
        ),
    };
    Ok(attachment(
        mime,
        &format!("{}.{ext}", file_stem(table)),
        text,
    ))
}

/// The import form is multipart so a file can be uploaded; `Upload` admits it only with a valid CSRF token.
async fn import_file(
    table: CatalogueTable,
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    upload: Upload,
) -> Result<Response, PageError> {
    let file = upload
        .file("file")
        .map(|f| (f.file_name.clone(), f.bytes.clone()));
    let Some((name, content)) = file.filter(|(_, content)| !content.is_empty()) else {
        let view = View {
            problem: Some(field_message("file.required").to_owned()),
            ..View::default()
        };
        let html = list_page(&state, &me, table, &view).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
    };
    let format = Format::detect(&name, &content);
    let ctx = client.context(&me.username);
    match service::import(&state.db, &ctx, table, format, content).await {
        Ok(report) => Ok(Redirect::to(&format!(
            "{}?imported={}&changed={}",
            base(table),
            report.rows,
            report.changed
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
                    "Tệp bị từ chối, không mục nào được ghi. Dòng {}{column}: {}",
                    p.line,
                    field_message(&p.code)
                )),
                ..View::default()
            };
            let html = list_page(&state, &me, table, &view).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(ImportError::Service(e)) => Err(e.into()),
    }
}
