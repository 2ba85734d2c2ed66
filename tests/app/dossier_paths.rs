//! The other paths of the lifecycle through the API, each with its national status: consultation, inter-agency
//! forwarding (liên thông), fees, stopping, withdrawal and refusal at receipt, which is final.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::dossier_api::{act, counter_dossier, get, post, token};
use crate::helpers::TestApp;

fn status(d: &Value) -> (&str, &str) {
    (
        d["status"]["name"].as_str().unwrap_or_default(),
        d["step"]["stage"].as_str().unwrap_or("-"),
    )
}

/// A counter dossier received, transferred to Phòng Kinh tế và Hạ tầng and assigned to its specialist.
async fn at_appraisal(app: &TestApp) -> (String, String, String, String) {
    let officer = token(app, "motcua.canbo1").await;
    let head = token(app, "kinhte.truong").await;
    let specialist = token(app, "kinhte.chuyenvien").await;
    let (_, d) = post(
        app,
        &officer,
        "/api/v1/dossiers",
        counter_dossier("DEMO-HKD-01"),
    )
    .await;
    let code = d["code"].as_str().expect("code").to_owned();
    act(
        app,
        &officer,
        &code,
        json!({"action": "transfer", "to_unit": "H40.12.4"}),
    )
    .await;
    let id = app
        .scalar("SELECT id FROM staff WHERE username = 'kinhte.chuyenvien'")
        .await;
    let (s, _) = act(
        app,
        &head,
        &code,
        json!({"action": "assign", "to_user": id}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    (code, officer, head, specialist)
}

#[tokio::test]
async fn a_consultation_records_the_bodies_and_deadline_and_the_reply_brings_the_dossier_back_to_appraisal()
 {
    let app = TestApp::spawn_demo().await;
    let (code, _, _, specialist) = at_appraisal(&app).await;
    let (s, d) = act(
        &app,
        &specialist,
        &code,
        json!({"action": "consult", "agencies": ["Công an huyện Tiên Du"],
        "reason": "Xác nhận địa điểm kinh doanh không tranh chấp", "due_at": "2099-01-05"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(status(&d), ("Đang xử lý", "consulting"));
    assert_eq!(d["consultations"][0]["agencies"], "Công an huyện Tiên Du");
    assert!(d["consultations"][0]["replied_at"].is_null());
    let (s, d) = act(
        &app,
        &specialist,
        &code,
        json!({"action": "consult_reply", "comment": "Địa điểm không có tranh chấp"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(status(&d), ("Đang xử lý", "appraising"));
    assert_eq!(
        d["consultations"][0]["reply"],
        "Địa điểm không có tranh chấp"
    );
}

#[tokio::test]
async fn an_inter_agency_hop_is_logged_out_and_back_and_a_fee_request_pauses_under_status_6() {
    let app = TestApp::spawn_demo().await;
    let (code, officer, _, specialist) = at_appraisal(&app).await;
    let (s, d) = act(
        &app,
        &specialist,
        &code,
        json!({"action": "forward", "to_agency": "H40.12.20",
        "reason": "Xác nhận nơi cư trú", "due_at": "2099-01-05"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(status(&d), ("Đang xử lý", "inter_agency"));
    let (s, d) = act(
        &app,
        &specialist,
        &code,
        json!({"action": "forward_return"}),
    )
    .await;
    assert_eq!(
        (s, status(&d)),
        (StatusCode::OK, ("Đang xử lý", "appraising")),
        "{d}"
    );
    let hops: Vec<&str> = d["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .filter(|a| a.starts_with("forward"))
        .collect();
    assert_eq!(hops, ["forward", "forward_return"]);

    let (s, d) = act(
        &app,
        &specialist,
        &code,
        json!({"action": "request_payment", "amount": 100000}),
    )
    .await;
    assert_eq!(
        (s, status(&d)),
        (
            StatusCode::OK,
            ("Yêu cầu thực hiện nghĩa vụ tài chính", "payment")
        ),
        "{d}"
    );
    assert_eq!(d["fee_due_vnd"], 100000);
    let (s, d) = act(
        &app,
        &officer,
        &code,
        json!({"action": "record_payment", "method": "Tiền mặt tại Bộ phận một cửa"}),
    )
    .await;
    assert_eq!(
        (s, status(&d)),
        (StatusCode::OK, ("Đang xử lý", "appraising")),
        "{d}"
    );
}

#[tokio::test]
async fn stopping_and_withdrawing_end_the_dossier_and_nothing_more_can_happen_to_it() {
    let app = TestApp::spawn_demo().await;
    let (code, officer, head, _) = at_appraisal(&app).await;
    let (s, d) = act(
        &app,
        &head,
        &code,
        json!({"action": "stop", "reason": "Người nộp không bổ sung theo yêu cầu"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["status"]["name"], "Dừng xử lý");
    let (s, d) = act(&app, &officer, &code, json!({"action": "withdraw"})).await;
    assert_eq!(
        (s, d["code"].as_str()),
        (StatusCode::CONFLICT, Some("dossier.invalid_transition"))
    );

    let (_, d) = post(
        &app,
        &officer,
        "/api/v1/dossiers",
        counter_dossier("DEMO-HKD-01"),
    )
    .await;
    let other = d["code"].as_str().expect("code").to_owned();
    let (s, d) = act(&app, &officer, &other, json!({"action": "withdraw"})).await;
    assert_eq!(
        (s, d["status"]["name"].as_str()),
        (StatusCode::OK, Some("Công dân yêu cầu rút hồ sơ"))
    );
    let (_, queue) = get(&app, &officer, "/api/v1/dossiers?status=2").await;
    assert!(
        !queue["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|i| i["code"] == other.as_str()),
        "no longer in any queue"
    );
}

#[tokio::test]
async fn a_dossier_refused_at_receipt_needs_a_reason_gets_no_code_and_can_never_be_processed() {
    let app = TestApp::spawn_demo().await;
    let officer = token(&app, "motcua.canbo1").await;
    let mut body = counter_dossier("DEMO-HKD-01");
    body["then"] = json!({"action": "refuse"});
    let (s, d) = post(&app, &officer, "/api/v1/dossiers", body.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(d["errors"]["reason"][0], "required");
    assert_eq!(
        app.scalar("SELECT count(*) FROM dossiers").await,
        0,
        "nothing half-saved"
    );
    body["then"] = json!({"action": "refuse", "reason": "Không thuộc thẩm quyền"});
    let (s, d) = post(&app, &officer, "/api/v1/dossiers", body).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!(d["status"]["name"], "Không được tiếp nhận");
    assert!(d["code"].is_null());
    let id = d["id"].as_str().expect("id").to_owned();
    for action in [
        json!({"action": "receive"}),
        json!({"action": "transfer", "to_unit": "H40.12.4"}),
    ] {
        let (s, d) = act(&app, &officer, &id, action).await;
        assert_eq!(
            (s, d["code"].as_str()),
            (StatusCode::CONFLICT, Some("dossier.invalid_transition"))
        );
    }
}
