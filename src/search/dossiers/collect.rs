//! Search layer: one pass over the dossiers a query matched, counting them and keeping the first `keep` in page
//! order: by relevance, or newest first when listing. Ties go to the newer dossier, then the larger id, so pages
//! are stable and never depend on how segments happen to be merged.
//!
//! Everything comes from fast fields (the id and the listing time), so no stored document is read here; the page
//! reads the stored documents of its hits only, for their snippets.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// How the page is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    /// By relevance (the text query is not empty), newer first on equal scores.
    Score,
    /// Newest first by received (else submitted) time.
    Newest,
}

/// Counts the matches and keeps the best `keep`.
pub(crate) struct DossierCollector {
    pub keep: usize,
    pub order: Order,
    /// Fast-field names of the id and the listing time.
    pub id: &'static str,
    pub listed_at: &'static str,
}

/// One hit kept for the page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Candidate {
    pub id: i64,
    pub score: Score,
    pub address: DocAddress,
}

/// Page order: larger keys first.
type Key = (u64, i64, i64);

#[derive(Debug, Default)]
pub(crate) struct DossierFruit {
    pub total: usize,
    /// The first `keep` hits in page order.
    pub top: Vec<Candidate>,
}

/// What one segment found: its count and its best hits with their keys.
pub(crate) struct SegmentFruit {
    total: usize,
    top: Vec<(Key, Candidate)>,
}

pub(crate) struct SegmentDossiers {
    segment: SegmentOrdinal,
    order: Order,
    keep: usize,
    ids: Column<i64>,
    listed_at: Column<i64>,
    total: usize,
    /// Min-heap of the best `keep`: worst on top.
    heap: BinaryHeap<Reverse<(Key, DocId)>>,
}

/// Maps a score to a `u64` with the same order (the usual float-bits trick, negatives included).
fn score_rank(score: Score) -> u64 {
    let bits = score.to_bits();
    u64::from(if bits & 0x8000_0000 != 0 {
        !bits
    } else {
        bits | 0x8000_0000
    })
}

impl Collector for DossierCollector {
    type Fruit = DossierFruit;
    type Child = SegmentDossiers;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentDossiers> {
        Ok(SegmentDossiers {
            segment,
            order: self.order,
            keep: self.keep,
            ids: reader.fast_fields().i64(self.id)?,
            listed_at: reader.fast_fields().i64(self.listed_at)?,
            total: 0,
            heap: BinaryHeap::with_capacity(self.keep.min(1024) + 1),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.order == Order::Score
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<DossierFruit> {
        let mut total = 0;
        let mut all: Vec<(Key, Candidate)> = Vec::new();
        for fruit in fruits {
            total += fruit.total;
            all.extend(fruit.top);
        }
        all.sort_by_key(|(key, _)| Reverse(*key));
        all.truncate(self.keep);
        Ok(DossierFruit {
            total,
            top: all.into_iter().map(|(_, c)| c).collect(),
        })
    }
}

impl SegmentCollector for SegmentDossiers {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.total += 1;
        if self.keep == 0 {
            return;
        }
        let primary = match self.order {
            Order::Score => score_rank(score),
            Order::Newest => 0,
        };
        let listed = self.listed_at.first(doc).unwrap_or(i64::MIN);
        // The id is read only when it can decide: most hits of a large result lose on score or time alone.
        if self.heap.len() >= self.keep
            && let Some(worst) = self.heap.peek()
            && (primary, listed) < (worst.0.0.0, worst.0.0.1)
        {
            return;
        }
        let id = self.ids.first(doc).unwrap_or(i64::MIN);
        let entry = ((primary, listed, id), doc);
        if self.heap.len() < self.keep {
            self.heap.push(Reverse(entry));
        } else if let Some(mut worst) = self.heap.peek_mut()
            && entry.0 > worst.0.0
        {
            *worst = Reverse(entry);
        }
    }

    fn harvest(self) -> Self::Fruit {
        let segment = self.segment;
        let top = self
            .heap
            .into_iter()
            .map(|Reverse((key, doc))| {
                let score = match self.order {
                    Order::Score => rank_score(key.0),
                    Order::Newest => 0.0,
                };
                let candidate = Candidate {
                    id: key.2,
                    score,
                    address: DocAddress::new(segment, doc),
                };
                (key, candidate)
            })
            .collect();
        SegmentFruit {
            total: self.total,
            top,
        }
    }
}

fn rank_score(rank: u64) -> Score {
    let bits = rank as u32;
    Score::from_bits(if bits & 0x8000_0000 != 0 {
        bits & 0x7fff_ffff
    } else {
        !bits
    })
}
