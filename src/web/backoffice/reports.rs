//! Web layer: the processing report for leaders, one-stop officers and unit heads (`/staff/bao-cao`): the filter
//! form, the report with every figure linked to the dossiers behind it, a breakdown by unit or procedure on
//! request, a print view, and the same numbers as XLSX and CSV downloads.

mod drill;
mod export;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;
use time::OffsetDateTime;

use crate::domain::FieldErrors;
use crate::domain::calendar::to_local;
use crate::domain::dossier::Channel;
use crate::services::ServiceError;
use crate::services::auth::Principal;
use crate::services::reports::processing::{
    self, Breakdown, Figure, Grouping, ProcessingReport, ReportFilter, ReportQuery,
};
use crate::services::reports::{ReportScope, scope_of};
use crate::store::{StoreError, catalogue, org, settings};

use crate::web::download::attachment;
use crate::web::error::PageError;
use crate::web::extract::{StaffSession, staff_acting};
use crate::web::session::csrf_token;
use crate::web::state::AppState;
use crate::web::ui::form::error_summary;
use crate::web::ui::layout::{PageContext, page, scroll_table};
use crate::web::ui::messages::field_message;

use export::{COLUMNS, Cell, DAYS_HEADER, ON_TIME_HEADER, RATES, Table, decimal_text};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/bao-cao", get(show_report))
        .route("/staff/bao-cao.xlsx", get(download_xlsx))
        .route("/staff/bao-cao.csv", get(download_csv))
        .route("/staff/bao-cao/ho-so", get(drill::list_dossiers))
}

/// The page's own parameters beside the filter: the breakdown (`theo=unit|procedure`), the print view (`in=1`),
/// and for the drill-down the figure and the keyset position.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PageParams {
    theo: String,
    #[serde(rename = "in")]
    print: String,
    figure: String,
    sau: String,
}

/// The reader's report scope, or 403 for roles without report rights.
fn scope(me: &Principal) -> Result<ReportScope, PageError> {
    scope_of(&staff_acting(me).actor).ok_or(PageError::Service(ServiceError::Forbidden))
}

/// The current month up to today, in office time: what the page shows before anything is chosen.
fn this_month() -> (time::Date, time::Date) {
    let today = to_local(OffsetDateTime::now_utc()).date();
    (today.replace_day(1).unwrap_or(today), today)
}

/// What the filter form offers: agencies, units, sectors and procedures by code and name.
struct Choices {
    agencies: Vec<(String, String)>,
    units: Vec<(String, String)>,
    sectors: Vec<(String, String)>,
    procedures: Vec<(String, String)>,
}

async fn choices(state: &AppState) -> Result<(settings::OfficeInfo, Choices), PageError> {
    Ok(state
        .db
        .read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT v.procedure_code, v.name FROM procedure_versions v
                 WHERE v.version = (SELECT max(w.version) FROM procedure_versions w
                                    WHERE w.procedure_code = v.procedure_code)
                 ORDER BY v.sort_key",
            )?;
            let procedures = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok::<_, StoreError>((
                settings::get_office(c)?,
                Choices {
                    agencies: org::list_agencies(c)?
                        .into_iter()
                        .map(|a| (a.code, a.name))
                        .collect(),
                    units: org::list_units(c)?
                        .into_iter()
                        .map(|u| (u.code, u.name))
                        .collect(),
                    sectors: catalogue::list_sectors(c)?
                        .into_iter()
                        .map(|s| (s.code, s.name))
                        .collect(),
                    procedures,
                },
            ))
        })
        .await?)
}

fn name_in<'a>(list: &'a [(String, String)], code: &'a str) -> &'a str {
    list.iter()
        .find(|(c, _)| c == code)
        .map_or(code, |(_, n)| n.as_str())
}

