//! Search layer: highlighted name and text snippets for the hits on a page.
//!
//! tantivy's `SnippetGenerator` highlights only the terms it is given, and fuzzy or prefix queries report none.
//! So the terms are gathered here: the folded query words and their Telex decodings, plus, per hit and field, the
//! words of that field within one typo of a query word (where the query looked for typos in that field) or
//! starting with the word being typed. Snippets run the `vi` analyzer
//! over the stored (accented) text, so a folded query still marks "<mark>giấy</mark>".
//!
//! The catalogue asks for a name and a text at once ([`Highlighter::highlight`]); the dossier index asks for the
//! fragment of each of several texts with how well it matched ([`Highlighter::fragment`]), to show the best one.

use std::collections::BTreeMap;

use tantivy::schema::Field;
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;

use super::query::ParsedQuery;

/// Text snippets are about two lines of a result list.
const TEXT_SNIPPET_CHARS: usize = 180;
/// How much of a procedure's text the fragment is chosen from. The text leads with the sector, the steps and the
/// method; scanning all of it (legal bases included) for every hit of a 20-hit page was a third of a search's cost,
/// and a hit matched only further on is still listed, with its highlighted name.
const TEXT_SNIPPET_SOURCE_BYTES: usize = 1500;
/// Weight of a word the citizen typed (or its Telex decoding) when choosing the best fragment.
const LITERAL_WEIGHT: f32 = 1.0;
/// A typo or prefix neighbour counts less towards the best fragment than a word typed as such.
const EXPANDED_WEIGHT: f32 = 0.5;

const MARK_OPEN: &str = "<mark>";
const MARK_CLOSE: &str = "</mark>";

/// Which typo neighbours a text is scanned for: those looked for in names (plus completions of the word being
/// typed), or those looked for in the text. It must follow how the query matched that text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Name,
    Text,
}

/// A highlighted piece of one text, and how well it matched.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fragment {
    /// HTML-escaped, matches in `<mark>…</mark>`.
    pub html: String,
    /// Sum of the weights of the distinct query words it shows (a typed word 1, a typo or prefix neighbour 0.5):
    /// a fragment showing three of the words beats one repeating a single word.
    pub score: f32,
}

/// Highlights hits for one query.
pub(crate) struct Highlighter {
    literal: BTreeMap<String, f32>,
    fuzzy_name: Vec<String>,
    fuzzy_text: Vec<String>,
    prefixes: Vec<String>,
    analyzer: TextAnalyzer,
    name: Field,
    text: Field,
    /// Whether to produce text fragments at all (not for suggestions).
    text_snippets: bool,
}

impl Highlighter {
    pub fn new(
        parsed: &ParsedQuery,
        analyzer: TextAnalyzer,
        name: Field,
        text: Field,
        text_snippets: bool,
    ) -> Self {
        let literal = parsed
            .literal_terms()
            .map(|t| (t.to_owned(), LITERAL_WEIGHT))
            .collect();
        Highlighter {
            literal,
            fuzzy_name: parsed.fuzzy_name_terms().map(str::to_owned).collect(),
            fuzzy_text: parsed.fuzzy_text_terms().map(str::to_owned).collect(),
            prefixes: parsed.prefixes().map(str::to_owned).collect(),
            analyzer,
            name,
            text,
            text_snippets,
        }
    }

    /// `(name_html, text_html)`: the whole name with matches marked (or just escaped), and the best fragment of
    /// the text with matches marked, or "" when nothing in the text matched.
    pub fn highlight(&mut self, name: &str, text: &str) -> (String, String) {
        let mut name_terms = self.literal.clone();
        add_neighbours(
            &mut self.analyzer,
            name,
            &self.fuzzy_name,
            &self.prefixes,
            &mut name_terms,
        );
        // The fragment limit is compared with byte offsets despite its name: the whole name must fit.
        let whole_name = name.len() + 1;
        let generator =
            SnippetGenerator::new(name_terms, self.analyzer.clone(), self.name, whole_name);
        let snippet = generator.snippet(name);
        let shift = snippet.fragment_range().start;
        let ranges: Vec<_> = snippet
            .highlighted()
            .iter()
            .map(|r| r.start + shift..r.end + shift)
            .collect();
        let name_html = mark(name, &ranges);
        if !self.text_snippets {
            return (name_html, String::new());
        }
        // Prefixes are matched in names only (see `query::word_query`), so the text is scanned for typo
        // neighbours alone.
        let text = head(text, TEXT_SNIPPET_SOURCE_BYTES);
        let mut text_terms = self.literal.clone();
        add_neighbours(
            &mut self.analyzer,
            text,
            &self.fuzzy_text,
            &[],
            &mut text_terms,
        );
        let generator = SnippetGenerator::new(
            text_terms,
            self.analyzer.clone(),
            self.text,
            TEXT_SNIPPET_CHARS,
        );
        let mut snippet = generator.snippet(text);
        let text_html = if snippet.is_empty() {
            String::new()
        } else {
            snippet.set_snippet_prefix_postfix(MARK_OPEN, MARK_CLOSE);
            snippet.to_html()
        };
        (name_html, text_html)
    }
}

