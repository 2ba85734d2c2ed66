//! What a citizen does on a dossier after submitting it: supplement it online when asked (the old answers kept as
//! a revision, the reference unchanged), withdraw it, rate the service until the quarter closes, and download the
//! signed electronic result, which verifies as genuine.

#![allow(clippy::expect_used)]

use motcua::web::ui::messages::{field_message, refusal_message};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::forms::browser;
use crate::helpers::{TestApp, location};
use crate::portal_support::{
    HUNG, MAI, attrs, citizen_client, citizen_csrf, dossier_of, exec, form_pairs, owner_ref, pdf,
    query, spawn_portal, texts,
};

/// Mai's returned DEMO-HT-07 dossier's code.
async fn returned_code(app: &TestApp) -> String {
    dossier_of(app, MAI, "DEMO-HT-07")
        .await
        .code
        .expect("a code")
}

async fn documents(app: &TestApp, dossier_id: i64) -> i64 {
    query(
        app,
        "SELECT count(*) FROM dossier_documents WHERE dossier_id = ?1",
        &[&dossier_id.to_string()],
    )
    .await
}

/// Posts the supplement form of Mai's DEMO-HT-05 dossier with `answers` and one paper for component 1.
async fn supplement(
    app: &TestApp,
    mai: &reqwest::Client,
    reference: &str,
    answers: &Value,
    paper: (&str, Vec<u8>),
) -> reqwest::Response {
    let mut form = Form::new()
        .text("csrf", citizen_csrf(app, mai).await)
        .text("send", "1");
    for (name, value) in form_pairs(answers) {
        form = form.text(name, value);
    }
    let form = form.part("file_1", Part::bytes(paper.1).file_name(paper.0.to_owned()));
    mai.post(app.at(&format!("/ho-so-cua-toi/{reference}/bo-sung")))
        .multipart(form)
        .send()
        .await
        .expect("supplement")
}

#[tokio::test]
async fn an_online_supplement_keeps_the_old_answers_as_a_revision_and_returns_the_dossier_to_new_under_the_same_reference()
 {
    let app = spawn_portal().await;
    let asked = dossier_of(&app, MAI, "DEMO-HT-05").await;
    assert_eq!(
        (asked.stage.as_str(), asked.status, asked.code.as_deref()),
        ("supplement", 5, None)
    );
    let before: String = query(
        &app,
        "SELECT form_data FROM dossiers WHERE public_id = ?1",
        &[&asked.public_id],
    )
    .await;
    let old: Value = serde_json::from_str(&before).expect("JSON");
    let mai = citizen_client(&app, MAI).await;
    let page = app
        .page(&mai, &format!("/ho-so-cua-toi/{}/bo-sung", asked.public_id))
        .await;
    assert!(page.contains("Nộp bổ sung"), "{page}");

    let mut answers = old.clone();
    answers["so_dang_ky"] = json!("Số 15, quyển 01/1990");
    answers["ngay_dang_ky"] = json!("1990-03-20");
    let papers = documents(&app, asked.id).await;

    // A mislabelled paper refuses the whole supplement.
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
    let response = supplement(&app, &mai, &asked.public_id, &answers, ("to-khai.pdf", png)).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains(field_message("file.mismatch"))
    );
    assert_eq!(dossier_of(&app, MAI, "DEMO-HT-05").await.status, 5);
    assert_eq!(
        app.scalar("SELECT count(*) FROM dossier_revisions").await,
        0
    );
    assert_eq!(documents(&app, asked.id).await, papers);

    let response = supplement(
        &app,
        &mai,
        &asked.public_id,
        &answers,
        ("to-khai-bo-sung.pdf", pdf("To khai")),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        format!("/ho-so-cua-toi/{}?done=supplement", asked.public_id)
    );
    let now = dossier_of(&app, MAI, "DEMO-HT-05").await;
    assert_eq!(
        (now.id, now.public_id.as_str()),
        (asked.id, asked.public_id.as_str()),
        "the same dossier"
    );
    assert_eq!(
        (now.stage.as_str(), now.status, now.code),
        ("registered", 1, None),
        "back to Mới đăng ký"
    );
    let revision: String = query(
        &app,
        "SELECT form_data FROM dossier_revisions WHERE dossier_id = ?1",
        &[&asked.id.to_string()],
    )
    .await;
    assert_eq!(
        serde_json::from_str::<Value>(&revision).expect("JSON"),
        old,
        "the old answers are kept"
    );
    let current: String = query(
        &app,
        "SELECT form_data FROM dossiers WHERE public_id = ?1",
        &[&asked.public_id],
    )
    .await;
    let current: Value = serde_json::from_str(&current).expect("JSON");
    assert_eq!(current["so_dang_ky"], "Số 15, quyển 01/1990");
    assert_eq!(current["nguoi_yeu_cau_ho_ten"], old["nguoi_yeu_cau_ho_ten"]);
    assert_eq!(documents(&app, asked.id).await, papers + 1);
    let event: String = query(
        &app,
        "SELECT action FROM dossier_events WHERE dossier_id = ?1 ORDER BY id DESC LIMIT 1",
        &[&asked.id.to_string()],
    )
    .await;
    assert_eq!(event, "submit_supplement");
    let page = app.page(&mai, &location(&response)).await;
    assert!(page.contains("Đã nộp bổ sung hồ sơ. Mã hồ sơ không thay đổi."));
    assert!(page.contains("đã sửa 1 lần khi bổ sung") && page.contains("to-khai-bo-sung.pdf"));
}

