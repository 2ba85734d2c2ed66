//! One citizen can never see or touch another's dossiers or drafts: every portal page and action, by public id and
//! by code, answers "not found" and changes nothing; the API with a citizen's token does the same; a visitor
//! without an account is sent to sign in.

#![allow(clippy::expect_used)]

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::json;

use crate::dossier_api::{get, post, token};
use crate::helpers::{TestApp, location};
use crate::portal_support::{
    HUNG, MAI, citizen_client, citizen_csrf, dossier_of, pdf, query, spawn_portal, start_draft,
    stored_files, upload_paper,
};

/// Everything a foreign request could change, as one comparable text.
async fn snapshot(app: &TestApp) -> String {
    let rows: String = query(
        app,
        "SELECT (SELECT count(*) FROM dossiers) || '|' || (SELECT count(*) FROM dossier_events) || '|' ||
                (SELECT count(*) FROM dossier_documents) || '|' || (SELECT count(*) FROM dossier_messages) || '|' ||
                (SELECT count(*) FROM dossier_revisions) || '|' || (SELECT count(*) FROM ratings) || '|' ||
                (SELECT count(*) FROM drafts) || '|' || (SELECT count(*) FROM draft_files) || '|' ||
                (SELECT count(*) FROM portal_notices) || '|' ||
                (SELECT coalesce(group_concat(id || ':' || status || ':' || stage || ':' || updated_at || ':' || form_data, ';'), '')
                   FROM dossiers) || '|' ||
                (SELECT coalesce(group_concat(public_id || ':' || form_data || ':' || delivery || ':' || updated_at, ';'), '')
                   FROM drafts) || '|' ||
                (SELECT coalesce(group_concat(draft_id || ':' || component || ':' || sha256, ';'), '') FROM draft_files)",
        &[],
    )
    .await;
    format!("{rows}|files={}", stored_files(app))
}

