//! Service layer: citizen sign-in through an external OpenID Connect provider (the national identity platform VNeID
//! in production). The provider proves who the person is; the portal still owns the account, so a first sign-in
//! either links an account that already has the same citizen ID number or asks the citizen for the details the
//! provider does not give (address, and phone or e-mail when missing) before the account is created.
//!
//! The protocol work (discovery, PKCE, `state`, `nonce`, ID-token signature and claims) is done by the
//! `openidconnect` crate over our own `reqwest` client, so the provider is reached through the same rustls/ring
//! stack as everything else. Nothing here is kept on the server between the two legs of the flow: the web layer
//! carries [`OidcFlow`] and [`VerifiedIdentity`] in sealed, short-lived cookies.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreClientAuthMethod, CoreJwsSigningAlgorithm,
    CoreProviderMetadata,
};
use openidconnect::{
    AccessTokenHash, AuthType, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, JwsSigningAlgorithm as _, Nonce,
    OAuth2TokenResponse as _, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError,
    Scope, TokenResponse as _,
};
use serde::{Deserialize, Serialize};

use crate::config::{OidcConfig, SecurityConfig};
use crate::domain::citizen::{Profile, ProfileInput, parse_date};
use crate::domain::citizen_id::CitizenId as IdNumber;
use crate::domain::dossier::applicant::{email, phone};
use crate::domain::text::{clean_line, has_control_chars};
use crate::store::Db;
use crate::store::audit::Outcome;
use crate::store::citizens::{self, CitizenAccount};

use super::super::auth::SessionKind;
use super::super::{Context, ServiceError, on_conflict};
use super::auth::{CitizenSignedIn, open_session};
use super::{check_place, iso_date, profile_row};

/// How the session was opened, in the audit log's `citizen.login` detail.
const HOW: &str = "oidc";
/// The provider must answer well within a person's patience; a hung provider must not hold a worker forever.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(15);

/// What the browser keeps between leaving for the provider and coming back. It must reach the callback unchanged
/// and unread by anyone else (the web layer seals it into a cookie), because it is what ties the callback to the
/// browser that started the flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OidcFlow {
    /// The `state` sent to the provider; the callback must echo it (login-CSRF protection).
    pub state: String,
    /// The `nonce` the ID token must carry (replay protection).
    pub nonce: String,
    /// The PKCE verifier: a stolen authorization code is useless without it.
    pub pkce_verifier: String,
}

/// The first leg: where to send the browser and what it must bring back.
#[derive(Debug, Clone)]
pub struct OidcStart {
    pub authorize_url: String,
    pub flow: OidcFlow,
}

/// A person as the provider vouched for them in a verified ID token. Every optional field is `None` when the
/// provider did not give it *or* gave something the portal would not accept, so the completion form asks exactly
/// for what is still missing and shows the rest read-only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedIdentity {
    /// The provider's stable identifier of the person (`sub`), stored in `citizens.oidc_subject`.
    pub subject: String,
    /// The 12-digit citizen ID number from the configured claim; without it no new account can be made.
    pub id_number: Option<String>,
    pub full_name: Option<String>,
    /// ISO `YYYY-MM-DD`.
    pub date_of_birth: Option<String>,
    /// Normalised to `0xxxxxxxxx`.
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// The end of the callback: either a session, or a verified person who has no account yet.
pub enum OidcOutcome {
    SignedIn(CitizenSignedIn),
    NewCitizen(VerifiedIdentity),
}

/// The relying-party client as `from_provider_metadata` builds it (authorization endpoint set, token and
/// user-info endpoints as the metadata says).
type RelyingParty = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

struct Connected {
    client: RelyingParty,
    http: reqwest::Client,
    /// The ID-token signature algorithms accepted from this provider.
    algs: Vec<CoreJwsSigningAlgorithm>,
}

/// Logs the provider-side cause once (the citizen only sees a short message) and returns the refusal code.
fn refuse(code: &'static str, what: &str, cause: &dyn std::fmt::Display) -> ServiceError {
    tracing::warn!(code, "OpenID Connect sign-in failed: {what}: {cause}");
    ServiceError::Refused(code)
}

