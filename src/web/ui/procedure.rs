//! How a procedure reads on a page: the 11 level-1 information items of Circular 32/2017 Art. 5 in their legal
//! order, shared by the portal page and the administrator's preview of a draft.

use maud::{Markup, PreEscaped, html};

use crate::domain::catalogue::{ImplLevel, Procedure, ServiceLevel};
use crate::store::catalogue::Fee;

/// The service-level label with a badge style a citizen can tell apart at a glance.
pub fn service_level_badge(level: &str) -> Markup {
    let parsed = ServiceLevel::parse(level);
    let label = parsed.map_or("Không rõ", ServiceLevel::label);
    let class = match parsed {
        Some(ServiceLevel::Full) => "badge good",
        Some(ServiceLevel::Partial) => "badge",
        _ => "badge muted",
    };
    html! { span class=(class) { (label) } }
}

pub fn level_label(level: &str) -> &'static str {
    ImplLevel::parse(level).map_or("Không rõ", ImplLevel::label)
}

/// A sum of money in Vietnamese style: "10.000 đồng".
pub fn vnd(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{}{out} đồng", if amount < 0 { "-" } else { "" })
}

/// Paragraphs from text with blank-line or single-line breaks, escaped.
pub fn paragraphs(text: &str) -> Markup {
    html! {
        @for line in text.lines().filter(|l| !l.trim().is_empty()) {
            p { (line.trim()) }
        }
    }
}

/// Where a version's templates are downloaded from.
pub struct Links<'a> {
    pub template_base: &'a str,
}

