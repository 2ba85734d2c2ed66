//! PDF: the text layer through pdf-extract (which maps glyphs to text through each font's ToUnicode CMap, so the
//! subset fonts LibreOffice and Word embed still give Vietnamese with its diacritics), put in reading order by
//! [`LayoutText`]; files without a text layer through OCR, of the rendered pages or, without a renderer, of the
//! JPEG images the pages embed.

use super::office::MAX_ENTRY_BYTES;
use super::pdf_layout::LayoutText;
use super::pdf_widths;
use super::{Extracted, Ocr, TextStatus, Unreadable};
use flate2::read::{DeflateDecoder, ZlibDecoder};
use lopdf::{Document, Object};
use std::io::Read;

/// Scanned PDFs are OCR'd up to this many pages (or embedded images): a dossier's scans are a few pages, and each
/// page costs seconds.
pub(super) const MAX_OCR_PAGES: usize = 20;
/// The most one PDF's content streams may inflate to together before pdf-extract reads them.
const MAX_PDF_INFLATED_BYTES: u64 = 256 << 20;

pub(super) fn extract(bytes: &[u8], ocr: Option<&Ocr>) -> Extracted {
    let document = match load(bytes) {
        Ok(document) => document,
        Err(Unreadable(detail)) => return Extracted::unreadable("pdf", detail),
    };
    let text_layer = match text_layer(&document) {
        Ok(raw) => Extracted::from_raw("pdf", &raw, "no text layer"),
        Err(Unreadable(detail)) => return Extracted::unreadable("pdf", detail),
    };
    if text_layer.status == TextStatus::Done {
        return text_layer;
    }
    let Some(ocr) = ocr else {
        return Extracted::no_text("pdf", "no text layer; OCR not installed");
    };
    match read_scanned_pages(&document, bytes, ocr) {
        Ok(raw) => Extracted::from_raw("ocr", &raw, "no text layer; OCR found no text"),
        Err(Unreadable(detail)) => Extracted::unreadable("ocr", detail),
    }
}

/// Parses the file, opens it if it is encrypted with an empty user password (PDFs "protected" against editing
/// only are common and readable by anyone), mends the CID font widths pdf-extract misreads, and measures the
/// compressed streams.
fn load(bytes: &[u8]) -> Result<Document, Unreadable> {
    let mut document = Document::load_mem(bytes).map_err(|e| {
        let mut reason = e.to_string();
        if let Some((cut, _)) = reason.char_indices().nth(80) {
            reason.truncate(cut);
        }
        Unreadable::new(format!("damaged PDF ({reason})"))
    })?;
    if document.is_encrypted() && document.decrypt("").is_err() {
        return Err(Unreadable::new("encrypted PDF"));
    }
    pdf_widths::normalize_cid_widths(&mut document);
    if document.get_pages().is_empty() {
        return Err(Unreadable::new("damaged PDF (no pages)"));
    }
    measure_streams(&document)?;
    Ok(document)
}

fn text_layer(document: &Document) -> Result<String, Unreadable> {
    let mut layout = LayoutText::default();
    pdf_extract::output_doc(document, &mut layout).map_err(|e| {
        Unreadable::new(match e {
            pdf_extract::OutputError::PdfError(_) => "damaged PDF (unreadable page content)",
            _ => "damaged PDF",
        })
    })?;
    Ok(layout.into_text())
}

/// pdf-extract inflates each content stream, form and font whole (through lopdf) and would do so for a 1 MB
/// stream that inflates to 1 GB. So every Flate stream it may read (not the images, which it never decodes) is
/// inflated here first into nothing but a byte count, against a cap per stream and one for the whole file.
/// Mirrors lopdf's fallback to raw deflate when the zlib header is broken.
fn measure_streams(document: &Document) -> Result<(), Unreadable> {
    let mut budget = MAX_PDF_INFLATED_BYTES;
    for object in document.objects.values() {
        let Ok(stream) = object.as_stream() else {
            continue;
        };
        let is_image = stream
            .dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|name| name == b"Image");
        let flate_first = stream
            .filters()
            .is_ok_and(|filters| filters.first().is_some_and(|f| *f == b"FlateDecode"));
        if is_image || !flate_first {
            continue;
        }
        let cap = MAX_ENTRY_BYTES.min(budget);
        let content = stream.content.as_slice();
        let mut inflated = inflated_len(ZlibDecoder::new(content), cap);
        if inflated == Inflated::Failed(0) && content.len() > 2 {
            inflated = inflated_len(DeflateDecoder::new(&content[2..]), cap);
        }
        match inflated {
            Inflated::Whole(n) | Inflated::Failed(n) => budget = budget.saturating_sub(n),
            Inflated::OverCap => {
                return Err(Unreadable::new(format!(
                    "PDF stream larger than {} MiB once decompressed",
                    cap >> 20
                )));
            }
        }
    }
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
enum Inflated {
    Whole(u64),
    /// The stream broke after this many bytes (lopdf keeps what it got).
    Failed(u64),
    OverCap,
}

fn inflated_len(decoder: impl Read, cap: u64) -> Inflated {
    let mut limited = decoder.take(cap + 1);
    let mut buffer = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        match limited.read(&mut buffer) {
            Ok(0) if total > cap => return Inflated::OverCap,
            Ok(0) => return Inflated::Whole(total),
            Ok(n) => total += n as u64,
            Err(_) => return Inflated::Failed(total),
        }
    }
}

/// OCR of the first [`MAX_OCR_PAGES`] pages: rendered by pdftoppm when it is installed (exactly what a reader
/// sees, whatever the image format), else the pages' own JPEG (DCTDecode) images, which is how scanners write
/// PDFs. Pages' texts are joined with blank lines.
fn read_scanned_pages(document: &Document, bytes: &[u8], ocr: &Ocr) -> Result<String, Unreadable> {
    let no_temp = |_| Unreadable::new("OCR failed (no temporary file)");
    let dir = tempfile::Builder::new()
        .prefix("motcua-pdf-")
        .tempdir()
        .map_err(no_temp)?;
    let pdf = dir.path().join("input.pdf");
    std::fs::write(&pdf, bytes).map_err(no_temp)?;
    let pages_dir = dir.path().join("pages");
    std::fs::create_dir(&pages_dir).map_err(no_temp)?;
    match ocr.render_pdf_pages(&pdf, &pages_dir, MAX_OCR_PAGES) {
        Some(Ok(pages)) => {
            let mut texts = Vec::with_capacity(pages.len());
            for page in pages {
                texts.push(ocr.read_image_file(&page)?);
            }
            Ok(texts.join("\n\n"))
        }
        // A renderer that fails on this file may still leave its JPEGs readable.
        Some(Err(_)) | None => read_embedded_jpegs(document, ocr),
    }
}

/// OCR of the JPEG images of the first [`MAX_OCR_PAGES`] pages, at most [`MAX_OCR_PAGES`] images in all.
pub(super) fn read_embedded_jpegs(document: &Document, ocr: &Ocr) -> Result<String, Unreadable> {
    let mut texts = Vec::new();
    for page_id in document.get_pages().into_values().take(MAX_OCR_PAGES) {
        let Ok(images) = document.get_page_images(page_id) else {
            continue;
        };
        for image in images {
            let is_jpeg = image
                .filters
                .as_deref()
                .is_some_and(|filters| matches!(filters, [only] if only == "DCTDecode"));
            if is_jpeg {
                texts.push(ocr.read_image(image.content, "jpg")?);
                if texts.len() == MAX_OCR_PAGES {
                    return Ok(texts.join("\n\n"));
                }
            }
        }
    }
    Ok(texts.join("\n\n"))
}
