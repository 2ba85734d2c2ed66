//! Citizen accounts on the portal: registration, sign-in with its lockout, the separation of citizen and staff
//! sessions, password reset by e-mail through a real SMTP server, and the idle timeout.

#![allow(clippy::expect_used)]

use std::time::Duration;

use motcua::web::ui::messages::field_message;
use reqwest::StatusCode;

use crate::helpers::{PASSWORD, TestApp, csrf_in, location};
use crate::portal_support::{
    HUNG, MAI, citizen_client, exec, query, sign_in_citizen, spawn_portal, spawn_portal_with, texts,
};
use crate::smtp_sink::{Mail, SmtpSink};

const NEW_ID: &str = "001190012345";
const RESET_SUBJECT: &str = "Đặt lại mật khẩu tài khoản dịch vụ công";

/// Posts the registration form with `fields` (plus its CSRF token) from a fresh browser.
async fn register(
    app: &TestApp,
    client: &reqwest::Client,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let csrf = app.csrf(client, "/dang-ky").await;
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    app.post_form(client, "/dang-ky", &form).await
}

fn valid_registration(id_number: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("full_name", "Lê Thị Hoa"),
        ("id_number", id_number),
        ("date_of_birth", "1990-05-17"),
        ("phone", "0912 345 678"),
        ("email", "Hoa.Le@Example.vn"),
        ("province", "24"),
        ("commune", "09319"),
        ("address_detail", "Số 5 ngõ 12"),
        ("password", PASSWORD),
        ("password_again", PASSWORD),
    ]
}

async fn citizens(app: &TestApp) -> i64 {
    app.scalar("SELECT count(*) FROM citizens").await
}

fn cookie_names(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|c| c.split('=').next().map(str::to_owned))
        .collect()
}

/// The value a `Set-Cookie` header gives `name`.
fn cookie_value(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix(&format!("{name}=")))
        .and_then(|rest| rest.split(';').next())
        .unwrap_or_else(|| panic!("a {name} cookie"))
        .to_owned()
}

