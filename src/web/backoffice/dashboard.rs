//! Back office: the dashboard sections of the leader's view `/staff/tong-quan` — today's intake by channel, the
//! load per unit, the on-time rate of the last twelve months, the slowest procedures and satisfaction — each a
//! server-drawn chart followed by a table of the same figures (`web::ui::chart`).

use maud::{Markup, html};

use crate::domain::timefmt;
use crate::services::reports::ReportScope;
use crate::services::reports::dashboard::{Dashboard, MONTHS, MonthFigures, percent};
use crate::web::ui::chart::{self, Chart, Column, Format, Table};

/// Counts as chart values.
#[allow(clippy::cast_precision_loss)]
fn n(v: i64) -> Option<f64> {
    Some(v as f64)
}

/// Whose figures these are, so a unit head is never misled into reading them as the office's.
pub(super) fn scope_line(d: &Dashboard, unit_name: Option<&str>) -> Markup {
    html! {
        p class="muted" {
            @match &d.scope {
                ReportScope::Office => { "Số liệu của toàn cơ quan" }
                ReportScope::Unit(code) => { "Số liệu của đơn vị: " strong { (unit_name.unwrap_or(code)) } }
            }
            ", tính trực tiếp từ hồ sơ tại thời điểm mở trang."
        }
    }
}

/// Dossiers received today (given a code), by channel.
pub(super) fn intake(d: &Dashboard) -> Markup {
    let i = &d.intake;
    let day = timefmt::date(i.day);
    let description = format!(
        "Ngày {day} đã tiếp nhận {} hồ sơ: {} trực tiếp, {} trực tuyến, {} qua bưu chính công ích.",
        i.total(),
        i.counter,
        i.online,
        i.postal
    );
    let title = format!("Hồ sơ tiếp nhận ngày {day} theo kênh");
    html! {
        section aria-labelledby="dash-intake" {
            h2 id="dash-intake" { "Tiếp nhận hôm nay" }
            p { "Đã tiếp nhận " strong { (i.total()) } " hồ sơ trong ngày " (day) "." }
            @if let Some(waiting) = i.awaiting_online {
                p { "Hồ sơ nộp trực tuyến đang chờ tiếp nhận: " strong { (waiting) } "." }
            }
            (chart::bar_chart(&Chart {
                id: "chart-intake",
                title: &title,
                description: &description,
                label_header: "Kênh tiếp nhận",
                labels: vec!["Trực tiếp".into(), "Trực tuyến".into(), "Bưu chính công ích".into()],
                axis_labels: Vec::new(),
                columns: vec![Column { name: "Số hồ sơ", values: vec![n(i.counter), n(i.online), n(i.postal)], format: Format::Count }],
                plotted: vec![0],
                text_columns: Vec::new(),
                table: Table::Folded,
            }))
        }
    }
}

/// Dossiers in progress per unit, with those due within a working day and those overdue.
pub(super) fn units(d: &Dashboard) -> Markup {
    let overdue: i64 = d.units.iter().map(|u| u.overdue).sum();
    let soon: i64 = d.units.iter().map(|u| u.due_soon).sum();
    let description = format!(
        "{overdue} hồ sơ quá hạn và {soon} hồ sơ sắp đến hạn (trong một ngày làm việc) trên {} đơn vị đang xử lý hồ sơ.",
        d.units.len()
    );
    html! {
        section aria-labelledby="dash-units" {
            h2 id="dash-units" { "Hồ sơ đang xử lý theo đơn vị" }
            @if d.units.is_empty() {
                p class="muted" { "Không có hồ sơ đang xử lý." }
            } @else {
                (chart::bar_chart(&Chart {
                    id: "chart-units",
                    title: "Hồ sơ đang xử lý theo đơn vị",
                    description: &description,
                    label_header: "Đơn vị",
                    labels: d.units.iter().map(|u| u.name.clone().unwrap_or_else(|| "Bộ phận một cửa (chưa chuyển)".into())).collect(),
                    axis_labels: Vec::new(),
                    columns: vec![
                        Column { name: "Đang xử lý", values: d.units.iter().map(|u| n(u.in_progress)).collect(), format: Format::Count },
                        Column { name: "Sắp đến hạn", values: d.units.iter().map(|u| n(u.due_soon)).collect(), format: Format::Count },
                        Column { name: "Quá hạn", values: d.units.iter().map(|u| n(u.overdue)).collect(), format: Format::Count },
                    ],
                    plotted: vec![1, 2],
                    text_columns: Vec::new(),
                    table: Table::Visible,
                }))
                p class="muted" {
                    "Đang xử lý: đã tiếp nhận, chưa có kết quả giải quyết. Quá hạn: đã qua ngày hẹn trả mà đồng hồ xử lý đang chạy "
                    "(không tính thời gian chờ bổ sung hồ sơ hoặc nộp phí). Sắp đến hạn: đến hạn trong một ngày làm việc tới."
                }
            }
        }
    }
}

/// Month numbers under the trend's points, with the year under January and under the first month (unless the
/// next one is January, where two years side by side would not fit at 360 px).
fn axis_labels(m: &[MonthFigures]) -> Vec<String> {
    m.iter()
        .enumerate()
        .map(|(i, x)| {
            let first = i == 0 && m.get(1).is_none_or(|next| next.month != 1);
            if first || x.month == 1 {
                format!("{}\n{}", x.month, x.year)
            } else {
                x.month.to_string()
            }
        })
        .collect()
}

