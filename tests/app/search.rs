//! Procedure search over the demo catalogue, through the portal's JSON API: accent-insensitive, tolerant of a wrong
//! tone mark, one typo and raw Telex, with phrases, prefixes, filters, facets and highlighted snippets.

use std::time::{Duration, Instant};

use motcua::services::{Context, demo_catalogue};
use serde_json::Value;

use crate::helpers::TestApp;

/// An app with the demo catalogue loaded and fully indexed: the indexer deletes outbox rows only after its commit
/// is visible to searches, so an empty outbox means search has caught up.
async fn demo_app() -> TestApp {
    let app = TestApp::spawn().await;
    let ctx = Context::console(time::OffsetDateTime::now_utc());
    demo_catalogue::load(&app.db, &ctx)
        .await
        .expect("demo catalogue");
    let started = Instant::now();
    while app.scalar("SELECT count(*) FROM outbox").await > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the index did not catch up"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    app
}

async fn search(app: &TestApp, q: &str) -> Value {
    search_with(app, &[("q", q)]).await
}

async fn search_with(app: &TestApp, query: &[(&str, &str)]) -> Value {
    app.client()
        .get(app.at("/api/v1/procedures"))
        .query(query)
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("json")
}

fn names(result: &Value) -> Vec<String> {
    result["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn first_name(app: &TestApp, q: &str) -> String {
    names(&search(app, q).await)
        .into_iter()
        .next()
        .unwrap_or_default()
}

#[tokio::test]
async fn accentless_misspelled_and_telex_queries_find_the_construction_permit_first() {
    let app = demo_app().await;
    for q in [
        "giay phep xay dung",
        "Giấy phép xây dựng",
        "giấy phép xấy dựng",
        "giay phep xay dunh",
        "giaays pheps xaay duwngj",
        "GIAY PHEP XAY DUNG",
    ] {
        let first = first_name(&app, q).await;
        assert!(
            first.starts_with("Cấp giấy phép xây dựng"),
            "{q:?} found {first:?} first"
        );
    }
}

#[tokio::test]
async fn civil_status_queries_find_the_right_procedure_first() {
    let app = demo_app().await;
    for (q, expected) in [
        ("dang ky khai tu", "Đăng ký khai tử"),
        ("khai sinh", "Đăng ký khai sinh"),
        ("khia sinh", "Đăng ký khai sinh"),
        ("ddawng kys khai tuwr", "Đăng ký khai tử"),
        ("\"ket hon\"", "Đăng ký kết hôn"),
        ("ho kinh doanh thanh lap", "Đăng ký thành lập hộ kinh doanh"),
        ("chung thuc chu ky", "Chứng thực chữ ký"),
    ] {
        let first = first_name(&app, q).await;
        assert!(
            first.starts_with(expected),
            "{q:?} found {first:?} first, expected {expected:?}"
        );
    }
}

#[tokio::test]
async fn a_quoted_phrase_needs_its_words_side_by_side() {
    let app = demo_app().await;
    let phrase = names(&search(&app, "\"khai sinh\"").await);
    assert!(!phrase.is_empty());
    let loose = search(&app, "khai sinh").await["total"]
        .as_i64()
        .unwrap_or(0);
    assert!(loose >= phrase.len() as i64);
    let reversed = search(&app, "\"sinh khai\"").await;
    assert!(
        names(&reversed)
            .iter()
            .all(|n| !n.starts_with("Đăng ký khai sinh")),
        "a reversed phrase must not match \"khai sinh\""
    );
}

#[tokio::test]
async fn the_last_word_matches_as_a_prefix_while_typing() {
    let app = demo_app().await;
    let found = names(&search(&app, "dang ky kha").await);
    assert!(found.iter().any(|n| n == "Đăng ký khai sinh"), "{found:?}");
    assert!(found.iter().any(|n| n == "Đăng ký khai tử"), "{found:?}");
}

#[tokio::test]
async fn matches_are_highlighted_on_the_accented_words() {
    let app = demo_app().await;
    let result = search(&app, "giay phep xay dung").await;
    let name_html = result["items"][0]["name_html"].as_str().unwrap_or_default();
    assert!(name_html.contains("<mark>giấy</mark>"), "{name_html}");
    assert!(name_html.contains("<mark>xây</mark>"), "{name_html}");
}

#[tokio::test]
async fn filters_narrow_the_results_and_facets_count_them() {
    let app = demo_app().await;
    let all = search(&app, "giay").await;
    let total = all["total"].as_u64().unwrap_or(0);
    let by_sector: u64 = all["facets"]["sector"]
        .as_array()
        .map(|f| f.iter().map(|pair| pair[1].as_u64().unwrap_or(0)).sum())
        .unwrap_or(0);
    assert_eq!(by_sector, total, "sector facet counts add up to the total");
    let online = search_with(&app, &[("q", "giay"), ("service_level", "full")]).await;
    let online_count = all["facets"]["service_level"]
        .as_array()
        .and_then(|f| f.iter().find(|pair| pair[0] == "full"))
        .and_then(|pair| pair[1].as_u64())
        .unwrap_or(0);
    assert_eq!(online["total"].as_u64(), Some(online_count));
    for item in online["items"].as_array().into_iter().flatten() {
        assert_eq!(item["service_level"], "full");
    }
    let district = search_with(&app, &[("q", "dang ky"), ("agency", "H40.12")]).await;
    for item in district["items"].as_array().into_iter().flatten() {
        assert_eq!(
            item["level"], "district",
            "the district agency offers district procedures"
        );
    }
    let unknown = search_with(&app, &[("q", "dang ky"), ("agency", "Z99")]).await;
    assert_eq!(unknown["total"], 0);
}

#[tokio::test]
async fn the_portal_search_page_shows_results_with_snippets_and_filter_counts() {
    let app = demo_app().await;
    let html = app
        .page(&app.client(), "/thu-tuc?q=giaays+pheps+xaay+duwngj")
        .await;
    assert!(html.contains("Kết quả tìm kiếm"));
    assert!(html.contains("<mark>"), "highlighted matches");
    assert!(
        html.contains("href=\"/thu-tuc/"),
        "links to procedure pages"
    );
    let listing = app.page(&app.client(), "/thu-tuc?sector=H40-HT").await;
    assert!(listing.contains("Đăng ký khai sinh"));
    assert!(
        !listing.contains("Cấp giấy phép xây dựng mới"),
        "the sector filter applies"
    );
}

#[tokio::test]
async fn suggestions_ask_for_highlighted_names_without_text_fragments() {
    let app = demo_app().await;
    let full = search_with(&app, &[("q", "giay phep xay dung")]).await;
    assert!(
        full["items"][0]["snippet_html"].is_string(),
        "a results page carries text fragments"
    );
    let names = search_with(
        &app,
        &[
            ("q", "giay phep xay"),
            ("limit", "6"),
            ("snippets", "false"),
        ],
    )
    .await;
    let first = &names["items"][0];
    assert!(
        first["name_html"]
            .as_str()
            .unwrap_or_default()
            .contains("<mark>")
    );
    assert!(first.get("snippet_html").is_none(), "{first}");
    assert!(names["items"].as_array().map(Vec::len).unwrap_or(0) <= 6);
}
