//! The public dossier lookup (tra cứu hồ sơ) in the two tiers of Circular 01/2018 Art. 16: by its code anyone sees
//! how far a dossier has come — its national status and the day it was received — and nothing about the applicant;
//! the signed-in owner is offered the full dossier. The QR code on the receipt and the link in every notice open
//! this page. A wrong code and an unknown one get the same answer, and lookups per address are rate limited.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

use crate::domain::calendar::to_local;
use crate::domain::dossier::{DossierCode, Status};
use crate::domain::timefmt;
use crate::store::{dossiers, parse_time, settings};

use crate::services::ServiceError;
use crate::services::citizens::CitizenPrincipal;
use crate::web::error::PageError;
use crate::web::extract::{Client, MaybeCitizen};
use crate::web::state::AppState;
use crate::web::ui::layout::{PageContext, page};

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(super) struct LookupQuery {
    code: String,
}

/// What the public may know about a dossier.
struct Progress {
    code: String,
    status: Status,
    received: Option<String>,
    /// The dossier belongs to the citizen signed in on this browser.
    own: bool,
}

/// "How far it has progressed": the step of the four a citizen recognises.
fn completion(status: Status) -> (u8, &'static str) {
    match status.code() {
        1 => (1, "Đã nộp, chờ tiếp nhận"),
        2 | 4..=6 => (2, "Đang giải quyết"),
        9 => (3, "Đã có kết quả, chờ trả"),
        10 => (4, "Đã trả kết quả"),
        _ => (4, "Đã kết thúc"),
    }
}

fn form(value: &str) -> Markup {
    html! {
        form method="get" action="/tra-cuu" class="card hero" role="search" {
            label for="lookup-code" { strong { "Mã hồ sơ (ghi trên Giấy tiếp nhận và hẹn trả kết quả)" } }
            div class="search-row" {
                input id="lookup-code" name="code" type="search" value=(value) autocomplete="off" placeholder="Ví dụ: H40.12-261130-0001";
                button type="submit" { "Tra cứu" }
            }
        }
    }
}

async fn render(
    state: &AppState,
    code: &str,
    found: Option<Progress>,
    searched: bool,
) -> Result<Markup, PageError> {
    let office = state.db.read(settings::get_office).await?;
    let body = html! {
        h1 { "Tra cứu hồ sơ" }
        (form(code))
        @match (&found, searched) {
            (Some(p), _) => {
                section class="card" aria-labelledby="progress" {
                    h2 id="progress" { "Hồ sơ " code { (p.code) } }
                    @let (step, label) = completion(p.status);
                    dl {
                        dt { "Trạng thái" } dd { strong { (p.status.name()) } }
                        dt { "Mức độ hoàn thành" } dd {
                            progress max="4" value=(step) aria-label="Mức độ hoàn thành" {} " "
                            "Bước " (step) "/4: " (label)
                        }
                        @if let Some(day) = &p.received { dt { "Ngày tiếp nhận" } dd { (day) } }
                    }
                    @if p.own {
                        p { a class="button" href={ "/ho-so-cua-toi/" (p.code) } { "Xem chi tiết hồ sơ của bạn" } }
                    } @else {
                        p class="muted" { "Người nộp hồ sơ " a href={ "/dang-nhap?next=/ho-so-cua-toi/" (p.code) } { "đăng nhập" } " để xem quá trình xử lý chi tiết." }
                    }
                }
            }
            (None, true) => {
                p class="alert error" role="alert" { "Không tìm thấy hồ sơ có mã này. Vui lòng kiểm tra lại mã ghi trên giấy hẹn." }
            }
            (None, false) => {}
        }
    };
    Ok(page(
        &PageContext {
            office: &office,
            staff: None,
            citizen: None,
        },
        "Tra cứu hồ sơ",
        body,
    ))
}

async fn find(
    state: &AppState,
    raw: &str,
    viewer: Option<&CitizenPrincipal>,
) -> Result<Option<Progress>, PageError> {
    let Ok(code) = DossierCode::parse(raw) else {
        return Ok(None);
    };
    let owner = viewer.map(CitizenPrincipal::owner_ref);
    let code = code.as_str().to_owned();
    let row = state.db.read(move |c| dossiers::find(c, &code)).await?;
    Ok(row.and_then(|r| {
        Some(Progress {
            own: owner.is_some() && r.owner_ref == owner,
            code: r.code?,
            status: Status::from_code(r.status)?,
            received: r
                .received_at
                .as_deref()
                .and_then(parse_time)
                .map(|t| timefmt::date(to_local(t).date())),
        })
    }))
}

/// `/tra-cuu?code=…` redirects to the dossier's own address; without a code it shows the form.
pub(super) async fn show_form(
    State(state): State<AppState>,
    Query(query): Query<LookupQuery>,
) -> Result<Response, PageError> {
    let code = query.code.trim();
    if code.is_empty() {
        return Ok(render(&state, "", None, false).await?.into_response());
    }
    let target = format!("/tra-cuu/{}", urlencode(&code.to_ascii_uppercase()));
    Ok(Redirect::to(&target).into_response())
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

pub(super) async fn show(
    State(state): State<AppState>,
    client: Client,
    MaybeCitizen(viewer): MaybeCitizen,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    if !state.limits.allow_lookup(&client.ip) {
        return Err(ServiceError::RateLimited.into());
    }
    let found = find(&state, &code, viewer.as_ref()).await?;
    let status = if found.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    Ok((status, render(&state, &code, found, true).await?).into_response())
}
