//! The administrator's page for the printed forms: switching the set in force and editing a template change what
//! officers print, a template that would not print is refused with its line and changes nothing, and only an
//! administrator may open or post to the page.

use reqwest::StatusCode;

use crate::dossier_api::{counter_dossier, post, token};
use crate::helpers::{PASSWORD, TestApp, location};

const PAGE: &str = "/admin/forms";
const RECEIPT: &str = "/admin/forms/tt01-2018/receipt";

/// A browser signed in as one of the demo accounts.
async fn browser(app: &TestApp, username: &str) -> reqwest::Client {
    let client = app.client();
    app.sign_in(&client, username, PASSWORD).await;
    assert_eq!(
        app.get(&client, "/staff").await.status(),
        StatusCode::OK,
        "{username} signed in"
    );
    client
}

/// The code of a counter dossier the demo officer has just received.
async fn received_code(app: &TestApp) -> String {
    let officer = token(app, "motcua.canbo1").await;
    let (status, d) = post(
        app,
        &officer,
        "/api/v1/dossiers",
        counter_dossier("DEMO-HKD-01"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    d["code"].as_str().expect("code").to_owned()
}

/// The whitespace-collapsed text of every element `selector` matches.
fn texts(html: &str, selector: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).expect("selector");
    doc.select(&sel)
        .map(|e| e.text().collect::<Vec<_>>().join(" "))
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// The template text in the edit page's box, exactly.
fn textarea(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("textarea#f-body").expect("selector");
    doc.select(&sel)
        .next()
        .map(|e| e.text().collect::<String>())
        .expect("a template box")
}

async fn stored_body(app: &TestApp, set: &'static str, key: &'static str) -> String {
    app.db
        .read(move |c| motcua::store::form_templates::find(c, set, key))
        .await
        .expect("read")
        .expect("template")
        .body
}

async fn save(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    body: &str,
) -> reqwest::Response {
    let csrf = app.csrf(client, path).await;
    app.post_form(client, path, &[("csrf", &csrf), ("body", body)])
        .await
}

#[tokio::test]
async fn activating_circular_03_2025_on_the_admin_page_changes_the_forms_a_dossier_offers() {
    let app = TestApp::spawn_demo().await;
    let code = received_code(&app).await;
    let officer = browser(&app, "motcua.canbo1").await;
    let forms = format!("/staff/dossiers/{code}/forms");
    let list = app.page(&officer, &forms).await;
    assert!(list.contains("Mẫu số 06: SỔ THEO DÕI HỒ SƠ"), "{list}");
    assert!(!list.contains("THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"));

    let admin = browser(&app, "quantri").await;
    let html = app.page(&admin, PAGE).await;
    assert!(
        texts(&html, "main .card strong").contains(&"Thông tư 01/2018/TT-VPCP (6 mẫu)".to_owned()),
        "{html}"
    );
    assert_eq!(
        texts(&html, "fieldset label"),
        [
            "Thông tư 01/2018/TT-VPCP (6 mẫu) – đang áp dụng",
            "Thông tư 03/2025/TT-VPCP (7 mẫu)"
        ]
    );
    assert_eq!(
        texts(&html, "table tbody td:nth-child(2)"),
        [
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
            "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
            "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
            "SỔ THEO DÕI HỒ SƠ",
        ]
    );
    assert!(html.contains(&format!("href=\"{RECEIPT}\"")));

    let csrf = app.csrf(&admin, PAGE).await;
    let unknown = app
        .post_form(
            &admin,
            "/admin/forms/activate",
            &[("csrf", &csrf), ("form_set", "tt99-2030")],
        )
        .await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unknown
            .text()
            .await
            .expect("body")
            .contains("Bộ biểu mẫu không tồn tại.")
    );

    let done = app
        .post_form(
            &admin,
            "/admin/forms/activate",
            &[("csrf", &csrf), ("form_set", "tt03-2025")],
        )
        .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let html = app.page(&admin, &location(&done)).await;
    assert!(html.contains("Đã áp dụng bộ biểu mẫu theo Thông tư 03/2025/TT-VPCP."));
    assert!(
        texts(&html, "main .card strong").contains(&"Thông tư 03/2025/TT-VPCP (7 mẫu)".to_owned())
    );
    assert_eq!(texts(&html, "table tbody tr").len(), 7);
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'forms.set.activate' AND object = 'tt03-2025'")
            .await,
        1
    );

    let list = app.page(&officer, &forms).await;
    assert!(
        list.contains("Mẫu số 05: THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"),
        "{list}"
    );
    assert!(list.contains("Mẫu số 07: SỔ THEO DÕI HỒ SƠ"));
    assert!(list.contains("VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"));
}

