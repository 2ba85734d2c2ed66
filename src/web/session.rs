//! Cookies and CSRF tokens. The session cookie is `__Host-` prefixed, Secure, HttpOnly and SameSite=Strict; the CSRF
//! token of a form is an HMAC of the session token (or, before sign-in, of a pre-session cookie), so it cannot be
//! produced by another site and needs no storage.

use axum_extra::extract::cookie::{Cookie, SameSite};

use crate::crypto::MacKey;

pub const SESSION_COOKIE: &str = "__Host-motcua_session";
pub const PRE_SESSION_COOKIE: &str = "__Host-motcua_pre";

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