/// The filters in force as (label, value) lines for the report heading and the exports.
fn filter_lines(filter: &ReportFilter, scope: &ReportScope, c: &Choices) -> Vec<(String, String)> {
    let named = |code: &str, list: &[(String, String)]| format!("{code} – {}", name_in(list, code));
    let unit = match scope {
        ReportScope::Unit(own) => Some(own.clone()),
        ReportScope::Office => filter.unit.clone(),
    };
    let mut lines = Vec::new();
    let mut push = |label: &str, value: Option<String>| {
        if let Some(v) = value {
            lines.push((label.to_owned(), v));
        }
    };
    push(
        "Cơ quan",
        filter.agency.as_deref().map(|a| named(a, &c.agencies)),
    );
    push("Đơn vị", unit.as_deref().map(|u| named(u, &c.units)));
    push(
        "Lĩnh vực",
        filter.sector.as_deref().map(|s| named(s, &c.sectors)),
    );
    push(
        "Thủ tục",
        filter.procedure.as_deref().map(|p| named(p, &c.procedures)),
    );
    push(
        "Hình thức nộp",
        filter.channel.map(|ch| ch.label().to_owned()),
    );
    lines
}

/// Everything a report view needs, or the form's errors.
struct Loaded {
    office: settings::OfficeInfo,
    choices: Choices,
    scope: ReportScope,
    outcome: Result<(ProcessingReport, Option<Breakdown>), FieldErrors>,
}

async fn load(
    state: &AppState,
    me: &Principal,
    query: &ReportQuery,
    params: &PageParams,
) -> Result<Loaded, PageError> {
    let scope = scope(me)?;
    let (office, choices) = choices(state).await?;
    let grouping = Grouping::parse(&params.theo);
    let outcome = match query.parse(Some(this_month())) {
        Err(errors) => Err(errors),
        Ok(filter) => {
            let loaded = async {
                Ok::<_, ServiceError>(match grouping {
                    Some(g) => {
                        let (report, b) =
                            processing::breakdown(&state.db, &scope, filter, g).await?;
                        (report, Some(b))
                    }
                    None => (
                        processing::processing_report(&state.db, &scope, filter).await?,
                        None,
                    ),
                })
            };
            match loaded.await {
                Ok(done) => Ok(done),
                Err(ServiceError::Invalid(errors)) => Err(errors),
                Err(e) => return Err(e.into()),
            }
        }
    };
    Ok(Loaded {
        office,
        choices,
        scope,
        outcome,
    })
}

fn tables(loaded: &Loaded, report: &ProcessingReport, breakdown: Option<&Breakdown>) -> Vec<Table> {
    let lines = filter_lines(&report.filter, &loaded.scope, &loaded.choices);
    let mut tables = vec![export::summary(report, &lines)];
    if let Some(b) = breakdown {
        tables.push(export::breakdown(report, b));
    }
    tables
}

fn link(report: &ProcessingReport, figure: Figure, extra: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(&str, String)> = vec![("figure", figure.key().to_owned())];
    for (key, value) in report.filter.to_query() {
        if !extra.iter().any(|(k, _)| *k == key) {
            pairs.push((key, value));
        }
    }
    pairs.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
    format!(
        "/staff/bao-cao/ho-so?{}",
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    )
}

fn select(name: &str, label: &str, list: &[(String, String)], chosen: &str, all: &str) -> Markup {
    let id = format!("f-{name}");
    html! {
        div class="field" {
            label for=(id) { (label) }
            select id=(id) name=(name) {
                option value="" { (all) }
                @for (code, text) in list {
                    option value=(code) selected[code.as_str() == chosen] { (text) " (" (code) ")" }
                }
            }
        }
    }
}

