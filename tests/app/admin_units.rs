//! The administrative-unit catalogue over HTTP: the national list loaded at first start, export and all-or-nothing
//! import, the move of the office to the 2025 communes, and who may reach these pages.

// A test should stop at the first surprise; the crate-wide `expect_used` denial is for code outside tests.
#![allow(clippy::expect_used)]

use crate::helpers::{TestApp, location};
use motcua::services::{Context, admin_units};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

const UNITS: &str = "/admin/catalogue/units";
const MOVE: &str = "/admin/catalogue/units/move";

/// Text of every `li` in the alert of a refused form.
fn alert_items(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("[role=alert] li").expect("selector");
    doc.select(&sel)
        .map(|e| e.text().collect::<String>())
        .collect()
}

async fn import(
    app: &TestApp,
    client: &reqwest::Client,
    era: &str,
    file: Option<String>,
    pasted: &str,
) -> reqwest::Response {
    let csrf = app.csrf(client, UNITS).await;
    let mut form = Form::new()
        .text("csrf", csrf)
        .text("era", era.to_owned())
        .text("data", pasted.to_owned());
    if let Some(text) = file {
        form = form.part(
            "file",
            Part::text(text)
                .file_name("units.csv")
                .mime_str("text/csv")
                .expect("mime"),
        );
    }
    client
        .post(app.at("/admin/catalogue/units/import"))
        .multipart(form)
        .send()
        .await
        .expect("POST import")
}

async fn serve_tien_du_communes(app: &TestApp) {
    app.sql(
        "INSERT INTO communes(era, code, name, agency_code) VALUES
           ('2025-03', '09319', 'Thị trấn Lim', 'H40.12'),
           ('2025-03', '09322', 'Xã Phú Lâm', 'H40.12'),
           ('2025-03', '09328', 'Xã Nội Duệ', 'H40.12')",
    )
    .await;
}

#[tokio::test]
async fn the_national_list_of_both_eras_is_there_after_the_first_start() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.scalar("SELECT count(*) FROM admin_units WHERE era = '2025-03' AND level = 'province'")
            .await,
        63
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM admin_units WHERE era = '2025-07' AND level = 'province'")
            .await,
        34
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM admin_units WHERE era = '2025-07' AND level = 'commune'")
            .await,
        3_321
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM admin_units WHERE era = '2025-07' AND level = 'district'")
            .await,
        0
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'catalogue.units.seed'")
            .await,
        1
    );
    let client = app.signed_in("quantri", "admin").await;
    let html = app
        .page(&client, "/admin/catalogue/units?era=2025-03&parent=260")
        .await;
    let doc = scraper::Html::parse_document(&html);
    let tables = scraper::Selector::parse("main table").expect("selector");
    let rows = scraper::Selector::parse("tbody tr").expect("selector");
    let drill_down = doc.select(&tables).next_back().expect("a table of units");
    let tien_du: Vec<String> = drill_down
        .select(&rows)
        .map(|r| r.text().collect())
        .collect();
    assert_eq!(
        tien_du.len(),
        14,
        "Huyện Tiên Du has 14 communes: {tien_du:?}"
    );
    for name in ["Thị trấn Lim", "Xã Phú Lâm", "Xã Nội Duệ", "Xã Cảnh Hưng"] {
        assert!(
            tien_du.iter().any(|row| row.contains(name)),
            "{name} missing"
        );
    }
    assert!(
        html.contains("Tỉnh Bắc Ninh") && html.contains("Huyện Tiên Du"),
        "the trail names the parents"
    );
    let again =
        admin_units::seed_defaults(&app.db, &Context::console(time::OffsetDateTime::now_utc()))
            .await;
    assert_eq!(
        again.expect("seed"),
        admin_units::SeedReport::default(),
        "a second start loads nothing"
    );
}

#[tokio::test]
async fn exporting_then_importing_an_era_changes_nothing() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("quantri", "admin").await;
    for (era, format) in [("2025-07", "csv"), ("2025-03", "json")] {
        let path = format!("/admin/catalogue/units/export.{format}?era={era}");
        let response = app.get(&client, &path).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            response.headers()["content-disposition"]
                .to_str()
                .expect("header")
                .contains("attachment")
        );
        let before = response.text().await.expect("body");
        if format == "csv" {
            assert!(before.starts_with("era,code,name,kind,level,parent_code\n"));
            assert!(before.contains("2025-07,09319,Xã Tiên Du,Xã,commune,24\n"));
        }
        let response = import(&app, &client, era, Some(before.clone()), "").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{era} {format}");
        assert!(
            location(&response).contains("added=0&changed=0"),
            "{}",
            location(&response)
        );
        let rows = before.lines().count() - if format == "csv" { 1 } else { 2 };
        let done = app.page(&client, &location(&response)).await;
        assert!(
            done.contains(&format!(
                "Đã nhập {rows} dòng: thêm mới 0, cập nhật 0, giữ nguyên {rows}."
            )),
            "{era} {format}: the result is reported"
        );
        assert_eq!(
            app.page(&client, &path).await,
            before,
            "{era} {format} round trip"
        );
    }
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'catalogue.units.import'")
            .await,
        2
    );
}

