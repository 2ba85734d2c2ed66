//! Search layer: the index handle (open, search) and its single writer.

use std::path::Path;
use std::sync::Arc;

use tantivy::directory::MmapDirectory;
use tantivy::query::AllQuery;
use tantivy::schema::{Schema, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, TantivyError, Term,
};

use super::collect::{CatalogueCollector, CatalogueFruit, Order};
use super::highlight::{Highlighter, escape};
use super::query::{Mode, ParsedQuery};
use super::schema::{self, Fields, SCHEMA_VERSION};
use super::{
    Facets, Freshness, MAX_LIMIT, MAX_OFFSET, ProcedureEntry, ProcedureHit, ProcedureQuery,
    ProcedureResults, SearchError,
};
use crate::domain::text::nfc;

/// Directory name prefix of an index; the schema version follows.
const DIR_PREFIX: &str = "procedures-v";
/// One indexing thread leaves the other core to serve requests (2-core appliance).
const WRITER_THREADS: usize = 1;
/// tantivy's per-thread indexing budget; 50 MB holds a full catalogue rebuild in one segment.
const WRITER_MEMORY: usize = 50_000_000;

/// The procedure index. Cloning is cheap and shares the same reader.
#[derive(Clone)]
pub struct SearchIndex {
    inner: Arc<Inner>,
}

struct Inner {
    index: Index,
    /// One reader for the process, reloaded by [`ProcedureWriter::commit`] (manual policy: a commit is visible to
    /// the very next search, with no file watcher thread).
    reader: IndexReader,
    fields: Fields,
    /// Query-time copies of the analyzers; cloned per query because tokenising needs `&mut`.
    vi: TextAnalyzer,
    vi_exact: TextAnalyzer,
}

impl SearchIndex {
    /// Opens the index under `dir` (the data directory's `search/`), in `procedures-v{SCHEMA_VERSION}`. Other
    /// `procedures-v*` directories are removed: an older one is obsolete, and a newer one left by a downgrade
    /// would be stale if that newer version came back. An index that cannot be read with this schema is
    /// discarded too, since it can be rebuilt.
    pub fn open(dir: &Path) -> Result<(SearchIndex, Freshness), SearchError> {
        open_version(dir, SCHEMA_VERSION)
    }

    /// An index in memory, for tests and for tools that need no persistence.
    pub fn in_ram() -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema::build();
        SearchIndex::with_index(Index::create_in_ram(schema), fields)
    }

    fn with_index(index: Index, fields: Fields) -> Result<SearchIndex, SearchError> {
        schema::register_analyzers(&index);
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
        Ok(SearchIndex {
            inner: Arc::new(inner),
        })
    }

    /// The writer. tantivy allows one per index (a lock file); a second call fails until the first is dropped.
    pub fn writer(&self) -> Result<ProcedureWriter, SearchError> {
        let writer = self
            .inner
            .index
            .writer_with_num_threads(WRITER_THREADS, WRITER_MEMORY)?;
        Ok(ProcedureWriter {
            writer,
            reader: self.inner.reader.clone(),
            fields: self.inner.fields,
            folder: self.inner.vi.clone(),
        })
    }

    /// Procedures visible to searches (as of the last commit).
    pub fn doc_count(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }

    /// One page of results for `q`, with its total and facet counts. Synchronous: a few milliseconds of CPU.
    pub fn search(&self, q: &ProcedureQuery) -> Result<ProcedureResults, SearchError> {
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
        // Indexed values were NFC-normalised; a filter must be too to compare equal.
        let filters = [&q.sector, &q.level, &q.service_level].map(|f| f.as_deref().map(nfc));
        let collector = |order| CatalogueCollector {
            filters: filters.clone(),
            keep: offset + limit,
            order,
        };
        let fruit = match parsed.build(&inner.fields.query(), Mode::All) {
            None => searcher.search(&AllQuery, &collector(Order::Name))?,
            Some(all) => {
                let fruit = searcher.search(&*all, &collector(Order::Score))?;
                let any = (fruit.matched == 0 && parsed.relaxable())
                    .then(|| parsed.build(&inner.fields.query(), Mode::Any))
                    .flatten();
                match any {
                    Some(any) => searcher.search(&*any, &collector(Order::Score))?,
                    None => fruit,
                }
            }
        };
        let highlighter = (!parsed.is_empty()).then(|| {
            Highlighter::new(
                &parsed,
                vi,
                inner.fields.name,
                inner.fields.text,
                q.text_snippets,
            )
        });
        let hits = page(&searcher, &inner.fields, &fruit, offset, highlighter)?;
        let [sector, level, service_level] = fruit.facets;
        Ok(ProcedureResults {
            total: fruit.total,
            hits,
            facets: Facets {
                sector,
                level,
                service_level,
            },
        })
    }
}

