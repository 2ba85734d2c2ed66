//! Search layer: the tantivy schema of the dossier index, and how an entry becomes a document.
//!
//! Everything searchable goes into one folded `text` field (and its accented twin), the applicant's name included,
//! so a query word must occur somewhere in the dossier; the name is indexed a second time on its own so that a
//! match there weighs more. Adjacency comes from `pairs`, each two consecutive folded words as one term, rather
//! than from positions: a sentence's pairs are rare terms with short posting lists, so finding the dossiers that
//! hold the sentence costs little even when each of its words is in half the index, while checking positions
//! would read them for every dossier holding all the words. `text` therefore keeps no positions.
//!
//! What only the snippets need is stored but not indexed, and only up to [`STORED_TEXT_BYTES`] per text; what only
//! filters and ordering need is indexed or a fast field, never stored: stored text is most of the index, and the
//! hits themselves are read from the `id` fast field.

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, STORED, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::{Index, TantivyDocument};

use super::DossierEntry;
use crate::domain::text::nfc;
use crate::search::highlight::head;
use crate::search::query::QueryFields;
use crate::search::schema::{CODE, VI, VI_EXACT, register_analyzers, vi_analyzer};

/// Bump when the schema or an analyzer changes: `DossierIndex::open` then starts a fresh directory and reports
/// `Freshness::Created`, which tells the caller to rebuild from SQLite.
pub const DOSSIER_SCHEMA_VERSION: u32 = 1;

/// Analyzer of the `pairs` field.
pub(crate) const VI_PAIRS: &str = "vi_pairs";

/// How much of each form and document text is stored for snippets. Snippets are cut from this head only: a match
/// further into a long document still finds the dossier but cannot be shown (the snippet then comes from another
/// source, or there is none). Stored text is what makes the index big, and choosing the best fragment scans each
/// stored text of every hit on the page, so this bounds both the index and the cost of a page.
pub(crate) const STORED_TEXT_BYTES: usize = 8 * 1024;
/// How much of each document text is indexed: a scanned book must not blow up the index or the writer's memory.
pub(crate) const INDEXED_TEXT_BYTES: usize = 512 * 1024;

/// Handles of every field, resolved once when the schema is built.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// SQLite rowid: indexed for delete-by-id, a fast field for reading hits without touching stored documents.
    pub id: Field,
    /// The whole code and its day-and-sequence tail ("261129-0001"), each one lower-cased token.
    pub code_key: Field,
    /// The applicant's ID number, one token.
    pub id_number: Field,
    /// `code_key` and `id_number`: typed exactly, either puts its dossier first.
    pub keys: [Field; 2],
    /// Applicant name, folded, with positions; stored for its snippet.
    pub name: Field,
    pub name_exact: Field,
    /// Name, procedure code and name, form text, document file names and texts: folded, no positions.
    pub text: Field,
    pub text_exact: Field,
    /// The same values as consecutive folded word pairs ("nghia vu", "vu dong", …), one term each.
    pub pairs: Field,
    /// Stored only (snippets): procedure name, form text, and per document (in the same order) its id, file name
    /// and text.
    pub procedure: Field,
    pub form: Field,
    pub doc_id: Field,
    pub doc_name: Field,
    pub doc_text: Field,
    /// Filters, as indexed terms: intersected with the text query, a selective filter makes a search cheaper.
    pub status: Field,
    pub unit: Field,
    pub assignee: Field,
    pub channel: Field,
    pub running: Field,
    pub active: Field,
    pub archived: Field,
    /// Received (else submitted) time: the period filter (a fast-field range) and the order of listings.
    pub listed_at: Field,
    /// Its day (UTC), indexed: a range of days is a few posting lists, where a range over the fast field scans
    /// the whole column. Narrows the period filter and finds the newest matches of a large result.
    pub listed_day: Field,
    /// Deadline, absent while the clock is stopped: the overdue filter.
    pub due_at: Field,
}

impl Fields {
    /// The fields the query parser's alternatives run over: the applicant's name is the "name".
    pub fn query(&self) -> QueryFields<'_> {
        QueryFields {
            name: self.name,
            name_exact: self.name_exact,
            text: self.text,
            text_exact: self.text_exact,
            code_text: None,
            keys: &self.keys,
        }
    }
}

