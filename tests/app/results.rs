//! Electronic results: issued and signed through the staff page, then checked on the public verification page, its
//! API twin and offline with the published key; refusals store nothing; the slip's QR code opens the right page.

#![allow(clippy::expect_used)]

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::dossier_api::{act, token};
use crate::forms::{browser, code_of, decode_qr, received, texts};
use crate::helpers::{TestApp, csrf_in, location};

const RESULT: &[u8] =
    b"%PDF-1.4\n% Giay chung nhan dang ky ho kinh doanh\n1 0 obj << >> endobj\n%%EOF\n";

/// A counter dossier of DEMO-HKD-01 taken through the specialist unit to `approved`; returns its code.
async fn approved(app: &TestApp) -> String {
    let officer = token(app, "motcua.canbo1").await;
    let code = code_of(&received(app, &officer, "DEMO-HKD-01").await);
    let (s, d) = act(
        app,
        &officer,
        &code,
        json!({"action": "transfer", "to_unit": "H40.12.4"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let head = token(app, "kinhte.truong").await;
    let specialist_id = app
        .scalar("SELECT id FROM staff WHERE username = 'kinhte.chuyenvien'")
        .await;
    let (s, d) = act(
        app,
        &head,
        &code,
        json!({"action": "assign", "to_user": specialist_id}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let specialist = token(app, "kinhte.chuyenvien").await;
    let (s, d) = act(app, &specialist, &code, json!({"action": "approve"})).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let (s, d) = act(app, &head, &code, json!({"action": "approve"})).await;
    assert_eq!(
        (s, d["step"]["stage"].as_str()),
        (StatusCode::OK, Some("approved")),
        "{d}"
    );
    code
}

/// Posts `bytes` to the dossier's result form as `client`.
async fn issue(
    app: &TestApp,
    client: &reqwest::Client,
    code: &str,
    bytes: &[u8],
) -> reqwest::Response {
    let csrf = csrf_in(&app.page(client, &format!("/staff/dossiers/{code}")).await);
    let form = Form::new().text("csrf", csrf).part(
        "file",
        Part::bytes(bytes.to_vec()).file_name("giay-chung-nhan.pdf"),
    );
    client
        .post(app.at(&format!("/staff/dossiers/{code}/results")))
        .multipart(form)
        .send()
        .await
        .expect("post result")
}

/// Issues [`RESULT`] on an approved dossier as the one-stop officer; returns (dossier code, verification code).
async fn issued(app: &TestApp) -> (String, String) {
    let code = approved(app).await;
    let officer = browser(app, "motcua.canbo1").await;
    let response = issue(app, &officer, &code, RESULT).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let to = location(&response);
    assert!(to.starts_with(&format!("/staff/dossiers/{code}")), "{to}");
    let html = app.page(&officer, &to).await;
    let codes = texts(&html, "#ket-qua-dien-tu td code");
    assert_eq!(codes.len(), 1, "{html}");
    assert!(html.contains("Phát hành kết quả điện tử"));
    (code, codes[0].clone())
}

/// Checks `bytes` against `verify_code` on the public page, as a visitor without an account.
async fn verify_page(app: &TestApp, verify_code: &str, bytes: &[u8]) -> (StatusCode, String) {
    let visitor = app.client();
    let csrf = csrf_in(&app.page(&visitor, "/xac-thuc-ket-qua").await);
    let form = Form::new()
        .text("csrf", csrf)
        .text("code", verify_code.to_owned())
        .part(
            "file",
            Part::bytes(bytes.to_vec()).file_name("tep-nhan-duoc.pdf"),
        );
    let response = visitor
        .post(app.at("/xac-thuc-ket-qua"))
        .multipart(form)
        .send()
        .await
        .expect("verify");
    let status = response.status();
    (status, response.text().await.expect("body"))
}

async fn verify_api(app: &TestApp, verify_code: &str, bytes: &[u8]) -> Value {
    let form = Form::new()
        .text("code", verify_code.to_owned())
        .part("file", Part::bytes(bytes.to_vec()).file_name("tep.pdf"));
    let response = app
        .client()
        .post(app.at("/api/v1/results/verify"))
        .multipart(form)
        .send()
        .await
        .expect("api verify");
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("json")
}

async fn stored_results(app: &TestApp) -> (i64, i64) {
    (
        app.scalar("SELECT count(*) FROM dossier_results").await,
        app.scalar("SELECT count(*) FROM dossier_documents WHERE kind = 'result'")
            .await,
    )
}

#[tokio::test]
async fn an_issued_result_verifies_as_genuine_and_the_same_file_with_one_byte_changed_as_altered() {
    let app = TestApp::spawn_demo().await;
    let (code, verify_code) = issued(&app).await;
    assert_eq!(verify_code.len(), 14);
    assert!(!verify_code.contains(['0', 'O', '1', 'I']), "{verify_code}");

    let (status, html) = verify_page(&app, &verify_code, RESULT).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Kết quả điện tử hợp lệ, chưa bị sửa đổi"),
        "{html}"
    );
    for text in [code.as_str(), "giay-chung-nhan.pdf", "Cơ quan phát hành"] {
        assert!(html.contains(text), "{text} in {html}");
    }

    let mut altered = RESULT.to_vec();
    altered[20] ^= 0x01;
    let (status, html) = verify_page(&app, &verify_code.to_lowercase(), &altered).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Tệp đã bị thay đổi so với bản được ký"),
        "{html}"
    );
    assert!(!html.contains("chưa bị sửa đổi"));

    // The API gives the same answers.
    assert_eq!(
        verify_api(&app, &verify_code, RESULT).await["outcome"],
        "genuine"
    );
    assert_eq!(
        verify_api(&app, &verify_code, &altered).await["outcome"],
        "altered"
    );

    // One transaction wrote the document, the result, the event and the audit entry.
    assert_eq!(stored_results(&app).await, (1, 1));
    assert_eq!(
        app.scalar("SELECT count(*) FROM dossier_events WHERE action = 'issue_result'")
            .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'dossier.result'")
            .await,
        1
    );
}

#[tokio::test]
async fn the_signature_verifies_offline_with_the_published_key_and_a_tampered_record_is_invalid() {
    let app = TestApp::spawn_demo().await;
    let (code, verify_code) = issued(&app).await;
    let answer = verify_api(&app, &verify_code, RESULT).await;
    let result = &answer["result"];
    let message = result["signed_message"].as_str().expect("message");
    let sha = motcua::crypto::sha256_hex(RESULT);
    let signed_at = result["signed_at"].as_str().expect("signed_at");
    assert_eq!(
        message,
        format!("motcua-result-v1\n{verify_code}\n{code}\nH40.12\n{sha}\n{signed_at}")
    );
    let public_key = result["public_key"].as_str().expect("public key");
    let keys = app
        .page(&app.client(), "/xac-thuc-ket-qua/khoa-cong-khai")
        .await;
    assert!(keys.contains(public_key), "the key is published");
    assert!(keys.contains(result["key_id"].as_str().expect("key id")));
    let signature = hex::decode(result["signature"].as_str().expect("signature")).expect("hex");
    ring::signature::UnparsedPublicKey::new(
        &ring::signature::ED25519,
        hex::decode(public_key).expect("hex"),
    )
    .verify(message.as_bytes(), &signature)
    .expect("the signature verifies offline");

    app.sql("UPDATE dossier_results SET signed_at = '2020-01-01T00:00:00.000Z'")
        .await;
    let (_, html) = verify_page(&app, &verify_code, RESULT).await;
    assert!(html.contains("Chữ ký số không hợp lệ"), "{html}");
    assert!(!html.contains("chưa bị sửa đổi"));
    assert_eq!(
        verify_api(&app, &verify_code, RESULT).await["outcome"],
        "invalid"
    );
}

#[tokio::test]
async fn an_unknown_verification_code_is_not_found_and_reveals_nothing_else() {
    let app = TestApp::spawn_demo().await;
    let (code, _) = issued(&app).await;
    for path in [
        "/xac-thuc-ket-qua/ABCD-EFGH-JKLM",
        "/xac-thuc-ket-qua/khong-phai-ma",
        "/xac-thuc-ket-qua/ABCD-EFGH-JKLM/phieu",
    ] {
        let response = app.get(&app.client(), path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let html = response.text().await.expect("body");
        assert!(html.contains("Không tìm thấy mã xác thực"), "{html}");
        assert!(!html.contains(&code) && !html.contains("giay-chung-nhan"));
    }
    let (status, html) = verify_page(&app, "ABCD-EFGH-JKLM", RESULT).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Không tìm thấy mã xác thực"));
    assert_eq!(
        verify_api(&app, "ABCD-EFGH-JKLM", RESULT).await,
        json!({"outcome": "unknown"})
    );
}

#[tokio::test]
async fn a_specialist_cannot_issue_a_result_and_one_of_another_unit_does_not_even_see_the_dossier()
{
    let app = TestApp::spawn_demo().await;
    let code = approved(&app).await;
    let other_unit = browser(&app, "tuphap.chuyenvien").await;
    let response = issue_without_page(&app, &other_unit, &code).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    let own_unit = browser(&app, "kinhte.chuyenvien").await;
    let html = app
        .page(&own_unit, &format!("/staff/dossiers/{code}"))
        .await;
    assert!(
        !html.contains("Phát hành kết quả điện tử"),
        "no form is offered"
    );
    let response = issue(&app, &own_unit, &code, RESULT).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(stored_results(&app).await, (0, 0));
}

/// Posts a result with a CSRF token taken from the staff desk (the dossier page itself is not visible).
async fn issue_without_page(
    app: &TestApp,
    client: &reqwest::Client,
    code: &str,
) -> reqwest::Response {
    let csrf = csrf_in(&app.page(client, "/staff").await);
    let form = Form::new()
        .text("csrf", csrf)
        .part("file", Part::bytes(RESULT.to_vec()).file_name("kq.pdf"));
    client
        .post(app.at(&format!("/staff/dossiers/{code}/results")))
        .multipart(form)
        .send()
        .await
        .expect("post result")
}

#[tokio::test]
async fn a_dossier_not_yet_approved_is_refused_and_nothing_is_stored() {
    let app = TestApp::spawn_demo().await;
    let officer = token(&app, "motcua.canbo1").await;
    let code = code_of(&received(&app, &officer, "DEMO-HKD-01").await);
    let client = browser(&app, "motcua.canbo1").await;
    let html = app.page(&client, &format!("/staff/dossiers/{code}")).await;
    assert!(!html.contains("Phát hành kết quả điện tử"));
    let unique = b"%PDF-1.4\n% a result too early\n%%EOF\n";
    let response = issue(&app, &client, &code, unique).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let html = response.text().await.expect("body");
    assert!(html.contains("Chỉ phát hành kết quả điện tử khi hồ sơ đã được ký duyệt"));
    assert_eq!(stored_results(&app).await, (0, 0));
    assert_eq!(
        app.scalar("SELECT count(*) FROM signing_keys").await,
        0,
        "no key is made for a refused request"
    );
    let sha = motcua::crypto::sha256_hex(unique);
    let path = motcua::filestore::path_of(&app.data.files_dir(), &sha).expect("path");
    assert!(!path.exists(), "the file was not stored");
}

#[tokio::test]
async fn the_qr_code_on_the_verification_slip_opens_the_verification_page_of_its_code() {
    let app = TestApp::spawn_demo().await;
    let (code, verify_code) = issued(&app).await;
    let visitor = app.client();
    let slip = app
        .get(&visitor, &format!("/xac-thuc-ket-qua/{verify_code}/phieu"))
        .await;
    assert_eq!(slip.status(), StatusCode::OK);
    let html = slip.text().await.expect("body");
    let target = app.at(&format!("/xac-thuc-ket-qua/{verify_code}"));
    assert_eq!(decode_qr(&html), target);
    let sha = motcua::crypto::sha256_hex(RESULT);
    for text in [
        "Phiếu xác thực kết quả điện tử",
        verify_code.as_str(),
        sha.as_str(),
        code.as_str(),
    ] {
        assert!(html.contains(text), "{text} in {html}");
    }

    // The QR target shows the record and the SHA-256 to compare, and offers the file check.
    let response = app
        .get(&visitor, &format!("/xac-thuc-ket-qua/{verify_code}"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.expect("body");
    assert!(html.contains("Mã xác thực hợp lệ") && html.contains(&sha));
    assert_eq!(texts(&html, "input[name=code]").len(), 1);
    assert!(html.contains("type=\"file\""));
}
