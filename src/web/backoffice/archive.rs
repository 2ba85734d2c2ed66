//! The archivist's back office (Circular 01/2018 Art. 10(3)): `/staff/luu-tru` lists the closed dossiers whose
//! retention has ended and not yet handed to the archives (oldest first), and those already handed over; the
//! dossier page's "Lưu trữ" section shows the retention, offers the archive package
//! (`/staff/dossiers/{ref}/luu-tru.zip`) and, to archivists, "Đã nộp lưu" (`POST /staff/dossiers/{ref}/luu-tru`).

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::{Markup, html};
use serde::Deserialize;
use time::OffsetDateTime;

use crate::domain::archive::Retention;
use crate::domain::calendar::to_local;
use crate::domain::timefmt;
use crate::services::ServiceError;
use crate::services::auth::Principal;
use crate::services::dossiers::archive::{self as service, ArchiveInfo, due_filter};
use crate::services::dossiers::archive_package;
use crate::store::dossiers::DossierRow;
use crate::store::dossiers::archive::{self as store, ArchiveCursor, ArchiveRow};
use crate::store::{StoreError, parse_time, settings};

use crate::web::download::attachment;
use crate::web::error::PageError;
use crate::web::extract::{Client, CsrfForm, NoFields, StaffSession, staff_acting};
use crate::web::session::csrf_token;
use crate::web::state::AppState;
use crate::web::ui::dossier::{code_text, short_time, status_badge};
use crate::web::ui::form::csrf_input;
use crate::web::ui::layout::{PageContext, page, scroll_table};
use crate::web::ui::messages::refusal_message;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/luu-tru", get(show_list))
        .route(
            "/staff/dossiers/{reference}/luu-tru.zip",
            get(download_package),
        )
        .route(
            "/staff/dossiers/{reference}/luu-tru",
            axum::routing::post(submit_archived),
        )
}

const PAGE_SIZE: usize = 50;

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    /// `da-nop` for the dossiers already handed over; anything else lists those due.
    tab: String,
    cursor: String,
}

/// "29/11/2026" in office time, or a dash.
fn day(text: Option<&str>) -> String {
    text.and_then(parse_time)
        .map_or_else(|| "–".to_owned(), |t| timefmt::date(to_local(t).date()))
}

fn link_of(r: &ArchiveRow) -> &str {
    r.code.as_deref().unwrap_or(&r.public_id)
}