/// The full level-1 information. Headings start at `h2`.
pub fn level1_items(p: &Procedure, sector_name: &str, fees: &[Fee], links: &Links<'_>) -> Markup {
    let template_link = |key: &str| -> Markup {
        match p.templates.iter().find(|t| t.key == key) {
            Some(t) => html! {
                a href={ (links.template_base) "/" (t.key) } download=(t.file_name) {
                    "Tải mẫu " (t.name)
                }
            },
            None => html! {},
        }
    };
    html! {
        section aria-labelledby="i1" {
            h2 id="i1" { "1. Tên thủ tục" }
            p { (p.name) }
            dl class="meta" {
                dt { "Mã thủ tục" } dd { code { (p.code) } @if p.demo { " " span class="badge" { "Dữ liệu minh hoạ" } } }
                dt { "Lĩnh vực" } dd { (sector_name) }
                dt { "Cấp thực hiện" } dd { (level_label(p.level.as_str())) }
                dt { "Mức độ dịch vụ công trực tuyến" } dd {
                    (service_level_badge(p.service_level.as_str()))
                    @if let Some(legacy) = p.legacy_level { " " span class="muted" { "(tương đương mức độ " (legacy) " theo Nghị định 43/2011)" } }
                }
                @if p.immediate_result { dt { "Trả kết quả" } dd { "Ngay khi tiếp nhận hồ sơ" } }
            }
        }
        section aria-labelledby="i2" {
            h2 id="i2" { "2. Trình tự thực hiện" }
            ol { @for step in &p.steps { li { (step) } } }
        }
        section aria-labelledby="i3" {
            h2 id="i3" { "3. Cách thức thực hiện" }
            (paragraphs(&p.method))
        }
        section aria-labelledby="i4" {
            h2 id="i4" { "4. Thành phần, số lượng hồ sơ" }
            div class="table-wrap" tabindex="0" role="region" aria-label="Thành phần hồ sơ" {
                table {
                    thead { tr { th scope="col" { "Giấy tờ" } th scope="col" { "Bản chính" } th scope="col" { "Bản sao" } th scope="col" { "Mẫu" } } }
                    tbody {
                        @for c in &p.components {
                            tr {
                                td { (c.name) @if !c.required { " " span class="muted" { "(nếu có)" } } @if !c.note.is_empty() { br; span class="muted" { (c.note) } } }
                                td { (c.originals) }
                                td { (c.copies) }
                                td { @if let Some(key) = &c.template { (template_link(key)) } }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="i5" {
            h2 id="i5" { "5. Thời hạn giải quyết" }
            p { (p.processing_time.label()) }
            @if !p.processing_time.note.is_empty() { p class="muted" { (p.processing_time.note) } }
        }
        section aria-labelledby="i6" {
            h2 id="i6" { "6. Đối tượng thực hiện" }
            (paragraphs(&p.applicants))
        }
        section aria-labelledby="i7" {
            h2 id="i7" { "7. Cơ quan thực hiện" }
            dl {
                dt { "Cơ quan thực hiện" } dd { (p.implementing_agency) }
                dt { "Cơ quan có thẩm quyền quyết định" } dd { (p.deciding_agency) }
            }
        }
        section aria-labelledby="i8" {
            h2 id="i8" { "8. Kết quả thực hiện" }
            (paragraphs(&p.result))
        }
        section aria-labelledby="i9" {
            h2 id="i9" { "9. Mẫu đơn, tờ khai; yêu cầu, điều kiện; phí, lệ phí" }
            h3 { "Mẫu đơn, tờ khai" }
            @if p.templates.is_empty() { p { "Không có mẫu đơn, tờ khai." } } @else {
                ul { @for t in &p.templates { li { (template_link(&t.key)) " " span class="muted" { "(" (t.file_name) ", " (t.size / 1024 + 1) " KB)" } } } }
            }
            h3 { "Yêu cầu, điều kiện" }
            @if p.conditions.trim().is_empty() { p { "Không." } } @else { (paragraphs(&p.conditions)) }
            h3 { "Phí, lệ phí" }
            @if p.fees.is_empty() && p.fee_note.is_empty() { p { "Không." } }
            @if !p.fees.is_empty() {
                ul {
                    @for f in &p.fees {
                        @let fee = fees.iter().find(|x| x.code == f.fee);
                        li {
                            @if let Some(fee) = fee {
                                (fee.name) ": "
                                @match fee.amount_vnd { Some(a) => { strong { (vnd(a)) } }, None => { "theo quy định" } }
                                @if !fee.note.is_empty() { " – " (fee.note) }
                            } @else { (f.fee) }
                            @if !f.note.is_empty() { " (" (f.note) ")" }
                        }
                    }
                }
            }
            @if !p.fee_note.is_empty() { (paragraphs(&p.fee_note)) }
        }
        section aria-labelledby="i10" {
            h2 id="i10" { "10. Kênh nộp hồ sơ và nhận kết quả" }
            ul {
                li { "Trực tiếp tại Bộ phận Tiếp nhận và Trả kết quả: " (yes_no(p.channels.counter)) }
                li { "Qua dịch vụ bưu chính công ích: " (yes_no(p.channels.postal)) }
                li { "Trực tuyến trên Cổng dịch vụ công: " (yes_no(p.channels.online)) }
            }
        }
        section aria-labelledby="i11" {
            h2 id="i11" { "11. Căn cứ pháp lý" }
            ul { @for basis in &p.legal_basis { li { (basis) } } }
            @if !p.announcement.is_empty() { p { strong { "Quyết định công bố: " } (p.announcement) } }
        }
    }
}

fn yes_no(v: bool) -> &'static str {
    if v { "Có" } else { "Không" }
}

/// Snippet HTML from the search index: tantivy escapes the text and only adds `<mark>` tags.
pub fn snippet(html_text: &str) -> Markup {
    PreEscaped(html_text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::vnd;

    #[test]
    fn money_is_grouped_by_thousands_with_dots() {
        assert_eq!(vnd(0), "0 đồng");
        assert_eq!(vnd(2000), "2.000 đồng");
        assert_eq!(vnd(1_500_000), "1.500.000 đồng");
    }
}
