//! Domain layer: the text parsers of the e-form engine (amounts of money, numbers, dates, yes/no), written for
//! the way Vietnamese people type them: "1.500.000", "12,5", "05/02/2027".

use serde_json::Number;
use time::{Date, Month};

/// The largest amount accepted, in đồng: a quadrillion is beyond any fee or declared value, and stays below
/// 2^53 so the number survives a round trip through JavaScript unchanged.
pub const MAX_MONEY: u64 = 1_000_000_000_000_000;

/// A whole number of đồng, written plain ("1500000") or grouped by threes with dots, commas or spaces
/// ("1.500.000", "1,500,000", "1 500 000"), optionally followed by "đ", "đồng" or "VND". VND has no minor unit,
/// so "1.5" is refused rather than guessed.
pub fn parse_money(raw: &str) -> Option<u64> {
    let text = raw.trim();
    let lower = text.to_lowercase();
    let body = ["đồng", "vnđ", "vnd", "đ"]
        .iter()
        .find_map(|unit| lower.strip_suffix(unit))
        .unwrap_or(&lower)
        .trim_end();
    if body.is_empty() || body.len() > 30 {
        return None;
    }
    let groups: Vec<&str> = body.split(['.', ',', ' ', '\u{a0}', '\u{202f}']).collect();
    let all_digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    let well_grouped = groups.len() == 1
        || (groups[0].len() <= 3
            && groups.iter().all(|g| all_digits(g))
            && groups[1..].iter().all(|g| g.len() == 3));
    if !well_grouped || !groups.iter().all(|g| all_digits(g)) {
        return None;
    }
    let amount: u64 = groups.concat().parse().ok()?;
    (amount <= MAX_MONEY).then_some(amount)
}

/// "1.500.000": an amount of đồng grouped by threes with dots, as it is printed on Vietnamese forms.
pub fn format_money(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A number with an optional minus sign and at most one decimal separator, comma (the Vietnamese way: "12,5")
/// or dot ("12.5"). Thousands grouping is not accepted here because "1.500" would be ambiguous; amounts of money
/// use [`parse_money`]. Whole numbers are kept as integers so "3" is stored as 3, not 3.0.
pub fn parse_number(raw: &str) -> Option<Number> {
    let text = raw.trim();
    if text.is_empty() || text.len() > 24 {
        return None;
    }
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = match body.split_once([',', '.']) {
        Some((w, f)) => (w, Some(f)),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || fraction.is_some_and(|f| !digits(f)) {
        return None;
    }
    let sign = if negative { "-" } else { "" };
    match fraction {
        None => format!("{sign}{whole}")
            .parse::<i64>()
            .ok()
            .map(Number::from),
        Some(f) => format!("{sign}{whole}.{f}")
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64),
    }
}

/// A real calendar date as "YYYY-MM-DD", from the ISO form a `type="date"` input sends or the day-first form
/// people type where the browser shows a plain text box ("5/2/2027", "05-02-2027", "05.02.2027").
pub fn parse_date(raw: &str) -> Option<String> {
    let text = raw.trim();
    let parts: Vec<&str> = text.split(['-', '/', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let (year, month, day) = if a.len() == 4 && text.contains('-') {
        (*a, *b, *c)
    } else if c.len() == 4 {
        (*c, *b, *a)
    } else {
        return None;
    };
    let number = |s: &str, max_len: usize| -> Option<u16> {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let year = i32::from(number(year, 4)?);
    let month = Month::try_from(u8::try_from(number(month, 2)?).ok()?).ok()?;
    let day = u8::try_from(number(day, 2)?).ok()?;
    if year < 1000 {
        return None;
    }
    let date = Date::from_calendar_date(year, month, day).ok()?;
    Some(format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    ))
}

/// Yes/no as the radio buttons send it ("true"/"false"), with the spoken forms an API client might use.
pub fn parse_yesno(raw: &str) -> Option<bool> {
    match crate::domain::text::nfc(raw.trim()).to_lowercase().as_str() {
        "true" | "1" | "yes" | "có" | "on" => Some(true),
        "false" | "0" | "no" | "không" => Some(false),
        _ => None,
    }
}
