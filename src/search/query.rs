//! Search layer: turns what a citizen typed into a tantivy query.
//!
//! Each word becomes a disjunction of alternatives over the name, text and code fields of a [`QueryFields`] (the
//! catalogue's or the dossier index's): the folded word, the word with its diacritics, its Telex decoding, its
//! one-typo neighbours and, for the word still being typed, its prefix in names. Typos are looked for only for a word the index does not hold (in the text dictionary, or, for
//! names, in either): a real word such as "dung" has a dozen neighbours (dong, dang, dun…) present in nearly every
//! long text, which would turn every query into "everything", and the typo automata were a large part of the cost
//! of every query. A misspelling that is itself a real word is therefore taken as typed.
//!
//! Words are AND-ed; [`Mode::Any`] relaxes that to OR when the AND query finds nothing. Double-quoted text is a
//! required phrase, and the whole unquoted query is also tried as a phrase to reward adjacency.

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhrasePrefixQuery, PhraseQuery, Query,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use super::prefix::PrefixQuery;
use crate::domain::telex::decode_folded;
use crate::domain::text::nfc;

/// The name says what a procedure is; the text only mentions things on the way.
const NAME_WEIGHT: f32 = 3.0;
/// Exact-diacritic alternative, added on top of the folded one, so "bàn" ranks a "bàn" above a "bán".
const EXACT_WEIGHT: f32 = 1.0;
/// Telex is a guess at what was meant; slightly below the words as typed.
const TELEX_WEIGHT: f32 = 0.8;
/// Fuzzy and prefix queries score a constant (their boost), not BM25. Kept well below a typical term score; since
/// a fuzzy or prefix alternative also matches the exact word, an exact match always scores at least as much.
const FUZZY_SCORE: f32 = 0.3;
const PREFIX_SCORE: f32 = 0.5;
/// The whole query as a phrase (adjacent words) on top of the per-word scores.
const ADJACENCY_WEIGHT: f32 = 1.0;
/// A query that is exactly a procedure code must put that procedure first whatever else matches.
const CODE_WEIGHT: f32 = 100.0;

/// Typos are only tolerated from this many letters: shorter Vietnamese syllables have too many neighbours.
const FUZZY_MIN_CHARS: usize = 4;
/// A prefix shorter than this matches half the dictionary.
const PREFIX_MIN_CHARS: usize = 2;
/// Words beyond this are ignored: each word costs up to a dozen sub-queries, and nobody types more.
const MAX_WORDS: usize = 16;
/// Procedure codes are short; a longer query is not one.
const MAX_CODE_CHARS: usize = 64;

/// The fields a query runs over. The catalogue and the dossier index name different fields but share the shape:
/// a short, heavily weighted "name" (a procedure's name, an applicant's) and a long "text", each indexed folded and
/// exact, plus exact keys that a whole typed token may equal.
#[derive(Debug, Clone, Copy)]
pub(crate) struct QueryFields<'a> {
    /// Folded name, with positions (phrases, prefixes).
    pub name: Field,
    /// Name with its diacritics.
    pub name_exact: Field,
    /// Folded text, with positions.
    pub text: Field,
    /// Text with its diacritics.
    pub text_exact: Field,
    /// A code split into words, matched like a name and completed while typing; `None` when the index has none.
    pub code_text: Option<Field>,
    /// Lower-cased whole-token keys (a procedure code; a dossier code, an ID number): a query that is exactly one
    /// of them puts that document first.
    pub keys: &'a [Field],
}

/// Whether every word must match, or any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    All,
    Any,
}

/// One word of the query in its spellings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    /// Lower-case, diacritics kept: the `vi_exact` form.
    pub exact: String,
    /// Lower-case, diacritics folded: the `vi` form.
    pub folded: String,
    /// The folded spelling if the word looks like raw Telex ("duwngj" → "dung").
    pub telex: Option<String>,
    /// The last word of a query still being typed: it also matches as a prefix.
    pub prefix: bool,
    /// Long enough for typos and unknown to the text dictionary (nor is its Telex decoding known): look for its
    /// one-typo neighbours in the text too. Set by [`ParsedQuery::check_dictionaries`].
    pub typo_in_text: bool,
    /// Long enough for typos and unknown to both dictionaries: look for its one-typo neighbours in names. A word
    /// the index holds is taken as typed, which spares most queries the typo automata.
    pub typo_in_name: bool,
}

