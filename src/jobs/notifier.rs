//! Background job: delivers the queued messages to applicants, e-mail through an SMTP relay and SMS through an
//! HTTP gateway. A failed attempt is retried later (1, 5, 15, 60, 240 minutes by default) until `max_attempts`;
//! a refusal that will not change (a 5xx SMTP reply, a 4xx from the gateway) or a channel with no server
//! configured fails at once, with the reason kept on the row for staff. Delivery is at least once: a crash between
//! the server's acceptance and the row's update sends the message again, with the same Message-ID for e-mail.

use std::time::Duration;

use anyhow::Result;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

use crate::config::NotifyConfig;
use crate::services::notify::{self, Delivery, NotifierWake};
use crate::store::Db;
use crate::store::notifications::{Channel, Notification};

/// Messages taken per read; the loop goes on while batches come back full.
const BATCH: usize = 50;
/// Longest wait for one SMTP exchange or gateway request.
const SEND_TIMEOUT: Duration = Duration::from_secs(30);
/// Longest error text kept on a row (a gateway may answer with a whole HTML page).
const ERROR_CHARS: usize = 500;

const NO_SMTP: &str = "chưa cấu hình máy chủ thư";
const NO_SMS: &str = "chưa cấu hình cổng SMS";

/// What one attempt came to.
enum Attempt {
    Sent,
    /// Worth trying again later (connection refused, timeout, 4xx SMTP reply, 5xx or 429 from the gateway).
    Transient(String),
    /// Trying again would get the same answer.
    Permanent(String),
    /// The channel has no server: nothing was attempted.
    Unconfigured(String),
}

struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

struct SmsGateway {
    client: reqwest::Client,
    url: String,
    token: Option<String>,
}

/// The two channels, each either ready or the reason it is not.
struct Senders {
    email: Result<Mailer, String>,
    sms: Result<SmsGateway, String>,
}

impl Senders {
    fn new(config: &NotifyConfig) -> Senders {
        Senders {
            email: mailer(config),
            sms: sms_gateway(config),
        }
    }
}

fn mailer(config: &NotifyConfig) -> Result<Mailer, String> {
    let host = config
        .smtp_host
        .as_deref()
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .ok_or_else(|| NO_SMTP.to_owned())?;
    let unusable = |e: &dyn std::fmt::Display| format!("cấu hình máy chủ thư không dùng được: {e}");
    let from: Mailbox = config.from.parse().map_err(|e| unusable(&e))?;
    let builder = match config.smtp_security.as_str() {
        "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(|e| unusable(&e))?,
        "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        _ => {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host).map_err(|e| unusable(&e))?
        }
    };
    let mut builder = builder
        .port(config.smtp_port)
        .timeout(Some(SEND_TIMEOUT))
        .hello_name(hello_name());
    if let (Some(user), Some(password)) = (&config.smtp_username, &config.smtp_password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    Ok(Mailer {
        transport: builder.build(),
        from,
    })
}

/// The EHLO name: this host's name when it looks like one, else the address literal lettre defaults to.
fn hello_name() -> ClientId {
    let name = gethostname::gethostname().to_string_lossy().into_owned();
    let looks_like_a_host = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if looks_like_a_host {
        ClientId::Domain(name)
    } else {
        ClientId::default()
    }
}

fn sms_gateway(config: &NotifyConfig) -> Result<SmsGateway, String> {
    let url = config
        .sms_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .ok_or_else(|| NO_SMS.to_owned())?;
    let client = reqwest::Client::builder()
        .timeout(SEND_TIMEOUT)
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!("motcua/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("không tạo được kết nối tới cổng SMS: {}", chain(&e)))?;
    Ok(SmsGateway {
        client,
        url: url.to_owned(),
        token: config.sms_token.clone(),
    })
}

/// An error with its causes, which is where the useful part ("connection refused") usually is.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let more = cause.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = cause.source();
    }
    text
}

fn clip(mut text: String) -> String {
    if let Some((cut, _)) = text.char_indices().nth(ERROR_CHARS) {
        text.truncate(cut);
        text.push('…');
    }
    text
}

async fn send_email(m: &Mailer, n: &Notification) -> Attempt {
    let to: lettre::Address = match n.recipient.parse() {
        Ok(address) => address,
        Err(_) => return Attempt::Permanent(format!("địa chỉ thư không hợp lệ: {}", n.recipient)),
    };
    // The same Message-ID on every attempt lets mail systems drop the copy a crash may cause.
    let stamp: String = n.created_at.chars().filter(char::is_ascii_digit).collect();
    let message = Message::builder()
        .from(m.from.clone())
        .to(Mailbox::new(None, to))
        .subject(n.subject.clone())
        .message_id(Some(format!(
            "<motcua.{}.{stamp}@{}>",
            n.id,
            m.from.email.domain()
        )))
        .header(ContentType::TEXT_PLAIN)
        .body(n.body.clone());
    let message = match message {
        Ok(message) => message,
        Err(e) => return Attempt::Permanent(format!("không tạo được thư: {}", chain(&e))),
    };
    match m.transport.send(message).await {
        Ok(_) => Attempt::Sent,
        Err(e) if e.is_permanent() => {
            Attempt::Permanent(format!("máy chủ thư từ chối: {}", chain(&e)))
        }
        Err(e) => Attempt::Transient(format!("máy chủ thư: {}", chain(&e))),
    }
}

