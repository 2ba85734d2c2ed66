//! Portal web layer: citizen sign-in through the external OpenID Connect provider (VNeID in production).
//!
//! `GET /dang-nhap/oidc` sends the browser to the provider; `GET /dang-nhap/oidc/callback` brings it back, signs in
//! a known citizen, or sends a new one to `GET/POST /dang-nhap/oidc/hoan-tat` for the details the provider did not
//! give. The server keeps nothing between these requests: the flow secrets (state, nonce, PKCE verifier) and later
//! the verified identity travel in cookies sealed with a key derived from `state.mac`, so the browser can neither
//! read nor forge them, and each carries its own expiry.
//!
//! SameSite matters here. The callback is a cross-site navigation from the provider, so the flow cookie is `Lax`
//! (a `Strict` one would not be sent). For the same reason the `Strict` session cookie set by the callback would not
//! be sent if the callback redirected straight on, since browsers treat the whole redirect chain as cross-site; the
//! callback therefore answers with a short page that moves on by itself (`Refresh`), a same-site navigation.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use maud::{Markup, html};
use ring::aead::{self, Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, UnboundKey};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::crypto::{MacKey, random_bytes};
use crate::domain::FieldErrors;
use crate::domain::citizen::ProfileInput;
use crate::services::ServiceError;
use crate::services::citizens::oidc::{self, OidcFlow, OidcOutcome, VerifiedIdentity};
use crate::web::error::PageError;
use crate::web::extract::{Client, CsrfForm};
use crate::web::session::{
    PRE_SESSION_COOKIE, citizen_cookie, csrf_token, ensure_pre_session, removal, safe_next,
};
use crate::web::state::AppState;
use crate::web::ui::form::{Field, csrf_input, error_summary, field};
use crate::web::ui::messages::refusal_message;

use super::account::{address_detail, login_page, place_fields, places};
use super::citizen_page::public_page;
use crate::web::public_url::public_base;

/// Flow secrets between leaving for the provider and the callback.
const FLOW_COOKIE: &str = "__Host-motcua_oidc";
/// The verified identity of a new citizen between the callback and the completion form.
const IDENTITY_COOKIE: &str = "__Host-motcua_oidc_id";
/// Long enough to sign in at the provider (the VNeID app may ask for a PIN or a face check), short enough that a
/// forgotten tab is useless.
const FLOW_SECONDS: i64 = 10 * 60;
/// Long enough to fill in the address; the identity is not re-checked with the provider before the account is made.
const IDENTITY_SECONDS: i64 = 20 * 60;
const DEFAULT_NEXT: &str = "/ho-so-cua-toi";
const COMPLETE_PATH: &str = "/dang-nhap/oidc/hoan-tat";

#[derive(Serialize, Deserialize)]
struct FlowCookie {
    flow: OidcFlow,
    next: String,
    expires: i64,
}

#[derive(Serialize, Deserialize)]
struct IdentityCookie {
    identity: VerifiedIdentity,
    next: String,
    expires: i64,
}

/// A ChaCha20-Poly1305 key for one cookie, derived from the server's MAC key (HMAC as a PRF), so there is no new
/// secret to store and the two cookies cannot be swapped for each other.
fn cookie_key(mac: &MacKey, name: &str) -> Option<LessSafeKey> {
    let raw = URL_SAFE_NO_PAD
        .decode(mac.sign(format!("oidc-cookie-key:{name}").as_bytes()))
        .ok()?;
    UnboundKey::new(&CHACHA20_POLY1305, &raw)
        .ok()
        .map(LessSafeKey::new)
}

/// Encrypts and authenticates `value` as `base64url(nonce || ciphertext || tag)`.
fn seal<T: Serialize>(mac: &MacKey, name: &str, value: &T) -> Result<String, PageError> {
    let failed = || {
        PageError::Service(ServiceError::Internal(anyhow::anyhow!(
            "sealing the {name} cookie failed"
        )))
    };
    let key = cookie_key(mac, name).ok_or_else(failed)?;
    let mut data = serde_json::to_vec(value).map_err(|_| failed())?;
    let nonce_bytes = random_bytes(NONCE_LEN);
    let nonce = aead::Nonce::try_assume_unique_for_key(&nonce_bytes).map_err(|_| failed())?;
    key.seal_in_place_append_tag(nonce, Aad::from(name.as_bytes()), &mut data)
        .map_err(|_| failed())?;
    Ok(URL_SAFE_NO_PAD.encode([nonce_bytes, data].concat()))
}

