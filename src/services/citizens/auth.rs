//! Citizen sign-in and sessions, under the same rules as staff: one answer for an unknown ID number and a wrong
//! password, lockout after repeated failures, idle and absolute session limits, every decision audited.

use time::{Duration, OffsetDateTime};

use crate::config::SecurityConfig;
use crate::crypto::{hash_password, random_token, sha256_hex};
use crate::domain::citizen_id::CitizenId as IdNumber;
use crate::domain::password::normalise_attempt;
use crate::store::audit::Outcome;
use crate::store::citizens::{self, CitizenAccount, CitizenId, sessions};
use crate::store::{Db, format_time, parse_time};

use super::super::auth::{SessionKind, TOUCH_EVERY, check_password, end_reason};
use super::super::{Context, ServiceError, cpu};

/// The signed-in citizen behind a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenPrincipal {
    pub citizen_id: CitizenId,
    pub public_ref: String,
    pub full_name: String,
    pub id_number: String,
    pub session_id: i64,
    /// The token the session was found by; the CSRF token is derived from it.
    pub token: String,
}

impl CitizenPrincipal {
    /// The value of `dossiers.owner_ref` for this citizen's dossiers.
    pub fn owner_ref(&self) -> String {
        format!("citizen:{}", self.public_ref)
    }
}

pub struct CitizenSignedIn {
    pub token: String,
    pub expires_at: OffsetDateTime,
    pub principal: CitizenPrincipal,
}

fn is_locked(a: &CitizenAccount, now: &str) -> bool {
    a.locked_until.as_deref().is_some_and(|until| until > now)
}

fn principal(a: CitizenAccount, session_id: i64, token: String) -> CitizenPrincipal {
    CitizenPrincipal {
        citizen_id: a.id,
        public_ref: a.public_ref,
        full_name: a.full_name,
        id_number: a.id_number,
        session_id,
        token,
    }
}

/// Opens a session for an account already authenticated (by password here, or by the external identity provider).
pub(crate) fn open_session(
    tx: &rusqlite::Connection,
    security: &SecurityConfig,
    ctx: &Context,
    account: CitizenAccount,
    kind: SessionKind,
    user_agent: &str,
    how: &str,
) -> Result<CitizenSignedIn, ServiceError> {
    let token = random_token(32);
    let expires_at = ctx.now + Duration::hours(security.session_max_hours);
    let now = ctx.now_text();
    citizens::record_login(tx, account.id, &now)?;
    let session_id = sessions::insert(
        tx,
        &sessions::NewCitizenSession {
            token_hash: &sha256_hex(token.as_bytes()),
            citizen_id: account.id,
            kind: kind.as_str(),
            now: &now,
            expires_at: &format_time(expires_at),
            ip: &ctx.ip,
            user_agent: &user_agent.chars().take(200).collect::<String>(),
        },
    )?;
    ctx.audit(tx, "citizen.login", &account.owner_ref(), Outcome::Ok, how)?;
    Ok(CitizenSignedIn {
        token: token.clone(),
        expires_at,
        principal: principal(account, session_id, token),
    })
}

/// Checks an ID number and password and opens a session.
pub async fn sign_in(
    db: &Db,
    security: &SecurityConfig,
    ctx: &Context,
    raw_id_number: &str,
    raw_password: &str,
    kind: SessionKind,
    user_agent: &str,
) -> Result<CitizenSignedIn, ServiceError> {
    let id_number = IdNumber::parse(raw_id_number).ok();
    let lookup = id_number.clone();
    let account = match lookup {
        Some(id) => {
            db.read(move |c| citizens::find_by_id_number(c, id.as_str()))
                .await?
        }
        None => None,
    };
    let stored = account.as_ref().map(|a| a.password_hash.clone());
    let (verified, rehash) =
        check_password(security, stored, normalise_attempt(raw_password)).await?;
    let (security, user_agent) = (security.clone(), user_agent.to_owned());
    let attempted: String = raw_id_number.chars().take(20).collect();
    let ctx = Context {
        actor: id_number
            .as_ref()
            .map_or(attempted, |i| i.as_str().to_owned()),
        ..ctx.clone()
    };
    db.write(move |tx| {
        let now = ctx.now_text();
        let Some(account) = id_number
            .map(|id| citizens::find_by_id_number(tx, id.as_str()))
            .transpose()?
            .flatten()
        else {
            ctx.audit(
                tx,
                "citizen.login",
                &ctx.actor,
                Outcome::Failed,
                "unknown ID number",
            )?;
            return Ok(Err(ServiceError::InvalidCredentials));
        };
        if is_locked(&account, &now) {
            let detail = if verified {
                "account locked"
            } else {
                "wrong password while locked"
            };
            ctx.audit(
                tx,
                "citizen.login",
                &account.owner_ref(),
                Outcome::Denied,
                detail,
            )?;
            return Ok(Err(if verified {
                ServiceError::Locked
            } else {
                ServiceError::InvalidCredentials
            }));
        }
        if !verified {
            let failures = citizens::record_failure(tx, account.id)?;
            let detail = format!("wrong password, failure {failures}");
            ctx.audit(
                tx,
                "citizen.login",
                &account.owner_ref(),
                Outcome::Failed,
                &detail,
            )?;
            if failures >= i64::from(security.lockout_threshold) {
                let until = format_time(ctx.now + Duration::minutes(security.lockout_minutes));
                citizens::set_lock(tx, account.id, &now, &until)?;
                ctx.audit(
                    tx,
                    "citizen.lockout",
                    &account.owner_ref(),
                    Outcome::Ok,
                    &until,
                )?;
            }
            return Ok(Err(ServiceError::InvalidCredentials));
        }
        if let Some(hash) = &rehash {
            citizens::set_password(tx, account.id, hash, &now)?;
        }
        open_session(tx, &security, &ctx, account, kind, &user_agent, "password").map(Ok)
    })
    .await?
}