/// The schema and its field handles. Field ids follow declaration order, so an index written by this schema
/// reopens with the same handles.
pub(crate) fn build() -> (Schema, Fields) {
    let mut sb = Schema::builder();
    // Only the four scored text fields keep norms (a byte per dossier and field): keys, pairs and filters are
    // matched, never weighed by length.
    let filter = || NumericOptions::default().set_indexed();
    let id = sb.add_i64_field("id", filter().set_fast());
    let keyed = |tokenizer| unscored(tokenizer, IndexRecordOption::Basic);
    let code_key = sb.add_text_field("code_key", keyed(CODE));
    let id_number = sb.add_text_field("id_number", keyed(CODE));
    let positions = IndexRecordOption::WithFreqsAndPositions;
    let freqs = IndexRecordOption::WithFreqs;
    let name = sb.add_text_field("name", indexed(VI, positions).set_stored());
    let name_exact = sb.add_text_field("name_exact", indexed(VI_EXACT, freqs));
    let text = sb.add_text_field("text", indexed(VI, freqs));
    let text_exact = sb.add_text_field("text_exact", indexed(VI_EXACT, freqs));
    let pairs = sb.add_text_field("pairs", keyed(VI_PAIRS));
    let procedure = sb.add_text_field("procedure", STORED);
    let form = sb.add_text_field("form", STORED);
    let doc_id = sb.add_i64_field("doc_id", STORED);
    let doc_name = sb.add_text_field("doc_name", STORED);
    let doc_text = sb.add_text_field("doc_text", STORED);
    let status = sb.add_u64_field("status", filter());
    let unit = sb.add_text_field("unit", keyed("raw"));
    let assignee = sb.add_i64_field("assignee", filter());
    let channel = sb.add_u64_field("channel", filter());
    let running = sb.add_bool_field("running", filter());
    let active = sb.add_bool_field("active", filter());
    let archived = sb.add_bool_field("archived", filter());
    let listed_at = sb.add_i64_field("listed_at", NumericOptions::default().set_fast());
    let listed_day = sb.add_i64_field("listed_day", filter());
    let due_at = sb.add_i64_field("due_at", NumericOptions::default().set_fast());
    let fields = Fields {
        id,
        code_key,
        id_number,
        keys: [code_key, id_number],
        name,
        name_exact,
        text,
        text_exact,
        pairs,
        procedure,
        form,
        doc_id,
        doc_name,
        doc_text,
        status,
        unit,
        assignee,
        channel,
        running,
        active,
        archived,
        listed_at,
        listed_day,
        due_at,
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

/// An indexed text field without norms.
fn unscored(tokenizer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record)
            .set_fieldnorms(false),
    )
}

/// Registers the catalogue's analyzers and the pair analyzer; tantivy keeps only their names in the index.
pub(crate) fn register(index: &Index) {
    register_analyzers(index);
    index
        .tokenizers()
        .register(VI_PAIRS, TextAnalyzer::from(PairTokenizer::default()));
}

/// The term of two consecutive folded words, as [`PairTokenizer`] makes it.
pub(crate) fn pair(first: &str, second: &str) -> String {
    format!("{first} {second}")
}

/// Turns a text into its consecutive folded word pairs. Words are those of the `vi` analyzer, so a pair is made of
/// exactly the terms a query's words fold to; each value of a field starts afresh, so no pair spans two texts.
#[derive(Clone)]
pub(crate) struct PairTokenizer {
    words: TextAnalyzer,
    pairs: Vec<Token>,
}

impl Default for PairTokenizer {
    fn default() -> Self {
        PairTokenizer {
            words: vi_analyzer(),
            pairs: Vec::new(),
        }
    }
}