/// The value of a sealed cookie, or `None` when it is missing, tampered with or sealed under another key.
fn open<T: DeserializeOwned>(mac: &MacKey, jar: &CookieJar, name: &str) -> Option<T> {
    let sealed = URL_SAFE_NO_PAD.decode(jar.get(name)?.value()).ok()?;
    if sealed.len() < NONCE_LEN {
        return None;
    }
    let (nonce, data) = sealed.split_at(NONCE_LEN);
    let nonce = aead::Nonce::try_assume_unique_for_key(nonce).ok()?;
    let mut data = data.to_vec();
    let plain = cookie_key(mac, name)?
        .open_in_place(nonce, Aad::from(name.as_bytes()), &mut data)
        .ok()?;
    serde_json::from_slice(plain).ok()
}

/// `Lax` so the provider's redirect back carries it; `__Host-`, Secure and HttpOnly like every cookie here.
fn flow_cookie(name: &'static str, value: String, seconds: i64) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::seconds(seconds))
        .build()
}

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// The callback address registered at the provider. Set `notify.public_url` in production: without it the address
/// comes from the request's `Host`, which the provider must then match against its registered redirect URIs.
fn redirect_uri(state: &AppState, headers: &HeaderMap) -> String {
    format!("{}/dang-nhap/oidc/callback", public_base(state, headers))
}

