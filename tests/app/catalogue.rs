//! The shared code lists in admin: sectors, document types, fees and charges; their forms, deletion rules, and
//! CSV/JSON export and import.

use crate::helpers::{TestApp, csrf_in};
use reqwest::StatusCode;

const SECTORS: &str = "/admin/catalogue/sectors";
const DOC_TYPES: &str = "/admin/catalogue/doc-types";
const FEES: &str = "/admin/catalogue/fees";

/// Uploads `content` as the import file of the list at `base`, with the CSRF token of its page.
async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    base: &str,
    file_name: &str,
    content: Vec<u8>,
) -> reqwest::Response {
    let csrf = app.csrf(client, base).await;
    let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(content).file_name(file_name.to_owned()),
    );
    client
        .post(app.at(&format!("{base}/import")))
        .multipart(form)
        .send()
        .await
        .expect("upload")
}

/// Posts the add/edit form of the list at `base`.
async fn save(
    app: &TestApp,
    client: &reqwest::Client,
    base: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let csrf = app.csrf(client, base).await;
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    app.post_form(client, base, &all).await
}

async fn export(app: &TestApp, client: &reqwest::Client, path: &str) -> Vec<u8> {
    let response = app.get(client, path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        disposition.starts_with("attachment"),
        "{path}: {disposition}"
    );
    response.bytes().await.expect("body").to_vec()
}

/// A sector, a document type and two fees (one fixed, one that varies), added through the forms.
async fn fill(app: &TestApp, client: &reqwest::Client) {
    for (base, fields) in [
        (SECTORS, vec![("code", "h40-ht"), ("name", "Hộ tịch")]),
        (
            DOC_TYPES,
            vec![("code", "GT-CCCD"), ("name", "Căn cước công dân")],
        ),
        (
            FEES,
            vec![
                ("code", "LP-HT-01"),
                ("name", "Lệ phí đăng ký khai sinh"),
                ("amount_vnd", "8.000"),
                ("legal_basis", "Thông tư 85/2019/TT-BTC"),
            ],
        ),
        (
            FEES,
            vec![
                ("code", "PHI-SAO"),
                ("name", "Phí cấp bản sao"),
                ("amount_vnd", ""),
                ("note", "3.000 đồng/trang, từ trang thứ ba 2.000 đồng/trang"),
            ],
        ),
    ] {
        let response = save(app, client, base, &fields).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "{base} {fields:?}"
        );
    }
}

#[tokio::test]
async fn each_list_shows_the_entries_added_through_its_form() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("quantri", "admin").await;
    fill(&app, &client).await;
    let sectors = app.page(&client, SECTORS).await;
    assert!(sectors.contains("H40-HT") && sectors.contains("Hộ tịch"));
    let doc_types = app.page(&client, DOC_TYPES).await;
    assert!(doc_types.contains("GT-CCCD") && doc_types.contains("Căn cước công dân"));
    let fees = app.page(&client, FEES).await;
    assert!(fees.contains("8.000 đồng"));
    assert!(fees.contains("Thay đổi") && fees.contains("3.000 đồng/trang"));
    let edit = app.page(&client, &format!("{FEES}?edit=LP-HT-01")).await;
    assert!(edit.contains("value=\"Thông tư 85/2019/TT-BTC\""));
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'catalogue.save'")
            .await,
        4
    );
}

