//! Search layer: the tantivy schema of the procedure index, its analyzers, and how an entry becomes a document.
//!
//! Every searchable string is indexed twice: folded (`vi`: lower-case, diacritics removed) for recall, and
//! lower-cased with its diacritics (`vi_exact`) so an exact spelling can outrank the words it folds together with
//! ("bàn" vs "bán"). Analyzers are not stored in the index, so [`register_analyzers`] runs on every `Index` we
//! create or open.

use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};
use tantivy::{Index, TantivyDocument};

use super::ProcedureEntry;
use super::query::QueryFields;
use crate::domain::text::nfc;

/// Bump when the schema or an analyzer changes: `SearchIndex::open` then starts a fresh directory and reports
/// `Freshness::Created`, which tells the caller to rebuild from SQLite.
pub const SCHEMA_VERSION: u32 = 1;

/// Folded analyzer name.
pub(crate) const VI: &str = "vi";
/// Accent-preserving analyzer name.
pub(crate) const VI_EXACT: &str = "vi_exact";
/// Whole-code analyzer name: a procedure code is one token, compared without case.
pub(crate) const CODE: &str = "code";

/// Fast-field names of the three facet dimensions, in the order of `Filters` and `Facets`.
pub(crate) const FACET_FIELDS: [&str; 3] = ["sector", "level", "service_level"];
/// Fast field holding the accent-insensitive sort key of the name (empty queries list by name).
pub(crate) const NAME_SORT: &str = "name_sort";

/// Tokens longer than this (in bytes) are dropped: they are base64 blobs or URLs, never words anyone types.
const MAX_TOKEN_BYTES: usize = 64;

/// Handles of every field, resolved once when the schema is built.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// Exact code, the key of upsert and delete.
    pub code: Field,
    /// Code lower-cased as one token, so typing the whole code finds it first.
    pub code_key: Field,
    /// Code split into words ("1.001193" → "1", "001193"), so a partial code still matches.
    pub code_text: Field,
    pub name: Field,
    pub name_exact: Field,
    pub text: Field,
    pub text_exact: Field,
    /// Sector, level and service level, in the order of [`FACET_FIELDS`].
    pub facets: [Field; 3],
    pub name_sort: Field,
}

impl Fields {
    /// The fields the query parser's alternatives run over.
    pub fn query(&self) -> QueryFields<'_> {
        QueryFields {
            name: self.name,
            name_exact: self.name_exact,
            text: self.text,
            text_exact: self.text_exact,
            code_text: Some(self.code_text),
            keys: std::slice::from_ref(&self.code_key),
        }
    }
}

/// The schema and its field handles. Field ids follow declaration order, so an index written by this schema
/// reopens with the same handles.
pub(crate) fn build() -> (Schema, Fields) {
    let mut sb = Schema::builder();
    let code = sb.add_text_field("code", STRING | STORED);
    let code_key = sb.add_text_field("code_key", indexed(CODE, IndexRecordOption::Basic));
    let code_text = sb.add_text_field("code_text", indexed(VI, IndexRecordOption::WithFreqs));
    let positions = IndexRecordOption::WithFreqsAndPositions;
    let name = sb.add_text_field("name", indexed(VI, positions).set_stored());
    let name_exact = sb.add_text_field(
        "name_exact",
        indexed(VI_EXACT, IndexRecordOption::WithFreqs),
    );
    let text = sb.add_text_field("text", indexed(VI, positions).set_stored());
    let text_exact = sb.add_text_field(
        "text_exact",
        indexed(VI_EXACT, IndexRecordOption::WithFreqs),
    );
    let facets = FACET_FIELDS.map(|facet| sb.add_text_field(facet, STRING | FAST));
    let name_sort = sb.add_text_field(NAME_SORT, FAST);
    let fields = Fields {
        code,
        code_key,
        code_text,
        name,
        name_exact,
        text,
        text_exact,
        facets,
        name_sort,
    };
    (sb.build(), fields)
}

fn indexed(tokenizer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    )
}

/// Folding analyzer. AsciiFoldingFilter maps every Vietnamese letter (tone marks, ă â ê ô ơ ư, đ) correctly, but only on
/// NFC text: callers normalise first.
pub(crate) fn vi_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The same token boundaries as [`vi_analyzer`], keeping diacritics, so the two fields align word for word.
pub(crate) fn vi_exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .build()
}

fn code_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .build()
}

/// Registers the analyzers the schema names; tantivy keeps only their names in the index.
pub(crate) fn register_analyzers(index: &Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(VI, vi_analyzer());
    tokenizers.register(VI_EXACT, vi_exact_analyzer());
    tokenizers.register(CODE, code_analyzer());
}

/// The folded words of `text` joined by spaces: the form the `vi` fields hold.
pub(crate) fn fold(analyzer: &mut TextAnalyzer, text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&token.text);
    }
    out
}

/// The document for one entry. Every string is NFC-normalised here, so decomposed input (macOS, PDFs) indexes the
/// same as composed input.
pub(crate) fn document(
    fields: &Fields,
    folder: &mut TextAnalyzer,
    entry: &ProcedureEntry,
) -> TantivyDocument {
    let code = nfc(&entry.code);
    let name = nfc(&entry.name);
    let text = nfc(&entry.text);
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.code, &code);
    doc.add_text(fields.code_key, &code);
    doc.add_text(fields.code_text, &code);
    doc.add_text(fields.name, &name);
    doc.add_text(fields.name_exact, &name);
    doc.add_text(fields.text, &text);
    doc.add_text(fields.text_exact, &text);
    let facets = [&entry.sector, &entry.level, &entry.service_level];
    for (field, value) in fields.facets.into_iter().zip(facets) {
        doc.add_text(field, nfc(value));
    }
    // Folded first so "Bán…" and "Bàn…" sort together; the lower-cased name and the code break ties stably.
    let sort_key = format!(
        "{}\u{1}{}\u{1}{}",
        fold(folder, &name),
        name.to_lowercase(),
        code
    );
    doc.add_text(fields.name_sort, sort_key);
    doc
}