/// A same-site path to return to, percent-encoded where needed so it is always a valid header value.
fn next_path(raw: &str) -> String {
    let mut out = String::new();
    for c in safe_next(raw, DEFAULT_NEXT).chars() {
        if c.is_ascii_graphic() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// The citizen sign-in page with a message about the provider, and the status that fits it. Never a 500: the
/// provider's detail is in the log, the citizen is told what to do next.
async fn sign_in_page(
    state: &AppState,
    jar: CookieJar,
    next: &str,
    code: &str,
) -> Result<Response, PageError> {
    let (status, class) = match code {
        "oidc.denied" => (StatusCode::OK, ""),
        "oidc.disabled" => (StatusCode::NOT_FOUND, "error"),
        "oidc.unavailable" | "oidc.provider_error" => (StatusCode::BAD_GATEWAY, "error"),
        "oidc.subject_conflict" => (StatusCode::CONFLICT, "error"),
        _ => (StatusCode::BAD_REQUEST, "error"),
    };
    let (jar, pre) = ensure_pre_session(jar);
    let page = login_page(state, &pre, "", next, Some((class, refusal_message(code)))).await?;
    Ok((status, jar, page).into_response())
}

#[derive(Deserialize, Default)]
pub struct StartQuery {
    #[serde(default)]
    next: String,
}

/// Sends the browser to the provider with a fresh state, nonce and PKCE challenge.
pub async fn start(
    State(state): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    Query(q): Query<StartQuery>,
) -> Result<Response, PageError> {
    let next = next_path(&q.next);
    match oidc::begin(&state.config.oidc, &redirect_uri(&state, &headers)).await {
        Ok(begun) => {
            let value = seal(
                &state.mac,
                FLOW_COOKIE,
                &FlowCookie {
                    flow: begun.flow,
                    next,
                    expires: now() + FLOW_SECONDS,
                },
            )?;
            let jar = jar.add(flow_cookie(FLOW_COOKIE, value, FLOW_SECONDS));
            Ok((jar, Redirect::to(&begun.authorize_url)).into_response())
        }
        Err(ServiceError::Refused(code)) => sign_in_page(&state, jar, &next, code).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct CallbackQuery {
    #[serde(default)]
    code: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    error: Option<String>,
}

/// The provider's answer: checks the flow, verifies the identity and signs in or asks for the missing details.
pub async fn callback(
    State(state): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    client: Client,
    Query(q): Query<CallbackQuery>,
) -> Result<Response, PageError> {
    let flow = open::<FlowCookie>(&state.mac, &jar, FLOW_COOKIE);
    // One flow, one callback: whatever happens next, the flow secrets are spent.
    let jar = jar.add(removal(FLOW_COOKIE));
    let next = flow
        .as_ref()
        .map_or_else(|| DEFAULT_NEXT.to_owned(), |f| f.next.clone());
    if let Some(error) = q.error.as_deref() {
        tracing::info!(
            error,
            "the identity provider returned an error to the callback"
        );
        let code = if error == "access_denied" {
            "oidc.denied"
        } else {
            "oidc.provider_error"
        };
        return sign_in_page(&state, jar, &next, code).await;
    }
    let Some(flow) = flow.filter(|f| f.expires > now()) else {
        return sign_in_page(&state, jar, &next, "oidc.expired").await;
    };
    let outcome = oidc::finish(
        &state.db,
        &state.config.security,
        &client.context(""),
        &state.config.oidc,
        &redirect_uri(&state, &headers),
        &flow.flow,
        &q.state,
        &q.code,
        &client.user_agent,
    )
    .await;
    match outcome {
        Ok(OidcOutcome::SignedIn(signed_in)) => {
            let jar = jar
                .add(citizen_cookie(signed_in.token))
                .add(removal(PRE_SESSION_COOKIE));
            moving_on(&state, jar, &next).await
        }
        Ok(OidcOutcome::NewCitizen(identity)) => {
            let value = seal(
                &state.mac,
                IDENTITY_COOKIE,
                &IdentityCookie {
                    identity,
                    next,
                    expires: now() + IDENTITY_SECONDS,
                },
            )?;
            let jar = jar.add(flow_cookie(IDENTITY_COOKIE, value, IDENTITY_SECONDS));
            Ok((jar, Redirect::to(COMPLETE_PATH)).into_response())
        }
        Err(ServiceError::Refused(code)) => sign_in_page(&state, jar, &next, code).await,
        Err(e) => Err(e.into()),
    }
}

/// The page after a successful callback. It moves on by itself with `Refresh`, a navigation this site starts, so
/// the browser sends the new `SameSite=Strict` session cookie (a redirect here would still count as cross-site).
async fn moving_on(state: &AppState, jar: CookieJar, next: &str) -> Result<Response, PageError> {
    let body = html! {
        h1 { "Đăng nhập thành công" }
        p { "Đang chuyển tới trang Ông/Bà cần. Nếu trang không tự chuyển, "
            a id="continue" href=(next) { "bấm vào đây để tiếp tục" } "." }
    };
    let page = public_page(state, "Đăng nhập thành công", body).await?;
    let refresh = HeaderValue::from_str(&format!("0; url={next}"))
        .unwrap_or(HeaderValue::from_static("0; url=/"));
    Ok((jar, [(header::REFRESH, refresh)], page).into_response())
}

/// The verified identity of the new citizen, if the cookie is there, intact and not expired.
fn identity(state: &AppState, jar: &CookieJar) -> Option<IdentityCookie> {
    open::<IdentityCookie>(&state.mac, jar, IDENTITY_COOKIE).filter(|c| c.expires > now())
}

#[derive(Deserialize, Default)]
pub struct CompleteForm {
    #[serde(flatten)]
    answers: ProfileInput,
    #[serde(default)]
    refresh: Option<String>,
}

/// `2026-05-17` as `17/05/2026`, the way dates are written on Vietnamese documents.
fn vn_date(iso: &str) -> String {
    let mut parts = iso.splitn(3, '-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    }
}

async fn complete_page(
    state: &AppState,
    pre: &str,
    who: &VerifiedIdentity,
    answers: &ProfileInput,
    errors: &FieldErrors,
) -> Result<Markup, PageError> {
    let (provinces, communes) = places(state, &answers.province).await?;
    let provider = state.config.oidc.display_name();
    let text = |name, label, kind, value, autocomplete, required| {
        field(
            &Field {
                name,
                label,
                kind,
                value,
                autocomplete,
                required,
            },
            errors,
        )
    };
    let body = html! {
        h1 { "Hoàn tất tài khoản dịch vụ công" }
        p { "Ông/Bà đã được xác thực qua " (provider) ". Vui lòng bổ sung các thông tin còn thiếu để tạo tài khoản; "
            "các thông tin do " (provider) " cung cấp không sửa được ở đây." }
        (error_summary(errors))
        dl class="card" {
            @if let Some(name) = &who.full_name { dt { "Họ và tên" } dd { (name) } }
            dt { "Số định danh cá nhân" } dd { (who.id_number.as_deref().unwrap_or_default()) }
            @if let Some(dob) = &who.date_of_birth { dt { "Ngày sinh" } dd { (vn_date(dob)) } }
            @if let Some(phone) = &who.phone { dt { "Số điện thoại di động" } dd { (phone) } }
            @if let Some(email) = &who.email { dt { "Thư điện tử" } dd { (email) } }
        }
        form method="post" action=(COMPLETE_PATH) class="card" novalidate {
            (csrf_input(&csrf_token(&state.mac, pre)))
            @if who.full_name.is_none() {
                (text("full_name", "Họ và tên", "text", &answers.full_name, "name", true))
            }
            @if who.date_of_birth.is_none() {
                (text("date_of_birth", "Ngày sinh", "date", &answers.date_of_birth, "bday", false))
            }
            @if who.phone.is_none() {
                (text("phone", "Số điện thoại di động", "tel", &answers.phone, "tel", true))
            }
            @if who.email.is_none() {
                (text("email", "Thư điện tử", "email", &answers.email, "email", true))
            }
            (place_fields(&provinces, &communes, &answers.province, &answers.commune, errors))
            (address_detail(answers, errors))
            button type="submit" { "Tạo tài khoản và đăng nhập" }
        }
        p { a href="/dang-nhap" { "Hủy và quay lại trang đăng nhập" } }
    };
    public_page(state, "Hoàn tất tài khoản", body).await
}

/// The completion form for a verified citizen who has no account yet.
pub async fn show_complete(
    State(state): State<AppState>,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let Some(cookie) = identity(&state, &jar) else {
        return sign_in_page(&state, jar, DEFAULT_NEXT, "oidc.expired").await;
    };
    let (jar, pre) = ensure_pre_session(jar);
    let page = complete_page(
        &state,
        &pre,
        &cookie.identity,
        &ProfileInput::default(),
        &FieldErrors::new(),
    )
    .await?;
    Ok((jar, page).into_response())
}

/// Creates the account from the verified identity and the answers, and signs in.
pub async fn submit_complete(
    State(state): State<AppState>,
    jar: CookieJar,
    client: Client,
    CsrfForm(form): CsrfForm<CompleteForm>,
) -> Result<Response, PageError> {
    let Some(cookie) = identity(&state, &jar) else {
        let jar = jar.add(removal(IDENTITY_COOKIE));
        return sign_in_page(&state, jar, DEFAULT_NEXT, "oidc.expired").await;
    };
    let pre = jar
        .get(PRE_SESSION_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if form.refresh.is_some() {
        let page = complete_page(
            &state,
            &pre,
            &cookie.identity,
            &form.answers,
            &FieldErrors::new(),
        )
        .await?;
        return Ok(page.into_response());
    }
    let result = oidc::complete(
        &state.db,
        &state.config.security,
        &client.context(""),
        cookie.identity.clone(),
        &form.answers,
        &client.user_agent,
    )
    .await;
    match result {
        Ok(signed_in) => {
            let jar = jar
                .add(citizen_cookie(signed_in.token))
                .add(removal(IDENTITY_COOKIE))
                .add(removal(PRE_SESSION_COOKIE));
            Ok((jar, Redirect::to(&cookie.next)).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            let page =
                complete_page(&state, &pre, &cookie.identity, &form.answers, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(ServiceError::Refused(code)) => {
            let jar = jar.add(removal(IDENTITY_COOKIE));
            sign_in_page(&state, jar, &cookie.next, code).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The sign-in-with-provider routes. They exist even while the provider is off, and then say so.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/dang-nhap/oidc", get(start))
        .route("/dang-nhap/oidc/callback", get(callback))
        .route(COMPLETE_PATH, get(show_complete).post(submit_complete))
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_cookie_opens_only_unchanged_and_under_its_own_name() {
        let mac = MacKey::from_bytes(b"a test key of some length");
        let sealed = seal(&mac, FLOW_COOKIE, &("secret", 42)).expect("seal");
        assert!(!sealed.contains("secret"));
        let jar = |name: &'static str, v: String| CookieJar::new().add(Cookie::new(name, v));
        let opened: Option<(String, i64)> =
            open(&mac, &jar(FLOW_COOKIE, sealed.clone()), FLOW_COOKIE);
        assert_eq!(opened, Some(("secret".to_owned(), 42)));
        let swapped: Option<(String, i64)> =
            open(&mac, &jar(IDENTITY_COOKIE, sealed.clone()), IDENTITY_COOKIE);
        assert_eq!(swapped, None);
        let mut bytes = URL_SAFE_NO_PAD.decode(&sealed).expect("base64");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let tampered: Option<(String, i64)> = open(
            &mac,
            &jar(FLOW_COOKIE, URL_SAFE_NO_PAD.encode(bytes)),
            FLOW_COOKIE,
        );
        assert_eq!(tampered, None);
    }

    #[test]
    fn the_return_path_stays_on_this_site_and_is_a_valid_header() {
        assert_eq!(next_path("https://evil.example/"), DEFAULT_NEXT);
        assert_eq!(next_path("//evil.example/"), DEFAULT_NEXT);
        assert_eq!(next_path("/thu-tuc?q=giấy"), "/thu-tuc?q=gi%E1%BA%A5y");
    }
}
