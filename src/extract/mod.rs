//! Text extraction (a leaf library beside `domain`): reads the words of a dossier document (PDF, DOCX, ODT, XLSX,
//! plain text, and scans through an optional OCR program) so full-text search can find it.
//!
//! Every input is hostile: archive entries and PDF streams are measured before they are inflated whole, parser
//! panics are caught, and external programs run under a timeout. Nothing here touches the database or the
//! network; the background job that stores [`Extracted`] lives in the services.
//!
//! What this does not protect against (the caller should run it off the async workers, and ideally in a child
//! process with a memory limit): a parser crate looping for ever on a crafted file, object streams a PDF inflates
//! while loading, and allocation failures, which abort rather than panic.

mod clean;
mod ocr;
mod office;
mod pdf;
mod pdf_layout;
mod pdf_widths;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

pub use ocr::Ocr;

use crate::domain::filetype::AcceptedType;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Text beyond this many characters is cut: enough for a hundred-page decision, and it keeps one pathological
/// file from swelling the search index and the row that stores the text.
pub const MAX_TEXT_CHARS: usize = 500_000;

/// Readers stop collecting raw text past this many bytes: cleaning keeps at most [`MAX_TEXT_CHARS`] characters
/// (at most four bytes each), and the rest is room for whitespace that collapses.
const MAX_RAW_BYTES: usize = MAX_TEXT_CHARS * 16;

/// How extraction went, stored in SQLite as [`TextStatus::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextStatus {
    /// Text was read (it may still be partial, e.g. cut at [`MAX_TEXT_CHARS`]).
    Done,
    /// The file was read but holds no text: a blank document, or a scan with no OCR to read it.
    NoText,
    /// The file could not be read: damaged, encrypted, too large once decompressed, or a parser failed.
    Unreadable,
}

impl TextStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::NoText => "no_text",
            Self::Unreadable => "unreadable",
        }
    }
}

/// The outcome of reading one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    pub status: TextStatus,
    /// Which reader ran: "pdf", "docx", "odt", "xlsx", "text" or "ocr"; "" when none could (an image without OCR).
    pub method: &'static str,
    /// NFC, without control characters, whitespace collapsed (paragraphs kept, at most one blank line), trimmed,
    /// at most [`MAX_TEXT_CHARS`] characters. Empty unless `status` is `Done`.
    pub text: String,
    /// A short English reason when `status` is not `Done` ("encrypted PDF"), for the staff who wonder why a
    /// document is not found; empty when it is.
    pub detail: String,
}

impl Extracted {
    /// Cleans `raw`; a readable file whose text cleans away to nothing has no text.
    fn from_raw(method: &'static str, raw: &str, empty_detail: &str) -> Self {
        let text = clean::clean(raw, MAX_TEXT_CHARS);
        if text.is_empty() {
            Self::no_text(method, empty_detail)
        } else {
            Self {
                status: TextStatus::Done,
                method,
                text,
                detail: String::new(),
            }
        }
    }

    fn no_text(method: &'static str, detail: &str) -> Self {
        Self {
            status: TextStatus::NoText,
            method,
            text: String::new(),
            detail: detail.to_owned(),
        }
    }

    fn unreadable(method: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status: TextStatus::Unreadable,
            method,
            text: String::new(),
            detail: detail.into(),
        }
    }
}

/// The readers' names, for [`Extracted::from_json`].
const METHODS: [&str; 7] = ["", "pdf", "docx", "odt", "xlsx", "text", "ocr"];

impl Extracted {
    /// One line of JSON, as `motcua extract-text` prints it for the server that ran it in a child process.
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "status": self.status.as_str(),
            "method": self.method,
            "text": self.text,
            "detail": self.detail,
        })
        .to_string()
    }

    /// Reads [`Extracted::to_json`] back; `None` for anything else.
    pub fn from_json(line: &str) -> Option<Extracted> {
        let value: serde_json::Value = serde_json::from_str(line.trim()).ok()?;
        let status = match value["status"].as_str()? {
            "done" => TextStatus::Done,
            "no_text" => TextStatus::NoText,
            "unreadable" => TextStatus::Unreadable,
            _ => return None,
        };
        let method = METHODS
            .into_iter()
            .find(|m| Some(*m) == value["method"].as_str())?;
        Some(Extracted {
            status,
            method,
            text: value["text"].as_str()?.to_owned(),
            detail: value["detail"].as_str()?.to_owned(),
        })
    }

    /// A file that could not be read for a reason outside the readers (missing, killed, timed out).
    pub fn failed(detail: impl Into<String>) -> Self {
        Self::unreadable("", detail)
    }
}

