//! Text hygiene shared by every parser: Unicode NFC (TCVN 6909:2001) and trimming.

use unicode_normalization::UnicodeNormalization;

/// Vietnamese typed on some keyboards or pasted from PDFs arrives decomposed (NFD); storing and comparing NFC
/// keeps search, uniqueness and password checks consistent.
pub fn nfc(input: &str) -> String {
    input.nfc().collect()
}

/// NFC plus surrounding whitespace removed, the normal form of a one-line field.
pub fn clean_line(input: &str) -> String {
    nfc(input.trim())
}

/// Control characters (CR, LF, ANSI escapes) are refused in one-line fields so they cannot forge log lines.
pub fn has_control_chars(input: &str) -> bool {
    input.chars().any(char::is_control)
}

/// Control characters written as escapes (`\n`, `\u{1b}`), so text from a request stays on one log line.
pub fn escape_controls(input: &str) -> String {
    input
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Lower-case ASCII with Vietnamese diacritics removed and đ → d ("Tờ khai đăng ký" → "to khai dang ky"), for
/// keys and file names derived from Vietnamese text.
pub fn fold_ascii(input: &str) -> String {
    folded_chars(input).collect()
}

/// The characters of [`fold_ascii`], lazily, so comparisons need not allocate.
fn folded_chars(input: &str) -> impl Iterator<Item = char> + '_ {
    input
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            other => other.to_ascii_lowercase(),
        })
        .filter(char::is_ascii)
}

/// A URL- and key-safe slug: folded words joined by `-` ("Tờ khai khai sinh" → "to-khai-khai-sinh").
pub fn slug(input: &str) -> String {
    fold_ascii(input)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// Vietnamese alphabetical order, close enough for lists people scan: by the letters without diacritics (so
/// "Đất đai" sorts among the D's), then by the text itself so different spellings keep a stable order.
pub fn vietnamese_order(a: &str, b: &str) -> std::cmp::Ordering {
    folded_chars(a).cmp(folded_chars(b)).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod fold_tests {
    use super::{fold_ascii, slug, vietnamese_order};

    #[test]
    fn d_with_stroke_sorts_among_the_ds() {
        let mut sectors = vec!["Đất đai", "Văn hóa cơ sở", "Chứng thực", "Dân tộc"];
        sectors.sort_by(|a, b| vietnamese_order(a, b));
        assert_eq!(
            sectors,
            ["Chứng thực", "Dân tộc", "Đất đai", "Văn hóa cơ sở"]
        );
    }

    #[test]
    fn vietnamese_folds_to_plain_ascii() {
        assert_eq!(fold_ascii("Tờ khai ĐĂNG KÝ"), "to khai dang ky");
        assert_eq!(
            slug("Tờ khai đăng ký khai sinh (mẫu 01).docx"),
            "to-khai-dang-ky-khai-sinh-mau-01-docx"
        );
    }
}
