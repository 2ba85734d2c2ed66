//! Extractors that put authorization in handler signatures: `StaffSession`, `AdminSession`, `ApiCaller`, plus
//! `Client` (address and user agent for the audit log) and `CsrfForm`, which refuses a form without a valid token.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRef, FromRequest, FromRequestParts, OriginalUri, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use serde::de::DeserializeOwned;
use time::OffsetDateTime;

use crate::domain::role::Role;
use crate::services::auth::{self, Bearer, Principal, SessionKind};
use crate::services::citizens::{self, CitizenPrincipal};
use crate::services::{Context, ServiceError};

use super::error::{ApiError, PageError};
use super::session::{CITIZEN_COOKIE, PRE_SESSION_COOKIE, SESSION_COOKIE, csrf_valid};
use super::state::AppState;

/// Where a request comes from, for the audit log.
#[derive(Debug, Clone)]
pub struct Client {
    pub ip: String,
    pub user_agent: String,
}

impl Client {
    /// The audit context for an action by `actor` from this client, now.
    pub fn context(&self, actor: &str) -> Context {
        Context {
            actor: actor.to_owned(),
            ip: self.ip.clone(),
            now: OffsetDateTime::now_utc(),
        }
    }
}

impl Client {
    fn from_parts(parts: &Parts) -> Self {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string());
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect();
        Client { ip, user_agent }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Client::from_parts(parts))
    }
}

/// A signed-in staff member using the back office in a browser.
pub struct StaffSession(pub Principal);

/// The paths an account that must change its password may still reach.
const PASSWORD_CHANGE_PATHS: [&str; 2] = ["/staff/password", "/staff/logout"];

impl<S> FromRequestParts<S> for StaffSession
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let path = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.path().to_owned(), |u| u.path().to_owned());
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) else {
            return Err(PageError::SignIn {
                next: path,
                expired: false,
            });
        };
        let client = Client::from_parts(parts);
        let ctx = client.context("");
        match auth::resolve_session(
            &state.db,
            &state.config.security,
            &ctx,
            &token,
            SessionKind::Web,
        )
        .await
        {
            Ok(principal)
                if principal.must_change_password
                    && !PASSWORD_CHANGE_PATHS.contains(&path.as_str()) =>
            {
                Err(PageError::ChangePassword)
            }
            Ok(principal) => Ok(StaffSession(principal)),
            Err(ServiceError::SessionExpired) => Err(PageError::SignIn {
                next: path,
                expired: true,
            }),
            Err(ServiceError::Unauthenticated) => Err(PageError::SignIn {
                next: path,
                expired: false,
            }),
            Err(e) => Err(PageError::Service(e)),
        }
    }
}

/// A signed-in citizen using the portal in a browser; anyone else is sent to the citizen sign-in page.
pub struct CitizenSession(pub CitizenPrincipal);

impl<S> FromRequestParts<S> for CitizenSession
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let next = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.clone(), |u| u.0.clone())
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
        let jar = CookieJar::from_headers(&parts.headers);
        let sign_in = |expired| PageError::CitizenSignIn {
            next: next.clone(),
            expired,
        };
        let Some(token) = jar.get(CITIZEN_COOKIE).map(|c| c.value().to_owned()) else {
            return Err(sign_in(false));
        };
        let ctx = Client::from_parts(parts).context("");
        match citizens::auth::resolve_session(
            &state.db,
            &state.config.security,
            &ctx,
            &token,
            SessionKind::Web,
        )
        .await
        {
            Ok(p) => Ok(CitizenSession(p)),
            Err(ServiceError::SessionExpired) => Err(sign_in(true)),
            Err(ServiceError::Unauthenticated) => Err(sign_in(false)),
            Err(e) => Err(PageError::Service(e)),
        }
    }
}

/// The citizen session when there is one, for public pages that greet a signed-in citizen; never redirects.
pub struct MaybeCitizen(pub Option<CitizenPrincipal>);

impl<S> FromRequestParts<S> for MaybeCitizen
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if CookieJar::from_headers(&parts.headers)
            .get(CITIZEN_COOKIE)
            .is_none()
        {
            return Ok(MaybeCitizen(None));
        }
        match CitizenSession::from_request_parts(parts, state).await {
            Ok(CitizenSession(p)) => Ok(MaybeCitizen(Some(p))),
            Err(PageError::CitizenSignIn { .. }) => Ok(MaybeCitizen(None)),
            Err(e) => Err(e),
        }
    }
}