/// Why a reader gave up on a file: a short English reason for [`Extracted::detail`].
#[derive(Debug)]
struct Unreadable(String);

impl Unreadable {
    fn new(detail: impl Into<String>) -> Self {
        Self(detail.into())
    }
}

/// The reason given when a readable file has no text in it.
const NO_TEXT_FOUND: &str = "no text found";

/// Reads the text of a document whose type [`crate::domain::filetype::identify`] found. Blocking and CPU-bound
/// (seconds for a large PDF, more with OCR): call it from a blocking thread. `ocr` is what [`Ocr::detect`] found
/// at start-up; without it scans come back `NoText`.
pub fn extract(kind: AcceptedType, bytes: &[u8], ocr: Option<&Ocr>) -> Extracted {
    guarded(method_of(kind, ocr), || extract_unguarded(kind, bytes, ocr))
}

/// Runs a reader, turning a panic into `Unreadable`. Parser crates index and unwrap freely (pdf-extract panics on
/// a font whose ToUnicode is not a CMap); a panic on one hostile file must not take the job down with it. The
/// readers share no state, so nothing is left half-updated when one unwinds. The panic hook still reports the
/// panic (on stderr or to the installed hook), which is wanted: it is a bug worth reporting upstream.
fn guarded(method: &'static str, read: impl FnOnce() -> Extracted) -> Extracted {
    catch_unwind(AssertUnwindSafe(read))
        .unwrap_or_else(|_| Extracted::unreadable(method, "the reader failed on this file"))
}

fn extract_unguarded(kind: AcceptedType, bytes: &[u8], ocr: Option<&Ocr>) -> Extracted {
    let method = method_of(kind, ocr);
    let read = |result: Result<String, Unreadable>| match result {
        Ok(raw) => Extracted::from_raw(method, &raw, NO_TEXT_FOUND),
        Err(Unreadable(detail)) => Extracted::unreadable(method, detail),
    };
    match kind {
        AcceptedType::Text => match plain_text(bytes) {
            Ok(text) => Extracted::from_raw(method, text, NO_TEXT_FOUND),
            Err(Unreadable(detail)) => Extracted::unreadable(method, detail),
        },
        AcceptedType::Docx => read(office::docx(bytes)),
        AcceptedType::Odt => read(office::odt(bytes)),
        AcceptedType::Xlsx => read(office::xlsx(bytes)),
        AcceptedType::Pdf => pdf::extract(bytes, ocr),
        AcceptedType::Jpeg | AcceptedType::Png => match ocr {
            Some(ocr) => match ocr.read_image(bytes, kind.extension()) {
                Ok(raw) => Extracted::from_raw(method, &raw, "OCR found no text"),
                Err(Unreadable(detail)) => Extracted::unreadable(method, detail),
            },
            None => Extracted::no_text(method, "image; OCR not installed"),
        },
    }
}

/// The reader a kind goes to; a PDF may still end up read by OCR, which [`pdf::extract`] reports itself.
fn method_of(kind: AcceptedType, ocr: Option<&Ocr>) -> &'static str {
    match kind {
        AcceptedType::Pdf => "pdf",
        AcceptedType::Docx => "docx",
        AcceptedType::Odt => "odt",
        AcceptedType::Xlsx => "xlsx",
        AcceptedType::Text => "text",
        AcceptedType::Jpeg | AcceptedType::Png if ocr.is_some() => "ocr",
        AcceptedType::Jpeg | AcceptedType::Png => "",
    }
}

/// UTF-8 as `identify` promised, less a byte-order mark (Notepad writes one).
fn plain_text(bytes: &[u8]) -> Result<&str, Unreadable> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|_| Unreadable::new("text is not UTF-8"))
}
