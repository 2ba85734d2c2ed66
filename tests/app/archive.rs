//! Archiving closed dossiers (Circular 01/2018 Art. 10(3)): the archivist's list of dossiers past their retention
//! (the procedure's own or the office default), the ZIP package with every file byte for byte, "Đã nộp lưu" once
//! only and never on an active dossier, who may read and export what, the API twin and the demo's old dossiers.
//! Old dossiers are made through the real intake and lifecycle services at backdated moments.

#![allow(clippy::expect_used)]

mod package;

use motcua::domain::dossier::{ActionInput, ApplicantInput};
use motcua::services::dossiers::documents::{self, NewDocument};
use motcua::services::dossiers::{self, DossierSettings, IntakeInput};
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use crate::dossier_api::{post, token};
use crate::forms::{browser, texts};
use crate::helpers::{TestApp, acting, at, csrf_in, location};

fn action(value: Value) -> ActionInput {
    serde_json::from_value(value).expect("action")
}

/// A counter dossier of `procedure` received by the demo officer at `when`; its code.
async fn received_at(app: &TestApp, procedure: &str, when: OffsetDateTime) -> String {
    let input = IntakeInput {
        procedure: procedure.into(),
        channel: 1,
        applicant: ApplicantInput {
            kind: "person".into(),
            name: "Đinh Thị Hậu".into(),
            id_number: "027095007777".into(),
            ..ApplicantInput::default()
        },
        components: (1..=10).collect(),
        then: Some(action(json!({"action": "receive"}))),
        ..IntakeInput::default()
    };
    let officer = acting(app, "motcua.canbo1").await;
    let row = dossiers::intake(
        &app.db,
        &at(when),
        &DossierSettings::default(),
        &officer,
        input,
        None,
    )
    .await
    .expect("received");
    row.code.expect("code")
}

/// A dossier of `procedure` received at `when` and withdrawn an hour later, so it finished then; its code.
async fn closed_at(app: &TestApp, procedure: &str, when: OffsetDateTime) -> String {
    let code = received_at(app, procedure, when).await;
    let officer = acting(app, "motcua.canbo1").await;
    let withdraw = action(json!({"action": "withdraw", "reason": "Người nộp rút hồ sơ"}));
    let later = at(when + Duration::hours(1));
    dossiers::act(
        &app.db,
        &later,
        &DossierSettings::default(),
        &officer,
        &code,
        withdraw,
        None,
    )
    .await
    .expect("withdrawn");
    code
}

fn years_ago(years: i64) -> OffsetDateTime {
    OffsetDateTime::now_utc() - Duration::days(365 * years + years / 4)
}

/// The dossier codes of a list page, in order.
fn listed(html: &str) -> Vec<String> {
    texts(html, "main td[data-label='Mã hồ sơ'] code")
}

/// The test app's file store with its configured size limit.
pub(crate) fn file_store(app: &TestApp) -> motcua::filestore::FileStore {
    motcua::filestore::FileStore {
        dir: app.data.files_dir(),
        max_bytes: app.config.documents.max_file_bytes(),
    }
}