/// Reads the provider's discovery document and keys, and builds a client for this portal's redirect URI.
async fn connect(config: &OidcConfig, redirect_uri: &str) -> Result<Connected, ServiceError> {
    let issuer = config
        .issuer
        .as_deref()
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .ok_or(ServiceError::Refused("oidc.disabled"))?;
    let issuer = IssuerUrl::new(issuer.to_owned())
        .map_err(|e| refuse("oidc.unavailable", "issuer URL", &e))?;
    let redirect = RedirectUrl::new(redirect_uri.to_owned())
        .map_err(|e| refuse("oidc.unavailable", "redirect URI", &e))?;
    // Following redirects would let a compromised metadata document point requests anywhere (SSRF).
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(PROVIDER_TIMEOUT)
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!("motcua/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| refuse("oidc.unavailable", "HTTP client", &e))?;
    let metadata = CoreProviderMetadata::discover_async(issuer, &http)
        .await
        .map_err(|e| refuse("oidc.unavailable", "discovery", &chain(e)))?;
    // Only the provider's own keys may sign: a MAC algorithm would make the client secret (kept in a config file
    // on this server) enough to forge an ID token, and `none` would need no key at all.
    let algs: Vec<CoreJwsSigningAlgorithm> = metadata
        .id_token_signing_alg_values_supported()
        .iter()
        .filter(|a| !a.uses_shared_secret() && **a != CoreJwsSigningAlgorithm::None)
        .cloned()
        .collect();
    if algs.is_empty() {
        return Err(refuse(
            "oidc.unavailable",
            "discovery",
            &"no asymmetric ID-token signing algorithm offered",
        ));
    }
    // `client_secret_basic` is the default of the standard; some providers only take the secret in the body.
    let post_only = metadata
        .token_endpoint_auth_methods_supported()
        .is_some_and(|m| {
            !m.contains(&CoreClientAuthMethod::ClientSecretBasic)
                && m.contains(&CoreClientAuthMethod::ClientSecretPost)
        });
    let secret = config
        .client_secret
        .clone()
        .filter(|s| !s.is_empty())
        .map(ClientSecret::new);
    let mut client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(config.client_id.clone()),
        secret,
    )
    .set_redirect_uri(redirect);
    if post_only {
        client = client.set_auth_type(AuthType::RequestBody);
    }
    Ok(Connected { client, http, algs })
}

/// An error with its causes, where the useful part ("connection refused", "invalid signature") usually is.
fn chain<E: std::error::Error + Send + Sync + 'static>(e: E) -> String {
    format!("{:#}", anyhow::Error::new(e))
}

/// The first leg: the provider's authorization URL with PKCE, `state` and `nonce`, and the flow secrets the
/// browser must bring back to [`finish`].
pub async fn begin(config: &OidcConfig, redirect_uri: &str) -> Result<OidcStart, ServiceError> {
    let Connected { client, .. } = connect(config, redirect_uri).await?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client.authorize_url(
        CoreAuthenticationFlow::AuthorizationCode,
        CsrfToken::new_random,
        Nonce::new_random,
    );
    for scope in config
        .scopes
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty() && *s != "openid")
    {
        request = request.add_scope(Scope::new(scope.to_owned()));
    }
    let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
    Ok(OidcStart {
        authorize_url: url.to_string(),
        flow: OidcFlow {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        },
    })
}

/// Whether the `state` the provider echoed is the one this browser was sent with, in constant time.
pub fn state_matches(flow: &OidcFlow, returned: &str) -> bool {
    let digest = |s: &str| ring::digest::digest(&ring::digest::SHA256, s.as_bytes());
    !returned.is_empty() && digest(&flow.state).as_ref() == digest(returned).as_ref()
}

/// The second leg: checks `state`, exchanges the code (with the PKCE verifier), verifies the ID token (signature
/// with the provider's published keys, issuer, audience, expiry, nonce, access-token hash) and resolves the account.
#[allow(clippy::too_many_arguments)]
pub async fn finish(
    db: &Db,
    security: &SecurityConfig,
    ctx: &Context,
    config: &OidcConfig,
    redirect_uri: &str,
    flow: &OidcFlow,
    returned_state: &str,
    code: &str,
    user_agent: &str,
) -> Result<OidcOutcome, ServiceError> {
    if !state_matches(flow, returned_state) {
        return Err(refuse("oidc.state", "callback", &"state mismatch"));
    }
    let identity = verify_code(config, redirect_uri, flow, code).await?;
    resolve(db, security, ctx, identity, user_agent).await
}

