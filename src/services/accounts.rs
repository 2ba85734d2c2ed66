//! Staff account administration: create, change or reset a password, lock, unlock, list.

use crate::config::SecurityConfig;
use crate::crypto::hash_password;
use crate::domain::FieldErrors;
use crate::domain::ids::{PersonName, StaffId, Username};
use crate::domain::org::UnitCode;
use crate::domain::role::{Role, parse_roles};
use crate::store::audit::Outcome;
use crate::store::{Db, org, sessions, staff};

use super::{Context, ServiceError, cpu, on_conflict};

/// A new account as typed in a form or on the command line, before parsing.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct NewStaffForm {
    pub username: String,
    pub full_name: String,
    pub roles: String,
    pub unit: String,
    pub password: String,
}

/// Creates a staff account. Accounts made by someone else must change their password at first sign-in
/// (Decision 742 §1.3a) unless `must_change_password` is false (the demo and the first admin on the console).
pub async fn create_staff(
    db: &Db,
    security: &SecurityConfig,
    ctx: &Context,
    form: NewStaffForm,
    must_change_password: bool,
) -> Result<StaffId, ServiceError> {
    let mut errors = FieldErrors::new();
    let username = errors.take("username", Username::parse(&form.username));
    let full_name = if form.full_name.trim().is_empty() {
        username
            .as_ref()
            .and_then(|u| PersonName::parse(u.as_str()).ok())
    } else {
        errors.take("full_name", PersonName::parse(&form.full_name))
    };
    let roles = errors.take("roles", parse_roles(&form.roles));
    let unit = if form.unit.trim().is_empty() {
        None
    } else {
        errors.take("unit", UnitCode::parse(&form.unit))
    };
    let policy = security.password_policy();
    let password = errors.take(
        "password",
        policy.check(&form.password, username.as_ref().map_or("", |u| u.as_str())),
    );
    if roles
        .as_ref()
        .is_some_and(|r| r.iter().any(|r| *r != Role::Admin))
        && form.unit.trim().is_empty()
    {
        errors.add("unit", "unit.required");
    }
    errors.into_result()?;
    let (Some(username), Some(full_name), Some(roles), Some(password)) =
        (username, full_name, roles, password)
    else {
        return Err(ServiceError::Invalid(FieldErrors::new()));
    };
    let cost = security.pbkdf2_cost();
    let hash = cpu(move || hash_password(&password, cost)).await?;
    let ctx = ctx.clone();
    db.write(move |tx| {
        if let Some(unit) = &unit
            && !org::unit_exists(tx, unit.as_str())?
        {
            return Err(ServiceError::field("unit", "unit.unknown"));
        }
        let now = ctx.now_text();
        let new = staff::NewStaff {
            username: username.as_str(),
            full_name: full_name.as_str(),
            password_hash: &hash,
            unit_code: unit.as_ref().map(UnitCode::as_str),
            roles: &roles,
            must_change_password,
            now: &now,
        };
        let id = staff::insert(tx, &new).map_err(on_conflict("username", "username.taken"))?;
        let role_list = roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",");
        let unit_text = unit.as_ref().map_or("-", UnitCode::as_str);
        ctx.audit(
            tx,
            "account.create",
            username.as_str(),
            Outcome::Ok,
            &format!("roles={role_list} unit={unit_text}"),
        )?;
        Ok(id)
    })
    .await
}

