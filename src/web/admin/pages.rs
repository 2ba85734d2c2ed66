//! Web admin pages for the portal's guides and FAQ entries: both kinds listed, an add/edit form with a Markdown
//! body, publish/hide buttons and delete. The portal renders what is saved here (web::portal::guides).

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};

use crate::domain::FieldErrors;
use crate::services::ServiceError;
use crate::services::auth::Principal;
use crate::services::pages::{self as service, PageForm};
use crate::store::pages::{self as store_pages, Page};
use crate::store::{StoreError, settings};

use super::super::error::PageError;
use super::super::extract::{AdminSession, Client, CsrfForm, NoFields};
use super::super::session::csrf_token;
use super::super::state::AppState;
use super::super::ui::form::{Field, csrf_input, error_summary, field};
use super::super::ui::layout::{PageContext, page, scroll_table};
use super::super::ui::messages::field_message;

const BASE: &str = "/admin/pages";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(BASE, get(list_pages).post(save_page))
        .route("/admin/pages/{slug}/delete", post(delete_page))
        .route("/admin/pages/{slug}/publish", post(publish_page))
        .route("/admin/pages/{slug}/unpublish", post(unpublish_page))
}

/// The form as posted: a checkbox is present ("on") when ticked and absent otherwise.
#[derive(serde::Deserialize, Default)]
struct PostedPage {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    position: String,
    published: Option<String>,
}

impl From<PostedPage> for PageForm {
    fn from(p: PostedPage) -> Self {
        PageForm {
            slug: p.slug,
            kind: p.kind,
            title: p.title,
            body: p.body,
            position: p.position,
            published: p.published.is_some(),
        }
    }
}

#[derive(serde::Deserialize, Default)]
struct ListQuery {
    edit: Option<String>,
    saved: Option<String>,
    deleted: Option<String>,
}

fn kind_label(kind: &str) -> &'static str {
    if kind == "faq" {
        "Hỏi đáp"
    } else {
        "Hướng dẫn"
    }
}

/// Where the portal shows a page.
fn public_href(p: &Page) -> String {
    if p.kind == "faq" {
        format!("/hoi-dap#hoi-{}", p.slug)
    } else {
        format!("/huong-dan/{}", p.slug)
    }
}

fn pages_table(caption: &str, rows: &[Page], csrf: &str) -> Markup {
    html! {
        @if rows.is_empty() {
            p { "Chưa có trang nào." }
        } @else {
            (scroll_table(caption, html! { table {
                thead { tr {
                    th scope="col" { "Thứ tự" } th scope="col" { "Tiêu đề" } th scope="col" { "Đường dẫn" }
                    th scope="col" { "Trạng thái" } th scope="col" { "Thao tác" }
                } }
                tbody { @for p in rows { tr {
                    td { (p.position) }
                    td { (p.title) }
                    td { code { (p.slug) } }
                    td {
                        @if p.published {
                            span class="badge good" { "Đang hiển thị" } " " a href=(public_href(p)) { "Xem" span class="skip" { " " (p.title) } }
                        } @else { span class="badge bad" { "Đang ẩn" } }
                    }
                    td {
                        a href={ (BASE) "?edit=" (p.slug) "#page-form" } { "Sửa" span class="skip" { " " (p.title) } }
                        " "
                        @let action = if p.published { "unpublish" } else { "publish" };
                        form method="post" action={ (BASE) "/" (p.slug) "/" (action) } class="inline" {
                            (csrf_input(csrf))
                            button type="submit" class="secondary" {
                                @if p.published { "Ẩn" } @else { "Hiển thị" } span class="skip" { " " (p.title) }
                            }
                        }
                        " "
                        form method="post" action={ (BASE) "/" (p.slug) "/delete" } class="inline" {
                            (csrf_input(csrf))
                            button type="submit" class="secondary" { "Xóa" span class="skip" { " " (p.title) } }
                        }
                    }
                } } }
            } }))
        }
    }
}