async fn show_list(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
    Query(query): Query<ListQuery>,
) -> Result<Markup, PageError> {
    if !service::may_list(&staff_acting(&me).actor) {
        return Err(PageError::Service(ServiceError::Forbidden));
    }
    let archived = query.tab == "da-nop";
    let after = ArchiveCursor::decode(&query.cursor);
    let default_years = state.config.archive.default_retention_years;
    let now = OffsetDateTime::now_utc();
    let (office, overrides, rows) = state
        .db
        .read(move |c| {
            let office = settings::get_office(c)?;
            let overrides = store::retention_overrides(c)?;
            let rows = if archived {
                store::archived_page(c, after.as_ref(), PAGE_SIZE)?
            } else {
                let filter = due_filter(&overrides, default_years, now);
                store::due_page(c, &filter, after.as_ref(), PAGE_SIZE)?
            };
            Ok::<_, StoreError>((office, overrides, rows))
        })
        .await?;
    let overrides: HashMap<String, Retention> = overrides.into_iter().collect();
    let retention_of = |code: &str| {
        overrides
            .get(code)
            .copied()
            .unwrap_or(Retention::Years(default_years))
    };
    let next = (rows.len() > PAGE_SIZE).then(|| rows[PAGE_SIZE - 1].cursor.encode());
    let shown = &rows[..rows.len().min(PAGE_SIZE)];
    let tab = if archived { "da-nop" } else { "" };
    let caption = if archived {
        "Hồ sơ đã nộp lưu trữ"
    } else {
        "Hồ sơ đến hạn nộp lưu trữ"
    };
    let body = html! {
        h1 { "Lưu trữ hồ sơ" }
        p { "Hồ sơ đã kết thúc (đã trả kết quả, không được tiếp nhận, đã rút hoặc dừng xử lý) được giữ tại cơ quan trong thời hạn lưu trữ tính từ ngày kết thúc, rồi nộp vào lưu trữ. Thời hạn mặc định của cơ quan là "
            strong { (default_years) " năm" } "; thủ tục có thể quy định thời hạn riêng." }
        nav aria-label="Danh sách lưu trữ" {
            ul class="queues" {
                li { a href="/staff/luu-tru" aria-current=[(!archived).then_some("page")] { "Đến hạn nộp lưu" } }
                li { a href="/staff/luu-tru?tab=da-nop" aria-current=[archived.then_some("page")] { "Đã nộp lưu" } }
            }
        }
        h2 { (caption) }
        @if shown.is_empty() {
            p class="muted" { @if archived { "Chưa có hồ sơ nào được nộp lưu." } @else { "Không có hồ sơ nào đến hạn nộp lưu." } }
        } @else {
            (scroll_table(caption, html! {
                table class="queue" {
                    caption class="visually-hidden" { (caption) }
                    thead { tr {
                        th scope="col" { "Mã hồ sơ" } th scope="col" { "Thủ tục" } th scope="col" { "Người nộp" }
                        th scope="col" { "Trạng thái" } th scope="col" { "Kết thúc" }
                        @if archived {
                            th scope="col" { "Nộp lưu lúc" } th scope="col" { "Người ghi nhận" }
                        } @else {
                            th scope="col" { "Thời hạn lưu trữ" } th scope="col" { "Hết hạn từ" } th scope="col" { "Gói lưu trữ" }
                        }
                    } }
                    tbody { @for r in shown {
                        @let retention = retention_of(&r.procedure_code);
                        tr {
                            td data-label="Mã hồ sơ" { a href={ "/staff/dossiers/" (link_of(r)) } { code { (code_text(r.code.as_deref())) } } }
                            td data-label="Thủ tục" { (r.procedure_name) }
                            td data-label="Người nộp" { (r.applicant_name) }
                            td data-label="Trạng thái" { (status_badge(r.status)) }
                            td data-label="Kết thúc" { (day(Some(&r.finished_at))) }
                            @if archived {
                                td data-label="Nộp lưu lúc" { (short_time(r.archived_at.as_deref())) }
                                td data-label="Người ghi nhận" { (r.archived_by.as_deref().unwrap_or("–")) }
                            } @else {
                                td data-label="Thời hạn lưu trữ" { (retention.label()) }
                                td data-label="Hết hạn từ" { (expiry_text(&r.finished_at, retention)) }
                                td data-label="Gói lưu trữ" { a href={ "/staff/dossiers/" (link_of(r)) "/luu-tru.zip" } { "Tải ZIP" span class="visually-hidden" { " của hồ sơ " (code_text(r.code.as_deref())) } } }
                            }
                        }
                    } }
                }
            }))
        }
        @if let Some(next) = next {
            nav class="pager" aria-label="Phân trang" {
                a rel="next" href={ "/staff/luu-tru?" (serde_urlencoded::to_string([("tab", tab), ("cursor", next.as_str())]).unwrap_or_default()) } { "Trang sau →" }
            }
        }
    };
    Ok(page(
        &PageContext {
            office: &office,
            staff: Some((&me, csrf_token(&state.mac, &me.token))),
            citizen: None,
        },
        "Lưu trữ hồ sơ",
        body,
    ))
}

fn expiry_text(finished_at: &str, retention: Retention) -> String {
    parse_time(finished_at)
        .and_then(|t| retention.expires(to_local(t)))
        .map_or_else(|| "–".to_owned(), |t| timefmt::date(t.date()))
}

/// Next to the status on the dossier page: "Đã nộp lưu trữ ngày …" once handed over.
pub(super) fn badge(info: &ArchiveInfo) -> Markup {
    html! {
        @if let Some((at, _)) = &info.archived {
            " " span class="badge good" { "Đã nộp lưu trữ ngày " (day(Some(at))) }
        }
    }
}

