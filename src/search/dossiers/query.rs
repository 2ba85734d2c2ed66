//! Search layer: a [`DossierQuery`] as one tantivy query: the parsed text (shared with the catalogue), completion
//! of a dossier code, and the filters as required, unscored clauses.
//!
//! Filters are query clauses rather than checks in the collector: tantivy intersects required clauses by
//! advancing the sparsest one and seeking the others, so a selective filter (a unit, an assignee, the running
//! clocks, a period) also cuts the cost of scoring the text, and a listing with filters never walks the whole
//! index.

use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use super::schema::Fields;
use super::{DossierQuery, Visibility};
use crate::domain::text::nfc;
use crate::search::query::{Mode, ParsedQuery};

/// A dossier completed from the start of its code ranks above words found in texts, below the code typed whole
/// (which the parser's key clause weighs 100).
const CODE_PREFIX_WEIGHT: f32 = 10.0;
/// A code is completed only once its day ("YYMMDD") is typed: a shorter prefix ("000.00.19.H40-") would match
/// every dossier of the agency, one term each, which costs far more than it helps.
const CODE_DAY_DIGITS: usize = 6;

/// The query for the text part, or `None` when the text holds no word (the caller lists instead).
pub(crate) fn text_query(
    fields: &Fields,
    parsed: &ParsedQuery,
    mode: Mode,
) -> Option<Box<dyn Query>> {
    let main = parsed.build(&fields.query(), mode)?;
    let Some(prefix) = parsed.code.as_deref().filter(|c| completes_code(c)) else {
        return Some(main);
    };
    let term = Term::from_field_text(fields.code_key, prefix);
    let completion: Box<dyn Query> = Box::new(BoostQuery::new(
        Box::new(FuzzyTermQuery::new_prefix(term, 0, false)),
        CODE_PREFIX_WEIGHT,
    ));
    Some(Box::new(BooleanQuery::new(vec![
        (Occur::Should, main),
        (Occur::Should, completion),
    ])))
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

/// Every filter of `q` as a required clause scoring nothing, the visibility included.
pub(crate) fn filter_clauses(fields: &Fields, q: &DossierQuery) -> Vec<Box<dyn Query>> {
    let mut filters: Vec<Box<dyn Query>> = Vec::new();
    if !q.statuses.is_empty() {
        let statuses = q
            .statuses
            .iter()
            .map(|&s| term(Term::from_field_u64(fields.status, u64::from(s))));
        filters.push(any_of(statuses.collect()));
    }
    // An empty unit is "any unit" (a form's blank choice), not "held by no unit".
    if let Some(unit) = q.unit.as_deref().filter(|u| !u.trim().is_empty()) {
        filters.push(unit_term(fields.unit, unit));
    }
    if let Some(channel) = q.channel {
        filters.push(term(Term::from_field_u64(
            fields.channel,
            u64::from(channel),
        )));
    }
    if q.from.is_some() || q.to.is_some() {
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
        filters.push(term(Term::from_field_bool(fields.running, true)));
        let before_now = RangeQuery::new(
            Bound::Unbounded,
            Bound::Excluded(Term::from_field_i64(fields.due_at, now)),
        );
        filters.push(Box::new(before_now));
    }
    if let Visibility::Limited {
        unit,
        staff_id,
        closed_too,
    } = &q.visibility
    {
        let mut visible = vec![term(Term::from_field_i64(fields.assignee, *staff_id))];
        if let Some(unit) = unit.as_deref().filter(|u| !u.trim().is_empty()) {
            visible.push(unit_term(fields.unit, unit));
        }
        if *closed_too {
            visible.push(term(Term::from_field_bool(fields.active, false)));
        }
        filters.push(any_of(visible));
    }
    filters
        .into_iter()
        .map(|f| -> Box<dyn Query> { Box::new(ConstScoreQuery::new(f, 0.0)) })
        .collect()
}

/// The text query (or everything) restricted by the filters.
pub(crate) fn restricted(
    text: Option<Box<dyn Query>>,
    filters: &[Box<dyn Query>],
) -> Box<dyn Query> {
    if filters.is_empty() {
        return text.unwrap_or_else(|| Box::new(AllQuery));
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> =
        text.into_iter().map(|t| (Occur::Must, t)).collect();
    clauses.extend(filters.iter().map(|f| (Occur::Must, f.box_clone())));
    Box::new(BooleanQuery::new(clauses))
}

fn term(t: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(t, IndexRecordOption::Basic))
}

/// Units are compared as indexed: NFC, trimmed (the raw tokenizer keeps case).
fn unit_term(field: Field, unit: &str) -> Box<dyn Query> {
    term(Term::from_field_text(field, &nfc(unit.trim())))
}

fn any_of(mut alternatives: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if alternatives.len() == 1
        && let Some(only) = alternatives.pop()
    {
        return only;
    }
    Box::new(BooleanQuery::new(
        alternatives
            .into_iter()
            .map(|a| (Occur::Should, a))
            .collect(),
    ))
}
