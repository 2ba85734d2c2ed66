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
