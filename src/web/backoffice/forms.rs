//! Web layer, back office: print views of the forms of the set in force (receipt, supplement request, refusal,
//! apology, control slip, stop notice) for one dossier, and the year's register with its CSV export. A print view
//! is its own small document on the print stylesheet, where each form declares its paper (A5, or A4 landscape for
//! the register), with a toolbar that is not printed.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::Deserialize;
use time::OffsetDateTime;

use crate::domain::calendar::to_local;
use crate::domain::role::Role;
use crate::services::ServiceError;
use crate::services::auth::Principal;
use crate::services::forms::{self, Printable, RegisterQuery, RenderedForm};
use crate::store::settings;

use crate::web::download::attachment;
use crate::web::error::PageError;
use crate::web::extract::{StaffSession, staff_acting};
use crate::web::session::csrf_token;
use crate::web::state::AppState;
use crate::web::ui::layout::{PageContext, page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/dossiers/{reference}/forms", get(list_forms))
        .route("/staff/dossiers/{reference}/forms/{key}", get(show_form))
        .route("/staff/register", get(show_register))
        .route("/staff/register.csv", get(export_register))
}

/// The origin of the public lookup the receipt's QR code points to: the configured public address, else this
/// request's host (HTTPS unless the server runs plain HTTP behind a proxy).
fn lookup_base(state: &AppState, headers: &HeaderMap, uri: &Uri) -> String {
    if let Some(url) = state.config.notify.public_url.as_deref() {
        return url.trim_end_matches('/').to_owned();
    }
    let plausible = |h: &&str| {
        !h.is_empty()
            && h.len() <= 253
            && h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()))
        .filter(plausible)
        .unwrap_or("localhost");
    let scheme = if state.config.server.http {
        "http"
    } else {
        "https"
    };
    format!("{scheme}://{host}")
}

/// A print document: the form (or register) as it goes on paper, and a toolbar that stays on screen.
fn print_document(title: &str, paper: &str, toolbar: Markup, form: &str) -> Markup {
    let paper_class = if paper == "A4" {
        "paper-a4"
    } else {
        "paper-a5"
    };
    html! {
        (DOCTYPE)
        html lang="vi" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – motcua" }
                link rel="stylesheet" href="/assets/css/print.css";
                link rel="icon" href="/assets/img/favicon.svg" type="image/svg+xml";
                script src="/assets/js/print.js" defer {}
            }
            body class={ "print " (paper_class) } {
                nav class="toolbar" aria-label="Thanh công cụ in" { (toolbar) }
                main id="main" {
                    @if paper == "A4" {
                        // On a phone the A4 sheet scrolls sideways inside a region keyboard users can reach.
                        div class="sheet-scroll" tabindex="0" role="region" aria-label=(title) { (PreEscaped(form)) }
                    } @else {
                        (PreEscaped(form))
                    }
                }
            }
        }
    }
}

/// The print button (revealed by the script, which also does the printing) and the keyboard hint that works
/// without it.
fn print_controls(paper: &str) -> Markup {
    let size = if paper == "A4" {
        "khổ A4 ngang (297 × 210 mm)"
    } else {
        "khổ A5 (148 × 210 mm)"
    };
    html! {
        button type="button" class="print-button" data-print hidden { "In biểu mẫu" }
        span class="hint" { "Nhấn Ctrl+P (trên máy Mac: ⌘+P) để in, " (size) "." }
    }
}

/// Why a form cannot be printed yet, as a normal page with a way back.
async fn not_applicable(
    state: &AppState,
    me: &Principal,
    reference: &str,
    why: &str,
) -> Result<Response, PageError> {
    let office = state.db.read(settings::get_office).await?;
    let csrf = csrf_token(&state.mac, &me.token);
    let body = html! {
        h1 { "Chưa có biểu mẫu này" }
        p { (why) }
        p { a href={ "/staff/dossiers/" (reference) "/forms" } { "Các biểu mẫu in của hồ sơ" } }
        p { a href={ "/staff/dossiers/" (reference) } { "Về trang hồ sơ" } }
    };
    let ctx = PageContext {
        office: &office,
        staff: Some((me, csrf)),
        citizen: None,
    };
    Ok((
        StatusCode::NOT_FOUND,
        page(&ctx, "Chưa có biểu mẫu này", body),
    )
        .into_response())
}

/// `GET /staff/dossiers/{reference}/forms`: the forms of the set in force, printable or not yet.
async fn list_forms(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
    Path(reference): Path<String>,
) -> Result<Markup, PageError> {
    let acting = staff_acting(&me);
    let (reference, choices) = forms::choices(&state.db, &acting.actor, &reference).await?;
    let office = state.db.read(settings::get_office).await?;
    let csrf = csrf_token(&state.mac, &me.token);
    let body = html! {
        h1 { "Biểu mẫu in của hồ sơ " span class="code" { (reference) } }
        p { a href={ "/staff/dossiers/" (reference) } { "Về trang hồ sơ" } }
        ul class="form-list" {
            @for c in &choices {
                li {
                    @if c.applies {
                        a href={ "/staff/dossiers/" (reference) "/forms/" (c.key) } {
                            "Mẫu số " (c.number) ": " (c.title)
                        }
                    } @else {
                        "Mẫu số " (c.number) ": " (c.title)
                        span class="muted" { " (chưa áp dụng cho hồ sơ này)" }
                    }
                    span class="muted" { " – khổ " (c.paper) }
                }
            }
        }
    };
    let ctx = PageContext {
        office: &office,
        staff: Some((&me, csrf)),
        citizen: None,
    };
    Ok(page(&ctx, "Biểu mẫu in", body))
}

