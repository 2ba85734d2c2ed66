//! The process rules of Decree 61/2018 on real dossiers at chosen moments: unique codes under 200 parallel
//! receipts, the 15:00 transfer rule, deadlines across Tết 2027, the supplement clock restarting from zero, the
//! once-only extension and the overdue flag.

use motcua::domain::dossier::{ActionInput, ApplicantInput};
use motcua::services::ServiceError;
use motcua::services::dossiers::{self, DossierSettings, IntakeInput};
use motcua::store::dossiers::DossierRow;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::datetime;

use crate::dossier_api::{counter_dossier, get, token};
use crate::helpers::{TestApp, acting, at};

async fn receive(app: &TestApp, now: OffsetDateTime, procedure: &str) -> DossierRow {
    let officer = acting(app, "motcua.canbo1").await;
    let input = IntakeInput {
        procedure: procedure.into(),
        channel: 1,
        applicant: ApplicantInput {
            kind: "person".into(),
            name: "Phạm Văn Dũng".into(),
            id_number: "027095001234".into(),
            email: "dung@example.vn".into(),
            ..ApplicantInput::default()
        },
        components: vec![1, 2, 3, 4, 5],
        then: Some(ActionInput {
            action: "receive".into(),
            ..ActionInput::default()
        }),
        ..IntakeInput::default()
    };
    dossiers::intake(
        &app.db,
        &at(now),
        &DossierSettings::default(),
        &officer,
        input,
        None,
    )
    .await
    .expect("received")
}

async fn act(
    app: &TestApp,
    who: &'static str,
    now: OffsetDateTime,
    code: &str,
    input: Value,
) -> Result<DossierRow, ServiceError> {
    let acting = acting(app, who).await;
    let input: ActionInput = serde_json::from_value(input).expect("input");
    dossiers::act(
        &app.db,
        &at(now),
        &DossierSettings::default(),
        &acting,
        code,
        input,
        None,
    )
    .await
}

fn stored(t: OffsetDateTime) -> String {
    motcua::store::format_time(t)
}

#[tokio::test]
async fn two_hundred_parallel_receipts_get_two_hundred_distinct_codes_numbered_from_0001() {
    let app = TestApp::spawn_demo().await;
    let officer = token(&app, "motcua.canbo1").await;
    let client = app.client();
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let (client, url, officer) = (client.clone(), app.at("/api/v1/dossiers"), officer.clone());
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(url)
                .bearer_auth(officer)
                .json(&counter_dossier("DEMO-HKD-01"))
                .send()
                .await
                .expect("post");
            assert_eq!(r.status(), StatusCode::CREATED);
            let body: Value = r.json().await.expect("json");
            body["code"].as_str().expect("code").to_owned()
        }));
    }
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.expect("task"));
    }
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 200, "no duplicates");
    let mut numbers: Vec<u32> = codes
        .iter()
        .map(|c| c[c.len() - 4..].parse().expect("seq"))
        .collect();
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        (1..=200).collect::<Vec<u32>>(),
        "the day's sequence starts at 0001 with no gaps"
    );
    assert!(
        codes
            .iter()
            .all(|c| c.starts_with("H40.12-") && c.len() == 18)
    );
}

#[tokio::test]
async fn a_paper_dossier_received_at_1459_is_due_for_transfer_the_same_day_and_one_at_1501_the_next_morning()
 {
    let app = TestApp::spawn_demo().await;
    let early = receive(&app, datetime!(2026-12-01 14:59 +7), "DEMO-HKD-01").await;
    assert_eq!(
        early.transfer_due_at.as_deref(),
        Some(stored(datetime!(2026-12-01 17:00 +7)).as_str())
    );
    let late = receive(&app, datetime!(2026-12-01 15:01 +7), "DEMO-HKD-01").await;
    assert_eq!(
        late.transfer_due_at.as_deref(),
        Some(stored(datetime!(2026-12-02 07:30 +7)).as_str())
    );
    // A transfer after its deadline is flagged in the history.
    let code = early.code.expect("code");
    act(
        &app,
        "motcua.canbo1",
        datetime!(2026-12-02 09:00 +7),
        &code,
        json!({"action": "transfer", "to_unit": "H40.12.4"}),
    )
    .await
    .expect("transfer");
    let flagged = app.scalar("SELECT count(*) FROM dossier_events WHERE action = 'transfer' AND json_extract(data, '$.transfer_late') = 1").await;
    assert_eq!(flagged, 1);
    assert_eq!(
        &late.code.expect("code")[7..13],
        "261201",
        "the code carries the receipt date"
    );
}

