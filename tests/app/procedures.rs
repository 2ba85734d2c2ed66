//! The procedure catalogue: packs in and out (all or nothing, idempotent), versioned editing by administrators,
//! the portal's catalogue pages, the JSON API, and search following every change through the outbox.

use std::time::{Duration, Instant};

use base64::Engine as _;
use motcua::services::Context;
use motcua::services::packs::{self, ImportError};
use serde_json::{Value, json};

use crate::helpers::{TestApp, csrf_in, location};

const DOCX_MEDIA: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

fn ctx() -> Context {
    Context::console(time::OffsetDateTime::now_utc())
}

/// A minimal valid procedure; `n` varies its code and name.
fn procedure(code: &str, name: &str, online: bool) -> Value {
    json!({
        "code": code, "demo": true, "name": name, "sector": "H40-HT", "level": "district",
        "service_level": if online { "full" } else { "none" },
        "steps": ["Nộp hồ sơ tại Bộ phận Một cửa", "Nhận kết quả"],
        "method": "Nộp trực tiếp hoặc qua bưu chính",
        "channels": {"counter": true, "postal": true, "online": online},
        "components": [{"key": "to_khai", "name": "Tờ khai theo mẫu", "originals": 1, "copies": 0,
                        "required": true, "doc_type": "GT-TK", "template": "to-khai"}],
        "processing_time": {"amount": 3, "unit": "working_days"},
        "applicants": "Công dân Việt Nam", "implementing_agency": "UBND cấp huyện",
        "deciding_agency": "Chủ tịch UBND cấp huyện", "result": "Giấy xác nhận",
        "fees": [{"fee": "LP-01"}],
        "templates": [{"key": "to-khai", "name": "Tờ khai", "file_name": "tờ khai.txt", "media_type": "text/plain",
                       "content_base64": base64::engine::general_purpose::STANDARD.encode(format!("Tờ khai {name}"))}],
        "legal_basis": ["Luật Hộ tịch số 60/2014/QH13"],
        "workflow": [{"name": "Tiếp nhận", "role": "officer", "unit": "H40.12.1", "hours": 4},
                     {"name": "Thẩm định", "role": "specialist", "unit": "H40.12.2", "hours": 16}],
        "form": if online { json!([{"key": "ho_ten", "label": "Họ và tên", "type": "text", "required": true}]) } else { json!([]) }
    })
}

fn pack(procedures: Vec<Value>) -> String {
    serde_json::to_string_pretty(&json!({
        "format": "motcua.procedure-pack", "format_version": 1, "source": "thử nghiệm",
        "sectors": [{"code": "H40-HT", "name": "Hộ tịch", "demo": true}, {"code": "H40-XD", "name": "Hoạt động xây dựng", "demo": true}],
        "doc_types": [{"code": "GT-TK", "name": "Tờ khai", "demo": true}],
        "fees": [{"code": "LP-01", "name": "Lệ phí thử", "amount_vnd": 8000, "demo": true}],
        "procedures": procedures
    }))
    .expect("json")
}

fn three() -> String {
    pack(vec![
        procedure("DEMO-HT-01", "Đăng ký khai sinh", true),
        procedure("DEMO-HT-02", "Đăng ký khai tử", false),
        procedure("DEMO-HT-03", "Đăng ký kết hôn", true),
    ])
}

async fn import(app: &TestApp, text: &str) -> Result<packs::ImportReport, ImportError> {
    packs::import(&app.db, &ctx(), text).await
}

