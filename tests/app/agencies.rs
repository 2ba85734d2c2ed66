//! Agencies and units as a shared e-catalogue in admin: the forms, the code rules, deletion of what is in use, and
//! CSV/JSON export and import keyed by codes. `TestApp` starts with agency H40.12 and its units H40.12.1 and
//! H40.12.2.

use crate::helpers::{TestApp, csrf_in, location};
use reqwest::StatusCode;

const BASE: &str = "/admin/catalogue/agencies";
const UNITS: &str = "/admin/catalogue/agencies/units";

/// Posts a form of the agencies page to `path`, with the page's CSRF token.
async fn save(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let csrf = app.csrf(client, BASE).await;
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    app.post_form(client, path, &all).await
}

/// Uploads `content` to the import form at `path`.
async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    file_name: &str,
    content: Vec<u8>,
) -> reqwest::Response {
    let csrf = app.csrf(client, BASE).await;
    let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(content).file_name(file_name.to_owned()),
    );
    client
        .post(app.at(path))
        .multipart(form)
        .send()
        .await
        .expect("upload")
}

async fn export(app: &TestApp, client: &reqwest::Client, path: &str) -> Vec<u8> {
    let response = app.get(client, path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(disposition.starts_with("attachment"), "{path}");
    response.bytes().await.expect("body").to_vec()
}

async fn delete(app: &TestApp, client: &reqwest::Client, path: &str) -> reqwest::Response {
    let csrf = app.csrf(client, BASE).await;
    app.post_form(client, path, &[("csrf", csrf.as_str())])
        .await
}

/// A commune agency under H40.12 with one unit, and a district H40.13 beside H40.12, through the forms.
async fn fill(app: &TestApp, client: &reqwest::Client) {
    for (path, fields) in [
        (
            BASE,
            vec![
                ("code", "h40.12.30"),
                ("name", "Ủy ban nhân dân xã Thử Nghiệm"),
                ("level", "commune"),
                ("parent_code", "H40.12"),
                ("admin_unit_code", "09319"),
                ("address", "Thôn Đông, xã Thử Nghiệm"),
                ("phone", "0222 111 222"),
                ("email", "xa@thu.example.vn"),
            ],
        ),
        (
            BASE,
            vec![
                ("code", "H40.13"),
                ("name", "Ủy ban nhân dân huyện Bên Cạnh"),
                ("level", "district"),
            ],
        ),
        (
            UNITS,
            vec![
                ("agency_code", "H40.12.30"),
                ("code", "H40.12.30.1"),
                ("name", "Bộ phận một cửa xã"),
                ("kind", "one_stop"),
            ],
        ),
    ] {
        let response = save(app, client, path, &fields).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{fields:?}");
    }
}

#[tokio::test]
async fn an_agency_and_a_unit_added_through_the_forms_show_on_the_organisation_page_and_in_the_api()
{
    let app = TestApp::spawn().await;
    let client = app.signed_in("quantri", "admin").await;
    fill(&app, &client).await;
    let org = app.page(&client, "/admin/org").await;
    assert!(org.contains("Ủy ban nhân dân xã Thử Nghiệm"));
    assert!(org.contains("H40.12.30.1") && org.contains("Bộ phận một cửa xã"));
    let api: serde_json::Value = app
        .get(&client, "/api/v1/agencies")
        .await
        .json()
        .await
        .expect("json");
    let commune = api["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|a| a["code"] == "H40.12.30")
        .expect("the new agency");
    assert_eq!(commune["parent_code"], "H40.12");
    assert_eq!(commune["admin_unit_code"], "09319");
    assert_eq!(commune["units"][0]["code"], "H40.12.30.1");
    assert_eq!(commune["units"][0]["kind"], "one_stop");

    let edit = app.page(&client, &format!("{BASE}?edit=H40.12.30")).await;
    assert!(edit.contains("value=\"xa@thu.example.vn\""));
    let edit = app.page(&client, &format!("{BASE}?edit=H40.12.30.1")).await;
    assert!(edit.contains("Sửa đơn vị H40.12.30.1"));
    assert!(edit.contains("value=\"Bộ phận một cửa xã\""));

    // Saving an agency again unchanged writes nothing; renaming it is one audited edit.
    let audited = "SELECT count(*) FROM audit_log WHERE action IN ('agency.save', 'unit.save')";
    assert_eq!(app.scalar(audited).await, 3);
    let same = [
        ("code", "H40.13"),
        ("name", "Ủy ban nhân dân huyện Bên Cạnh"),
        ("level", "district"),
    ];
    save(&app, &client, BASE, &same).await;
    assert_eq!(app.scalar(audited).await, 3);
    let renamed = [
        ("code", "H40.13"),
        ("name", "UBND huyện Bên Cạnh"),
        ("level", "district"),
    ];
    save(&app, &client, BASE, &renamed).await;
    assert_eq!(app.scalar(audited).await, 4);
}

#[tokio::test]
async fn a_malformed_code_or_a_unit_outside_its_agency_is_refused_in_vietnamese_and_nothing_is_written()
 {
    let app = TestApp::spawn().await;
    let client = app.signed_in("quantri", "admin").await;
    let fields = [
        ("code", "Z40.12"),
        ("name", ""),
        ("level", "tinh"),
        ("email", "khong-phai-thu"),
    ];
    let response = save(&app, &client, BASE, &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("body");
    assert!(html.contains("Mã định danh cơ quan phải theo Quyết định 20/2020/QĐ-TTg"));
    assert!(html.contains("Vui lòng nhập tên."));
    assert!(html.contains("Cấp chỉ nhận province"));
    assert!(html.contains("Địa chỉ thư điện tử không hợp lệ"));
    assert!(
        html.contains("value=\"Z40.12\""),
        "the form keeps what was typed"
    );

    let fields = [
        ("code", "H40.14"),
        ("name", "UBND huyện Không Có"),
        ("level", "district"),
        ("admin_unit_code", "99999"),
    ];
    let response = save(&app, &client, BASE, &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("body");
    assert!(html.contains("Mã đơn vị hành chính không có trong danh mục"));

    for (code, message) in [
        (
            "H40.13.7",
            "Mã đơn vị phải là mã của cơ quan chủ quản thêm một nhóm số",
        ),
        (
            "H40.12.7.1",
            "Mã đơn vị phải là mã của cơ quan chủ quản thêm một nhóm số",
        ),
        (
            "PHONG-7",
            "Mã đơn vị phải là mã định danh theo Quyết định 20/2020/QĐ-TTg",
        ),
    ] {
        let fields = [
            ("agency_code", "H40.12"),
            ("code", code),
            ("name", "Phòng Văn hóa"),
            ("kind", "specialist"),
        ];
        let response = save(&app, &client, UNITS, &fields).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{code}"
        );
        assert!(
            response.text().await.expect("body").contains(message),
            "{code}"
        );
    }
    let fields = [
        ("agency_code", "H40.99"),
        ("code", "H40.99.1"),
        ("name", "Phòng Văn hóa"),
        ("kind", "specialist"),
    ];
    let response = save(&app, &client, UNITS, &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("Không tìm thấy cơ quan chủ quản")
    );

    assert_eq!(app.scalar("SELECT count(*) FROM agencies").await, 1);
    assert_eq!(app.scalar("SELECT count(*) FROM units").await, 2);
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM audit_log WHERE action LIKE 'agency.%' OR action LIKE 'unit.%'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn a_parent_that_would_close_a_cycle_or_sit_below_its_child_is_refused() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("quantri", "admin").await;
    fill(&app, &client).await;
    let beside = [
        ("code", "H40.13"),
        ("name", "UBND huyện Bên Cạnh"),
        ("level", "district"),
        ("parent_code", "H40.12"),
    ];
    assert_eq!(
        save(&app, &client, BASE, &beside).await.status(),
        StatusCode::SEE_OTHER
    );
    let cycle = [
        ("code", "H40.12"),
        ("name", "UBND huyện Thử"),
        ("level", "district"),
        ("parent_code", "H40.13"),
    ];
    let response = save(&app, &client, BASE, &cycle).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("không được là chính cơ quan này hoặc một cơ quan trực thuộc nó")
    );
    let below = [
        ("code", "H40.13"),
        ("name", "UBND huyện Bên Cạnh"),
        ("level", "district"),
        ("parent_code", "H40.12.30"),
    ];
    let response = save(&app, &client, BASE, &below).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("không được ở cấp thấp hơn")
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM agencies WHERE code = 'H40.12' AND parent_code IS NULL")
            .await,
        1
    );
}

#[tokio::test]
async fn importing_an_export_into_the_same_office_changes_nothing() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("quantri", "admin").await;
    fill(&app, &client).await;
    for base in [BASE, UNITS] {
        for ext in ["csv", "json"] {
            let file = export(&app, &client, &format!("{base}/export.{ext}")).await;
            let before = app.scalar("SELECT count(*) FROM audit_log").await;
            let response = upload(
                &app,
                &client,
                &format!("{base}/import"),
                &format!("x.{ext}"),
                file,
            )
            .await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{base} {ext}");
            let page = app.page(&client, &location(&response)).await;
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
async fn an_export_imported_into_a_fresh_office_recreates_the_agencies_and_units() {
    let source = TestApp::spawn().await;
    let client = source.signed_in("quantri", "admin").await;
    fill(&source, &client).await;
    let target = TestApp::spawn().await;
    let target_client = target.signed_in("quantri", "admin").await;
    let agencies = export(&source, &client, &format!("{BASE}/export.csv")).await;
    let response = upload(
        &target,
        &target_client,
        &format!("{BASE}/import"),
        "co-quan.csv",
        agencies,
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let units = export(&source, &client, &format!("{UNITS}/export.json")).await;
    let response = upload(
        &target,
        &target_client,
        &format!("{UNITS}/import"),
        "don-vi.json",
        units,
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    for base in [BASE, UNITS] {
        let path = format!("{base}/export.json");
        assert_eq!(
            export(&target, &target_client, &path).await,
            export(&source, &client, &path).await,
            "{base}"
        );
    }
    assert_eq!(
        target
            .scalar(
                "SELECT count(*) FROM audit_log WHERE action IN ('agency.import', 'unit.import')"
            )
            .await,
        2
    );
}

#[tokio::test]
async fn rows_may_name_a_parent_that_comes_later_in_the_file() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("quantri", "admin").await;
    let csv = "code,name,level,parent_code\n\
               H40.50,UBND huyện Năm,district,H40\n\
               H40.12,UBND huyện Thử,district,H40\n\
               H40,UBND tỉnh Thử,province,\n";
    let response = upload(
        &app,
        &client,
        &format!("{BASE}/import"),
        "co-quan.csv",
        csv.into(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.scalar("SELECT count(*) FROM agencies WHERE parent_code = 'H40'")
            .await,
        2
    );
    let exported = String::from_utf8(export(&app, &client, &format!("{BASE}/export.csv")).await)
        .expect("utf-8");
    let lines: Vec<&str> = exported.lines().collect();
    assert!(lines[1].starts_with("H40,"), "parents first: {exported}");

    let cycle = "code,name,level,parent_code\nH40.60,UBND A,district,H40.61\nH40.61,UBND B,district,H40.60\n";
    let response = upload(
        &app,
        &client,
        &format!("{BASE}/import"),
        "vong.csv",
        cycle.into(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("Dòng 2, cột parent_code")
    );
    assert_eq!(app.scalar("SELECT count(*) FROM agencies").await, 3);
}

#[tokio::test]
async fn a_bad_row_refuses_the_whole_file_naming_its_line() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("quantri", "admin").await;
    let csv = "code,name,level,parent_code\n\
               H40.12.40,UBND xã A,commune,H40.12\n\
               H40.12.41,UBND xã B,xã,H40.12\n";
    let response = upload(
        &app,
        &client,
        &format!("{BASE}/import"),
        "co-quan.csv",
        csv.into(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("body");
    assert!(html.contains("Dòng 3, cột level"), "{html}");
    assert!(html.contains("Cấp chỉ nhận province"));
    let json = "[\n {\"code\": \"H40.12.3\", \"agency_code\": \"H40.12\", \"name\": \"Phòng Tài chính\", \"kind\": \"specialist\"},\n \
                {\"code\": \"H40.13.4\", \"agency_code\": \"H40.12\", \"name\": \"Phòng Kinh tế\", \"kind\": \"specialist\"}\n]";
    let response = upload(
        &app,
        &client,
        &format!("{UNITS}/import"),
        "don-vi.json",
        json.into(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("body");
    assert!(html.contains("Dòng 3, cột code"), "{html}");
    assert!(html.contains("Mã đơn vị phải là mã của cơ quan chủ quản"));
    assert_eq!(app.scalar("SELECT count(*) FROM agencies").await, 1);
    assert_eq!(app.scalar("SELECT count(*) FROM units").await, 2);
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action LIKE '%.import'")
            .await,
        0
    );
}

#[tokio::test]
async fn what_is_in_use_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("quantri", "admin").await;
    app.add_staff("canbo", "officer", false).await;
    for (path, name) in [
        (format!("{UNITS}/H40.12.1/delete"), "đơn vị H40.12.1"),
        (format!("{BASE}/H40.12/delete"), "cơ quan H40.12"),
    ] {
        let response = delete(&app, &client, &path).await;
        assert_eq!(response.status(), StatusCode::CONFLICT, "{path}");
        let html = response.text().await.expect("body");
        assert!(
            html.contains(&format!("Không xóa được {name}: đang được sử dụng")),
            "{html}"
        );
    }
    assert_eq!(app.scalar("SELECT count(*) FROM units").await, 2);
    assert_eq!(app.scalar("SELECT count(*) FROM agencies").await, 1);

    // A unit nobody belongs to goes, and so does an agency nothing hangs on.
    fill(&app, &client).await;
    for path in [
        format!("{UNITS}/H40.12.2/delete"),
        format!("{BASE}/H40.13/delete"),
    ] {
        assert_eq!(
            delete(&app, &client, &path).await.status(),
            StatusCode::SEE_OTHER,
            "{path}"
        );
    }
    assert_eq!(
        app.scalar("SELECT count(*) FROM units WHERE code = 'H40.12.2'")
            .await,
        0
    );
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM audit_log WHERE action IN ('unit.delete', 'agency.delete')"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn the_page_labels_every_control_scopes_every_header_and_is_linked_from_the_hub() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("quantri", "admin").await;
    fill(&app, &client).await;
    let html = app.page(&client, BASE).await;
    let doc = scraper::Html::parse_document(&html);
    let controls =
        scraper::Selector::parse("input:not([type=hidden]), select, textarea").expect("sel");
    let mut ids = std::collections::HashSet::new();
    for control in doc.select(&controls) {
        let id = control.value().attr("id").expect("control with an id");
        assert!(ids.insert(id.to_owned()), "duplicate id {id}");
        let label = scraper::Selector::parse(&format!("label[for=\"{id}\"]")).expect("sel");
        assert!(doc.select(&label).next().is_some(), "#{id}");
    }
    let headers = scraper::Selector::parse("th:not([scope])").expect("sel");
    assert!(doc.select(&headers).next().is_none());
    for href in [
        "/admin/catalogue/agencies/export.csv",
        "/admin/catalogue/agencies/export.json",
        "/admin/catalogue/agencies/units/export.csv",
        "/admin/catalogue/agencies/units/export.json",
    ] {
        assert!(html.contains(&format!("href=\"{href}\"")), "{href}");
    }
    let hub = app.page(&client, "/admin/catalogue").await;
    assert!(hub.contains(&format!("href=\"{BASE}\"")) && hub.contains("Cơ quan, đơn vị"));
}

#[tokio::test]
async fn someone_who_is_not_an_administrator_is_refused() {
    let app = TestApp::spawn().await;
    let officer = app.signed_in("canbo", "officer").await;
    for path in [BASE, "/admin/catalogue/agencies/units/export.csv"] {
        assert_eq!(
            app.get(&officer, path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let csrf = csrf_in(&app.page(&officer, "/staff/password").await);
    let fields = [
        ("csrf", csrf.as_str()),
        ("code", "H40.13"),
        ("name", "UBND huyện Bên Cạnh"),
        ("level", "district"),
    ];
    let response = app.post_form(&officer, BASE, &fields).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = app
        .post_form(
            &officer,
            &format!("{UNITS}/H40.12.2/delete"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.scalar("SELECT count(*) FROM agencies").await, 1);
    assert_eq!(app.scalar("SELECT count(*) FROM units").await, 2);
    assert_eq!(
        app.get(&app.client(), BASE).await.status(),
        StatusCode::SEE_OTHER
    );
}