#[tokio::test]
async fn a_bad_row_rejects_the_whole_file_with_its_line_number_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("quantri", "admin").await;
    let csv = "era,code,name,kind,level,parent_code\n\
               2025-07,99001,Xã Thử Một,Xã,commune,24\n\
               2025-07,99002,Xã Thử Hai,Xã,hamlet,24\n\
               2025-07,99003,,Xã,commune,24\n\
               2025-07,99004,Xã Thử Bốn,Xã,commune,77\n\
               2025-07,99001,Xã Trùng Mã,Xã,commune,24\n\
               2025-07,99005,Xã Thử Năm,Xã,district,24\n";
    let response = import(&app, &client, "2025-07", None, csv).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("body");
    let items = alert_items(&html);
    for expected in [
        "Dòng 3: Cấp không hợp lệ",
        "Dòng 4: Thiếu tên đơn vị",
        "Dòng 5: Không tìm thấy đơn vị cấp trên",
        "Dòng 6: Mã đơn vị trùng",
        "Dòng 7: Từ 01/7/2025 không còn cấp huyện",
    ] {
        assert!(
            items.iter().any(|i| i.starts_with(expected)),
            "{expected} not in {items:?}"
        );
    }
    assert!(
        !items.iter().any(|i| i.starts_with("Dòng 2")),
        "line 2 is good: {items:?}"
    );
    assert!(
        html.contains("Xã Thử Một"),
        "the pasted text is kept for correction"
    );
    let json = "[\n{\"era\":\"2025-07\",\"code\":\"99001\",\"name\":\"Xã A\",\"kind\":\"Xã\",\"level\":\"commune\",\"parent_code\":\"24\"},\n\
                {\"era\":\"2025-07\",\"code\":\"99002\",\"name\":\"Xã B\",\"kind\":\"Xã\",\"level\":\"commune\",\"parent_code\":\"99001\"}\n]";
    let response = import(&app, &client, "2025-07", Some(json.to_owned()), "").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let items = alert_items(&response.text().await.expect("body"));
    assert!(
        items
            .iter()
            .any(|i| i.starts_with("Dòng 3: Đơn vị cấp trên không đúng cấp")),
        "{items:?}"
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM admin_units WHERE code GLOB '99*'")
            .await,
        0
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'catalogue.units.import'")
            .await,
        0
    );
}

#[tokio::test]
async fn moving_tien_du_proposes_xa_tien_du_retires_the_old_communes_and_cannot_happen_twice() {
    let app = TestApp::spawn().await;
    serve_tien_du_communes(&app).await;
    let client = app.signed_in("quantri", "admin").await;
    let html = app.page(&client, MOVE).await;
    assert!(
        html.contains("Xã Tiên Du") && html.contains("toàn bộ"),
        "the full merge is proposed"
    );
    assert!(
        !html.contains("type=\"checkbox\""),
        "nothing to confirm for full merges"
    );
    let csrf = app.csrf(&client, MOVE).await;
    let response = app.post_form(&client, MOVE, &[("csrf", &csrf)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/admin/catalogue/units/move?done=1");
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM communes WHERE era = '2025-03' AND retired_at IS NOT NULL"
        )
        .await,
        3
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM communes WHERE era = '2025-07' AND code = '09319' AND name = 'Xã Tiên Du' AND agency_code = 'H40.12' AND retired_at IS NULL").await,
        1
    );
    assert_eq!(
        app.scalar(
            "SELECT count(*) FROM settings WHERE key = 'admin_units_era' AND value = '2025-07'"
        )
        .await,
        1
    );
    let done = app
        .page(&client, "/admin/catalogue/units/move?done=1")
        .await;
    assert!(done.contains("Đã chuyển cơ quan") && done.contains("Xã Tiên Du"));
    let again = app.post_form(&client, MOVE, &[("csrf", &csrf)]).await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        alert_items(&again.text().await.expect("body"))
            .iter()
            .any(|i| i.contains("không chuyển lại"))
    );
    assert_eq!(app.scalar("SELECT count(*) FROM communes").await, 4);
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'catalogue.units.move'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_split_commune_is_not_moved_until_the_admin_confirms_its_new_commune() {
    let app = TestApp::spawn().await;
    app.sql("INSERT INTO communes(era, code, name, agency_code) VALUES ('2025-03', '00016', 'Phường Ngọc Hà', 'H40.12')")
        .await;
    let client = app.signed_in("quantri", "admin").await;
    let html = app.page(&client, MOVE).await;
    assert!(
        html.contains("một phần")
            && html.contains("name=\"new.00004\"")
            && html.contains("name=\"new.00008\"")
    );
    let csrf = app.csrf(&client, MOVE).await;
    let unconfirmed = app.post_form(&client, MOVE, &[("csrf", &csrf)]).await;
    assert_eq!(unconfirmed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let items = alert_items(&unconfirmed.text().await.expect("body"));
    assert!(
        items
            .iter()
            .any(|i| i.starts_with("Phường Ngọc Hà (00016): Xã này được chia")),
        "{items:?}"
    );
    let foreign = app
        .post_form(&client, MOVE, &[("csrf", &csrf), ("new.09319", "09319")])
        .await;
    assert_eq!(foreign.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        alert_items(&foreign.text().await.expect("body"))
            .iter()
            .any(|i| i.contains("không nằm trong danh sách đề xuất"))
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM communes WHERE retired_at IS NOT NULL OR era = '2025-07'")
            .await,
        0
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM settings WHERE key = 'admin_units_era'")
            .await,
        0
    );
    let confirmed = app
        .post_form(&client, MOVE, &[("csrf", &csrf), ("new.00008", "00008")])
        .await;
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.scalar("SELECT count(*) FROM communes WHERE era = '2025-07' AND code = '00008'")
            .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM communes WHERE era = '2025-07' AND code = '00004'")
            .await,
        0
    );
}

