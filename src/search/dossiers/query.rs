//! Search layer: a [`DossierQuery`] as tantivy queries, in tiers.
//!
//! What an officer types is matched word by word as in the catalogue (accents, one typo, Telex, the word being
//! typed), but the dossiers holding every word are far too many to rank all of them once a million dossiers
//! share an everyday vocabulary: in the benchmark's generated prose, five to nine words of a sentence are all in
//! one dossier in fifteen. So the results come in tiers, each ranked on its own:
//!
//! 1. `keys`: the dossier whose code or applicant ID number is exactly the query, or whose code starts with it;
//! 2. `phrase`: dossiers holding the words as typed, next to each other (every pair of consecutive words is a term
//!    of the `pairs` field): the sentence copied from a document, the full name of an applicant;
//! 3. `all`: every dossier holding every word, which also gives the total.
//!
//! Within a tier the score adds the catalogue's alternatives: a match in the applicant's name weighs three times,
//! the exact accented spelling adds to the folded one (`rank`, scored only for the dossiers a tier matched).
//! Filters are required, unscored clauses of every tier: tantivy intersects them by advancing the sparsest, so a
//! selective filter (a unit, an assignee, the running clocks, a period) also cuts the cost of the text.

use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, PhrasePrefixQuery, PhraseQuery, Query,
    RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use super::schema::{Fields, day, pair};
use super::{DossierQuery, Visibility};
use crate::domain::text::nfc;
use crate::search::any_of::AnyOf;
use crate::search::prefix::PrefixQuery;
use crate::search::query::{ParsedQuery, Role, Word, boosted, term, word_alternatives};

/// The dossier whose code or ID number is typed whole goes first whatever else matches.
const KEY_WEIGHT: f32 = 100.0;
/// A dossier completed from the start of its code ranks below one typed whole.
const CODE_PREFIX_WEIGHT: f32 = 10.0;
/// A code is completed only once its day ("YYMMDD") is typed: a shorter prefix ("000.00.19.H40-") would match
/// every dossier of the agency, one term each, which costs far more than it helps.
const CODE_DAY_DIGITS: usize = 6;
/// The applicant's name as typed (words adjacent, in order), on top of its words.
const NAME_PHRASE_WEIGHT: f32 = 3.0;

/// The tiers of a text query (see the module documentation), before filters.
pub(crate) struct TextQueries {
    pub keys: Option<Box<dyn Query>>,
    pub phrase: Option<Box<dyn Query>>,
    pub all: Box<dyn Query>,
    /// Alternatives that only add to the score of a dossier a tier matched.
    pub rank: Option<Box<dyn Query>>,
}

/// The tiers for `parsed`, or `None` when the text holds no word (the caller lists instead).
pub(crate) fn text_queries(fields: &Fields, parsed: &ParsedQuery) -> Option<TextQueries> {
    if parsed.is_empty() {
        return None;
    }
    let query_fields = fields.query();
    let mut required: Vec<Box<dyn Query>> = Vec::new();
    let mut rank: Vec<Box<dyn Query>> = Vec::new();
    let mut split = |word: &Word, loose: bool| -> Box<dyn Query> {
        let mut matching = Vec::new();
        for (role, alternative) in word_alternatives(&query_fields, word, loose) {
            match role {
                Role::Match => matching.push(alternative),
                Role::Rank => rank.push(alternative),
            }
        }
        Box::new(AnyOf::new(matching))
    };
    for word in &parsed.words {
        required.push(split(word, true));
    }
    // Quoted phrases: their words without typos or completion, and their pairs, in every tier.
    for phrase in &parsed.phrases {
        for word in phrase {
            required.push(split(word, false));
        }
        required.extend(pairs(fields.pairs, phrase, false));
    }
    let words = all_of(required);
    let pairs = pairs(fields.pairs, &parsed.words, true);
    let phrase = (!pairs.is_empty()).then(|| {
        let mut clauses = vec![words.box_clone()];
        clauses.extend(pairs);
        all_of(clauses)
    });
    if parsed.words.len() > 1 {
        rank.push(name_phrase(fields.name, &parsed.words));
    }
    let keys = parsed.code.as_deref().map(|code| keys(fields, code));
    let all = match &keys {
        Some(keys) => Box::new(AnyOf::new(vec![keys.box_clone(), words])),
        None => words,
    };
    let rank = (!rank.is_empty()).then(|| -> Box<dyn Query> { Box::new(AnyOf::new(rank)) });
    Some(TextQueries {
        keys,
        phrase,
        all,
        rank,
    })
}

