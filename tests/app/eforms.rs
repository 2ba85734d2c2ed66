//! E-forms over HTTP: the public list of administrative units that the address pickers of an online form load
//! their communes from, in the office's era unless another is asked for.

// A test should stop at the first surprise; the crate-wide `expect_used` denial is for code outside tests.
#![allow(clippy::expect_used)]

use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::Value;

const UNITS: &str = "/api/v1/admin-units";

async fn places(app: &TestApp, query: &str) -> (StatusCode, Vec<(String, String)>) {
    let response = app.get(&app.client(), &format!("{UNITS}{query}")).await;
    let status = response.status();
    let body: Value = response.json().await.expect("JSON");
    let list = body
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|p| {
                    (
                        p["code"].as_str().expect("code").to_owned(),
                        p["name"].as_str().expect("name").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (status, list)
}

#[tokio::test]
async fn the_communes_of_a_province_are_listed_with_their_district_before_the_2025_reform() {
    let app = TestApp::spawn().await;
    let (status, provinces) = places(&app, "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(provinces.len(), 63, "the office starts in the 2025-03 list");
    assert!(provinces.contains(&("27".into(), "Tỉnh Bắc Ninh".into())));

    let response = app.get(&app.client(), &format!("{UNITS}?parent=27")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cache = response
        .headers()
        .get("cache-control")
        .expect("cache-control");
    assert!(cache.to_str().expect("ascii").contains("max-age"));
    let (_, communes) = places(&app, "?parent=27").await;
    assert_eq!(communes.len(), 121);
    assert!(communes.contains(&("09322".into(), "Xã Phú Lâm, Huyện Tiên Du".into())));
}

#[tokio::test]
async fn after_the_office_moves_to_the_2025_units_the_list_follows_and_old_codes_are_not_found() {
    let app = TestApp::spawn().await;
    let (status, communes) = places(&app, "?parent=24&era=2025-07").await;
    assert_eq!(status, StatusCode::OK);
    assert!(communes.contains(&("07627".into(), "Xã Đại Sơn".into())));

    app.sql("INSERT OR REPLACE INTO settings(key, value) VALUES ('admin_units_era', '2025-07')")
        .await;
    let (_, provinces) = places(&app, "").await;
    assert_eq!(provinces.len(), 34);
    let (status, _) = places(&app, "?parent=27").await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "Bắc Ninh is 24 from 01/07/2025"
    );
    let (status, communes) = places(&app, "?parent=27&era=2025-03").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(communes.len(), 121);
}

#[tokio::test]
async fn a_malformed_parent_or_era_is_refused_and_a_commune_has_no_children_here() {
    let app = TestApp::spawn().await;
    let (status, _) = places(&app, "?parent=abc").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = places(&app, "?parent=27&era=2030").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = places(&app, "?parent=09322").await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "only provinces have communes to pick"
    );
}