#[tokio::test]
async fn an_invalid_code_is_refused_in_vietnamese_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("quantri", "admin").await;
    let response = save(&app, &client, SECTORS, &[("code", "H40"), ("name", "")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("body");
    assert!(html.contains("Mã lĩnh vực phải có dạng MX1X2-LV"));
    assert!(html.contains("Vui lòng nhập tên."));
    let response = save(
        &app,
        &client,
        FEES,
        &[
            ("code", "lệ phí"),
            ("name", "Lệ phí"),
            ("amount_vnd", "8,5"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("body");
    assert!(html.contains("Mã chỉ gồm chữ in hoa không dấu"));
    assert!(html.contains("Mức thu phải là số tiền nguyên"));
    assert_eq!(app.scalar("SELECT count(*) FROM sectors").await, 0);
    assert_eq!(app.scalar("SELECT count(*) FROM fees").await, 0);
}

#[tokio::test]
async fn importing_an_export_into_the_same_office_changes_nothing() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("quantri", "admin").await;
    fill(&app, &client).await;
    for base in [SECTORS, DOC_TYPES, FEES] {
        for ext in ["csv", "json"] {
            let file = export(&app, &client, &format!("{base}/export.{ext}")).await;
            let before = app.scalar("SELECT count(*) FROM audit_log").await;
            let response = upload(&app, &client, base, &format!("list.{ext}"), file).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{base} {ext}");
            let page = app
                .page(&client, &crate::helpers::location(&response))
                .await;
            assert!(
                page.contains("danh mục không có gì thay đổi"),
                "{base} {ext}"
            );
            assert_eq!(
                app.scalar("SELECT count(*) FROM audit_log").await,
                before,
                "{base} {ext}"
            );
        }
    }
}

#[tokio::test]
async fn an_export_imported_into_a_fresh_office_recreates_the_entries() {
    let source = TestApp::spawn().await;
    let client = source.signed_in("quantri", "admin").await;
    fill(&source, &client).await;
    let target = TestApp::spawn().await;
    let target_client = target.signed_in("quantri", "admin").await;
    for base in [SECTORS, DOC_TYPES, FEES] {
        let csv = export(&source, &client, &format!("{base}/export.csv")).await;
        let response = upload(&target, &target_client, base, "danh-muc.csv", csv).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{base}");
        let json_path = format!("{base}/export.json");
        assert_eq!(
            export(&target, &target_client, &json_path).await,
            export(&source, &client, &json_path).await,
            "{base}"
        );
    }
    assert_eq!(
        target
            .scalar("SELECT count(*) FROM audit_log WHERE action = 'catalogue.import'")
            .await,
        3
    );
    let fees: serde_json::Value = serde_json::from_slice(
        &export(&target, &target_client, &format!("{FEES}/export.json")).await,
    )
    .expect("json");
    let varies = fees
        .as_array()
        .expect("array")
        .iter()
        .find(|f| f["code"] == "PHI-SAO")
        .expect("varying fee");
    assert!(varies["amount_vnd"].is_null());
}

#[tokio::test]
async fn a_bad_row_refuses_the_whole_file_naming_its_line() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("quantri", "admin").await;
    let csv =
        "code,name,demo\nH40-HT,Hộ tịch,false\nH40-CT,Chứng thực,false\nH40 TP,Tư pháp,false\n";
    let response = upload(&app, &client, SECTORS, "linh-vuc.csv", csv.into()).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("body");
    assert!(html.contains("Dòng 4, cột code"), "{html}");
    assert!(html.contains("Mã lĩnh vực phải có dạng MX1X2-LV"));
    assert_eq!(app.scalar("SELECT count(*) FROM sectors").await, 0);
    let json = "[\n {\"code\": \"LP-1\", \"name\": \"Lệ phí\", \"amount_vnd\": 1000},\n {\"code\": \"LP-2\", \"name\": \"Phí\", \"amount_vnd\": -5}\n]";
    let response = upload(&app, &client, FEES, "phi.json", json.into()).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("Dòng 3, cột amount_vnd")
    );
    assert_eq!(app.scalar("SELECT count(*) FROM fees").await, 0);
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'catalogue.import'")
            .await,
        0
    );
}

