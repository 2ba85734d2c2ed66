//! Rewrites the glyph widths of CID fonts into the one form pdf-extract 0.12.1 reads correctly.
//!
//! A CIDFont's `/W` array mixes two forms: `c [w1 w2 …]` (consecutive CIDs) and `c_first c_last w` (a range with
//! one width). pdf-extract reads all three numbers of the range form from its first element, so every range is
//! empty and those glyphs take the default width — 0 in the PDFs Chromium (Skia) writes. Glyph positions then
//! drift left within each string: words split ("Lê Đìn h") and table cells run into each other. Expanding each
//! range into the list form before pdf-extract sees the document gives it the true widths.

use lopdf::{Document, Object, ObjectId};
use std::collections::HashSet;

/// Expanded entries per `/W` array at most: CIDs are 16-bit, and a hostile range must not allocate without end.
const MAX_WIDTH_ENTRIES: i64 = 65_536;
/// Fonts sit at most two levels down (a Type0 font's `/DescendantFonts` array holding the CIDFont dictionary);
/// deeper nesting is not followed, so a hostile nesting cannot exhaust the stack.
const MAX_DEPTH: usize = 4;

/// Rewrites, in place, every CIDFont `/W` array of `document` (held directly or through a reference) to the
/// list form; a range of width `w` from `c_first` to `c_last` becomes `c_first [w w … w]`.
pub(super) fn normalize_cid_widths(document: &mut Document) {
    let mut referenced: HashSet<ObjectId> = HashSet::new();
    for object in document.objects.values() {
        collect_width_references(object, 0, &mut referenced);
    }
    for (id, object) in document.objects.iter_mut() {
        if referenced.contains(id)
            && let Object::Array(widths) = object
        {
            *widths = expand_widths(widths);
        }
        rewrite_direct_widths(object, 0);
    }
}

fn is_cid_font(dict: &lopdf::Dictionary) -> bool {
    dict.get(b"Subtype")
        .and_then(Object::as_name)
        .is_ok_and(|name| name == b"CIDFontType2" || name == b"CIDFontType0")
}

fn collect_width_references(object: &Object, depth: usize, found: &mut HashSet<ObjectId>) {
    if depth > MAX_DEPTH {
        return;
    }
    match object {
        Object::Dictionary(dict) => {
            if is_cid_font(dict)
                && let Ok(Object::Reference(id)) = dict.get(b"W")
            {
                found.insert(*id);
            }
            for (_, value) in dict.iter() {
                collect_width_references(value, depth + 1, found);
            }
        }
        Object::Array(items) => {
            for item in items {
                collect_width_references(item, depth + 1, found);
            }
        }
        _ => {}
    }
}

fn rewrite_direct_widths(object: &mut Object, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match object {
        Object::Dictionary(dict) => {
            if is_cid_font(dict)
                && let Ok(Object::Array(widths)) = dict.get_mut(b"W")
            {
                *widths = expand_widths(widths);
            }
            for (_, value) in dict.iter_mut() {
                rewrite_direct_widths(value, depth + 1);
            }
        }
        Object::Array(items) => {
            for item in items {
                rewrite_direct_widths(item, depth + 1);
            }
        }
        _ => {}
    }
}

/// The list form of a `/W` array. Parsing stops at the first malformed entry, keeping what came before (a PDF
/// reader would use the default width from there on too).
fn expand_widths(widths: &[Object]) -> Vec<Object> {
    let mut expanded = Vec::with_capacity(widths.len());
    let mut budget = MAX_WIDTH_ENTRIES;
    let mut i = 0;
    while let Some(Ok(first)) = widths.get(i).map(Object::as_i64) {
        match widths.get(i + 1) {
            Some(Object::Array(list)) => {
                expanded.push(Object::Integer(first));
                expanded.push(Object::Array(list.clone()));
                i += 2;
            }
            Some(last) => {
                let (Ok(last), Some(Ok(width))) =
                    (last.as_i64(), widths.get(i + 2).map(Object::as_float))
                else {
                    break;
                };
                let count = last
                    .saturating_sub(first)
                    .saturating_add(1)
                    .clamp(0, budget);
                if count > 0 {
                    budget -= count;
                    expanded.push(Object::Integer(first));
                    expanded.push(Object::Array(vec![Object::Real(width); count as usize]));
                }
                i += 3;
            }
            None => break,
        }
    }
    expanded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_become_lists_and_lists_stay() {
        let widths = vec![
            Object::Integer(0),
            Object::Array(vec![Object::Real(600.0)]),
            Object::Integer(3),
            Object::Integer(5),
            Object::Real(317.5),
            Object::Integer(16),
            Object::Array(vec![Object::Integer(337), Object::Integer(318)]),
        ];
        assert_eq!(
            expand_widths(&widths),
            vec![
                Object::Integer(0),
                Object::Array(vec![Object::Real(600.0)]),
                Object::Integer(3),
                Object::Array(vec![Object::Real(317.5); 3]),
                Object::Integer(16),
                Object::Array(vec![Object::Integer(337), Object::Integer(318)]),
            ]
        );
    }

    #[test]
    fn a_hostile_range_is_bounded_and_a_malformed_tail_dropped() {
        let widths = vec![
            Object::Integer(0),
            Object::Integer(i64::MAX),
            Object::Integer(500),
            Object::Integer(7),
            Object::Name(b"nonsense".to_vec()),
        ];
        let expanded = expand_widths(&widths);
        assert_eq!(expanded.len(), 2);
        assert!(
            matches!(&expanded[1], Object::Array(list) if list.len() == MAX_WIDTH_ENTRIES as usize)
        );
    }
}
