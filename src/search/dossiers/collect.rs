//! Search layer: evaluating one query over the dossier index: counting its matches and keeping the first `keep`
//! in page order, by relevance or newest first. Ties go to the newer dossier, then the larger id, so pages are
//! stable whatever the segments.
//!
//! Two limits keep the cost of a search bounded however common the words typed:
//!
//! - a query is scored only when it matches at most [`Limits::rank`] dossiers (scoring seeks every ranking
//!   alternative for each); one matching more is listed newest first instead;
//! - counting stops at [`Limits::count`]: a total beyond it is reported as "at least". The newest matches of such a
//!   query are then found in windows of days going back from the newest dossier's, each a range of the indexed day
//!   intersected with the query, until one holds the page.
//!
//! Matches are read from fast fields (id, listing time); no stored document is read here.

use std::cmp::Reverse;
use std::ops::Bound;

use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, EnableScoring, Occur, Query, RangeQuery, Weight};
use tantivy::{DocAddress, DocId, Score, Searcher, TERMINATED, Term};

use super::schema::{Fields, day};

/// See the module documentation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub rank: usize,
    pub count: usize,
}

/// One hit kept for the page; `score` is 0 when the evaluation was not ranked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Candidate {
    pub id: i64,
    pub score: Score,
    pub address: DocAddress,
}

/// What one query found.
#[derive(Debug, Default)]
pub(crate) struct Evaluation {
    /// Matches, at most `Limits::count`.
    pub count: usize,
    /// Whether `count` is every match (not stopped at the limit).
    pub exact: bool,
    /// The first `keep` in page order.
    pub top: Vec<Candidate>,
}

/// Page order, larger first: (score rank or 0, listing time, id).
type Key = (u64, i64, i64);

/// The best `keep` entries seen. Candidates are buffered and cut back to `keep` when the buffer doubles, with a
/// threshold below which nothing enters: amortised constant time per match, where a heap would sift for every
/// newer dossier of a listing (documents come in index order, which is mostly time order).
struct Best {
    keep: usize,
    buffer: Vec<(Key, DocAddress)>,
    threshold: Option<Key>,
}

impl Best {
    fn new(keep: usize) -> Self {
        Best {
            keep,
            buffer: Vec::new(),
            threshold: None,
        }
    }

    /// Whether an entry starting with `(primary, listed)` could enter (the id, read only when needed, decides
    /// the rest).
    fn may_enter(&self, primary: u64, listed: i64) -> bool {
        self.keep > 0
            && self
                .threshold
                .is_none_or(|t| (primary, listed) >= (t.0, t.1))
    }

    fn offer(&mut self, key: Key, address: DocAddress) {
        if self.threshold.is_some_and(|t| key <= t) {
            return;
        }
        self.buffer.push((key, address));
        if self.buffer.len() >= 2 * self.keep.max(32) {
            self.cut();
        }
    }

    fn cut(&mut self) {
        if self.buffer.len() > self.keep {
            self.buffer
                .select_nth_unstable_by_key(self.keep, |(key, _)| Reverse(*key));
            self.buffer.truncate(self.keep);
            self.threshold = self.buffer.iter().map(|(key, _)| *key).min();
        }
    }

    fn into_sorted(mut self, scored: bool) -> Vec<Candidate> {
        self.buffer.sort_unstable_by_key(|(key, _)| Reverse(*key));
        self.buffer.truncate(self.keep);
        let candidate = |(key, address): (Key, DocAddress)| Candidate {
            id: key.2,
            score: if scored { rank_score(key.0) } else { 0.0 },
            address,
        };
        self.buffer.into_iter().map(candidate).collect()
    }
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

/// Counts `query`'s matches (up to `limits.count`) and keeps the first `keep`: by score when `scored` and the
/// matches are within `limits.rank`, else newest first.
pub(crate) fn evaluate(
    searcher: &Searcher,
    fields: &Fields,
    query: &dyn Query,
    scored: bool,
    keep: usize,
    limits: Limits,
) -> tantivy::Result<Evaluation> {
    let enable = match scored {
        true => EnableScoring::enabled_from_searcher(searcher),
        false => EnableScoring::disabled_from_searcher(searcher),
    };
    let weight = query.weight(enable)?;
    let readers = searcher.segment_readers();
    let scorers = readers
        .iter()
        .map(|reader| weight.scorer(reader, 1.0))
        .collect::<tantivy::Result<Vec<_>>>()?;
    // When the scorers' own estimates (an upper bound for an intersection: its smallest clause) promise no more
    // matches than the rank limit, score in the first pass; else score later, only if the count allows.
    let estimate: usize = scorers.iter().map(|s| s.size_hint() as usize).sum();
    let score_now = scored && estimate <= limits.rank;
    let mut newest = Best::new(keep);
    let mut by_score = Best::new(keep);
    // Matches that will be scored if, in the end, they are few enough to rank: (segment, document, time).
    let mut to_score: Vec<(usize, DocId, i64)> = Vec::new();
    let (mut count, mut exact) = (0, true);
    'segments: for (ordinal, (reader, mut scorer)) in readers.iter().zip(scorers).enumerate() {
        let (ids, listed_at) = columns(reader, fields)?;
        let alive = reader.alive_bitset();
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|alive| alive.is_alive(doc)) {
                if count == limits.count {
                    exact = false;
                    break 'segments;
                }
                count += 1;
                let listed = listed_at.first(doc).unwrap_or(i64::MIN);
                let address = DocAddress::new(ordinal as u32, doc);
                if newest.may_enter(0, listed) {
                    newest.offer((0, listed, id(&ids, doc)), address);
                }
                if score_now {
                    let rank = score_rank(scorer.score());
                    if by_score.may_enter(rank, listed) {
                        by_score.offer((rank, listed, id(&ids, doc)), address);
                    }
                } else if scored && count <= limits.rank {
                    to_score.push((ordinal, doc, listed));
                }
            }
            doc = scorer.advance();
        }
    }
    let top = if score_now && exact && count <= limits.rank {
        by_score.into_sorted(true)
    } else if scored && exact && count <= limits.rank {
        scores(searcher, fields, &*weight, &to_score, keep)?
    } else if exact {
        newest.into_sorted(false)
    } else {
        newest_in_windows(searcher, fields, query, keep)?
    };
    Ok(Evaluation { count, exact, top })
}

