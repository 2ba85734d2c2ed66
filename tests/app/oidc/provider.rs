//! A small OpenID Connect provider for the tests: discovery, JWKS, an authorization endpoint that sends the browser
//! straight back with a code for the configured user, and a token endpoint that checks the client, the redirect URI
//! and PKCE and returns an ID token signed ES256 with ring. Plain HTTP on an ephemeral loopback port.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

pub const CLIENT_ID: &str = "motcua-test";
pub const CLIENT_SECRET: &str = "test-portal-secret";
const KEY_ID: &str = "test-key-1";

/// The person the provider signs in, with the claims it gives about them.
#[derive(Clone, Debug)]
pub struct User {
    pub sub: String,
    pub name: Option<String>,
    /// Sent as the `id_number` claim (motcua's default `id_number_claim`).
    pub id_number: Option<String>,
    pub birthdate: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

struct Grant {
    nonce: String,
    challenge: String,
    redirect_uri: String,
}

struct Inner {
    user: User,
    grants: HashMap<String, Grant>,
    /// Sign ID tokens with a key that is not in the published JWKS (same `kid`).
    rogue: bool,
    /// Answer the authorization request with `error=access_denied`, as when the person cancels.
    deny: bool,
    token_requests: usize,
}

struct Keys {
    published: EcdsaKeyPair,
    rogue: EcdsaKeyPair,
}

#[derive(Clone)]
struct Shared {
    issuer: String,
    inner: Arc<Mutex<Inner>>,
    keys: Arc<Keys>,
}

pub struct Provider {
    pub issuer: String,
    inner: Arc<Mutex<Inner>>,
    shutdown: CancellationToken,
}

impl Drop for Provider {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

fn key_pair(rng: &SystemRandom) -> EcdsaKeyPair {
    let pkcs8 =
        EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, rng).expect("generate key");
    EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), rng)
        .expect("load key")
}

impl Provider {
    pub async fn start(user: User) -> Provider {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind provider");
        let issuer = format!("http://{}", listener.local_addr().expect("address"));
        let rng = SystemRandom::new();
        let inner = Arc::new(Mutex::new(Inner {
            user,
            grants: HashMap::new(),
            rogue: false,
            deny: false,
            token_requests: 0,
        }));
        let shared = Shared {
            issuer: issuer.clone(),
            inner: Arc::clone(&inner),
            keys: Arc::new(Keys {
                published: key_pair(&rng),
                rogue: key_pair(&rng),
            }),
        };
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .with_state(shared);
        let shutdown = CancellationToken::new();
        let stop = shutdown.clone();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move { stop.cancelled().await })
                .await
                .expect("provider");
        });
        Provider {
            issuer,
            inner,
            shutdown,
        }
    }

    pub fn sign_with_rogue_key(&self) {
        self.inner.lock().expect("lock").rogue = true;
    }

    pub fn deny(&self) {
        self.inner.lock().expect("lock").deny = true;
    }

    /// How many code exchanges motcua has attempted.
    pub fn token_requests(&self) -> usize {
        self.inner.lock().expect("lock").token_requests
    }
}

async fn discovery(State(s): State<Shared>) -> Json<Value> {
    let i = &s.issuer;
    Json(json!({
        "issuer": i,
        "authorization_endpoint": format!("{i}/authorize"),
        "token_endpoint": format!("{i}/token"),
        "jwks_uri": format!("{i}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", "profile", "email", "phone"],
    }))
}

async fn jwks(State(s): State<Shared>) -> Json<Value> {
    // An uncompressed P-256 point: 0x04, then x and y, 32 bytes each.
    let point = s.keys.published.public_key().as_ref().to_vec();
    Json(json!({ "keys": [{
        "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": KEY_ID,
        "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
        "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
    }]}))
}

fn back_to(redirect_uri: &str, params: &[(&str, &str)]) -> Response {
    let query = serde_urlencoded::to_string(params).expect("query");
    Redirect::to(&format!("{redirect_uri}?{query}")).into_response()
}

async fn authorize(State(s): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Response {
    let param = |k: &str| q.get(k).cloned().unwrap_or_default();
    let redirect_uri = param("redirect_uri");
    let state = param("state");
    if param("response_type") != "code"
        || param("client_id") != CLIENT_ID
        || param("code_challenge_method") != "S256"
        || !param("scope").split(' ').any(|s| s == "openid")
    {
        return (StatusCode::BAD_REQUEST, "bad authorization request").into_response();
    }
    let mut inner = s.inner.lock().expect("lock");
    if inner.deny {
        return back_to(
            &redirect_uri,
            &[("error", "access_denied"), ("state", &state)],
        );
    }
    let code = URL_SAFE_NO_PAD.encode(motcua::crypto::random_bytes(16));
    inner.grants.insert(
        code.clone(),
        Grant {
            nonce: param("nonce"),
            challenge: param("code_challenge"),
            redirect_uri: redirect_uri.clone(),
        },
    );
    back_to(&redirect_uri, &[("code", &code), ("state", &state)])
}

fn oauth_error(status: StatusCode, error: &str) -> Response {
    (status, Json(json!({ "error": error }))).into_response()
}

fn client_authenticated(headers: &HeaderMap) -> bool {
    let expected = format!("{CLIENT_ID}:{CLIENT_SECRET}");
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b).ok())
        .is_some_and(|raw| raw == expected.as_bytes())
}

fn sign(key: &EcdsaKeyPair, claims: &Value) -> String {
    let header = json!({ "alg": "ES256", "typ": "JWT", "kid": KEY_ID });
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = key
        .sign(&SystemRandom::new(), input.as_bytes())
        .expect("sign");
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.as_ref()))
}

async fn token(
    State(s): State<Shared>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let param = |k: &str| f.get(k).cloned().unwrap_or_default();
    let mut inner = s.inner.lock().expect("lock");
    inner.token_requests += 1;
    if !client_authenticated(&headers) {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    let Some(grant) = inner.grants.remove(&param("code")) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
    };
    let challenge = URL_SAFE_NO_PAD.encode(ring::digest::digest(
        &ring::digest::SHA256,
        param("code_verifier").as_bytes(),
    ));
    if param("grant_type") != "authorization_code"
        || grant.redirect_uri != param("redirect_uri")
        || grant.challenge != challenge
    {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
    }
    let access_token = URL_SAFE_NO_PAD.encode(motcua::crypto::random_bytes(24));
    let at_hash = ring::digest::digest(&ring::digest::SHA256, access_token.as_bytes());
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let user = inner.user.clone();
    let mut claims = json!({
        "iss": s.issuer, "sub": user.sub, "aud": CLIENT_ID, "iat": now, "exp": now + 300,
        "nonce": grant.nonce, "at_hash": URL_SAFE_NO_PAD.encode(&at_hash.as_ref()[..16]),
    });
    let extra = [
        ("name", user.name),
        ("id_number", user.id_number),
        ("birthdate", user.birthdate),
        ("email", user.email),
        ("phone_number", user.phone),
    ];
    for (claim, value) in extra {
        if let Some(v) = value {
            claims[claim] = json!(v);
        }
    }
    let key = if inner.rogue {
        &s.keys.rogue
    } else {
        &s.keys.published
    };
    Json(json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": sign(key, &claims),
    }))
    .into_response()
}
