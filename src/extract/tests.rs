//! Extraction against the committed fixtures of `tests/fixtures/documents` (README.md there says how each was
//! made). OCR tests run only where [`Ocr::detect`] finds tesseract with Vietnamese; `scripts/test` installs it.

use super::office::{MAX_ENTRY_BYTES, read_capped};
use super::*;
use crate::domain::filetype::identify;
use crate::domain::text::{fold_ascii, nfc};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The sentence every fixture holds.
const SENTENCE: &str = "Ủy ban nhân dân xã Tân Phước xác nhận hộ ông Lê Đình Khoa đã hoàn thành nghĩa vụ đóng \
                        góp xây dựng đường liên thôn.";
/// What OCR must at least get right, compared folded to ASCII so one misread diacritic does not fail the test.
const OCR_FOLDED: &str = "nghia vu dong gop xay dung duong lien thon";

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/documents")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Extracts a fixture as the upload path would: its type identified from the bytes.
fn extract_fixture(name: &str, ocr: Option<&Ocr>) -> Extracted {
    let bytes = fixture(name);
    let kind = identify(&bytes).unwrap_or_else(|| panic!("{name} is not an accepted type"));
    extract(kind, &bytes, ocr)
}

/// The text with every run of whitespace made one space, since a PDF may wrap the sentence across lines.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn assert_holds_the_sentence(extracted: &Extracted, method: &str) {
    assert_eq!(extracted.status, TextStatus::Done, "{extracted:?}");
    assert_eq!(extracted.method, method);
    assert_eq!(extracted.detail, "");
    assert_eq!(nfc(&extracted.text), extracted.text, "the text is NFC");
    assert!(
        one_line(&extracted.text).contains(SENTENCE),
        "{method}: {:?}",
        extracted.text
    );
}

/// The OCR found on this machine, or a note on stderr saying the test is skipped.
fn ocr_or_skip(test: &str) -> Option<Ocr> {
    let ocr = Ocr::detect();
    if ocr.is_none() {
        eprintln!(
            "{test}: skipped, tesseract with Vietnamese (tesseract-ocr-vie) is not installed"
        );
    }
    ocr
}

#[test]
fn the_status_names_are_the_stored_ones() {
    assert_eq!(TextStatus::Done.as_str(), "done");
    assert_eq!(TextStatus::NoText.as_str(), "no_text");
    assert_eq!(TextStatus::Unreadable.as_str(), "unreadable");
}

#[test]
fn a_libreoffice_pdf_yields_its_text_with_diacritics() {
    let extracted = extract_fixture("xac-nhan.pdf", None);
    assert_holds_the_sentence(&extracted, "pdf");
    assert!(extracted.text.contains("ỦY BAN NHÂN DÂN XÃ TÂN PHƯỚC"));
    assert!(extracted.text.contains("Lưu: VT."));
}

#[test]
fn a_chromium_pdf_with_ranged_cid_widths_keeps_its_words_whole() {
    let extracted = extract_fixture("xac-nhan-chromium.pdf", None);
    assert_holds_the_sentence(&extracted, "pdf");
    assert!(
        extracted.text.starts_with("Giấy xác nhận\n"),
        "{}",
        extracted.text
    );
    // The two table cells stay apart and in order (with pdf-extract's own widths they ran into each other).
    assert!(
        extracted
            .text
            .contains("Số: 125/XN-UBND Tân Phước, ngày 12 tháng 5 năm 2025"),
        "{}",
        extracted.text
    );
}

#[test]
fn a_docx_yields_its_paragraphs_with_diacritics() {
    let extracted = extract_fixture("xac-nhan.docx", None);
    assert_holds_the_sentence(&extracted, "docx");
    // Runs of one paragraph join without a gap; paragraphs, tabs and line breaks come apart.
    assert!(
        extracted
            .text
            .starts_with("Giấy xác nhận\nSố: 125/XN-UBND Tân Phước")
    );
    assert!(extracted.text.contains("Nơi nhận: - Như trên; - Lưu: VT."));
    assert!(
        extracted.text.ends_with("\n\nỦY BAN NHÂN DÂN XÃ TÂN PHƯỚC"),
        "the header"
    );
}

