//! Guides and FAQ: written in admin, shown on the portal when published, with administrators' Markdown rendered
//! safely.

use crate::helpers::TestApp;
use motcua::services::{Context, pages};
use reqwest::StatusCode;

/// Saves a page through the admin form; `published` ticks the checkbox.
async fn save_page(
    app: &TestApp,
    client: &reqwest::Client,
    fields: &[(&str, &str)],
    published: bool,
) -> reqwest::Response {
    let csrf = app.csrf(client, "/admin/pages").await;
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    if published {
        all.push(("published", "on"));
    }
    app.post_form(client, "/admin/pages", &all).await
}

async fn guide(app: &TestApp, client: &reqwest::Client, slug: &str, body: &str, published: bool) {
    let response = save_page(
        app,
        client,
        &[
            ("slug", slug),
            ("kind", "guide"),
            ("title", "Nộp hồ sơ trực tuyến"),
            ("body", body),
            ("position", "1"),
        ],
        published,
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_published_guide_is_listed_and_shown_on_the_portal() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("quantri", "admin").await;
    guide(
        &app,
        &admin,
        "nop-ho-so",
        "# Bước 1\n\nChọn **thủ tục** tại [Cổng](https://dichvucong.gov.vn).",
        true,
    )
    .await;
    let visitor = app.client();
    let list = app.page(&visitor, "/huong-dan").await;
    assert!(list.contains("href=\"/huong-dan/nop-ho-so\""));
    let html = app.page(&visitor, "/huong-dan/nop-ho-so").await;
    assert!(html.contains("<h1>Nộp hồ sơ trực tuyến</h1>"));
    assert!(html.contains("<h2>Bước 1</h2>"));
    assert!(html.contains("<strong>thủ tục</strong>"));
    assert!(html.contains("href=\"https://dichvucong.gov.vn\""));
    assert!(app.page(&admin, "/admin/pages").await.contains("nop-ho-so"));
}

#[tokio::test]
async fn an_unpublished_guide_is_hidden_until_published() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("quantri", "admin").await;
    guide(&app, &admin, "nhap", "Bản nháp.", false).await;
    let visitor = app.client();
    assert!(
        !app.page(&visitor, "/huong-dan")
            .await
            .contains("/huong-dan/nhap")
    );
    assert_eq!(
        app.get(&visitor, "/huong-dan/nhap").await.status(),
        StatusCode::NOT_FOUND
    );
    let csrf = app.csrf(&admin, "/admin/pages").await;
    let response = app
        .post_form(
            &admin,
            "/admin/pages/nhap/publish",
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&visitor, "/huong-dan/nhap").await.status(),
        StatusCode::OK
    );
    let response = app
        .post_form(
            &admin,
            "/admin/pages/nhap/unpublish",
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&visitor, "/huong-dan/nhap").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn raw_html_in_markdown_is_shown_as_text_not_run() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("quantri", "admin").await;
    guide(
        &app,
        &admin,
        "an-toan",
        "<script>alert('x')</script>\n\nĐoạn có <img src=x onerror=alert(1)> và [liên kết](javascript:alert(1)).",
        true,
    )
    .await;
    let html = app.page(&app.client(), "/huong-dan/an-toan").await;
    assert!(!html.contains("<script>alert"));
    assert!(!html.contains("<img src=x"));
    assert!(!html.contains("javascript:"));
    assert!(html.contains("&lt;script&gt;alert"));
}