/// The dossier whose code (or its tail) or ID number is `code`, and those whose code starts with it.
fn keys(fields: &Fields, code: &str) -> Box<dyn Query> {
    let mut keys: Vec<Box<dyn Query>> = fields
        .keys
        .iter()
        .map(|&key| boosted(term(Term::from_field_text(key, code)), KEY_WEIGHT))
        .collect();
    if completes_code(code) {
        let completion = Box::new(PrefixQuery::new(fields.code_key, code));
        keys.push(boosted(completion, CODE_PREFIX_WEIGHT));
    }
    Box::new(AnyOf::new(keys))
}

/// Whether a typed token is the start of a code up to its day at least: one dash-separated part is six digits
/// and what follows it is digits ("000.00.19.h40-261129", "261129-00").
pub(crate) fn completes_code(token: &str) -> bool {
    let parts: Vec<&str> = token.split('-').collect();
    parts.iter().enumerate().any(|(i, part)| {
        let day = part.len() == CODE_DAY_DIGITS && part.bytes().all(|b| b.is_ascii_digit());
        let rest_digits = parts[i + 1..]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()));
        day && rest_digits && parts.len() - i <= 2
    })
}

/// One required clause per pair of consecutive words, each any of the pair's spellings (folded or Telex); a pair
/// ending with the word still being typed matches any pair it starts (a prefix of the pairs' dictionary, cheap
/// however large it is). With `loose`, pairs touching a word sought with typos are left out: such a word has no
/// spelling the pair could be made of.
fn pairs(field: Field, words: &[Word], loose: bool) -> Vec<Box<dyn Query>> {
    let spellings = |w: &Word| -> Vec<String> {
        std::iter::once(w.folded.clone())
            .chain(w.telex.clone())
            .collect()
    };
    words
        .windows(2)
        .filter(|w| !loose || !(w[0].typo_in_text || w[1].typo_in_text))
        .map(|w| -> Box<dyn Query> {
            let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
            for first in spellings(&w[0]) {
                for second in spellings(&w[1]) {
                    let pair = pair(&first, &second);
                    alternatives.push(match loose && w[1].prefix {
                        true => Box::new(PrefixQuery::new(field, &pair)),
                        false => {
                            let t = Term::from_field_text(field, &pair);
                            Box::new(TermQuery::new(t, IndexRecordOption::Basic))
                        }
                    });
                }
            }
            Box::new(ConstScoreQuery::new(
                Box::new(AnyOf::new(alternatives)),
                0.0,
            ))
        })
        .collect()
}

/// The free words as a phrase in the applicant's name; the word being typed completes it.
fn name_phrase(field: Field, words: &[Word]) -> Box<dyn Query> {
    let terms: Vec<Term> = words
        .iter()
        .map(|w| Term::from_field_text(field, &w.folded))
        .collect();
    let phrase: Box<dyn Query> = match words.last() {
        Some(last) if last.prefix => Box::new(PhrasePrefixQuery::new(terms)),
        _ => Box::new(PhraseQuery::new(terms)),
    };
    boosted(phrase, NAME_PHRASE_WEIGHT)
}

fn all_of(mut clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if clauses.len() == 1
        && let Some(only) = clauses.pop()
    {
        return only;
    }
    Box::new(BooleanQuery::new(
        clauses.into_iter().map(|c| (Occur::Must, c)).collect(),
    ))
}