#[tokio::test]
async fn the_owner_withdraws_a_dossier_only_after_confirming_and_it_leaves_the_officers_queue() {
    let app = spawn_portal().await;
    let his = dossier_of(&app, HUNG, "DEMO-HT-07").await;
    let hung = citizen_client(&app, HUNG).await;
    let path = format!("/ho-so-cua-toi/{}", his.public_id);
    assert!(
        app.page(&hung, &path)
            .await
            .contains(&format!(r#"action="{path}/rut""#))
    );
    let csrf = citizen_csrf(&app, &hung).await;
    let reason = "Đã nộp nhầm thủ tục";
    let response = app
        .post_form(
            &hung,
            &format!("{path}/rut"),
            &[("csrf", csrf.as_str()), ("reason", reason)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains(refusal_message("withdraw.unconfirmed"))
    );
    assert_eq!(
        dossier_of(&app, HUNG, "DEMO-HT-07").await.status,
        1,
        "unconfirmed: nothing happened"
    );

    let fields = [
        ("csrf", csrf.as_str()),
        ("reason", reason),
        ("confirm", "1"),
    ];
    let response = app.post_form(&hung, &format!("{path}/rut"), &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), format!("{path}?done=withdraw"));
    let now = dossier_of(&app, HUNG, "DEMO-HT-07").await;
    assert_eq!((now.status, now.stage.as_str()), (7, "withdrawn"));
    let (action, comment, actor): (String, String, String) = {
        let id = his.id;
        app.db
            .read(move |c| {
                c.query_row(
                    "SELECT action, comment, actor_ref FROM dossier_events WHERE dossier_id = ?1 ORDER BY id DESC LIMIT 1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .map_err(motcua::store::StoreError::from)
            })
            .await
            .expect("event")
    };
    assert_eq!((action.as_str(), comment.as_str()), ("withdraw", reason));
    assert_eq!(actor, owner_ref(&app, HUNG).await);
    let page = app.page(&hung, &location(&response)).await;
    assert!(page.contains("Công dân yêu cầu rút hồ sơ"));
    assert!(
        !page.contains(&format!(r#"action="{path}/rut""#)),
        "no second withdrawal offered"
    );
    let response = app.post_form(&hung, &format!("{path}/rut"), &fields).await;
    assert_eq!(
        response.status(),
        StatusCode::CONFLICT,
        "a second withdrawal is refused"
    );

    let officer = browser(&app, "motcua.canbo1").await;
    let queue = app.page(&officer, "/staff/dossiers?queue=new").await;
    assert!(!queue.contains(&his.public_id), "{queue}");
}

async fn rate(
    app: &TestApp,
    client: &reqwest::Client,
    reference: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let csrf = citizen_csrf(app, client).await;
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    app.post_form(
        client,
        &format!("/ho-so-cua-toi/{reference}/danh-gia"),
        &form,
    )
    .await
}

async fn rating_of(app: &TestApp, dossier_id: i64) -> (String, String, String) {
    app.db
        .read(move |c| {
            c.query_row(
                "SELECT overall, criteria, indices FROM ratings WHERE dossier_id = ?1",
                [dossier_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(motcua::store::StoreError::from)
        })
        .await
        .expect("rating")
}

/// Moves the dossier's return (and finish) to `at`.
async fn returned_at(app: &TestApp, dossier_id: i64, at: time::OffsetDateTime) {
    let at = motcua::store::format_time(at);
    exec(
        app,
        "UPDATE dossiers SET returned_at = ?1, finished_at = ?1 WHERE id = ?2",
        &[&at, &dossier_id.to_string()],
    )
    .await;
}

#[tokio::test]
async fn the_owner_rates_her_finished_dossier_may_change_it_until_the_quarter_closes_and_not_after()
{
    let app = spawn_portal().await;
    let done = dossier_of(&app, MAI, "DEMO-HT-07").await;
    let code = done.code.clone().expect("code");
    // The demo returned it six days ago; keep it inside the current quarter whatever today is.
    let now = time::OffsetDateTime::now_utc();
    returned_at(&app, done.id, now - time::Duration::minutes(1)).await;
    let mai = citizen_client(&app, MAI).await;

    let response = rate(&app, &mai, &code, &[("comment", "Không chọn mức")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains(field_message("rating.overall_required"))
    );
    assert_eq!(app.scalar("SELECT count(*) FROM ratings").await, 0);

    let fields = [
        ("overall", "very_satisfied"),
        ("criteria.attitude", "satisfied"),
        ("index.i1", "2"),
        ("comment", "Cán bộ hướng dẫn tận tình"),
    ];
    let response = rate(&app, &mai, &code, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        format!("/ho-so-cua-toi/{code}?done=rating")
    );
    let (overall, criteria, indices) = rating_of(&app, done.id).await;
    assert_eq!(overall, "very_satisfied");
    assert_eq!(
        serde_json::from_str::<Value>(&criteria).expect("JSON"),
        json!({"attitude": "satisfied"})
    );
    assert_eq!(
        serde_json::from_str::<Value>(&indices).expect("JSON"),
        json!({"i1": 2})
    );
    let page = app.page(&mai, &format!("/ho-so-cua-toi/{code}")).await;
    assert_eq!(
        attrs(&page, "input[name=overall][checked]", "value"),
        ["very_satisfied"]
    );
    assert!(page.contains("Cập nhật đánh giá"));

    let response = rate(&app, &mai, &code, &[("overall", "satisfied")]).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "changed within the quarter"
    );
    assert_eq!(rating_of(&app, done.id).await.0, "satisfied");
    assert_eq!(
        app.scalar("SELECT count(*) FROM ratings").await,
        1,
        "one rating per dossier"
    );
    let officer = browser(&app, "motcua.canbo1").await;
    let staff_page = app.page(&officer, &format!("/staff/dossiers/{code}")).await;
    assert!(
        texts(&staff_page, "section[aria-labelledby=h-rating] strong")
            .contains(&"Hài lòng".to_owned())
    );

    // A dossier still being handled cannot be rated.
    let asked = dossier_of(&app, MAI, "DEMO-HT-05").await;
    let response = rate(&app, &mai, &asked.public_id, &[("overall", "unsatisfied")]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains(refusal_message("rating.not_finished"))
    );
    assert_eq!(app.scalar("SELECT count(*) FROM ratings").await, 1);

    // Once the quarter of its return has closed, the rating stands as it is.
    returned_at(&app, done.id, now - time::Duration::days(200)).await;
    let response = rate(&app, &mai, &code, &[("overall", "unsatisfied")]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains(refusal_message("rating.period_closed"))
    );
    assert_eq!(rating_of(&app, done.id).await.0, "satisfied");
    let page = app.page(&mai, &format!("/ho-so-cua-toi/{code}")).await;
    assert!(
        !page.contains(&format!(r#"action="/ho-so-cua-toi/{code}/danh-gia""#)),
        "no form after the quarter"
    );
    assert!(page.contains("Đánh giá của Ông/Bà"));
}

#[tokio::test]
async fn the_owner_downloads_her_signed_result_from_her_dossiers_and_it_verifies_as_genuine() {
    let app = spawn_portal().await;
    let code = returned_code(&app).await;
    let mai = citizen_client(&app, MAI).await;
    let page = app.page(&mai, &format!("/ho-so-cua-toi/{code}")).await;
    let links = attrs(&page, "#results ~ ul a[href*='/tep/']", "href");
    assert_eq!(links.len(), 1, "{page}");
    let verify_code = texts(&page, "#results ~ ul code")
        .pop()
        .expect("a verification code");
    assert_eq!(verify_code.len(), 14);

    let response = app.get(&mai, &links[0]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    let bytes = response.bytes().await.expect("bytes").to_vec();
    assert_eq!(bytes, pdf("Giay xac nhan tinh trang hon nhan (minh hoa)"));

    let verify = |bytes: Vec<u8>| {
        let form = Form::new()
            .text("code", verify_code.clone())
            .part("file", Part::bytes(bytes).file_name("ket-qua.pdf"));
        app.client()
            .post(app.at("/api/v1/results/verify"))
            .multipart(form)
            .send()
    };
    let answer: Value = verify(bytes.clone())
        .await
        .expect("verify")
        .json()
        .await
        .expect("json");
    assert_eq!(answer["outcome"], "genuine", "{answer}");
    let mut altered = bytes;
    altered[12] ^= 0x01;
    let answer: Value = verify(altered)
        .await
        .expect("verify")
        .json()
        .await
        .expect("json");
    assert_eq!(answer["outcome"], "altered", "{answer}");
}