async fn verify_code(
    config: &OidcConfig,
    redirect_uri: &str,
    flow: &OidcFlow,
    code: &str,
) -> Result<VerifiedIdentity, ServiceError> {
    let Connected { client, http, algs } = connect(config, redirect_uri).await?;
    let response = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .map_err(|e| refuse("oidc.unavailable", "token endpoint", &e))?
        .set_pkce_verifier(PkceCodeVerifier::new(flow.pkce_verifier.clone()))
        .request_async(&http)
        .await
        .map_err(|e| match e {
            RequestTokenError::ServerResponse(ref r) => {
                refuse("oidc.token_invalid", "token exchange", r)
            }
            other => refuse("oidc.unavailable", "token exchange", &chain(other)),
        })?;
    let invalid = |what: &str, e: &dyn std::fmt::Display| refuse("oidc.token_invalid", what, e);
    let id_token = response
        .id_token()
        .ok_or_else(|| invalid("token response", &"no ID token"))?;
    let verifier = client.id_token_verifier().set_allowed_algs(algs);
    let claims = id_token
        .claims(&verifier, &Nonce::new(flow.nonce.clone()))
        .map_err(|e| invalid("ID token", &chain(e)))?;
    if let Some(expected) = claims.access_token_hash() {
        let alg = id_token
            .signing_alg()
            .map_err(|e| invalid("ID token", &e))?;
        let key = id_token
            .signing_key(&verifier)
            .map_err(|e| invalid("ID token", &e))?;
        let actual = AccessTokenHash::from_token(response.access_token(), alg, key)
            .map_err(|e| invalid("at_hash", &e))?;
        if actual != *expected {
            return Err(invalid("ID token", &"at_hash mismatch"));
        }
    }
    // Claims are read from the payload whose signature was just verified: the citizen-ID claim is not a standard
    // one, and reading all of them the same way keeps this short.
    let payload = id_token
        .to_string()
        .split('.')
        .nth(1)
        .and_then(|p| URL_SAFE_NO_PAD.decode(p).ok())
        .and_then(|p| serde_json::from_slice::<serde_json::Value>(&p).ok())
        .unwrap_or_default();
    let text = |claim: &str| payload.get(claim).and_then(serde_json::Value::as_str);
    // A contact the provider says it has not verified is asked for again.
    let unverified =
        |flag: &str| payload.get(flag).and_then(serde_json::Value::as_bool) == Some(false);
    // Without `name`, the parts in Vietnamese order: family name, middle name, given name.
    let name = text("name").map(str::to_owned).or_else(|| {
        let parts = ["family_name", "middle_name", "given_name"].map(text);
        Some(parts.into_iter().flatten().collect::<Vec<_>>().join(" "))
    });
    Ok(VerifiedIdentity::accept(
        claims.subject().as_str(),
        text(&config.id_number_claim),
        name.as_deref(),
        text("birthdate"),
        text("phone_number").filter(|_| !unverified("phone_number_verified")),
        text("email").filter(|_| !unverified("email_verified")),
    ))
}

impl VerifiedIdentity {
    /// Keeps each claim only if the portal would accept it as typed by the citizen; anything else becomes a
    /// question on the completion form instead of an error the citizen cannot fix.
    pub fn accept(
        subject: &str,
        id_number: Option<&str>,
        full_name: Option<&str>,
        birthdate: Option<&str>,
        phone_number: Option<&str>,
        email_address: Option<&str>,
    ) -> Self {
        let id_number = id_number.and_then(|raw| IdNumber::parse(raw).ok());
        // Providers are not always tidy with spaces inside a name; one space between words, as on the ID card.
        let full_name = full_name
            .map(|n| clean_line(&n.split_whitespace().collect::<Vec<_>>().join(" ")))
            .filter(|n| !n.is_empty() && n.chars().count() <= 200 && !has_control_chars(n));
        let today = time::OffsetDateTime::now_utc().date();
        let date_of_birth = birthdate
            .and_then(parse_date)
            .filter(|d| *d <= today && d.year() >= 1900)
            .filter(|d| id_number.as_ref().is_none_or(|id| id.matches_birth(*d)))
            .map(iso_date);
        Self {
            subject: subject.to_owned(),
            id_number: id_number.map(|i| i.as_str().to_owned()),
            full_name,
            date_of_birth,
            phone: phone_number.and_then(|p| phone(p).ok()),
            email: email_address
                .and_then(|e| email(e).ok())
                .map(|e| e.to_lowercase()),
        }
    }