#[test]
fn an_odt_yields_its_paragraphs_and_page_header() {
    let extracted = extract_fixture("xac-nhan.odt", None);
    assert_holds_the_sentence(&extracted, "odt");
    assert!(
        extracted
            .text
            .starts_with("Giấy xác nhận\nSố: 125/XN-UBND Tân Phước")
    );
    assert!(extracted.text.contains("Nơi nhận: - Như trên; - Lưu: VT."));
    assert!(
        extracted.text.ends_with("\n\nỦY BAN NHÂN DÂN XÃ TÂN PHƯỚC"),
        "the header"
    );
}

#[test]
fn an_xlsx_yields_the_cells_of_every_sheet_row_by_row() {
    let extracted = extract_fixture("xac-nhan.xlsx", None);
    assert_holds_the_sentence(&extracted, "xlsx");
    let text = &extracted.text;
    assert!(
        text.contains(
            "Năm Số hộ đóng góp Số tiền (đồng)\n2024 312 468000000\n2025 298.5 702000000"
        )
    );
    assert!(text.contains("1 Nội dung 12/05/2025\n2 Ủy ban"), "{text}");
    assert!(text.contains("liên thôn. 1500000"));
}

#[test]
fn a_text_file_loses_its_bom_and_comes_out_nfc_with_unix_line_breaks() {
    let nfd: String = unicode_normalization::UnicodeNormalization::nfd(SENTENCE).collect();
    let bytes = format!("\u{FEFF}Giấy xác nhận\r\n\r\n\r\n{nfd}  \r\n").into_bytes();
    assert_eq!(identify(&bytes), Some(AcceptedType::Text));
    let extracted = extract(AcceptedType::Text, &bytes, None);
    assert_eq!(extracted.status, TextStatus::Done);
    assert_eq!(extracted.method, "text");
    assert_eq!(extracted.text, format!("Giấy xác nhận\n\n{SENTENCE}"));
}

#[test]
fn text_past_the_cap_is_cut_at_a_character() {
    let long = "Đường liên thôn ".repeat(MAX_TEXT_CHARS / 8);
    let extracted = extract(AcceptedType::Text, long.as_bytes(), None);
    assert_eq!(extracted.status, TextStatus::Done);
    // Cut at the cap, or one short of it where the cap would have left a trailing space.
    let kept = extracted.text.chars().count();
    assert!(
        (MAX_TEXT_CHARS - 1..=MAX_TEXT_CHARS).contains(&kept),
        "{kept}"
    );
    assert!(long.starts_with(&extracted.text));
}

#[test]
fn a_blank_document_has_no_text() {
    let extracted = extract(AcceptedType::Text, b" \r\n\t\n", None);
    assert_eq!(extracted.status, TextStatus::NoText);
    assert_eq!(extracted.detail, "no text found");
    assert_eq!(extracted.text, "");
}

