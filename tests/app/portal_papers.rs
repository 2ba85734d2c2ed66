//! The papers of an online submission and the submission itself: refused files (too large, an executable, a
//! mislabelled image) store nothing, a file is reused from the citizen's document store, a missing required paper
//! refuses the submission, and a complete one becomes a dossier in "Mới đăng ký" in the officer's queue.

#![allow(clippy::expect_used)]

use motcua::web::ui::messages::field_message;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, location};
use crate::portal_support::{
    HUNG, MAI, attrs, citizen_client, citizen_csrf, draft_files, hung_answers, owner_ref, pdf,
    post_next, query, spawn_portal, start_draft, stored_files, texts, upload_paper,
};

/// Uploads `bytes` as `name` to component 1 of a fresh draft of Hùng's, expecting a refusal with `code`, and
/// checks that nothing was stored.
async fn refused_upload(name: &str, bytes: Vec<u8>, code: &str) -> String {
    let app = spawn_portal().await;
    let hung = citizen_client(&app, HUNG).await;
    let draft = start_draft(&app, &hung, "DEMO-HT-07").await;
    let files = stored_files(&app);
    let response = upload_paper(&app, &hung, &draft, 1, name, bytes).await;
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "{name}"
    );
    let html = response.text().await.expect("body");
    assert_eq!(
        texts(&html, "li.has-error p.error"),
        [field_message(code)],
        "{name}"
    );
    assert_eq!(
        draft_files(&app, &draft).await,
        0,
        "no draft file for {name}"
    );
    assert_eq!(
        stored_files(&app),
        files,
        "no new file in the store for {name}"
    );
    html
}

/// The default `[documents] max_file_mb`.
fn max_document_bytes() -> usize {
    motcua::config::DocumentsConfig::default().max_file_bytes()
}

#[tokio::test]
async fn a_file_over_20_mb_is_refused_with_the_limit_in_the_message_and_nothing_is_stored() {
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.resize(max_document_bytes() + 1, b' ');
    let html = refused_upload("to-khai.pdf", bytes, "file.too_large").await;
    assert!(
        html.contains(field_message("file.too_large")),
        "the refusal is shown"
    );
    assert!(
        html.contains("Dung lượng tối đa 20 MB mỗi tệp."),
        "the limit is shown beside the control"
    );
}

/// A scan well over the limit is cut off by the body limit of the upload route before the papers step sees it;
/// the citizen must still be told the limit (without JavaScript nothing warned them before sending).
#[tokio::test]
async fn a_file_far_over_20_mb_is_refused_with_the_limit_in_the_message_and_nothing_is_stored() {
    let app = spawn_portal().await;
    let hung = citizen_client(&app, HUNG).await;
    let draft = start_draft(&app, &hung, "DEMO-HT-07").await;
    let files = stored_files(&app);
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.resize(max_document_bytes() + 1024 * 1024, b' ');
    let response = upload_paper(&app, &hung, &draft, 1, "ban-quet.pdf", bytes).await;
    let status = response.status();
    assert!(
        matches!(
            status,
            StatusCode::PAYLOAD_TOO_LARGE | StatusCode::UNPROCESSABLE_ENTITY
        ),
        "{status}"
    );
    let html = response.text().await.expect("body");
    assert_eq!(draft_files(&app, &draft).await, 0);
    assert_eq!(stored_files(&app), files);
    assert!(
        html.contains("20 MB"),
        "the refusal names the 20 MB limit: {:?}",
        texts(&html, "main")
    );
}

#[tokio::test]
async fn a_renamed_executable_is_refused_with_a_clear_message_and_nothing_is_stored() {
    let elf = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00".to_vec();
    let html = refused_upload("to-khai.pdf", elf, "media_type").await;
    assert!(html.contains("Loại tệp không được chấp nhận"));
    let mz = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    refused_upload("giay-to.pdf", mz, "media_type").await;
}

#[tokio::test]
async fn a_png_named_pdf_is_refused_as_mislabelled_and_accepted_under_its_own_name() {
    let png =
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
            .to_vec();
    refused_upload("to-khai.pdf", png.clone(), "file.mismatch").await;

    let app = spawn_portal().await;
    let hung = citizen_client(&app, HUNG).await;
    let draft = start_draft(&app, &hung, "DEMO-HT-07").await;
    let response = upload_paper(&app, &hung, &draft, 1, "to-khai.png", png).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let media: String = query(
        &app,
        "SELECT f.media_type FROM draft_files f JOIN drafts d ON d.id = f.draft_id WHERE d.public_id = ?1",
        &[&draft],
    )
    .await;
    assert_eq!(media, "image/png");
}