/// The Decision 766 on-time rate of each of the last twelve months.
pub(super) fn trend(d: &Dashboard) -> Markup {
    let m = &d.months;
    let resolved: i64 = m.iter().map(|x| x.resolved).sum();
    let in_time: i64 = m.iter().map(|x| x.early + x.on_time).sum();
    let description = format!(
        "{resolved} hồ sơ được giải quyết trong {MONTHS} tháng, {} đúng hạn. Tháng gần nhất: {}.",
        Format::Percent.show(percent(in_time, resolved)),
        m.last()
            .map_or_else(String::new, |x| Format::Percent.show(x.in_time_percent()))
    );
    html! {
        section aria-labelledby="dash-trend" {
            h2 id="dash-trend" { "Tỷ lệ giải quyết đúng hạn " (MONTHS) " tháng gần nhất" }
            (chart::line_chart(&Chart {
                id: "chart-trend",
                title: "Tỷ lệ hồ sơ giải quyết đúng hạn theo tháng",
                description: &description,
                label_header: "Tháng",
                labels: m.iter().map(|x| format!("{}/{}", x.month, x.year)).collect(),
                axis_labels: axis_labels(m),
                columns: vec![
                    Column { name: "Đã giải quyết", values: m.iter().map(|x| n(x.resolved)).collect(), format: Format::Count },
                    Column { name: "Trước và đúng hạn", values: m.iter().map(|x| n(x.early + x.on_time)).collect(), format: Format::Count },
                    Column { name: "Quá hạn", values: m.iter().map(|x| n(x.late)).collect(), format: Format::Count },
                    Column { name: "Tỷ lệ đúng hạn", values: m.iter().map(|x| x.in_time_percent()).collect(), format: Format::Percent },
                ],
                plotted: vec![3],
                text_columns: Vec::new(),
                table: Table::Folded,
            }))
            p class="muted" {
                "Tỷ lệ đúng hạn = (trước hạn + đúng hạn) / số hồ sơ đã giải quyết trong tháng. Hồ sơ phải bổ sung quá một lần "
                "tính là quá hạn (Quyết định 766/QĐ-TTg). Tháng không có hồ sơ được giải quyết để trống, không tính là 0 %."
            }
        }
    }
}

/// The procedures with the longest mean processing time over the window.
pub(super) fn slowest(d: &Dashboard) -> Markup {
    let s = &d.slowest;
    let description = s.first().map_or_else(
        || "Chưa có hồ sơ được giải quyết.".to_owned(),
        |p| {
            format!(
                "Dài nhất: {}, trung bình {} ngày trên {} hồ sơ.",
                p.name,
                Format::Days.show(Some(p.average_days)),
                p.resolved
            )
        },
    );
    html! {
        section aria-labelledby="dash-slowest" {
            h2 id="dash-slowest" { "Thủ tục có thời gian giải quyết trung bình dài nhất" }
            @if s.is_empty() {
                p class="muted" { "Chưa có hồ sơ được giải quyết trong " (MONTHS) " tháng gần nhất." }
            } @else {
                (chart::bar_chart(&Chart {
                    id: "chart-slowest",
                    title: "Thời gian giải quyết trung bình theo thủ tục (ngày)",
                    description: &description,
                    label_header: "Thủ tục",
                    labels: s.iter().map(|p| p.name.clone()).collect(),
                    axis_labels: Vec::new(),
                    columns: vec![
                        Column { name: "Số ngày (trung bình)", values: s.iter().map(|p| Some(p.average_days)).collect(), format: Format::Days },
                        Column { name: "Hồ sơ", values: s.iter().map(|p| n(p.resolved)).collect(), format: Format::Count },
                        Column { name: "Đúng hạn", values: s.iter().map(|p| percent(p.in_time, p.resolved)).collect(), format: Format::Percent },
                    ],
                    plotted: vec![0],
                    text_columns: vec![("Thời hạn quy định", s.iter().map(|p| p.statutory.clone().unwrap_or_else(|| "–".into())).collect())],
                    table: Table::Folded,
                }))
                p class="muted" {
                    "Thời gian giải quyết: số ngày theo lịch từ khi tiếp nhận đến khi có kết quả giải quyết, trung bình trên các hồ sơ "
                    "được giải quyết từ " (timefmt::date(d.window.first)) "; kể cả ngày nghỉ và thời gian chờ bổ sung hồ sơ, nộp phí. "
                    "Thời hạn quy định tính theo ngày làm việc, nên hai con số không so sánh trực tiếp với nhau."
                }
            }
        }
    }
}

/// The applicants' overall ratings of the dossiers resolved in the window.
pub(super) fn satisfaction(d: &Dashboard) -> Markup {
    let s = &d.satisfaction;
    html! {
        section aria-labelledby="dash-rating" {
            h2 id="dash-rating" { "Mức độ hài lòng" }
            @if s.rated == 0 {
                p class="muted" { "Chưa có đánh giá nào cho hồ sơ được giải quyết trong " (MONTHS) " tháng gần nhất." }
            } @else {
                (chart::rating_levels("chart-rating", "Mức độ hài lòng chung của người dân, tổ chức", &s.overall, Table::Folded))
                p class="muted" { "Đánh giá của người nộp đối với hồ sơ được giải quyết từ " (timefmt::date(d.window.first)) "." }
            }
        }
    }
}
