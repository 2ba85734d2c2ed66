//! Raw Telex input: what a Vietnamese query looks like when the keyboard's Vietnamese mode was off
//! ("giaays pheps xaay duwngj" for "giấy phép xây dựng"). Search folds diacritics anyway, so decoding only has to
//! recover the folded letters: drop the tone keys and vowel modifiers that Vietnamese spelling never contains.

const VOWELS: &[u8] = b"aeiouy";
/// Tone keys (s sắc, f huyền, r hỏi, x ngã, j nặng) and z (remove tone).
const TONE_KEYS: &[u8] = b"sfrxjz";

/// The folded word a Telex-typed token stands for, or `None` when the token does not look like Telex.
///
/// Works on lower-case ASCII tokens. After the first vowel of a syllable Vietnamese spelling never has s, f, r, x, j,
/// z or w, nor the doubled vowels aa, ee, oo (except loan words like "xoong", which fold the same either way), so
/// those can only be Telex keys.
pub fn decode_folded(token: &str) -> Option<String> {
    let bytes = token.as_bytes();
    if bytes.len() < 2 || !bytes.iter().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let first_vowel = bytes.iter().position(|b| VOWELS.contains(b))?;
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    // Initial consonants: "dd" is đ.
    let onset = &bytes[..first_vowel];
    if onset.starts_with(b"dd") {
        out.push(b'd');
        out.extend_from_slice(&onset[2..]);
    } else if onset.contains(&b'w') || onset.iter().any(|b| b"fjz".contains(b)) {
        return None;
    } else {
        out.extend_from_slice(onset);
    }
    for &b in &bytes[first_vowel..] {
        if TONE_KEYS.contains(&b) || b == b'w' {
            continue;
        }
        // aa → â, ee → ê, oo → ô: the second letter is the modifier.
        if matches!(b, b'a' | b'e' | b'o') && out.last() == Some(&b) {
            continue;
        }
        out.push(b);
    }
    let decoded = String::from_utf8(out).ok()?;
    (decoded != token).then_some(decoded)
}

#[cfg(test)]
mod tests {
    use super::decode_folded;

    #[test]
    fn telex_words_decode_to_their_folded_spelling() {
        let cases = [
            ("giaays", "giay"),
            ("pheps", "phep"),
            ("xaay", "xay"),
            ("duwngj", "dung"),
            ("ddaats", "dat"),
            ("dduwowngf", "duong"),
            ("khai", "khai"),
            ("hooj", "ho"),
            ("tichj", "tich"),
        ];
        for (typed, folded) in cases {
            let got = decode_folded(typed).unwrap_or_else(|| typed.to_owned());
            assert_eq!(got, folded, "{typed}");
        }
    }

    #[test]
    fn ordinary_words_and_numbers_are_left_alone() {
        for word in ["khai", "sinh", "nguoi", "123", "a", "xa", "ra"] {
            assert_eq!(decode_folded(word), None, "{word}");
        }
    }
}