#[tokio::test]
async fn the_faq_page_shows_published_questions_with_anchors_and_the_feedback_address() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("quantri", "admin").await;
    for (slug, title, published) in [
        ("le-phi", "Lệ phí nộp thế nào?", true),
        ("tra-cuu", "Tra cứu hồ sơ ở đâu?", true),
        ("an", "Câu hỏi chưa duyệt?", false),
    ] {
        let response = save_page(
            &app,
            &admin,
            &[
                ("slug", slug),
                ("kind", "faq"),
                ("title", title),
                ("body", "Trả lời: xem **hướng dẫn**."),
            ],
            published,
        )
        .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let html = app.page(&app.client(), "/hoi-dap").await;
    let doc = scraper::Html::parse_document(&html);
    let questions: Vec<(String, String)> = doc
        .select(&scraper::Selector::parse("main h2[id]").expect("sel"))
        .map(|h| {
            (
                h.value().attr("id").unwrap_or_default().to_owned(),
                h.text().collect(),
            )
        })
        .collect();
    assert_eq!(
        questions,
        vec![
            ("hoi-le-phi".to_owned(), "Lệ phí nộp thế nào?".to_owned()),
            ("hoi-tra-cuu".to_owned(), "Tra cứu hồ sơ ở đâu?".to_owned()),
        ]
    );
    assert!(html.contains("href=\"#hoi-le-phi\""));
    assert!(!html.contains("Câu hỏi chưa duyệt?"));
    assert!(html.contains("Góp ý, thắc mắc xin gửi về: "));
    assert!(html.contains("mailto:motcua@thu.example.vn"));
    assert_eq!(
        app.get(&app.client(), "/huong-dan/le-phi").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_bad_page_shows_every_error_in_vietnamese_and_saves_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("quantri", "admin").await;
    let response = save_page(
        &app,
        &admin,
        &[
            ("slug", "Hướng Dẫn"),
            ("kind", "guide"),
            ("title", ""),
            ("body", "  "),
            ("position", "đầu"),
        ],
        true,
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("body");
    for message in [
        "Đường dẫn chỉ gồm chữ thường không dấu",
        "Vui lòng nhập tiêu đề.",
        "Vui lòng nhập nội dung.",
        "Thứ tự phải là một số nguyên.",
    ] {
        assert!(html.contains(message), "missing: {message}");
    }
    assert_eq!(app.scalar("SELECT count(*) FROM pages").await, 0);
}

#[tokio::test]
async fn a_deleted_guide_leaves_the_portal() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("quantri", "admin").await;
    guide(&app, &admin, "tam-thoi", "Nội dung.", true).await;
    let csrf = app.csrf(&admin, "/admin/pages").await;
    let response = app
        .post_form(
            &admin,
            "/admin/pages/tam-thoi/delete",
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&app.client(), "/huong-dan/tam-thoi").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action IN ('page.save', 'page.delete')")
            .await,
        2
    );
}

#[tokio::test]
async fn the_page_editor_labels_every_control() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("quantri", "admin").await;
    guide(&app, &admin, "mot", "Một.", true).await;
    for path in ["/admin/pages", "/admin/pages?edit=mot"] {
        let html = app.page(&admin, path).await;
        let doc = scraper::Html::parse_document(&html);
        let controls =
            scraper::Selector::parse("input:not([type=hidden]), select, textarea").expect("sel");
        let mut seen = 0;
        for control in doc.select(&controls) {
            let id = control.value().attr("id").expect("control with an id");
            let label = scraper::Selector::parse(&format!("label[for=\"{id}\"]")).expect("sel");
            assert!(doc.select(&label).next().is_some(), "{path}: #{id}");
            seen += 1;
        }
        assert!(seen >= 5, "{path}");
        let unscoped = scraper::Selector::parse("th:not([scope])").expect("sel");
        assert!(doc.select(&unscoped).next().is_none());
    }
}

#[tokio::test]
async fn importing_the_same_pages_twice_writes_once() {
    let app = TestApp::spawn().await;
    let set = vec![motcua::store::pages::Page {
        slug: "gioi-thieu".into(),
        kind: "guide".into(),
        title: "Giới thiệu".into(),
        body: "Cổng dịch vụ công của huyện.".into(),
        position: 0,
        published: true,
    }];
    let ctx = Context::console(time::OffsetDateTime::now_utc());
    assert_eq!(
        pages::import_pages(&app.db, &ctx, set.clone())
            .await
            .expect("import"),
        1
    );
    assert_eq!(
        pages::import_pages(&app.db, &ctx, set)
            .await
            .expect("again"),
        0
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'pages.import'")
            .await,
        1
    );
    assert_eq!(
        app.get(&app.client(), "/huong-dan/gioi-thieu")
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn someone_who_is_not_an_administrator_cannot_edit_pages() {
    let app = TestApp::spawn().await;
    let officer = app.signed_in("canbo", "officer").await;
    assert_eq!(
        app.get(&officer, "/admin/pages").await.status(),
        StatusCode::FORBIDDEN
    );
    let csrf = app.csrf(&officer, "/staff/password").await;
    let response = app
        .post_form(
            &officer,
            "/admin/pages",
            &[
                ("csrf", csrf.as_str()),
                ("slug", "x"),
                ("kind", "guide"),
                ("title", "X"),
                ("body", "X"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.scalar("SELECT count(*) FROM pages").await, 0);
}
