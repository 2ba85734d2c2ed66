//! Citizen sign-in through an external OpenID Connect provider, over HTTP against a small provider started by the
//! test itself: first sign-in with the completion form, a returning subject, linking by citizen ID number, and the
//! refusals (tampered state, a token signed by another key, a cancelled sign-in, an unreachable provider).

// A test should stop at the first surprise; the crate-wide `expect_used` denial is for code outside tests.
#![allow(clippy::expect_used)]

mod provider;

use motcua::config::Config;
use motcua::domain::citizen::ProfileInput;
use motcua::services::{Context, citizens};
use reqwest::StatusCode;

use crate::helpers::{PASSWORD, TestApp, csrf_in, location};
use provider::{CLIENT_ID, CLIENT_SECRET, Provider, User};

const COMPLETE: &str = "/dang-nhap/oidc/hoan-tat";

fn binh() -> User {
    User {
        sub: "vneid-0001".into(),
        name: Some("Trần Thị Bình".into()),
        id_number: Some("001190012345".into()),
        birthdate: Some("1990-05-17".into()),
        email: Some("binh@example.vn".into()),
        phone: None,
    }
}

fn config_for(issuer: &str) -> Config {
    let mut config = Config::for_tests();
    config.oidc.issuer = Some(issuer.to_owned());
    config.oidc.client_id = CLIENT_ID.into();
    config.oidc.client_secret = Some(CLIENT_SECRET.into());
    config
}

async fn with_provider(user: User) -> (TestApp, Provider) {
    let provider = Provider::start(user).await;
    let app = TestApp::spawn_with(config_for(&provider.issuer)).await;
    (app, provider)
}

/// Starts the flow at the portal and returns the provider's authorization URL it redirected to.
async fn to_provider(app: &TestApp, client: &reqwest::Client, next: &str) -> String {
    let response = app
        .get(client, &format!("/dang-nhap/oidc?next={next}"))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let set_cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        set_cookie.starts_with("__Host-motcua_oidc="),
        "{set_cookie}"
    );
    for attribute in [
        "HttpOnly",
        "Secure",
        "SameSite=Lax",
        "Path=/",
        "Max-Age=600",
    ] {
        assert!(
            set_cookie.contains(attribute),
            "flow cookie lacks {attribute}: {set_cookie}"
        );
    }
    location(&response)
}

/// Follows the provider's authorization endpoint and returns the callback URL it sends the browser back to.
async fn back_from_provider(client: &reqwest::Client, authorize_url: &str) -> String {
    let response = client.get(authorize_url).send().await.expect("authorize");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    location(&response)
}

/// The whole round trip up to (and including) the portal's callback.
async fn through_provider(
    app: &TestApp,
    client: &reqwest::Client,
    next: &str,
) -> reqwest::Response {
    let authorize = to_provider(app, client, next).await;
    let callback = back_from_provider(client, &authorize).await;
    assert!(
        callback.starts_with(&app.at("/dang-nhap/oidc/callback?")),
        "{callback}"
    );
    client.get(callback).send().await.expect("callback")
}