/// `GET /staff/dossiers/{reference}/forms/{key}`: one form, ready to print. 404 for a dossier the person may not
/// see (as for one that does not exist), and 404 with the reason for a form that does not apply yet.
async fn show_form(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
    Path((reference, key)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, PageError> {
    let acting = staff_acting(&me);
    let base = lookup_base(&state, &headers, &uri);
    match forms::dossier_form(&state.db, &acting.actor, &reference, &key, &base).await? {
        Printable::Ready(form) => Ok(form_page(&form).into_response()),
        Printable::NotApplicable(why) => not_applicable(&state, &me, &reference, why).await,
        Printable::Register { year } => {
            Ok(Redirect::to(&format!("/staff/register?year={year}")).into_response())
        }
    }
}

fn form_page(form: &RenderedForm) -> Markup {
    let toolbar = html! {
        a href={ "/staff/dossiers/" (form.reference) } { "← Về trang hồ sơ" }
        a href={ "/staff/dossiers/" (form.reference) "/forms" } { "Các biểu mẫu khác" }
        span class="label" { "Mẫu số " (form.number) }
        (print_controls(&form.paper))
    };
    print_document(
        &format!("Mẫu số {} – {}", form.number, form.reference),
        &form.paper,
        toolbar,
        &form.html,
    )
}

/// Who keeps or reads the register: the one-stop officers, unit heads and the agency's leaders.
fn may_read_register(me: &Principal) -> Result<(), PageError> {
    if [Role::Officer, Role::Head, Role::Leader]
        .iter()
        .any(|r| me.has_role(*r))
    {
        Ok(())
    } else {
        Err(PageError::Service(ServiceError::Forbidden))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RegisterParams {
    year: Option<String>,
    book: Option<String>,
    page: Option<String>,
}

impl RegisterParams {
    /// The year asked for, or this year; anything unreadable counts as this year.
    fn year(&self) -> i64 {
        self.year
            .as_deref()
            .and_then(|y| y.trim().parse::<i64>().ok())
            .filter(|y| (2000..=9999).contains(y))
            .unwrap_or_else(|| i64::from(to_local(OffsetDateTime::now_utc()).year()))
    }

    fn book(&self) -> Option<String> {
        self.book
            .as_deref()
            .map(|b| b.trim().chars().take(20).collect::<String>())
            .filter(|b| !b.is_empty())
    }

    fn page(&self) -> i64 {
        self.page
            .as_deref()
            .and_then(|p| p.trim().parse::<i64>().ok())
            .unwrap_or(1)
    }
}

/// `GET /staff/register?year=&book=&page=`: the year's register (Form 06 of 2018, 07 of 2025), one page of lines.
async fn show_register(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
    Query(params): Query<RegisterParams>,
) -> Result<Markup, PageError> {
    may_read_register(&me)?;
    let year = params.year();
    let book = params.book();
    let register = forms::register(
        &state.db,
        RegisterQuery {
            year,
            book: book.clone(),
            page: params.page(),
        },
    )
    .await?;
    let mut years = register.years.clone();
    if !years.contains(&year) {
        years.push(year);
        years.sort_unstable_by(|a, b| b.cmp(a));
    }
    let link = |page: i64| {
        let mut query = vec![("year", year.to_string()), ("page", page.to_string())];
        if let Some(b) = &book {
            query.push(("book", b.clone()));
        }
        format!(
            "/staff/register?{}",
            serde_urlencoded::to_string(query).unwrap_or_default()
        )
    };
    let toolbar = html! {
        a href="/staff" { "← Bàn làm việc" }
        form method="get" action="/staff/register" class="inline" {
            label for="year" { "Năm" }
            select id="year" name="year" {
                @for y in &years {
                    option value=(y) selected[*y == year] { (y) }
                }
            }
            label for="book" { "Quyển số" }
            input id="book" name="book" type="text" size="4" maxlength="20" value=(register.book);
            button type="submit" { "Xem" }
        }
        a href={ "/staff/register.csv?year=" (year) } download { "Tải tệp CSV của cả năm" }
        span class="label" { (register.total) " hồ sơ" }
        @if register.pages > 1 {
            span class="pager" {
                @if register.page > 1 { a href=(link(register.page - 1)) rel="prev" { "← Trang trước" } }
                " Trang " (register.page) "/" (register.pages) " "
                @if register.page < register.pages { a href=(link(register.page + 1)) rel="next" { "Trang sau →" } }
            }
        }
        (print_controls(&register.form.paper))
    };
    Ok(print_document(
        &format!("Sổ theo dõi hồ sơ năm {year}"),
        &register.form.paper,
        toolbar,
        &register.form.html,
    ))
}

/// `GET /staff/register.csv?year=`: the whole year's register for a spreadsheet.
async fn export_register(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
    Query(params): Query<RegisterParams>,
) -> Result<Response, PageError> {
    may_read_register(&me)?;
    let year = params.year();
    let bytes = forms::register_csv(&state.db, year).await?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        &format!("so-theo-doi-ho-so-{year}.csv"),
        bytes,
    ))
}
