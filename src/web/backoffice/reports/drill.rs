//! Web layer: the dossiers behind one figure of the processing report (`/staff/bao-cao/ho-so`), 50 to a page, each
//! linked to its dossier page.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use maud::html;

use crate::domain::FieldErrors;
use crate::domain::dossier::Outcome;
use crate::domain::timefmt;
use crate::services::ServiceError;
use crate::services::reports::processing::{self, DrillPage, Figure, ReportQuery};
use crate::store::settings;

use crate::web::error::PageError;
use crate::web::extract::StaffSession;
use crate::web::session::csrf_token;
use crate::web::state::AppState;
use crate::web::ui::dossier::{channel_label, code_text, short_time, status_badge};
use crate::web::ui::layout::{PageContext, page, scroll_table};

use super::{PageParams, scope};

fn outcome_text(row: &processing::DrillRow) -> &'static str {
    row.outcome
        .as_deref()
        .and_then(Outcome::parse)
        .map_or("–", Outcome::label)
}

/// The dossiers behind one figure, with the same filter, 50 to a page.
pub(super) async fn list_dossiers(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
    Query(query): Query<ReportQuery>,
    Query(params): Query<PageParams>,
) -> Result<Response, PageError> {
    let scope = scope(&me)?;
    let mut errors = FieldErrors::new();
    let figure = Figure::parse(&params.figure);
    if figure.is_none() {
        errors.add("figure", "report.figure_unknown");
    }
    let after = match params.sau.as_str() {
        "" => None,
        raw => errors.take(
            "sau",
            raw.parse::<i64>().map_err(|_| "report.cursor_invalid"),
        ),
    };
    let filter = match query.parse(None) {
        Ok(f) => Some(f),
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    let (Some(figure), Some(filter), true) = (figure, filter, errors.is_empty()) else {
        return Err(PageError::Service(ServiceError::Invalid(errors)));
    };
    let DrillPage { rows, next } =
        processing::drill(&state.db, &scope, &filter, figure, after).await?;
    let office = state.db.read(settings::get_office).await?;
    let q = filter.query_string();
    let title = format!("{}: danh sách hồ sơ", figure.label());
    let body = html! {
        p class="crumbs" { a href={ "/staff/bao-cao?" (q) } { "Báo cáo tình hình giải quyết hồ sơ" } " › " (figure.label()) }
        h1 { (figure.label()) }
        p { "Kỳ báo cáo từ ngày " (timefmt::date(filter.period.first)) " đến ngày " (timefmt::date(filter.period.last)) "." }
        @if rows.is_empty() { p class="muted" { "Không có hồ sơ." } } @else {
            (scroll_table(&title, html! {
                table class="queue" {
                    caption class="visually-hidden" { (title) }
                    thead { tr {
                        th scope="col" { "Mã hồ sơ" } th scope="col" { "Thủ tục" } th scope="col" { "Người nộp" }
                        th scope="col" { "Trạng thái" } th scope="col" { "Hình thức" } th scope="col" { "Tiếp nhận" }
                        th scope="col" { "Hạn trả" } th scope="col" { "Kết thúc" } th scope="col" { "Kết quả" }
                        th scope="col" { "Số lần yêu cầu bổ sung" }
                    } }
                    tbody { @for r in &rows { tr data-dossier=(r.code.as_deref().unwrap_or(&r.public_id)) {
                        td data-label="Mã hồ sơ" { a href={ "/staff/dossiers/" (r.code.as_deref().unwrap_or(&r.public_id)) } { code { (code_text(r.code.as_deref())) } } }
                        td data-label="Thủ tục" { (r.procedure_name) }
                        td data-label="Người nộp" { (r.applicant_name) }
                        td data-label="Trạng thái" { (status_badge(r.status)) }
                        td data-label="Hình thức" { (channel_label(r.channel)) }
                        td data-label="Tiếp nhận" { (short_time(r.received_at.as_deref())) }
                        td data-label="Hạn trả" { (short_time(r.due_at.as_deref())) }
                        td data-label="Kết thúc" { (short_time(r.finished_at.as_deref())) }
                        td data-label="Kết quả" { (outcome_text(r)) }
                        td data-label="Số lần yêu cầu bổ sung" { (r.supplement_requests) }
                    } } }
                }
            }))
        }
        @if let Some(next) = next {
            nav class="pager" aria-label="Phân trang" {
                a rel="next" href={ "/staff/bao-cao/ho-so?figure=" (figure.key()) "&" (q) "&sau=" (next) } { "Trang sau" }
            }
        }
    };
    let context = PageContext {
        office: &office,
        staff: Some((&me, csrf_token(&state.mac, &me.token))),
        citizen: None,
    };
    Ok(page(&context, &title, body).into_response())
}