impl Word {
    fn fuzzy(&self) -> bool {
        self.folded.chars().count() >= FUZZY_MIN_CHARS
    }
}

/// A query split into free words, quoted phrases and a possible procedure code.
#[derive(Debug, Clone, Default)]
pub(crate) struct ParsedQuery {
    pub words: Vec<Word>,
    pub phrases: Vec<Vec<Word>>,
    /// The trimmed query lower-cased, when it is a single token that could be a procedure code.
    pub code: Option<String>,
}

impl ParsedQuery {
    /// Splits `raw` at double quotes (odd segments are phrases; an unclosed quote runs to the end) and analyses
    /// each segment with both analyzers. The text is NFC-normalised first, since NFD breaks tokenisation.
    pub fn parse(raw: &str, exact: &mut TextAnalyzer, folder: &mut TextAnalyzer) -> ParsedQuery {
        let text = nfc(raw);
        let trimmed = text.trim();
        let code = (!trimmed.is_empty()
            && trimmed.chars().count() <= MAX_CODE_CHARS
            && !trimmed.contains(|c: char| c.is_whitespace() || c == '"'))
        .then(|| trimmed.to_lowercase());
        let typing = !text.ends_with(char::is_whitespace) && !text.ends_with('"');
        let mut parsed = ParsedQuery {
            code,
            ..ParsedQuery::default()
        };
        let mut budget = MAX_WORDS;
        let segments: Vec<&str> = text.split('"').collect();
        let last = segments.len() - 1;
        for (i, segment) in segments.iter().enumerate() {
            let quoted = i % 2 == 1;
            let still_typing = typing && !quoted && i == last;
            let words = analyse(segment, still_typing, exact, folder, &mut budget);
            if words.is_empty() {
                continue;
            }
            if quoted {
                parsed.phrases.push(words);
            } else {
                parsed.words.extend(words);
            }
        }
        parsed
    }