#[tokio::test]
async fn the_list_shows_only_closed_dossiers_past_their_procedures_retention_or_the_office_default()
{
    let app = TestApp::spawn_demo().await;
    // Office default 10 years; DEMO-CT-01 keeps 2 years; DEMO-HT-01 is kept permanently (demo catalogue).
    let old = closed_at(&app, "DEMO-HKD-01", years_ago(11)).await;
    let older = closed_at(&app, "DEMO-HKD-01", years_ago(12)).await;
    let recent = closed_at(&app, "DEMO-HKD-01", years_ago(9)).await;
    let short = closed_at(&app, "DEMO-CT-01", years_ago(3)).await;
    let short_recent = closed_at(&app, "DEMO-CT-01", years_ago(1)).await;
    let permanent = closed_at(&app, "DEMO-HT-01", years_ago(20)).await;
    let active = received_at(&app, "DEMO-HKD-01", years_ago(13)).await;

    let archivist = browser(&app, "luutru").await;
    let html = app.page(&archivist, "/staff/luu-tru").await;
    assert_eq!(
        listed(&html),
        [older.clone(), old.clone(), short.clone()],
        "oldest first"
    );
    for absent in [&recent, &short_recent, &permanent, &active] {
        assert!(!html.contains(absent.as_str()), "{absent} is not due");
    }
    let rows = texts(&html, "main tbody tr");
    assert!(rows[2].contains("2 năm"), "{}", rows[2]);
    assert!(rows[0].contains("10 năm"), "{}", rows[0]);

    // The dossier page says which retention applies and when it ends.
    let page = app
        .page(&archivist, &format!("/staff/dossiers/{short}"))
        .await;
    let section = texts(&page, "#luu-tru").join(" ");
    assert!(
        section.contains("2 năm (theo quy định của thủ tục)"),
        "{section}"
    );
    assert!(section.contains("đã đến hạn nộp lưu"), "{section}");
    let page = app
        .page(&archivist, &format!("/staff/dossiers/{permanent}"))
        .await;
    let section = texts(&page, "#luu-tru").join(" ");
    assert!(
        section.contains("Vĩnh viễn") && section.contains("bảo quản vĩnh viễn"),
        "{section}"
    );
    let page = app
        .page(&archivist, &format!("/staff/dossiers/{recent}"))
        .await;
    assert!(
        texts(&page, "#luu-tru")
            .join(" ")
            .contains("10 năm (thời hạn mặc định của cơ quan)")
    );

    // Leaders may follow the list; an officer may not.
    let leader = browser(&app, "lanhdao").await;
    assert_eq!(listed(&app.page(&leader, "/staff/luu-tru").await).len(), 3);
    let officer = browser(&app, "motcua.canbo1").await;
    assert_eq!(
        app.get(&officer, "/staff/luu-tru").await.status(),
        StatusCode::FORBIDDEN
    );
    let nav = |html: &str| {
        texts(html, "nav[aria-label='Điều hướng chính'] a").contains(&"Lưu trữ".to_owned())
    };
    assert!(nav(&html));
    assert!(!nav(&app.page(&officer, "/staff").await));
}

#[tokio::test]
async fn the_office_default_retention_comes_from_the_configuration_and_pages_continue_by_cursor() {
    let mut config = motcua::config::Config::for_tests();
    config.archive.default_retention_years = 5;
    let app = TestApp::spawn_demo_with(config).await;
    let mut codes = Vec::new();
    for i in 0..52 {
        codes.push(closed_at(&app, "DEMO-HKD-02", years_ago(6) - Duration::days(52 - i)).await);
    }
    let not_yet = closed_at(&app, "DEMO-HKD-02", years_ago(4)).await;
    let archivist = browser(&app, "luutru").await;
    let first = app.page(&archivist, "/staff/luu-tru").await;
    assert!(first.contains("5 năm"));
    assert_eq!(listed(&first), codes[..50]);
    let next = scraper::Html::parse_document(&first)
        .select(&scraper::Selector::parse("a[rel=next]").expect("sel"))
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_owned))
        .expect("a next page");
    let second = app.page(&archivist, &next).await;
    assert_eq!(listed(&second), codes[50..]);
    assert!(!second.contains(&not_yet));
}

/// Posts "Đã nộp lưu" from the dossier page as `client`.
async fn mark(app: &TestApp, client: &reqwest::Client, code: &str) -> reqwest::Response {
    let csrf = csrf_in(&app.page(client, &format!("/staff/dossiers/{code}")).await);
    app.post_form(
        client,
        &format!("/staff/dossiers/{code}/luu-tru"),
        &[("csrf", &csrf)],
    )
    .await
}