#[tokio::test]
async fn the_deadline_of_a_dossier_received_before_tet_2027_skips_the_tet_holiday_and_its_compensatory_days()
 {
    let app = TestApp::spawn_demo().await;
    // DEMO-HKD-01 takes 03 working days; Tết 2027 closes the office from Fri 5 to Thu 11 February.
    let d = receive(&app, datetime!(2027-02-04 10:00 +7), "DEMO-HKD-01").await;
    assert_eq!(
        d.due_at.as_deref(),
        Some(stored(datetime!(2027-02-16 10:00 +7)).as_str())
    );
    assert_eq!(d.code.as_deref().map(|c| &c[7..13]), Some("270204"));
    // An online dossier sent on the first day of Tết counts from the next working moment.
    let sent_on_tet = receive(&app, datetime!(2027-02-06 09:00 +7), "DEMO-HKD-01").await;
    assert_eq!(
        sent_on_tet.clock_started_at.as_deref(),
        Some(stored(datetime!(2027-02-06 09:00 +7)).as_str())
    );
    assert_eq!(
        sent_on_tet.due_at.as_deref(),
        Some(stored(datetime!(2027-02-16 17:00 +7)).as_str())
    );
}

#[tokio::test]
async fn a_supplement_asked_at_appraisal_stops_the_clock_and_the_complete_dossier_restarts_it_from_zero()
 {
    let app = TestApp::spawn_demo().await;
    let d = receive(&app, datetime!(2026-12-01 08:00 +7), "DEMO-HKD-01").await;
    let code = d.code.clone().expect("code");
    let specialist = app
        .scalar("SELECT id FROM staff WHERE username = 'kinhte.chuyenvien'")
        .await;
    act(
        &app,
        "motcua.canbo1",
        datetime!(2026-12-01 08:30 +7),
        &code,
        json!({"action": "transfer", "to_unit": "H40.12.4"}),
    )
    .await
    .expect("transfer");
    act(
        &app,
        "kinhte.truong",
        datetime!(2026-12-01 09:00 +7),
        &code,
        json!({"action": "assign", "to_user": specialist}),
    )
    .await
    .expect("assign");
    let asked = act(&app, "kinhte.chuyenvien", datetime!(2026-12-02 10:00 +7), &code,
        json!({"action": "request_supplement", "reason": "Thiếu chữ ký", "items": ["Giấy đề nghị có chữ ký"]})).await.expect("ask");
    assert_eq!(asked.status, 5);
    assert_eq!(asked.due_at, None, "the clock is stopped");
    let back = act(
        &app,
        "motcua.canbo1",
        datetime!(2026-12-07 14:00 +7),
        &code,
        json!({"action": "submit_supplement"}),
    )
    .await
    .expect("back");
    assert_eq!(back.status, 4);
    assert_eq!(back.stage, "appraising");
    assert_eq!(
        back.due_at.as_deref(),
        Some(stored(datetime!(2026-12-10 14:00 +7)).as_str()),
        "03 working days from the return"
    );
    assert_eq!(
        back.code.as_deref(),
        Some(code.as_str()),
        "the code does not change"
    );
    // Past 3 working days from receipt a new request needs an explicit acknowledgement.
    let refused = act(
        &app,
        "kinhte.chuyenvien",
        datetime!(2026-12-08 10:00 +7),
        &code,
        json!({"action": "request_supplement", "reason": "Thiếu", "items": ["Bản sao"]}),
    )
    .await;
    assert!(
        matches!(
            refused,
            Err(ServiceError::Refused("dossier.supplement_window_closed"))
        ),
        "{refused:?}"
    );
}