fn page_form(form: &PageForm, editing: bool, errors: &FieldErrors, csrf: &str) -> Markup {
    let text = |name, label, kind, value, required| {
        field(
            &Field {
                name,
                label,
                kind,
                value,
                autocomplete: "off",
                required,
            },
            errors,
        )
    };
    let body_error = errors.first("body").map(field_message);
    html! {
        h2 id="page-form" { @if editing { "Sửa trang " (form.slug) } @else { "Thêm trang" } }
        (error_summary(errors))
        form method="post" action=(BASE) class="card" aria-labelledby="page-form" novalidate {
            (csrf_input(csrf))
            (text("slug", "Đường dẫn (chữ thường không dấu, chữ số, dấu gạch ngang; ví dụ nop-ho-so-truc-tuyen)", "text", &form.slug, true))
            div class="field" {
                label for="f-kind" { "Loại trang" }
                select id="f-kind" name="kind" {
                    @for kind in service::KINDS { option value=(kind) selected[form.kind == kind] { (kind_label(kind)) } }
                }
                @if let Some(code) = errors.first("kind") { p class="error" { (field_message(code)) } }
            }
            (text("title", "Tiêu đề (với hỏi đáp: câu hỏi)", "text", &form.title, true))
            div class={ "field" @if body_error.is_some() { " has-error" } } {
                label for="f-body" { "Nội dung (Markdown)" span class="req" aria-hidden="true" { " *" } }
                p class="muted" id="f-body-hint" {
                    "Dòng trống tách đoạn; " code { "## Tiêu đề" } " cho tiêu đề mục; " code { "- " } " đầu dòng cho danh sách; "
                    code { "1. " } " cho danh sách đánh số; " code { "**chữ đậm**" } "; " code { "[chữ hiển thị](https://địa-chỉ)" }
                    " cho liên kết. Thẻ HTML được hiển thị nguyên văn, không có tác dụng."
                }
                textarea id="f-body" name="body" rows="14" required
                    aria-invalid=[body_error.map(|_| "true")]
                    aria-describedby={ "f-body-hint" @if body_error.is_some() { " f-body-error" } } { (form.body) }
                @if let Some(message) = body_error { p class="error" id="f-body-error" { (message) } }
            }
            (text("position", "Thứ tự hiển thị (số nhỏ đứng trước)", "number", &form.position, false))
            p {
                input id="f-published" name="published" type="checkbox" value="on" checked[form.published];
                " " label for="f-published" { "Hiển thị trên cổng dịch vụ công" }
            }
            p class="muted" { "Lưu với một đường dẫn đã có sẽ thay nội dung trang mang đường dẫn đó." }
            button type="submit" { "Lưu trang" }
            @if editing { " " a href=(BASE) { "Hủy sửa" } }
        }
    }
}

async fn pages_page(
    state: &AppState,
    me: &Principal,
    form: &PageForm,
    editing: bool,
    errors: &FieldErrors,
    notice: Option<String>,
) -> Result<Markup, PageError> {
    let (office, guides, faqs) = state
        .db
        .read(|c| {
            Ok::<_, StoreError>((
                settings::get_office(c)?,
                store_pages::list(c, "guide", false)?,
                store_pages::list(c, "faq", false)?,
            ))
        })
        .await?;
    let csrf = csrf_token(&state.mac, &me.token);
    let body = html! {
        p { a href="/admin/catalogue" { "Danh mục dùng chung" } " › Hướng dẫn và hỏi đáp" }
        h1 { "Hướng dẫn và hỏi đáp" }
        p { "Nội dung hiển thị tại " a href="/huong-dan" { "Hướng dẫn" } " và " a href="/hoi-dap" { "Hỏi đáp" } " trên cổng dịch vụ công." }
        @if let Some(text) = notice { div class="alert ok" role="status" { (text) } }
        h2 { "Hướng dẫn thực hiện dịch vụ công trực tuyến" }
        (pages_table("Trang hướng dẫn", &guides, &csrf))
        h2 { "Câu hỏi thường gặp" }
        (pages_table("Câu hỏi thường gặp", &faqs, &csrf))
        (page_form(form, editing, errors, &csrf))
    };
    let ctx = PageContext {
        office: &office,
        staff: Some((me, csrf.clone())),
        citizen: None,
    };
    Ok(page(&ctx, "Hướng dẫn và hỏi đáp", body))
}

async fn list_pages(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    Query(q): Query<ListQuery>,
) -> Result<Markup, PageError> {
    let mut form = PageForm {
        kind: "guide".into(),
        published: true,
        ..PageForm::default()
    };
    let mut editing = false;
    if let Some(slug) = q.edit {
        let found = state
            .db
            .read(move |c| store_pages::get(c, &slug))
            .await?
            .ok_or(ServiceError::NotFound)?;
        form = PageForm::from(&found);
        editing = true;
    }
    let notice = match (q.saved, q.deleted) {
        (Some(slug), _) => Some(format!("Đã lưu trang {slug}.")),
        (_, Some(slug)) => Some(format!("Đã xóa trang {slug}.")),
        _ => None,
    };
    pages_page(&state, &me, &form, editing, &FieldErrors::new(), notice).await
}

async fn save_page(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    CsrfForm(posted): CsrfForm<PostedPage>,
) -> Result<Response, PageError> {
    let form = PageForm::from(posted);
    match service::save_page(&state.db, &client.context(&me.username), form.clone()).await {
        Ok(slug) => Ok(Redirect::to(&format!("{BASE}?saved={slug}")).into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let html = pages_page(&state, &me, &form, false, &errors, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn delete_page(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    Path(slug): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    service::delete_page(&state.db, &client.context(&me.username), &slug).await?;
    Ok(Redirect::to(&format!("{BASE}?deleted={}", slug.trim())).into_response())
}

async fn publish_page(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    Path(slug): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    service::set_published(&state.db, &client.context(&me.username), &slug, true).await?;
    Ok(Redirect::to(BASE).into_response())
}

async fn unpublish_page(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    Path(slug): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    service::set_published(&state.db, &client.context(&me.username), &slug, false).await?;
    Ok(Redirect::to(BASE).into_response())
}
