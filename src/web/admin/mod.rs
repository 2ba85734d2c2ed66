//! Administration: staff accounts, the organisation and the audit log. Every route needs an administrator.

mod agencies;
mod calendar;
mod catalogue;
mod forms;
mod pages;
mod procedures;
mod units;
mod users;

use axum::Router;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use maud::{Markup, html};

use crate::store::audit::{self, ChainCheck};
use crate::store::{org, settings};

use super::error::PageError;
use super::extract::AdminSession;
use super::session::csrf_token;
use super::state::AppState;
use super::ui::layout::{PageContext, page, scroll_table};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/users",
            get(users::list_users).post(users::create_user),
        )
        .route("/admin/users/{username}/lock", post(users::lock_user))
        .route("/admin/users/{username}/unlock", post(users::unlock_user))
        .route("/admin/org", get(show_org))
        .route("/admin/audit", get(show_audit))
        .merge(units::routes())
        .merge(catalogue::routes())
        .merge(agencies::routes())
        .merge(pages::routes())
        .merge(procedures::routes())
        .merge(calendar::routes())
        .merge(forms::routes())
}

async fn show_org(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
) -> Result<Markup, PageError> {
    let (office, agencies, units, communes) = state
        .db
        .read(|c| {
            Ok::<_, crate::store::StoreError>((
                settings::get_office(c)?,
                org::list_agencies(c)?,
                org::list_units(c)?,
                org::list_communes(c)?,
            ))
        })
        .await?;
    let csrf = csrf_token(&state.mac, &me.token);
    let body = html! {
        h1 { "Tổ chức" }
        p { a href="/admin/catalogue/agencies" { "Sửa cơ quan, đơn vị; nhập hoặc xuất danh mục" } " · "
            a href="/admin/catalogue/units" { "Đơn vị hành chính và chuyển sang đơn vị sau sắp xếp 2025" } }
        @for agency in &agencies {
            section class="card" {
                h2 { (agency.name) " " span class="badge" { (agency.code) } @if agency.is_demo { " " span class="badge" { "dữ liệu mẫu" } } }
                @let agency_units: Vec<_> = units.iter().filter(|u| u.agency_code == agency.code).collect();
                @if !agency_units.is_empty() {
                    (scroll_table(&format!("Đơn vị trực thuộc {}", agency.name), html! { table {
                        caption class="muted" { "Đơn vị trực thuộc" }
                        thead { tr { th scope="col" { "Mã" } th scope="col" { "Tên đơn vị" } th scope="col" { "Loại" } } }
                        tbody { @for u in agency_units { tr { td { code { (u.code) } } td { (u.name) } td { (crate::domain::org::UnitKind::parse(&u.kind).map_or("", |k| k.label())) } } } }
                    } }))
                }
                @let agency_communes: Vec<_> = communes.iter().filter(|c| c.agency_code == agency.code).collect();
                @if !agency_communes.is_empty() {
                    p { "Địa bàn: " @for (i, c) in agency_communes.iter().enumerate() { @if i > 0 { ", " } (c.name) " (" (c.code) ")" } }
                }
            }
        }
        @if agencies.is_empty() { p { "Chưa có cơ quan nào. Khai báo bằng " code { "motcua init --agency-code … --agency-name …" } "." } }
    };
    Ok(page(
        &PageContext {
            office: &office,
            staff: Some((&me, csrf)),
            citizen: None,
        },
        "Tổ chức",
        body,
    ))
}

#[derive(serde::Deserialize)]
struct AuditQuery {
    before: Option<i64>,
}

const AUDIT_PAGE: i64 = 50;

async fn show_audit(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    Query(q): Query<AuditQuery>,
) -> Result<Markup, PageError> {
    let (office, rows, chain) = state
        .db
        .read(move |c| {
            Ok::<_, crate::store::StoreError>((
                settings::get_office(c)?,
                audit::list_recent(c, q.before, AUDIT_PAGE)?,
                audit::verify_chain(c)?,
            ))
        })
        .await?;
    let csrf = csrf_token(&state.mac, &me.token);
    let body = html! {
        h1 { "Nhật ký hệ thống" }
        @match chain {
            ChainCheck::Intact { rows } => div class="alert ok" role="status" { "Chuỗi băm toàn vẹn: " (rows) " bản ghi, không bản ghi nào bị sửa hoặc xóa." },
            ChainCheck::BrokenAt { id, .. } => div class="alert error" role="alert" { "Chuỗi băm bị phá vỡ tại bản ghi số " (id) ": nhật ký đã bị can thiệp." },
        }
        (scroll_table("Nhật ký hệ thống", html! { table {
            thead { tr { th scope="col" { "#" } th scope="col" { "Thời gian (UTC)" } th scope="col" { "Người thực hiện" } th scope="col" { "Địa chỉ" } th scope="col" { "Hành động" } th scope="col" { "Đối tượng" } th scope="col" { "Kết quả" } th scope="col" { "Chi tiết" } } }
            tbody { @for r in &rows { tr {
                td { (r.id) } td { (r.at) } td { (r.actor) } td { (r.ip) } td { code { (r.action) } } td { (r.object) }
                td { span class={ "badge " @if r.outcome == "ok" { "good" } @else { "bad" } } { (r.outcome) } } td { (r.detail) }
            } } }
        } }))
        @if let Some(last) = rows.last().filter(|_| rows.len() as i64 == AUDIT_PAGE) {
            p { a href={ "/admin/audit?before=" (last.id) } { "Các bản ghi cũ hơn" } }
        }
    };
    Ok(page(
        &PageContext {
            office: &office,
            staff: Some((&me, csrf)),
            citizen: None,
        },
        "Nhật ký hệ thống",
        body,
    ))
}