impl Highlighter {
    /// The best excerpt of `text`, about `max_bytes` long (`None`: all of it), with matches marked, or `None` when
    /// no query word occurs in it. The excerpt is the window showing the most distinct query words, opened a little
    /// before its first match (from the start of that sentence when it is near) and closed at a word boundary, with
    /// "…" where the text goes on.
    pub fn fragment(
        &mut self,
        text: &str,
        kind: Kind,
        max_bytes: Option<usize>,
    ) -> Option<Fragment> {
        let (fuzzy, prefixes) = match kind {
            Kind::Name => (&self.fuzzy_name, self.prefixes.as_slice()),
            Kind::Text => (&self.fuzzy_text, &[][..]),
        };
        // One pass: each word is a query word, a typo or prefix neighbour of one, or nothing.
        let mut matches: Vec<Match> = Vec::new();
        let mut stream = self.analyzer.token_stream(text);
        while let Some(token) = stream.next() {
            let word = token.text.as_str();
            let weight = self.literal.get(word).copied().or_else(|| {
                let near = fuzzy.iter().any(|f| within_one_edit(f, word))
                    || prefixes.iter().any(|p| word.starts_with(p.as_str()));
                near.then_some(EXPANDED_WEIGHT)
            });
            if let Some(weight) = weight {
                let range = token.offset_from..token.offset_to;
                matches.push(Match {
                    range,
                    weight,
                    word: word.to_owned(),
                });
            }
        }
        if matches.is_empty() {
            return None;
        }
        let Some(max) = max_bytes else {
            let ranges: Vec<_> = matches.iter().map(|m| m.range.clone()).collect();
            return Some(Fragment {
                html: mark(text, &ranges),
                score: distinct_weight(&matches),
            });
        };
        let window = best_window(&matches, max);
        Some(Fragment {
            html: excerpt(text, window, max),
            score: distinct_weight(window),
        })
    }
}

/// A query word found in a text.
struct Match {
    range: std::ops::Range<usize>,
    weight: f32,
    /// Folded.
    word: String,
}

/// The sum of the weights of the distinct words of `matches`.
fn distinct_weight(matches: &[Match]) -> f32 {
    let mut seen: Vec<&str> = Vec::new();
    let mut sum = 0.0;
    for m in matches {
        if !seen.contains(&m.word.as_str()) {
            seen.push(&m.word);
            sum += m.weight;
        }
    }
    sum
}

/// The run of matches spanning at most `max` bytes with the most distinct weight, cut after the match that reaches
/// that weight; on equal weight the shortest such run (the words closest together, as in a sentence copied from
/// the text), then the earliest.
fn best_window(matches: &[Match], max: usize) -> &[Match] {
    let mut best = &matches[..1];
    let mut best_key = (f32::MIN, usize::MAX);
    for i in 0..matches.len() {
        let start = matches[i].range.start;
        let end = matches[i..].partition_point(|m| m.range.end - start <= max) + i;
        let window = &matches[i..end.max(i + 1)];
        let weight = distinct_weight(window);
        // The shortest prefix of the window with all its weight.
        let tight = (1..=window.len())
            .find(|&k| distinct_weight(&window[..k]) >= weight)
            .unwrap_or(window.len());
        let span = window[tight - 1].range.end - start;
        if weight > best_key.0 || (weight == best_key.0 && span < best_key.1) {
            (best, best_key) = (&window[..tight], (weight, span));
        }
    }
    best
}

/// How far before its first match an excerpt may open, to show the start of the sentence or some context.
const EXCERPT_LEAD_BYTES: usize = 48;

