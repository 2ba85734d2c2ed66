//! Search layer: one pass over the hits of the text query that yields the page of results, the total and the
//! disjunctive facet counts together.
//!
//! Filters are applied here, from fast-field ordinals, rather than as query clauses: a hit that fails exactly one
//! filter still counts for that filter's facet ("Hộ tịch (12)" while Xây dựng is picked), so every hit of the text
//! query has to be seen anyway. Per hit this costs three column reads; memory is bounded by the number of distinct
//! facet values and the page size, not by the index.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::schema::{FACET_FIELDS, NAME_SORT};

/// How the page is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    /// By relevance (the text query is not empty).
    Score,
    /// By accent-insensitive name (listing everything).
    Name,
}

/// Sector, level and service-level filter values, in the order of `FACET_FIELDS`.
pub(crate) type Filters = [Option<String>; 3];

/// Collects the best `keep` hits passing every filter, the number of such hits, the number of hits of the text
/// query alone, and per dimension the counts over hits passing the other dimensions' filters.
pub(crate) struct CatalogueCollector {
    pub filters: Filters,
    pub keep: usize,
    pub order: Order,
}

/// One hit kept for the page. `rank` orders hits by relevance (larger first) when ordering by score.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub score: Score,
    rank: u64,
    name: Option<String>,
    pub address: DocAddress,
}

/// The merged result of a collection.
#[derive(Debug, Default)]
pub(crate) struct CatalogueFruit {
    /// Hits of the text query that pass every filter.
    pub total: usize,
    /// Hits of the text query, filters ignored (decides the AND → OR fallback).
    pub matched: usize,
    /// Per dimension, (value, count) sorted by count descending then value.
    pub facets: [Vec<(String, u64)>; 3],
    /// The first `keep` hits in page order.
    pub top: Vec<Candidate>,
}

/// What one segment produced.
pub(crate) struct SegmentFruit {
    total: usize,
    matched: usize,
    facets: [Vec<(String, u64)>; 3],
    top: Vec<Candidate>,
}

/// A filter resolved against one segment's dictionary.
#[derive(Clone, Copy)]
enum Wanted {
    Any,
    Ord(u64),
    /// The value does not occur in this segment: nothing here passes.
    Absent,
}

/// One facet dimension of one segment.
struct Dimension {
    column: Option<StrColumn>,
    wanted: Wanted,
    counts: Vec<u64>,
}

impl Dimension {
    fn open(reader: &SegmentReader, field: &str, filter: Option<&str>) -> tantivy::Result<Self> {
        let column = reader.fast_fields().str(field)?;
        let wanted = match (filter, &column) {
            (None, _) => Wanted::Any,
            (Some(_), None) => Wanted::Absent,
            (Some(value), Some(column)) => match column.dictionary().term_ord(value)? {
                Some(ord) => Wanted::Ord(ord),
                None => Wanted::Absent,
            },
        };
        let counts = match &column {
            Some(column) => vec![0; column.dictionary().num_terms()],
            None => Vec::new(),
        };
        Ok(Dimension {
            column,
            wanted,
            counts,
        })
    }

    fn ord(&self, doc: DocId) -> Option<u64> {
        self.column
            .as_ref()
            .and_then(|column| column.ords().first(doc))
    }

    fn passes(&self, ord: Option<u64>) -> bool {
        match self.wanted {
            Wanted::Any => true,
            Wanted::Ord(wanted) => ord == Some(wanted),
            Wanted::Absent => false,
        }
    }

    fn count(&mut self, ord: Option<u64>) {
        if let Some(slot) = ord.and_then(|o| usize::try_from(o).ok())
            && let Some(count) = self.counts.get_mut(slot)
        {
            *count += 1;
        }
    }

    fn harvest(self) -> Vec<(String, u64)> {
        let Some(column) = &self.column else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (ord, &count) in self.counts.iter().enumerate() {
            if count == 0 {
                continue;
            }
            let mut value = String::new();
            if let Ok(true) = column.ord_to_str(ord as u64, &mut value) {
                out.push((value, count));
            }
        }
        out
    }
}