/// Sets a new password. `by_owner` is a change by the account holder (other sessions end, `keep_session` stays);
/// otherwise it is an administrator's reset and the holder must choose a new one at next sign-in.
pub async fn set_password(
    db: &Db,
    security: &SecurityConfig,
    ctx: &Context,
    username: &str,
    new_password: &str,
    by_owner: bool,
    keep_session: Option<i64>,
) -> Result<(), ServiceError> {
    let username = Username::parse(username).map_err(|_| ServiceError::NotFound)?;
    let policy = security.password_policy();
    let password = policy
        .check(new_password, username.as_str())
        .map_err(|code| ServiceError::field("password", code))?;
    let cost = security.pbkdf2_cost();
    let hash = cpu(move || hash_password(&password, cost)).await?;
    let ctx = ctx.clone();
    db.write(move |tx| {
        let account =
            staff::find_by_username(tx, username.as_str())?.ok_or(ServiceError::NotFound)?;
        staff::set_password(tx, account.id, &hash, !by_owner, &ctx.now_text())?;
        let ended = sessions::delete_for_staff(tx, account.id, keep_session)?;
        let action = if by_owner {
            "password.change"
        } else {
            "password.reset"
        };
        ctx.audit(
            tx,
            action,
            username.as_str(),
            Outcome::Ok,
            &format!("sessions_ended={ended}"),
        )?;
        Ok(())
    })
    .await
}

/// Locks an account until an administrator unlocks it, ending its sessions at once. Nobody may lock their own
/// account: an administrator doing so would leave the office without one.
pub async fn lock(db: &Db, ctx: &Context, username: &str) -> Result<(), ServiceError> {
    let username = Username::parse(username).map_err(|_| ServiceError::NotFound)?;
    if username.as_str() == ctx.actor {
        return Err(ServiceError::Forbidden);
    }
    let ctx = ctx.clone();
    db.write(move |tx| {
        let account =
            staff::find_by_username(tx, username.as_str())?.ok_or(ServiceError::NotFound)?;
        staff::set_lock(tx, account.id, &ctx.now_text(), None)?;
        let ended = sessions::delete_for_staff(tx, account.id, None)?;
        ctx.audit(
            tx,
            "account.lock",
            username.as_str(),
            Outcome::Ok,
            &format!("sessions_ended={ended}"),
        )?;
        Ok(())
    })
    .await
}

/// Lifts any lock, whether set by an administrator or by failed sign-ins, and resets the failure count.
pub async fn unlock(db: &Db, ctx: &Context, username: &str) -> Result<(), ServiceError> {
    let username = Username::parse(username).map_err(|_| ServiceError::NotFound)?;
    let ctx = ctx.clone();
    db.write(move |tx| {
        let account =
            staff::find_by_username(tx, username.as_str())?.ok_or(ServiceError::NotFound)?;
        staff::clear_lock(tx, account.id)?;
        ctx.audit(tx, "account.unlock", username.as_str(), Outcome::Ok, "")?;
        Ok(())
    })
    .await
}

/// Whether an account is locked at `now`: an administrator's lock until lifted, a failure lock until it runs out.
pub fn is_locked(account: &staff::StaffAccount, now: &str) -> bool {
    account.locked_at.is_some()
        && account
            .locked_until
            .as_deref()
            .is_none_or(|until| until > now)
}

/// The account holder changes their own password: the current one must be right; other sessions end.
pub async fn change_own_password(
    db: &Db,
    security: &SecurityConfig,
    ctx: &Context,
    principal: &super::auth::Principal,
    current: &str,
    new_password: &str,
    confirm: &str,
) -> Result<(), ServiceError> {
    let id = principal.staff_id;
    let account = db.read(move |c| staff::get(c, id)).await?;
    let current = crate::domain::password::normalise_attempt(current).unwrap_or_default();
    let stored = account.password_hash.clone();
    let right = cpu(move || crate::crypto::verify_password(&current, &stored)).await?;
    let mut errors = FieldErrors::new();
    if !right {
        errors.add("current_password", "password.wrong");
    }
    let policy = security.password_policy();
    if let Err(code) = policy.check(new_password, &account.username) {
        errors.add("new_password", code);
    } else if new_password != confirm {
        errors.add("confirm_password", "password.mismatch");
    }
    errors.into_result()?;
    set_password(
        db,
        security,
        ctx,
        &account.username,
        new_password,
        true,
        Some(principal.session_id),
    )
    .await
}
