//! Search layer: Vietnamese full-text search over the published procedure catalogue, on tantivy.
//!
//! The index is derived data: SQLite is the truth and the caller rebuilds the index whenever [`SearchIndex::open`]
//! reports [`Freshness::Created`] (first start, or a [`SCHEMA_VERSION`] bump). One [`ProcedureWriter`] feeds it;
//! any number of threads search through one reader that each commit reloads. Searching is synchronous CPU work:
//! async callers run it in `spawn_blocking`.
//!
//! Matching is accent-insensitive (folded), tolerant of a wrong tone mark, one typo, raw Telex and a word still
//! being typed, while exact spellings, names and adjacent words rank first. See `query.rs` for the alternatives
//! each word expands to. This layer imports `crate::domain` only.
//!
//! [`dossiers`] is a second index, for staff searching dossiers, built on the same analyzers, query parsing and
//! highlighting.

mod any_of;
mod collect;
pub mod dossiers;
mod highlight;
mod index;
mod prefix;
mod query;
mod schema;

#[cfg(test)]
mod tests;

pub use dossiers::{
    DOSSIER_SCHEMA_VERSION, DocumentText, DossierEntry, DossierHit, DossierIndex, DossierQuery,
    DossierResults, DossierWriter, SnippetSource, Visibility,
};
pub use index::{ProcedureWriter, SearchIndex};
pub use schema::SCHEMA_VERSION;

/// Hard cap on a page: the result list shows far fewer, and each hit costs a stored-document read and snippets.
pub const MAX_LIMIT: usize = 100;
/// Page size when the caller does not choose one.
pub const DEFAULT_LIMIT: usize = 20;
/// Deepest offset served: keeping `offset + limit` candidates per segment must stay cheap under load.
pub const MAX_OFFSET: usize = 10_000;

/// One published procedure as the caller prepares it from SQLite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureEntry {
    /// National procedure code ("1.001193") or a local one ("DEMO-XD-01"); the key of upsert and delete.
    pub code: String,
    /// "Cấp giấy phép xây dựng đối với nhà ở riêng lẻ": weighs three times the text.
    pub name: String,
    /// Everything else searchable, joined with "\n": steps, components, method, result, applicants, agencies,
    /// legal basis, sector name.
    pub text: String,
    /// Sector code ("H40-XD"), a filter and a facet.
    pub sector: String,
    /// "province" | "district" | "commune", a filter and a facet.
    pub level: String,
    /// "full" | "partial" | "none" (online service level), a filter and a facet.
    pub service_level: String,
}

/// Whether [`SearchIndex::open`] found an index or had to start an empty one that the caller must fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    Existing,
    Created,
}

/// What a citizen asked for. `text` may be anything typed: accents or none, Telex, a code, `"quoted phrases"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureQuery {
    /// Empty (or punctuation only) lists every procedure by name.
    pub text: String,
    pub sector: Option<String>,
    pub level: Option<String>,
    pub service_level: Option<String>,
    /// Capped at [`MAX_OFFSET`].
    pub offset: usize,
    /// Capped at [`MAX_LIMIT`].
    pub limit: usize,
    /// Whether hits carry a highlighted fragment of their text (a results page) or only their highlighted name
    /// (suggestions while typing, which need to be cheap).
    pub text_snippets: bool,
}

impl Default for ProcedureQuery {
    fn default() -> Self {
        ProcedureQuery {
            text: String::new(),
            sector: None,
            level: None,
            service_level: None,
            offset: 0,
            limit: DEFAULT_LIMIT,
            text_snippets: true,
        }
    }
}

impl ProcedureQuery {
    /// A first page for `text` with no filter.
    pub fn text(text: impl Into<String>) -> Self {
        ProcedureQuery {
            text: text.into(),
            ..ProcedureQuery::default()
        }
    }
}

/// One page of results.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcedureResults {
    /// Hits passing every filter, over all pages.
    pub total: usize,
    pub hits: Vec<ProcedureHit>,
    pub facets: Facets,
}

/// One procedure found. Only the code is authoritative: the caller loads the procedure from SQLite to render it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcedureHit {
    pub code: String,
    /// Relevance; 0 when listing by name.
    pub score: f32,
    /// The whole name, HTML-escaped, matched words in `<mark>…</mark>`.
    pub name_html: String,
    /// The best fragment of the text, HTML-escaped and marked, or "" when nothing in the text matched.
    pub text_html: String,
}

/// Counts per value over the hits of the text query. Each dimension ignores its own filter but applies the others
/// (disjunctive faceting), so the other choices of a picked dimension keep their counts. Values with no hit are
/// left out; order is by count, then value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    pub sector: Vec<(String, u64)>,
    pub level: Vec<(String, u64)>,
    pub service_level: Vec<(String, u64)>,
}

/// Search failures. None comes from what a citizen typed: every text is a valid query.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index directory: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
    #[error("search index files: {0}")]
    Io(#[from] std::io::Error),
}