/// The codes `q` finds through the API right now.
async fn search_codes(app: &TestApp, q: &str) -> Vec<String> {
    let body: Value = app
        .client()
        .get(app.at("/api/v1/procedures"))
        .query(&[("q", q)])
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("json");
    body["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Polls until `q` finds (or, with `present` false, no longer finds) `code`; how long that took, or `None`
/// after three seconds.
async fn time_until(app: &TestApp, q: &str, code: &str, present: bool) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(3) {
        if search_codes(app, q).await.iter().any(|c| c == code) == present {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    None
}

#[tokio::test]
async fn a_pack_imports_whole_and_importing_it_again_changes_nothing() {
    let app = TestApp::spawn().await;
    let first = import(&app, &three()).await.expect("import");
    assert_eq!((first.procedures_created, first.procedures_updated), (3, 0));
    let audit_rows = app.scalar("SELECT count(*) FROM audit_log").await;
    let second = import(&app, &three()).await.expect("again");
    assert_eq!(
        (
            second.procedures_created,
            second.procedures_updated,
            second.procedures_unchanged
        ),
        (0, 0, 3)
    );
    assert_eq!(second.catalogue_entries_changed, 0);
    assert_eq!(
        app.scalar("SELECT count(*) FROM procedure_versions").await,
        3
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log").await,
        audit_rows,
        "an idempotent import is not audited"
    );
}

#[tokio::test]
async fn a_bad_pack_is_refused_naming_the_line_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let mut bad = procedure("DEMO-HT-02", "Đăng ký khai tử", false);
    bad["components"][0]["copies"] = json!(99);
    let text = pack(vec![
        procedure("DEMO-HT-01", "Đăng ký khai sinh", true),
        bad,
    ]);
    let expected_line = 1 + text
        .lines()
        .position(|l| l.contains("\"copies\": 99"))
        .expect("line");
    match import(&app, &text).await {
        Err(ImportError::Refused(p)) => {
            assert_eq!(p.path, "procedures[1].components[0].copies");
            assert_eq!(p.code, "range");
            assert_eq!(p.line, expected_line, "the line of the offending value");
            assert!(p.to_string().contains("nằm ngoài khoảng cho phép"));
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(app.scalar("SELECT count(*) FROM procedures").await, 0);
    assert_eq!(app.scalar("SELECT count(*) FROM sectors").await, 0);
    assert_eq!(app.scalar("SELECT count(*) FROM template_files").await, 0);
}

#[tokio::test]
async fn a_template_whose_content_does_not_match_its_type_is_refused() {
    let app = TestApp::spawn().await;
    let mut p = procedure("DEMO-HT-01", "Đăng ký khai sinh", true);
    p["templates"][0]["media_type"] = json!(DOCX_MEDIA);
    let err = import(&app, &pack(vec![p])).await.expect_err("refused");
    assert!(
        matches!(err, ImportError::Refused(ref p) if p.code == "content_mismatch"),
        "{err:?}"
    );
}

#[tokio::test]
async fn exporting_and_importing_into_a_fresh_office_reproduces_the_catalogue() {
    let a = TestApp::spawn().await;
    import(&a, &three()).await.expect("import");
    let exported = serde_json::to_value(packs::export(&a.db).await.expect("export")).expect("json");
    let b = TestApp::spawn().await;
    let report = import(&b, &exported.to_string())
        .await
        .expect("import into b");
    assert_eq!(report.procedures_created, 3);
    let again = serde_json::to_value(packs::export(&b.db).await.expect("export b")).expect("json");
    assert_eq!(exported["procedures"], again["procedures"]);
    assert_eq!(exported["sectors"], again["sectors"]);
}

#[tokio::test]
async fn the_procedure_page_shows_the_eleven_items_and_its_template_downloads() {
    let app = TestApp::spawn().await;
    import(&app, &three()).await.expect("import");
    let client = app.client();
    let html = app.page(&client, "/thu-tuc/DEMO-HT-01").await;
    for heading in [
        "1. Tên thủ tục",
        "2. Trình tự thực hiện",
        "3. Cách thức thực hiện",
        "4. Thành phần, số lượng hồ sơ",
        "5. Thời hạn giải quyết",
        "6. Đối tượng thực hiện",
        "7. Cơ quan thực hiện",
        "8. Kết quả thực hiện",
        "9. Mẫu đơn, tờ khai; yêu cầu, điều kiện; phí, lệ phí",
        "10. Kênh nộp hồ sơ và nhận kết quả",
        "11. Căn cứ pháp lý",
    ] {
        assert!(html.contains(heading), "missing {heading}");
    }
    assert!(
        html.contains("Nộp hồ sơ trực tuyến"),
        "online procedures offer online submission"
    );
    assert!(html.contains("8.000 đồng"));
    assert!(html.contains("Dữ liệu minh hoạ"));
    let offline = app.page(&client, "/thu-tuc/DEMO-HT-02").await;
    assert!(!offline.contains("Nộp hồ sơ trực tuyến"));
    let file = app.get(&client, "/thu-tuc/DEMO-HT-01/mau/to-khai").await;
    assert_eq!(file.status(), 200);
    let disposition = file.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        disposition.contains("filename*=UTF-8''t%E1%BB%9D%20khai.txt"),
        "{disposition}"
    );
    assert_eq!(
        file.text().await.expect("body"),
        "Tờ khai Đăng ký khai sinh"
    );
    assert_eq!(app.get(&client, "/thu-tuc/KHONG-CO").await.status(), 404);
}

#[tokio::test]
async fn the_api_filters_the_catalogue_and_pages_with_a_cursor() {
    let app = TestApp::spawn().await;
    import(&app, &three()).await.expect("import");
    let client = app.client();
    let get = |query: &'static str| {
        let client = client.clone();
        let url = app.at(&format!("/api/v1/procedures?{query}"));
        async move {
            client
                .get(url)
                .send()
                .await
                .expect("GET")
                .json::<Value>()
                .await
                .expect("json")
        }
    };
    let first = get("limit=2").await;
    assert_eq!(first["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(first["total"], 3);
    let cursor = first["next_cursor"].as_str().expect("cursor").to_owned();
    let second: Value = client
        .get(app.at("/api/v1/procedures"))
        .query(&[("limit", "2"), ("cursor", cursor.as_str())])
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("json");
    assert_eq!(second["items"].as_array().map(Vec::len), Some(1));
    assert!(second["next_cursor"].is_null());
    let online = get("service_level=full").await;
    assert_eq!(online["total"], 2);
    let bad = client
        .get(app.at("/api/v1/procedures?cursor=zzz"))
        .send()
        .await
        .expect("GET");
    assert_eq!(bad.status(), 422);
    let one: Value = client
        .get(app.at("/api/v1/procedures/DEMO-HT-01"))
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("json");
    assert_eq!(one["name"], "Đăng ký khai sinh");
    assert_eq!(one["version"], 1);
    assert_eq!(
        one["templates"][0]["url"],
        "/thu-tuc/DEMO-HT-01/mau/to-khai"
    );
    assert_eq!(one["fee_details"][0]["amount_vnd"], 8000);
    let sectors: Value = client
        .get(app.at("/api/v1/sectors"))
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("json");
    assert_eq!(sectors["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        client
            .get(app.at("/api/v1/procedures/KHONG-CO"))
            .send()
            .await
            .expect("GET")
            .status(),
        404
    );
}

/// The editor's fields for a procedure as the page renders them, so a test edits what a person would see.
fn form_fields(html: &str) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(html);
    let form = scraper::Selector::parse("form.editor").expect("sel");
    let inputs = scraper::Selector::parse("input, textarea, select").expect("sel");
    let option = scraper::Selector::parse("option[selected]").expect("sel");
    let mut out = Vec::new();
    let Some(form) = doc.select(&form).next() else {
        return out;
    };
    for el in form.select(&inputs) {
        let v = el.value();
        let Some(name) = v.attr("name") else { continue };
        let value = match v.name() {
            "textarea" => el.text().collect::<String>(),
            "select" => el
                .select(&option)
                .next()
                .and_then(|o| o.value().attr("value"))
                .unwrap_or("")
                .to_owned(),
            _ if v.attr("type") == Some("checkbox") => {
                if v.attr("checked").is_none() {
                    continue;
                }
                v.attr("value").unwrap_or("1").to_owned()
            }
            _ => v.attr("value").unwrap_or("").to_owned(),
        };
        out.push((name.to_owned(), value));
    }
    out
}

#[tokio::test]
async fn an_edited_procedure_is_published_as_a_new_version_and_search_follows_within_a_second() {
    let app = TestApp::spawn().await;
    import(&app, &three()).await.expect("import");
    let admin = app.signed_in("quantri", "admin").await;
    let html = app.page(&admin, "/admin/procedures/DEMO-HT-02").await;
    let mut fields = form_fields(&html);
    for (k, v) in fields.iter_mut() {
        if k == "name" {
            *v = "Đăng ký khai tử lưu động".into();
        }
    }
    fields.push(("op".into(), "save".into()));
    let saved = admin
        .post(app.at("/admin/procedures/DEMO-HT-02"))
        .form(&fields)
        .send()
        .await
        .expect("POST");
    assert_eq!(
        saved.status(),
        303,
        "{}",
        saved.text().await.unwrap_or_default()
    );
    // The draft does not change what citizens see.
    assert!(
        app.page(&app.client(), "/thu-tuc/DEMO-HT-02")
            .await
            .contains("<h1>Đăng ký khai tử</h1>")
    );
    let page = app.page(&admin, "/admin/procedures/DEMO-HT-02").await;
    let csrf = csrf_in(&page);
    let published = app
        .post_form(
            &admin,
            "/admin/procedures/DEMO-HT-02/publish",
            &[("csrf", &csrf), ("valid_from", "2026-12-01")],
        )
        .await;
    assert_eq!(published.status(), 303);
    assert_eq!(location(&published), "/admin/procedures/DEMO-HT-02");
    let took = time_until(&app, "luu dong", "DEMO-HT-02", true)
        .await
        .expect("search finds the new name");
    assert!(
        took < Duration::from_secs(1),
        "search followed after {took:?}"
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM procedure_versions WHERE procedure_code = 'DEMO-HT-02' AND state = 'retired'").await,
        1,
        "the old version is kept for dossiers received under it"
    );
    let portal = app.page(&app.client(), "/thu-tuc/DEMO-HT-02").await;
    assert!(
        portal.contains("Đăng ký khai tử lưu động")
            && portal.contains("Phiên bản 2, áp dụng từ 01/12/2026")
    );
}

#[tokio::test]
async fn an_invalid_draft_is_refused_with_every_error_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    import(&app, &three()).await.expect("import");
    let admin = app.signed_in("quantri", "admin").await;
    let mut fields = form_fields(&app.page(&admin, "/admin/procedures/DEMO-HT-01").await);
    for (k, v) in fields.iter_mut() {
        match k.as_str() {
            "name" => v.clear(),
            "w1_hours" => *v = "400".into(),
            _ => {}
        }
    }
    fields.push(("op".into(), "save".into()));
    let response = admin
        .post(app.at("/admin/procedures/DEMO-HT-01"))
        .form(&fields)
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 422);
    let html = response.text().await.expect("body");
    assert!(
        html.contains("Tên thủ tục: bắt buộc, không được để trống"),
        "name error shown"
    );
    assert!(
        html.contains("tổng thời gian các bước xử lý vượt quá thời hạn giải quyết"),
        "workflow error shown"
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM procedure_versions WHERE state = 'draft'")
            .await,
        0
    );
}

#[tokio::test]
async fn a_withdrawn_procedure_leaves_the_portal_and_search() {
    let app = TestApp::spawn().await;
    import(&app, &three()).await.expect("import");
    assert!(
        time_until(&app, "ket hon", "DEMO-HT-03", true)
            .await
            .is_some()
    );
    let admin = app.signed_in("quantri", "admin").await;
    let csrf = app.csrf(&admin, "/admin/procedures/DEMO-HT-03").await;
    let r = app
        .post_form(
            &admin,
            "/admin/procedures/DEMO-HT-03/withdraw",
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        app.get(&app.client(), "/thu-tuc/DEMO-HT-03").await.status(),
        404
    );
    let took = time_until(&app, "ket hon", "DEMO-HT-03", false)
        .await
        .expect("search drops it");
    assert!(
        took < Duration::from_secs(1),
        "search followed after {took:?}"
    );
}

#[tokio::test]
async fn the_site_maps_list_every_published_procedure() {
    let app = TestApp::spawn().await;
    import(&app, &three()).await.expect("import");
    let client = app.client();
    let xml = app.page(&client, "/sitemap.xml").await;
    for code in ["DEMO-HT-01", "DEMO-HT-02", "DEMO-HT-03"] {
        assert!(
            xml.contains(&format!("/thu-tuc/{code}</loc>")),
            "{code} missing from sitemap.xml"
        );
    }
    assert!(
        xml.contains(&format!("<loc>{}/thu-tuc/DEMO-HT-01</loc>", app.url)),
        "addresses use the origin the visitor reached (HTTP/2 has no Host header): {xml}"
    );
    assert!(
        xml.contains("/thu-tuc?sector=H40-HT</loc>"),
        "sector pages are listed"
    );
    let html = app.page(&client, "/so-do-trang").await;
    assert!(html.contains("href=\"/thu-tuc/DEMO-HT-03\""));
    assert!(app.page(&client, "/robots.txt").await.contains("Sitemap: "));
}

#[tokio::test]
async fn only_administrators_reach_the_catalogue_editor() {
    let app = TestApp::spawn().await;
    import(&app, &three()).await.expect("import");
    let officer = app.signed_in("canbo", "officer").await;
    assert_eq!(app.get(&officer, "/admin/procedures").await.status(), 403);
    assert_eq!(
        app.get(&officer, "/admin/procedures/DEMO-HT-01")
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn renaming_a_sector_reaches_the_search_entries_of_its_procedures() {
    let app = TestApp::spawn().await;
    import(&app, &three()).await.expect("import");
    assert!(
        time_until(&app, "khai sinh", "DEMO-HT-01", true)
            .await
            .is_some()
    );
    let admin = app.signed_in("quantri", "admin").await;
    let csrf = app.csrf(&admin, "/admin/catalogue/sectors").await;
    let saved = app
        .post_form(
            &admin,
            "/admin/catalogue/sectors",
            &[
                ("csrf", &csrf),
                ("code", "H40-HT"),
                ("name", "Hộ tịch và quốc tịch"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let took = time_until(&app, "quoc tich", "DEMO-HT-01", true)
        .await
        .expect("the new sector name is searchable");
    assert!(
        took < Duration::from_secs(1),
        "search followed after {took:?}"
    );
}