    /// The profile as it will be saved: the provider's values where it gave them, the citizen's answers elsewhere.
    pub fn merged(&self, answers: &ProfileInput) -> ProfileInput {
        let pick =
            |ours: &Option<String>, theirs: &str| ours.clone().unwrap_or_else(|| theirs.to_owned());
        ProfileInput {
            full_name: pick(&self.full_name, &answers.full_name),
            id_number: self.id_number.clone().unwrap_or_default(),
            date_of_birth: pick(&self.date_of_birth, &answers.date_of_birth),
            phone: pick(&self.phone, &answers.phone),
            email: pick(&self.email, &answers.email),
            province: answers.province.clone(),
            commune: answers.commune.clone(),
            address_detail: answers.address_detail.clone(),
        }
    }

    fn audit_actor(&self) -> String {
        let subject: String = self.subject.chars().take(100).collect();
        format!("oidc:{subject}")
    }
}

/// Which account a verified person is, decided inside the caller's write transaction.
enum Match {
    Linked(CitizenAccount),
    ByIdNumber(CitizenAccount),
    /// An account has this ID number but is already linked to another identity at the provider.
    Conflict(CitizenAccount),
    None,
}

fn find_match(
    tx: &rusqlite::Connection,
    identity: &VerifiedIdentity,
) -> Result<Match, ServiceError> {
    if let Some(account) = citizens::find_by_oidc_subject(tx, &identity.subject)? {
        return Ok(Match::Linked(account));
    }
    let Some(id_number) = identity.id_number.as_deref() else {
        return Ok(Match::None);
    };
    Ok(match citizens::find_by_id_number(tx, id_number)? {
        Some(a) if a.oidc_subject.is_some() => Match::Conflict(a),
        Some(a) => Match::ByIdNumber(a),
        None => Match::None,
    })
}

/// Signs in a linked account, or links the account with the same ID number and signs in. `Ok(None)` means there
/// is no account yet. A refusal is returned inside `Ok` so the audit entry about it is committed.
fn sign_in_matched(
    tx: &rusqlite::Connection,
    security: &SecurityConfig,
    ctx: &Context,
    identity: &VerifiedIdentity,
    user_agent: &str,
) -> Result<Result<Option<CitizenSignedIn>, ServiceError>, ServiceError> {
    let account = match find_match(tx, identity)? {
        Match::Linked(account) => account,
        Match::ByIdNumber(account) => {
            citizens::link_oidc_subject(tx, account.id, &identity.subject)?;
            ctx.audit(
                tx,
                "citizen.oidc_link",
                &account.owner_ref(),
                Outcome::Ok,
                "linked by citizen ID number",
            )?;
            citizens::get(tx, account.id)?
        }
        Match::Conflict(account) => {
            let detail = "citizen ID number already linked to another identity";
            ctx.audit(
                tx,
                "citizen.oidc_link",
                &account.owner_ref(),
                Outcome::Denied,
                detail,
            )?;
            return Ok(Err(ServiceError::Refused("oidc.subject_conflict")));
        }
        Match::None => return Ok(Ok(None)),
    };
    open_session(
        tx,
        security,
        ctx,
        account,
        SessionKind::Web,
        user_agent,
        HOW,
    )
    .map(|s| Ok(Some(s)))
}

/// Account resolution after a verified callback, in one write transaction with its audit entries: the account
/// linked to this subject; else the account with the same citizen ID number, which is linked now; else no account
/// yet, and the identity goes back to the web layer to ask for the missing details.
pub async fn resolve(
    db: &Db,
    security: &SecurityConfig,
    ctx: &Context,
    identity: VerifiedIdentity,
    user_agent: &str,
) -> Result<OidcOutcome, ServiceError> {
    let (security, user_agent) = (security.clone(), user_agent.to_owned());
    let ctx = Context {
        actor: identity.audit_actor(),
        ..ctx.clone()
    };
    db.write(
        move |tx| -> Result<Result<OidcOutcome, ServiceError>, ServiceError> {
            match sign_in_matched(tx, &security, &ctx, &identity, &user_agent)? {
                Ok(Some(signed_in)) => return Ok(Ok(OidcOutcome::SignedIn(signed_in))),
                Ok(None) => {}
                Err(refusal) => return Ok(Err(refusal)),
            }
            if identity.id_number.is_none() {
                ctx.audit(
                    tx,
                    "citizen.login",
                    &ctx.actor,
                    Outcome::Denied,
                    "oidc: no usable citizen ID number claim",
                )?;
                return Ok(Err(ServiceError::Refused("oidc.no_id_number")));
            }
            Ok(Ok(OidcOutcome::NewCitizen(identity)))
        },
    )
    .await?
}

