//! Portal: `/thong-ke`, the public statistics of the online services (portal function h, Circular 32/2017
//! Art. 11(3)): per service from 1 January to date the online dossiers received and resolved, the share of online
//! dossiers resolved on time and all dossiers received through every channel, then the satisfaction figures.
//! Counts only: no applicant, number or dossier code reaches this page. Works without JavaScript at 360 px.

use axum::extract::State;
use maud::{Markup, html};
use time::OffsetDateTime;

use crate::domain::rating::{CRITERIA, LEVELS};
use crate::domain::timefmt;
use crate::services::ServiceError;
use crate::services::reports::dashboard::{
    PublicStatistics, Satisfaction, ServiceFigures, percent, public_statistics,
};
use crate::store::settings;
use crate::web::error::PageError;
use crate::web::state::AppState;
use crate::web::ui::chart::{self, Format, Table};
use crate::web::ui::layout::{PageContext, page, scroll_table};

/// Where the published evaluation results of service quality are (Circular 01/2018 Art. 15).
const EVALUATIONS: &str = "/danh-gia-chat-luong";

pub async fn show_statistics(
    State(state): State<AppState>,
    client: crate::web::extract::Client,
) -> Result<Markup, PageError> {
    // Counted over every dossier of the year at each request: a script must not be able to keep the cores busy.
    if !state.limits.allow_costly(&client.ip) {
        return Err(crate::services::ServiceError::RateLimited.into());
    }
    let now = OffsetDateTime::now_utc();
    let office = async {
        state
            .db
            .read(settings::get_office)
            .await
            .map_err(ServiceError::from)
    };
    let (office, stats) = tokio::try_join!(office, public_statistics(&state.db, now))?;
    let ctx = PageContext {
        office: &office,
        staff: None,
        citizen: None,
    };
    Ok(page(&ctx, "Thống kê dịch vụ công trực tuyến", body(&stats)))
}

#[allow(clippy::cast_precision_loss)]
fn count(n: i64) -> String {
    Format::Count.show(Some(n as f64))
}

fn level(service_level: &str) -> &'static str {
    match service_level {
        "full" => "Toàn trình",
        "partial" => "Một phần",
        _ => "",
    }
}

fn body(s: &PublicStatistics) -> Markup {
    let from = timefmt::date(s.period.first);
    let to = timefmt::date(s.period.last);
    let t = &s.total;
    html! {
        h1 { "Thống kê dịch vụ công trực tuyến" }
        p {
            "Tình hình tiếp nhận và giải quyết hồ sơ của các dịch vụ công trực tuyến từ ngày " strong { (from) }
            " đến ngày " strong { (to) } ", tính trực tiếp từ hồ sơ tại thời điểm mở trang."
        }
        section aria-labelledby="stat-total" {
            h2 id="stat-total" { "Tổng hợp" }
            dl class="card" {
                dt { "Hồ sơ trực tuyến đã tiếp nhận" } dd { (count(t.received_online)) }
                dt { "Hồ sơ trực tuyến đã giải quyết" } dd { (count(t.resolved_online)) }
                dt { "Tỷ lệ hồ sơ trực tuyến giải quyết đúng hạn" } dd { (Format::Percent.show(t.in_time_percent())) }
                dt { "Tổng số hồ sơ đã tiếp nhận (trực tuyến và không trực tuyến)" } dd { (count(t.received_total)) }
            }
        }
        section aria-labelledby="stat-services" {
            h2 id="stat-services" { "Theo từng dịch vụ công trực tuyến" }
            @if s.services.is_empty() {
                p class="muted" { "Chưa có dịch vụ công trực tuyến nào được công bố." }
            } @else {
                (services_table(s, &from, &to))
            }
            p class="muted" {
                "Trực tuyến đúng hạn: tỷ lệ hồ sơ trực tuyến đã giải quyết có kết quả không muộn hơn ngày hẹn trả (kể cả trước hạn); "
                "hồ sơ phải bổ sung quá một lần tính là quá hạn. Tổng tiếp nhận gồm hồ sơ trực tuyến, nộp trực tiếp và qua dịch vụ "
                "bưu chính công ích."
            }
        }
        (satisfaction(&s.satisfaction, &from, &to))
        p {
            a href=(EVALUATIONS) { "Kết quả đánh giá chất lượng giải quyết thủ tục hành chính đã công bố" }
        }
    }
}

fn services_table(s: &PublicStatistics, from: &str, to: &str) -> Markup {
    let caption = format!("Số hồ sơ theo dịch vụ, từ {from} đến {to}");
    let row = |f: &ServiceFigures| {
        html! {
            td { (count(f.received_online)) }
            td { (count(f.resolved_online)) }
            td { (Format::Percent.show(f.in_time_percent())) }
            td { (count(f.received_total)) }
        }
    };
    scroll_table(
        &caption,
        html! {
            table class="statistics" {
                caption { (caption) }
                thead { tr {
                    th scope="col" { "Dịch vụ công (mức độ)" }
                    th scope="col" { "Trực tuyến tiếp nhận" }
                    th scope="col" { "Trực tuyến đã giải quyết" }
                    th scope="col" { "Trực tuyến đúng hạn" }
                    th scope="col" { "Tổng tiếp nhận, mọi kênh" }
                } }
                tbody {
                    @for f in &s.services { tr {
                        th scope="row" {
                            a href={ "/thu-tuc/" (f.code) } { (f.name) }
                            " " span class="muted" { "(" (level(&f.service_level)) ")" }
                        }
                        (row(f))
                    } }
                }
                tfoot { tr {
                    th scope="row" { (s.total.name) }
                    (row(&s.total))
                } }
            }
        },
    )
}

fn satisfaction(s: &Satisfaction, from: &str, to: &str) -> Markup {
    let share = |n: i64, of: &[i64; 3]| Format::Percent.show(percent(n, of.iter().sum()));
    html! {
        section aria-labelledby="stat-rating" {
            h2 id="stat-rating" { "Mức độ hài lòng" }
            p {
                (count(s.rated)) " lượt đánh giá của người dân, tổ chức đối với hồ sơ được giải quyết từ "
                (from) " đến " (to) "."
            }
            @if s.rated > 0 {
                (chart::rating_levels("chart-rating", "Mức độ hài lòng chung", &s.overall, Table::Visible))
                (scroll_table("Mức độ hài lòng theo tiêu chí", html! {
                    table {
                        caption { "Mức độ hài lòng theo tiêu chí (số lượt và tỷ lệ)" }
                        thead { tr {
                            th scope="col" { "Tiêu chí" }
                            @for (_, label) in LEVELS { th scope="col" { (label) } }
                        } }
                        tbody {
                            @for ((_, name), counts) in CRITERIA.iter().zip(&s.criteria) { tr {
                                th scope="row" { (name) }
                                @for n in counts { td { (count(*n)) " (" (share(*n, counts)) ")" } }
                            } }
                        }
                    }
                }))
            }
        }
    }
}
