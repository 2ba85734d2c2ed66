//! Dossier documents end to end: digitised at the counter and certified, their text read in the background, and
//! the dossier found by staff who type a sentence from a PDF, a DOCX or an XLSX without its accents, while staff of
//! another unit find nothing; programs in disguise are refused and unreadable files are kept and marked.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::dossier_api::{act, counter_dossier, get, post, token, upload};
use crate::helpers::TestApp;

/// The sentence every fixture in tests/fixtures/documents holds.
const SENTENCE_UNACCENTED: &str = "nghia vu dong gop xay dung duong lien thon";

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/documents/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A received counter dossier of the demo office; returns its code.
async fn received(app: &TestApp, officer: &str, name: &str, id_number: &str) -> String {
    let mut body = counter_dossier("DEMO-HKD-01");
    body["applicant"]["name"] = json!(name);
    body["applicant"]["id_number"] = json!(id_number);
    let (s, d) = post(app, officer, "/api/v1/dossiers", body).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    d["code"].as_str().expect("code").to_owned()
}

/// Searches through the API until `want` holds (the text is read and indexed in the background), or 15 s pass.
async fn search_until(
    app: &TestApp,
    token: &str,
    query: &str,
    want: impl Fn(&Value) -> bool,
) -> Value {
    let path = format!(
        "/api/v1/dossiers?{}",
        serde_urlencoded::to_string([("q", query)]).expect("encode")
    );
    let started = Instant::now();
    loop {
        let (s, found) = get(app, token, &path).await;
        assert_eq!(s, StatusCode::OK, "{found}");
        if want(&found) || started.elapsed() > Duration::from_secs(15) {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Waits until every stored file's text has been read and the index has taken every change (at most 15 s).
async fn settled(app: &TestApp) {
    let started = Instant::now();
    while (app
        .scalar("SELECT count(*) FROM document_texts WHERE status = 'pending'")
        .await
        > 0
        || app.scalar("SELECT count(*) FROM outbox").await > 0)
        && started.elapsed() < Duration::from_secs(15)
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn codes(found: &Value) -> Vec<String> {
    found["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_sentence_typed_without_accents_finds_the_pdf_docx_and_xlsx_it_came_from_but_not_for_another_unit()
 {
    let app = TestApp::spawn_demo().await;
    let officer = token(&app, "motcua.canbo1").await;
    let mut dossiers = Vec::new();
    for (i, file) in ["xac-nhan.pdf", "xac-nhan.docx", "xac-nhan.xlsx"]
        .into_iter()
        .enumerate()
    {
        let code = received(&app, &officer, "Lê Đình Khoa", &format!("02709500123{i}")).await;
        let (s, d) = upload(
            &app,
            &officer,
            &code,
            &[("kind", "scan"), ("component", "1"), ("certified", "true")],
            file,
            fixture(file),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{file}: {d}");
        let (s, d) = act(
            &app,
            &officer,
            &code,
            json!({"action": "transfer", "to_unit": "H40.12.2"}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{d}");
        dossiers.push((code, file));
    }
    let found = search_until(&app, &officer, SENTENCE_UNACCENTED, |f| codes(f).len() >= 3).await;
    for (code, file) in &dossiers {
        let item = found["items"]
            .as_array()
            .and_then(|items| items.iter().find(|i| i["code"] == json!(code)))
            .unwrap_or_else(|| panic!("{file} not found: {found}"));
        assert_eq!(item["snippet_source"]["kind"], "document", "{item}");
        assert_eq!(item["snippet_source"]["file_name"], json!(file), "{item}");
        let snippet = item["snippet"].as_str().unwrap_or_default();
        assert!(
            snippet.contains("<mark>đóng</mark> <mark>góp</mark>"),
            "the fragment keeps its accents and marks the words: {snippet}"
        );
    }
    // The unit holding them finds them; a specialist of another unit finds none, by text or by code.
    let tuphap = token(&app, "tuphap.chuyenvien").await;
    let theirs = search_until(&app, &tuphap, SENTENCE_UNACCENTED, |f| codes(f).len() >= 3).await;
    assert_eq!(codes(&theirs).len(), 3, "{theirs}");
    let kinhte = token(&app, "kinhte.chuyenvien").await;
    for q in [SENTENCE_UNACCENTED, "Le Dinh Khoa", dossiers[0].0.as_str()] {
        let (s, other) = get(
            &app,
            &kinhte,
            &format!(
                "/api/v1/dossiers?{}",
                serde_urlencoded::to_string([("q", q)]).expect("encode")
            ),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert!(codes(&other).is_empty(), "{q}: {other}");
    }
    // The staff page shows the same hit with the document it came from.
    let browser = app.signed_in_as("motcua.canbo1").await;
    let html = app
        .page(
            &browser,
            &format!(
                "/staff/tim-kiem?q={}",
                SENTENCE_UNACCENTED.replace(' ', "+")
            ),
        )
        .await;
    assert!(html.contains(&dossiers[1].0), "{html}");
    assert!(html.contains("Trong tệp «xac-nhan.docx»"), "{html}");
    // Filters narrow the same text: none of them came by post.
    let (_, by_post) = get(
        &app,
        &officer,
        &format!(
            "/api/v1/dossiers?channel=3&q={}",
            SENTENCE_UNACCENTED.replace(' ', "+")
        ),
    )
    .await;
    assert!(codes(&by_post).is_empty(), "{by_post}");
}

#[tokio::test]
async fn a_certified_scan_marks_its_component_digitised_and_a_supplement_keeps_the_earlier_version()
{
    let app = TestApp::spawn_demo().await;
    let officer = token(&app, "motcua.canbo1").await;
    let code = received(&app, &officer, "Hoàng Văn Nam", "027095001240").await;
    for (name, certified) in [("lan-1.pdf", "false"), ("lan-2.pdf", "true")] {
        let (s, d) = upload(
            &app,
            &officer,
            &code,
            &[
                ("kind", "scan"),
                ("component", "1"),
                ("certified", certified),
            ],
            name,
            crate::portal_support::pdf(name),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
    }
    let browser = app.signed_in_as("motcua.canbo1").await;
    let html = app.page(&browser, &format!("/staff/dossiers/{code}")).await;
    assert!(html.contains("Bản sao điện tử khớp bản gốc"), "{html}");
    assert!(
        html.contains("Phiên bản trước (1)"),
        "the first scan is kept as an earlier version"
    );
    assert!(
        html.contains("Đã số hoá <strong>1/4</strong>"),
        "one of the four components received is digitised"
    );
    assert!(
        html.contains("chưa số hoá"),
        "the result is not digitised yet"
    );
    // Only a scan (or a result) can be certified; only staff can certify or keep a document confidential.
    let (s, d) = upload(
        &app,
        &officer,
        &code,
        &[("kind", "internal"), ("certified", "true")],
        "ghi-chu.txt",
        "Ghi chú nội bộ".as_bytes().to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{d}");
    assert_eq!(d["errors"]["certify"][0], "document.certify_kind");
}

#[tokio::test]
async fn a_renamed_program_is_refused_and_an_unreadable_file_is_kept_and_marked() {
    let app = TestApp::spawn_demo().await;
    let officer = token(&app, "motcua.canbo1").await;
    let code = received(&app, &officer, "Đỗ Thị Lan", "027095001241").await;
    let elf = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00".to_vec();
    let (s, d) = upload(
        &app,
        &officer,
        &code,
        &[("kind", "scan")],
        "to-khai.pdf",
        elf,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{d}");
    assert_eq!(d["errors"]["file"][0], "media_type", "{d}");
    let before = app.scalar("SELECT count(*) FROM dossier_documents").await;
    // A PDF header with nothing readable behind it is stored all the same, its text marked unreadable.
    let broken = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R\nthis is not a pdf".to_vec();
    let (s, d) = upload(
        &app,
        &officer,
        &code,
        &[("kind", "scan")],
        "hong.pdf",
        broken,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!(
        app.scalar("SELECT count(*) FROM dossier_documents").await,
        before + 1
    );
    settled(&app).await;
    assert_eq!(
        app.scalar("SELECT count(*) FROM document_texts WHERE status = 'unreadable'")
            .await,
        1
    );
    let browser = app.signed_in_as("motcua.canbo1").await;
    let html = app.page(&browser, &format!("/staff/dossiers/{code}")).await;
    assert!(
        html.contains("Không đọc được nội dung tệp; tệp vẫn được lưu đầy đủ."),
        "{html}"
    );
}

#[tokio::test]
async fn a_confidential_document_is_stored_but_its_text_is_never_searchable() {
    let app = TestApp::spawn_demo().await;
    let officer = token(&app, "motcua.canbo1").await;
    let open = received(&app, &officer, "Trịnh Văn Mở", "027095001242").await;
    let secret = received(&app, &officer, "Trịnh Văn Kín", "027095001243").await;
    let (s, _) = upload(
        &app,
        &officer,
        &open,
        &[("kind", "scan")],
        "xac-nhan.docx",
        fixture("xac-nhan.docx"),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = upload(
        &app,
        &officer,
        &secret,
        &[("kind", "internal"), ("confidential", "true")],
        "xac-nhan.odt",
        fixture("xac-nhan.odt"),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    // Both files read and both dossiers indexed: only the open one is found.
    settled(&app).await;
    let found = search_until(&app, &officer, SENTENCE_UNACCENTED, |_| true).await;
    assert_eq!(codes(&found), vec![open], "{found}");
}

#[tokio::test]
async fn the_size_limit_is_the_one_configured_and_the_pages_say_it() {
    let mut config = motcua::config::Config::for_tests();
    config.documents.max_file_mb = 1;
    let app = TestApp::spawn_demo_with(config).await;
    let officer = token(&app, "motcua.canbo1").await;
    let code = received(&app, &officer, "Phan Văn Cỡ", "027095001244").await;
    let sized = |n: usize| {
        let mut bytes = b"%PDF-1.4\n".to_vec();
        bytes.resize(n, b' ');
        bytes
    };
    let (s, d) = upload(
        &app,
        &officer,
        &code,
        &[("kind", "scan")],
        "lon.pdf",
        sized(1024 * 1024 + 1),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{d}");
    assert_eq!(d["errors"]["file"][0], "file.too_large", "{d}");
    let (s, d) = upload(
        &app,
        &officer,
        &code,
        &[("kind", "scan")],
        "vua.pdf",
        sized(1000 * 1024),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let browser = app.signed_in_as("motcua.canbo1").await;
    let html = app.page(&browser, &format!("/staff/dossiers/{code}")).await;
    assert!(
        html.contains("tối đa 1 MB"),
        "the dossier page names the limit"
    );
    let html = app
        .page(&browser, "/staff/tiep-nhan?procedure=DEMO-HKD-01")
        .await;
    assert!(
        html.contains("tối đa 1 MB mỗi tệp"),
        "the counter screen names the limit"
    );
}

#[tokio::test]
async fn a_reader_that_dies_on_a_file_leaves_the_file_stored_and_marked_and_the_server_serving() {
    let mut config = motcua::config::Config::for_tests();
    // Stands in for a parser that aborts on a hostile file: the reader process exits with a failure.
    config.documents.reader = Some("/bin/false".into());
    let app = TestApp::spawn_demo_with(config).await;
    let officer = token(&app, "motcua.canbo1").await;
    let code = received(&app, &officer, "Lưu Văn Bền", "027095001245").await;
    let (s, d) = upload(
        &app,
        &officer,
        &code,
        &[("kind", "scan")],
        "xac-nhan.pdf",
        fixture("xac-nhan.pdf"),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    settled(&app).await;
    assert_eq!(
        app.scalar("SELECT count(*) FROM dossier_documents").await,
        1,
        "the file stays recorded"
    );
    let browser = app.signed_in_as("motcua.canbo1").await;
    let html = app.page(&browser, &format!("/staff/dossiers/{code}")).await;
    assert!(
        html.contains("Không đọc được nội dung tệp; tệp vẫn được lưu đầy đủ."),
        "{html}"
    );
    let (s, _) = get(&app, &officer, &format!("/api/v1/dossiers/{code}")).await;
    assert_eq!(s, StatusCode::OK, "the server keeps serving");
}

/// scripts/test installs tesseract with Vietnamese data, so this runs in CI; without OCR the scan would be kept
/// with no text and this test fails rather than pass quietly.
#[tokio::test]
async fn a_scanned_image_is_read_with_ocr_and_found_by_its_words() {
    let app = TestApp::spawn_demo().await;
    let officer = token(&app, "motcua.canbo1").await;
    let code = received(&app, &officer, "Quan Văn Ảnh", "027095001246").await;
    let (s, d) = upload(
        &app,
        &officer,
        &code,
        &[("kind", "scan"), ("component", "1")],
        "xac-nhan.png",
        fixture("xac-nhan.png"),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let found = search_until(&app, &officer, "dong gop xay dung duong lien thon", |f| {
        !codes(f).is_empty()
    })
    .await;
    assert_eq!(codes(&found), vec![code], "{found}");
    assert_eq!(
        found["items"][0]["snippet_source"]["file_name"],
        "xac-nhan.png"
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM document_texts WHERE method = 'ocr' AND status = 'done'")
            .await,
        1
    );
}