#[tokio::test]
async fn a_registration_with_every_field_wrong_shows_every_error_at_once_and_stores_nothing() {
    let app = spawn_portal().await;
    let before = citizens(&app).await;
    // Places left empty, then a commune outside the chosen province (a province changed without reloading its
    // communes): either way the place is reported together with everything else.
    let places: [(&str, &str, &[&str]); 2] = [
        ("", "", &["required", "required"]),
        ("01", "09319", &["place.unknown"]),
    ];
    for (province, commune, place_errors) in places {
        let response = register(
            &app,
            &app.client(),
            &[
                ("full_name", "   "),
                ("id_number", "12345"),
                ("date_of_birth", "31/02/1990"),
                ("phone", "12"),
                ("email", "khong-phai-thu"),
                ("province", province),
                ("commune", commune),
                ("password", "ngắn"),
                ("password_again", "khác hẳn"),
            ],
        )
        .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.expect("body");
        for (field, code) in [
            ("full_name", "required"),
            ("id_number", "citizen_id.format"),
            ("date_of_birth", "date.invalid"),
            ("phone", "phone.invalid"),
            ("email", "email.invalid"),
            ("password", "password.too_short"),
        ] {
            assert_eq!(
                texts(&html, &format!("#f-{field}-error")),
                [field_message(code)],
                "{field} has its own message in {html}"
            );
        }
        let expected: Vec<&str> = place_errors.iter().map(|c| field_message(c)).collect();
        assert_eq!(
            texts(&html, ".places .field.has-error p.error"),
            expected,
            "the place ({province}, {commune}) is flagged with the rest"
        );
        assert_eq!(
            texts(&html, ".alert.error li").len(),
            6 + expected.len(),
            "the summary lists them all"
        );
        assert!(html.contains(r#"value="12345""#), "what was typed is kept");
    }
    assert_eq!(citizens(&app).await, before);
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'citizen.register' AND detail = 'self-registration'")
            .await,
        2,
        "only the demo's two"
    );
}

#[tokio::test]
async fn a_valid_registration_signs_the_citizen_in_and_lands_on_my_dossiers() {
    let app = spawn_portal().await;
    let client = app.client();
    let response = register(&app, &client, &valid_registration(NEW_ID)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/ho-so-cua-toi?registered=1");
    assert!(cookie_names(&response).contains(&"__Host-motcua_citizen".to_owned()));

    let page = app.get(&client, "/ho-so-cua-toi?registered=1").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("body");
    assert!(html.contains("Đăng ký tài khoản thành công"), "{html}");
    assert!(
        html.contains("Đăng xuất (Lê Thị Hoa)"),
        "signed in as the new citizen"
    );

    let (name, phone, email, province, commune): (String, String, String, String, String) = app
        .db
        .read(|c| {
            c.query_row(
                "SELECT full_name, phone, email, province_code, commune_code FROM citizens WHERE id_number = ?1",
                [NEW_ID],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .map_err(motcua::store::StoreError::from)
        })
        .await
        .expect("the new account");
    assert_eq!(
        (
            name.as_str(),
            phone.as_str(),
            email.as_str(),
            province.as_str(),
            commune.as_str()
        ),
        (
            "Lê Thị Hoa",
            "0912345678",
            "hoa.le@example.vn",
            "24",
            "09319"
        )
    );
    let sessions: i64 = query(
        &app,
        "SELECT count(*) FROM citizen_sessions s JOIN citizens c ON c.id = s.citizen_id WHERE c.id_number = ?1",
        &[NEW_ID],
    )
    .await;
    assert_eq!(sessions, 1);
}

#[tokio::test]
async fn a_second_registration_with_the_same_id_number_is_refused_as_already_having_an_account() {
    let app = spawn_portal().await;
    let before = citizens(&app).await;
    let mut fields = valid_registration(MAI);
    fields[2] = ("date_of_birth", "");
    let response = register(&app, &app.client(), &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        cookie_names(&response)
            .iter()
            .all(|n| n != "__Host-motcua_citizen")
    );
    let html = response.text().await.expect("body");
    assert!(field_message("citizen.exists").contains("đã có tài khoản"));
    assert!(html.contains(field_message("citizen.exists")), "{html}");
    assert_eq!(citizens(&app).await, before);
    let name: String = query(
        &app,
        "SELECT full_name FROM citizens WHERE id_number = ?1",
        &[MAI],
    )
    .await;
    assert_eq!(name, "Nguyễn Thị Mai", "the existing account is untouched");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_id_number_get_the_same_answer() {
    let app = spawn_portal().await;
    let (a, b) = (app.client(), app.client());
    let unknown = "001190099999";
    let wrong = sign_in_citizen(&app, &a, HUNG, "Không phải mật khẩu").await;
    let nobody = sign_in_citizen(&app, &b, unknown, "Không phải mật khẩu").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(nobody.status(), wrong.status());
    assert_eq!(cookie_names(&wrong), cookie_names(&nobody));
    let strip = |html: String, id: &str| html.replace(&csrf_in(&html), "").replace(id, "ID");
    let wrong = strip(wrong.text().await.expect("body"), HUNG);
    assert!(wrong.contains("Số định danh cá nhân hoặc mật khẩu không đúng."));
    assert_eq!(wrong, strip(nobody.text().await.expect("body"), unknown));
    assert_eq!(app.scalar("SELECT count(*) FROM citizen_sessions").await, 0);
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_even_against_the_right_one_until_the_lock_runs_out()
{
    let app = spawn_portal().await;
    let client = app.client();
    for attempt in 1..=5 {
        let response = sign_in_citizen(&app, &client, HUNG, "Sai mật khẩu rồi nhé").await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
    }
    let locked: Option<String> = query(
        &app,
        "SELECT locked_until FROM citizens WHERE id_number = ?1",
        &[HUNG],
    )
    .await;
    assert!(locked.is_some(), "the fifth failure sets a lock");

    let response = sign_in_citizen(&app, &client, HUNG, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(
        cookie_names(&response)
            .iter()
            .all(|n| n != "__Host-motcua_citizen")
    );
    let html = response.text().await.expect("body");
    assert!(html.contains("Tài khoản đang bị khóa tạm thời"), "{html}");
    assert_eq!(app.scalar("SELECT count(*) FROM citizen_sessions").await, 0);
    assert_eq!(
        app.get(&client, "/ho-so-cua-toi").await.status(),
        StatusCode::SEE_OTHER,
        "no session was opened"
    );

    exec(
        &app,
        "UPDATE citizens SET locked_until = '2000-01-01T00:00:00.000Z' WHERE id_number = ?1",
        &[HUNG],
    )
    .await;
    let response = sign_in_citizen(&app, &client, HUNG, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "the lock ran out");
}

#[tokio::test]
async fn a_staff_session_does_not_open_citizen_pages_and_a_citizen_session_does_not_open_staff_pages()
 {
    let app = spawn_portal().await;
    let staff = app.client();
    let signed = app.sign_in(&staff, "motcua.canbo1", PASSWORD).await;
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    let staff_token = cookie_value(&signed, "__Host-motcua_session");
    for path in ["/ho-so-cua-toi", "/tai-khoan", "/thong-bao", "/kho-du-lieu"] {
        let response = app.get(&staff, path).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert!(
            location(&response).starts_with("/dang-nhap?next="),
            "{path}"
        );
    }

    let citizen = app.client();
    let signed = sign_in_citizen(&app, &citizen, MAI, PASSWORD).await;
    let citizen_token = cookie_value(&signed, "__Host-motcua_citizen");
    for path in ["/staff", "/staff/dossiers", "/staff/dossiers?queue=new"] {
        let response = app.get(&citizen, path).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert!(location(&response).starts_with("/staff/login"), "{path}");
    }

    // Nor does a token moved into the other kind's cookie.
    let bare = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&app.cert_pem).expect("pem"))
        .tls_built_in_root_certs(false)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let with_cookie =
        |path: &str, cookie: String| bare.get(app.at(path)).header("cookie", cookie).send();
    let response = with_cookie(
        "/ho-so-cua-toi",
        format!("__Host-motcua_citizen={staff_token}"),
    )
    .await
    .expect("get");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/dang-nhap"));
    let response = with_cookie("/staff", format!("__Host-motcua_session={citizen_token}"))
        .await
        .expect("get");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/staff/login"));
}

/// The test configuration with the notifier sending through `sink` and polling often.
fn mail_config(sink: &SmtpSink) -> motcua::config::Config {
    let mut config = motcua::config::Config::for_tests();
    config.notify.poll_millis = 50;
    config.notify.smtp_host = Some("127.0.0.1".into());
    config.notify.smtp_port = sink.port;
    config.notify.smtp_security = "none".into();
    config.notify.from = "Cổng dịch vụ công <motcua@thu.example.vn>".into();
    config
}

fn reset_mails(sink: &SmtpSink) -> Vec<Mail> {
    sink.mails()
        .into_iter()
        .filter(|m| m.header("Subject").as_deref() == Some(RESET_SUBJECT))
        .collect()
}

/// Waits (at most 10 s) for the sink to have received `n` reset mails.
async fn reset_mails_when(sink: &SmtpSink, n: usize) -> Vec<Mail> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let mails = reset_mails(sink);
        if mails.len() >= n {
            return mails;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no reset mail arrived"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn ask_for_reset(app: &TestApp, id_number: &str, email: &str) -> (StatusCode, String) {
    let client = app.client();
    let csrf = app.csrf(&client, "/quen-mat-khau").await;
    let response = app
        .post_form(
            &client,
            "/quen-mat-khau",
            &[
                ("csrf", csrf.as_str()),
                ("id_number", id_number),
                ("email", email),
            ],
        )
        .await;
    let status = response.status();
    let html = response.text().await.expect("body");
    (status, html.replace(&csrf_in(&html), ""))
}

async fn password_hash(app: &TestApp, id_number: &str) -> String {
    query(
        app,
        "SELECT password_hash FROM citizens WHERE id_number = ?1",
        &[id_number],
    )
    .await
}

#[tokio::test]
async fn a_password_reset_link_from_the_mail_sets_a_new_password_once_and_the_old_one_stops_working()
 {
    let sink = SmtpSink::start().await;
    let app = spawn_portal_with(mail_config(&sink)).await;
    let earlier = citizen_client(&app, MAI).await;

    let (status, html) = ask_for_reset(&app, MAI, "Mai.Nguyen@example.vn").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("một thư có liên kết đặt lại mật khẩu đã được gửi"),
        "{html}"
    );
    let mail = reset_mails_when(&sink, 1).await.remove(0);
    assert_eq!(mail.to, ["mai.nguyen@example.vn"]);
    let text = mail.text();
    assert!(text.contains("Nguyễn Thị Mai"), "{text}");
    let token: String = text
        .split("/dat-lai-mat-khau/")
        .nth(1)
        .expect("a reset link in the mail")
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    assert!(token.len() >= 32, "{text}");
    let link = format!("/dat-lai-mat-khau/{token}");

    let browser = app.client();
    let form = app.page(&browser, &link).await;
    assert!(form.contains("Đặt mật khẩu mới"), "{form}");
    let csrf = csrf_in(&form);

    // The same rules as registration: the ID number itself is refused, and the link stays usable.
    let hash = password_hash(&app, MAI).await;
    let fields = [
        ("csrf", csrf.as_str()),
        ("password", MAI),
        ("password_again", MAI),
    ];
    let response = app.post_form(&browser, &link, &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("body");
    assert!(
        html.contains(field_message("password.too_common")),
        "{html}"
    );
    assert_eq!(password_hash(&app, MAI).await, hash);

    let new_password = "Mật khẩu mới hoàn toàn 2027";
    let fields = [
        ("csrf", csrf.as_str()),
        ("password", new_password),
        ("password_again", new_password),
    ];
    let response = app.post_form(&browser, &link, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/dang-nhap?reset=1");
    assert_eq!(
        app.get(&earlier, "/ho-so-cua-toi").await.status(),
        StatusCode::SEE_OTHER,
        "the sessions open before the reset ended"
    );

    let old = sign_in_citizen(&app, &app.client(), MAI, PASSWORD).await;
    assert_eq!(
        old.status(),
        StatusCode::UNAUTHORIZED,
        "the old password stopped working"
    );
    let new = sign_in_citizen(&app, &app.client(), MAI, new_password).await;
    assert_eq!(new.status(), StatusCode::SEE_OTHER, "the new one works");

    // The link is used up.
    let hash = password_hash(&app, MAI).await;
    let again = app.page(&browser, &link).await;
    assert!(again.contains("đã được dùng hoặc đã hết hạn"), "{again}");
    assert!(
        !again.contains(r#"name="password""#),
        "no form for a used link"
    );
    let csrf = app.csrf(&browser, "/quen-mat-khau").await;
    let other = "Lại một mật khẩu khác 2028";
    let fields = [
        ("csrf", csrf.as_str()),
        ("password", other),
        ("password_again", other),
    ];
    let response = app.post_form(&browser, &link, &fields).await;
    assert_eq!(response.status(), StatusCode::GONE);
    assert_eq!(
        password_hash(&app, MAI).await,
        hash,
        "the second use changed nothing"
    );
    assert_eq!(reset_mails(&sink).len(), 1);
}

#[tokio::test]
async fn an_unknown_id_or_an_e_mail_of_another_account_answers_like_a_match_and_sends_nothing() {
    let sink = SmtpSink::start().await;
    let app = spawn_portal_with(mail_config(&sink)).await;
    let (status, wrong_email) = ask_for_reset(&app, MAI, "hung.tran@example.vn").await;
    assert_eq!(status, StatusCode::OK);
    let (status, unknown_id) = ask_for_reset(&app, "001190099999", "mai.nguyen@example.vn").await;
    assert_eq!(status, StatusCode::OK);
    let (status, malformed) = ask_for_reset(&app, "12345", "mai.nguyen@example.vn").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.scalar("SELECT count(*) FROM password_resets").await, 0);
    assert_eq!(
        query::<i64>(
            &app,
            "SELECT count(*) FROM notifications WHERE subject = ?1",
            &[RESET_SUBJECT]
        )
        .await,
        0,
        "nothing queued"
    );

    // A real match answers with the same page, and its mail is the only one that goes out.
    let (status, matched) = ask_for_reset(&app, MAI, "mai.nguyen@example.vn").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(wrong_email, matched);
    assert_eq!(unknown_id, matched);
    assert_eq!(malformed, matched);
    reset_mails_when(&sink, 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mails = reset_mails(&sink);
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, ["mai.nguyen@example.vn"]);
}

#[tokio::test]
async fn a_citizen_session_idle_for_more_than_thirty_minutes_ends() {
    let app = spawn_portal().await;
    let client = citizen_client(&app, MAI).await;
    let set_idle = |minutes: i64| {
        let at = motcua::store::format_time(
            time::OffsetDateTime::now_utc() - time::Duration::minutes(minutes),
        );
        let app = &app;
        async move { exec(app, "UPDATE citizen_sessions SET last_seen_at = ?1", &[&at]).await }
    };
    assert_eq!(set_idle(29).await, 1);
    assert_eq!(
        app.get(&client, "/ho-so-cua-toi").await.status(),
        StatusCode::OK
    );

    set_idle(31).await;
    let response = app.get(&client, "/ho-so-cua-toi").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let to = location(&response);
    assert_eq!(to, "/dang-nhap?next=%2Fho-so-cua-toi&expired=1");
    assert_eq!(app.scalar("SELECT count(*) FROM citizen_sessions").await, 0);
    assert!(
        app.page(&client, &to)
            .await
            .contains("Phiên làm việc đã kết thúc do không hoạt động")
    );
    assert_eq!(
        app.get(&client, "/ho-so-cua-toi").await.status(),
        StatusCode::SEE_OTHER,
        "the old cookie stays dead"
    );
}

/// Without `notify.public_url` the link's address came from the request's `Host` header, which the person asking
/// for the reset controls: a link to their own site, mailed to the victim, hands them the token.
#[tokio::test]
async fn a_forged_host_header_never_becomes_the_address_of_a_mailed_reset_link() {
    let app = spawn_portal().await;
    let client = app.client();
    let csrf = app.csrf(&client, "/quen-mat-khau").await;
    let response = client
        .post(app.at("/quen-mat-khau"))
        .header("host", "ke-gian.example")
        .form(&[
            ("csrf", csrf.as_str()),
            ("id_number", MAI),
            ("email", "mai.nguyen@example.vn"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), StatusCode::OK);
    let queued: String = query(
        &app,
        "SELECT coalesce(group_concat(body, '\n---\n'), '') FROM notifications WHERE subject = ?1",
        &[RESET_SUBJECT],
    )
    .await;
    assert!(
        !queued.contains("ke-gian.example"),
        "the link points where the requester chose: {queued}"
    );
}
