//! Web admin page for the working-day calendar: a year's days off, the days administrators decided and the office
//! hours. Deadlines are computed on this calendar (services::calendar), so the Prime Minister's yearly decisions on
//! swapped days only take effect once they are entered here.

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use time::{Date, OffsetDateTime, Weekday};

use crate::domain::FieldErrors;
use crate::domain::calendar::{DayOverride, WorkCalendar, to_local};
use crate::domain::lunar::SUPPORTED_YEARS;
use crate::domain::timefmt;
use crate::services::ServiceError;
use crate::services::auth::Principal;
use crate::services::calendar::{self as service, parse_day};
use crate::store::calendar::{self as days, CalendarDay};
use crate::store::{StoreError, settings};

use super::super::error::PageError;
use super::super::extract::{AdminSession, Client, CsrfForm, NoFields};
use super::super::session::csrf_token;
use super::super::state::AppState;
use super::super::ui::form::{Field, csrf_input, error_summary, field};
use super::super::ui::layout::{PageContext, page, scroll_table};
use super::super::ui::messages::field_message;

const BASE: &str = "/admin/calendar";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(BASE, get(show_calendar))
        .route("/admin/calendar/days", post(update_day))
        .route("/admin/calendar/days/{day}/delete", post(delete_day))
        .route("/admin/calendar/hours", post(update_hours))
}

#[derive(serde::Deserialize, Default)]
struct CalendarQuery {
    year: Option<String>,
    edit: Option<String>,
    saved: Option<String>,
    deleted: Option<String>,
    hours: Option<String>,
}

/// The day form as posted; `year` is the year the page showed, so a refused form comes back on it.
#[derive(serde::Deserialize, Default, Clone)]
struct DayForm {
    #[serde(default)]
    day: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    year: String,
}

#[derive(serde::Deserialize, Default)]
struct HoursForm {
    #[serde(default)]
    office_hours: String,
    #[serde(default)]
    year: String,
}

/// What one rendering of the page shows besides the stored data: the forms' values, their errors and a notice.
struct View {
    year: i32,
    day: DayForm,
    day_errors: FieldErrors,
    hours: Option<String>,
    hours_errors: FieldErrors,
    notice: Option<String>,
}

impl View {
    fn new(year: i32) -> Self {
        Self {
            year,
            day: DayForm {
                kind: DayOverride::Off.as_str().to_owned(),
                ..DayForm::default()
            },
            day_errors: FieldErrors::new(),
            hours: None,
            hours_errors: FieldErrors::new(),
            notice: None,
        }
    }
}

/// The year in office time now: at 23:30 UTC on 31 December it is already the next year in Hà Nội.
fn this_year() -> i32 {
    to_local(OffsetDateTime::now_utc()).year()
}

/// A year from the address or a form; anything unreadable, or outside the years the lunar holidays are known
/// for, shows the current year rather than a calendar without Tết.
fn pick_year(raw: Option<&str>) -> i32 {
    raw.and_then(|text| text.trim().parse::<i32>().ok())
        .filter(|year| SUPPORTED_YEARS.contains(year))
        .unwrap_or_else(this_year)
}

fn weekday_name(day: Date) -> &'static str {
    match day.weekday() {
        Weekday::Monday => "Thứ Hai",
        Weekday::Tuesday => "Thứ Ba",
        Weekday::Wednesday => "Thứ Tư",
        Weekday::Thursday => "Thứ Năm",
        Weekday::Friday => "Thứ Sáu",
        Weekday::Saturday => "Thứ Bảy",
        Weekday::Sunday => "Chủ nhật",
    }
}

fn kind_label(kind: &str) -> &'static str {
    match DayOverride::parse(kind) {
        Ok(DayOverride::Work) => "Ngày làm việc bù",
        _ => "Ngày nghỉ",
    }
}

/// `2027-02-05` as `05/02/2027`, or the stored text itself if it is not a date.
fn shown(day: &str) -> String {
    parse_day(day).map_or_else(|_| day.to_owned(), timefmt::date)
}

fn days_off_table(year: i32, calendar: &WorkCalendar, notes: &BTreeMap<Date, &str>) -> Markup {
    let days_off = calendar.days_off_in(year);
    html! {
        @if days_off.is_empty() {
            p { "Không có ngày nghỉ nào ngoài thứ Bảy, Chủ nhật." }
        } @else {
            (scroll_table(&format!("Ngày nghỉ năm {year}"), html! { table {
                thead { tr { th scope="col" { "Ngày" } th scope="col" { "Thứ" } th scope="col" { "Lý do" } } }
                tbody { @for (date, name) in &days_off { tr {
                    td { (timefmt::date(*date)) }
                    td { (weekday_name(*date)) }
                    td { (name) @if let Some(note) = notes.get(date).filter(|n| !n.is_empty()) { " (" (note) ")" } }
                } } }
            } }))
        }
    }
}

