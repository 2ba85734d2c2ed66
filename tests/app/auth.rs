//! Staff sign-in: credentials, lockout, sessions, idle timeout, CSRF and the API's bearer tokens.

use crate::helpers::{PASSWORD, TestApp, csrf_in, location};
use reqwest::StatusCode;

/// Five wrong passwords for `canbo`, each refused as a wrong password.
async fn fail_five_times(app: &TestApp, client: &reqwest::Client) {
    for _ in 0..5 {
        let response = app.sign_in(client, "canbo", "sai mật khẩu rồi").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn signing_in_sets_a_host_prefixed_secure_cookie_and_opens_the_desk() {
    let app = TestApp::spawn().await;
    app.add_staff("canbo", "officer", false).await;
    let client = app.client();
    let response = app.sign_in(&client, "canbo", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/staff");
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("__Host-motcua_session="))
        .expect("session cookie")
        .to_owned();
    for attribute in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(
            cookie.contains(attribute),
            "{attribute} missing from {cookie}"
        );
    }
    assert!(!cookie.contains("Domain"), "a __Host- cookie has no Domain");
    let desk = app.get(&client, "/staff").await;
    assert_eq!(desk.status(), StatusCode::OK);
    assert!(desk.text().await.expect("body").contains("Nguyễn Văn Thử"));
}

#[tokio::test]
async fn unknown_user_and_wrong_password_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.add_staff("canbo", "officer", false).await;
    let (a, b) = (app.client(), app.client());
    let wrong = app.sign_in(&a, "canbo", "Không phải mật khẩu").await;
    let unknown = app.sign_in(&b, "khongco", "Không phải mật khẩu").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status(), wrong.status());
    let cookies = |r: &reqwest::Response| r.headers().get_all("set-cookie").iter().count();
    assert_eq!(cookies(&wrong), cookies(&unknown));
    let strip = |html: String| {
        html.replace(&csrf_in(&html), "")
            .replace("khongco", "canbo")
    };
    assert_eq!(
        strip(wrong.text().await.expect("body")),
        strip(unknown.text().await.expect("body"))
    );
}

#[tokio::test]
async fn five_failures_lock_the_account_even_against_the_right_password_until_an_admin_unlocks_it()
{
    let app = TestApp::spawn().await;
    app.add_staff("canbo", "officer", false).await;
    let client = app.client();
    fail_five_times(&app, &client).await;
    let locked = app.sign_in(&client, "canbo", PASSWORD).await;
    assert_eq!(locked.status(), StatusCode::FORBIDDEN);
    assert!(locked.text().await.expect("body").contains("đang bị khóa"));
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'account.lockout'")
            .await,
        1
    );
    let ctx = motcua::services::Context::console(time::OffsetDateTime::now_utc());
    motcua::services::accounts::unlock(&app.db, &ctx, "canbo")
        .await
        .expect("unlock");
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'account.unlock'")
            .await,
        1
    );
    assert_eq!(
        app.sign_in(&client, "canbo", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_failure_lock_runs_out_after_the_configured_time() {
    let app = TestApp::spawn().await;
    app.add_staff("canbo", "officer", false).await;
    let client = app.client();
    fail_five_times(&app, &client).await;
    assert_eq!(
        app.sign_in(&client, "canbo", PASSWORD).await.status(),
        StatusCode::FORBIDDEN
    );
    app.sql("UPDATE staff SET locked_until = '2000-01-01T00:00:00.000Z' WHERE username = 'canbo'")
        .await;
    assert_eq!(
        app.sign_in(&client, "canbo", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_staff_session_idle_for_more_than_fifteen_minutes_ends() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("canbo", "officer").await;
    app.sql(
        "UPDATE sessions SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-14 minutes')",
    )
    .await;
    assert_eq!(
        app.get(&client, "/staff").await.status(),
        StatusCode::OK,
        "14 minutes idle is allowed"
    );
    app.sql(
        "UPDATE sessions SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-16 minutes')",
    )
    .await;
    let response = app.get(&client, "/staff").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/staff/login?expired=1"));
    assert_eq!(
        app.scalar("SELECT count(*) FROM sessions").await,
        0,
        "the session is deleted server-side"
    );
}

#[tokio::test]
async fn an_admin_session_idle_for_more_than_five_minutes_ends() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("quantri", "admin").await;
    app.sql(
        "UPDATE sessions SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-6 minutes')",
    )
    .await;
    let response = app.get(&client, "/admin/users").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).contains("expired=1"));
}

#[tokio::test]
async fn signing_out_invalidates_the_cookie_on_the_server() {
    let app = TestApp::spawn().await;
    app.add_staff("canbo", "officer", false).await;
    let client = app.client();
    let signed_in = app.sign_in(&client, "canbo", PASSWORD).await;
    let cookie = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("__Host-motcua_session="))
        .expect("cookie");
    let token = cookie.split(';').next().expect("pair").to_owned();
    let csrf = app.csrf(&client, "/staff").await;
    let out = app
        .post_form(&client, "/staff/logout", &[("csrf", &csrf)])
        .await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let replay = app
        .client()
        .get(app.at("/staff"))
        .header("cookie", token)
        .send()
        .await
        .expect("replay");
    assert_eq!(
        replay.status(),
        StatusCode::SEE_OTHER,
        "the old cookie no longer opens the desk"
    );
}