/// A signed-in administrator; anyone else gets 403.
pub struct AdminSession(pub Principal);

impl<S> FromRequestParts<S> for AdminSession
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let StaffSession(principal) = StaffSession::from_request_parts(parts, state).await?;
        if principal.has_role(Role::Admin) {
            Ok(AdminSession(principal))
        } else {
            Err(PageError::Service(ServiceError::Forbidden))
        }
    }
}

/// A caller of the JSON API with a bearer token.
pub struct ApiCaller(pub Bearer);

impl<S> FromRequestParts<S> for ApiCaller
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(ApiError(ServiceError::Unauthenticated))?
            .to_owned();
        let client = Client::from_parts(parts);
        let bearer = auth::resolve_bearer(
            &state.db,
            &state.config.security,
            &client.context(""),
            &token,
        )
        .await?;
        Ok(ApiCaller(bearer))
    }
}

/// A urlencoded form whose `csrf` field matches the session (or pre-session) cookie, from a page of this site.
/// Anything else is refused with 403 before the handler runs.
pub struct CsrfForm<T>(pub T);

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

impl<S, T> FromRequest<S> for CsrfForm<T>
where
    AppState: FromRef<S>,
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let forbidden = || {
            (
                StatusCode::FORBIDDEN,
                PageError::Service(ServiceError::Forbidden),
            )
                .into_response()
        };
        let headers = request.headers().clone();
        if !same_origin(&headers) {
            return Err(forbidden());
        }
        let bytes = axum::body::to_bytes(request.into_body(), state.config.server.max_body_bytes)
            .await
            .map_err(|_| StatusCode::PAYLOAD_TOO_LARGE.into_response())?;
        let field: CsrfField = serde_urlencoded::from_bytes(&bytes).map_err(|_| forbidden())?;
        if !csrf_ok(&state, &headers, &field.csrf) {
            return Err(forbidden());
        }
        let value = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| StatusCode::UNPROCESSABLE_ENTITY.into_response())?;
        Ok(CsrfForm(value))
    }
}

/// Whether a state-changing request may proceed: it comes from a page of this site and `token` matches one of the
/// session cookies it carries (staff, citizen, or pre-session; a browser may hold a staff and a citizen session). `CsrfForm` uses it; handlers that read a multipart upload themselves call it
/// with the `csrf` field of the upload, so both paths apply the same rule.
pub fn csrf_ok(state: &AppState, headers: &axum::http::HeaderMap, token: &str) -> bool {
    let jar = CookieJar::from_headers(headers);
    same_origin(headers)
        && [SESSION_COOKIE, CITIZEN_COOKIE, PRE_SESSION_COOKIE]
            .into_iter()
            .filter_map(|name| jar.get(name))
            .any(|c| csrf_valid(&state.mac, c.value(), token))
}

/// A browser's `Origin` (or `Referer`) must name this host; requests without either (old browsers, curl) rely on
/// the token alone.
fn same_origin(headers: &axum::http::HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return true;
    };
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match source {
        None => true,
        Some(url) => {
            url.split("://")
                .nth(1)
                .map(|rest| rest.split('/').next().unwrap_or_default())
                == Some(host)
        }
    }
}

/// The body of a form that carries nothing but its CSRF token (sign-out, lock, unlock).
#[derive(serde::Deserialize)]
pub struct NoFields {}

/// The acting party of a dossier action for a signed-in staff member.
pub fn staff_acting(p: &Principal) -> crate::services::dossiers::Acting {
    crate::services::dossiers::Acting {
        actor: crate::domain::dossier::Actor::Staff {
            id: p.staff_id.0,
            roles: p.roles.clone(),
            unit: p.unit_code.clone(),
        },
        name: p.full_name.clone(),
        reference: format!("staff:{}", p.staff_id.0),
        unit: p.unit_code.clone(),
    }
}

/// The dossier settings the lifecycle takes from the boot configuration.
pub fn dossier_settings(state: &AppState) -> crate::services::dossiers::DossierSettings {
    crate::services::dossiers::DossierSettings::new(
        state.config.notify.public_url.clone(),
        state.config.notify.sms_ascii,
        state.notifier.clone(),
    )
}