fn filter_form(
    query: &ReportQuery,
    params: &PageParams,
    loaded: &Loaded,
    errors: &FieldErrors,
) -> Markup {
    let (first, last) = this_month();
    let date = |name: &str, label: &str, value: &str, default: time::Date| {
        let id = format!("f-{name}");
        let error = errors.first(name).map(field_message);
        let value = if value.is_empty() {
            default.to_string()
        } else {
            value.to_owned()
        };
        html! {
            div class={ "field" @if error.is_some() { " has-error" } } {
                label for=(id) { (label) }
                input id=(id) name=(name) type="date" value=(value) required
                    aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| format!("{id}-error"))];
                @if let Some(m) = error { p class="error" id={ (id) "-error" } { (m) } }
            }
        }
    };
    let channels: Vec<(String, String)> = Channel::ALL
        .iter()
        .map(|c| (c.code().to_string(), c.label().to_owned()))
        .collect();
    let c = &loaded.choices;
    html! {
        form method="get" action="/staff/bao-cao" class="card" aria-label="Điều kiện báo cáo" {
            div class="filters" {
                (date("from", "Từ ngày", &query.from, first))
                (date("to", "Đến ngày", &query.to, last))
                (select("agency", "Cơ quan", &c.agencies, &query.agency, "Tất cả cơ quan"))
                @match &loaded.scope {
                    ReportScope::Unit(own) => div class="field" {
                        span class="label" { "Đơn vị: " } strong { (name_in(&c.units, own)) }
                    },
                    ReportScope::Office => (select("unit", "Đơn vị xử lý", &c.units, &query.unit, "Tất cả đơn vị")),
                }
                (select("sector", "Lĩnh vực", &c.sectors, &query.sector, "Tất cả lĩnh vực"))
                (select("procedure", "Thủ tục", &c.procedures, &query.procedure, "Tất cả thủ tục"))
                (select("channel", "Hình thức nộp", &channels, &query.channel, "Tất cả hình thức"))
                div class="field" {
                    label for="f-theo" { "Bảng chi tiết" }
                    select id="f-theo" name="theo" {
                        option value="" { "Không" }
                        option value="unit" selected[params.theo == "unit"] { "Theo đơn vị xử lý" }
                        option value="procedure" selected[params.theo == "procedure"] { "Theo thủ tục (kèm thời gian giải quyết trung bình)" }
                    }
                }
            }
            button type="submit" { "Xem báo cáo" }
        }
    }
}

fn summary_tables(report: &ProcessingReport, links: bool) -> Markup {
    let rates = report.counts.rates();
    let caption = format!(
        "Tình hình tiếp nhận và giải quyết hồ sơ {}",
        export::period_text(report)
    );
    html! {
        (scroll_table(&caption, html! {
            table class="report control" {
                caption { (caption) }
                thead { tr { th scope="col" { "Chỉ tiêu" } th scope="col" { "Số hồ sơ" } } }
                tbody { @for f in Figure::ALL { tr {
                    th scope="row" class=[f.is_part().then_some("part")] { @if f.is_part() { "– " } (f.label()) }
                    td data-figure=(f.key()) {
                        @if links { a href=(link(report, f, &[])) aria-label={ (f.label()) ": " (report.counts.get(f)) " hồ sơ, xem danh sách" } { (report.counts.get(f)) } }
                        @else { (report.counts.get(f)) }
                    }
                } } }
            }
        }))
        (scroll_table("Các tỷ lệ theo Quyết định 766/QĐ-TTg", html! {
            table class="report control" {
                caption { "Các tỷ lệ theo Quyết định 766/QĐ-TTg" }
                thead { tr { th scope="col" { "Tỷ lệ" } th scope="col" { "Giá trị (%)" } } }
                tbody { @for r in &RATES { tr {
                    th scope="row" { (r.label) }
                    td data-rate=(r.key) { (decimal_text((r.value)(&rates))) }
                } } }
            }
        }))
    }
}