/// The `role=alert` text of a page.
fn alert(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("[role=alert]").expect("selector");
    doc.select(&sel)
        .map(|e| e.text().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

fn has_input(html: &str, name: &str) -> bool {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(&format!("form [name={name}]")).expect("selector");
    doc.select(&sel).next().is_some()
}

/// After a successful callback the portal answers with a page that moves on by itself; returns its target.
fn moves_on_to(response: &reqwest::Response) -> String {
    assert_eq!(response.status(), StatusCode::OK);
    let refresh = response
        .headers()
        .get("refresh")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    refresh
        .strip_prefix("0; url=")
        .expect("a Refresh header")
        .to_owned()
}

/// A first sign-in from start to the submitted completion form.
async fn complete_first_sign_in(app: &TestApp, client: &reqwest::Client) -> reqwest::Response {
    let callback = through_provider(app, client, "/tai-khoan").await;
    assert_eq!(callback.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&callback), COMPLETE);
    submit_details(app, client).await
}

#[tokio::test]
async fn a_first_time_citizen_signs_in_through_the_provider_completes_the_profile_and_is_linked() {
    let (app, _provider) = with_provider(binh()).await;
    let client = app.client();
    let callback = through_provider(&app, &client, "/tai-khoan").await;
    assert_eq!(callback.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&callback), COMPLETE);
    assert_eq!(
        app.scalar("SELECT count(*) FROM citizens").await,
        0,
        "no account before the details are given"
    );

    let form = app.page(&client, COMPLETE).await;
    assert!(
        form.contains("Trần Thị Bình") && form.contains("001190012345"),
        "verified identity shown"
    );
    assert!(form.contains("17/05/1990"));
    assert!(
        !has_input(&form, "full_name") && !has_input(&form, "id_number"),
        "verified fields are read-only"
    );
    assert!(!has_input(&form, "email"), "the provider gave the e-mail");
    assert!(
        has_input(&form, "phone"),
        "the provider did not give a phone number"
    );

    let csrf = csrf_in(&form);
    let empty = app
        .post_form(&client, COMPLETE, &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let errors = alert(&empty.text().await.expect("body"));
    assert!(errors.contains("Vui lòng sửa các lỗi sau"), "{errors}");
    let page = app.page(&client, COMPLETE).await;
    assert!(
        page.contains("Trần Thị Bình"),
        "the identity cookie survives a refused submit"
    );
    assert_eq!(app.scalar("SELECT count(*) FROM citizens").await, 0);

    let done = submit_details(&app, &client).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&done), "/tai-khoan");
    let profile = app.get(&client, "/tai-khoan").await;
    assert_eq!(profile.status(), StatusCode::OK, "signed in");
    let profile = profile.text().await.expect("body");
    assert!(profile.contains("Trần Thị Bình") && profile.contains("binh@example.vn"));
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM citizens WHERE oidc_subject = 'vneid-0001' AND id_number = '001190012345'
               AND password_hash = '' AND phone = '0912345678' AND date_of_birth = '1990-05-17'"
        )
        .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'citizen.register' AND detail = 'external identity'")
            .await,
        1
    );
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM audit_log WHERE action = 'citizen.login' AND detail = 'oidc'"
        )
        .await,
        1
    );
}

/// Submits the completion form of a flow whose callback already happened.
async fn submit_details(app: &TestApp, client: &reqwest::Client) -> reqwest::Response {
    let csrf = app.csrf(client, COMPLETE).await;
    let answers = [
        ("csrf", csrf.as_str()),
        ("phone", "0912 345 678"),
        ("province", "01"),
        ("commune", "00070"),
        ("address_detail", "Số 5 ngõ 12"),
    ];
    app.post_form(client, COMPLETE, &answers).await
}

#[tokio::test]
async fn a_returning_subject_signs_in_directly() {
    let (app, _provider) = with_provider(binh()).await;
    let first = complete_first_sign_in(&app, &app.client()).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);

    let client = app.client();
    let callback = through_provider(&app, &client, "/tai-khoan").await;
    assert_eq!(moves_on_to(&callback), "/tai-khoan");
    let set_cookie: Vec<_> = callback
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(
        set_cookie
            .iter()
            .any(|c| c.starts_with("__Host-motcua_citizen=") && c.contains("SameSite=Strict"))
    );
    assert!(
        callback
            .text()
            .await
            .expect("body")
            .contains("href=\"/tai-khoan\"")
    );
    let profile = app.get(&client, "/tai-khoan").await;
    assert_eq!(profile.status(), StatusCode::OK);
    assert!(
        profile
            .text()
            .await
            .expect("body")
            .contains("Trần Thị Bình")
    );
    assert_eq!(app.scalar("SELECT count(*) FROM citizens").await, 1);
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM audit_log WHERE action = 'citizen.login' AND detail = 'oidc'"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn an_existing_account_with_the_same_citizen_id_number_is_linked_rather_than_duplicated() {
    let (app, _provider) = with_provider(binh()).await;
    let ctx = Context::console(time::OffsetDateTime::now_utc());
    let input = ProfileInput {
        full_name: "Trần Thị Bình".into(),
        id_number: "001190012345".into(),
        date_of_birth: "1990-05-17".into(),
        phone: "0987654321".into(),
        email: "binh.cu@example.vn".into(),
        province: "01".into(),
        commune: "00070".into(),
        address_detail: String::new(),
    };
    citizens::register(
        &app.db,
        &app.config.security,
        &ctx,
        &input,
        PASSWORD,
        PASSWORD,
    )
    .await
    .expect("register");

    let client = app.client();
    let callback = through_provider(&app, &client, "/tai-khoan").await;
    assert_eq!(moves_on_to(&callback), "/tai-khoan");
    let profile = app.page(&client, "/tai-khoan").await;
    assert!(
        profile.contains("binh.cu@example.vn"),
        "the existing account, with its own details"
    );
    assert_eq!(app.scalar("SELECT count(*) FROM citizens").await, 1);
    assert_eq!(
        app.scalar("SELECT count(*) FROM citizens WHERE oidc_subject = 'vneid-0001' AND password_hash <> ''").await,
        1,
        "linked, and the password still works"
    );
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM audit_log WHERE action = 'citizen.oidc_link' AND outcome = 'ok'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_tampered_state_is_refused_and_nothing_is_created() {
    let (app, provider) = with_provider(binh()).await;
    let client = app.client();
    let authorize = to_provider(&app, &client, "/tai-khoan").await;
    let callback = back_from_provider(&client, &authorize).await;
    let (base, query) = callback.split_once('?').expect("query");
    let mut params: Vec<(String, String)> = serde_urlencoded::from_str(query).expect("params");
    for (k, v) in &mut params {
        if k == "state" {
            v.push('x');
        }
    }
    let tampered = format!(
        "{base}?{}",
        serde_urlencoded::to_string(&params).expect("query")
    );
    let response = client.get(tampered).send().await.expect("callback");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = response.text().await.expect("body");
    assert!(alert(&html).contains("không khớp"), "{}", alert(&html));
    assert!(
        html.contains("action=\"/dang-nhap\""),
        "shown on the sign-in page"
    );
    assert_eq!(provider.token_requests(), 0, "the code was never exchanged");

    let replay = client.get(&callback).send().await.expect("callback");
    assert_eq!(
        replay.status(),
        StatusCode::BAD_REQUEST,
        "the flow was spent by the refused callback"
    );
    assert!(alert(&replay.text().await.expect("body")).contains("hết hạn"));
    assert_eq!(app.scalar("SELECT count(*) FROM citizens").await, 0);
    assert_eq!(app.scalar("SELECT count(*) FROM citizen_sessions").await, 0);
}