#[tokio::test]
async fn a_dossier_can_be_extended_once_and_the_apology_moves_the_date_and_notifies_the_applicant()
{
    let app = TestApp::spawn_demo().await;
    let d = receive(&app, datetime!(2026-12-01 08:00 +7), "DEMO-HKD-01").await;
    let code = d.code.clone().expect("code");
    let extended = act(
        &app,
        "motcua.canbo1",
        datetime!(2026-12-03 09:00 +7),
        &code,
        json!({"action": "extend", "reason": "Cần xác minh thực địa", "new_due_at": "2026-12-08"}),
    )
    .await
    .expect("extend");
    assert!(extended.extended);
    assert_eq!(
        extended.due_at.as_deref(),
        Some(stored(datetime!(2026-12-08 17:00 +7)).as_str())
    );
    assert_eq!(
        extended.original_due_at, d.due_at,
        "the first appointment is kept"
    );
    let notices = app.scalar("SELECT count(*) FROM notifications WHERE subject LIKE '%hẹn lại%' OR body LIKE '%Cần xác minh thực địa%'").await;
    assert!(notices >= 1, "the applicant is told");
    let events = app.scalar("SELECT count(*) FROM dossier_events").await;
    let again = act(
        &app,
        "motcua.canbo1",
        datetime!(2026-12-07 09:00 +7),
        &code,
        json!({"action": "extend", "reason": "Lần nữa", "new_due_at": "2026-12-20"}),
    )
    .await;
    assert!(
        matches!(
            again,
            Err(ServiceError::Refused("dossier.already_extended"))
        ),
        "{again:?}"
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM dossier_events").await,
        events,
        "nothing changed"
    );
}

#[tokio::test]
async fn a_dossier_past_its_due_time_is_flagged_overdue_everywhere_and_keeps_its_status() {
    let app = TestApp::spawn_demo().await;
    let d = receive(
        &app,
        OffsetDateTime::now_utc() - time::Duration::days(30),
        "DEMO-HKD-01",
    )
    .await;
    let code = d.code.expect("code");
    let officer = token(&app, "motcua.canbo1").await;
    let (_, one) = get(&app, &officer, &format!("/api/v1/dossiers/{code}")).await;
    assert_eq!(one["overdue"], true);
    assert_eq!(one["status"]["name"], "Được tiếp nhận");
    let (_, queue) = get(&app, &officer, "/api/v1/dossiers?overdue=true").await;
    assert!(
        queue["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|i| i["code"] == code.as_str() && i["overdue"] == true)
    );
    let fresh = receive(&app, OffsetDateTime::now_utc(), "DEMO-HKD-01").await;
    let (_, queue) = get(&app, &officer, "/api/v1/dossiers?overdue=true").await;
    assert!(
        !queue["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|i| i["code"] == fresh.code.as_deref().unwrap_or(""))
    );
}

#[tokio::test]
async fn a_received_dossier_not_transferred_by_its_deadline_is_flagged_in_the_officers_queue() {
    let app = TestApp::spawn_demo().await;
    let old = receive(
        &app,
        OffsetDateTime::now_utc() - time::Duration::days(5),
        "DEMO-HKD-01",
    )
    .await;
    let client = app.client();
    app.sign_in(&client, "motcua.canbo1", crate::helpers::PASSWORD)
        .await;
    let html = app.page(&client, "/staff/dossiers?queue=received").await;
    let code = old.code.expect("code");
    let row = html
        .split("<tr")
        .find(|r| r.contains(&code))
        .expect("the dossier is listed");
    assert!(row.contains("Quá hạn chuyển"), "{row}");
}

#[tokio::test]
async fn a_procedure_may_allow_a_longer_supplement_window_than_three_working_days() {
    let app = TestApp::spawn_demo().await;
    app.sql("UPDATE procedure_versions SET body = json_set(body, '$.supplement_days', 10) WHERE procedure_code = 'DEMO-HKD-01'").await;
    let d = receive(&app, datetime!(2026-12-01 08:00 +7), "DEMO-HKD-01").await;
    let code = d.code.expect("code");
    let specialist = app
        .scalar("SELECT id FROM staff WHERE username = 'kinhte.chuyenvien'")
        .await;
    act(
        &app,
        "motcua.canbo1",
        datetime!(2026-12-01 08:30 +7),
        &code,
        json!({"action": "transfer", "to_unit": "H40.12.4"}),
    )
    .await
    .expect("transfer");
    act(
        &app,
        "kinhte.truong",
        datetime!(2026-12-01 09:00 +7),
        &code,
        json!({"action": "assign", "to_user": specialist}),
    )
    .await
    .expect("assign");
    let asked = act(
        &app,
        "kinhte.chuyenvien",
        datetime!(2026-12-08 10:00 +7),
        &code,
        json!({"action": "request_supplement", "reason": "Thiếu", "items": ["Bản sao"]}),
    )
    .await;
    assert!(
        asked.is_ok(),
        "five working days after receipt is inside a ten-day window: {asked:?}"
    );
}