/// Finds the live session for a token; an idle, expired or locked one is deleted and the citizen signs in again.
pub async fn resolve_session(
    db: &Db,
    security: &SecurityConfig,
    ctx: &Context,
    token: &str,
    kind: SessionKind,
) -> Result<CitizenPrincipal, ServiceError> {
    let token_hash = sha256_hex(token.as_bytes());
    let found = db
        .read(move |c| {
            let Some(session) = sessions::find_by_token_hash(c, &token_hash)? else {
                return Ok(None);
            };
            let account = citizens::get(c, session.citizen_id)?;
            Ok::<_, ServiceError>(Some((session, account)))
        })
        .await?;
    let Some((session, account)) = found.filter(|(s, _)| s.kind == kind.as_str()) else {
        return Err(ServiceError::Unauthenticated);
    };
    let last_seen = parse_time(&session.last_seen_at).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let now_text = ctx.now_text();
    let reason = end_reason(
        ctx.now,
        last_seen,
        &session.expires_at,
        security.citizen_idle_minutes,
        is_locked(&account, &now_text),
    );
    if let Some(reason) = reason {
        let (ctx, owner) = (ctx.clone(), account.owner_ref());
        db.write(move |tx| {
            sessions::delete(tx, session.id)?;
            ctx.audit(tx, "citizen.session_end", &owner, Outcome::Ok, reason)?;
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

pub async fn sign_out(db: &Db, ctx: &Context, p: &CitizenPrincipal) -> Result<(), ServiceError> {
    let (id, ctx, owner) = (p.session_id, ctx.clone(), p.owner_ref());
    db.write(move |tx| {
        sessions::delete(tx, id)?;
        ctx.audit(tx, "citizen.logout", &owner, Outcome::Ok, "")?;
        Ok(())
    })
    .await
}

/// Changes the password after checking the current one (an account made by the external provider without a
/// password may set one without it); every other session of the account ends.
pub async fn change_password(
    db: &Db,
    security: &SecurityConfig,
    ctx: &Context,
    p: &CitizenPrincipal,
    current: &str,
    new: &str,
    again: &str,
) -> Result<(), ServiceError> {
    let id = p.citizen_id;
    let account = db.read(move |c| citizens::get(c, id)).await?;
    let has_password = !account.password_hash.is_empty();
    let (verified, _) = check_password(
        security,
        Some(account.password_hash.clone()),
        normalise_attempt(current),
    )
    .await?;
    let mut errors = crate::domain::FieldErrors::new();
    if has_password && !verified {
        errors.add("current", "password.wrong");
    }
    let checked = security.password_policy().check(new, &account.id_number);
    let password = errors.take("password", checked);
    if password
        .as_deref()
        .is_some_and(|p| p != crate::domain::text::nfc(again))
    {
        errors.add("password_again", "password.mismatch");
    }
    let Some(password) = password.filter(|_| errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    let cost = security.pbkdf2_cost();
    let hash = cpu(move || hash_password(&password, cost)).await?;
    let (ctx, keep) = (ctx.clone(), p.session_id);
    db.write(move |tx| {
        citizens::set_password(tx, id, &hash, &ctx.now_text())?;
        sessions::delete_for_citizen(tx, id, Some(keep))?;
        ctx.audit(
            tx,
            "citizen.password",
            &account.owner_ref(),
            Outcome::Ok,
            "changed",
        )?;
        Ok(())
    })
    .await
}