#[tokio::test]
async fn an_id_token_signed_by_another_key_is_refused() {
    let (app, provider) = with_provider(binh()).await;
    provider.sign_with_rogue_key();
    let client = app.client();
    let response = through_provider(&app, &client, "/tai-khoan").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get_all("set-cookie").iter().all(|c| {
        !c.to_str()
            .unwrap_or_default()
            .starts_with("__Host-motcua_citizen=")
    }));
    assert!(alert(&response.text().await.expect("body")).contains("Không xác minh được"));
    assert_eq!(provider.token_requests(), 1);
    assert_eq!(app.scalar("SELECT count(*) FROM citizens").await, 0);
    assert_eq!(app.scalar("SELECT count(*) FROM citizen_sessions").await, 0);
    assert_eq!(
        app.get(&client, COMPLETE).await.status(),
        StatusCode::BAD_REQUEST,
        "no identity to complete"
    );
}

#[tokio::test]
async fn a_citizen_who_cancels_at_the_provider_is_told_so_on_the_sign_in_page() {
    let (app, provider) = with_provider(binh()).await;
    provider.deny();
    let client = app.client();
    let response = through_provider(&app, &client, "/tai-khoan").await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.expect("body");
    assert!(alert(&html).contains("đã bị hủy"), "{}", alert(&html));
    assert_eq!(provider.token_requests(), 0);
}

#[tokio::test]
async fn a_provider_without_a_citizen_id_number_cannot_create_an_account() {
    let user = User {
        sub: "vneid-0002".into(),
        id_number: None,
        ..binh()
    };
    let (app, _provider) = with_provider(user).await;
    let response = through_provider(&app, &app.client(), "/tai-khoan").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(alert(&response.text().await.expect("body")).contains("không cung cấp số định danh"));
    assert_eq!(app.scalar("SELECT count(*) FROM citizens").await, 0);
}

#[tokio::test]
async fn an_unreachable_provider_gives_a_clear_message_not_a_server_error() {
    let closed = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        format!("http://{}", listener.local_addr().expect("address"))
    };
    let app = TestApp::spawn_with(config_for(&closed)).await;
    let client = app.client();
    let response = app.get(&client, "/dang-nhap/oidc?next=/tai-khoan").await;
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    let html = response.text().await.expect("body");
    assert!(
        alert(&html).contains("Chưa kết nối được"),
        "{}",
        alert(&html)
    );
    assert!(html.contains("action=\"/dang-nhap\""));
}

#[tokio::test]
async fn the_sign_in_routes_say_so_when_no_provider_is_configured() {
    let app = TestApp::spawn().await;
    let response = app.get(&app.client(), "/dang-nhap/oidc").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(alert(&response.text().await.expect("body")).contains("chưa bật"));
}