    /// Nothing to search for: list everything.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.phrases.is_empty()
    }

    /// Whether relaxing AND to OR can find more: there are at least two clauses, one of them a free word.
    pub fn relaxable(&self) -> bool {
        !self.words.is_empty() && self.words.len() + self.phrases.len() > 1
    }

    /// Every folded term a hit may contain literally: free and quoted words plus Telex decodings.
    pub fn literal_terms(&self) -> impl Iterator<Item = &str> {
        self.all_words()
            .flat_map(|w| std::iter::once(w.folded.as_str()).chain(w.telex.as_deref()))
    }

    /// Decides, per free word, where typos are looked for (see the module doc). `in_text` and `in_name` tell
    /// whether a folded term occurs in the text and in the name field.
    pub fn check_dictionaries(
        &mut self,
        in_text: impl Fn(&str) -> bool,
        in_name: impl Fn(&str) -> bool,
    ) {
        for word in &mut self.words {
            let spellings = || std::iter::once(word.folded.as_str()).chain(word.telex.as_deref());
            let known_in_text = spellings().any(&in_text);
            let known_in_name = spellings().any(&in_name);
            word.typo_in_text = word.fuzzy() && !known_in_text;
            word.typo_in_name = word.fuzzy() && !known_in_text && !known_in_name;
        }
    }

    /// Folded free words matched with one typo in names.
    pub fn fuzzy_name_terms(&self) -> impl Iterator<Item = &str> {
        self.words
            .iter()
            .filter(|w| w.typo_in_name)
            .map(|w| w.folded.as_str())
    }

    /// Folded free words matched with one typo in the text.
    pub fn fuzzy_text_terms(&self) -> impl Iterator<Item = &str> {
        self.words
            .iter()
            .filter(|w| w.typo_in_text)
            .map(|w| w.folded.as_str())
    }

    /// Folded prefixes of the word being typed (and of its Telex decoding).
    pub fn prefixes(&self) -> impl Iterator<Item = &str> {
        self.words
            .iter()
            .filter(|w| w.prefix)
            .flat_map(|w| std::iter::once(w.folded.as_str()).chain(w.telex.as_deref()))
            .filter(|p| p.chars().count() >= PREFIX_MIN_CHARS)
    }

    fn all_words(&self) -> impl Iterator<Item = &Word> {
        self.words.iter().chain(self.phrases.iter().flatten())
    }

    /// The tantivy query, or `None` when the text holds no word (the caller then lists everything).
    pub fn build(&self, fields: &QueryFields<'_>, mode: Mode) -> Option<Box<dyn Query>> {
        if self.is_empty() {
            return None;
        }
        let word_occur = match mode {
            Mode::All => Occur::Must,
            Mode::Any => Occur::Should,
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for word in &self.words {
            clauses.push((word_occur, word_query(fields, word, true)));
        }
        // Quoted phrases stay required even in `Mode::Any`: the citizen asked for them explicitly.
        for phrase in &self.phrases {
            clauses.push((Occur::Must, phrase_query(fields, phrase)));
        }
        if self.words.len() > 1 {
            clauses.push((Occur::Should, adjacency_query(fields, &self.words)));
        }
        let main: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
        let Some(code) = &self.code else {
            return Some(main);
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = fields
            .keys
            .iter()
            .map(|&key| {
                let key_query = boosted(term(Term::from_field_text(key, code)), CODE_WEIGHT);
                (Occur::Should, key_query)
            })
            .collect();
        if clauses.is_empty() {
            return Some(main);
        }
        clauses.push((Occur::Should, main));
        Some(Box::new(BooleanQuery::new(clauses)))
    }
}

/// Words of one segment; `still_typing` marks the last one as a prefix when nothing follows it.
fn analyse(
    segment: &str,
    still_typing: bool,
    exact: &mut TextAnalyzer,
    folder: &mut TextAnalyzer,
    budget: &mut usize,
) -> Vec<Word> {
    let mut words = Vec::new();
    let mut last_end = 0;
    let mut stream = exact.token_stream(segment);
    while let Some(token) = stream.next() {
        if *budget == 0 {
            break;
        }
        *budget -= 1;
        last_end = token.offset_to;
        let exact_text = token.text.clone();
        let folded = fold_word(folder, &exact_text);
        let telex = decode_folded(&folded);
        words.push(Word {
            exact: exact_text,
            folded,
            telex,
            prefix: false,
            typo_in_text: false,
            typo_in_name: false,
        });
    }
    if still_typing
        && last_end == segment.len()
        && let Some(word) = words.last_mut()
    {
        word.prefix = true;
    }
    words
}

/// Folds one word the way the `vi` field does; the analyzers share a tokenizer, so it stays one token.
fn fold_word(folder: &mut TextAnalyzer, word: &str) -> String {
    let mut stream = folder.token_stream(word);
    match stream.next() {
        Some(token) => token.text.clone(),
        None => word.to_owned(),
    }
}

pub(crate) fn term(t: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs))
}

pub(crate) fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(query, boost))
}

/// What an alternative of a word is for, in an index whose text also holds the name (the dossier index, which
/// matches on `Match` alternatives and only scores the others).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// It can match a document no other alternative matches: the folded or Telex word, or a typo, in the text; a
    /// completion of a name; a code.
    Match,
    /// It only ever matches documents a `Match` alternative matches too (the name is in the text, the exact
    /// spelling folds to the folded word): it adds to the score.
    Rank,
}

/// A term alternative on the name (weighted; ranking only) and the text (with `text_role`).
fn on_name_and_text(
    out: &mut Vec<(Role, Box<dyn Query>)>,
    (name, text): (Field, Field),
    text_role: Role,
    weight: f32,
    make: impl Fn(Field) -> Box<dyn Query>,
) {
    out.push((Role::Rank, boosted(make(name), NAME_WEIGHT * weight)));
    out.push((text_role, boosted(make(text), weight)));
}

/// All the ways one word may match: a document matches the word if any alternative matches.
fn word_query(fields: &QueryFields<'_>, word: &Word, loose: bool) -> Box<dyn Query> {
    let alternatives = word_alternatives(fields, word, loose);
    let alternatives = alternatives.into_iter().map(|(_, q)| (Occur::Should, q));
    Box::new(BooleanQuery::new(alternatives.collect()))
}

