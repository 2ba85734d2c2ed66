//! Following a dossier after submission: the public lookup by code (two tiers, one answer for anything not
//! found) and its rate limit, the conversation with the office and the bell, and a notice per status change.

#![allow(clippy::expect_used)]

use std::time::Instant;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::dossier_api::{act, token};
use crate::forms::browser;
use crate::helpers::{TestApp, csrf_in, location};
use crate::portal_support::{
    HUNG, MAI, attrs, bell, citizen_client, citizen_csrf, dossier_of, query, spawn_portal, texts,
};

/// Mai's returned DEMO-HT-07 dossier's code.
async fn returned_code(app: &TestApp) -> String {
    dossier_of(app, MAI, "DEMO-HT-07")
        .await
        .code
        .expect("a code")
}

async fn lookup_page(app: &TestApp, client: &reqwest::Client, code: &str) -> (StatusCode, String) {
    let response = app.get(client, &format!("/tra-cuu/{code}")).await;
    let status = response.status();
    (status, response.text().await.expect("body"))
}

async fn lookup_api(app: &TestApp, code: &str) -> (StatusCode, Value) {
    let response = app
        .client()
        .get(app.at(&format!("/api/v1/lookup/{code}")))
        .send()
        .await
        .expect("lookup");
    let status = response.status();
    (status, response.json().await.expect("json"))
}

#[tokio::test]
async fn the_public_lookup_shows_the_status_and_completion_but_nothing_about_the_applicant() {
    let app = spawn_portal().await;
    let code = returned_code(&app).await;
    let (status, html) = lookup_page(&app, &app.client(), &code).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(texts(&html, "#progress"), [format!("Hồ sơ {code}")]);
    let facts = texts(&html, "section.card dd");
    assert!(facts.contains(&"Đã trả kết quả".to_owned()), "{facts:?}");
    assert!(
        facts.contains(&"Bước 4/4: Đã trả kết quả".to_owned()),
        "{facts:?}"
    );
    for private in [
        "Nguyễn Thị Mai",
        MAI,
        "0912000101",
        "mai.nguyen@example.vn",
        "Thôn Đông",
        "Xem chi tiết hồ sơ",
    ] {
        assert!(!html.contains(private), "{private} is not public");
    }
    let (status, body) = lookup_api(&app, &code).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["code"], code.as_str());
    assert_eq!(body["status"]["name"], "Đã trả kết quả");
    let text = body.to_string();
    assert!(
        !text.contains("Nguyễn Thị Mai") && !text.contains(MAI) && body.get("applicant").is_none(),
        "{text}"
    );
}

#[tokio::test]
async fn the_signed_in_owner_is_offered_the_full_dossier_and_another_citizen_is_not() {
    let app = spawn_portal().await;
    let code = returned_code(&app).await;
    let mai = citizen_client(&app, MAI).await;
    let (_, html) = lookup_page(&app, &mai, &code).await;
    let link = format!("/ho-so-cua-toi/{code}");
    assert_eq!(
        attrs(&html, "a.button", "href"),
        std::slice::from_ref(&link)
    );
    assert!(html.contains("Xem chi tiết hồ sơ của bạn"));

    let hung = citizen_client(&app, HUNG).await;
    let (_, html) = lookup_page(&app, &hung, &code).await;
    assert!(!attrs(&html, "a", "href").contains(&link), "{html}");
    assert!(!html.contains("Nguyễn Thị Mai"));
    assert!(attrs(&html, "a", "href").contains(&format!("/dang-nhap?next=/ho-so-cua-toi/{code}")));
}