fn breakdown_table(report: &ProcessingReport, b: &Breakdown, links: bool) -> Markup {
    let table = export::breakdown(report, b);
    let by_procedure = b.grouping == Grouping::Procedure;
    let filter_key = if by_procedure { "procedure" } else { "unit" };
    html! {
        (scroll_table(&table.title, html! {
            table class="report register" {
                caption { (table.title) }
                thead { tr { @for h in table.headers.iter().skip(1) { th scope="col" { (h) } } } }
                tbody { @for (i, row) in table.rows.iter().enumerate() {
                    @let key = b.rows.get(i).and_then(|r| r.key.clone());
                    tr {
                        @for (j, cell) in row.iter().enumerate().skip(1) {
                            @if j == 1 {
                                th scope="row" { @if let Cell::Text(t) = cell { (t) } @if let Some(k) = &key { br; span class="muted" { (k) } } }
                            } @else {
                                td {
                                    @match cell {
                                        Cell::Count(n) => {
                                            @let figure = COLUMNS.get(j - 2).copied();
                                            @match (links, figure, &key) {
                                                (true, Some(f), Some(k)) => a href=(link(report, f, &[(filter_key, k.as_str())])) { (n) },
                                                (true, Some(f), None) if i == b.rows.len() => a href=(link(report, f, &[])) { (n) },
                                                _ => (n),
                                            }
                                        },
                                        Cell::Decimal(v) => (decimal_text(*v)),
                                        Cell::Text(t) => (t),
                                    }
                                }
                            }
                        }
                    }
                } }
            }
        }))
        @if by_procedure {
            p class="muted" { (DAYS_HEADER) ": thời gian làm việc từ khi tiếp nhận đến khi có kết quả, tính theo lịch làm việc của cơ quan (8 giờ một ngày), gồm cả thời gian chờ người nộp bổ sung hoặc nộp phí. " (ON_TIME_HEADER) " tính trên số đã giải quyết." }
        }
    }
}

