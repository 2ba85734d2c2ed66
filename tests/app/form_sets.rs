//! Form sets and the register: the yearly register numbered continuously with its CSV, switching to the 2025
//! form set without a code change, who may print, and templates edited as data.

use reqwest::StatusCode;
use serde_json::json;

use crate::dossier_api::{act, counter_dossier, post, token};
use crate::forms::{browser, code_of, print, received, texts};
use crate::helpers::TestApp;
#[tokio::test]
async fn the_register_numbers_the_year_from_01_continuously_across_pages_and_books_and_the_csv_has_the_same_rows()
 {
    let app = TestApp::spawn_demo().await;
    let officer = token(&app, "motcua.canbo1").await;
    let mut codes = Vec::new();
    for i in 0..52 {
        if i == 3 {
            // A refusal at the counter takes no register number, so the numbering has no gap.
            let mut body = counter_dossier("DEMO-HKD-02");
            body["then"] = json!({"action": "refuse", "reason": "Không thuộc thẩm quyền"});
            let (s, _) = post(&app, &officer, "/api/v1/dossiers", body).await;
            assert_eq!(s, StatusCode::CREATED);
        }
        codes.push(code_of(&received(&app, &officer, "DEMO-HKD-01").await));
    }
    let year = app.scalar("SELECT max(register_year) FROM dossiers").await;
    let client = browser(&app, "motcua.canbo1").await;

    let (status, html) = print(&app, &client, &format!("/staff/register?year={year}")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(texts(&html, "h1.form-title"), ["SỔ THEO DÕI HỒ SƠ"]);
    assert!(html.contains("class=\"print paper-a4\""));
    assert!(html.contains(&format!(
        "Quyển số: 1<span class=\"gap\"></span>Năm: {year}"
    )));
    let numbers = texts(&html, "table.register tbody td.number:first-child");
    let expected: Vec<String> = (1..=50).map(|n| format!("{n:02}")).collect();
    assert_eq!(numbers, expected);
    assert_eq!(texts(&html, "table.register tbody td.code"), codes[..50]);
    assert!(html.contains("Trang 1/2"));

    // Page 2, written in a new book opened mid-year: the numbers run on.
    let (_, html) = print(
        &app,
        &client,
        &format!("/staff/register?year={year}&page=2&book=2"),
    )
    .await;
    assert_eq!(
        texts(&html, "table.register tbody td.number:first-child"),
        ["51", "52"]
    );
    assert_eq!(texts(&html, "table.register tbody td.code"), codes[50..]);
    assert!(html.contains("Quyển số: 2"));

    let response = app
        .get(&client, &format!("/staff/register.csv?year={year}"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap_or_default()
            .starts_with("attachment")
    );
    let bytes = response.bytes().await.expect("csv");
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "UTF-8 with a byte-order mark"
    );
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    assert_eq!(&reader.headers().expect("header")[0], "Số thứ tự");
    let rows: Vec<(String, String)> = reader
        .records()
        .map(|r| r.expect("row"))
        .map(|r| (r[0].to_owned(), r[1].to_owned()))
        .collect();
    let expected: Vec<(String, String)> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| (format!("{:02}", i + 1), c.clone()))
        .collect();
    assert_eq!(rows, expected);

    // Keeping the register is the one-stop section's and the heads' business, not a specialist's.
    let specialist = browser(&app, "kinhte.chuyenvien").await;
    assert_eq!(
        app.get(&specialist, "/staff/register").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&specialist, "/staff/register.csv").await.status(),
        StatusCode::FORBIDDEN
    );
    let head = browser(&app, "kinhte.truong").await;
    assert_eq!(
        app.get(&head, &format!("/staff/register?year={year}"))
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn switching_the_form_set_to_circular_03_2025_prints_its_titles_and_offers_the_stop_notice_without_a_code_change()
 {
    let app = TestApp::spawn_demo().await;
    let officer = token(&app, "motcua.canbo1").await;
    let leader = token(&app, "lanhdao").await;
    let code = code_of(&received(&app, &officer, "DEMO-HKD-01").await);
    let (s, d) = act(&app, &officer, &code, json!({"action": "extend", "reason": "Chờ ý kiến cơ quan thuế", "new_due_at": "2099-12-31"})).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let (s, d) = act(
        &app,
        &leader,
        &code,
        json!({"action": "stop", "reason": "Người nộp không thực hiện nghĩa vụ tài chính"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let client = browser(&app, "motcua.canbo1").await;

    let (_, html) = print(
        &app,
        &client,
        &format!("/staff/dossiers/{code}/forms/apology"),
    )
    .await;
    assert_eq!(
        texts(&html, "h1.form-title"),
        ["PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"]
    );
    let (status, html) = print(&app, &client, &format!("/staff/dossiers/{code}/forms/stop")).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the 2018 set has no stop notice"
    );
    assert!(html.contains("không có mẫu này"));
    let list = app
        .page(&client, &format!("/staff/dossiers/{code}/forms"))
        .await;
    assert!(!list.contains("THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"));

    let ctx = motcua::services::Context::console(time::OffsetDateTime::now_utc());
    assert!(
        motcua::services::forms::activate_set(&app.db, &ctx, "tt99-2030")
            .await
            .is_err()
    );
    motcua::services::forms::activate_set(&app.db, &ctx, "tt03-2025")
        .await
        .expect("switch");

    let list = app
        .page(&client, &format!("/staff/dossiers/{code}/forms"))
        .await;
    assert!(list.contains(&format!(
        "<a href=\"/staff/dossiers/{code}/forms/stop\">Mẫu số 05: THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ</a>"
    )), "{list}");
    assert!(list.contains("Mẫu số 07: SỔ THEO DÕI HỒ SƠ"));
    let (_, html) = print(
        &app,
        &client,
        &format!("/staff/dossiers/{code}/forms/apology"),
    )
    .await;
    assert_eq!(
        texts(&html, "h1.form-title"),
        ["VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"]
    );
    let (status, html) = print(&app, &client, &format!("/staff/dossiers/{code}/forms/stop")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(
        texts(&html, "h1.form-title"),
        ["THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"]
    );
    assert!(html.contains("Lý do: Người nộp không thực hiện nghĩa vụ tài chính"));
    assert!(html.contains("Mẫu số 05"));
    let (_, html) = print(
        &app,
        &client,
        &format!("/staff/dossiers/{code}/forms/control"),
    )
    .await;
    assert_eq!(
        texts(&html, "h1.form-title"),
        ["PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"]
    );
    assert!(html.contains("Mẫu số 06"));
}

#[tokio::test]
async fn a_specialist_of_another_unit_gets_404_for_a_dossier_outside_their_unit() {
    let app = TestApp::spawn_demo().await;
    let officer = token(&app, "motcua.canbo1").await;
    let code = code_of(&received(&app, &officer, "DEMO-HKD-01").await);
    let (s, _) = act(
        &app,
        &officer,
        &code,
        json!({"action": "transfer", "to_unit": "H40.12.4"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);

    let outsider = browser(&app, "tuphap.chuyenvien").await;
    for key in ["receipt", "control", "refusal", "nonexistent"] {
        let (status, html) = print(
            &app,
            &outsider,
            &format!("/staff/dossiers/{code}/forms/{key}"),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{key}");
        assert!(
            !html.contains("Nguyễn Văn An"),
            "nothing about the dossier leaks"
        );
    }
    assert_eq!(
        app.get(&outsider, &format!("/staff/dossiers/{code}/forms"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    let insider = browser(&app, "kinhte.truong").await;
    let (status, _) = print(
        &app,
        &insider,
        &format!("/staff/dossiers/{code}/forms/control"),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the unit holding the dossier prints its control slip"
    );
    let anonymous = app.client();
    let response = app
        .get(&anonymous, &format!("/staff/dossiers/{code}/forms/receipt"))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "sign in first");
}

#[tokio::test]
async fn an_edited_template_is_printed_kept_at_the_next_start_and_a_broken_one_is_refused() {
    let app = TestApp::spawn_demo().await;
    let officer = token(&app, "motcua.canbo1").await;
    let code = code_of(&received(&app, &officer, "DEMO-HKD-01").await);
    let ctx = motcua::services::Context::console(time::OffsetDateTime::now_utc());
    let body = "<section class=\"sheet\"><h1 class=\"form-title\">{{ form.title }}</h1><p>Mẫu đã sửa: {{ dossier.code }}</p></section>";
    motcua::services::forms::save_template(&app.db, &ctx, "tt01-2018", "receipt", body)
        .await
        .expect("saved");
    assert_eq!(
        motcua::services::forms::seed_defaults(&app.db, &ctx)
            .await
            .expect("seed"),
        0,
        "nothing overwritten"
    );

    let client = browser(&app, "motcua.canbo1").await;
    let (_, html) = print(
        &app,
        &client,
        &format!("/staff/dossiers/{code}/forms/receipt"),
    )
    .await;
    assert!(html.contains(&format!("Mẫu đã sửa: {code}")), "{html}");

    let broken = "<p>{% for x in %}</p>";
    let refused =
        motcua::services::forms::save_template(&app.db, &ctx, "tt01-2018", "receipt", broken).await;
    assert!(
        matches!(refused, Err(motcua::services::ServiceError::Invalid(_))),
        "{refused:?}"
    );
    assert!(motcua::services::forms::check_template(broken).is_err_and(|m| m.contains("dòng 1")));
    let missing =
        motcua::services::forms::save_template(&app.db, &ctx, "tt01-2018", "nothing", body).await;
    assert!(
        matches!(missing, Err(motcua::services::ServiceError::NotFound)),
        "{missing:?}"
    );
    let (_, html) = print(
        &app,
        &client,
        &format!("/staff/dossiers/{code}/forms/receipt"),
    )
    .await;
    assert!(
        html.contains("Mẫu đã sửa"),
        "the refused edit changed nothing"
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'forms.template.update'")
            .await,
        1
    );
}