#[tokio::test]
async fn an_unknown_code_a_malformed_code_and_a_public_id_get_the_same_not_found_answer() {
    let app = spawn_portal().await;
    let code = returned_code(&app).await;
    let unknown = format!("{}9999", &code[..code.len() - 4]);
    let public_id = dossier_of(&app, MAI, "DEMO-HT-05").await.public_id;
    let mut pages = Vec::new();
    let mut answers = Vec::new();
    for probe in [unknown.as_str(), "KHONG-PHAI-MA", public_id.as_str()] {
        let (status, html) = lookup_page(&app, &app.client(), probe).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{probe}");
        assert!(html.contains("Không tìm thấy hồ sơ có mã này"), "{probe}");
        pages.push(html.replace(probe, "MÃ"));
        let (status, mut body) = lookup_api(&app, probe).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found")),
            "{probe}"
        );
        body.as_object_mut().expect("problem").remove("detail");
        answers.push(body);
    }
    assert!(
        pages.windows(2).all(|w| w[0] == w[1]),
        "the pages differ only by the code typed"
    );
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
}

#[tokio::test]
async fn more_than_twenty_lookups_in_a_burst_from_one_address_get_429_with_a_vietnamese_message() {
    let app = spawn_portal().await;
    let code = returned_code(&app).await;
    let visitor = app.client();
    let started = Instant::now();
    for i in 0..20 {
        let status = if i % 2 == 0 {
            lookup_page(&app, &visitor, &code).await.0
        } else {
            lookup_api(&app, &code).await.0
        };
        assert_eq!(status, StatusCode::OK, "lookup {}", i + 1);
    }
    // One more token comes back every 3 seconds; allow for them if this machine was slow.
    let refilled = usize::try_from(started.elapsed().as_secs() / 3).expect("seconds");
    let mut extra = 0;
    let html = loop {
        let (status, html) = lookup_page(&app, &visitor, &code).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            break html;
        }
        assert_eq!(status, StatusCode::OK);
        extra += 1;
        assert!(
            extra <= refilled,
            "the 21st lookup in a burst was let through"
        );
    };
    assert!(
        html.contains("Bạn đã tra cứu quá nhiều lần trong thời gian ngắn"),
        "{html}"
    );
    let (status, body) = lookup_api(&app, &code).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["code"], "rate_limited");
    assert_eq!(
        body["title"],
        "Tra cứu quá nhiều lần, vui lòng thử lại sau một phút"
    );
}

async fn unread(app: &TestApp, id_number: &str) -> i64 {
    query(
        app,
        "SELECT count(*) FROM portal_notices n JOIN citizens c ON c.id = n.citizen_id
         WHERE c.id_number = ?1 AND n.read_at IS NULL",
        &[id_number],
    )
    .await
}

async fn notices(app: &TestApp, id_number: &str) -> i64 {
    query(
        app,
        "SELECT count(*) FROM portal_notices n JOIN citizens c ON c.id = n.citizen_id WHERE c.id_number = ?1",
        &[id_number],
    )
    .await
}