#[tokio::test]
async fn a_form_without_a_valid_csrf_token_or_from_another_origin_is_refused() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("quantri", "admin").await;
    let fields = [
        ("username", "moi.canbo"),
        ("full_name", "Người Mới"),
        ("role", "officer"),
        ("unit", "H40.12.1"),
        ("password", PASSWORD),
    ];
    let missing = app.post_form(&client, "/admin/users", &fields).await;
    assert_eq!(missing.status(), StatusCode::FORBIDDEN);
    let mut forged = fields.to_vec();
    forged.push(("csrf", "bm90LWEtcmVhbC10b2tlbg"));
    assert_eq!(
        app.post_form(&client, "/admin/users", &forged)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let csrf = app.csrf(&client, "/admin/users").await;
    let mut valid = fields.to_vec();
    valid.push(("csrf", &csrf));
    let foreign = client
        .post(app.at("/admin/users"))
        .header("origin", "https://evil.example")
        .form(&valid)
        .send()
        .await
        .expect("post");
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.scalar("SELECT count(*) FROM staff WHERE username = 'moi.canbo'")
            .await,
        0,
        "nothing was created"
    );
    let ok = app.post_form(&client, "/admin/users", &valid).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM staff WHERE username = 'moi.canbo' AND must_change_password = 1"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn an_account_created_by_an_admin_must_change_its_password_before_anything_else() {
    let app = TestApp::spawn().await;
    app.add_staff("moi", "officer", true).await;
    let client = app.client();
    app.sign_in(&client, "moi", PASSWORD).await;
    let desk = app.get(&client, "/staff").await;
    assert_eq!(location(&desk), "/staff/password");
    let csrf = app.csrf(&client, "/staff/password").await;
    let new = "Một mật khẩu mới khác 2027";
    let changed = app
        .post_form(
            &client,
            "/staff/password",
            &[
                ("csrf", csrf.as_str()),
                ("current_password", PASSWORD),
                ("new_password", new),
                ("confirm_password", new),
            ],
        )
        .await;
    assert_eq!(location(&changed), "/staff");
    assert_eq!(app.get(&client, "/staff").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn non_admins_get_forbidden_on_admin_pages() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("canbo", "officer").await;
    assert_eq!(
        app.get(&client, "/admin/users").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_api_signs_in_with_bearer_tokens_under_the_same_lockout() {
    let app = TestApp::spawn().await;
    app.add_staff("canbo", "officer", false).await;
    let client = app.client();
    let login = |password: &'static str| {
        client
            .post(app.at("/api/v1/auth/login"))
            .json(&serde_json::json!({"username": "canbo", "password": password}))
            .send()
    };
    let ok: serde_json::Value = login(PASSWORD)
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    assert_eq!(ok["user"]["roles"], serde_json::json!(["officer"]));
    let token = ok["token"].as_str().expect("token");
    let me: serde_json::Value = client
        .get(app.at("/api/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json");
    assert_eq!(me["user"]["username"], "canbo");
    let anonymous = app.get(&client, "/api/v1/me").await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        anonymous.headers()["content-type"],
        "application/problem+json"
    );
    for _ in 0..5 {
        let wrong = login("sai mật khẩu rồi").await.expect("login");
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    }
    let locked: serde_json::Value = login(PASSWORD)
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    assert_eq!(locked["code"], "auth.locked");
}

#[tokio::test]
async fn integration_tokens_authenticate_and_are_stored_only_as_hashes() {
    let app = TestApp::spawn().await;
    let ctx = motcua::services::Context::console(time::OffsetDateTime::now_utc());
    let token = motcua::services::tokens::create(&app.db, &ctx, "Bưu điện huyện", "intake")
        .await
        .expect("token");
    let me: serde_json::Value = app
        .client()
        .get(app.at("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json");
    assert_eq!(me["scope"], "intake");
    assert_eq!(
        app.scalar("SELECT count(*) FROM api_tokens WHERE token_hash LIKE 'mc_%'")
            .await,
        0
    );
}

#[tokio::test]
async fn an_admin_lock_ends_the_sessions_of_that_account_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("quantri", "admin").await;
    let officer = app.signed_in("canbo", "officer").await;
    assert_eq!(app.get(&officer, "/staff").await.status(), StatusCode::OK);
    let csrf = app.csrf(&admin, "/admin/users").await;
    let locked = app
        .post_form(&admin, "/admin/users/canbo/lock", &[("csrf", &csrf)])
        .await;
    assert_eq!(locked.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&officer, "/staff").await.status(),
        StatusCode::SEE_OTHER,
        "signed out"
    );
    assert_eq!(
        app.sign_in(&app.client(), "canbo", PASSWORD).await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn an_administrator_cannot_lock_their_own_account() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("quantri", "admin").await;
    let csrf = app.csrf(&admin, "/admin/users").await;
    let response = app
        .post_form(&admin, "/admin/users/quantri/lock", &[("csrf", &csrf)])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.scalar("SELECT count(*) FROM staff WHERE locked_at IS NOT NULL")
            .await,
        0
    );
}