#[tokio::test]
async fn marking_a_dossier_archived_twice_is_refused_and_it_stays_readable_with_its_files() {
    let app = TestApp::spawn_demo().await;
    let when = years_ago(11);
    let code = received_at(&app, "DEMO-HKD-01", when).await;
    let officer = acting(&app, "motcua.canbo1").await;
    let scan = NewDocument {
        file_name: "Giấy đề nghị.pdf".into(),
        bytes: b"%PDF-1.4\n% Giay de nghi\n%%EOF\n".to_vec(),
        kind: "scan".into(),
        component: Some(1),
        confidential: false,
        certify: false,
    };
    let doc = documents::attach(
        &app.db,
        crate::archive::file_store(&app),
        &at(when),
        &officer,
        &code,
        scan,
    )
    .await
    .expect("scan");
    let withdraw = action(json!({"action": "withdraw"}));
    dossiers::act(
        &app.db,
        &at(when + Duration::hours(1)),
        &DossierSettings::default(),
        &officer,
        &code,
        withdraw,
        None,
    )
    .await
    .expect("withdrawn");

    let archivist = browser(&app, "luutru").await;
    let response = mark(&app, &archivist, &code).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        format!("/staff/dossiers/{code}?done=archived#luu-tru")
    );
    let page = app.page(&archivist, &location(&response)).await;
    assert!(
        texts(&page, "#status")
            .join(" ")
            .contains("Đã nộp lưu trữ ngày"),
        "{page}"
    );
    assert!(page.contains("Đã ghi nhận hồ sơ đã nộp lưu trữ."));
    assert!(
        texts(&page, ".history li")
            .iter()
            .any(|l| l.contains("Nộp lưu trữ"))
    );
    assert!(!page.contains(">Đã nộp lưu</button>"), "no second button");

    let again = mark(&app, &archivist, &code).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert!(
        again
            .text()
            .await
            .expect("body")
            .contains("đã được ghi nhận nộp lưu trữ trước đó")
    );
    let events = app
        .scalar("SELECT count(*) FROM dossier_events WHERE action = 'archive'")
        .await;
    let audits = app
        .scalar("SELECT count(*) FROM audit_log WHERE action = 'dossier.archive'")
        .await;
    assert_eq!((events, audits), (1, 1));

    // Still readable, files included, for the archivist and for the officers.
    let file = app
        .get(
            &archivist,
            &format!("/staff/dossiers/{code}/documents/{}", doc.id),
        )
        .await;
    assert_eq!(file.status(), StatusCode::OK);
    assert_eq!(
        file.bytes().await.expect("bytes").as_ref(),
        b"%PDF-1.4\n% Giay de nghi\n%%EOF\n"
    );
    let desk = browser(&app, "motcua.canbo2").await;
    assert!(
        app.page(&desk, &format!("/staff/dossiers/{code}"))
            .await
            .contains("Đã nộp lưu trữ ngày")
    );
    assert!(listed(&app.page(&archivist, "/staff/luu-tru").await).is_empty());
    let archived = listed(&app.page(&archivist, "/staff/luu-tru?tab=da-nop").await);
    assert_eq!(archived, [code]);
}