async fn show_report(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
    Query(query): Query<ReportQuery>,
    Query(params): Query<PageParams>,
) -> Result<Response, PageError> {
    let loaded = load(&state, &me, &query, &params).await?;
    let (report, breakdown) = match &loaded.outcome {
        Ok((r, b)) => (Some(r), b.as_ref()),
        Err(_) => (None, None),
    };
    if let (Some(report), "1") = (report, params.print.as_str()) {
        return Ok(print_view(&loaded, report, breakdown).into_response());
    }
    let errors = loaded.outcome.as_ref().err().cloned().unwrap_or_default();
    let body = html! {
        h1 { "Báo cáo tình hình giải quyết hồ sơ" }
        (error_summary(&errors))
        (filter_form(&query, &params, &loaded, &errors))
        @if let Some(report) = report {
            @let q = report.filter.query_string();
            @let theo = if params.theo.is_empty() { String::new() } else { format!("&theo={}", params.theo) };
            @for (label, value) in filter_lines(&report.filter, &loaded.scope, &loaded.choices) {
                p class="muted" { (label) ": " (value) }
            }
            p class="actions" {
                a class="button secondary" href={ "/staff/bao-cao?" (q) (theo) "&in=1" } { "Bản in" } " "
                a class="button secondary" href={ "/staff/bao-cao.xlsx?" (q) (theo) } { "Tải tệp Excel (.xlsx)" } " "
                a class="button secondary" href={ "/staff/bao-cao.csv?" (q) (theo) } { "Tải tệp CSV" }
            }
            (summary_tables(report, true))
            @if let Some(b) = breakdown {
                h2 { @if b.grouping == Grouping::Unit { "Theo đơn vị xử lý" } @else { "Theo thủ tục" } }
                @if b.rows.is_empty() { p class="muted" { "Không có hồ sơ trong kỳ." } } @else { (breakdown_table(report, b, true)) }
            }
            p class="muted" { "Số liệu tính trực tiếp từ hồ sơ tại thời điểm xem. Hồ sơ quá hạn: đã qua thời hạn hẹn trả mà chưa có kết quả; hồ sơ yêu cầu bổ sung quá một lần được tính là giải quyết quá hạn (Quyết định 766/QĐ-TTg)." }
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let context = PageContext {
        office: &loaded.office,
        staff: Some((&me, csrf_token(&state.mac, &me.token))),
        citizen: None,
    };
    Ok((
        status,
        page(&context, "Báo cáo tình hình giải quyết hồ sơ", body),
    )
        .into_response())
}

/// The report on an A4 landscape sheet, with the office's name and the date it was printed.
fn print_view(loaded: &Loaded, report: &ProcessingReport, breakdown: Option<&Breakdown>) -> Markup {
    let today = to_local(OffsetDateTime::now_utc()).date();
    let title = "Báo cáo tình hình giải quyết hồ sơ";
    let back = format!("/staff/bao-cao?{}", report.filter.query_string());
    html! {
        (DOCTYPE)
        html lang="vi" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – motcua" }
                link rel="stylesheet" href="/assets/css/print.css";
                script src="/assets/js/print.js" defer {}
            }
            body class="print paper-a4" {
                nav class="toolbar" aria-label="Thanh công cụ in" {
                    a href=(back) { "← Về trang báo cáo" }
                    button type="button" class="print-button" data-print hidden { "In báo cáo" }
                    span class="hint" { "Nhấn Ctrl+P (trên máy Mac: ⌘+P) để in, khổ A4 ngang." }
                }
                main id="main" {
                    div class="sheet-scroll" tabindex="0" role="region" aria-label=(title) {
                        div class="sheet" {
                            p class="strong" { (loaded.office.office_name) }
                            p class="form-title" { "BÁO CÁO TÌNH HÌNH TIẾP NHẬN VÀ GIẢI QUYẾT HỒ SƠ" }
                            p class="center" { (export::period_text(report)) }
                            @for (label, value) in filter_lines(&report.filter, &loaded.scope, &loaded.choices) {
                                p class="center" { (label) ": " (value) }
                            }
                            (summary_tables(report, false))
                            @if let Some(b) = breakdown { (breakdown_table(report, b, false)) }
                            p class="note" { "In " (crate::domain::timefmt::date_line(today)) "." }
                        }
                    }
                }
            }
        }
    }
}

/// The report for a download, or the form's errors as a page.
async fn tables_for(
    state: &AppState,
    me: &Principal,
    query: &ReportQuery,
    params: &PageParams,
) -> Result<(Vec<Table>, String), PageError> {
    let loaded = load(state, me, query, params).await?;
    match &loaded.outcome {
        Ok((report, breakdown)) => {
            let name = format!(
                "bao-cao-giai-quyet-ho-so_{}_{}",
                report.filter.period.first, report.filter.period.last
            );
            Ok((tables(&loaded, report, breakdown.as_ref()), name))
        }
        Err(errors) => Err(PageError::Service(ServiceError::Invalid(errors.clone()))),
    }
}

fn internal(e: impl std::fmt::Display) -> PageError {
    PageError::Service(ServiceError::Internal(anyhow::anyhow!(
        "report export: {e}"
    )))
}

async fn download_xlsx(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
    Query(query): Query<ReportQuery>,
    Query(params): Query<PageParams>,
) -> Result<Response, PageError> {
    let (tables, name) = tables_for(&state, &me, &query, &params).await?;
    let bytes = export::xlsx_bytes(&tables).map_err(internal)?;
    Ok(attachment(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("{name}.xlsx"),
        bytes,
    ))
}

async fn download_csv(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
    Query(query): Query<ReportQuery>,
    Query(params): Query<PageParams>,
) -> Result<Response, PageError> {
    let (tables, name) = tables_for(&state, &me, &query, &params).await?;
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(export::csv_bytes(&tables).map_err(internal)?);
    Ok(attachment(
        "text/csv; charset=utf-8",
        &format!("{name}.csv"),
        bytes,
    ))
}
