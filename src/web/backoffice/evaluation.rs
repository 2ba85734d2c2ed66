//! Back office: the service-quality evaluation of a quarter or a year (Circular 01/2018/TT-VPCP Arts 12-15) — the
//! index table, the agency's ranking, each officer's task rating, the dossiers behind them with their scores — and
//! its publication on the portal by the leader.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;
use time::OffsetDateTime;

use crate::domain::calendar::to_local;
use crate::domain::evaluation::{DOSSIER_INDICES, EvalPeriod, IndexMean, Score, Source, Tenths};
use crate::domain::role::Role;
use crate::services::ServiceError;
use crate::services::reports::evaluation::{self, Evaluation};
use crate::services::reports::{ReportScope, scope_of};
use crate::store::org::Agency;
use crate::store::{org, settings};

use crate::web::error::PageError;
use crate::web::extract::{Client, CsrfForm, StaffSession, staff_acting};
use crate::web::session::csrf_token;
use crate::web::state::AppState;
use crate::web::ui::dossier::short_time;
use crate::web::ui::form::csrf_input;
use crate::web::ui::layout::{PageContext, page, scroll_table};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/danh-gia", get(show_evaluation))
        .route("/staff/danh-gia/cong-bo", post(publish_evaluation))
}

/// `?ky=2026-Q4&co-quan=H40.12`, plus the drill-down: `ho-so=tat-ca` (every dossier) or `can-bo=<id>` (one
/// officer's dossiers).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EvaluationQuery {
    ky: String,
    #[serde(rename = "co-quan")]
    agency: String,
    #[serde(rename = "ho-so")]
    dossiers: String,
    #[serde(rename = "can-bo")]
    officer: String,
    #[serde(rename = "da-cong-bo")]
    published: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PublishForm {
    ky: String,
    #[serde(rename = "co-quan")]
    agency: String,
}

fn today() -> time::Date {
    to_local(OffsetDateTime::now_utc()).date()
}