fn overrides_table(year: i32, rows: &[&CalendarDay], csrf: &str) -> Markup {
    html! {
        @if rows.is_empty() {
            p { "Chưa nhập ngày nào cho năm " (year) "." }
        } @else {
            (scroll_table(&format!("Ngày điều chỉnh năm {year}"), html! { table {
                thead { tr {
                    th scope="col" { "Ngày" } th scope="col" { "Thứ" } th scope="col" { "Loại" }
                    th scope="col" { "Ghi chú" } th scope="col" { "Thao tác" }
                } }
                tbody { @for d in rows { tr {
                    td { (shown(&d.day)) }
                    td { (parse_day(&d.day).map_or("", weekday_name)) }
                    td { span class={ "badge " @if d.kind == "work" { "good" } @else { "bad" } } { (kind_label(&d.kind)) } }
                    td { (d.note) }
                    td {
                        a href={ (BASE) "?year=" (year) "&edit=" (d.day) "#day-form" } { "Sửa" span class="skip" { " ngày " (shown(&d.day)) } }
                        " "
                        form method="post" action={ (BASE) "/days/" (d.day) "/delete" } class="inline" {
                            (csrf_input(csrf))
                            button type="submit" class="secondary" { "Xóa" span class="skip" { " ngày " (shown(&d.day)) } }
                        }
                    }
                } } }
            } }))
        }
    }
}

fn day_form(view: &View, csrf: &str) -> Markup {
    let form = &view.day;
    let errors = &view.day_errors;
    let kind_error = errors.first("kind").map(field_message);
    html! {
        h2 id="day-form" { "Thêm hoặc sửa một ngày" }
        (error_summary(errors))
        form method="post" action={ (BASE) "/days" } class="card" aria-labelledby="day-form" novalidate {
            (csrf_input(csrf))
            input type="hidden" name="year" value=(view.year);
            (field(&Field { name: "day", label: "Ngày", kind: "date", value: &form.day, autocomplete: "off", required: true }, errors))
            div class={ "field" @if kind_error.is_some() { " has-error" } } {
                label for="f-kind" { "Loại ngày" }
                select id="f-kind" name="kind" aria-invalid=[kind_error.map(|_| "true")]
                    aria-describedby=[kind_error.map(|_| "f-kind-error")] {
                    @for kind in [DayOverride::Off, DayOverride::Work] {
                        option value=(kind.as_str()) selected[form.kind == kind.as_str()] { (kind_label(kind.as_str())) }
                    }
                }
                @if let Some(message) = kind_error { p class="error" id="f-kind-error" { (message) } }
            }
            (field(&Field { name: "note", label: "Ghi chú (ví dụ: số quyết định của Thủ tướng Chính phủ)", kind: "text", value: &form.note, autocomplete: "off", required: false }, errors))
            p class="muted" {
                "Ngày làm việc bù là thứ Bảy hoặc ngày nghỉ được đổi thành ngày làm việc. "
                "Nhập lại một ngày đã có để đổi loại hoặc ghi chú."
            }
            button type="submit" { "Lưu ngày" }
        }
    }
}

fn hours_form(view: &View, calendar: &WorkCalendar, csrf: &str) -> Markup {
    let current = calendar.hours().to_string();
    let value = view.hours.as_deref().unwrap_or(&current);
    let minutes = calendar.hours().minutes_per_day();
    html! {
        h2 id="hours-form" { "Giờ làm việc" }
        (error_summary(&view.hours_errors))
        form method="post" action={ (BASE) "/hours" } class="card" aria-labelledby="hours-form" novalidate {
            (csrf_input(csrf))
            input type="hidden" name="year" value=(view.year);
            p class="muted" {
                "Các buổi làm việc trong ngày theo giờ Việt Nam, cách nhau bằng dấu phẩy, ví dụ "
                code { "07:30-11:30,13:00-17:00" } ". Hiện nay mỗi ngày làm việc "
                (minutes / 60) " giờ" @if minutes % 60 != 0 { " " (minutes % 60) " phút" } "."
            }
            (field(&Field { name: "office_hours", label: "Giờ làm việc", kind: "text", value, autocomplete: "off", required: true }, &view.hours_errors))
            button type="submit" { "Lưu giờ làm việc" }
        }
    }
}

