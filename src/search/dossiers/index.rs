//! Search layer: the dossier index handle (open, search) and its single writer.

use std::path::Path;
use std::sync::Arc;

use tantivy::collector::TopDocs;
use tantivy::indexer::IndexWriterOptions;
use tantivy::query::{Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use super::collect::{DossierCollector, DossierFruit, Order};
use super::query::{filter_clauses, restricted, text_query};
use super::schema::{self, DOSSIER_SCHEMA_VERSION, Fields};
use super::snippet;
use super::{DossierEntry, DossierHit, DossierQuery, DossierResults, SnippetSource};
use crate::domain::text::nfc;
use crate::search::highlight::Highlighter;
use crate::search::index::open_versioned;
use crate::search::query::{Mode, ParsedQuery};
use crate::search::{Freshness, MAX_LIMIT, MAX_OFFSET, SearchError};

/// Directory name prefix of the index, next to the catalogue's `procedures-v*`; the schema version follows.
const DIR_PREFIX: &str = "dossiers-v";
/// One indexing thread leaves the other core to serve requests (2-core appliance).
const WRITER_THREADS: usize = 1;
/// Merges run on one thread too, for the same reason; they are background work and may take their time.
const MERGE_THREADS: usize = 1;
/// The indexing thread's budget before it writes a segment: a bulk rebuild of a million dossiers (about 5 GB of
/// text) then makes segments of ~25,000 dossiers, few enough for the merges to keep up, in a resident size a
/// small appliance affords. Pages are allocated as used, so day-to-day updates stay far below it.
const WRITER_MEMORY: usize = 128_000_000;

/// The dossier index. Cloning is cheap and shares the same reader.
#[derive(Clone)]
pub struct DossierIndex {
    inner: Arc<Inner>,
}

struct Inner {
    index: Index,
    /// One reader for the process, reloaded by [`DossierWriter::commit`] (manual policy: a commit is visible to
    /// the very next search, with no file watcher thread).
    reader: IndexReader,
    fields: Fields,
    /// Query-time copies of the analyzers; cloned per query because tokenising needs `&mut`.
    vi: TextAnalyzer,
    vi_exact: TextAnalyzer,
}

impl DossierIndex {
    /// Opens the index under `dir` (the data directory's `search/`), in `dossiers-v{DOSSIER_SCHEMA_VERSION}`,
    /// removing other `dossiers-v*` directories; an index this schema cannot read is discarded. `Created` tells
    /// the caller to rebuild from SQLite.
    pub fn open(dir: &Path) -> Result<(DossierIndex, Freshness), SearchError> {
        open_version(dir, DOSSIER_SCHEMA_VERSION)
    }

    /// An index in memory, for tests and for tools that need no persistence.
    pub fn in_ram() -> Result<DossierIndex, SearchError> {
        let (schema, fields) = schema::build();
        DossierIndex::with_index(Index::create_in_ram(schema), fields)
    }

    fn with_index(index: Index, fields: Fields) -> Result<DossierIndex, SearchError> {
        crate::search::schema::register_analyzers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let inner = Inner {
            vi: index.tokenizer_for_field(fields.name)?,
            vi_exact: index.tokenizer_for_field(fields.name_exact)?,
            index,
            reader,
            fields,
        };
        Ok(DossierIndex {
            inner: Arc::new(inner),
        })
    }

    /// The writer. tantivy allows one per index (a lock file); a second call fails until the first is dropped.
    pub fn writer(&self) -> Result<DossierWriter, SearchError> {
        let options = IndexWriterOptions::builder()
            .num_worker_threads(WRITER_THREADS)
            .num_merge_threads(MERGE_THREADS)
            .memory_budget_per_thread(WRITER_MEMORY)
            .build();
        let writer = self.inner.index.writer_with_options(options)?;
        Ok(DossierWriter {
            writer,
            reader: self.inner.reader.clone(),
            fields: self.inner.fields,
        })
    }

    /// Dossiers visible to searches (as of the last commit).
    pub fn doc_count(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }

    /// The id of the dossier whose code (or its "YYMMDD-XXXX" tail) is exactly `code`, through the index alone: no
    /// parsing, scoring, filter or stored document. For a scanned receipt, and the floor of a search's cost.
    pub fn find_code(&self, code: &str) -> Result<Option<i64>, SearchError> {
        let searcher = self.inner.reader.searcher();
        let key = nfc(code.trim()).to_lowercase();
        let term = Term::from_field_text(self.inner.fields.code_key, &key);
        let query = TermQuery::new(term, IndexRecordOption::Basic);
        let top = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
        let Some((_, address)) = top.first() else {
            return Ok(None);
        };
        let segment = searcher.segment_reader(address.segment_ord);
        let ids = segment.fast_fields().i64("id")?;
        Ok(ids.first(address.doc_id))
    }

    /// One page of dossiers for `q` and their total. Synchronous: milliseconds of CPU, more for a text matching
    /// a large part of the index.
    pub fn search(&self, q: &DossierQuery) -> Result<DossierResults, SearchError> {
        let inner = &*self.inner;
        let searcher = inner.reader.searcher();
        let offset = q.offset.min(MAX_OFFSET);
        let limit = q.limit.min(MAX_LIMIT);
        let mut vi = inner.vi.clone();
        let mut vi_exact = inner.vi_exact.clone();
        let mut parsed = ParsedQuery::parse(&q.text, &mut vi_exact, &mut vi);
        // A failed lookup counts as unknown: at worst the query also looks for typos.
        let searcher_ref = &searcher;
        let known = |field| {
            move |folded: &str| {
                let term = Term::from_field_text(field, folded);
                searcher_ref.doc_freq(&term).is_ok_and(|n| n > 0)
            }
        };
        parsed.check_dictionaries(known(inner.fields.text), known(inner.fields.name));
        let filters = filter_clauses(&inner.fields, q);
        let collector = |order| DossierCollector {
            keep: offset + limit,
            order,
            id: "id",
            listed_at: "listed_at",
        };
        let run = |text: Option<Box<dyn Query>>, order| -> Result<DossierFruit, SearchError> {
            Ok(searcher.search(&*restricted(text, &filters), &collector(order))?)
        };
        // Unlike the catalogue, no fallback from all words to any word: among a million dossiers, those sharing
        // one word of a name or a sentence are noise, and the union of common words' postings is the most
        // expensive query there is. Typos and accents are already tolerated word by word.
        let fruit = match text_query(&inner.fields, &parsed, Mode::All) {
            None => run(None, Order::Newest)?,
            Some(all) => run(Some(all), Order::Score)?,
        };
        let highlighter = (!parsed.is_empty())
            .then(|| Highlighter::new(&parsed, vi, inner.fields.name, inner.fields.text, true));
        let hits = page(&searcher, &inner.fields, &fruit, offset, highlighter)?;
        Ok(DossierResults {
            total: fruit.total,
            hits,
        })
    }
}

/// Loads and highlights the hits from `offset` on; a listing reads no stored document at all.
fn page(
    searcher: &Searcher,
    fields: &Fields,
    fruit: &DossierFruit,
    offset: usize,
    mut highlighter: Option<Highlighter>,
) -> Result<Vec<DossierHit>, SearchError> {
    let mut hits = Vec::with_capacity(fruit.top.len().saturating_sub(offset));
    for candidate in fruit.top.iter().skip(offset) {
        let (snippet_html, snippet_source) = match highlighter.as_mut() {
            Some(h) => {
                let doc: TantivyDocument = searcher.doc(candidate.address)?;
                snippet::best(h, fields, &doc)
            }
            None => (String::new(), SnippetSource::None),
        };
        hits.push(DossierHit {
            id: candidate.id,
            score: candidate.score,
            snippet_html,
            snippet_source,
        });
    }
    Ok(hits)
}

/// [`DossierIndex::open`] for a given schema version, so a version bump can be tested.
pub(crate) fn open_version(
    dir: &Path,
    version: u32,
) -> Result<(DossierIndex, Freshness), SearchError> {
    let (schema, fields) = schema::build();
    let (index, freshness) = open_versioned(dir, DIR_PREFIX, version, &schema)?;
    Ok((DossierIndex::with_index(index, fields)?, freshness))
}

/// The one writer of the dossier index. Changes become visible to searches at [`DossierWriter::commit`].
pub struct DossierWriter {
    writer: IndexWriter<TantivyDocument>,
    reader: IndexReader,
    fields: Fields,
}

impl DossierWriter {
    /// Adds `e`, replacing any dossier with the same id.
    pub fn upsert(&mut self, e: &DossierEntry) -> Result<(), SearchError> {
        self.delete(e.id)?;
        self.writer
            .add_document(schema::document(&self.fields, e))?;
        Ok(())
    }

    /// Removes the dossier with this id, if any.
    pub fn delete(&mut self, id: i64) -> Result<(), SearchError> {
        self.writer
            .delete_term(Term::from_field_i64(self.fields.id, id));
        Ok(())
    }

    /// Removes every dossier: the first step of a rebuild, committed together with the new documents.
    pub fn delete_all(&mut self) -> Result<(), SearchError> {
        self.writer.delete_all_documents()?;
        Ok(())
    }

    /// Makes the changes durable and visible to the next search.
    pub fn commit(&mut self) -> Result<(), SearchError> {
        self.writer.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Drops the writer after waiting for its background merges: at shutdown, and so a benchmark measures the
    /// index as it settles. Uncommitted changes are lost.
    pub fn wait_merging_threads(self) -> Result<(), SearchError> {
        self.writer.wait_merging_threads()?;
        Ok(())
    }
}
