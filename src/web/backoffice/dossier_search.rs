//! Web layer: dossier search for staff (`/staff/tim-kiem`): one box for a code, an ID number, a name or any words
//! from the form or the documents (accents optional), filters by status, unit, channel, period and overdue, and
//! each hit with the fragment that matched and the document it came from. Only what the person may see is listed.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use time::{OffsetDateTime, PrimitiveDateTime, Time};

use crate::domain::FieldErrors;
use crate::domain::calendar::from_local;
use crate::domain::dossier::Status;
use crate::domain::role::Role;
use crate::search::SnippetSource;
use crate::services::dossier_search::{self, DossierSearch, DossierSearchResult};
use crate::store::{StoreError, org, settings};
use crate::web::error::PageError;
use crate::web::extract::{StaffSession, staff_acting};
use crate::web::session::csrf_token;
use crate::web::state::AppState;
use crate::web::ui::dossier::{channel_label, code_text, overdue_flag, short_time, status_badge};
use crate::web::ui::form::error_summary;
use crate::web::ui::layout::{PageContext, page};
use crate::web::ui::messages::field_message;

const PAGE_SIZE: usize = 20;

/// The form as typed; every field optional.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct SearchForm {
    q: String,
    status: String,
    unit: String,
    channel: String,
    from: String,
    to: String,
    overdue: String,
    page: String,
}

impl SearchForm {
    fn is_blank(&self) -> bool {
        [
            &self.q,
            &self.status,
            &self.unit,
            &self.channel,
            &self.from,
            &self.to,
            &self.overdue,
        ]
        .iter()
        .all(|v| v.trim().is_empty())
    }

    fn page(&self) -> usize {
        self.page.trim().parse::<usize>().unwrap_or(1).clamp(1, 500)
    }

    /// The search it asks for, or the fields to correct.
    fn parse(&self) -> Result<DossierSearch, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut day = |field: &str, raw: &str, next_day: bool| -> Option<OffsetDateTime> {
            let raw = raw.trim();
            if raw.is_empty() {
                return None;
            }
            match crate::domain::citizen::parse_date(raw) {
                Some(date) => {
                    let date = if next_day { date.next_day()? } else { date };
                    Some(from_local(PrimitiveDateTime::new(date, Time::MIDNIGHT)))
                }
                None => {
                    errors.add(field, "date.invalid");
                    None
                }
            }
        };
        let from = day("from", &self.from, false);
        let to = day("to", &self.to, true);
        if let (Some(f), Some(t)) = (from, to)
            && f >= t
        {
            errors.add("to", "report.period_reversed");
        }
        let status = self
            .status
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|s| (1..=10).contains(s));
        let channel = self
            .channel
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|c| (1..=3).contains(c));
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(DossierSearch {
            text: self.q.trim().chars().take(200).collect(),
            status,
            unit: Some(self.unit.trim().to_owned()).filter(|u| !u.is_empty()),
            channel,
            from,
            to,
            overdue: self.overdue == "1",
            offset: (self.page() - 1) * PAGE_SIZE,
            limit: PAGE_SIZE,
        })
    }

    /// This search on another page, as a query string.
    fn page_link(&self, page: usize) -> String {
        let page = page.to_string();
        let pairs = [
            ("q", self.q.as_str()),
            ("status", &self.status),
            ("unit", &self.unit),
            ("channel", &self.channel),
            ("from", &self.from),
            ("to", &self.to),
            ("overdue", &self.overdue),
            ("page", &page),
        ];
        let kept: Vec<(&str, &str)> = pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        format!(
            "/staff/tim-kiem?{}",
            serde_urlencoded::to_string(kept).unwrap_or_default()
        )
    }
}

pub(super) async fn show(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
    Query(form): Query<SearchForm>,
) -> Result<Response, PageError> {
    let acting = staff_acting(&me);
    if dossier_search::visibility(&acting.actor).is_none()
        || me.roles.iter().all(|r| *r == Role::Admin)
    {
        return Err(PageError::Service(crate::services::ServiceError::Forbidden));
    }
    let (office, units) = state
        .db
        .read(|c| Ok::<_, StoreError>((settings::get_office(c)?, org::list_units(c)?)))
        .await?;
    let now = OffsetDateTime::now_utc();
    let (status, errors, found) = if form.is_blank() {
        (StatusCode::OK, FieldErrors::new(), None)
    } else {
        match form.parse() {
            Ok(search) => {
                let found = dossier_search::find(
                    &state.db,
                    &state.dossier_search,
                    &state.search_slots,
                    &acting,
                    search,
                    now,
                )
                .await?;
                (StatusCode::OK, FieldErrors::new(), Some(found))
            }
            Err(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors, None),
        }
    };
    let body = html! {
        h1 { "Tìm kiếm hồ sơ" }
        (error_summary(&errors))
        (search_form(&form, &units, &errors))
        @if let Some(found) = &found { (results(&form, found, now)) }
    };
    let markup = page(
        &PageContext {
            office: &office,
            staff: Some((&me, csrf_token(&state.mac, &me.token))),
            citizen: None,
        },
        "Tìm kiếm hồ sơ",
        body,
    );
    Ok((status, markup).into_response())
}