/// The link to a period's page (and drill-down), with its query encoded.
fn link(period: EvalPeriod, agency: &str, extra: &[(&str, &str)]) -> String {
    let key = period.key();
    let mut pairs = vec![("ky", key.as_str()), ("co-quan", agency)];
    pairs.extend_from_slice(extra);
    format!(
        "/staff/danh-gia?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

/// The periods offered in the picker: the last eight quarters and the last three years, plus the one shown.
fn period_options(shown: EvalPeriod) -> Vec<EvalPeriod> {
    let now = EvalPeriod::quarter_of(today());
    let (mut year, mut quarter) = (now.year, now.quarter.unwrap_or(4));
    let mut out = Vec::new();
    for _ in 0..8 {
        out.push(EvalPeriod {
            year,
            quarter: Some(quarter),
        });
        if quarter == 1 {
            (year, quarter) = (year - 1, 4);
        } else {
            quarter -= 1;
        }
    }
    out.extend((0..3).map(|back| EvalPeriod {
        year: now.year - back,
        quarter: None,
    }));
    if !out.contains(&shown) {
        out.insert(0, shown);
    }
    out
}

fn score_text(score: Option<Tenths>) -> Markup {
    match score {
        Some(s) => html! { (s) },
        None => html! { span class="muted" { "không có dữ liệu" } },
    }
}

fn mean_cell(m: &IndexMean) -> Markup {
    html! { td { (score_text(m.score())) } }
}

fn dossier_score(score: Option<Score>) -> Markup {
    match score {
        Some(Score {
            points,
            source: Source::Citizen,
        }) => html! { (points) abbr title="Điểm do người dân đánh giá" { "*" } },
        Some(Score { points, .. }) => html! { (points) },
        None => html! { span class="muted" { "—" } },
    }
}

fn index_table(e: &Evaluation) -> Markup {
    let f = &e.facts;
    let basis = |index: u8| -> String {
        match index {
            5 => format!(
                "{} / {} thủ tục giải quyết trọn tại Bộ phận một cửa; {} / {} thủ tục tiếp nhận và trả kết quả tại Bộ phận một cửa",
                f.one_stop.whole_at_one_stop,
                f.one_stop.procedures,
                f.one_stop.received_and_returned,
                f.one_stop.procedures
            ),
            6 => format!(
                "{} / {} thủ tục đang công khai trên Cổng; {} có bản điện tử (mẫu đơn, tờ khai tải về hoặc biểu mẫu điện tử)",
                f.publication.published, f.publication.procedures, f.publication.electronic
            ),
            8 => "Chưa có chức năng tiếp nhận phản ánh, kiến nghị".to_owned(),
            9 => format!(
                "{} / {} thủ tục trực tuyến; {} / {} hồ sơ tiếp nhận trực tuyến; {} hồ sơ trực tuyến trễ hạn",
                f.online.online_procedures,
                f.online.procedures,
                f.online.online_dossiers,
                f.online.dossiers,
                f.online.online_late
            ),
            _ => String::new(),
        }
    };
    scroll_table(
        "Điểm các chỉ số",
        html! {
            table {
                caption { "Điểm các chỉ số đánh giá (tối đa 2 điểm mỗi chỉ số)" }
                thead { tr {
                    th scope="col" { "Chỉ số" } th scope="col" { "Nội dung" } th scope="col" { "Cách chấm" }
                    th scope="col" { "Căn cứ" } th scope="col" { "Điểm" }
                } }
                tbody { @for l in &e.indices { tr {
                    th scope="row" { "Chỉ số " (l.index) }
                    td { (l.name) }
                    td { @if l.per_dossier { "Theo từng hồ sơ" } @else { "Theo cơ quan" } }
                    td { @if l.per_dossier { (l.dossiers_with_data) " hồ sơ có dữ liệu" } @else { (basis(l.index)) } }
                    td { (score_text(l.score)) }
                } } }
                tfoot {
                    tr {
                        th scope="row" colspan="4" { "Tổng điểm các chỉ số có dữ liệu (tối đa 18)" }
                        td { strong { (score_text(e.total)) } }
                    }
                    tr {
                        th scope="row" colspan="4" { "Xếp loại" }
                        td { strong { @match e.ranking { Some(r) => (r.label()), None => span class="muted" { "không có dữ liệu" } } } }
                    }
                }
            }
        },
    )
}

fn officer_table(e: &Evaluation, agency: &str) -> Markup {
    scroll_table(
        "Đánh giá cán bộ, công chức",
        html! {
            table {
                caption { "Mức hoàn thành nhiệm vụ của cán bộ, công chức (tổng điểm các chỉ số 1, 2, 3, 4, 7)" }
                thead { tr {
                    th scope="col" { "Cán bộ, công chức" } th scope="col" { "Hồ sơ tiếp nhận" } th scope="col" { "Hồ sơ xử lý" }
                    @for i in DOSSIER_INDICES { th scope="col" { "Chỉ số " (i) } }
                    th scope="col" { "Tổng điểm" } th scope="col" { "Mức hoàn thành nhiệm vụ" } th scope="col" { "Hồ sơ" }
                } }
                tbody { @for o in &e.officers { tr {
                    th scope="row" { (o.name) }
                    td { (o.received) } td { (o.processed) }
                    @for m in &o.means { (mean_cell(m)) }
                    td { (score_text(o.total)) }
                    td { @match o.rating { Some(r) => (r.label()), None => span class="muted" { "không có dữ liệu" } } }
                    td { a href=(link(e.period, agency, &[("can-bo", &o.staff_id.to_string())])) { "Xem hồ sơ" span class="visually-hidden" { " của " (o.name) } } }
                } } }
            }
        },
    )
}

fn dossier_table(e: &Evaluation, officer: Option<i64>) -> Markup {
    let lines: Vec<_> = e
        .dossiers
        .iter()
        .filter(|d| {
            officer.is_none_or(|id| {
                d.receiver.as_ref().is_some_and(|r| r.id == id)
                    || d.assignee.as_ref().is_some_and(|a| a.id == id)
            })
        })
        .collect();
    let name = |s: &Option<crate::store::evaluations::StaffRef>| {
        s.as_ref().map_or("—".to_owned(), |s| s.name.clone())
    };
    html! {
        @if lines.is_empty() { p class="muted" { "Không có hồ sơ nào." } } @else {
            (scroll_table("Hồ sơ và điểm từng hồ sơ", html! {
                table {
                    caption { "Hồ sơ đã giải quyết trong kỳ và điểm từng chỉ số (" (lines.len()) " hồ sơ)" }
                    thead { tr {
                        th scope="col" { "Mã hồ sơ" } th scope="col" { "Thủ tục" } th scope="col" { "Giải quyết xong" }
                        th scope="col" { "Cán bộ tiếp nhận" } th scope="col" { "Chuyên viên xử lý" }
                        @for i in DOSSIER_INDICES { th scope="col" { "Chỉ số " (i) } }
                    } }
                    tbody { @for d in &lines { tr {
                        th scope="row" { a href={ "/staff/dossiers/" (d.code) } { code { (d.code) } } }
                        td { (d.procedure_name) }
                        td { (short_time(Some(&d.finished_at))) }
                        td { (name(&d.receiver)) } td { (name(&d.assignee)) }
                        @for i in DOSSIER_INDICES { td { (dossier_score(d.scores.get(i))) } }
                    } } }
                }
            }))
            p class="muted" { "(*) Điểm do người dân tự đánh giá, được dùng thay cho điểm hệ thống tính đối với các chỉ số 1, 3, 4 và 7. “—”: hồ sơ không có dữ liệu cho chỉ số này." }
        }
    }
}

struct View<'a> {
    evaluation: &'a Evaluation,
    query: &'a EvaluationQuery,
    agencies: &'a [Agency],
    published_at: Option<String>,
    alert: Option<&'a str>,
}

async fn render(
    state: &AppState,
    me: &crate::services::auth::Principal,
    view: View<'_>,
) -> Result<Markup, PageError> {
    let office = state.db.read(settings::get_office).await?;
    let csrf = csrf_token(&state.mac, &me.token);
    let e = view.evaluation;
    let agency = e.subject.agency_code.as_str();
    let drill_officer = view.query.officer.parse::<i64>().ok();
    let drill = drill_officer.is_some() || view.query.dossiers == "tat-ca";
    let ended = e.period.last_day() < today();
    let body = html! {
        h1 { "Đánh giá chất lượng giải quyết thủ tục hành chính" }
        p class="muted" { "Theo Thông tư số 01/2018/TT-VPCP (Điều 12 đến 15): điểm mỗi chỉ số là tổng điểm của các hồ sơ chia cho số hồ sơ có dữ liệu, làm tròn đến một chữ số thập phân; chỉ số không có dữ liệu không được tính vào tổng điểm." }
        @if let Some(alert) = view.alert { div class="alert" role="alert" { (alert) } }
        @if view.query.published == "1" { div class="alert ok" role="status" { "Đã công bố kết quả đánh giá trên Cổng dịch vụ công." } }
        form method="get" action="/staff/danh-gia" class="card" {
            div class="field" {
                label for="ky" { "Kỳ đánh giá" }
                select id="ky" name="ky" {
                    @for p in period_options(e.period) { option value=(p.key()) selected[p == e.period] { (p.label()) } }
                }
            }
            @if view.agencies.len() > 1 {
                div class="field" {
                    label for="co-quan" { "Cơ quan" }
                    select id="co-quan" name="co-quan" {
                        @for a in view.agencies { option value=(a.code) selected[a.code == agency] { (a.name) } }
                    }
                }
            } @else { input type="hidden" name="co-quan" value=(agency); }
            button type="submit" { "Xem" }
        }
        h2 { (e.period.label()) " – " (e.subject.agency_name) }
        @if e.subject.unit.is_some() { p { "Chỉ gồm hồ sơ của đơn vị bạn phụ trách." } }
        p { "Số hồ sơ đã giải quyết trong kỳ: " strong { (e.dossiers.len()) } }
        (index_table(e))
        h2 { "Đánh giá cán bộ, công chức" }
        @if e.officers.is_empty() { p class="muted" { "Không có hồ sơ đã giải quyết trong kỳ." } } @else { (officer_table(e, agency)) }
        h2 { "Hồ sơ và điểm từng hồ sơ" }
        @if drill {
            @if let Some(id) = drill_officer {
                @if let Some(o) = e.officers.iter().find(|o| o.staff_id == id) { p { "Hồ sơ do " strong { (o.name) } " tiếp nhận hoặc xử lý." } }
                p { a href=(link(e.period, agency, &[("ho-so", "tat-ca")])) { "Xem tất cả hồ sơ" } }
            }
            (dossier_table(e, drill_officer))
        } @else {
            p { a href=(link(e.period, agency, &[("ho-so", "tat-ca")])) { "Xem danh sách hồ sơ và điểm từng hồ sơ" } }
        }
        @if me.has_role(Role::Leader) && e.subject.unit.is_none() {
            h2 { "Công bố trên Cổng dịch vụ công" }
            @if let Some(at) = &view.published_at { p { "Đã công bố lúc " (short_time(Some(at))) ". Công bố lại sẽ thay thế kết quả đã công bố." } }
            @if ended {
                form method="post" action="/staff/danh-gia/cong-bo" {
                    (csrf_input(&csrf))
                    input type="hidden" name="ky" value=(e.period.key());
                    input type="hidden" name="co-quan" value=(agency);
                    p class="muted" { "Chỉ công bố kết quả của cơ quan (các chỉ số, tổng điểm, xếp loại); không công bố tên cán bộ." }
                    button type="submit" { @if view.published_at.is_some() { "Công bố lại" } @else { "Công bố kết quả đánh giá" } }
                }
            } @else {
                p class="muted" { "Kỳ đánh giá chưa kết thúc; chỉ công bố được sau khi kết thúc kỳ vì người dân còn có thể đánh giá hồ sơ." }
            }
        }
    };
    Ok(page(
        &PageContext {
            office: &office,
            staff: Some((me, csrf)),
            citizen: None,
        },
        "Đánh giá chất lượng giải quyết thủ tục hành chính",
        body,
    ))
}

async fn show_page(
    state: &AppState,
    me: &crate::services::auth::Principal,
    query: &EvaluationQuery,
    alert: Option<&str>,
) -> Result<Markup, PageError> {
    let acting = staff_acting(me);
    let scope = scope_of(&acting.actor).ok_or(ServiceError::Forbidden)?;
    let (period, alert) = match EvalPeriod::parse(&query.ky) {
        Some(p) => (p, alert),
        None if query.ky.trim().is_empty() => (EvalPeriod::quarter_of(today()), alert),
        None => (
            EvalPeriod::quarter_of(today()),
            Some("Kỳ đánh giá không hợp lệ; đang hiển thị quý hiện tại."),
        ),
    };
    let agency = Some(query.agency.clone()).filter(|a| !a.trim().is_empty());
    let evaluation = evaluation::evaluate(&state.db, &acting, period, agency).await?;
    let agencies = if scope == ReportScope::Office {
        state.db.read(org::list_agencies).await?
    } else {
        Vec::new()
    };
    let published_at =
        evaluation::published_at(&state.db, period, evaluation.subject.agency_code.clone()).await?;
    render(
        state,
        me,
        View {
            evaluation: &evaluation,
            query,
            agencies: &agencies,
            published_at,
            alert,
        },
    )
    .await
}

async fn show_evaluation(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
    Query(query): Query<EvaluationQuery>,
) -> Result<Markup, PageError> {
    show_page(&state, &me, &query, None).await
}

async fn publish_evaluation(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
    client: Client,
    CsrfForm(form): CsrfForm<PublishForm>,
) -> Result<Response, PageError> {
    if !me.has_role(Role::Leader) {
        return Err(PageError::Service(ServiceError::Forbidden));
    }
    let period = EvalPeriod::parse(&form.ky).ok_or_else(|| ServiceError::field("ky", "invalid"))?;
    let agency = Some(form.agency.as_str()).filter(|a| !a.trim().is_empty());
    let ctx = client.context(&me.username);
    match evaluation::publish(&state.db, &ctx, &staff_acting(&me), period, agency).await {
        Ok(body) => Ok(
            Redirect::to(&link(period, &body.agency_code, &[("da-cong-bo", "1")])).into_response(),
        ),
        Err(ServiceError::Refused(_)) => {
            let query = EvaluationQuery {
                ky: form.ky,
                agency: form.agency,
                ..EvaluationQuery::default()
            };
            let alert = "Kỳ đánh giá chưa kết thúc nên chưa công bố được.";
            Ok((
                StatusCode::CONFLICT,
                show_page(&state, &me, &query, Some(alert)).await?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