#[tokio::test]
async fn an_active_dossier_cannot_be_archived_and_an_archivist_cannot_even_open_it() {
    let app = TestApp::spawn_demo().await;
    let code = received_at(&app, "DEMO-HKD-01", years_ago(12)).await;
    let archivist = browser(&app, "luutru").await;
    for path in [
        format!("/staff/dossiers/{code}"),
        format!("/staff/dossiers/{code}/luu-tru.zip"),
    ] {
        assert_eq!(
            app.get(&archivist, &path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let token_archivist = token(&app, "luutru").await;
    let (status, body) = post(
        &app,
        &token_archivist,
        &format!("/api/v1/dossiers/{code}/archive"),
        json!({}),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );

    // Someone who sees it (an archivist who is also a one-stop officer) is told why.
    let both = app.signed_in("luutru.motcua", "archivist,officer").await;
    let response = mark(&app, &both, &code).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("Hồ sơ chưa kết thúc")
    );
    let zip = app
        .get(&both, &format!("/staff/dossiers/{code}/luu-tru.zip"))
        .await;
    assert_eq!(zip.status(), StatusCode::CONFLICT);
    let token_both = token(&app, "luutru.motcua").await;
    let (status, body) = post(
        &app,
        &token_both,
        &format!("/api/v1/dossiers/{code}/archive"),
        json!({}),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("archive.still_open"))
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM dossiers WHERE archived_at IS NOT NULL")
            .await,
        0
    );
}

#[tokio::test]
async fn the_api_archives_a_closed_dossier_once_and_answers_a_repeated_key_as_before() {
    let app = TestApp::spawn_demo().await;
    let code = closed_at(&app, "DEMO-HKD-01", years_ago(11)).await;
    let officer = token(&app, "motcua.canbo1").await;
    let path = format!("/api/v1/dossiers/{code}/archive");
    let (status, body) = post(&app, &officer, &path, json!({})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    let archivist = token(&app, "luutru").await;
    let send = |key: Option<&'static str>| {
        let request = app
            .client()
            .post(app.at(&path))
            .bearer_auth(&archivist)
            .json(&json!({}));
        let request = match key {
            Some(k) => request.header("Idempotency-Key", k),
            None => request,
        };
        async move {
            let response = request.send().await.expect("post");
            (
                response.status(),
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let (status, first) = send(Some("luu-tru-1")).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["archived"]["by"], "Đoàn Thị Lưu");
    assert!(
        first["events"]
            .as_array()
            .expect("events")
            .iter()
            .any(|e| e["action"] == "archive")
    );
    let (status, repeated) = send(Some("luu-tru-1")).await;
    assert_eq!(
        (status, &repeated["archived"]),
        (StatusCode::OK, &first["archived"])
    );
    let (status, refused) = send(None).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::CONFLICT, Some("archive.already_archived"))
    );
    assert!(
        refused["title"]
            .as_str()
            .expect("title")
            .contains("đã được ghi nhận nộp lưu trữ")
    );
    let (_, shown) =
        crate::dossier_api::get(&app, &archivist, &format!("/api/v1/dossiers/{code}")).await;
    assert_eq!(shown["archived"], first["archived"]);
}

#[tokio::test]
async fn the_procedure_editor_keeps_a_retention_period_and_refuses_one_out_of_range() {
    let app = TestApp::spawn_demo().await;
    let admin = browser(&app, "quantri").await;
    let html = app.page(&admin, "/admin/procedures/DEMO-HT-01").await;
    assert!(html.contains("Thời hạn lưu trữ hồ sơ (năm)"));
    assert!(
        html.contains(r#"name="retention_permanent" type="checkbox" value="1" checked"#),
        "permanent shown"
    );
    let fields = |html: &str, years: &str| {
        let doc = scraper::Html::parse_document(html);
        let sel =
            scraper::Selector::parse("form.editor input, form.editor textarea, form.editor select")
                .expect("sel");
        let selected = scraper::Selector::parse("option[selected]").expect("sel");
        let mut out: Vec<(String, String)> = Vec::new();
        for el in doc.select(&sel) {
            let v = el.value();
            let Some(name) = v.attr("name") else { continue };
            let value = match v.name() {
                "textarea" => el.text().collect(),
                "select" => el
                    .select(&selected)
                    .next()
                    .and_then(|o| o.value().attr("value"))
                    .unwrap_or("")
                    .to_owned(),
                _ if v.attr("type") == Some("checkbox")
                    && (v.attr("checked").is_none() || name == "retention_permanent") =>
                {
                    continue;
                }
                _ if name == "retention_years" => years.to_owned(),
                _ => v.attr("value").unwrap_or("").to_owned(),
            };
            out.push((name.to_owned(), value));
        }
        out.push(("op".into(), "save".into()));
        out
    };
    let form = fields(
        &app.page(&admin, "/admin/procedures/DEMO-HKD-01").await,
        "71",
    );
    let refused = admin
        .post(app.at("/admin/procedures/DEMO-HKD-01"))
        .form(&form)
        .send()
        .await
        .expect("POST");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .expect("body")
            .contains("Thời hạn lưu trữ hồ sơ (năm): nằm ngoài khoảng cho phép")
    );
    let form = fields(
        &app.page(&admin, "/admin/procedures/DEMO-HKD-01").await,
        "25",
    );
    let saved = admin
        .post(app.at("/admin/procedures/DEMO-HKD-01"))
        .form(&form)
        .send()
        .await
        .expect("POST");
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.scalar("SELECT json_extract(body, '$.retention_years') FROM procedure_versions WHERE procedure_code = 'DEMO-HKD-01' AND state = 'draft'").await,
        25
    );
}

#[tokio::test]
async fn the_demo_puts_old_closed_dossiers_in_the_archivists_list_and_one_already_archived() {
    let app = TestApp::spawn_demo().await;
    let now = OffsetDateTime::now_utc();
    let created = motcua::services::demo_archive::load(&app.db, &file_store(&app), now)
        .await
        .expect("demo archive");
    assert_eq!(created, Some(8));
    let again = motcua::services::demo_archive::load(&app.db, &file_store(&app), now)
        .await
        .expect("again");
    assert_eq!(again, None, "loaded once");
    let archivist = browser(&app, "luutru").await;
    let due = texts(
        &app.page(&archivist, "/staff/luu-tru").await,
        "main tbody tr",
    );
    assert_eq!(due.len(), 5, "{due:?}");
    assert!(
        due.iter().any(|r| r.contains("2 năm")),
        "the procedure's own period shows"
    );
    let archived = listed(&app.page(&archivist, "/staff/luu-tru?tab=da-nop").await);
    assert_eq!(archived.len(), 1);
}