#[tokio::test]
async fn only_administrators_reach_the_catalogue_pages() {
    let app = TestApp::spawn().await;
    let officer = app.signed_in("canbo", "officer").await;
    for path in [UNITS, MOVE, "/admin/catalogue/units/export.csv?era=2025-07"] {
        assert_eq!(
            app.get(&officer, path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let csrf = app.csrf(&officer, "/staff").await;
    assert_eq!(
        app.post_form(&officer, MOVE, &[("csrf", &csrf)])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let form = Form::new()
        .text("csrf", csrf)
        .text("era", "2025-07")
        .text("data", "era,code\n");
    let response = officer
        .post(app.at("/admin/catalogue/units/import"))
        .multipart(form)
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let anonymous = app.get(&app.client(), UNITS).await;
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert!(location(&anonymous).starts_with("/staff/login"));
}

#[tokio::test]
async fn an_import_without_the_form_token_is_refused() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("quantri", "admin").await;
    let form = Form::new()
        .text("csrf", "sai")
        .text("era", "2025-07")
        .text("data", "era,code\n");
    let response = client
        .post(app.at("/admin/catalogue/units/import"))
        .multipart(form)
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn every_control_on_the_catalogue_pages_has_a_label_and_headings_do_not_skip_levels() {
    let app = TestApp::spawn().await;
    app.sql("INSERT INTO communes(era, code, name, agency_code) VALUES ('2025-03', '00016', 'Phường Ngọc Hà', 'H40.12')")
        .await;
    let client = app.signed_in("quantri", "admin").await;
    for path in [UNITS, "/admin/catalogue/units?era=2025-03&parent=27", MOVE] {
        let html = app.page(&client, path).await;
        let doc = scraper::Html::parse_document(&html);
        let controls =
            scraper::Selector::parse("main input:not([type=hidden]), main select, main textarea")
                .expect("sel");
        for control in doc.select(&controls) {
            let id = control
                .value()
                .attr("id")
                .unwrap_or_else(|| panic!("{path}: control without id"));
            let label = scraper::Selector::parse(&format!("label[for=\"{id}\"]")).expect("sel");
            assert!(
                doc.select(&label).next().is_some(),
                "{path}: #{id} has no label"
            );
        }
        let headings = scraper::Selector::parse("main h1, main h2, main h3, main h4").expect("sel");
        let levels: Vec<u8> = doc
            .select(&headings)
            .map(|h| h.value().name().as_bytes()[1] - b'0')
            .collect();
        assert_eq!(levels.first(), Some(&1), "{path}");
        assert!(
            levels.windows(2).all(|w| w[1] <= w[0] + 1),
            "{path}: {levels:?}"
        );
        let tables = scraper::Selector::parse("main table").expect("sel");
        let header = scraper::Selector::parse("thead th[scope=col]").expect("sel");
        assert!(
            doc.select(&tables)
                .all(|t| t.select(&header).next().is_some()),
            "{path}: table without headers"
        );
    }
}