/// Creates the account of a verified person from the provider's values and the citizen's answers (no password,
/// `oidc_subject` set) and signs in. Every field error is reported at once. Resolution is repeated inside the
/// same transaction, so a second submit or an account registered meanwhile signs in instead of failing.
pub async fn complete(
    db: &Db,
    security: &SecurityConfig,
    ctx: &Context,
    identity: VerifiedIdentity,
    answers: &ProfileInput,
    user_agent: &str,
) -> Result<CitizenSignedIn, ServiceError> {
    if identity.id_number.is_none() {
        return Err(ServiceError::Refused("oidc.no_id_number"));
    }
    let profile =
        Profile::parse(&identity.merged(answers), ctx.now.date()).map_err(ServiceError::Invalid)?;
    let (security, user_agent) = (security.clone(), user_agent.to_owned());
    let ctx = Context {
        actor: identity.audit_actor(),
        ..ctx.clone()
    };
    db.write(
        move |tx| -> Result<Result<CitizenSignedIn, ServiceError>, ServiceError> {
            match sign_in_matched(tx, &security, &ctx, &identity, &user_agent)? {
                Ok(Some(signed_in)) => return Ok(Ok(signed_in)),
                Ok(None) => {}
                Err(refusal) => return Ok(Err(refusal)),
            }
            let places = check_place(tx, &profile)?;
            if !places.is_empty() {
                return Err(ServiceError::Invalid(places));
            }
            let dob = profile.date_of_birth.map(iso_date);
            let public_ref = crate::crypto::random_token(12);
            let id = citizens::insert(
                tx,
                &public_ref,
                profile.id_number.as_str(),
                &profile_row(&profile, &dob),
                "",
                Some(&identity.subject),
                &ctx.now_text(),
            )
            .map_err(on_conflict("id_number", "citizen.exists"))?;
            let account = citizens::get(tx, id)?;
            ctx.audit(
                tx,
                "citizen.register",
                &account.owner_ref(),
                Outcome::Ok,
                "external identity",
            )?;
            open_session(
                tx,
                &security,
                &ctx,
                account,
                SessionKind::Web,
                &user_agent,
                HOW,
            )
            .map(Ok)
        },
    )
    .await?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_the_portal_would_refuse_become_questions_instead() {
        let id = VerifiedIdentity::accept(
            "sub-1",
            Some("001190012345"),
            Some("  Trần Thị   Bình "),
            Some("1991-05-17"),
            Some("12"),
            Some("Binh@Example.vn"),
        );
        assert_eq!(id.id_number.as_deref(), Some("001190012345"));
        assert_eq!(id.full_name.as_deref(), Some("Trần Thị Bình"));
        assert_eq!(
            id.date_of_birth, None,
            "a birth date that disagrees with the ID number is asked for"
        );
        assert_eq!(id.phone, None);
        assert_eq!(id.email.as_deref(), Some("binh@example.vn"));
    }

    #[test]
    fn the_providers_values_win_over_the_answers_where_it_gave_them() {
        let id = VerifiedIdentity::accept(
            "s",
            Some("001190012345"),
            Some("Trần Thị Bình"),
            None,
            None,
            None,
        );
        let answers = ProfileInput {
            full_name: "Someone Else".into(),
            id_number: "999999999999".into(),
            phone: "0912345678".into(),
            ..ProfileInput::default()
        };
        let merged = id.merged(&answers);
        assert_eq!(merged.full_name, "Trần Thị Bình");
        assert_eq!(merged.id_number, "001190012345");
        assert_eq!(merged.phone, "0912345678");
    }

    #[test]
    fn only_the_state_the_browser_was_sent_with_matches() {
        let flow = OidcFlow {
            state: "abc".into(),
            nonce: "n".into(),
            pkce_verifier: "v".into(),
        };
        assert!(state_matches(&flow, "abc"));
        assert!(!state_matches(&flow, "abd"));
        assert!(!state_matches(&flow, ""));
    }
}
