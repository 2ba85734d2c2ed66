//! The back-office dossier pages: the counter screen receives a dossier with its scanned papers in one
//! transaction, a bad file stops everything with a Vietnamese message, actions post from the dossier page, and a
//! person never sees a dossier outside their reach.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use crate::helpers::{TestApp, csrf_in, location};

async fn staff(app: &TestApp, username: &str) -> reqwest::Client {
    app.signed_in_as(username).await
}

fn counter_form(csrf: &str, file: (&str, Vec<u8>)) -> Form {
    Form::new()
        .text("csrf", csrf.to_owned())
        .text("procedure", "DEMO-HKD-01")
        .text("channel", "1")
        .text("kind", "person")
        .text("name", "Trần Thị Cúc")
        .text("id_number", "027195004321")
        .text("phone", "0987654321")
        .text("sets", "1")
        .text("component", "1")
        .text("component", "2")
        .text("delivery", "counter")
        .text("then", "receive")
        .part("file_1", Part::bytes(file.1).file_name(file.0.to_owned()))
}

/// Opens the counter screen for DEMO-HKD-01 and submits it with one scanned file for component 1.
async fn submit_counter(
    app: &TestApp,
    officer: &reqwest::Client,
    file: (&str, Vec<u8>),
) -> reqwest::Response {
    let csrf = csrf_in(
        &app.page(officer, "/staff/tiep-nhan?procedure=DEMO-HKD-01")
            .await,
    );
    officer
        .post(app.at("/staff/tiep-nhan"))
        .multipart(counter_form(&csrf, file))
        .send()
        .await
        .expect("post")
}

#[tokio::test]
async fn the_counter_screen_receives_a_dossier_with_its_scan_and_shows_it_with_its_history() {
    let app = TestApp::spawn_demo().await;
    let officer = staff(&app, "motcua.canbo1").await;
    let page = app
        .page(&officer, "/staff/tiep-nhan?procedure=DEMO-HKD-01")
        .await;
    assert!(page.contains("Đăng ký thành lập hộ kinh doanh") && page.contains("Thành phần hồ sơ"));
    let csrf = csrf_in(&page);
    let response = officer
        .post(app.at("/staff/tiep-nhan"))
        .multipart(counter_form(
            &csrf,
            ("to-khai.pdf", b"%PDF-1.4\n% to khai\n".to_vec()),
        ))
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let to = location(&response);
    assert!(to.starts_with("/staff/dossiers/H40.12-"), "{to}");
    let html = app.page(&officer, &to).await;
    for text in [
        "Được tiếp nhận",
        "Trần Thị Cúc",
        "to-khai.pdf",
        "Đính kèm tệp",
        "Tiếp nhận",
        "Chuyển xử lý",
    ] {
        assert!(html.contains(text), "{text} missing");
    }
    assert!(
        !html.contains("Hoàn thành xử lý"),
        "a procedure with a processing time cannot be completed at receipt"
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM dossier_documents").await,
        1
    );
}

#[tokio::test]
async fn a_renamed_executable_at_the_counter_is_refused_with_a_message_and_nothing_is_saved() {
    let app = TestApp::spawn_demo().await;
    let officer = staff(&app, "motcua.canbo1").await;
    let response = submit_counter(
        &app,
        &officer,
        (
            "to-khai.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00 not a pdf".to_vec(),
        ),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("text");
    assert!(
        html.contains("Loại tệp không được chấp nhận"),
        "the reason is shown"
    );
    assert!(html.contains("Trần Thị Cúc"), "what was typed is kept");
    assert_eq!(app.scalar("SELECT count(*) FROM dossiers").await, 0);
    assert_eq!(app.scalar("SELECT count(*) FROM dossier_code_seq").await, 0);
}

#[tokio::test]
async fn actions_post_from_the_dossier_page_and_a_missing_reason_is_shown_beside_its_field() {
    let app = TestApp::spawn_demo().await;
    let officer = staff(&app, "motcua.canbo1").await;
    let response = submit_counter(&app, &officer, ("to-khai.pdf", b"%PDF-1.4\n".to_vec())).await;
    let location = location(&response);
    let to = location.split('?').next().expect("path").to_owned();
    let csrf = csrf_in(&app.page(&officer, &to).await);
    let post = |pairs: Vec<(&'static str, &'static str)>| {
        let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        form.extend(pairs);
        officer
            .post(app.at(&format!("{to}/actions")))
            .form(&form)
            .send()
    };
    let response = post(vec![("action", "transfer"), ("to_unit", "H40.12.4")])
        .await
        .expect("post");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let html = app.page(&officer, &to).await;
    assert!(html.contains("Đang xử lý") && html.contains("Phòng Kinh tế và Hạ tầng"));

    let response = post(vec![("action", "extend"), ("new_due_at", "2099-01-01")])
        .await
        .expect("post");
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("text");
    assert!(
        html.contains("Vui lòng nhập thông tin này."),
        "the missing reason is named"
    );

    let response = post(vec![("action", "approve")]).await.expect("post");
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let html = response.text().await.expect("text");
    assert!(html.contains("Hồ sơ đang ở bước không cho phép thao tác này."));
}

#[tokio::test]
async fn staff_of_another_unit_get_not_found_and_the_desk_lists_each_queue_with_its_size() {
    let app = TestApp::spawn_demo().await;
    let officer = staff(&app, "motcua.canbo1").await;
    let response = submit_counter(&app, &officer, ("to-khai.pdf", b"%PDF-1.4\n".to_vec())).await;
    let to = location(&response);
    let desk = app.page(&officer, "/staff").await;
    assert!(
        desk.contains("Chờ chuyển xử lý: <strong>1</strong>"),
        "{desk}"
    );
    let other = staff(&app, "tuphap.chuyenvien").await;
    let response = app.get(&other, &to).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = app.get(&other, "/staff/tiep-nhan").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let queue = app.page(&officer, "/staff/dossiers?queue=received").await;
    assert!(queue.contains("Trần Thị Cúc"));
    let old_link = app.get(&officer, "/staff/dossiers?q=tran+thi+cuc").await;
    assert_eq!(location(&old_link), "/staff/tim-kiem?q=tran+thi+cuc");
    let found = app
        .page_eventually(&officer, "/staff/tim-kiem?q=tran+thi+cuc", "Trần Thị Cúc")
        .await;
    assert!(found.contains("Trần Thị Cúc"), "search without diacritics");
}
