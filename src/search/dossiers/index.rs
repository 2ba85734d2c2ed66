//! Search layer: the dossier index handle (open, search) and its single writer.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use tantivy::collector::TopDocs;
use tantivy::indexer::IndexWriterOptions;
use tantivy::query::{Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use super::collect::{self, Candidate, Limits};
use super::query::{combine, filter_clauses, text_queries};
use super::schema::{self, DOSSIER_SCHEMA_VERSION, Fields};
use super::snippet;
use super::{DossierEntry, DossierHit, DossierQuery, DossierResults, SnippetSource};
use crate::domain::text::nfc;
use crate::search::highlight::Highlighter;
use crate::search::index::open_versioned;
use crate::search::query::ParsedQuery;
use crate::search::{Freshness, MAX_LIMIT, MAX_OFFSET, SearchError};

/// Directory name prefix of the index, next to the catalogue's `procedures-v*`; the schema version follows.
const DIR_PREFIX: &str = "dossiers-v";
/// One indexing thread leaves the other core to serve requests (2-core appliance).
const WRITER_THREADS: usize = 1;
/// Merges run on one thread too, for the same reason; they are background work and may take their time.
const MERGE_THREADS: usize = 1;
/// The indexing thread's budget before it writes a segment. Pages are allocated as used, so day-to-day updates stay
/// far below it; the benchmark's rebuild of a million dossiers (3.9 GB of text) ran in at most 520 MB of
/// anonymous memory with it, merges and the document-store compressor included.
const WRITER_MEMORY: usize = 128_000_000;

/// Matches a tier may have and still be ranked by relevance (beyond, newest first), and matches counted before a
/// total is reported as "at least" (see `collect.rs`). Scoring a match costs about a microsecond per query word
/// and counting one a fraction of that; at a million dossiers, counting to 10,000 made a search of everyday words
/// several milliseconds slower than counting to 2,000, for a figure ("more than 2,000") that tells an officer the
/// same: add a word or a filter.
const LIMITS: Limits = Limits {
    rank: 2_000,
    count: 2_000,
};

/// Stored documents are compressed (lz4) in blocks of this size, tantivy's default; each hit on a page
/// decompresses one. At 200,000 generated dossiers, 64 KiB blocks (lz4's window) made the stored texts 15 % smaller
/// (the index 9 %) but searches 15 % slower; 32 KiB saved 4 %. Disk is cheaper than the appliance's two cores.
const DOCSTORE_BLOCK_BYTES: usize = 16 * 1024;

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
    /// [`LIMITS`], smaller in tests.
    limits: Limits,
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

    fn with_index(mut index: Index, fields: Fields) -> Result<DossierIndex, SearchError> {
        index.settings_mut().docstore_blocksize = DOCSTORE_BLOCK_BYTES;
        schema::register(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let inner = Inner {
            limits: LIMITS,
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

    /// An in-memory index with other limits, to test what happens past them.
    #[cfg(test)]
    pub(crate) fn in_ram_with_limits(limits: Limits) -> Result<DossierIndex, SearchError> {
        let mut index = DossierIndex::in_ram()?;
        if let Some(inner) = Arc::get_mut(&mut index.inner) {
            inner.limits = limits;
        }
        Ok(index)
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

    /// Bytes on disk by part, summed over segments: `"<field> <part>"` for each field's term dictionary, postings,
    /// positions, fast field and norms, and `"stored documents"`. To see what the index spends its size on.
    pub fn space_by_part(&self) -> Result<Vec<(String, u64)>, SearchError> {
        let usage = self.inner.reader.searcher().space_usage()?;
        let mut parts: BTreeMap<String, u64> = BTreeMap::new();
        for segment in usage.segments() {
            let per_field = [
                ("terms", segment.termdict()),
                ("postings", segment.postings()),
                ("positions", segment.positions()),
                ("fast", segment.fast_fields()),
                ("norms", segment.fieldnorms()),
            ];
            for (part, fields) in per_field {
                for field in fields.fields() {
                    let key = format!("{} {part}", field.field_name());
                    *parts.entry(key).or_default() += field.total().get_bytes();
                }
            }
            *parts.entry("stored documents".to_owned()).or_default() +=
                segment.store().total().get_bytes();
        }
        let mut parts: Vec<(String, u64)> = parts.into_iter().filter(|(_, n)| *n > 0).collect();
        parts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(parts)
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

    /// One page of dossiers for `q` and their total. Synchronous: milliseconds of CPU (see `collect.rs` for how
    /// common words are kept cheap).
    pub fn search(&self, q: &DossierQuery) -> Result<DossierResults, SearchError> {
        let inner = &*self.inner;
        let fields = &inner.fields;
        let searcher = inner.reader.searcher();
        let keep = q.offset.min(MAX_OFFSET) + q.limit.min(MAX_LIMIT);
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
        parsed.check_dictionaries(known(fields.text), known(fields.name));
        let filters = filter_clauses(fields, q);
        let evaluate = |query: &dyn Query, scored, keep| {
            collect::evaluate(&searcher, fields, query, scored, keep, inner.limits)
        };
        let Some(text) = text_queries(fields, &parsed) else {
            let mut listing = evaluate(&*combine(None, &filters, None), false, keep)?;
            if filters.is_empty() {
                (listing.count, listing.exact) = (searcher.num_docs() as usize, true);
            }
            let hits = page(&searcher, fields, listing.top, q.offset, None)?;
            return Ok(DossierResults {
                total: listing.count,
                total_exact: listing.exact,
                hits,
            });
        };
        // Tiers in order, each dossier in the first that has it; the last one also counts the total.
        let rank = text.rank.as_deref();
        let mut top: Vec<Candidate> = Vec::new();
        let mut seen = HashSet::new();
        let mut take = |candidates: Vec<Candidate>, top: &mut Vec<Candidate>| {
            top.extend(candidates.into_iter().filter(|c| seen.insert(c.id)));
        };
        for tier in [text.keys.as_deref(), text.phrase.as_deref()]
            .into_iter()
            .flatten()
        {
            if top.len() < keep {
                let found = evaluate(&*combine(Some(tier), &filters, rank), true, keep)?;
                take(found.top, &mut top);
            }
        }
        let all = if top.len() >= keep {
            evaluate(&*combine(Some(&*text.all), &filters, None), false, 0)?
        } else {
            let all = combine(Some(&*text.all), &filters, rank);
            let mut found = evaluate(&*all, true, keep + top.len())?;
            take(std::mem::take(&mut found.top), &mut top);
            found
        };
        top.truncate(keep);
        let highlighter = Highlighter::new(&parsed, vi, fields.name, fields.text, true);
        let hits = page(&searcher, fields, top, q.offset, Some(highlighter))?;
        Ok(DossierResults {
            total: all.count,
            total_exact: all.exact,
            hits,
        })
    }
}

/// Loads and highlights the hits from `offset` on; a listing reads no stored document at all.
fn page(
    searcher: &Searcher,
    fields: &Fields,
    top: Vec<Candidate>,
    offset: usize,
    mut highlighter: Option<Highlighter>,
) -> Result<Vec<DossierHit>, SearchError> {
    let mut hits = Vec::with_capacity(top.len().saturating_sub(offset));
    for candidate in top.into_iter().skip(offset) {
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
