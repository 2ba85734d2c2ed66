//! Cryptographic primitives over ring: random tokens, SHA-256, HMAC and PBKDF2 password hashes.

use std::num::NonZeroU32;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use ring::rand::{SecureRandom, SystemRandom};
use ring::{digest, hmac, pbkdf2};

const PBKDF2_PREFIX: &str = "pbkdf2-sha256";
const SALT_BYTES: usize = 16;
const HASH_BYTES: usize = 32;

/// `n` random bytes from the OS generator, URL-safe base64: session ids, CSRF seeds, API tokens.
pub fn random_token(n: usize) -> String {
    URL_SAFE_NO_PAD.encode(random_bytes(n))
}

pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    // The OS generator failing means the machine cannot do cryptography at all; no caller could recover.
    #[allow(clippy::expect_used)]
    SystemRandom::new()
        .fill(&mut buf)
        .expect("the operating system random generator failed");
    buf
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(digest::digest(&digest::SHA256, data))
}

/// A streaming SHA-256 for files too large to hold in memory.
pub struct Sha256(digest::Context);

impl Default for Sha256 {
    fn default() -> Self {
        Self(digest::Context::new(&digest::SHA256))
    }
}

impl Sha256 {
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
    pub fn finish_hex(self) -> String {
        hex::encode(self.0.finish())
    }
}

/// The secret behind CSRF tokens; loaded from `secrets/session.key`.
#[derive(Clone)]
pub struct MacKey(hmac::Key);

impl MacKey {
    pub fn from_bytes(bytes: &[u8]) -> Self {
        Self(hmac::Key::new(hmac::HMAC_SHA256, bytes))
    }

    /// An unforgeable tag for `message`, URL-safe base64.
    pub fn sign(&self, message: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(hmac::sign(&self.0, message))
    }

    /// Constant-time check of a tag produced by [`MacKey::sign`].
    pub fn verify(&self, message: &[u8], tag: &str) -> bool {
        URL_SAFE_NO_PAD
            .decode(tag)
            .is_ok_and(|t| hmac::verify(&self.0, message, &t).is_ok())
    }
}

/// Hashes a password as `pbkdf2-sha256$<iterations>$<salt>$<hash>` (base64), self-describing so the cost can rise
/// later without invalidating stored hashes. CPU-heavy: call it from a blocking thread.
pub fn hash_password(password: &str, iterations: NonZeroU32) -> String {
    let salt = random_bytes(SALT_BYTES);
    let mut out = [0u8; HASH_BYTES];
    pbkdf2::derive(
        pbkdf2::PBKDF2_HMAC_SHA256,
        iterations,
        &salt,
        password.as_bytes(),
        &mut out,
    );
    format!(
        "{PBKDF2_PREFIX}${iterations}${}${}",
        STANDARD_NO_PAD.encode(salt),
        STANDARD_NO_PAD.encode(out)
    )
}

/// Checks a password against a stored hash in constant time. A malformed stored hash never verifies.
pub fn verify_password(password: &str, stored: &str) -> bool {
    let mut parts = stored.split('$');
    let (Some(PBKDF2_PREFIX), Some(iterations), Some(salt), Some(hash), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    let (Ok(iterations), Ok(salt), Ok(hash)) = (
        iterations.parse::<NonZeroU32>(),
        STANDARD_NO_PAD.decode(salt),
        STANDARD_NO_PAD.decode(hash),
    ) else {
        return false;
    };
    pbkdf2::verify(
        pbkdf2::PBKDF2_HMAC_SHA256,
        iterations,
        &salt,
        password.as_bytes(),
        &hash,
    )
    .is_ok()
}

/// The iteration count recorded in a stored hash, to decide whether it needs rehashing at the current cost.
pub fn password_iterations(stored: &str) -> Option<u32> {
    stored.split('$').nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hashes_verify_and_carry_their_parameters() {
        let it = NonZeroU32::new(1_000).unwrap_or(NonZeroU32::MIN);
        let stored = hash_password("Mật khẩu đủ dài", it);
        assert!(stored.starts_with("pbkdf2-sha256$1000$"));
        assert!(verify_password("Mật khẩu đủ dài", &stored));
        assert!(!verify_password("mật khẩu đủ dài", &stored));
        assert!(!verify_password("x", "garbage"));
        assert_ne!(
            stored,
            hash_password("Mật khẩu đủ dài", it),
            "every hash has its own salt"
        );
        assert_eq!(password_iterations(&stored), Some(1000));
    }

    #[test]
    fn mac_tags_verify_only_for_their_message() {
        let key = MacKey::from_bytes(b"0123456789abcdef0123456789abcdef");
        let tag = key.sign(b"session-1");
        assert!(key.verify(b"session-1", &tag));
        assert!(!key.verify(b"session-2", &tag));
        assert!(!key.verify(b"session-1", "not base64!"));
    }
}
