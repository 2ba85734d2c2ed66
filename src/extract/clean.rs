//! The one normal form of extracted text, whatever reader produced it: NFC, no control characters, whitespace
//! collapsed with paragraph breaks kept, trimmed, and capped.

use unicode_normalization::UnicodeNormalization;

/// Cleans `raw` in one pass that stops once `max_chars` characters are written, so a huge input costs no more
/// than the text it keeps.
///
/// NFC comes first (TCVN 6909:2001; PDFs and some keyboards give decomposed Vietnamese, and search compares NFC);
/// CR LF, CR and the Unicode line separators count as one line break; form feeds (page breaks from PDF readers)
/// as one too. Other control characters, byte-order marks and soft hyphens are dropped. Within a line any run of
/// whitespace becomes one space; between lines at most one blank line is kept, so paragraphs stay apart.
pub(super) fn clean(raw: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(raw.len().min(max_chars.saturating_mul(2)));
    let mut written = 0usize;
    let mut pending_space = false;
    let mut pending_breaks = 0usize;
    let mut after_cr = false;
    for c in raw.nfc() {
        let was_cr = std::mem::replace(&mut after_cr, c == '\r');
        if is_line_break(c) {
            if !(c == '\n' && was_cr) {
                pending_breaks = (pending_breaks + 1).min(2);
            }
            pending_space = false;
            continue;
        }
        if c.is_whitespace() {
            pending_space = pending_breaks == 0;
            continue;
        }
        if c.is_control() || matches!(c, '\u{FEFF}' | '\u{00AD}') {
            continue;
        }
        if written > 0 {
            let separator = if pending_breaks > 0 {
                Some(("\n\n", pending_breaks))
            } else if pending_space {
                Some((" ", 1))
            } else {
                None
            };
            if let Some((chars, count)) = separator {
                if written + count + 1 > max_chars {
                    break;
                }
                out.push_str(&chars[..count]);
                written += count;
            }
        }
        if written + 1 > max_chars {
            break;
        }
        out.push(c);
        written += 1;
        pending_space = false;
        pending_breaks = 0;
    }
    out
}

/// Characters that end a line: the ASCII ones, form feed and vertical tab (page breaks in extracted PDF text),
/// NEL, and the Unicode line and paragraph separators.
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

#[cfg(test)]
mod tests {
    use super::clean;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn whitespace_collapses_but_paragraphs_stay_apart() {
        let raw = "  Tờ   khai\t\u{a0}đăng ký \r\n\r\n\r\n\r\n  Họ\x07 tên:\u{feff} Lê\u{ad}  Văn\x0cTrang 2 \n";
        assert_eq!(
            clean(raw, 1000),
            "Tờ khai đăng ký\n\nHọ tên: Lê Văn\nTrang 2"
        );
    }

    #[test]
    fn a_lone_carriage_return_breaks_a_line_and_crlf_breaks_it_once() {
        assert_eq!(clean("a\rb\r\nc\n\rd", 100), "a\nb\nc\n\nd");
    }

    #[test]
    fn decomposed_vietnamese_comes_out_composed() {
        let decomposed: String = "Ủy ban".nfd().collect();
        assert_ne!(decomposed, "Ủy ban");
        assert_eq!(clean(&decomposed, 100), "Ủy ban");
    }

    #[test]
    fn the_cap_counts_characters_and_never_ends_on_a_separator() {
        assert_eq!(clean("ầầầ ầầầ", 4), "ầầầ");
        assert_eq!(clean("ầầầ ầầầ", 5), "ầầầ ầ");
        assert_eq!(clean("ab\n\ncd", 3), "ab");
        assert_eq!(clean("ab\n\ncd", 5), "ab\n\nc");
        assert_eq!(clean("", 5), "");
    }
}
