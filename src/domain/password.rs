//! Password rules: length bounds, a common-password refusal list, and NFC so that a Vietnamese password typed on
//! any keyboard hashes the same way.

use super::text::nfc;

/// The longest accepted password. A cap keeps a request from buying unbounded PBKDF2 work (ASVS 2.1.2 allows 64+).
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Passwords that appear at the top of every breached-password list, refused whatever the length rule.
const COMMON_PASSWORDS: &[&str] = &[
    "123456789aa@",
    "123456789aA@",
    "1234567890ab",
    "abc123456789",
    "password1234",
    "passw0rd1234",
    "matkhau12345",
    "matkhau123456",
    "qwertyuiop12",
    "123456789abc",
    "admin1234567",
    "administrator",
    "motcua123456",
    "iloveyou1234",
    "12345678910a",
    "aaaaaaaaaaaa",
    "111111111111",
    "123123123123",
];

/// The configured length rule; the character checks are fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub min_chars: usize,
}

impl PasswordPolicy {
    /// Checks a new password and returns it in NFC, the form that is hashed.
    pub fn check(&self, raw: &str, username: &str) -> Result<String, &'static str> {
        let password = nfc(raw);
        let chars = password.chars().count();
        if chars < self.min_chars {
            return Err("password.too_short");
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err("password.too_long");
        }
        let lower = password.to_lowercase();
        if lower == username.to_lowercase()
            || COMMON_PASSWORDS.iter().any(|c| c.to_lowercase() == lower)
        {
            return Err("password.too_common");
        }
        if password
            .chars()
            .collect::<std::collections::BTreeSet<_>>()
            .len()
            < 4
        {
            return Err("password.too_common");
        }
        Ok(password)
    }
}

/// Normalises a password typed at sign-in; refuses oversize input before any hashing work.
pub fn normalise_attempt(raw: &str) -> Option<String> {
    (raw.chars().count() <= MAX_PASSWORD_CHARS).then(|| nfc(raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: PasswordPolicy = PasswordPolicy { min_chars: 12 };

    #[test]
    fn short_common_and_oversize_passwords_are_refused() {
        assert_eq!(POLICY.check("Abc12345", "canbo"), Err("password.too_short"));
        assert_eq!(
            POLICY.check("123456789aA@", "canbo"),
            Err("password.too_common")
        );
        assert_eq!(
            POLICY.check("canbo.mot.cua", "canbo.mot.cua"),
            Err("password.too_common")
        );
        assert_eq!(
            POLICY.check(&"x1".repeat(65), "canbo"),
            Err("password.too_long")
        );
        assert!(POLICY.check("Trời xanh mây trắng 2026", "canbo").is_ok());
    }

    #[test]
    fn decomposed_and_composed_passwords_normalise_alike() {
        let composed = POLICY.check("Mật khẩu đủ dài", "u").ok();
        let decomposed = normalise_attempt("M\u{61}\u{302}\u{323}t kha\u{302}\u{309}u đủ dài");
        assert_eq!(composed, decomposed);
    }
}