/// The best `keep` of `matches` by score. Scoring is a second pass, over the matches alone, because it seeks every
/// ranking alternative for each of them: a first pass that scored as it went would waste that on every query found
/// to match more than the rank limit.
fn scores(
    searcher: &Searcher,
    fields: &Fields,
    weight: &dyn Weight,
    matches: &[(usize, DocId, i64)],
    keep: usize,
) -> tantivy::Result<Vec<Candidate>> {
    let mut best = Best::new(keep);
    for segment in matches.chunk_by(|a, b| a.0 == b.0) {
        let ordinal = segment[0].0;
        let reader = searcher.segment_reader(ordinal as u32);
        let (ids, _) = columns(reader, fields)?;
        let mut scorer = weight.scorer(reader, 1.0)?;
        for &(_, doc, listed) in segment {
            if scorer.doc() > doc || scorer.seek(doc) != doc {
                continue;
            }
            let rank = score_rank(scorer.score());
            if best.may_enter(rank, listed) {
                best.offer(
                    (rank, listed, id(&ids, doc)),
                    DocAddress::new(ordinal as u32, doc),
                );
            }
        }
    }
    Ok(best.into_sorted(true))
}

fn columns(
    reader: &tantivy::SegmentReader,
    fields: &Fields,
) -> tantivy::Result<(Column<i64>, Column<i64>)> {
    let fast = reader.fast_fields();
    let name = |field| reader.schema().get_field_name(field).to_owned();
    Ok((
        fast.i64(&name(fields.id))?,
        fast.i64(&name(fields.listed_at))?,
    ))
}

fn id(ids: &Column<i64>, doc: DocId) -> i64 {
    ids.first(doc).unwrap_or(i64::MIN)
}

/// Windows of time before the newest dossier, each four times the last: three days, then about two weeks, two
/// months, eight months, three years; then everything.
const FIRST_WINDOW_DAYS: i64 = 3;
const WINDOW_GROWTH: i64 = 4;
const WINDOWS: u32 = 5;

/// The `keep` newest matches of `query`: the first window of days (going back from the newest dossier's) holding
/// at least `keep` matches has them all, since every match outside it is older. Windows are ranges of the indexed
/// day, so a window costs the posting lists of its days, not a scan of every dossier's time.
fn newest_in_windows(
    searcher: &Searcher,
    fields: &Fields,
    query: &dyn Query,
    keep: usize,
) -> tantivy::Result<Vec<Candidate>> {
    if keep == 0 {
        return Ok(Vec::new());
    }
    let mut newest = i64::MIN;
    for reader in searcher.segment_readers() {
        if reader.num_docs() > 0 {
            newest = newest.max(columns(reader, fields)?.1.max_value());
        }
    }
    let unlimited = Limits {
        rank: 0,
        count: usize::MAX,
    };
    for step in 0..WINDOWS {
        let span = FIRST_WINDOW_DAYS.saturating_mul(WINDOW_GROWTH.pow(step));
        let since = Term::from_field_i64(fields.listed_day, day(newest).saturating_sub(span));
        let window = RangeQuery::new(Bound::Included(since), Bound::Unbounded);
        let within = BooleanQuery::new(vec![
            (Occur::Must, query.box_clone()),
            (Occur::Must, Box::new(window)),
        ]);
        let found = evaluate(searcher, fields, &within, false, keep, unlimited)?;
        if found.count >= keep {
            return Ok(found.top);
        }
    }
    Ok(evaluate(searcher, fields, query, false, keep, unlimited)?.top)
}
