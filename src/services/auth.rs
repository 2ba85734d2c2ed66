//! Staff sign-in and sessions: constant-work credential checks, lockout after repeated failures, idle and absolute
//! session limits, and bearer tokens for the API. Every decision is written to the audit log.

use time::{Duration, OffsetDateTime};

use crate::config::SecurityConfig;
use crate::crypto::{
    hash_password, password_iterations, random_token, sha256_hex, verify_password,
};
use crate::domain::ids::{StaffId, Username};
use crate::domain::password::normalise_attempt;
use crate::domain::role::Role;
use crate::store::audit::Outcome;
use crate::store::{Db, api_tokens, format_time, parse_time, sessions, staff};

use super::accounts::is_locked;
use super::{Context, ServiceError, cpu};

/// A browser session (cookie) or an API session (bearer token from `/api/v1/auth/login`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Web,
    Api,
}

impl SessionKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }
}

/// The signed-in staff member behind a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub staff_id: StaffId,
    pub session_id: i64,
    pub username: String,
    pub full_name: String,
    pub roles: Vec<Role>,
    pub unit_code: Option<String>,
    pub unit_name: Option<String>,
    pub must_change_password: bool,
    /// The token the session was found by; the CSRF token is derived from it.
    pub token: String,
}

impl Principal {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// An integration calling with a token from `motcua token create`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integration {
    pub name: String,
    pub scope: String,
}

/// What a bearer token turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bearer {
    Staff(Principal),
    Citizen(super::citizens::CitizenPrincipal),
    Integration(Integration),
}

pub struct SignedIn {
    pub token: String,
    pub expires_at: OffsetDateTime,
    pub principal: Principal,
}

/// A stored-hash stand-in for unknown usernames, with the configured cost, so an unknown name costs the same
/// PBKDF2 work as a wrong password and the two cannot be told apart by timing.
fn decoy_hash(iterations: u32) -> String {
    format!(
        "pbkdf2-sha256${iterations}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    )
}

/// Verifies a password attempt against a stored hash (a decoy of the same cost when there is no account, or the
/// account has no password), and returns whether it matched and, when the hash was made at a lower cost than now
/// configured, the replacement hash to store.
pub(crate) async fn check_password(
    security: &SecurityConfig,
    stored: Option<String>,
    attempt: Option<String>,
) -> Result<(bool, Option<String>), ServiceError> {
    let has_hash = stored.as_deref().is_some_and(|s| !s.is_empty());
    let stored = stored
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| decoy_hash(security.pbkdf2_iterations));
    let target = security.pbkdf2_cost();
    cpu(move || {
        let ok = has_hash
            && attempt
                .as_deref()
                .is_some_and(|p| verify_password(p, &stored));
        let stale = password_iterations(&stored).is_some_and(|it| it < target.get());
        let rehash = (ok && stale).then(|| attempt.as_deref().map(|p| hash_password(p, target)));
        (ok, rehash.flatten())
    })
    .await
}

/// Checks a username and password and opens a session. Unknown user and wrong password give the same error;
/// a locked account is only reported as locked to someone who knows its password.
pub async fn sign_in(
    db: &Db,
    security: &SecurityConfig,
    ctx: &Context,
    raw_username: &str,
    raw_password: &str,
    kind: SessionKind,
    user_agent: &str,
) -> Result<SignedIn, ServiceError> {
    let username = Username::parse(raw_username).ok();
    let password = normalise_attempt(raw_password);
    let lookup = username.clone();
    let account = match lookup {
        Some(u) => {
            db.read(move |c| staff::find_by_username(c, u.as_str()))
                .await?
        }
        None => None,
    };
    let stored = account.as_ref().map(|a| a.password_hash.clone());
    let (verified, rehash) = check_password(security, stored, password).await?;

    let token = random_token(32);
    let token_hash = sha256_hex(token.as_bytes());
    let expires_at = ctx.now + Duration::hours(security.session_max_hours);
    let (threshold, lock_minutes) = (
        i64::from(security.lockout_threshold),
        security.lockout_minutes,
    );
    let attempted = raw_username.chars().take(80).collect::<String>();
    let ctx = Context {
        actor: username.as_ref().map_or(attempted, |u| u.to_string()),
        ..ctx.clone()
    };
    let user_agent = user_agent.chars().take(200).collect::<String>();
    let outcome = db
        .write(move |tx| {
            let now = ctx.now_text();
            let Some(account) = username
                .map(|u| staff::find_by_username(tx, u.as_str()))
                .transpose()?
                .flatten()
            else {
                ctx.audit(tx, "login", &ctx.actor, Outcome::Failed, "unknown username")?;
                return Ok(Err(ServiceError::InvalidCredentials));
            };
            if is_locked(&account, &now) {
                let detail = if verified {
                    "account locked"
                } else {
                    "wrong password while locked"
                };
                ctx.audit(tx, "login", &account.username, Outcome::Denied, detail)?;
                return Ok(Err(if verified {
                    ServiceError::Locked
                } else {
                    ServiceError::InvalidCredentials
                }));
            }
            if account.locked_at.is_some() {
                // A failure lock that has run out: start counting afresh.
                staff::clear_lock(tx, account.id)?;
            }
            if !verified {
                let failures = staff::record_failure(tx, account.id)?;
                ctx.audit(
                    tx,
                    "login",
                    &account.username,
                    Outcome::Failed,
                    &format!("wrong password, failure {failures}"),
                )?;
                if failures >= threshold {
                    let until = format_time(ctx.now + Duration::minutes(lock_minutes));
                    staff::set_lock(tx, account.id, &now, Some(&until))?;
                    ctx.audit(
                        tx,
                        "account.lockout",
                        &account.username,
                        Outcome::Ok,
                        &format!("until {until}"),
                    )?;
                }
                return Ok(Err(ServiceError::InvalidCredentials));
            }
            staff::record_login(tx, account.id, &now)?;
            if let Some(hash) = &rehash {
                staff::upgrade_hash(tx, account.id, hash)?;
            }
            let new = sessions::NewSession {
                token_hash: &token_hash,
                staff_id: account.id,
                kind: kind.as_str(),
                now: &now,
                expires_at: &format_time(expires_at),
                ip: &ctx.ip,
                user_agent: &user_agent,
            };
            let session_id = sessions::insert(tx, &new)?;
            ctx.audit(tx, "login", &account.username, Outcome::Ok, kind.as_str())?;
            Ok::<_, ServiceError>(Ok(principal(account, session_id, token)))
        })
        .await?;
    outcome.map(|principal| SignedIn {
        token: principal.token.clone(),
        expires_at,
        principal,
    })
}

