//! Applicant notifications end to end: notices queued in a write transaction of the running app are delivered by
//! its notifier to a real SMTP server (`smtp_sink`) and to an HTTP SMS gateway, both on loopback in this process;
//! failures are retried, then given up with the reason kept.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use motcua::config::Config;
use motcua::services::notify::{NoticeInput, NoticeKind, enqueue_notice};
use motcua::store::notifications::{self, Channel, DeliveryState, Notification};
use motcua::store::{StoreError, parse_time};
use time::OffsetDateTime;

use crate::helpers::TestApp;
use crate::smtp_sink::SmtpSink;

const CODE: &str = "H40.12-261129-0001";
const LINK: &str = "https://dichvucong.example.gov.vn/tra-cuu?ma=H40.12-261129-0001";

/// What the gateway was sent: the Authorization header and the JSON body of each POST.
type Posts = Arc<Mutex<Vec<(Option<String>, serde_json::Value)>>>;

/// An SMS gateway: records each POST (Authorization header and JSON body) and answers with a fixed status.
struct SmsGateway {
    url: String,
    posts: Posts,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for SmsGateway {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SmsGateway {
    async fn start(status: StatusCode) -> SmsGateway {
        let posts: Posts = Arc::default();
        let record = posts.clone();
        let app = axum::Router::new().route(
            "/api/send",
            axum::routing::post(
                move |headers: HeaderMap, axum::Json(body): axum::Json<serde_json::Value>| async move {
                    let auth = headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    record.lock().expect("gateway lock").push((auth, body));
                    (status, "gateway answer")
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind gateway");
        let url = format!(
            "http://{}/api/send",
            listener.local_addr().expect("gateway address")
        );
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        SmsGateway { url, posts, task }
    }

    fn posts(&self) -> Vec<(Option<String>, serde_json::Value)> {
        self.posts.lock().expect("gateway lock").clone()
    }
}

/// The test configuration with the notifier polling often, so no test waits for the default five seconds.
fn config() -> Config {
    let mut config = Config::for_tests();
    config.notify.poll_millis = 50;
    config
}

fn smtp_at(config: &mut Config, port: u16) {
    config.notify.smtp_host = Some("127.0.0.1".into());
    config.notify.smtp_port = port;
    config.notify.smtp_security = "none".into();
    config.notify.from = "Bộ phận một cửa <motcua@thu.example.vn>".into();
}

/// Queues a receipt notice the way the dossier service does, inside one write transaction.
async fn notify(app: &TestApp, email: &'static str, phone: &'static str) -> usize {
    app.db
        .write(move |tx| {
            enqueue_notice(
                tx,
                &NoticeInput {
                    dossier_id: None,
                    code: Some(CODE),
                    procedure_name: "Đăng ký khai sinh",
                    applicant_name: "Nguyễn Thị Hoà",
                    email,
                    phone,
                    kind: NoticeKind::Received,
                    detail: "05/12/2026",
                    agency_name: "UBND huyện Thử",
                    lookup_url: Some(LINK),
                },
                OffsetDateTime::now_utc(),
                true,
            )
        })
        .await
        .expect("enqueue notice")
}

async fn rows(app: &TestApp) -> Vec<Notification> {
    app.db
        .read(|c| {
            let ids = c
                .prepare("SELECT id FROM notifications ORDER BY id")?
                .query_map([], |r| r.get::<_, i64>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            let mut out = Vec::new();
            for id in ids {
                out.extend(notifications::find(c, id)?);
            }
            Ok::<_, StoreError>(out)
        })
        .await
        .expect("read notifications")
}

/// Waits (at most 10 s) until every queued row satisfies `done`; returns the rows.
async fn rows_when(app: &TestApp, done: impl Fn(&Notification) -> bool) -> Vec<Notification> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let rows = rows(app).await;
        if !rows.is_empty() && rows.iter().all(&done) {
            return rows;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "notifications never got there: {rows:#?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Moves every pending message's next attempt into the past, as if the retry wait had gone by.
async fn let_the_retry_wait_pass(app: &TestApp) {
    app.sql(
        "UPDATE notifications SET next_attempt_at = '2000-01-01T00:00:00.000Z' WHERE state = 'pending'",
    )
    .await;
}

fn is_in_the_future_by_about_a_minute(text: &str) -> bool {
    let now = OffsetDateTime::now_utc();
    parse_time(text).is_some_and(|t| {
        t > now + time::Duration::seconds(30) && t <= now + time::Duration::seconds(61)
    })
}

#[tokio::test]
async fn an_email_and_an_sms_reach_their_servers_in_vietnamese_and_are_marked_sent() {
    let sink = SmtpSink::start().await;
    let gateway = SmsGateway::start(StatusCode::OK).await;
    let mut config = config();
    smtp_at(&mut config, sink.port);
    config.notify.sms_url = Some(gateway.url.clone());
    config.notify.sms_token = Some("khoa-cong-sms".into());
    let app = TestApp::spawn_with(config).await;

    assert_eq!(notify(&app, "hoa@example.vn", "0912345678").await, 2);
    let rows = rows_when(&app, |n| n.state == DeliveryState::Sent).await;

    for n in &rows {
        assert_eq!((n.attempts, n.last_error.as_str()), (1, ""), "{n:?}");
        assert!(n.sent_at.is_some());
    }
    let mails = sink.mails();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.from, "motcua@thu.example.vn");
    assert_eq!(mail.to, vec!["hoa@example.vn".to_owned()]);
    assert_eq!(
        mail.header("Subject").as_deref(),
        Some("Hồ sơ H40.12-261129-0001 đã được tiếp nhận")
    );
    assert_eq!(
        mail.header("From").as_deref(),
        Some("Bộ phận một cửa <motcua@thu.example.vn>")
    );
    // On the wire the message is 7-bit: the Vietnamese travels as RFC 2047 words and a base64 or QP body.
    assert!(
        mail.data.is_ascii() && mail.data.contains("=?utf-8?"),
        "{}",
        mail.data
    );
    let text = mail.text();
    for part in [
        "Kính gửi: Nguyễn Thị Hoà",
        "UBND huyện Thử đã tiếp nhận hồ sơ của Ông/Bà.",
        "Thủ tục: Đăng ký khai sinh",
        "Ngày hẹn trả kết quả: 05/12/2026",
        &format!("Tra cứu hồ sơ: {LINK}"),
    ] {
        assert!(text.contains(part), "missing {part:?} in {text}");
    }

    let posts = gateway.posts();
    assert_eq!(posts.len(), 1);
    let (auth, body) = &posts[0];
    assert_eq!(auth.as_deref(), Some("Bearer khoa-cong-sms"));
    assert_eq!(body["to"], "0912345678");
    assert_eq!(
        body["text"],
        format!(
            "UBND huyen Thu: Ho so {CODE} (Dang ky khai sinh) da duoc tiep nhan. \
             Ngay hen tra ket qua: 05/12/2026. Tra cuu: {LINK}"
        )
    );
    let sms = rows
        .iter()
        .find(|n| n.channel == Channel::Sms)
        .expect("sms row");
    assert_eq!(sms.subject, "Hồ sơ H40.12-261129-0001 đã được tiếp nhận");
}

#[tokio::test]
async fn an_sms_gateway_answering_500_is_retried_later_and_the_message_fails_after_max_attempts() {
    let gateway = SmsGateway::start(StatusCode::INTERNAL_SERVER_ERROR).await;
    let mut config = config();
    config.notify.sms_url = Some(gateway.url.clone());
    config.notify.max_attempts = 3;
    let app = TestApp::spawn_with(config).await;

    assert_eq!(notify(&app, "", "0912345678").await, 1);
    let first = rows_when(&app, |n| n.attempts == 1).await;
    assert_eq!(first[0].state, DeliveryState::Pending);
    assert!(
        first[0].last_error.contains("500"),
        "{}",
        first[0].last_error
    );
    assert!(
        is_in_the_future_by_about_a_minute(&first[0].next_attempt_at),
        "{first:?}"
    );

    let_the_retry_wait_pass(&app).await;
    let second = rows_when(&app, |n| n.attempts == 2).await;
    assert_eq!(second[0].state, DeliveryState::Pending);

    let_the_retry_wait_pass(&app).await;
    let last = rows_when(&app, |n| n.state == DeliveryState::Failed).await;
    assert_eq!(last[0].attempts, 3);
    assert!(
        last[0].last_error.starts_with("cổng SMS trả lời 500"),
        "{}",
        last[0].last_error
    );
    assert_eq!(gateway.posts().len(), 3);
}

#[tokio::test]
async fn an_smtp_server_that_cannot_be_reached_leaves_the_email_pending_with_the_error() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("address").port();
    drop(closed);
    let mut config = config();
    smtp_at(&mut config, port);
    let app = TestApp::spawn_with(config).await;

    assert_eq!(notify(&app, "hoa@example.vn", "").await, 1);
    let rows = rows_when(&app, |n| n.attempts == 1).await;
    let n = &rows[0];
    assert_eq!(n.state, DeliveryState::Pending);
    assert!(n.last_error.starts_with("máy chủ thư"), "{}", n.last_error);
    assert!(
        is_in_the_future_by_about_a_minute(&n.next_attempt_at),
        "{n:?}"
    );
    assert_eq!(n.sent_at, None);
}

#[tokio::test]
async fn a_mailbox_the_smtp_server_refuses_fails_at_once_without_retrying() {
    let sink = SmtpSink::start().await;
    let mut config = config();
    smtp_at(&mut config, sink.port);
    let app = TestApp::spawn_with(config).await;

    notify(&app, "khong-ton-tai@example.vn", "").await;
    let rows = rows_when(&app, |n| n.state == DeliveryState::Failed).await;
    assert_eq!(rows[0].attempts, 1);
    assert!(
        rows[0].last_error.starts_with("máy chủ thư từ chối") && rows[0].last_error.contains("550"),
        "{}",
        rows[0].last_error
    );
    assert!(sink.mails().is_empty());
}

#[tokio::test]
async fn messages_for_channels_without_a_server_fail_with_the_reason_instead_of_waiting() {
    let app = TestApp::spawn_with(config()).await;

    assert_eq!(notify(&app, "hoa@example.vn", "0912345678").await, 2);
    let rows = rows_when(&app, |n| n.state == DeliveryState::Failed).await;
    let reason = |channel| {
        rows.iter()
            .find(|n| n.channel == channel)
            .map(|n| (n.last_error.as_str(), n.attempts))
    };
    assert_eq!(
        reason(Channel::Email),
        Some(("chưa cấu hình máy chủ thư", 0))
    );
    assert_eq!(reason(Channel::Sms), Some(("chưa cấu hình cổng SMS", 0)));
}
