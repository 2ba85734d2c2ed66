//! The archive package (`/staff/dossiers/{ref}/luu-tru.zip`) of a dossier taken through the whole process with
//! several versions of a paper, a long text file and a signed result: every file byte for byte, the metadata, the
//! history and the checksums; and who may export it.

#![allow(clippy::expect_used)]

use std::collections::BTreeMap;
use std::io::Read;

use motcua::services::dossiers::documents::{self, NewDocument};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::{acting, at};
use crate::dossier_api::{act, token};
use crate::forms::{browser, code_of, received};
use crate::helpers::{TestApp, csrf_in};

/// Posts the result form of the dossier page as `client` (the officer signs and publishes it).
async fn issue(app: &TestApp, client: &reqwest::Client, code: &str, bytes: &[u8]) {
    let csrf = csrf_in(&app.page(client, &format!("/staff/dossiers/{code}")).await);
    let form = Form::new().text("csrf", csrf).part(
        "file",
        Part::bytes(bytes.to_vec()).file_name("giay-chung-nhan.pdf"),
    );
    let response = client
        .post(app.at(&format!("/staff/dossiers/{code}/results")))
        .multipart(form)
        .send()
        .await
        .expect("post result");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

/// A DEMO-HKD-01 dossier taken from the counter to its returned result, with two versions of the request, a long
/// text paper and a signed electronic result; returns its code and the (file name, bytes) of every document.
async fn returned_with_papers(app: &TestApp) -> (String, Vec<(String, Vec<u8>)>) {
    let officer_token = token(app, "motcua.canbo1").await;
    let code = code_of(&received(app, &officer_token, "DEMO-HKD-01").await);
    let officer = acting(app, "motcua.canbo1").await;
    let long: String = (0..60_000)
        .map(|i| format!("Dòng {i}: biên bản họp thành viên hộ gia đình.\n"))
        .collect();
    let papers = vec![
        (
            "Giấy đề nghị.pdf".to_owned(),
            b"%PDF-1.4\n% ban 1\n%%EOF\n".to_vec(),
        ),
        (
            "Giấy đề nghị.pdf".to_owned(),
            b"%PDF-1.4\n% ban 2, sua loi chinh ta\n%%EOF\n".to_vec(),
        ),
        ("Biên bản họp/gia đình.txt".to_owned(), long.into_bytes()),
    ];
    for (name, bytes) in &papers {
        let doc = NewDocument {
            file_name: name.clone(),
            bytes: bytes.clone(),
            kind: "scan".into(),
            component: Some(1),
            confidential: false,
            certify: false,
        };
        documents::attach(
            &app.db,
            crate::archive::file_store(&app),
            &at(OffsetDateTime::now_utc()),
            &officer,
            &code,
            doc,
        )
        .await
        .expect("attach");
    }
    let head = token(app, "kinhte.truong").await;
    let specialist = token(app, "kinhte.chuyenvien").await;
    let specialist_id = app
        .scalar("SELECT id FROM staff WHERE username = 'kinhte.chuyenvien'")
        .await;
    for (who, body) in [
        (
            &officer_token,
            json!({"action": "transfer", "to_unit": "H40.12.4"}),
        ),
        (&head, json!({"action": "assign", "to_user": specialist_id})),
        (&specialist, json!({"action": "approve"})),
        (&head, json!({"action": "approve"})),
    ] {
        let (s, d) = act(app, who, &code, body).await;
        assert_eq!(s, StatusCode::OK, "{d}");
    }
    let result = b"%PDF-1.4\n% Giay chung nhan dang ky ho kinh doanh\n%%EOF\n".to_vec();
    issue(app, &browser(app, "motcua.canbo1").await, &code, &result).await;
    for (who, body) in [
        (&specialist, json!({"action": "complete"})),
        (
            &officer_token,
            json!({"action": "notify_applicant", "method": "Điện thoại"}),
        ),
        (&officer_token, json!({"action": "return_result"})),
    ] {
        let (s, d) = act(app, who, &code, body).await;
        assert_eq!(s, StatusCode::OK, "{d}");
    }
    let mut all = papers;
    all.push(("giay-chung-nhan.pdf".to_owned(), result));
    (code, all)
}

fn sha256(bytes: &[u8]) -> String {
    motcua::crypto::sha256_hex(bytes)
}

#[tokio::test]
async fn the_zip_holds_every_document_byte_for_byte_with_the_metadata_and_the_history() {
    let app = TestApp::spawn_demo().await;
    let (code, papers) = returned_with_papers(&app).await;
    let archivist = browser(&app, "luutru").await;
    let response = app
        .get(&archivist, &format!("/staff/dossiers/{code}/luu-tru.zip"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        disposition.contains(&format!("{code}-luu-tru.zip")),
        "{disposition}"
    );
    let bytes = response.bytes().await.expect("zip");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    let mut entries = BTreeMap::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).expect("entry");
        let mut content = Vec::new();
        file.read_to_end(&mut content).expect("read");
        entries.insert(file.name().expect("name").into_owned(), content);
    }
    let names: Vec<&str> = entries.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "SHA256SUMS",
            "ho-so.json",
            "lich-su.csv",
            "lich-su.json",
            "tai-lieu/01-giay-de-nghi.pdf",
            "tai-lieu/02-giay-de-nghi.pdf",
            "tai-lieu/03-bien-ban-hop-gia-dinh.txt",
            "tai-lieu/04-giay-chung-nhan.pdf",
        ]
    );
    // Every document, every version, byte for byte.
    for (i, (_, original)) in papers.iter().enumerate() {
        let entry = entries
            .iter()
            .find(|(n, _)| n.starts_with(&format!("tai-lieu/{:02}-", i + 1)))
            .expect("entry");
        assert_eq!(sha256(entry.1), sha256(original), "{}", entry.0);
    }
    // SHA256SUMS lists every other entry with its hash, as `sha256sum -c` reads it.
    let sums = String::from_utf8(entries["SHA256SUMS"].clone()).expect("utf-8");
    assert_eq!(sums.lines().count(), entries.len() - 1);
    for line in sums.lines() {
        let (hash, name) = line.split_once("  ").expect("two spaces");
        assert_eq!(hash, sha256(&entries[name]), "{name}");
    }

    let meta: Value = serde_json::from_slice(&entries["ho-so.json"]).expect("json");
    assert_eq!(meta["format"], "motcua-archive-v1");
    assert_eq!(meta["dossier"]["code"], code.as_str());
    assert_eq!(meta["dossier"]["procedure"]["code"], "DEMO-HKD-01");
    assert_eq!(meta["dossier"]["applicant"]["name"], "Nguyễn Văn An");
    assert_eq!(meta["dossier"]["status"]["name"], "Đã trả kết quả");
    assert_eq!(meta["dossier"]["retention"]["years"], 10);
    assert_eq!(meta["dossier"]["retention"]["set_by"], "office_default");
    assert!(meta["dossier"]["dates"]["finished_at"].is_string());
    let docs = meta["documents"].as_array().expect("documents");
    assert_eq!(docs.len(), 4);
    for (doc, (name, original)) in docs.iter().zip(&papers) {
        assert_eq!(doc["file_name"], name.as_str());
        assert_eq!(doc["sha256"], sha256(original).as_str());
        assert_eq!(doc["size"], original.len());
        assert!(entries.contains_key(doc["path"].as_str().expect("path")));
    }
    assert_eq!(docs[2]["media_type"], "text/plain");
    let result = &meta["results"][0];
    assert_eq!(result["sha256"], docs[3]["sha256"]);
    assert!(
        result["verify_code"]
            .as_str()
            .is_some_and(|c| !c.is_empty())
    );
    assert_eq!(result["public_key_hex"].as_str().map(str::len), Some(64));

    let history: Value = serde_json::from_slice(&entries["lich-su.json"]).expect("json");
    let actions: Vec<&str> = history
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(actions.first(), Some(&"submit"));
    assert_eq!(actions.last(), Some(&"return_result"));
    assert!(actions.contains(&"issue_result"));
    let csv = String::from_utf8(entries["lich-su.csv"].clone()).expect("utf-8");
    assert_eq!(csv.lines().count(), actions.len() + 1);
    assert!(csv.contains("Trả kết quả") && csv.contains("Chuyển xử lý"));
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'dossier.archive_export'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_specialist_of_another_unit_cannot_export_but_the_assigned_one_and_the_leader_can() {
    let app = TestApp::spawn_demo().await;
    let (code, _) = returned_with_papers(&app).await;
    let path = format!("/staff/dossiers/{code}/luu-tru.zip");
    let other = browser(&app, "tuphap.chuyenvien").await;
    assert_eq!(app.get(&other, &path).await.status(), StatusCode::NOT_FOUND);
    for who in ["kinhte.chuyenvien", "lanhdao"] {
        let client = browser(&app, who).await;
        assert_eq!(
            app.get(&client, &path).await.status(),
            StatusCode::OK,
            "{who}"
        );
    }
    // The archivist reads the closed dossier but takes no part in it: no reply to the applicant.
    let archivist = browser(&app, "luutru").await;
    let csrf = csrf_in(
        &app.page(&archivist, &format!("/staff/dossiers/{code}"))
            .await,
    );
    let message = app
        .post_form(
            &archivist,
            &format!("/staff/dossiers/{code}/messages"),
            &[("csrf", &csrf), ("body", "Xin chào")],
        )
        .await;
    assert_eq!(message.status(), StatusCode::FORBIDDEN);
}
