//! Portal: the published service-quality evaluations (Circular 01/2018/TT-VPCP Art. 15, Decree 61/2018 Art. 32) —
//! each agency's index scores, total and ranking for a quarter or a year, as they stood when the leader published
//! them. Agency-level figures only: no officer is named in public.

use axum::extract::State;
use maud::{Markup, html};

use crate::domain::evaluation::Tenths;
use crate::services::reports::evaluation::{self, Publication};
use crate::store::settings;

use crate::web::error::PageError;
use crate::web::state::AppState;
use crate::web::ui::dossier::short_time;
use crate::web::ui::layout::{PageContext, page, scroll_table};

fn score_text(score: Option<Tenths>) -> Markup {
    match score {
        Some(s) => html! { (s) },
        None => html! { span class="muted" { "không có dữ liệu" } },
    }
}

fn publication(p: &Publication) -> Markup {
    let b = &p.body;
    let title = format!("{} – {}", b.period_label, b.agency_name);
    html! {
        section class="card" aria-labelledby={ "ky-" (b.period) "-" (b.agency_code) } {
            h2 id={ "ky-" (b.period) "-" (b.agency_code) } { (title) }
            p {
                "Xếp loại: " strong { @match b.ranking { Some(r) => (r.label()), None => "không có dữ liệu" } }
                " · Tổng điểm: " strong { (score_text(b.total)) } " / 18"
                " · Số hồ sơ đã giải quyết: " (b.dossiers)
            }
            p class="muted" { "Công bố lúc " (short_time(Some(&p.published_at))) }
            (scroll_table(&format!("Điểm các chỉ số, {title}"), html! {
                table {
                    caption { "Điểm các chỉ số đánh giá, " (title) }
                    thead { tr { th scope="col" { "Chỉ số" } th scope="col" { "Nội dung" } th scope="col" { "Điểm (tối đa 2)" } } }
                    tbody { @for l in &b.indices { tr {
                        th scope="row" { (l.index) }
                        td { (l.name) }
                        td { (score_text(l.score)) }
                    } } }
                    tfoot {
                        tr { th scope="row" colspan="2" { "Tổng điểm các chỉ số có dữ liệu" } td { (score_text(b.total)) } }
                        tr { th scope="row" colspan="2" { "Xếp loại" } td { @match b.ranking { Some(r) => (r.label()), None => span class="muted" { "không có dữ liệu" } } } }
                    }
                }
            }))
        }
    }
}

/// `GET /danh-gia-chat-luong`: every published evaluation, latest period first.
pub(super) async fn show_published(State(state): State<AppState>) -> Result<Markup, PageError> {
    let office = state.db.read(settings::get_office).await?;
    let list = evaluation::list_published(&state.db).await?;
    let body = html! {
        h1 { "Kết quả đánh giá chất lượng giải quyết thủ tục hành chính" }
        p {
            "Kết quả đánh giá theo quý và năm theo Thông tư số 01/2018/TT-VPCP: chín chỉ số, mỗi chỉ số tối đa 2 điểm; "
            "điểm mỗi chỉ số là trung bình điểm các hồ sơ, làm tròn đến một chữ số thập phân. "
            "Xếp loại theo tổng điểm các chỉ số có dữ liệu: từ 15 điểm trở lên xuất sắc; từ 12 đến dưới 15 tốt; "
            "từ 9 đến dưới 12 khá; từ 6 đến dưới 9 trung bình; dưới 6 yếu."
        }
        @if list.is_empty() { p class="muted" { "Chưa có kết quả đánh giá nào được công bố." } }
        @for p in &list { (publication(p)) }
    };
    Ok(page(
        &PageContext {
            office: &office,
            staff: None,
            citizen: None,
        },
        "Kết quả đánh giá chất lượng giải quyết thủ tục hành chính",
        body,
    ))
}