fn search_form(form: &SearchForm, units: &[org::Unit], errors: &FieldErrors) -> Markup {
    let error = |field: &str| errors.first(field).map(field_message);
    html! {
        form method="get" action="/staff/tim-kiem" role="search" {
            div class="field" {
                label for="q" { "Từ khoá" }
                input id="q" name="q" type="search" value=(form.q) autocomplete="off"
                    aria-describedby="q-help";
                p class="muted" id="q-help" { "Mã hồ sơ, số định danh, tên người nộp, tên thủ tục hoặc bất kỳ câu chữ nào trong tờ khai và giấy tờ đã số hoá; gõ có dấu hay không dấu đều được." }
            }
            div class="filters" {
                div class="field" {
                    label for="status" { "Trạng thái" }
                    select id="status" name="status" {
                        option value="" { "Tất cả" }
                        @for s in Status::ALL {
                            option value=(s.code()) selected[form.status == s.code().to_string()] { (s.name()) }
                        }
                    }
                }
                div class="field" {
                    label for="unit" { "Đơn vị đang giữ" }
                    select id="unit" name="unit" {
                        option value="" { "Tất cả" }
                        @for u in units { option value=(u.code) selected[form.unit == u.code] { (u.name) } }
                    }
                }
                div class="field" {
                    label for="channel" { "Hình thức nộp" }
                    select id="channel" name="channel" {
                        option value="" { "Tất cả" }
                        @for c in 1..=3_i64 { option value=(c) selected[form.channel == c.to_string()] { (channel_label(c)) } }
                    }
                }
                div class="field" {
                    label for="from" { "Tiếp nhận từ ngày" }
                    input id="from" name="from" type="date" value=(form.from) aria-invalid=[error("from").map(|_| "true")];
                    @if let Some(m) = error("from") { p class="error" { (m) } }
                }
                div class="field" {
                    label for="to" { "Đến ngày" }
                    input id="to" name="to" type="date" value=(form.to) aria-invalid=[error("to").map(|_| "true")];
                    @if let Some(m) = error("to") { p class="error" { (m) } }
                }
            }
            p class="check" {
                input id="overdue" name="overdue" type="checkbox" value="1" checked[form.overdue == "1"];
                label for="overdue" { "Chỉ hồ sơ quá hạn" }
            }
            button type="submit" { "Tìm" }
        }
    }
}

fn results(form: &SearchForm, found: &DossierSearchResult, now: OffsetDateTime) -> Markup {
    let page = form.page();
    let pages = found.total.div_ceil(PAGE_SIZE).min(500);
    html! {
        h2 id="h-results" { "Kết quả" }
        p role="status" { @if found.total == 0 { "Không tìm thấy hồ sơ nào phù hợp." }
            @else if found.total_exact { "Tìm thấy " (found.total) " hồ sơ." }
            @else { "Tìm thấy hơn " (found.total) " hồ sơ; hãy thêm từ khoá hoặc điều kiện lọc để thu hẹp." } }
        ol class="results" aria-labelledby="h-results" {
            @for item in &found.items {
                @let r = &item.row;
                li class="result" {
                    p class="title" {
                        a href={ "/staff/dossiers/" (r.code.as_deref().unwrap_or(&r.public_id)) } { code { (code_text(r.code.as_deref())) } }
                        " · " (r.applicant_name)
                    }
                    p { (r.procedure_name) }
                    p class="meta" {
                        (status_badge(r.status)) (overdue_flag(r.status, r.due_at.as_deref(), now))
                        " · " (channel_label(r.channel))
                        @if r.due_at.is_some() { " · hạn " (short_time(r.due_at.as_deref())) }
                    }
                    @if !item.snippet_html.is_empty() {
                        p class="snippet" {
                            span class="meta" { (source_label(&item.snippet_source)) }
                            " … " (PreEscaped(&item.snippet_html)) " …"
                        }
                    }
                }
            }
        }
        @if pages > 1 {
            nav aria-label="Trang kết quả" class="pager" {
                @if page > 1 { a href=(form.page_link(page - 1)) rel="prev" { "← Trang trước" } " " }
                span { "Trang " (page) "/" (pages) }
                @if page < pages { " " a href=(form.page_link(page + 1)) rel="next" { "Trang sau →" } }
            }
        }
    }
}

/// Where the fragment was found, said as an officer would.
fn source_label(source: &SnippetSource) -> String {
    match source {
        SnippetSource::Document { file_name, .. } => format!("Trong tệp «{file_name}»:"),
        SnippetSource::Form => "Trong tờ khai:".to_owned(),
        SnippetSource::Applicant => "Người nộp:".to_owned(),
        SnippetSource::Procedure => "Thủ tục:".to_owned(),
        SnippetSource::None => String::new(),
    }
}