#[test]
fn the_zip_bomb_is_unreadable_within_a_couple_of_seconds() {
    let started = Instant::now();
    let extracted = extract_fixture("bomb.docx", None);
    assert_eq!(extracted.status, TextStatus::Unreadable, "{extracted:?}");
    assert!(
        extracted.detail.contains("larger than 64 MiB"),
        "{}",
        extracted.detail
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn an_entry_whose_header_understates_its_size_is_still_cut_at_the_cap() {
    // The header is bypassed: the entry is read as a stream, as if it claimed to be small.
    let bytes = fixture("bomb.docx");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
    let entry = archive.by_name("word/document.xml").unwrap();
    assert!(entry.size() > MAX_ENTRY_BYTES);
    let started = Instant::now();
    assert_eq!(read_capped(entry, 8 << 20).unwrap(), None);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

/// `bytes` with the middle half of entry `name`'s compressed data scrambled.
fn with_damaged_entry(bytes: &[u8], name: &str) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let entry = archive.by_name(name).unwrap();
    let start = usize::try_from(entry.data_start().unwrap()).unwrap();
    let len = usize::try_from(entry.compressed_size()).unwrap();
    let mut damaged = bytes.to_vec();
    for byte in &mut damaged[start + len / 4..start + 3 * len / 4] {
        *byte ^= 0x5A;
    }
    damaged
}

#[test]
fn truncated_or_corrupt_office_files_are_unreadable() {
    for (name, text_part) in [
        ("xac-nhan.docx", "word/document.xml"),
        ("xac-nhan.odt", "content.xml"),
        ("xac-nhan.xlsx", "xl/sharedStrings.xml"),
    ] {
        let bytes = fixture(name);
        let kind = identify(&bytes).unwrap();
        let truncated = extract(kind, &bytes[..bytes.len() / 2], None);
        assert_eq!(
            truncated.status,
            TextStatus::Unreadable,
            "{name}: {truncated:?}"
        );
        assert!(
            truncated.detail.starts_with("damaged"),
            "{name}: {}",
            truncated.detail
        );
        let corrupt = extract(kind, &with_damaged_entry(&bytes, text_part), None);
        assert_eq!(
            corrupt.status,
            TextStatus::Unreadable,
            "{name}: {corrupt:?}"
        );
        assert!(
            corrupt.detail.starts_with("damaged"),
            "{name}: {}",
            corrupt.detail
        );
    }
}

#[test]
fn truncated_or_corrupt_pdfs_are_unreadable() {
    let bytes = fixture("xac-nhan.pdf");
    let truncated = extract(AcceptedType::Pdf, &bytes[..bytes.len() / 3], None);
    assert_eq!(truncated.status, TextStatus::Unreadable, "{truncated:?}");
    assert!(
        truncated.detail.starts_with("damaged PDF"),
        "{}",
        truncated.detail
    );
    let not_really = extract(
        AcceptedType::Pdf,
        b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<",
        None,
    );
    assert_eq!(not_really.status, TextStatus::Unreadable, "{not_really:?}");
}

#[test]
fn a_pdf_with_an_open_password_is_unreadable() {
    let extracted = extract_fixture("encrypted.pdf", None);
    assert_eq!(extracted.status, TextStatus::Unreadable, "{extracted:?}");
    assert_eq!(extracted.detail, "encrypted PDF");
}

#[test]
fn a_pdf_restricted_only_by_an_owner_password_is_read() {
    assert_holds_the_sentence(&extract_fixture("owner-password.pdf", None), "pdf");
}

/// A one-page PDF whose content stream is `content` with the FlateDecode filter.
fn pdf_with_flate_content(content: Vec<u8>) -> Vec<u8> {
    use lopdf::{Object, Stream, dictionary};
    let mut document = lopdf::Document::with_version("1.5");
    let pages_id = document.new_object_id();
    let contents = document.add_object(Stream::new(
        dictionary! { "Filter" => "FlateDecode" },
        content,
    ));
    let page = document.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => contents,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    let pages = dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 };
    document.objects.insert(pages_id, Object::Dictionary(pages));
    let catalog = document.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    document.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    document.save_to(&mut bytes).unwrap();
    bytes
}

#[test]
fn a_pdf_stream_that_inflates_past_the_cap_is_unreadable() {
    // The raw deflate data of bomb.docx (256 MiB of spaces), once behind a zlib header and once behind a broken
    // one, which lopdf would retry as raw deflate.
    let docx = fixture("bomb.docx");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&docx[..])).unwrap();
    let entry = archive.by_name("word/document.xml").unwrap();
    let start = usize::try_from(entry.data_start().unwrap()).unwrap();
    let deflated = &docx[start..start + usize::try_from(entry.compressed_size()).unwrap()];
    for header in [[0x78, 0xDA], [0x00, 0x00]] {
        let pdf = pdf_with_flate_content([&header[..], deflated].concat());
        let extracted = extract(AcceptedType::Pdf, &pdf, None);
        assert_eq!(extracted.status, TextStatus::Unreadable, "{extracted:?}");
        assert_eq!(
            extracted.detail,
            "PDF stream larger than 64 MiB once decompressed"
        );
    }
}

