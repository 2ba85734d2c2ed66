//! Search layer: the staff search over dossiers, a second tantivy index next to the procedure catalogue's.
//!
//! Officers look a dossier up by what they have at hand: its code, the applicant's ID number or name, the
//! procedure, a sentence of the e-form or of a document's extracted text, typed with or without diacritics. The
//! index reuses the catalogue's analyzers, query parsing (accents, one typo, Telex, prefixes, phrases) and
//! highlighter; the applicant's name plays the catalogue's "name", everything else its "text". What differs is
//! scale: a million dossiers of everyday administrative words, so results come in tiers (exact key, words as typed,
//! all words) and cost is bounded however common the words (see `query.rs` and `collect.rs`).
//!
//! Like the catalogue, the index is derived data: SQLite is the truth, the caller rebuilds when
//! [`DossierIndex::open`] reports [`Freshness::Created`] and re-checks every hit's visibility in SQLite. The
//! [`Visibility`] filter here only keeps pages full. One [`DossierWriter`]; searches are synchronous CPU work.

mod collect;
mod index;
mod query;
mod schema;
mod snippet;

#[cfg(test)]
mod tests;

pub use index::{DossierIndex, DossierWriter};
pub use schema::DOSSIER_SCHEMA_VERSION;

/// National processing status of a dossier (1..=10), as the filters and the entry carry it.
pub type Status = u8;

/// One dossier as the caller prepares it from SQLite.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DossierEntry {
    /// SQLite rowid: the key of upsert and delete.
    pub id: i64,
    /// "000.00.19.H40-261129-0001", or "" before receipt. Typed whole it finds the dossier first; typed from the
    /// start up to at least the day ("000.00.19.H40-261129", "261129-00") it completes.
    pub code: String,
    /// Vietnamese name of the citizen or organisation: weighs more than the text.
    pub applicant_name: String,
    /// Citizen ID (12 digits) or tax number: matched exactly.
    pub applicant_id_number: String,
    pub procedure_code: String,
    pub procedure_name: String,
    /// The e-form's answers flattened to text.
    pub form_text: String,
    /// Extracted text of each non-confidential document.
    pub documents: Vec<DocumentText>,
    /// National status 1..=10 (filter).
    pub status: Status,
    /// Unit currently holding the dossier, "" if none (filter and visibility).
    pub unit: String,
    /// Staff member assigned (visibility).
    pub assignee: Option<i64>,
    /// 1 counter, 2 online, 3 post (filter).
    pub channel: u8,
    /// Unix seconds; `None` before receipt, when the period filter and the listing use `submitted_at`.
    pub received_at: Option<i64>,
    pub submitted_at: i64,
    /// Unix seconds; `None` while the clock is stopped.
    pub due_at: Option<i64>,
    /// The processing clock is running: with `due_at` before now the dossier is overdue.
    pub running: bool,
    /// Not yet closed.
    pub active: bool,
    pub archived: bool,
}

/// The extracted text of one document of a dossier.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentText {
    pub document_id: i64,
    pub file_name: String,
    pub text: String,
}

/// Which dossiers a staff member may see, as far as the index can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    /// Leaders, the one-stop section, administrators.
    All,
    /// A head or specialist: dossiers their unit holds (when they have a unit), dossiers assigned to them, and,
    /// when `closed_too`, every closed dossier.
    Limited {
        unit: Option<String>,
        staff_id: i64,
        closed_too: bool,
    },
}

/// What an officer asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierQuery {
    /// Anything typed: a code, an ID number, a name, words or `"quoted phrases"`, accents or none. Empty lists
    /// the matching dossiers newest first.
    pub text: String,
    /// Any of these national statuses; empty: all.
    pub statuses: Vec<Status>,
    /// The unit currently holding the dossier.
    pub unit: Option<String>,
    pub channel: Option<u8>,
    /// Received (or, before receipt, submitted) in `[from, to)`, unix seconds.
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// `Some(now)`: only dossiers whose clock runs with a deadline before `now`.
    pub overdue_at: Option<i64>,
    pub visibility: Visibility,
    /// Capped at [`MAX_OFFSET`](super::MAX_OFFSET).
    pub offset: usize,
    /// Capped at [`MAX_LIMIT`](super::MAX_LIMIT).
    pub limit: usize,
}

impl Default for DossierQuery {
    /// Everything visible to whoever sees all, first page. Callers set `visibility` from the session.
    fn default() -> Self {
        DossierQuery {
            text: String::new(),
            statuses: Vec::new(),
            unit: None,
            channel: None,
            from: None,
            to: None,
            overdue_at: None,
            visibility: Visibility::All,
            offset: 0,
            limit: super::DEFAULT_LIMIT,
        }
    }
}

impl DossierQuery {
    /// A first page for `text`, no filter, everything visible.
    pub fn text(text: impl Into<String>) -> Self {
        DossierQuery {
            text: text.into(),
            ..DossierQuery::default()
        }
    }
}

/// One dossier found. Only the id is authoritative: the caller loads the dossier from SQLite and checks access.
#[derive(Debug, Clone, PartialEq)]
pub struct DossierHit {
    pub id: i64,
    /// Relevance; 0 when listed newest first: a listing, or a text matching too many dossiers to rank (more
    /// than a few thousand: "giấy chứng nhận", "xác nhận").
    pub score: f32,
    /// The best matching fragment, HTML-escaped, matches in `<mark>…</mark>`; "" when there is none (listing, or a
    /// dossier found by its code or ID number).
    pub snippet_html: String,
    pub snippet_source: SnippetSource,
}

/// Where a hit's snippet was taken from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnippetSource {
    /// The document whose text matched best.
    Document { document_id: i64, file_name: String },
    /// The e-form's answers.
    Form,
    /// The applicant's name (all of it).
    Applicant,
    /// The procedure's name (all of it).
    Procedure,
    /// No snippet.
    None,
}

/// One page of dossiers.
#[derive(Debug, Clone, PartialEq)]
pub struct DossierResults {
    /// Dossiers matching the text and every filter, over all pages. Counting stops at 2,000: `total_exact` is
    /// then false and `total` means "at least" (pages further on can still be asked for).
    pub total: usize,
    pub total_exact: bool,
    pub hits: Vec<DossierHit>,
}