impl Tokenizer for PairTokenizer {
    type TokenStream<'a> = PairStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> PairStream<'a> {
        self.pairs.clear();
        let mut words = self.words.token_stream(text);
        let mut previous: Option<Token> = None;
        while let Some(word) = words.next() {
            if let Some(first) = &previous {
                self.pairs.push(Token {
                    offset_from: first.offset_from,
                    offset_to: word.offset_to,
                    position: self.pairs.len(),
                    text: pair(&first.text, &word.text),
                    position_length: 1,
                });
            }
            previous = Some(word.clone());
        }
        PairStream {
            pairs: self.pairs.drain(..),
            current: Token::default(),
        }
    }
}

/// The pairs of one text, already made.
pub(crate) struct PairStream<'a> {
    pairs: std::vec::Drain<'a, Token>,
    current: Token,
}

impl TokenStream for PairStream<'_> {
    fn advance(&mut self) -> bool {
        match self.pairs.next() {
            Some(token) => {
                self.current = token;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

/// "000.00.19.H40-261129-0001" → "261129-0001": what an officer reads out of a receipt.
pub(crate) fn code_tail(code: &str) -> Option<&str> {
    let mut dashes = code.rmatch_indices('-').map(|(i, _)| i);
    let _seq = dashes.next()?;
    let day = dashes.next()?;
    Some(&code[day + 1..])
}

/// The time a dossier is listed by and filtered on: receipt, or submission before it.
pub(crate) fn listed_at(entry: &DossierEntry) -> i64 {
    entry.received_at.unwrap_or(entry.submitted_at)
}

/// The UTC day of a unix time, as `listed_day` holds it.
pub(crate) fn day(t: i64) -> i64 {
    t.div_euclid(86_400)
}

/// The document for one entry. Every string is NFC-normalised here, so decomposed input (macOS, PDFs) indexes the
/// same as composed input.
pub(crate) fn document(fields: &Fields, entry: &DossierEntry) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_i64(fields.id, entry.id);
    let code = nfc(entry.code.trim());
    if !code.is_empty() {
        doc.add_text(fields.code_key, &code);
        if let Some(tail) = code_tail(&code) {
            doc.add_text(fields.code_key, tail);
        }
    }
    let id_number = nfc(entry.applicant_id_number.trim());
    if !id_number.is_empty() {
        doc.add_text(fields.id_number, &id_number);
    }
    let name = nfc(&entry.applicant_name);
    doc.add_text(fields.name, &name);
    doc.add_text(fields.name_exact, &name);
    let procedure = nfc(&entry.procedure_name);
    doc.add_text(fields.procedure, &procedure);
    let form = nfc(&entry.form_text);
    doc.add_text(fields.form, head(&form, STORED_TEXT_BYTES));
    let mut searchable = vec![name, nfc(&entry.procedure_code), procedure, form];
    for document in &entry.documents {
        let file_name = nfc(&document.file_name);
        let text = nfc(head(&document.text, INDEXED_TEXT_BYTES));
        doc.add_i64(fields.doc_id, document.document_id);
        doc.add_text(fields.doc_name, &file_name);
        doc.add_text(fields.doc_text, head(&text, STORED_TEXT_BYTES));
        searchable.push(file_name);
        searchable.push(text);
    }
    // Each value is tokenized on its own, so no pair spans the end of one text and the start of the next.
    for value in searchable.iter().filter(|v| !v.is_empty()) {
        doc.add_text(fields.text, value);
        doc.add_text(fields.text_exact, value);
        doc.add_text(fields.pairs, value);
    }
    doc.add_u64(fields.status, u64::from(entry.status));
    let unit = nfc(entry.unit.trim());
    if !unit.is_empty() {
        doc.add_text(fields.unit, &unit);
    }
    if let Some(assignee) = entry.assignee {
        doc.add_i64(fields.assignee, assignee);
    }
    doc.add_u64(fields.channel, u64::from(entry.channel));
    doc.add_bool(fields.running, entry.running);
    doc.add_bool(fields.active, entry.active);
    doc.add_bool(fields.archived, entry.archived);
    doc.add_i64(fields.listed_at, listed_at(entry));
    doc.add_i64(fields.listed_day, day(listed_at(entry)));
    if let Some(due_at) = entry.due_at {
        doc.add_i64(fields.due_at, due_at);
    }
    doc
}
