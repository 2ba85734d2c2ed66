//! Typed identifiers and names used across layers, parsed once at the edge.

use std::fmt;

use super::text::{clean_line, has_control_chars};

/// Internal row id of a staff account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct StaffId(pub i64);

/// A staff sign-in name: 3-64 characters from lower-case ASCII letters, digits, `.`, `_` and `-`.
/// ASCII keeps names typeable on every keyboard and unambiguous in logs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let value = raw.trim().to_ascii_lowercase();
        if value.len() < 3 {
            return Err("username.too_short");
        }
        if value.len() > 64 {
            return Err("username.too_long");
        }
        let allowed =
            |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-');
        if !value.chars().all(allowed) || !value.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err("username.invalid");
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's full name as written, in NFC, 1-120 characters, one line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let value = clean_line(raw);
        if value.is_empty() {
            return Err("full_name.required");
        }
        if value.chars().count() > 120 {
            return Err("full_name.too_long");
        }
        if has_control_chars(&value) {
            return Err("full_name.invalid");
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lowercased_and_restricted_to_ascii() {
        assert_eq!(
            Username::parse(" CanBo.01 ").map(|u| u.0),
            Ok("canbo.01".to_owned())
        );
        assert_eq!(Username::parse("ab"), Err("username.too_short"));
        assert_eq!(Username::parse("cán.bộ"), Err("username.invalid"));
        assert_eq!(Username::parse("a\nb\u{1b}[31m"), Err("username.invalid"));
        assert_eq!(Username::parse(".hidden"), Err("username.invalid"));
    }

    #[test]
    fn person_names_are_normalised_to_nfc() {
        let decomposed = "Nguye\u{302}\u{303}n Va\u{306}n A";
        assert_eq!(
            PersonName::parse(decomposed).map(|n| n.0),
            Ok("Nguyễn Văn A".to_owned())
        );
        assert_eq!(PersonName::parse("  "), Err("full_name.required"));
    }
}