#[test]
fn a_pdf_that_makes_the_parser_panic_is_unreadable() {
    // Its first font's ToUnicode points at another font, on which pdf-extract 0.12.1 panics ("unsupported cmap").
    let extracted = extract_fixture("bad-tounicode.pdf", None);
    assert_eq!(extracted.status, TextStatus::Unreadable, "{extracted:?}");
    assert_eq!(extracted.method, "pdf");
}

#[test]
fn a_panicking_reader_comes_back_unreadable() {
    let extracted = guarded("docx", || panic!("a parser bug"));
    assert_eq!(extracted.status, TextStatus::Unreadable);
    assert_eq!(extracted.method, "docx");
    assert_eq!(extracted.detail, "the reader failed on this file");
}

#[test]
fn an_image_without_ocr_has_no_text() {
    let extracted = extract_fixture("xac-nhan.png", None);
    assert_eq!(extracted.status, TextStatus::NoText);
    assert_eq!(extracted.method, "");
    assert_eq!(extracted.detail, "image; OCR not installed");
}

#[test]
fn a_scan_only_pdf_without_ocr_has_no_text_layer() {
    let extracted = extract_fixture("scan-only.pdf", None);
    assert_eq!(extracted.status, TextStatus::NoText, "{extracted:?}");
    assert_eq!(extracted.method, "pdf");
    assert_eq!(extracted.detail, "no text layer; OCR not installed");
}

#[test]
fn ocr_reads_the_vietnamese_of_an_image() {
    let Some(ocr) = ocr_or_skip("ocr_reads_the_vietnamese_of_an_image") else {
        return;
    };
    let extracted = extract_fixture("xac-nhan.png", Some(&ocr));
    assert_eq!(extracted.status, TextStatus::Done, "{extracted:?}");
    assert_eq!(extracted.method, "ocr");
    assert!(
        fold_ascii(&one_line(&extracted.text)).contains(OCR_FOLDED),
        "{}",
        extracted.text
    );
}

#[test]
fn ocr_reads_a_scan_only_pdf_through_its_rendered_pages() {
    let Some(ocr) = ocr_or_skip("ocr_reads_a_scan_only_pdf_through_its_rendered_pages") else {
        return;
    };
    if !ocr.renders_pdf_pages() {
        eprintln!(
            "ocr_reads_a_scan_only_pdf_through_its_rendered_pages: skipped, pdftoppm is not installed"
        );
        return;
    }
    let extracted = extract_fixture("scan-only.pdf", Some(&ocr));
    assert_eq!(extracted.status, TextStatus::Done, "{extracted:?}");
    assert_eq!(extracted.method, "ocr");
    assert!(
        fold_ascii(&one_line(&extracted.text)).contains(OCR_FOLDED),
        "{}",
        extracted.text
    );
}

#[test]
fn without_a_renderer_ocr_reads_the_jpeg_a_scanned_pdf_embeds() {
    let Some(mut ocr) = ocr_or_skip("without_a_renderer_ocr_reads_the_jpeg_a_scanned_pdf_embeds")
    else {
        return;
    };
    ocr.pdf_renderer = None;
    let extracted = extract_fixture("scan-only.pdf", Some(&ocr));
    assert_eq!(extracted.status, TextStatus::Done, "{extracted:?}");
    assert_eq!(extracted.method, "ocr");
    assert!(
        fold_ascii(&one_line(&extracted.text)).contains(OCR_FOLDED),
        "{}",
        extracted.text
    );
}

#[test]
fn a_missing_ocr_program_is_not_detected() {
    let missing = Ocr::detect_programs(
        std::path::Path::new("/nonexistent/tesseract"),
        std::path::Path::new("/nonexistent/pdftoppm"),
    );
    assert_eq!(missing, None);
}