/// `text` around `window`, about `max` bytes, HTML-escaped, matches marked, "…" where the text was cut.
fn excerpt(text: &str, window: &[Match], max: usize) -> String {
    let (first, last) = match (window.first(), window.last()) {
        (Some(f), Some(l)) => (f.range.start, l.range.end),
        _ => return String::new(),
    };
    let mut start = floor_boundary(text, first.saturating_sub(EXCERPT_LEAD_BYTES));
    let lead = &text[start..first];
    if let Some(stop) = lead.rfind(['.', '\n', ';', ':', '!', '?']) {
        start += stop + 1;
    } else if start > 0
        && let Some(space) = lead.find(char::is_whitespace)
    {
        start += space + 1;
    }
    let mut end = floor_boundary(text, (start + max).max(last).min(text.len()));
    if end < text.len()
        && let Some(space) = text[last..end].rfind(char::is_whitespace)
    {
        end = last + space;
    }
    let slice = &text[start..end];
    let trimmed_start = start + (slice.len() - slice.trim_start().len());
    let trimmed_end = end - (slice.len() - slice.trim_end().len());
    let ranges: Vec<_> = window
        .iter()
        .map(|m| m.range.start - trimmed_start..m.range.end - trimmed_start)
        .collect();
    let mut html = String::new();
    if trimmed_start > 0 {
        html.push('…');
    }
    html.push_str(&mark(&text[trimmed_start..trimmed_end], &ranges));
    if trimmed_end < text.len() {
        html.push('…');
    }
    html
}

/// The largest character boundary of `text` at or before `i`.
fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// At most the first `max` bytes of `text`, cut at a character boundary.
pub(crate) fn head(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Adds the words of `text` that are one typo away from a `fuzzy` word, or extend one of `prefixes`.
fn add_neighbours(
    analyzer: &mut TextAnalyzer,
    text: &str,
    fuzzy: &[String],
    prefixes: &[String],
    terms: &mut BTreeMap<String, f32>,
) {
    if fuzzy.is_empty() && prefixes.is_empty() {
        return;
    }
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        let word = token.text.as_str();
        let near = fuzzy.iter().any(|f| within_one_edit(f, word))
            || prefixes.iter().any(|p| word.starts_with(p.as_str()));
        if near && !terms.contains_key(word) {
            terms.insert(word.to_owned(), EXPANDED_WEIGHT);
        }
    }
}

/// Whether `a` and `b` differ by at most one insertion, deletion, substitution or swap of adjacent letters
/// (the distance tantivy's `FuzzyTermQuery::new(term, 1, true)` accepts).
pub(crate) fn within_one_edit(a: &str, b: &str) -> bool {
    // Folded words are almost always ASCII: compare bytes without allocating; count letters otherwise.
    if a.is_ascii() && b.is_ascii() {
        return one_edit(a.as_bytes(), b.as_bytes());
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    one_edit(&a, &b)
}

fn one_edit<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let Some(i) = short.iter().zip(long.iter()).position(|(x, y)| x != y) else {
        return true;
    };
    if short.len() == long.len() {
        let substituted = short[i + 1..] == long[i + 1..];
        let swapped = i + 1 < short.len()
            && short[i] == long[i + 1]
            && short[i + 1] == long[i]
            && short[i + 2..] == long[i + 2..];
        substituted || swapped
    } else {
        short[i..] == long[i + 1..]
    }
}

/// `text` HTML-escaped, with the byte `ranges` (sorted, from a snippet) wrapped in `<mark>`.
fn mark(text: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len() + ranges.len() * 13);
    let mut from = 0;
    for range in ranges {
        let (Some(before), Some(inside)) = (text.get(from..range.start), text.get(range.clone()))
        else {
            continue;
        };
        escape_into(&mut out, before);
        out.push_str(MARK_OPEN);
        escape_into(&mut out, inside);
        out.push_str(MARK_CLOSE);
        from = range.end;
    }
    escape_into(&mut out, text.get(from..).unwrap_or_default());
    out
}

/// The escaping tantivy applies to snippets, so name and text render alike.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            _ => out.push(c),
        }
    }
}

/// `text` HTML-escaped.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::{escape, mark, within_one_edit};

    #[test]
    fn one_edit_covers_substitution_insertion_deletion_and_swap() {
        assert!(within_one_edit("dunh", "dung"));
        assert!(within_one_edit("khia", "khai"));
        assert!(within_one_edit("phep", "pheps"));
        assert!(within_one_edit("giay", "gay"));
        assert!(within_one_edit("sinh", "sinh"));
        assert!(!within_one_edit("giay", "gio"));
        assert!(!within_one_edit("khai", "ihka"));
        assert!(!within_one_edit("abcd", "badc"));
    }

    #[test]
    fn marking_escapes_html_inside_and_outside_the_marks() {
        let ranges = vec![4..7, 8..9];
        assert_eq!(
            mark("A & <b> c", &ranges),
            "A &amp; <mark>&lt;b&gt;</mark> <mark>c</mark>"
        );
        assert_eq!(escape("\"x\" 'y'"), "&quot;x&quot; &#x27;y&#x27;");
    }
}