#[tokio::test]
async fn an_entry_used_by_a_procedure_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("quantri", "admin").await;
    fill(&app, &client).await;
    app.sql(
        r#"INSERT INTO procedures(code, created_at) VALUES ('1.000001', '2026-01-05T08:00:00Z');
           INSERT INTO procedure_versions(procedure_code, version, state, name, sort_key, sector_code, level,
               service_level, is_demo, body, content_hash, created_at, created_by)
           VALUES ('1.000001', 1, 'published', 'Đăng ký khai sinh', 'dang ky khai sinh', 'H40-HT', 'district', 'none', 0,
               '{"components":[{"key":"to_khai","doc_type":"GT-CCCD"}],"fees":[{"fee":"LP-HT-01"}]}',
               'x', '2026-01-05T08:00:00Z', 'test');"#,
    )
    .await;
    for (base, code) in [
        (SECTORS, "H40-HT"),
        (DOC_TYPES, "GT-CCCD"),
        (FEES, "LP-HT-01"),
    ] {
        let csrf = app.csrf(&client, base).await;
        let response = app
            .post_form(
                &client,
                &format!("{base}/{code}/delete"),
                &[("csrf", csrf.as_str())],
            )
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT, "{code}");
        let html = response.text().await.expect("body");
        assert!(
            html.contains("đang được thủ tục hành chính sử dụng"),
            "{code}"
        );
    }
    assert_eq!(app.scalar("SELECT count(*) FROM sectors").await, 1);
    assert_eq!(app.scalar("SELECT count(*) FROM doc_types").await, 1);
    assert_eq!(app.scalar("SELECT count(*) FROM fees").await, 2);

    // A fee no version charges goes; once the version is retired, its document type may go too.
    app.sql("UPDATE procedure_versions SET state = 'retired'")
        .await;
    for (base, code) in [(FEES, "PHI-SAO"), (DOC_TYPES, "GT-CCCD")] {
        let csrf = app.csrf(&client, base).await;
        let response = app
            .post_form(
                &client,
                &format!("{base}/{code}/delete"),
                &[("csrf", csrf.as_str())],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{code}");
    }
    assert_eq!(app.scalar("SELECT count(*) FROM doc_types").await, 0);
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'catalogue.delete'")
            .await,
        2
    );
}

#[tokio::test]
async fn the_hub_links_every_catalogue() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("quantri", "admin").await;
    let html = app.page(&client, "/admin/catalogue").await;
    assert!(html.contains("Danh mục dùng chung và thủ tục"));
    for href in [
        "/admin/procedures",
        SECTORS,
        DOC_TYPES,
        FEES,
        "/admin/catalogue/units",
        "/admin/pages",
    ] {
        assert!(html.contains(&format!("href=\"{href}\"")), "{href}");
    }
}

#[tokio::test]
async fn list_pages_label_every_control_and_scope_every_header() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("quantri", "admin").await;
    fill(&app, &client).await;
    for base in [SECTORS, DOC_TYPES, FEES] {
        let html = app.page(&client, base).await;
        let doc = scraper::Html::parse_document(&html);
        let controls =
            scraper::Selector::parse("input:not([type=hidden]), select, textarea").expect("sel");
        for control in doc.select(&controls) {
            let id = control.value().attr("id").expect("control with an id");
            let label = scraper::Selector::parse(&format!("label[for=\"{id}\"]")).expect("sel");
            assert!(doc.select(&label).next().is_some(), "{base}: #{id}");
        }
        let headers = scraper::Selector::parse("th:not([scope])").expect("sel");
        assert!(doc.select(&headers).next().is_none(), "{base}");
        let upload_form =
            scraper::Selector::parse("form[enctype=\"multipart/form-data\"] input[name=csrf]")
                .expect("sel");
        assert!(doc.select(&upload_form).next().is_some(), "{base}");
    }
}

#[tokio::test]
async fn an_import_without_the_form_token_is_refused() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("quantri", "admin").await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", "gia-mao")
        .part(
            "file",
            reqwest::multipart::Part::bytes("code,name\nH40-HT,Hộ tịch\n".as_bytes().to_vec())
                .file_name("x.csv"),
        );
    let response = client
        .post(app.at(&format!("{SECTORS}/import")))
        .multipart(form)
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.scalar("SELECT count(*) FROM sectors").await, 0);
}

#[tokio::test]
async fn someone_who_is_not_an_administrator_cannot_see_or_change_the_lists() {
    let app = TestApp::spawn().await;
    let officer = app.signed_in("canbo", "officer").await;
    for path in [
        "/admin/catalogue",
        SECTORS,
        "/admin/catalogue/fees/export.csv",
    ] {
        assert_eq!(
            app.get(&officer, path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let csrf = csrf_in(&app.page(&officer, "/staff/password").await);
    let response = app
        .post_form(
            &officer,
            SECTORS,
            &[
                ("csrf", csrf.as_str()),
                ("code", "H40-HT"),
                ("name", "Hộ tịch"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.scalar("SELECT count(*) FROM sectors").await, 0);
    let anonymous = app.client();
    let response = app.get(&anonymous, SECTORS).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}
