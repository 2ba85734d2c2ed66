//! Search layer: the snippet of a dossier hit, taken from whichever stored text shows the query best.
//!
//! The index cannot tell which document of a dossier matched (all texts share one field), so each stored text of
//! a hit is highlighted and the fragment showing the most distinct query words wins: the best document first, then
//! the e-form, the applicant's name, the procedure's name. On equal scores that order decides, so a sentence
//! found in a document is shown from the document even when the name also matches.

use tantivy::TantivyDocument;
use tantivy::schema::{Field, Value};

use super::SnippetSource;
use super::schema::Fields;
use crate::search::highlight::{Fragment, Highlighter, Kind};

/// About two lines of a result list (bytes: 120 to 220 Vietnamese letters).
const SNIPPET_BYTES: usize = 220;

/// `(snippet_html, source)` for one stored dossier; `("", None)` when no stored text shows a query word (a dossier
/// found by its code or ID number, or by words beyond the stored head of a long document).
pub(crate) fn best(
    highlighter: &mut Highlighter,
    fields: &Fields,
    doc: &TantivyDocument,
) -> (String, SnippetSource) {
    let mut best: Option<(Fragment, SnippetSource)> = None;
    let mut offer = |fragment: Option<Fragment>, source: SnippetSource| {
        if let Some(fragment) = fragment
            && best.as_ref().is_none_or(|(b, _)| fragment.score > b.score)
        {
            best = Some((fragment, source));
        }
    };
    let ids = doc.get_all(fields.doc_id).filter_map(|v| v.as_i64());
    let names = strings(doc, fields.doc_name);
    let texts = strings(doc, fields.doc_text);
    for ((document_id, file_name), text) in ids.zip(names).zip(texts) {
        // The file name is indexed with the text; it is shown only when the text itself shows nothing.
        let fragment = highlighter
            .fragment(text, Kind::Text, Some(SNIPPET_BYTES))
            .or_else(|| highlighter.fragment(file_name, Kind::Text, None));
        let source = SnippetSource::Document {
            document_id,
            file_name: file_name.to_owned(),
        };
        offer(fragment, source);
    }
    let form = first(doc, fields.form);
    offer(
        highlighter.fragment(form, Kind::Text, Some(SNIPPET_BYTES)),
        SnippetSource::Form,
    );
    let name = first(doc, fields.name);
    offer(
        highlighter.fragment(name, Kind::Name, None),
        SnippetSource::Applicant,
    );
    let procedure = first(doc, fields.procedure);
    offer(
        highlighter.fragment(procedure, Kind::Text, None),
        SnippetSource::Procedure,
    );
    match best {
        Some((fragment, source)) => (fragment.html, source),
        None => (String::new(), SnippetSource::None),
    }
}

fn strings(doc: &TantivyDocument, field: Field) -> impl Iterator<Item = &str> {
    doc.get_all(field).map(|v| v.as_str().unwrap_or_default())
}

fn first(doc: &TantivyDocument, field: Field) -> &str {
    strings(doc, field).next().unwrap_or_default()
}
