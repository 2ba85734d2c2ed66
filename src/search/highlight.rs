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

use std::collections::{BTreeMap, BTreeSet};

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
    /// The best fragment of `text`, at most `max_chars` bytes long (`None`: all of it, marked), or `None` when no
    /// query word occurs in it.
    pub fn fragment(
        &mut self,
        text: &str,
        kind: Kind,
        max_chars: Option<usize>,
    ) -> Option<Fragment> {
        let (fuzzy, prefixes) = match kind {
            Kind::Name => (&self.fuzzy_name, self.prefixes.as_slice()),
            Kind::Text => (&self.fuzzy_text, &[][..]),
        };
        let mut terms = self.literal.clone();
        add_neighbours(&mut self.analyzer, text, fuzzy, prefixes, &mut terms);
        let limit = max_chars.unwrap_or(text.len() + 1);
        let generator =
            SnippetGenerator::new(terms.clone(), self.analyzer.clone(), self.text, limit);
        let mut snippet = generator.snippet(text);
        if snippet.is_empty() {
            return None;
        }
        let fragment = snippet.fragment();
        let mut shown = BTreeSet::new();
        for range in snippet.highlighted() {
            let word = fragment.get(range.clone()).unwrap_or_default();
            let mut stream = self.analyzer.token_stream(word);
            if let Some(token) = stream.next() {
                shown.insert(token.text.clone());
            }
        }
        let score = shown.iter().filter_map(|word| terms.get(word)).sum();
        let html = match max_chars {
            Some(_) => {
                snippet.set_snippet_prefix_postfix(MARK_OPEN, MARK_CLOSE);
                snippet.to_html()
            }
            None => {
                let shift = snippet.fragment_range().start;
                let ranges: Vec<_> = snippet
                    .highlighted()
                    .iter()
                    .map(|r| r.start + shift..r.end + shift)
                    .collect();
                mark(text, &ranges)
            }
        };
        Some(Fragment { html, score })
    }
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