/// Every filter of `q` as a required clause scoring nothing, the visibility included.
pub(crate) fn filter_clauses(fields: &Fields, q: &DossierQuery) -> Vec<Box<dyn Query>> {
    let mut filters: Vec<Box<dyn Query>> = Vec::new();
    let basic =
        |t: Term| -> Box<dyn Query> { Box::new(TermQuery::new(t, IndexRecordOption::Basic)) };
    if !q.statuses.is_empty() {
        let statuses = q
            .statuses
            .iter()
            .map(|&s| basic(Term::from_field_u64(fields.status, u64::from(s))));
        filters.push(Box::new(AnyOf::new(statuses.collect())));
    }
    // An empty unit is "any unit" (a form's blank choice), not "held by no unit".
    if let Some(unit) = q.unit.as_deref().filter(|u| !u.trim().is_empty()) {
        filters.push(basic(Term::from_field_text(fields.unit, &nfc(unit.trim()))));
    }
    if let Some(channel) = q.channel {
        filters.push(basic(Term::from_field_u64(
            fields.channel,
            u64::from(channel),
        )));
    }
    if q.from.is_some() || q.to.is_some() {
        // The days the period touches (a few posting lists, cheap to intersect), then the exact seconds.
        let days = |t: Option<i64>, end: bool| match t {
            None => Bound::Unbounded,
            Some(t) => Bound::Included(Term::from_field_i64(
                fields.listed_day,
                day(t - i64::from(end)),
            )),
        };
        filters.push(Box::new(RangeQuery::new(
            days(q.from, false),
            days(q.to, true),
        )));
        let bound = |t: Option<i64>, inclusive: bool| match t {
            None => Bound::Unbounded,
            Some(t) if inclusive => Bound::Included(Term::from_field_i64(fields.listed_at, t)),
            Some(t) => Bound::Excluded(Term::from_field_i64(fields.listed_at, t)),
        };
        filters.push(Box::new(RangeQuery::new(
            bound(q.from, true),
            bound(q.to, false),
        )));
    }
    if let Some(now) = q.overdue_at {
        filters.push(basic(Term::from_field_bool(fields.running, true)));
        let before = Bound::Excluded(Term::from_field_i64(fields.due_at, now));
        filters.push(Box::new(RangeQuery::new(Bound::Unbounded, before)));
    }
    if let Visibility::Limited {
        unit,
        staff_id,
        closed_too,
    } = &q.visibility
    {
        let mut visible = vec![basic(Term::from_field_i64(fields.assignee, *staff_id))];
        if let Some(unit) = unit.as_deref().filter(|u| !u.trim().is_empty()) {
            visible.push(basic(Term::from_field_text(fields.unit, &nfc(unit.trim()))));
        }
        if *closed_too {
            visible.push(basic(Term::from_field_bool(fields.active, false)));
        }
        // Sought by the intersection rather than walked: see `any_of.rs`.
        filters.push(Box::new(AnyOf::new(visible)));
    }
    filters
        .into_iter()
        .map(|f| -> Box<dyn Query> { Box::new(ConstScoreQuery::new(f, 0.0)) })
        .collect()
}

/// `base` (everything when `None`) restricted by `filters`, with `rank` adding to the score when given.
pub(crate) fn combine(
    base: Option<&dyn Query>,
    filters: &[Box<dyn Query>],
    rank: Option<&dyn Query>,
) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = base
        .into_iter()
        .chain(filters.iter().map(|f| &**f))
        .map(|q| (Occur::Must, q.box_clone()))
        .collect();
    if clauses.is_empty() {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    if let Some(rank) = rank {
        clauses.push((Occur::Should, rank.box_clone()));
    }
    if clauses.len() == 1
        && let Some((_, only)) = clauses.pop()
    {
        return only;
    }
    Box::new(BooleanQuery::new(clauses))
}