/// The dossier page's "Lưu trữ" section: the retention in force, whether and when the dossier was handed over,
/// the archive package of a closed dossier and, for the archivist, "Đã nộp lưu".
pub(super) fn section(me: &Principal, row: &DossierRow, info: &ArchiveInfo, csrf: &str) -> Markup {
    let reference = row.code.clone().unwrap_or_else(|| row.public_id.clone());
    let actor = staff_acting(me).actor;
    let now = OffsetDateTime::now_utc();
    html! {
        section class="card" id="luu-tru" aria-labelledby="h-archive" {
            h2 id="h-archive" { "Lưu trữ" }
            dl {
                dt { "Thời hạn lưu trữ hồ sơ" }
                dd { (info.retention.retention.label())
                    span class="muted" { @if info.retention.from_procedure { " (theo quy định của thủ tục)" } @else { " (thời hạn mặc định của cơ quan)" } } }
                dt { "Hết thời hạn lưu trữ" }
                dd {
                    @if row.active { "Tính từ ngày hồ sơ kết thúc" }
                    @else if let Some(expires) = info.expires { (timefmt::date(expires.date())) @if info.is_due(now) { " " span class="badge wait" { "đã đến hạn nộp lưu" } } }
                    @else { "Không (bảo quản vĩnh viễn)" }
                }
                dt { "Tình trạng" }
                dd { @match &info.archived {
                    Some((at, by)) => { "Đã nộp lưu trữ ngày " (day(Some(at))) @if !by.is_empty() { " (" (by) " ghi nhận)" } }
                    None => { "Chưa nộp lưu trữ" }
                } }
            }
            @if !row.active {
                p { a href={ "/staff/dossiers/" (reference) "/luu-tru.zip" } { "Tải gói hồ sơ lưu trữ (ZIP)" } }
                @if info.archived.is_none() && service::may_archive(&actor) {
                    form method="post" action={ "/staff/dossiers/" (reference) "/luu-tru" } {
                        (csrf_input(csrf))
                        p class="muted" { "Sau khi nộp gói hồ sơ vào lưu trữ của cơ quan, ghi nhận việc nộp lưu tại đây. Hồ sơ và các tệp vẫn xem được sau khi nộp lưu." }
                        button type="submit" { "Đã nộp lưu" }
                    }
                }
            }
        }
    }
}

/// `GET /staff/dossiers/{ref}/luu-tru.zip`: the archive package, streamed from its temporary file.
async fn download_package(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
    client: Client,
    Path(reference): Path<String>,
) -> Result<Response, PageError> {
    let ctx = client.context(&me.username);
    let built = archive_package::export(
        &state.db,
        state.files.dir.clone(),
        &ctx,
        &staff_acting(&me),
        &reference,
        state.config.archive.default_retention_years,
    )
    .await;
    let package = match built {
        Ok(p) => p,
        Err(ServiceError::Refused(code)) => {
            return problem(
                &state,
                &me,
                &reference,
                "Chưa tải được gói hồ sơ lưu trữ",
                code,
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    };
    let stream = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(package.file));
    let mut response = attachment(
        "application/zip",
        &package.file_name,
        axum::body::Body::from_stream(stream),
    );
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, package.size.into());
    Ok(response)
}

/// `POST /staff/dossiers/{ref}/luu-tru`: "Đã nộp lưu".
async fn submit_archived(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
    client: Client,
    Path(reference): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    let ctx = client.context(&me.username);
    let done = service::mark_archived(
        &state.db,
        &ctx,
        &staff_acting(&me),
        &reference,
        state.config.archive.default_retention_years,
        None,
    )
    .await;
    match done {
        Ok(row) => {
            let reference = row.code.unwrap_or(row.public_id);
            Ok(Redirect::to(&format!(
                "/staff/dossiers/{reference}?done=archived#luu-tru"
            ))
            .into_response())
        }
        Err(ServiceError::Refused(code)) => {
            problem(
                &state,
                &me,
                &reference,
                "Chưa ghi nhận được việc nộp lưu",
                code,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// Why the package or the hand-over did not happen, with the way back to the dossier (409).
async fn problem(
    state: &AppState,
    me: &Principal,
    reference: &str,
    title: &str,
    code: &'static str,
) -> Result<Response, PageError> {
    let office = state.db.read(settings::get_office).await?;
    let body = html! {
        h1 { (title) }
        div class="alert error" role="alert" { (refusal_message(code)) }
        p { a href={ "/staff/dossiers/" (reference) } { "Quay lại hồ sơ" } }
    };
    let markup = page(
        &PageContext {
            office: &office,
            staff: Some((me, csrf_token(&state.mac, &me.token))),
            citizen: None,
        },
        title,
        body,
    );
    Ok((StatusCode::CONFLICT, markup).into_response())
}
