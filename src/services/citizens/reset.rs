//! Password reset by e-mail: a one-time link, valid for an hour, sent to the account's address. Asking for one
//! answers the same whether or not the details match an account, so the form cannot be used to find accounts.

use time::Duration;

use crate::config::SecurityConfig;
use crate::crypto::{hash_password, random_token, sha256_hex};
use crate::domain::citizen_id::CitizenId as IdNumber;
use crate::domain::text::nfc;
use crate::store::audit::Outcome;
use crate::store::citizens::{self, sessions};
use crate::store::notifications::{self, Channel, NewNotification};
use crate::store::{Db, format_time};

use super::super::notify::NotifierWake;
use super::super::{Context, ServiceError, cpu};

/// How long a reset link works.
pub const RESET_VALID_MINUTES: i64 = 60;

/// Links one account may be sent per day, so the form cannot flood a mailbox.
const RESETS_PER_DAY: i64 = 5;

/// Queues a reset e-mail when `id_number` and `email` belong to the same account. `base_url` is the portal's
/// address the link starts with.
pub async fn request(
    db: &Db,
    ctx: &Context,
    wake: &NotifierWake,
    base_url: &str,
    raw_id_number: &str,
    raw_email: &str,
) -> Result<(), ServiceError> {
    let Ok(id_number) = IdNumber::parse(raw_id_number) else {
        return Ok(());
    };
    let email = raw_email.trim().to_lowercase();
    let (ctx, base_url) = (ctx.clone(), base_url.trim_end_matches('/').to_owned());
    let queued = db
        .write(move |tx| {
            let Some(account) = citizens::find_by_id_number(tx, id_number.as_str())? else {
                return Ok(false);
            };
            if account.email.is_empty() || account.email != email {
                ctx.audit(tx, "citizen.reset", &account.owner_ref(), Outcome::Denied, "e-mail differs")?;
                return Ok(false);
            }
            let since = format_time(ctx.now - Duration::days(1));
            if citizens::resets_since(tx, account.id, &since)? >= RESETS_PER_DAY {
                ctx.audit(tx, "citizen.reset", &account.owner_ref(), Outcome::Denied, "daily limit")?;
                return Ok(false);
            }
            let token = random_token(32);
            let expires = format_time(ctx.now + Duration::minutes(RESET_VALID_MINUTES));
            citizens::insert_reset(tx, &sha256_hex(token.as_bytes()), account.id, &ctx.now_text(), &expires)?;
            let body = format!(
                "Kính gửi Ông/Bà {name},\n\n\
                 Chúng tôi nhận được yêu cầu đặt lại mật khẩu tài khoản dịch vụ công của Ông/Bà. \
                 Để đặt mật khẩu mới, xin mở liên kết sau (có hiệu lực trong {RESET_VALID_MINUTES} phút, dùng một lần):\n\n\
                 {base_url}/dat-lai-mat-khau/{token}\n\n\
                 Nếu Ông/Bà không yêu cầu, xin bỏ qua thư này; mật khẩu hiện tại vẫn giữ nguyên.\n",
                name = account.full_name
            );
            notifications::enqueue(
                tx,
                &NewNotification {
                    dossier_id: None,
                    channel: Channel::Email,
                    recipient: &account.email,
                    subject: "Đặt lại mật khẩu tài khoản dịch vụ công",
                    body: &nfc(&body),
                },
                &ctx.now_text(),
            )?;
            ctx.audit(tx, "citizen.reset", &account.owner_ref(), Outcome::Ok, "link sent")?;
            Ok::<_, ServiceError>(true)
        })
        .await?;
    if queued {
        wake.wake();
    }
    Ok(())
}

/// Whether a reset link may still be used (the form is shown only then).
pub async fn usable(db: &Db, ctx: &Context, token: &str) -> Result<bool, ServiceError> {
    let (hash, now) = (sha256_hex(token.as_bytes()), ctx.now_text());
    Ok(db
        .read(move |c| citizens::reset_usable(c, &hash, &now))
        .await?)
}

/// Sets a new password through a reset link; the link is used up and every session of the account ends.
pub async fn complete(
    db: &Db,
    security: &SecurityConfig,
    ctx: &Context,
    token: &str,
    password: &str,
    again: &str,
) -> Result<(), ServiceError> {
    let mut errors = crate::domain::FieldErrors::new();
    let password = errors.take("password", security.password_policy().check(password, ""));
    if password.as_deref().is_some_and(|p| p != nfc(again)) {
        errors.add("password_again", "password.mismatch");
    }
    let Some(password) = password.filter(|_| errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    let cost = security.pbkdf2_cost();
    let checked = password.clone();
    let hash = cpu(move || hash_password(&password, cost)).await?;
    let (ctx, token_hash, security) = (ctx.clone(), sha256_hex(token.as_bytes()), security.clone());
    db.write(move |tx| {
        let now = ctx.now_text();
        let Some(id) = citizens::take_reset(tx, &token_hash, &now)? else {
            return Err(ServiceError::Refused("citizen.reset_expired"));
        };
        let account = citizens::get(tx, id)?;
        // The rule registration applies: not the account's own ID number (the link is left unused).
        if let Err(code) = security
            .password_policy()
            .check(&checked, &account.id_number)
        {
            return Err(ServiceError::field("password", code));
        }
        citizens::set_password(tx, id, &hash, &now)?;
        sessions::delete_for_citizen(tx, id, None)?;
        ctx.audit(
            tx,
            "citizen.password",
            &account.owner_ref(),
            Outcome::Ok,
            "reset by e-mail link",
        )?;
        Ok(())
    })
    .await
}