#[tokio::test]
async fn a_file_from_the_citizens_document_store_is_attached_without_uploading_it_again() {
    let app = spawn_portal().await;
    let mai = citizen_client(&app, MAI).await;
    let draft = start_draft(&app, &mai, "DEMO-HT-07").await;
    let html = app
        .page(&mai, &format!("/ho-so-nhap/{draft}?buoc=giay-to"))
        .await;
    let options = attrs(&html, "#reuse-1 option", "value");
    let labels = texts(&html, "#reuse-1 option");
    let document = options
        .iter()
        .zip(&labels)
        .find(|(_, label)| label.starts_with("to-khai.pdf"))
        .map(|(value, _)| value.clone())
        .unwrap_or_else(|| panic!("Mai's earlier paper is offered: {labels:?}"));
    let files = stored_files(&app);
    let csrf = citizen_csrf(&app, &mai).await;
    let response = app
        .post_form(
            &mai,
            &format!("/ho-so-nhap/{draft}/giay-to/dung-lai"),
            &[
                ("csrf", csrf.as_str()),
                ("component", "1"),
                ("document", &document),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (attached, original): (String, String) = (
        query(
            &app,
            "SELECT f.sha256 FROM draft_files f JOIN drafts d ON d.id = f.draft_id WHERE d.public_id = ?1 AND f.component = 1",
            &[&draft],
        )
        .await,
        query(&app, "SELECT sha256 FROM dossier_documents WHERE id = ?1", &[&document]).await,
    );
    assert_eq!(attached, original);
    assert_eq!(stored_files(&app), files, "no copy was made");
    let html = app
        .page(&mai, &format!("/ho-so-nhap/{draft}?buoc=giay-to"))
        .await;
    assert!(
        texts(&html, "#c1 + p.attached")
            .concat()
            .contains("to-khai.pdf"),
        "{html}"
    );
}

/// Hùng's new DEMO-HT-07 draft with valid answers and the delivery chosen; returns its id.
async fn answered_draft(app: &TestApp, hung: &reqwest::Client) -> String {
    let draft = start_draft(app, hung, "DEMO-HT-07").await;
    let response = post_next(app, hung, &draft, &hung_answers()).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "the answers pass");
    let csrf = citizen_csrf(app, hung).await;
    let response = app
        .post_form(
            hung,
            &format!("/ho-so-nhap/{draft}/nhan-ket-qua"),
            &[
                ("csrf", csrf.as_str()),
                ("delivery", "post"),
                ("delivery_address", "Số 9 đường Lý Thái Tổ, Tiên Du"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    draft
}

async fn send(app: &TestApp, client: &reqwest::Client, draft: &str) -> reqwest::Response {
    let csrf = citizen_csrf(app, client).await;
    app.post_form(
        client,
        &format!("/ho-so-nhap/{draft}/nop"),
        &[("csrf", csrf.as_str())],
    )
    .await
}

#[tokio::test]
async fn submitting_without_a_required_paper_is_refused_and_keeps_the_draft() {
    let app = spawn_portal().await;
    let hung = citizen_client(&app, HUNG).await;
    let draft = answered_draft(&app, &hung).await;
    let review = app
        .page(&hung, &format!("/ho-so-nhap/{draft}?buoc=xem-lai"))
        .await;
    assert!(review.contains("chưa đính kèm (bắt buộc)"));
    assert!(
        !review.contains(&format!(r#"action="/ho-so-nhap/{draft}/nop""#)),
        "no send button yet"
    );
    let dossiers = app.scalar("SELECT count(*) FROM dossiers").await;
    let response = send(&app, &hung, &draft).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains(field_message("component.required"))
    );
    assert_eq!(app.scalar("SELECT count(*) FROM dossiers").await, dossiers);
    let drafts: i64 = query(
        &app,
        "SELECT count(*) FROM drafts WHERE public_id = ?1",
        &[&draft],
    )
    .await;
    assert_eq!(drafts, 1);
}

#[tokio::test]
async fn a_full_submission_creates_an_online_dossier_in_new_status_for_the_citizen_and_the_officers_queue()
 {
    let app = spawn_portal().await;
    let hung = citizen_client(&app, HUNG).await;
    let draft = answered_draft(&app, &hung).await;
    let to_khai = pdf("To khai xac nhan tinh trang hon nhan");
    let old_paper = pdf("Giay xac nhan cu");
    for (component, name, bytes) in [
        (1, "to-khai.pdf", to_khai.clone()),
        (3, "giay-xac-nhan-cu.pdf", old_paper),
    ] {
        let response = upload_paper(&app, &hung, &draft, component, name, bytes).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{name}");
    }
    let review = app
        .page(&hung, &format!("/ho-so-nhap/{draft}?buoc=xem-lai"))
        .await;
    assert!(review.contains("Nộp hồ sơ"), "{review}");
    assert!(
        review.contains("Bổ sung hồ sơ xin việc"),
        "the answers are shown for review"
    );

    let response = send(&app, &hung, &draft).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let to = location(&response);
    let public_id = to
        .strip_prefix("/ho-so-cua-toi/")
        .and_then(|rest| rest.strip_suffix("?da-nop=1"))
        .unwrap_or_else(|| panic!("the confirmation: {to}"))
        .to_owned();

    let row: (
        i64,
        String,
        i64,
        Option<String>,
        String,
        String,
        String,
        String,
    ) = {
        let id = public_id.clone();
        app.db
            .read(move |c| {
                c.query_row(
                    "SELECT status, stage, channel, code, owner_ref, applicant_name, applicant_id_number, submitted_at
                     FROM dossiers WHERE public_id = ?1",
                    [&id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)),
                )
                .map_err(motcua::store::StoreError::from)
            })
            .await
            .expect("the new dossier")
    };
    let (status, stage, channel, code, owner, name, id_number, submitted_at) = row;
    assert_eq!(
        (status, stage.as_str(), channel, code),
        (1, "registered", 2, None)
    );
    assert_eq!(owner, owner_ref(&app, HUNG).await);
    assert_eq!((name.as_str(), id_number.as_str()), ("Trần Văn Hùng", HUNG));
    let papers: Vec<(i64, String, String)> = {
        let id = public_id.clone();
        app.db
            .read(move |c| {
                c.prepare(
                    "SELECT f.component, f.kind, f.file_name FROM dossier_documents f JOIN dossiers d ON d.id = f.dossier_id
                     WHERE d.public_id = ?1 ORDER BY f.component",
                )?
                .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(motcua::store::StoreError::from)
            })
            .await
            .expect("documents")
    };
    assert_eq!(
        papers,
        [
            (1, "submitted".to_owned(), "to-khai.pdf".to_owned()),
            (3, "submitted".to_owned(), "giay-xac-nhan-cu.pdf".to_owned())
        ]
    );
    let left: i64 = query(
        &app,
        "SELECT count(*) FROM drafts WHERE public_id = ?1",
        &[&draft],
    )
    .await;
    assert_eq!(left, 0, "the draft is gone");
    assert_eq!(app.scalar("SELECT count(*) FROM draft_files").await, 0);
    let answers: String = query(
        &app,
        "SELECT form_data FROM dossiers WHERE public_id = ?1",
        &[&public_id],
    )
    .await;
    assert_eq!(
        serde_json::from_str::<Value>(&answers).expect("JSON")["dan_toc"],
        "Kinh"
    );

    let confirmation = app.page(&hung, &to).await;
    let at = motcua::web::ui::dossier::long_time(Some(&submitted_at));
    assert!(
        confirmation.contains(&format!("Hồ sơ đã được gửi lúc {at}")),
        "the time of submission {at} in {confirmation}"
    );
    assert!(confirmation.contains("Mới đăng ký"));

    let officer = crate::forms::browser(&app, "motcua.canbo1").await;
    let queue = app.page(&officer, "/staff/dossiers?queue=new").await;
    assert!(
        attrs(&queue, "table.queue a", "href").contains(&format!("/staff/dossiers/{public_id}")),
        "{queue}"
    );
    let page = app
        .page(&officer, &format!("/staff/dossiers/{public_id}"))
        .await;
    assert!(page.contains("Trần Văn Hùng") && page.contains("to-khai.pdf"));
}