#[tokio::test]
async fn a_staff_message_appears_on_the_citizen_page_and_rings_the_bell_and_the_reply_appears_on_the_staff_page()
 {
    let app = spawn_portal().await;
    let his = dossier_of(&app, HUNG, "DEMO-HT-07").await;
    let staff_path = format!("/staff/dossiers/{}", his.public_id);
    let officer = browser(&app, "motcua.canbo1").await;
    let csrf = csrf_in(&app.page(&officer, &staff_path).await);
    let question = "Đề nghị Ông gửi thêm bản chụp căn cước hai mặt.";
    let response = app
        .post_form(
            &officer,
            &format!("{staff_path}/messages"),
            &[("csrf", csrf.as_str()), ("body", question)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let hung = citizen_client(&app, HUNG).await;
    let waiting = unread(&app, HUNG).await;
    assert!(waiting >= 1, "the message left a notice");
    assert_eq!(bell(&app.page(&hung, "/ho-so-cua-toi").await), waiting);
    let page = app
        .page(&hung, &format!("/ho-so-cua-toi/{}", his.public_id))
        .await;
    let shown = texts(&page, "ol.messages li.staff");
    assert_eq!(shown.len(), 1, "{page}");
    assert!(
        shown[0].starts_with("Cơ quan") && shown[0].ends_with(question),
        "{shown:?}"
    );
    assert_eq!(
        unread(&app, HUNG).await,
        0,
        "opening the dossier read its notices"
    );
    assert_eq!(bell(&app.page(&hung, "/ho-so-cua-toi").await), 0);

    // An empty reply is refused and stores nothing; a real one reaches the staff page.
    let csrf = citizen_csrf(&app, &hung).await;
    let path = format!("/ho-so-cua-toi/{}/tin-nhan", his.public_id);
    let response = app
        .post_form(&hung, &path, &[("csrf", csrf.as_str()), ("body", "   ")])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.scalar("SELECT count(*) FROM dossier_messages").await, 1);
    let reply = "Tôi sẽ gửi bản chụp trong hôm nay.";
    let response = app
        .post_form(&hung, &path, &[("csrf", csrf.as_str()), ("body", reply)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        format!("/ho-so-cua-toi/{}?done=message", his.public_id)
    );
    let staff_page = app.page(&officer, &staff_path).await;
    let thread = texts(&staff_page, "ol.messages li");
    assert_eq!(thread.len(), 2, "{staff_page}");
    assert!(
        thread[1].starts_with("Trần Văn Hùng") && thread[1].ends_with(reply),
        "{thread:?}"
    );
    let kinds: String = query(
        &app,
        "SELECT group_concat(author_kind, ',') FROM (SELECT author_kind FROM dossier_messages ORDER BY id)",
        &[],
    )
    .await;
    assert_eq!(kinds, "staff,citizen");
}

#[tokio::test]
async fn each_status_change_of_an_online_dossier_adds_a_portal_notice_and_opening_the_list_marks_them_read()
 {
    let app = spawn_portal().await;
    let his = dossier_of(&app, HUNG, "DEMO-HT-07").await;
    let hung = citizen_client(&app, HUNG).await;
    let start = notices(&app, HUNG).await;
    let officer = token(&app, "motcua.canbo1").await;
    let (s, d) = act(&app, &officer, &his.public_id, json!({"action": "receive"})).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let code = d["code"].as_str().expect("a code at receipt").to_owned();
    assert_eq!(notices(&app, HUNG).await, start + 1);
    let (s, d) = act(
        &app,
        &officer,
        &code,
        json!({"action": "transfer", "to_unit": "H40.12.2"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(notices(&app, HUNG).await, start + 2);
    let head = token(&app, "tuphap.truong").await;
    let to_user: i64 = query(
        &app,
        "SELECT id FROM staff WHERE username = 'tuphap.chuyenvien'",
        &[],
    )
    .await;
    let (s, d) = act(
        &app,
        &head,
        &code,
        json!({"action": "assign", "to_user": to_user}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(
        notices(&app, HUNG).await,
        start + 2,
        "still Đang xử lý: no new notice"
    );

    let waiting = unread(&app, HUNG).await;
    assert_eq!(waiting, start + 2);
    assert_eq!(bell(&app.page(&hung, "/ho-so-cua-toi").await), waiting);
    let list = app.page(&hung, "/thong-bao").await;
    let fresh = texts(&list, "ul.notices li.unread");
    assert_eq!(fresh.len() as i64, waiting, "{list}");
    assert!(
        fresh
            .iter()
            .any(|n| n.contains(&format!("Hồ sơ {code}: Được tiếp nhận."))),
        "{fresh:?}"
    );
    assert!(
        fresh
            .iter()
            .any(|n| n.contains(&format!("Hồ sơ {code}: Đang xử lý."))),
        "{fresh:?}"
    );
    assert_eq!(
        unread(&app, HUNG).await,
        0,
        "opening the list read them all"
    );
    let again = app.page(&hung, "/thong-bao").await;
    assert!(texts(&again, "ul.notices li.unread").is_empty());
    assert_eq!(texts(&again, "ul.notices li").len() as i64, start + 2);
    assert_eq!(bell(&again), 0);
}