async fn calendar_page(state: &AppState, me: &Principal, view: View) -> Result<Markup, PageError> {
    let (office, calendar, overrides) = state
        .db
        .read(|c| {
            Ok::<_, StoreError>((settings::get_office(c)?, service::load(c)?, days::list(c)?))
        })
        .await?;
    let year = view.year;
    let prefix = format!("{year}-");
    let of_year: Vec<&CalendarDay> = overrides
        .iter()
        .filter(|d| d.day.starts_with(&prefix))
        .collect();
    let notes: BTreeMap<Date, &str> = of_year
        .iter()
        .filter_map(|d| Some((parse_day(&d.day).ok()?, d.note.as_str())))
        .collect();
    let csrf = csrf_token(&state.mac, &me.token);
    let body = html! {
        h1 { "Lịch làm việc" }
        p {
            "Hạn giải quyết hồ sơ được tính theo lịch và giờ làm việc dưới đây, nên các ngày nghỉ, ngày làm việc bù "
            "theo quyết định hằng năm của Thủ tướng Chính phủ phải được nhập tại trang này."
        }
        @if let Some(text) = &view.notice { div class="alert ok" role="status" { (text) } }
        form method="get" action=(BASE) class="search-row" aria-label="Chọn năm" {
            label for="f-year" class="visually-hidden" { "Năm" }
            input id="f-year" name="year" type="number" inputmode="numeric"
                min=(SUPPORTED_YEARS.start()) max=(SUPPORTED_YEARS.end()) value=(year);
            button type="submit" class="secondary" { "Xem năm" }
        }
        nav class="pager" aria-label="Năm khác" {
            a href={ (BASE) "?year=" (year - 1) } { "‹ Năm " (year - 1) }
            a href={ (BASE) "?year=" (year + 1) } { "Năm " (year + 1) " ›" }
        }
        h2 { "Ngày nghỉ năm " (year) }
        p class="muted" { "Không kể thứ Bảy, Chủ nhật; gồm ngày lễ, Tết theo Bộ luật Lao động, ngày nghỉ bù và ngày nghỉ đã nhập." }
        (days_off_table(year, &calendar, &notes))
        h2 { "Ngày điều chỉnh năm " (year) }
        (overrides_table(year, &of_year, &csrf))
        (day_form(&view, &csrf))
        (hours_form(&view, &calendar, &csrf))
    };
    let ctx = PageContext {
        office: &office,
        staff: Some((me, csrf.clone())),
        citizen: None,
    };
    Ok(page(&ctx, "Lịch làm việc", body))
}

async fn show_calendar(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    Query(q): Query<CalendarQuery>,
) -> Result<Markup, PageError> {
    let mut view = View::new(pick_year(q.year.as_deref()));
    if let Some(edit) = q.edit {
        let found = state
            .db
            .read(days::list)
            .await?
            .into_iter()
            .find(|d| d.day == edit)
            .ok_or(ServiceError::NotFound)?;
        view.day = DayForm {
            day: found.day,
            kind: found.kind,
            note: found.note,
            year: String::new(),
        };
    }
    view.notice = match (q.saved, q.deleted, q.hours) {
        (Some(day), _, _) => Some(format!("Đã lưu ngày {}.", shown(&day))),
        (_, Some(day), _) => Some(format!("Đã xóa điều chỉnh của ngày {}.", shown(&day))),
        (_, _, Some(_)) => Some("Đã lưu giờ làm việc.".to_owned()),
        _ => None,
    };
    calendar_page(&state, &me, view).await
}

async fn update_day(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    CsrfForm(form): CsrfForm<DayForm>,
) -> Result<Response, PageError> {
    let ctx = client.context(&me.username);
    match service::set_day(&state.db, &ctx, &form.day, &form.kind, &form.note).await {
        Ok(()) => {
            let day = parse_day(&form.day).map_err(|c| ServiceError::field("day", c))?;
            let to = format!("{BASE}?year={}&saved={day}", day.year());
            Ok(Redirect::to(&to).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            let mut view = View::new(pick_year(Some(&form.year)));
            view.day = form;
            view.day_errors = errors;
            let html = calendar_page(&state, &me, view).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn delete_day(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    Path(day): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    service::remove_day(&state.db, &client.context(&me.username), &day).await?;
    let day = parse_day(&day).map_err(|c| ServiceError::field("day", c))?;
    let to = format!("{BASE}?year={}&deleted={day}", day.year());
    Ok(Redirect::to(&to).into_response())
}

async fn update_hours(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    CsrfForm(form): CsrfForm<HoursForm>,
) -> Result<Response, PageError> {
    let year = pick_year(Some(&form.year));
    let ctx = client.context(&me.username);
    match service::set_office_hours(&state.db, &ctx, &form.office_hours).await {
        Ok(()) => Ok(Redirect::to(&format!("{BASE}?year={year}&hours=saved")).into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let mut view = View::new(year);
            view.hours = Some(form.office_hours);
            view.hours_errors = errors;
            let html = calendar_page(&state, &me, view).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
