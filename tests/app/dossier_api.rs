//! Dossiers through the JSON API of api.md: counter receipt to returned result, the status string at each step,
//! forbidden and impossible actions changing nothing, queues, search and the public lookup.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp};

pub async fn token(app: &TestApp, username: &str) -> String {
    let response = app
        .client()
        .post(app.at("/api/v1/auth/login"))
        .json(&json!({"username": username, "password": PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(response.status(), StatusCode::OK, "login {username}");
    let body: Value = response.json().await.expect("json");
    body["token"].as_str().expect("token").to_owned()
}

pub async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let response = app
        .client()
        .post(app.at(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("post");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub async fn get(app: &TestApp, token: &str, path: &str) -> (StatusCode, Value) {
    let response = app
        .client()
        .get(app.at(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("get");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// An integration token with the `intake` scope (a portal relaying online submissions).
pub async fn intake_token(app: &TestApp, name: &str) -> String {
    motcua::services::tokens::create(
        &app.db,
        &motcua::services::Context::console(time::OffsetDateTime::now_utc()),
        name,
        "intake",
    )
    .await
    .expect("token")
}

pub fn counter_dossier(procedure: &str) -> Value {
    json!({
        "procedure": procedure,
        "channel": 1,
        "applicant": {"kind": "person", "name": "Nguyễn Văn An", "id_number": "027095001234",
                      "phone": "0912345678", "email": "an@example.vn", "address": "Thôn Đông, xã Phú Lâm"},
        "components": [1, 2, 3, 4],
        "then": {"action": "receive"}
    })
}

pub async fn act(app: &TestApp, token: &str, code: &str, body: Value) -> (StatusCode, Value) {
    post(
        app,
        token,
        &format!("/api/v1/dossiers/{code}/actions"),
        body,
    )
    .await
}

/// `POST /api/v1/dossiers/{code}/documents` with one file and the given multipart fields.
pub async fn upload(
    app: &TestApp,
    token: &str,
    code: &str,
    fields: &[(&str, &str)],
    file_name: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let mut form = reqwest::multipart::Form::new();
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    form = form.part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()),
    );
    let response = app
        .client()
        .post(app.at(&format!("/api/v1/dossiers/{code}/documents")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Digitises a dossier's result so it may be returned.
pub async fn digitise_result(app: &TestApp, token: &str, code: &str) {
    let (s, d) = upload(
        app,
        token,
        code,
        &[("kind", "result"), ("certified", "true")],
        "ket-qua.pdf",
        crate::portal_support::pdf("Ket qua giai quyet"),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
}

fn status_name(d: &Value) -> &str {
    d["status"]["name"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn a_counter_dossier_goes_from_receipt_to_returned_result_with_the_national_status_at_each_step()
 {
    let app = TestApp::spawn_demo().await;
    let officer = token(&app, "motcua.canbo1").await;
    let (status, d) = post(
        &app,
        &officer,
        "/api/v1/dossiers",
        counter_dossier("DEMO-HKD-01"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    let code = d["code"].as_str().expect("code issued").to_owned();
    assert!(code.starts_with("H40.12-"), "{code}");
    assert_eq!(code.len(), "H40.12-261129-0001".len());
    assert_eq!(status_name(&d), "Được tiếp nhận");
    assert_eq!(d["channel"], 1);
    assert!(d["due_at"].is_string() && d["received_at"].is_string());
    assert_eq!(d["register"]["number"], 1);

    let (s, d) = act(
        &app,
        &officer,
        &code,
        json!({"action": "transfer", "to_unit": "H40.12.4"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(status_name(&d), "Đang xử lý");
    assert_eq!(d["step"]["stage"], "at_unit");

    let head = token(&app, "kinhte.truong").await;
    let specialist_id = app
        .scalar("SELECT id FROM staff WHERE username = 'kinhte.chuyenvien'")
        .await;
    let (s, d) = act(
        &app,
        &head,
        &code,
        json!({"action": "assign", "to_user": specialist_id}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["step"]["assignee"], "Dương Văn Tế");

    let specialist = token(&app, "kinhte.chuyenvien").await;
    let (s, d) = act(&app, &specialist, &code, json!({"action": "approve"})).await;
    assert_eq!(
        (s, d["step"]["stage"].as_str()),
        (StatusCode::OK, Some("signing")),
        "{d}"
    );
    let (s, d) = act(&app, &head, &code, json!({"action": "approve"})).await;
    assert_eq!(
        (s, d["step"]["stage"].as_str()),
        (StatusCode::OK, Some("approved")),
        "{d}"
    );
    let (s, d) = act(&app, &specialist, &code, json!({"action": "complete"})).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(status_name(&d), "Đã xử lý xong");
    assert_eq!(d["outcome"], "early");

    // The result is digitised before it is handed over (Decree 107/2021).
    let (s, d) = act(&app, &officer, &code, json!({"action": "return_result"})).await;
    assert_eq!(
        (s, d["code"].as_str()),
        (StatusCode::CONFLICT, Some("dossier.result_not_digitised"))
    );
    digitise_result(&app, &officer, &code).await;

    // Returning before the due date needs the applicant to have been told first.
    let (s, d) = act(&app, &officer, &code, json!({"action": "return_result"})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(d["code"], "dossier.early_return_not_notified");
    let (s, _) = act(
        &app,
        &officer,
        &code,
        json!({"action": "notify_applicant", "method": "Gọi điện thoại"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, d) = act(&app, &officer, &code, json!({"action": "return_result"})).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(status_name(&d), "Đã trả kết quả");
    assert_eq!(d["code"], code, "the code never changes");
    let actions: Vec<&str> = d["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "submit",
            "receive",
            "transfer",
            "assign",
            "approve",
            "approve",
            "complete",
            "attach",
            "notify_applicant",
            "return_result"
        ]
    );
    assert!(d["allowed_actions"].as_array().expect("actions").is_empty());
}

#[tokio::test]
async fn a_forbidden_or_impossible_action_changes_nothing_and_says_why() {
    let app = TestApp::spawn_demo().await;
    let officer = token(&app, "motcua.canbo1").await;
    let (_, d) = post(
        &app,
        &officer,
        "/api/v1/dossiers",
        counter_dossier("DEMO-HKD-01"),
    )
    .await;
    let code = d["code"].as_str().expect("code").to_owned();
    let specialist = token(&app, "kinhte.chuyenvien").await;
    let leader = token(&app, "lanhdao").await;
    let before = app.scalar("SELECT count(*) FROM dossier_events").await;
    let audit_before = app.scalar("SELECT count(*) FROM audit_log").await;

    // A specialist may not transfer a dossier at the one-stop section.
    let (s, d) = act(
        &app,
        &specialist,
        &code,
        json!({"action": "transfer", "to_unit": "H40.12.4"}),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "a dossier outside the specialist's unit is not even visible: {d}"
    );
    let (s, d) = act(
        &app,
        &leader,
        &code,
        json!({"action": "transfer", "to_unit": "H40.12.4"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{d}");
    // Nothing in this stage allows approval.
    let (s, d) = act(&app, &officer, &code, json!({"action": "approve"})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(d["code"], "dossier.invalid_transition");
    // Refusal needs a reason; every missing field is named.
    let (s, d) = act(&app, &officer, &code, json!({"action": "stop"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(d["errors"]["reason"][0], "required");

    assert_eq!(
        app.scalar("SELECT count(*) FROM dossier_events").await,
        before
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log").await,
        audit_before
    );
    let (_, d) = get(&app, &officer, &format!("/api/v1/dossiers/{code}")).await;
    assert_eq!(status_name(&d), "Được tiếp nhận");
}

#[tokio::test]
async fn an_integration_submits_online_and_the_officer_receives_it_from_the_new_queue() {
    let app = TestApp::spawn_demo().await;
    let portal = intake_token(&app, "cong-dvc-tinh").await;
    let mut body = counter_dossier("DEMO-HKD-02");
    body["channel"] = json!(2);
    body["then"] = Value::Null;
    let (s, d) = post(&app, &portal, "/api/v1/dossiers", body).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!(status_name(&d), "Mới đăng ký");
    assert!(d["code"].is_null(), "no code before receipt");
    let id = d["id"].as_str().expect("id").to_owned();

    // Another integration may not act for this applicant.
    let other = intake_token(&app, "cong-khac").await;
    let (s, _) = act(&app, &other, &id, json!({"action": "withdraw"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let officer = token(&app, "motcua.canbo2").await;
    let (_, queue) = get(&app, &officer, "/api/v1/dossiers?status=1").await;
    assert!(
        queue["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|i| i["id"] == id.as_str())
    );
    let (s, d) = act(&app, &officer, &id, json!({"action": "receive"})).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(status_name(&d), "Được tiếp nhận");
    let code = d["code"].as_str().expect("code").to_owned();
    // The public tier shows the code and how far it has come, nothing about the applicant.
    let public = app
        .client()
        .get(app.at(&format!("/api/v1/lookup/{code}")))
        .send()
        .await
        .expect("lookup");
    assert_eq!(public.status(), StatusCode::OK);
    let text = public.text().await.expect("text");
    assert!(
        text.contains("Được tiếp nhận") && !text.contains("Nguyễn Văn An"),
        "{text}"
    );
    for unknown in ["H40.12-991231-9999", "not-a-code"] {
        let r = app
            .client()
            .get(app.at(&format!("/api/v1/lookup/{unknown}")))
            .send()
            .await
            .expect("lookup");
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn the_same_idempotency_key_creates_one_dossier_and_a_reused_key_with_another_body_is_refused()
 {
    let app = TestApp::spawn_demo().await;
    let officer = token(&app, "motcua.canbo1").await;
    let send = |body: Value| {
        app.client()
            .post(app.at("/api/v1/dossiers"))
            .bearer_auth(&officer)
            .header("Idempotency-Key", "quay-1-lan-1")
            .json(&body)
            .send()
    };
    let first: Value = send(counter_dossier("DEMO-HKD-01"))
        .await
        .expect("1")
        .json()
        .await
        .expect("json");
    let second: Value = send(counter_dossier("DEMO-HKD-01"))
        .await
        .expect("2")
        .json()
        .await
        .expect("json");
    assert_eq!(first["code"], second["code"]);
    assert_eq!(app.scalar("SELECT count(*) FROM dossiers").await, 1);
    let third = send(counter_dossier("DEMO-HKD-02")).await.expect("3");
    assert_eq!(third.status(), StatusCode::CONFLICT);
    let body: Value = third.json().await.expect("json");
    assert_eq!(body["code"], "idempotency.key_reused");
}

#[tokio::test]
async fn queues_page_by_cursor_and_search_finds_by_code_id_number_and_unaccented_name() {
    let app = TestApp::spawn_demo().await;
    let officer = token(&app, "motcua.canbo1").await;
    let mut codes = Vec::new();
    for _ in 0..5 {
        let (_, d) = post(
            &app,
            &officer,
            "/api/v1/dossiers",
            counter_dossier("DEMO-HKD-03"),
        )
        .await;
        codes.push(d["code"].as_str().expect("code").to_owned());
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/dossiers?status=2&limit=2".to_owned();
    loop {
        let (s, page) = get(&app, &officer, &path).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        for item in page["items"].as_array().expect("items") {
            seen.push(item["code"].as_str().expect("code").to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/dossiers?status=2&limit=2&cursor={}", urlencode(c)),
            None => break,
        }
    }
    seen.sort();
    assert_eq!(seen, codes, "every dossier once, in due order");
    for q in [
        codes[2].as_str(),
        "027095001234",
        "nguyen van",
        "Nguyễn Văn An",
    ] {
        // Search reads the index, which follows the database within moments.
        let started = std::time::Instant::now();
        let found = loop {
            let (_, found) = get(
                &app,
                &officer,
                &format!("/api/v1/dossiers?q={}", urlencode(q)),
            )
            .await;
            let hits = found["items"].as_array().map(Vec::len).unwrap_or(0);
            if hits >= 1 || started.elapsed() > std::time::Duration::from_secs(15) {
                break found;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        };
        assert!(
            found["items"].as_array().map(Vec::len).unwrap_or(0) >= 1,
            "{q}: {found}"
        );
    }
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)]).expect("encode")[2..].to_owned()
}

#[tokio::test]
async fn receiving_a_dossier_sends_the_applicant_an_email_through_the_smtp_server_at_once() {
    let sink = crate::smtp_sink::SmtpSink::start().await;
    let mut config = motcua::config::Config::for_tests();
    // A long poll: the mail must leave because the receipt woke the notifier, not because a poll came round.
    config.notify.poll_millis = 60_000;
    config.notify.smtp_host = Some("127.0.0.1".into());
    config.notify.smtp_port = sink.port;
    config.notify.smtp_security = "none".into();
    config.notify.from = "Bộ phận một cửa <motcua@tiendu.example.vn>".into();
    config.notify.public_url = Some("https://dichvucong.tiendu.example.vn".into());
    let app = TestApp::spawn_demo_with(config).await;
    let officer = token(&app, "motcua.canbo1").await;
    let (_, d) = post(
        &app,
        &officer,
        "/api/v1/dossiers",
        counter_dossier("DEMO-HKD-01"),
    )
    .await;
    let code = d["code"].as_str().expect("code").to_owned();
    let started = std::time::Instant::now();
    let mail = loop {
        if let Some(m) = sink
            .mails()
            .into_iter()
            .find(|m| m.to.iter().any(|t| t.contains("an@example.vn")))
        {
            break m;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "no mail reached the sink"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    let text = mail.text();
    assert!(text.contains(&code), "{text}");
    assert!(
        text.contains(&format!(
            "https://dichvucong.tiendu.example.vn/tra-cuu/{code}"
        )),
        "{text}"
    );
    let (_, d) = get(&app, &officer, &format!("/api/v1/dossiers/{code}")).await;
    assert_eq!(d["status"]["name"], "Được tiếp nhận");
}

#[tokio::test]
async fn the_public_lookup_page_shows_the_status_of_a_code_and_nothing_for_a_wrong_one() {
    let app = TestApp::spawn_demo().await;
    let officer = token(&app, "motcua.canbo1").await;
    let (_, d) = post(
        &app,
        &officer,
        "/api/v1/dossiers",
        counter_dossier("DEMO-HKD-01"),
    )
    .await;
    let code = d["code"].as_str().expect("code").to_owned();
    let client = app.client();
    let response = app
        .get(&client, &format!("/tra-cuu?code={}", code.to_lowercase()))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let html = app.page(&client, &format!("/tra-cuu/{code}")).await;
    assert!(html.contains("Được tiếp nhận") && html.contains(&code));
    assert!(
        !html.contains("Nguyễn Văn An") && !html.contains("027095001234"),
        "nothing about the applicant"
    );
    let unknown = app.get(&client, "/tra-cuu/H40.12-991231-9999").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let unknown_text = unknown.text().await.expect("text");
    let malformed = app.get(&client, "/tra-cuu/khong-phai-ma").await;
    assert_eq!(malformed.status(), StatusCode::NOT_FOUND);
    let message = "Không tìm thấy hồ sơ có mã này.";
    assert!(
        unknown_text.contains(message) && malformed.text().await.expect("text").contains(message)
    );
}