pub(crate) struct SegmentCatalogue {
    segment: SegmentOrdinal,
    order: Order,
    keep: usize,
    dimensions: [Dimension; 3],
    names: Option<StrColumn>,
    total: usize,
    matched: usize,
    /// Min-heap of the best `keep` hits: (rank, earlier doc first), worst on top.
    heap: BinaryHeap<Reverse<(u64, Reverse<DocId>)>>,
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

fn rank_score(rank: u64) -> Score {
    let bits = rank as u32;
    Score::from_bits(if bits & 0x8000_0000 != 0 {
        bits & 0x7fff_ffff
    } else {
        !bits
    })
}

impl Collector for CatalogueCollector {
    type Fruit = CatalogueFruit;
    type Child = SegmentCatalogue;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentCatalogue> {
        let [sector, level, service] = &self.filters;
        let dimensions = [
            Dimension::open(reader, FACET_FIELDS[0], sector.as_deref())?,
            Dimension::open(reader, FACET_FIELDS[1], level.as_deref())?,
            Dimension::open(reader, FACET_FIELDS[2], service.as_deref())?,
        ];
        let names = match self.order {
            Order::Name => reader.fast_fields().str(NAME_SORT)?,
            Order::Score => None,
        };
        Ok(SegmentCatalogue {
            segment,
            order: self.order,
            keep: self.keep,
            dimensions,
            names,
            total: 0,
            matched: 0,
            heap: BinaryHeap::with_capacity(self.keep.min(128) + 1),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.order == Order::Score
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<CatalogueFruit> {
        let mut merged = CatalogueFruit::default();
        let mut counts: [HashMap<String, u64>; 3] = Default::default();
        for fruit in fruits {
            merged.total += fruit.total;
            merged.matched += fruit.matched;
            merged.top.extend(fruit.top);
            for (dimension, values) in counts.iter_mut().zip(fruit.facets) {
                for (value, count) in values {
                    *dimension.entry(value).or_default() += count;
                }
            }
        }
        match self.order {
            Order::Score => merged
                .top
                .sort_by(|a, b| b.rank.cmp(&a.rank).then(a.address.cmp(&b.address))),
            // A hit without a sort key (none should lack one) goes last.
            Order::Name => merged.top.sort_by(|a, b| {
                (a.name.is_none(), &a.name, a.address).cmp(&(b.name.is_none(), &b.name, b.address))
            }),
        }
        merged.top.truncate(self.keep);
        for (out, dimension) in merged.facets.iter_mut().zip(counts) {
            let mut values: Vec<(String, u64)> = dimension.into_iter().collect();
            values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            *out = values;
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentCatalogue {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.matched += 1;
        let ords = [
            self.dimensions[0].ord(doc),
            self.dimensions[1].ord(doc),
            self.dimensions[2].ord(doc),
        ];
        let mut failed = None;
        let mut failures = 0;
        for (i, (dimension, ord)) in self.dimensions.iter().zip(ords).enumerate() {
            if !dimension.passes(ord) {
                failures += 1;
                failed = Some(i);
            }
        }
        match (failures, failed) {
            (0, _) => {
                self.total += 1;
                for (dimension, ord) in self.dimensions.iter_mut().zip(ords) {
                    dimension.count(ord);
                }
                self.offer(doc, score);
            }
            (1, Some(i)) => self.dimensions[i].count(ords[i]),
            _ => {}
        }
    }

    fn harvest(self) -> SegmentFruit {
        let SegmentCatalogue {
            segment,
            order,
            dimensions,
            names,
            total,
            matched,
            heap,
            ..
        } = self;
        let top = heap
            .into_iter()
            .map(|Reverse((rank, Reverse(doc)))| {
                let name = match (order, &names) {
                    (Order::Name, Some(column)) => {
                        let mut name = String::new();
                        match column.ord_to_str(u64::MAX - rank, &mut name) {
                            Ok(true) => Some(name),
                            _ => None,
                        }
                    }
                    _ => None,
                };
                Candidate {
                    score: match order {
                        Order::Score => rank_score(rank),
                        Order::Name => 0.0,
                    },
                    rank,
                    name,
                    address: DocAddress::new(segment, doc),
                }
            })
            .collect();
        SegmentFruit {
            total,
            matched,
            facets: dimensions.map(Dimension::harvest),
            top,
        }
    }
}

impl SegmentCatalogue {
    /// Keeps the hit if it is among the best `keep` seen so far. Docs arrive in id order, so on equal rank the
    /// earlier doc stays, which makes pages stable.
    fn offer(&mut self, doc: DocId, score: Score) {
        if self.keep == 0 {
            return;
        }
        let rank = match self.order {
            Order::Score => score_rank(score),
            // Smaller name ordinal first; a doc without a sort key goes last.
            Order::Name => {
                let ord = self
                    .names
                    .as_ref()
                    .and_then(|names| names.ords().first(doc));
                u64::MAX - ord.unwrap_or(u64::MAX)
            }
        };
        let entry = (rank, Reverse(doc));
        if self.heap.len() < self.keep {
            self.heap.push(Reverse(entry));
        } else if let Some(mut worst) = self.heap.peek_mut()
            && entry > worst.0
        {
            *worst = Reverse(entry);
        }
    }
}
