//! Search layer: [`AnyOf`], a disjunction that seeks each of its clauses on its own, for large indexes.
//!
//! tantivy's `BooleanQuery` of `Should` clauses runs a buffered union: on every seek past its window it advances
//! each clause through the next 4,096 documents and scores every posting there. That is the fastest way to walk a
//! whole union, and the slowest way to be one side of an intersection: a query word's alternatives (folded, with
//! accents, in the name, in the text) are long posting lists in a million dossiers, while the other words leave
//! only a few of their documents to look at. `AnyOf` instead seeks each clause (a skip list for a term) and scores
//! only the documents asked for. The score is the same sum a `BooleanQuery` of `Should` clauses gives.

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

/// Matches a document if any clause does; its score is the sum of the scores of the clauses that match it.
#[derive(Debug)]
pub(crate) struct AnyOf {
    clauses: Vec<Box<dyn Query>>,
}

impl Clone for AnyOf {
    fn clone(&self) -> Self {
        AnyOf {
            clauses: self.clauses.iter().map(|c| c.box_clone()).collect(),
        }
    }
}

impl AnyOf {
    pub fn new(clauses: Vec<Box<dyn Query>>) -> Self {
        AnyOf { clauses }
    }
}

impl Query for AnyOf {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .clauses
            .iter()
            .map(|c| c.weight(enable_scoring))
            .collect::<tantivy::Result<_>>()?;
        Ok(Box::new(AnyOfWeight { weights }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for clause in &self.clauses {
            clause.query_terms(visitor);
        }
    }
}

struct AnyOfWeight {
    weights: Vec<Box<dyn Weight>>,
}

impl Weight for AnyOfWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorers = Vec::with_capacity(self.weights.len());
        for weight in &self.weights {
            let scorer = weight.scorer(reader, boost)?;
            if scorer.doc() != TERMINATED {
                scorers.push(scorer);
            }
        }
        Ok(match scorers.len() {
            0 => Box::new(EmptyScorer),
            1 => scorers.remove(0),
            _ => Box::new(AnyOfScorer::new(scorers)),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut details = Vec::new();
        for weight in &self.weights {
            if let Ok(explanation) = weight.explain(reader, doc) {
                details.push(explanation);
            }
        }
        if details.is_empty() {
            return Err(TantivyError::InvalidArgument(format!(
                "Document #({doc}) does not match"
            )));
        }
        let mut explanation = Explanation::new(
            "AnyOf: sum of",
            details.iter().map(Explanation::value).sum(),
        );
        for detail in details {
            explanation.add_detail(detail);
        }
        Ok(explanation)
    }
}

/// The union of its scorers, each kept on its own position: `doc` is the smallest of them.
pub(crate) struct AnyOfScorer {
    scorers: Vec<Box<dyn Scorer>>,
    doc: DocId,
}

impl AnyOfScorer {
    pub(crate) fn new(scorers: Vec<Box<dyn Scorer>>) -> Self {
        let mut scorer = AnyOfScorer {
            scorers,
            doc: TERMINATED,
        };
        scorer.settle();
        scorer
    }

    /// Drops exhausted scorers and moves `doc` to the smallest position left.
    fn settle(&mut self) -> DocId {
        self.scorers.retain(|s| s.doc() != TERMINATED);
        self.doc = self
            .scorers
            .iter()
            .map(|s| s.doc())
            .min()
            .unwrap_or(TERMINATED);
        self.doc
    }
}

impl DocSet for AnyOfScorer {
    fn advance(&mut self) -> DocId {
        let current = self.doc;
        for scorer in &mut self.scorers {
            if scorer.doc() == current {
                scorer.advance();
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for scorer in &mut self.scorers {
            if scorer.doc() < target {
                scorer.seek(target);
            }
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.scorers
            .iter()
            .fold(0u32, |n, s| n.saturating_add(s.size_hint()))
    }

    fn cost(&self) -> u64 {
        self.scorers.iter().map(|s| s.cost()).sum()
    }
}

impl Scorer for AnyOfScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        self.scorers
            .iter_mut()
            .filter(|s| s.doc() == doc)
            .map(|s| s.score())
            .sum()
    }
}
