//! The dossier's papers on the staff page: the component checklist with each component's electronic copy
//! (digitised at the counter and certified as matching the original, Decree 61 Art. 17 as amended by Decree
//! 107/2021), earlier versions kept after a supplement, whether each file's text could be read for search, the
//! result's digitisation, and the upload form.

use maud::{Markup, html};

use crate::store::dossiers::{ComponentRow, DocumentRow};
use crate::web::ui::dossier::short_time;
use crate::web::ui::form::csrf_input;
use crate::web::ui::layout::scroll_table;

/// What the section needs from the page.
pub(super) struct Papers<'a> {
    pub reference: &'a str,
    pub components: &'a [ComponentRow],
    pub documents: &'a [DocumentRow],
    pub active: bool,
    pub csrf: &'a str,
    pub max_file_mb: usize,
}

/// A component counts as digitised when it has a certified scan or a file the applicant submitted online (an
/// electronic original).
fn is_digitised(documents: &[&DocumentRow]) -> bool {
    documents
        .iter()
        .any(|d| d.certified_at.is_some() || d.kind == "submitted")
}

pub(super) fn section(p: &Papers) -> Markup {
    let of = |position: i64| -> Vec<&DocumentRow> {
        let mut docs: Vec<&DocumentRow> = p
            .documents
            .iter()
            .filter(|d| d.component == Some(position))
            .collect();
        docs.reverse();
        docs
    };
    let provided: Vec<&ComponentRow> = p.components.iter().filter(|c| c.provided).collect();
    let digitised = provided
        .iter()
        .filter(|c| is_digitised(&of(c.position)))
        .count();
    let results: Vec<&DocumentRow> = p.documents.iter().filter(|d| d.kind == "result").collect();
    let others: Vec<&DocumentRow> = p
        .documents
        .iter()
        .filter(|d| d.component.is_none())
        .rev()
        .collect();
    html! {
        section aria-labelledby="h-components" {
            h2 id="h-components" { "Thành phần hồ sơ" }
            p id="digitised" {
                "Đã số hoá " strong { (digitised) "/" (provided.len()) } " thành phần đã nhận"
                " · Kết quả: "
                @if results.is_empty() { span class="badge wait" { "chưa số hoá" } }
                @else { span class="badge good" { "đã số hoá" } }
            }
            (scroll_table("Bảng thành phần hồ sơ", html! {
                table {
                    thead { tr { th scope="col" { "STT" } th scope="col" { "Giấy tờ" } th scope="col" { "Số lượng" } th scope="col" { "Đã nhận" } th scope="col" { "Bản điện tử" } } }
                    tbody { @for comp in p.components {
                        @let docs = of(comp.position);
                        tr {
                            td { (comp.position) }
                            td { (comp.name) @if comp.required { span class="req" { " *" } } }
                            td { (comp.copies) }
                            td { @if comp.provided { "Có" } @else { span class="req" { "Chưa" } } }
                            td {
                                @if let Some((current, earlier)) = docs.split_first() {
                                    (document_line(p.reference, current))
                                    @if !earlier.is_empty() {
                                        details {
                                            summary { "Phiên bản trước (" (earlier.len()) ")" }
                                            ul { @for d in earlier { li { (document_line(p.reference, d)) } } }
                                        }
                                    }
                                } @else if comp.provided {
                                    span class="muted" { "Chưa số hoá" }
                                }
                            }
                        }
                    } }
                }
            }))
        }
        section class="card" aria-labelledby="h-files" {
            h2 id="h-files" { "Tệp đính kèm" }
            @if others.is_empty() { p class="muted" { "Chưa có tệp ngoài thành phần hồ sơ." } }
            ul { @for d in others { li { (document_line(p.reference, d)) } } }
            @if p.active {
                form method="post" action={ "/staff/dossiers/" (p.reference) "/documents" } enctype="multipart/form-data" {
                    (csrf_input(p.csrf))
                    div class="field" {
                        label for="doc-file" { "Tệp (PDF, ảnh JPEG/PNG, DOCX, ODT, XLSX hoặc văn bản; tối đa " (p.max_file_mb) " MB)" }
                        input id="doc-file" type="file" name="file" required accept=".pdf,.jpg,.jpeg,.png,.docx,.odt,.xlsx,.txt";
                    }
                    div class="field" { label for="doc-component" { "Thuộc thành phần" }
                        select id="doc-component" name="component" { option value="" { "Không thuộc thành phần nào" } @for comp in p.components { option value=(comp.position) { (comp.position) ". " (comp.name) } } } }
                    div class="field" { label for="doc-kind" { "Loại" }
                        select id="doc-kind" name="kind" { option value="scan" { "Bản quét giấy tờ" } option value="result" { "Kết quả giải quyết" } option value="internal" { "Tài liệu nội bộ" } } }
                    p class="check" {
                        input id="doc-certify" type="checkbox" name="certify" value="1";
                        label for="doc-certify" { "Xác nhận bản quét là bản sao điện tử khớp với bản gốc giấy tờ" }
                    }
                    p class="check" {
                        input id="doc-confidential" type="checkbox" name="confidential" value="1";
                        label for="doc-confidential" { "Tài liệu mật: không đưa nội dung vào tìm kiếm" }
                    }
                    button type="submit" class="secondary" { "Tải lên" }
                }
            }
        }
    }
}

/// One file: its link, what it is, who put it there and when, its certification and whether its text was read.
fn document_line(reference: &str, d: &DocumentRow) -> Markup {
    html! {
        a href={ "/staff/dossiers/" (reference) "/documents/" (d.id) } { (d.file_name) }
        " " span class="muted" { "(" (document_kind(&d.kind)) ", " (d.uploaded_by) ", " (short_time(Some(&d.uploaded_at))) ")" }
        @if let (Some(by), Some(at)) = (&d.certified_by, &d.certified_at) {
            br; span class="badge good" { "Bản sao điện tử khớp bản gốc" } " " span class="muted" { (by) ", " (short_time(Some(at))) }
        }
        @if d.confidential { br; span class="badge wait" { "Tài liệu mật" } }
        @if let Some(note) = text_note(&d.text_status) { br; span class="muted" { (note) } }
    }
}

pub(super) fn document_kind(kind: &str) -> &'static str {
    match kind {
        "submitted" => "người nộp gửi",
        "scan" => "bản quét",
        "result" => "kết quả",
        _ => "nội bộ",
    }
}

/// What became of reading the file's text, when it is worth saying.
fn text_note(status: &str) -> Option<&'static str> {
    match status {
        "pending" => Some("Đang đọc nội dung để phục vụ tìm kiếm…"),
        "no_text" => Some("Tệp không có lớp chữ (ảnh chụp); nội dung chưa tìm kiếm được."),
        "unreadable" => Some("Không đọc được nội dung tệp; tệp vẫn được lưu đầy đủ."),
        _ => None,
    }
}