fn principal(account: staff::StaffAccount, session_id: i64, token: String) -> Principal {
    Principal {
        staff_id: account.id,
        session_id,
        username: account.username,
        full_name: account.full_name,
        roles: account.roles,
        unit_code: account.unit_code,
        unit_name: account.unit_name,
        must_change_password: account.must_change_password,
        token,
    }
}

/// Touching a session at most this often keeps each request from being a disk write.
pub(crate) const TOUCH_EVERY: Duration = Duration::seconds(10);

/// Why a session must end at `now`, if it must: idle longer than `idle_minutes`, past its absolute lifetime, or its
/// account locked. Shared by staff and citizen sessions, which follow the same rules.
pub(crate) fn end_reason(
    now: OffsetDateTime,
    last_seen: OffsetDateTime,
    expires_at: &str,
    idle_minutes: i64,
    locked: bool,
) -> Option<&'static str> {
    let expires = parse_time(expires_at).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    if now - last_seen > Duration::minutes(idle_minutes) {
        Some("idle timeout")
    } else if now > expires {
        Some("absolute lifetime")
    } else if locked {
        Some("account locked")
    } else {
        None
    }
}

/// Finds the live session for a token. A session idle longer than its role allows (administrators less), past its
/// absolute lifetime, or belonging to a locked account is deleted, and the caller must sign in again.
pub async fn resolve_session(
    db: &Db,
    security: &SecurityConfig,
    ctx: &Context,
    token: &str,
    kind: SessionKind,
) -> Result<Principal, ServiceError> {
    let token_hash = sha256_hex(token.as_bytes());
    let found = db
        .read(move |c| {
            let Some(session) = sessions::find_by_token_hash(c, &token_hash)? else {
                return Ok(None);
            };
            let account = staff::get(c, session.staff_id)?;
            Ok::<_, ServiceError>(Some((session, account)))
        })
        .await?;
    let Some((session, account)) = found.filter(|(s, _)| s.kind == kind.as_str()) else {
        return Err(ServiceError::Unauthenticated);
    };
    let idle_minutes = if account.roles.contains(&Role::Admin) {
        security.admin_idle_minutes
    } else {
        security.staff_idle_minutes
    };
    let now_text = ctx.now_text();
    let last_seen = parse_time(&session.last_seen_at).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let reason = end_reason(
        ctx.now,
        last_seen,
        &session.expires_at,
        idle_minutes,
        is_locked(&account, &now_text),
    );
    if let Some(reason) = reason {
        let ctx = Context {
            actor: account.username.clone(),
            ..ctx.clone()
        };
        db.write(move |tx| {
            sessions::delete(tx, session.id)?;
            ctx.audit(tx, "session.end", &ctx.actor, Outcome::Ok, reason)?;
            Ok::<_, ServiceError>(())
        })
        .await?;
        return Err(ServiceError::SessionExpired);
    }
    if ctx.now - last_seen > TOUCH_EVERY {
        let id = session.id;
        db.write(move |tx| sessions::touch(tx, id, &now_text))
            .await?;
    }
    Ok(principal(account, session.id, token.to_owned()))
}

/// Resolves an `Authorization: Bearer` token: a staff API session first, then a citizen's, then an integration
/// token.
pub async fn resolve_bearer(
    db: &Db,
    security: &SecurityConfig,
    ctx: &Context,
    token: &str,
) -> Result<Bearer, ServiceError> {
    match resolve_session(db, security, ctx, token, SessionKind::Api).await {
        Ok(p) => return Ok(Bearer::Staff(p)),
        Err(ServiceError::Unauthenticated) => {}
        Err(e) => return Err(e),
    }
    match super::citizens::auth::resolve_session(db, security, ctx, token, SessionKind::Api).await {
        Ok(p) => return Ok(Bearer::Citizen(p)),
        Err(ServiceError::Unauthenticated) => {}
        Err(e) => return Err(e),
    }
    let token_hash = sha256_hex(token.as_bytes());
    let found = db
        .read(move |c| api_tokens::find_by_token_hash(c, &token_hash))
        .await?;
    match found {
        Some(t) if !t.revoked => Ok(Bearer::Integration(Integration {
            name: t.name,
            scope: t.scope,
        })),
        _ => Err(ServiceError::Unauthenticated),
    }
}

/// Ends a session and records the sign-out.
pub async fn sign_out(db: &Db, ctx: &Context, principal: &Principal) -> Result<(), ServiceError> {
    let (id, ctx) = (
        principal.session_id,
        Context {
            actor: principal.username.clone(),
            ..ctx.clone()
        },
    );
    db.write(move |tx| {
        sessions::delete(tx, id)?;
        ctx.audit(tx, "logout", &ctx.actor, Outcome::Ok, "")?;
        Ok(())
    })
    .await
}
