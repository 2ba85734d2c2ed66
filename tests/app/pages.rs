//! Pages as delivered: layout, footer, security headers, labels, errors, assets, health and metrics.

use crate::helpers::TestApp;
use reqwest::StatusCode;

#[tokio::test]
async fn every_page_names_the_office_and_carries_the_required_footer() {
    let app = TestApp::spawn().await;
    let html = app.page(&app.client(), "/").await;
    let doc = scraper::Html::parse_document(&html);
    let footer = doc
        .select(&scraper::Selector::parse("footer").expect("sel"))
        .next()
        .expect("footer")
        .text()
        .collect::<String>();
    for expected in [
        "Văn phòng UBND huyện Thử",
        "Chánh Văn phòng",
        "Số 1 đường Lý Thái Tổ",
        "0222 000 000",
        "motcua@thu.example.vn",
    ] {
        assert!(footer.contains(expected), "footer lacks {expected}");
    }
    assert!(html.contains("lang=\"vi\""));
    assert!(html.contains("UBND huyện Thử"));
}

#[tokio::test]
async fn responses_carry_the_security_headers() {
    let app = TestApp::spawn().await;
    let response = app.get(&app.client(), "/").await;
    let h = response.headers();
    assert!(
        h["content-security-policy"]
            .to_str()
            .expect("csp")
            .starts_with("default-src 'self'")
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert!(
        h["strict-transport-security"]
            .to_str()
            .expect("hsts")
            .contains("max-age=")
    );
    assert!(h.contains_key("x-request-id"));
}

#[tokio::test]
async fn every_form_input_has_a_label() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("quantri", "admin").await;
    for path in ["/staff/login", "/admin/users", "/staff/password"] {
        let c = if path == "/staff/login" {
            app.client()
        } else {
            client.clone()
        };
        let html = app.page(&c, path).await;
        let doc = scraper::Html::parse_document(&html);
        let inputs = scraper::Selector::parse("input:not([type=hidden]), select").expect("sel");
        for input in doc.select(&inputs) {
            let id = input
                .value()
                .attr("id")
                .unwrap_or_else(|| panic!("{path}: input without id"));
            let label = scraper::Selector::parse(&format!("label[for=\"{id}\"]")).expect("sel");
            assert!(
                doc.select(&label).next().is_some(),
                "{path}: #{id} has no label"
            );
        }
    }
}

#[tokio::test]
async fn a_bad_new_account_shows_every_error_at_once_in_vietnamese() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("quantri", "admin").await;
    let csrf = app.csrf(&client, "/admin/users").await;
    let response = app
        .post_form(
            &client,
            "/admin/users",
            &[
                ("csrf", csrf.as_str()),
                ("username", "ab"),
                ("full_name", ""),
                ("role", "officer"),
                ("unit", ""),
                ("password", "ngắn"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("body");
    for message in [
        "Tên đăng nhập cần ít nhất 3 ký tự.",
        "Mật khẩu quá ngắn.",
        "Cán bộ (trừ quản trị) phải thuộc một đơn vị.",
    ] {
        assert!(html.contains(message), "missing: {message}");
    }
}

#[tokio::test]
async fn unknown_paths_get_a_vietnamese_404_page() {
    let app = TestApp::spawn().await;
    let response = app.get(&app.client(), "/khong-co-trang-nay").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("Không tìm thấy")
    );
}

#[tokio::test]
async fn embedded_assets_are_served_with_an_etag() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let css = app.get(&client, "/assets/css/site.css").await;
    assert_eq!(css.status(), StatusCode::OK);
    assert!(
        css.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/css")
    );
    let etag = css.headers()["etag"].clone();
    let again = client
        .get(app.at("/assets/css/site.css"))
        .header("if-none-match", etag)
        .send()
        .await
        .expect("get");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn health_and_metrics_answer() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let health: serde_json::Value = app
        .get(&client, "/healthz")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(health["status"], "ok");
    let metrics = app.page(&client, "/metrics").await;
    assert!(metrics.contains(
        "motcua_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"
    ));
}

#[tokio::test]
async fn the_agency_catalogue_lists_units() {
    let app = TestApp::spawn().await;
    let body: serde_json::Value = app
        .get(&app.client(), "/api/v1/agencies")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(body["items"][0]["code"], "H40.12");
    assert_eq!(body["items"][0]["units"].as_array().map(Vec::len), Some(2));
}