/// The alternatives of one word with their roles, in a fixed order (the order of a score's sum).
pub(crate) fn word_alternatives(
    fields: &QueryFields<'_>,
    word: &Word,
    loose: bool,
) -> Vec<(Role, Box<dyn Query>)> {
    let mut alts: Vec<(Role, Box<dyn Query>)> = Vec::new();
    let folded = |field| term(Term::from_field_text(field, &word.folded));
    on_name_and_text(
        &mut alts,
        (fields.name, fields.text),
        Role::Match,
        1.0,
        folded,
    );
    let exact = |field| term(Term::from_field_text(field, &word.exact));
    let exact_fields = (fields.name_exact, fields.text_exact);
    on_name_and_text(&mut alts, exact_fields, Role::Rank, EXACT_WEIGHT, exact);
    if let Some(code_text) = fields.code_text {
        let code = term(Term::from_field_text(code_text, &word.folded));
        alts.push((Role::Match, boosted(code, NAME_WEIGHT)));
    }
    if let Some(telex) = &word.telex {
        let decoded = |field| term(Term::from_field_text(field, telex));
        on_name_and_text(
            &mut alts,
            (fields.name, fields.text),
            Role::Match,
            TELEX_WEIGHT,
            decoded,
        );
    }
    if loose {
        let typo = |field| -> Box<dyn Query> {
            let t = Term::from_field_text(field, &word.folded);
            Box::new(FuzzyTermQuery::new(t, 1, true))
        };
        if word.typo_in_name {
            let name = boosted(typo(fields.name), NAME_WEIGHT * FUZZY_SCORE);
            alts.push((Role::Rank, name));
        }
        if word.typo_in_text {
            alts.push((Role::Match, boosted(typo(fields.text), FUZZY_SCORE)));
        }
    }
    // The word being typed completes against names (and codes) only: a short prefix such as "th" expands to a
    // large part of the text's vocabulary, which made such queries several times slower than the rest, while
    // what a person types into a search box is the name of a procedure.
    if loose && word.prefix {
        let candidates = std::iter::once(&word.folded).chain(word.telex.as_ref());
        for prefix in candidates.filter(|p| p.chars().count() >= PREFIX_MIN_CHARS) {
            let name = prefix_query(fields.name, prefix);
            alts.push((Role::Match, boosted(name, NAME_WEIGHT * PREFIX_SCORE)));
            if let Some(code_text) = fields.code_text {
                let code = prefix_query(code_text, prefix);
                alts.push((Role::Match, boosted(code, NAME_WEIGHT * PREFIX_SCORE)));
            }
        }
    }
    alts
}

/// Terms starting with `prefix` (see `prefix.rs`: a few terms walked lazily, else tantivy's prefix automaton).
fn prefix_query(field: Field, prefix: &str) -> Box<dyn Query> {
    Box::new(PrefixQuery::new(field, prefix))
}

/// A quoted phrase: its folded words adjacent in the name or the text. One quoted word is just that word, exact
/// or folded, without typo tolerance.
fn phrase_query(fields: &QueryFields<'_>, words: &[Word]) -> Box<dyn Query> {
    if let [word] = words {
        return word_query(fields, word, false);
    }
    let phrase = |field: Field| -> Box<dyn Query> {
        let terms = words
            .iter()
            .map(|w| Term::from_field_text(field, &w.folded))
            .collect();
        Box::new(PhraseQuery::new(terms))
    };
    Box::new(BooleanQuery::new(vec![
        (Occur::Should, boosted(phrase(fields.name), NAME_WEIGHT)),
        (Occur::Should, phrase(fields.text)),
    ]))
}

/// The free words as one phrase, for ranking only. A word still being typed ends the name's phrase as a prefix
/// and is left out of the text's phrase (prefixes are matched in names only).
fn adjacency_query(fields: &QueryFields<'_>, words: &[Word]) -> Box<dyn Query> {
    let typing = words.last().is_some_and(|w| w.prefix);
    let terms = |field: Field, words: &[Word]| -> Vec<Term> {
        words
            .iter()
            .map(|w| Term::from_field_text(field, &w.folded))
            .collect()
    };
    let name: Box<dyn Query> = if typing {
        Box::new(PhrasePrefixQuery::new(terms(fields.name, words)))
    } else {
        Box::new(PhraseQuery::new(terms(fields.name, words)))
    };
    let mut clauses = vec![(Occur::Should, boosted(name, NAME_WEIGHT * ADJACENCY_WEIGHT))];
    let text_words = if typing {
        &words[..words.len() - 1]
    } else {
        words
    };
    if text_words.len() > 1 {
        let text = Box::new(PhraseQuery::new(terms(fields.text, text_words)));
        clauses.push((Occur::Should, boosted(text, ADJACENCY_WEIGHT)));
    }
    Box::new(BooleanQuery::new(clauses))
}