enum Body {
    None,
    Fields(Vec<(&'static str, String)>),
    Multipart(Vec<(&'static str, String)>),
}

/// Sends one request as `client` and returns its status and body.
async fn attempt(
    app: &TestApp,
    client: &reqwest::Client,
    csrf: &str,
    method: &str,
    path: &str,
    body: Body,
) -> (StatusCode, String) {
    let request = match (method, body) {
        ("GET", _) => client.get(app.at(path)),
        (_, Body::None) => client.post(app.at(path)).form(&[("csrf", csrf)]),
        (_, Body::Fields(mut fields)) => {
            fields.push(("csrf", csrf.to_owned()));
            client.post(app.at(path)).form(&fields)
        }
        (_, Body::Multipart(fields)) => {
            let mut form = Form::new().text("csrf", csrf.to_owned());
            for (name, value) in fields {
                form = form.text(name, value);
            }
            let form = form
                .part("file", Part::bytes(pdf("la")).file_name("la.pdf"))
                .part("file_1", Part::bytes(pdf("la")).file_name("la.pdf"));
            client.post(app.at(path)).multipart(form)
        }
    };
    let response = request.send().await.expect("request");
    let status = response.status();
    (status, response.text().await.unwrap_or_default())
}

/// Every citizen route that names a dossier, with a body that would change it for its owner.
fn dossier_routes(reference: &str, document: i64) -> Vec<(&'static str, String, Body)> {
    let base = format!("/ho-so-cua-toi/{reference}");
    vec![
        ("GET", base.clone(), Body::None),
        ("GET", format!("{base}/tep/{document}"), Body::None),
        (
            "POST",
            format!("{base}/tin-nhan"),
            Body::Fields(vec![("body", "Xin chào".into())]),
        ),
        (
            "POST",
            format!("{base}/rut"),
            Body::Fields(vec![
                ("reason", "Không cần nữa".into()),
                ("confirm", "1".into()),
            ]),
        ),
        ("GET", format!("{base}/bo-sung"), Body::None),
        (
            "POST",
            format!("{base}/bo-sung"),
            Body::Multipart(vec![("f.so_dang_ky", "Số 1".into()), ("send", "1".into())]),
        ),
        (
            "POST",
            format!("{base}/danh-gia"),
            Body::Fields(vec![
                ("overall", "unsatisfied".into()),
                ("comment", "Tệ".into()),
            ]),
        ),
    ]
}

/// Every citizen route that names a draft.
fn draft_routes(draft: &str, document: i64) -> Vec<(&'static str, String, Body)> {
    let base = format!("/ho-so-nhap/{draft}");
    let mut routes: Vec<(&'static str, String, Body)> =
        ["to-khai", "giay-to", "nhan-ket-qua", "xem-lai"]
            .into_iter()
            .map(|step| ("GET", format!("{base}?buoc={step}"), Body::None))
            .collect();
    routes.extend([
        (
            "POST",
            format!("{base}/to-khai"),
            Body::Fields(vec![
                ("f.dan_toc", "Tày".into()),
                ("save_draft", "1".into()),
            ]),
        ),
        (
            "POST",
            format!("{base}/to-khai"),
            Body::Fields(vec![
                ("f.dan_toc", "Tày".into()),
                ("add_row", "qua_trinh_cu_tru".into()),
            ]),
        ),
        (
            "POST",
            format!("{base}/giay-to"),
            Body::Multipart(vec![("component", "2".into())]),
        ),
        (
            "POST",
            format!("{base}/giay-to/dung-lai"),
            Body::Fields(vec![
                ("component", "2".into()),
                ("document", document.to_string()),
            ]),
        ),
        (
            "POST",
            format!("{base}/giay-to/xoa"),
            Body::Fields(vec![("component", "1".into())]),
        ),
        (
            "POST",
            format!("{base}/nhan-ket-qua"),
            Body::Fields(vec![
                ("delivery", "post".into()),
                ("delivery_address", "Nơi khác".into()),
            ]),
        ),
        ("POST", format!("{base}/nop"), Body::None),
        ("POST", format!("{base}/xoa"), Body::None),
    ]);
    routes
}

async fn first_document(app: &TestApp, dossier_id: i64) -> i64 {
    query(
        app,
        "SELECT min(id) FROM dossier_documents WHERE dossier_id = ?1",
        &[&dossier_id.to_string()],
    )
    .await
}

#[tokio::test]
async fn another_citizen_gets_not_found_on_every_page_and_action_of_a_dossier_or_draft_and_nothing_changes()
 {
    let app = spawn_portal().await;
    let mai = citizen_client(&app, MAI).await;
    let returned = dossier_of(&app, MAI, "DEMO-HT-07").await;
    let asked = dossier_of(&app, MAI, "DEMO-HT-05").await;
    let code = returned
        .code
        .clone()
        .expect("the returned dossier has a code");
    assert_eq!(asked.stage, "supplement");
    let draft = start_draft(&app, &mai, "DEMO-HT-07").await;
    let response = upload_paper(&app, &mai, &draft, 1, "to-khai.pdf", pdf("Mai")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let hung = citizen_client(&app, HUNG).await;
    let csrf = citizen_csrf(&app, &hung).await;
    let his = dossier_of(&app, HUNG, "DEMO-HT-07").await;
    let his_document = first_document(&app, his.id).await;
    let returned_document = first_document(&app, returned.id).await;
    let asked_document = first_document(&app, asked.id).await;

    let before = snapshot(&app).await;
    let mut routes = Vec::new();
    for reference in [
        code.as_str(),
        code.to_ascii_lowercase().as_str(),
        &returned.public_id,
    ] {
        routes.extend(dossier_routes(reference, returned_document));
    }
    routes.extend(dossier_routes(&asked.public_id, asked_document));
    routes.extend(draft_routes(&draft, his_document));
    assert_eq!(routes.len(), 40);
    for (method, path, body) in routes {
        let (status, html) = attempt(&app, &hung, &csrf, method, &path, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}");
        assert!(
            !html.contains("Nguyễn Thị Mai"),
            "{method} {path} shows nothing of hers"
        );
    }
    assert_eq!(snapshot(&app).await, before, "nothing changed");

    // The same addresses work for their owner, so the answers above were about ownership.
    for reference in [code.as_str(), &returned.public_id, &asked.public_id] {
        let path = format!("/ho-so-cua-toi/{reference}");
        assert_eq!(
            app.get(&mai, &path).await.status(),
            StatusCode::OK,
            "{path}"
        );
    }
    let path = format!("/ho-so-cua-toi/{code}/tep/{returned_document}");
    assert_eq!(app.get(&mai, &path).await.status(), StatusCode::OK);
    let path = format!("/ho-so-nhap/{draft}?buoc=giay-to");
    assert_eq!(app.get(&mai, &path).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_document_from_another_citizens_store_cannot_be_attached_to_ones_own_draft() {
    let app = spawn_portal().await;
    let returned = dossier_of(&app, MAI, "DEMO-HT-07").await;
    let hers = first_document(&app, returned.id).await;
    let hung = citizen_client(&app, HUNG).await;
    let draft = start_draft(&app, &hung, "DEMO-HT-07").await;
    let store = app.page(&hung, "/kho-du-lieu").await;
    assert!(
        !store.contains(&returned.code.clone().expect("code")),
        "her files are not in his store"
    );

    let csrf = citizen_csrf(&app, &hung).await;
    let before = snapshot(&app).await;
    let (status, _) = attempt(
        &app,
        &hung,
        &csrf,
        "POST",
        &format!("/ho-so-nhap/{draft}/giay-to/dung-lai"),
        Body::Fields(vec![
            ("component", "1".into()),
            ("document", hers.to_string()),
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(snapshot(&app).await, before);

    // His own earlier paper is accepted the same way.
    let his = dossier_of(&app, HUNG, "DEMO-HT-07").await;
    let own = first_document(&app, his.id).await;
    let (status, _) = attempt(
        &app,
        &hung,
        &csrf,
        "POST",
        &format!("/ho-so-nhap/{draft}/giay-to/dung-lai"),
        Body::Fields(vec![
            ("component", "1".into()),
            ("document", own.to_string()),
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(app.scalar("SELECT count(*) FROM draft_files").await, 1);
}

#[tokio::test]
async fn the_api_with_a_citizen_token_finds_no_other_citizens_dossier_and_no_staff_queue() {
    let app = spawn_portal().await;
    let returned = dossier_of(&app, MAI, "DEMO-HT-07").await;
    let asked = dossier_of(&app, MAI, "DEMO-HT-05").await;
    let code = returned.code.clone().expect("code");
    let hung = token(&app, HUNG).await;
    let before = snapshot(&app).await;
    for reference in [code.as_str(), &returned.public_id, &asked.public_id] {
        let (status, body) = get(&app, &hung, &format!("/api/v1/dossiers/{reference}")).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found")),
            "{reference}"
        );
        for action in [
            json!({"action": "withdraw", "reason": "x"}),
            json!({"action": "submit_supplement"}),
        ] {
            let (status, body) = post(
                &app,
                &hung,
                &format!("/api/v1/dossiers/{reference}/actions"),
                action,
            )
            .await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{reference}: {body}");
        }
        let form = Form::new()
            .text("component", "1")
            .text("kind", "submitted")
            .part("file", Part::bytes(pdf("la")).file_name("la.pdf"));
        let response = app
            .client()
            .post(app.at(&format!("/api/v1/dossiers/{reference}/documents")))
            .bearer_auth(&hung)
            .multipart(form)
            .send()
            .await
            .expect("upload");
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{reference}");
    }
    let (status, body) = get(&app, &hung, "/api/v1/dossiers").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    let (status, _) = get(&app, &hung, "/api/v1/dossiers?status=1").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(snapshot(&app).await, before, "nothing changed");

    // His own dossier, and hers with her token, are found.
    let his = dossier_of(&app, HUNG, "DEMO-HT-07").await;
    let (status, _) = get(&app, &hung, &format!("/api/v1/dossiers/{}", his.public_id)).await;
    assert_eq!(status, StatusCode::OK);
    let mai = token(&app, MAI).await;
    let (status, body) = get(&app, &mai, &format!("/api/v1/dossiers/{code}")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::OK, Some(code.as_str()))
    );
}

#[tokio::test]
async fn a_visitor_without_an_account_is_sent_to_sign_in_and_changes_nothing() {
    let app = spawn_portal().await;
    let returned = dossier_of(&app, MAI, "DEMO-HT-07").await;
    let code = returned.code.clone().expect("code");
    let visitor = app.client();
    for path in [
        "/ho-so-cua-toi".to_owned(),
        format!("/ho-so-cua-toi/{code}"),
        format!("/ho-so-cua-toi/{code}/bo-sung"),
        format!("/ho-so-cua-toi/{code}/tep/1"),
        "/thong-bao".to_owned(),
        "/kho-du-lieu".to_owned(),
        "/tai-khoan".to_owned(),
        "/nop-ho-so/DEMO-HT-07".to_owned(),
        format!("/ho-so-nhap/{}?buoc=giay-to", returned.public_id),
    ] {
        let response = app.get(&visitor, &path).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        let expected = format!(
            "/dang-nhap?{}",
            serde_urlencoded::to_string([("next", path.as_str())]).expect("query")
        );
        assert_eq!(location(&response), expected, "{path}");
    }
    let before = snapshot(&app).await;
    for (method, path, body) in dossier_routes(&code, 1) {
        let (status, _) = attempt(&app, &visitor, "", method, &path, body).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{method} {path}");
    }
    let (status, _) = attempt(
        &app,
        &visitor,
        "",
        "POST",
        "/nop-ho-so/DEMO-HT-07",
        Body::None,
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(snapshot(&app).await, before);
}

#[tokio::test]
async fn a_citizens_api_submission_cannot_name_another_person_as_the_applicant() {
    let app = spawn_portal().await;
    let hung = token(&app, HUNG).await;
    let before = app.scalar("SELECT count(*) FROM dossiers").await;
    let (status, body) = post(
        &app,
        &hung,
        "/api/v1/dossiers",
        json!({
            "procedure": "DEMO-HT-07",
            "channel": 2,
            "applicant": {"kind": "person", "name": "Nguyễn Thị Mai", "id_number": MAI,
                          "phone": "0912000101", "email": "mai.nguyen@example.vn", "address": "Thôn Đông"},
            "components": [1],
            "form_data": crate::portal_support::marital_answers(
                "Nguyễn Thị Mai", "1990-03-12", MAI, "0912000101", "Nữ"),
            "delivery": "online"
        }),
    )
    .await;
    if status.is_success() {
        // Accepted: then it is filed as Hùng's, under his own identity.
        assert_eq!(body["applicant"]["id_number"], HUNG, "{body}");
        assert_eq!(body["applicant"]["name"], "Trần Văn Hùng", "{body}");
    } else {
        assert!(status.is_client_error(), "{status} {body}");
        assert_eq!(app.scalar("SELECT count(*) FROM dossiers").await, before);
    }
    let filed_as_mai: i64 = query(
        &app,
        "SELECT count(*) FROM dossiers WHERE applicant_id_number = ?1 AND owner_ref <> ?2",
        &[MAI, &crate::portal_support::owner_ref(&app, MAI).await],
    )
    .await;
    assert_eq!(
        filed_as_mai, 0,
        "no dossier names Mai that her account did not file"
    );
}
