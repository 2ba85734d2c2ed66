//! Search layer: [`PrefixQuery`], the terms of a field starting with a prefix, each document scoring the query's
//! boost once (like tantivy's prefix automaton, `FuzzyTermQuery::new_prefix`).
//!
//! tantivy's automaton query gathers every matching document of a segment into a bitset the size of the segment
//! before the first one is returned: on a million dossiers, the allocation and the zeroing alone cost more than the
//! handful of terms a typed prefix usually covers ("khoa", "khoai" for "kho"). Here a segment's matching terms are
//! listed from its dictionary first; up to [`MAX_TERMS`] are walked lazily as one union, sought like any term,
//! and only a prefix covering more terms than that falls back to the automaton.

use tantivy::query::{
    ConstScorer, EmptyScorer, EnableScoring, Explanation, FuzzyTermQuery, Query, Scorer, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term};

use super::any_of::AnyOfScorer;

/// Terms of one segment walked as a union; a prefix matching more uses the automaton and its bitset.
const MAX_TERMS: usize = 32;

/// Documents holding a term of `field` that starts with `prefix`; each scores 1 (times the boost).
#[derive(Debug, Clone)]
pub(crate) struct PrefixQuery {
    term: Term,
}

impl PrefixQuery {
    pub fn new(field: Field, prefix: &str) -> Self {
        PrefixQuery {
            term: Term::from_field_text(field, prefix),
        }
    }
}

impl Query for PrefixQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let fallback =
            FuzzyTermQuery::new_prefix(self.term.clone(), 0, false).weight(enable_scoring)?;
        Ok(Box::new(PrefixWeight {
            term: self.term.clone(),
            fallback,
        }))
    }
}

struct PrefixWeight {
    term: Term,
    fallback: Box<dyn Weight>,
}

impl Weight for PrefixWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inverted = reader.inverted_index(self.term.field())?;
        let prefix = self.term.serialized_value_bytes();
        let mut stream = inverted.terms().range().ge(prefix).into_stream()?;
        let mut infos = Vec::new();
        while stream.advance() && stream.key().starts_with(prefix) {
            if infos.len() == MAX_TERMS {
                return self.fallback.scorer(reader, boost);
            }
            infos.push(stream.value().clone());
        }
        let mut postings: Vec<Box<dyn Scorer>> = Vec::with_capacity(infos.len());
        for info in &infos {
            let docs = inverted.read_postings_from_terminfo(info, IndexRecordOption::Basic)?;
            postings.push(Box::new(ConstScorer::new(docs, boost)));
        }
        Ok(match postings.len() {
            0 => Box::new(EmptyScorer),
            1 => postings.remove(0),
            _ => Box::new(ConstScorer::new(AnyOfScorer::new(postings), boost)),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.doc() > doc || scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "Document #({doc}) does not match"
            )));
        }
        Ok(Explanation::new("PrefixQuery", scorer.score()))
    }
}

#[cfg(test)]
mod tests {
    // Tests fail loudly on purpose; the lint guards request paths.
    #![allow(clippy::expect_used, clippy::unwrap_used)]

    use tantivy::collector::{Count, TopDocs};
    use tantivy::schema::{STRING, Schema};
    use tantivy::{Index, IndexWriter, TantivyDocument};

    use super::{MAX_TERMS, PrefixQuery};

    #[test]
    fn a_prefix_matches_its_terms_once_each_lazily_or_through_the_automaton() {
        let mut schema = Schema::builder();
        let field = schema.add_text_field("key", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer(15_000_000).expect("writer");
        for i in 0..MAX_TERMS + 8 {
            let mut doc = TantivyDocument::default();
            doc.add_text(field, format!("ab{i:02}"));
            doc.add_text(field, format!("ab{i:02}x"));
            writer.add_document(doc).expect("add");
        }
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        let count = |prefix: &str| {
            searcher
                .search(&PrefixQuery::new(field, prefix), &Count)
                .expect("search")
        };
        // More terms than the lazy union takes: the automaton.
        assert_eq!(count("ab"), MAX_TERMS + 8);
        // "ab1": ten documents of two terms each, each document once.
        assert_eq!(count("ab1"), 10);
        assert_eq!(count("zz"), 0);
        let top = searcher
            .search(
                &PrefixQuery::new(field, "ab1"),
                &TopDocs::with_limit(20).order_by_score(),
            )
            .expect("search");
        assert!(top.iter().all(|(score, _)| *score == 1.0), "{top:?}");
    }
}
