//! Cookies and CSRF tokens. The session cookie is `__Host-` prefixed, Secure, HttpOnly and SameSite=Strict; the CSRF
//! token of a form is an HMAC of the session token (or, before sign-in, of a pre-session cookie), so it cannot be
//! produced by another site and needs no storage.

use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};

use crate::crypto::{MacKey, random_token};

pub const SESSION_COOKIE: &str = "__Host-motcua_session";
pub const PRE_SESSION_COOKIE: &str = "__Host-motcua_pre";
/// A citizen's portal session; separate from the staff cookie so one browser may hold both without mixing them.
pub const CITIZEN_COOKIE: &str = "__Host-motcua_citizen";

fn secure_cookie(name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Strict)
        .build()
}

pub fn session_cookie(token: String) -> Cookie<'static> {
    secure_cookie(SESSION_COOKIE, token)
}

pub fn citizen_cookie(token: String) -> Cookie<'static> {
    secure_cookie(CITIZEN_COOKIE, token)
}

pub fn pre_session_cookie(value: String) -> Cookie<'static> {
    secure_cookie(PRE_SESSION_COOKIE, value)
}

/// A cookie that tells the browser to forget `name`.
pub fn removal(name: &'static str) -> Cookie<'static> {
    let mut cookie = secure_cookie(name, String::new());
    cookie.make_removal();
    cookie
}

/// The token a form must echo back, bound to the session (or pre-session) it was rendered for.
pub fn csrf_token(mac: &MacKey, binding: &str) -> String {
    mac.sign(format!("csrf:{binding}").as_bytes())
}

pub fn csrf_valid(mac: &MacKey, binding: &str, token: &str) -> bool {
    mac.verify(format!("csrf:{binding}").as_bytes(), token)
}

/// Gives the browser a pre-session cookie (the CSRF binding of a form shown before sign-in) if it has none.
pub fn ensure_pre_session(jar: CookieJar) -> (CookieJar, String) {
    match jar.get(PRE_SESSION_COOKIE).map(|c| c.value().to_owned()) {
        Some(value) => (jar, value),
        None => {
            let value = random_token(24);
            (jar.add(pre_session_cookie(value.clone())), value)
        }
    }
}

/// Only same-site paths are followed after sign-in, never another host (open-redirect protection).
pub fn safe_next<'a>(next: &'a str, fallback: &'a str) -> &'a str {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next
    } else {
        fallback
    }
}