async fn send_sms(g: &SmsGateway, n: &Notification) -> Attempt {
    let mut request = g
        .client
        .post(&g.url)
        .json(&serde_json::json!({ "to": n.recipient, "text": n.body }));
    if let Some(token) = &g.token {
        request = request.bearer_auth(token);
    }
    match request.send().await {
        Ok(response) if response.status().is_success() => Attempt::Sent,
        Ok(response) => {
            let status = response.status();
            let answer = response.text().await.unwrap_or_default();
            let error = format!("cổng SMS trả lời {status}: {}", answer.trim());
            let retry = status.is_server_error()
                || status == reqwest::StatusCode::TOO_MANY_REQUESTS
                || status == reqwest::StatusCode::REQUEST_TIMEOUT;
            if retry {
                Attempt::Transient(error)
            } else {
                Attempt::Permanent(error)
            }
        }
        Err(e) => Attempt::Transient(format!("không gửi được tới cổng SMS: {}", chain(&e))),
    }
}

async fn attempt(senders: &Senders, n: &Notification) -> Attempt {
    match (n.channel, &senders.email, &senders.sms) {
        (Channel::Email, Ok(mailer), _) => send_email(mailer, n).await,
        (Channel::Email, Err(why), _) | (Channel::Sms, _, Err(why)) => {
            Attempt::Unconfigured(why.clone())
        }
        (Channel::Sms, _, Ok(gateway)) => send_sms(gateway, n).await,
    }
}

/// When the next attempt is due after `attempts` failed ones: the configured waits in order, the last repeating.
pub fn retry_at(retry_minutes: &[u32], attempts: u32, now: OffsetDateTime) -> OffsetDateTime {
    let index = (attempts.max(1) as usize - 1).min(retry_minutes.len().saturating_sub(1));
    let minutes = retry_minutes.get(index).copied().unwrap_or(1);
    now + time::Duration::minutes(i64::from(minutes))
}

/// Turns an attempt into the row's new state, counting the attempt.
fn decide(
    config: &NotifyConfig,
    n: &Notification,
    outcome: Attempt,
    now: OffsetDateTime,
) -> (u32, Delivery) {
    let attempts = n.attempts + 1;
    match outcome {
        Attempt::Sent => (attempts, Delivery::Sent),
        Attempt::Unconfigured(error) => (n.attempts, Delivery::Failed { error }),
        Attempt::Permanent(error) => (attempts, Delivery::Failed { error: clip(error) }),
        Attempt::Transient(error) if attempts >= config.max_attempts => {
            (attempts, Delivery::Failed { error: clip(error) })
        }
        Attempt::Transient(error) => (
            attempts,
            Delivery::Retry {
                at: retry_at(&config.retry_minutes, attempts, now),
                error: clip(error),
            },
        ),
    }
}

/// Delivers every due message; returns how many were handled. Stops between messages (or abandons the one in
/// flight, which stays due) when `shutdown` is cancelled.
async fn deliver_due(
    db: &Db,
    config: &NotifyConfig,
    senders: &Senders,
    shutdown: &CancellationToken,
) -> Result<usize> {
    let mut handled = 0;
    loop {
        let batch = notify::due(db, OffsetDateTime::now_utc(), BATCH).await?;
        let full = batch.len() == BATCH;
        for n in batch {
            let outcome = tokio::select! {
                biased;
                _ = shutdown.cancelled() => return Ok(handled),
                outcome = attempt(senders, &n) => outcome,
            };
            let now = OffsetDateTime::now_utc();
            let (attempts, delivery) = decide(config, &n, outcome, now);
            match &delivery {
                Delivery::Sent => {
                    tracing::debug!(id = n.id, channel = n.channel.as_str(), "notification sent")
                }
                Delivery::Retry { error, .. } => tracing::warn!(
                    id = n.id,
                    channel = n.channel.as_str(),
                    attempts,
                    error = %error,
                    "notification not delivered; will retry"
                ),
                Delivery::Failed { error } => tracing::warn!(
                    id = n.id,
                    channel = n.channel.as_str(),
                    attempts,
                    error = %error,
                    "notification failed"
                ),
            }
            notify::record_delivery(db, n.id, attempts, delivery, now).await?;
            handled += 1;
        }
        if !full {
            return Ok(handled);
        }
    }
}

/// Runs until `shutdown` is cancelled: delivers what is due, then waits for a wake-up or the next poll.
pub async fn run(
    db: Db,
    config: NotifyConfig,
    wake: NotifierWake,
    shutdown: CancellationToken,
) -> Result<()> {
    let senders = Senders::new(&config);
    for (channel, state) in [
        ("email", senders.email.as_ref().err()),
        ("sms", senders.sms.as_ref().err()),
    ] {
        if let Some(why) = state {
            tracing::info!(channel, reason = %why, "notification channel off");
        }
    }
    let poll = Duration::from_millis(config.poll_millis);
    loop {
        match deliver_due(&db, &config, &senders, &shutdown).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(messages = n, "notifications handled"),
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "notification delivery failed; will retry")
            }
        }
        tokio::select! {
            _ = shutdown.cancelled() => return Ok(()),
            _ = wake.notified() => {}
            _ = tokio::time::sleep(poll) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_follow_the_schedule_and_the_last_wait_repeats() {
        let now = time::macros::datetime!(2026-11-29 01:00 UTC);
        let waits = [1, 5, 15, 60, 240];
        let minutes = |attempts| (retry_at(&waits, attempts, now) - now).whole_minutes();
        assert_eq!(
            (1..=7).map(minutes).collect::<Vec<_>>(),
            vec![1, 5, 15, 60, 240, 240, 240]
        );
    }

    #[test]
    fn long_errors_are_clipped() {
        let clipped = clip("ồ".repeat(ERROR_CHARS + 10));
        assert_eq!(clipped.chars().count(), ERROR_CHARS + 1);
        assert_eq!(clip("ngắn".to_owned()), "ngắn");
    }
}