/// Loads and highlights the hits from `offset` on.
fn page(
    searcher: &Searcher,
    fields: &Fields,
    fruit: &CatalogueFruit,
    offset: usize,
    mut highlighter: Option<Highlighter>,
) -> Result<Vec<ProcedureHit>, SearchError> {
    let mut hits = Vec::with_capacity(fruit.top.len().saturating_sub(offset));
    for candidate in fruit.top.iter().skip(offset) {
        let doc: TantivyDocument = searcher.doc(candidate.address)?;
        let stored = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
        };
        let (name, text) = (stored(fields.name), stored(fields.text));
        let (name_html, text_html) = match highlighter.as_mut() {
            Some(h) => h.highlight(name, text),
            None => (escape(name), String::new()),
        };
        hits.push(ProcedureHit {
            code: stored(fields.code).to_owned(),
            score: candidate.score,
            name_html,
            text_html,
        });
    }
    Ok(hits)
}

/// [`SearchIndex::open`] for a given schema version, so a version bump can be tested.
pub(crate) fn open_version(
    dir: &Path,
    version: u32,
) -> Result<(SearchIndex, Freshness), SearchError> {
    let (schema, fields) = schema::build();
    let (index, freshness) = open_versioned(dir, DIR_PREFIX, version, &schema)?;
    Ok((SearchIndex::with_index(index, fields)?, freshness))
}

/// Opens or creates the index in `<dir>/<prefix><version>`, after removing the other `<prefix>*` versions. Shared
/// by the indexes of the search layer, each with its own prefix; an index that cannot be read with `schema` is
/// discarded and recreated, since SQLite can rebuild it.
pub(crate) fn open_versioned(
    dir: &Path,
    prefix: &str,
    version: u32,
    schema: &Schema,
) -> Result<(Index, Freshness), SearchError> {
    std::fs::create_dir_all(dir)?;
    let current = format!("{prefix}{version}");
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let other_version = name
            .strip_prefix(prefix)
            .is_some_and(|v| v.parse::<u32>().is_ok());
        if other_version && name != current && entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(entry.path())?;
        }
    }
    let path = dir.join(&current);
    match open_in(&path, schema) {
        Ok(opened) => Ok(opened),
        Err(SearchError::Tantivy(
            TantivyError::SchemaError(_)
            | TantivyError::DataCorruption(_)
            | TantivyError::IncompatibleIndex(_)
            | TantivyError::DeserializeError(_),
        )) => {
            std::fs::remove_dir_all(&path)?;
            let (index, _) = open_in(&path, schema)?;
            Ok((index, Freshness::Created))
        }
        Err(other) => Err(other),
    }
}

fn open_in(path: &Path, schema: &Schema) -> Result<(Index, Freshness), SearchError> {
    std::fs::create_dir_all(path)?;
    let directory = MmapDirectory::open(path)?;
    let freshness = match Index::exists(&directory).map_err(TantivyError::from)? {
        true => Freshness::Existing,
        false => Freshness::Created,
    };
    let index = Index::open_or_create(directory, schema.clone())?;
    Ok((index, freshness))
}

/// The one writer of the index. Changes become visible to searches at [`ProcedureWriter::commit`].
pub struct ProcedureWriter {
    writer: IndexWriter<TantivyDocument>,
    reader: IndexReader,
    fields: Fields,
    folder: TextAnalyzer,
}

impl ProcedureWriter {
    /// Adds `e`, replacing any procedure with the same code.
    pub fn upsert(&mut self, e: &ProcedureEntry) -> Result<(), SearchError> {
        self.delete(&e.code)?;
        let doc = schema::document(&self.fields, &mut self.folder, e);
        self.writer.add_document(doc)?;
        Ok(())
    }

    /// Removes the procedure with this code, if any.
    pub fn delete(&mut self, code: &str) -> Result<(), SearchError> {
        let code = nfc(code);
        self.writer
            .delete_term(Term::from_field_text(self.fields.code, &code));
        Ok(())
    }

    /// Removes every procedure: the first step of a rebuild, committed together with the new documents.
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
}