#[tokio::test]
async fn a_template_saved_on_its_edit_page_is_what_the_next_receipt_prints_until_it_is_restored() {
    let app = TestApp::spawn_demo().await;
    let code = received_code(&app).await;
    let officer = browser(&app, "motcua.canbo1").await;
    let admin = browser(&app, "quantri").await;
    let shipped = stored_body(&app, "tt01-2018", "receipt").await;

    let html = app.page(&admin, RECEIPT).await;
    assert_eq!(
        texts(&html, "h1"),
        ["Sửa mẫu số 01: GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"]
    );
    assert_eq!(textarea(&html), shipped, "the box holds the stored body");
    assert!(html.contains("Đang dùng mẫu gốc."));
    assert!(
        html.contains("dossier.applicant.name"),
        "the help names the variables"
    );
    assert!(!html.contains("Khôi phục mẫu gốc"));

    let body = "<section class=\"sheet\">\r\n<h1 class=\"form-title\">{{ form.title }}</h1>\r\n<p>Mẫu đã sửa: {{ dossier.code }} – {{ dossier.applicant.name }}</p>\r\n</section>";
    let saved = save(&app, &admin, RECEIPT, body).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&saved), format!("{RECEIPT}?saved=1"));
    let html = app.page(&admin, &location(&saved)).await;
    assert!(html.contains("Đã lưu mẫu. Các lần in sau dùng nội dung mới."));
    assert_eq!(textarea(&html), body.replace("\r\n", "\n"));
    assert!(html.contains("Khôi phục mẫu gốc"));
    let list = app.page(&admin, PAGE).await;
    assert!(
        texts(&list, "table tbody tr")[0].contains("Đã sửa"),
        "{list}"
    );

    let print = format!("/staff/dossiers/{code}/forms/receipt");
    let printed = app.page(&officer, &print).await;
    assert!(
        printed.contains(&format!("Mẫu đã sửa: {code} – Nguyễn Văn An")),
        "{printed}"
    );
    assert!(!printed.contains("NGƯỜI TIẾP NHẬN HỒ SƠ"));

    let csrf = app.csrf(&admin, RECEIPT).await;
    let restored = app
        .post_form(&admin, &format!("{RECEIPT}/restore"), &[("csrf", &csrf)])
        .await;
    assert_eq!(restored.status(), StatusCode::SEE_OTHER);
    assert_eq!(stored_body(&app, "tt01-2018", "receipt").await, shipped);
    let printed = app.page(&officer, &print).await;
    assert!(!printed.contains("Mẫu đã sửa"));
    assert_eq!(
        printed
            .matches("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
            .count(),
        2
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action IN ('forms.template.update', 'forms.template.restore') AND object = 'tt01-2018/receipt'")
            .await,
        2
    );
    assert_eq!(
        app.get(&admin, "/admin/forms/tt01-2018/stop")
            .await
            .status(),
        StatusCode::NOT_FOUND,
        "the 2018 set has no stop notice"
    );
}

#[tokio::test]
async fn a_broken_template_is_refused_with_its_line_number_and_the_stored_one_is_unchanged() {
    let app = TestApp::spawn_demo().await;
    let code = received_code(&app).await;
    let admin = browser(&app, "quantri").await;
    let before = stored_body(&app, "tt01-2018", "receipt").await;

    let broken = "<section class=\"sheet\">\n<p>{{ dossier.code }}</p>\n{% for c in %}\n</section>";
    let refused = save(&app, &admin, RECEIPT, broken).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.expect("body");
    let error = texts(&html, "#f-body-error");
    assert_eq!(error.len(), 1, "{html}");
    assert!(
        error[0].starts_with(
            "Mẫu in có lỗi cú pháp hoặc không hiển thị được với dữ liệu mẫu. Lỗi ở dòng 3:"
        ),
        "{error:?}"
    );
    assert!(
        texts(&html, "div.alert.error")
            .first()
            .is_some_and(|t| t.contains("Mẫu chưa được lưu") && t.contains("dòng 3")),
        "the summary at the top names the line too"
    );
    assert_eq!(textarea(&html), broken, "the text is kept for correction");
    assert!(html.contains("aria-invalid=\"true\""));
    assert_eq!(stored_body(&app, "tt01-2018", "receipt").await, before);

    let empty = save(&app, &admin, RECEIPT, "  \n").await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(stored_body(&app, "tt01-2018", "receipt").await, before);

    let officer = browser(&app, "motcua.canbo1").await;
    let printed = app
        .page(&officer, &format!("/staff/dossiers/{code}/forms/receipt"))
        .await;
    assert!(printed.contains(&code) && printed.contains("NGƯỜI TIẾP NHẬN HỒ SƠ"));
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'forms.template.update'")
            .await,
        0
    );
}

#[tokio::test]
async fn an_officer_gets_403_on_the_form_pages_and_cannot_switch_the_set() {
    let app = TestApp::spawn_demo().await;
    let officer = browser(&app, "motcua.canbo1").await;
    for path in [PAGE, RECEIPT] {
        assert_eq!(
            app.get(&officer, path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let csrf = app.csrf(&officer, "/staff").await;
    let switched = app
        .post_form(
            &officer,
            "/admin/forms/activate",
            &[("csrf", &csrf), ("form_set", "tt03-2025")],
        )
        .await;
    assert_eq!(switched.status(), StatusCode::FORBIDDEN);
    let saved = app
        .post_form(&officer, RECEIPT, &[("csrf", &csrf), ("body", "<p>x</p>")])
        .await;
    assert_eq!(saved.status(), StatusCode::FORBIDDEN);
    let active = app
        .db
        .read(motcua::services::forms::active_set)
        .await
        .expect("active set");
    assert_eq!(active, "tt01-2018");
    assert!(
        !stored_body(&app, "tt01-2018", "receipt")
            .await
            .contains("<p>x</p>")
    );
}
