//! The working-day calendar page: the year's days off as computed, the days administrators enter, and the office
//! hours, all read back through the same `services::calendar::load` that deadlines are computed with.

use crate::helpers::TestApp;
use motcua::domain::calendar::WorkCalendar;
use reqwest::StatusCode;
use time::macros::date;

const PAGE: &str = "/admin/calendar";

/// The rows of the page's first table (the year's days off) as "date | weekday | reason".
fn days_off_rows(html: &str) -> Vec<String> {
    table_rows(html, 0)
}

/// The rows of the page's `index`-th table, each as its cells' text joined by " | ".
fn table_rows(html: &str, index: usize) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let table = scraper::Selector::parse("table").expect("selector");
    let row = scraper::Selector::parse("tbody tr").expect("selector");
    let cell = scraper::Selector::parse("td").expect("selector");
    let Some(first) = doc.select(&table).nth(index) else {
        return Vec::new();
    };
    first
        .select(&row)
        .map(|r| {
            let cells: Vec<String> = r
                .select(&cell)
                .map(|c| c.text().collect::<String>().trim().to_owned())
                .collect();
            cells.join(" | ")
        })
        .collect()
}

/// The text of the error paragraph under the field named `name`, if any.
fn field_error(html: &str, name: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(&format!("#f-{name}-error")).expect("selector");
    doc.select(&sel)
        .next()
        .map(|e| e.text().collect::<String>())
}

async fn calendar(app: &TestApp) -> WorkCalendar {
    app.db
        .read(motcua::services::calendar::load)
        .await
        .expect("calendar")
}

async fn post_day(
    app: &TestApp,
    client: &reqwest::Client,
    day: &str,
    kind: &str,
    note: &str,
) -> reqwest::Response {
    let csrf = app.csrf(client, PAGE).await;
    let fields = [
        ("csrf", csrf.as_str()),
        ("day", day),
        ("kind", kind),
        ("note", note),
        ("year", "2027"),
    ];
    app.post_form(client, "/admin/calendar/days", &fields).await
}

async fn post_hours(app: &TestApp, client: &reqwest::Client, text: &str) -> reqwest::Response {
    let csrf = app.csrf(client, PAGE).await;
    let fields = [("csrf", csrf.as_str()), ("office_hours", text)];
    app.post_form(client, "/admin/calendar/hours", &fields)
        .await
}

#[tokio::test]
async fn the_2027_calendar_lists_the_tet_holidays_and_the_two_compensatory_days_after_them() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("quantri", "admin").await;
    let html = app.page(&admin, "/admin/calendar?year=2027").await;
    assert!(html.contains("Hạn giải quyết hồ sơ được tính theo lịch"));
    assert!(html.contains("Thủ tướng Chính phủ"));
    let february: Vec<String> = days_off_rows(&html)
        .into_iter()
        .filter(|r| r.contains("/02/2027"))
        .collect();
    assert_eq!(
        february,
        [
            "05/02/2027 | Thứ Sáu | Tết Nguyên đán",
            "08/02/2027 | Thứ Hai | Tết Nguyên đán",
            "09/02/2027 | Thứ Ba | Tết Nguyên đán",
            "10/02/2027 | Thứ Tư | Nghỉ bù Tết Nguyên đán",
            "11/02/2027 | Thứ Năm | Nghỉ bù Tết Nguyên đán",
        ]
    );
    assert!(html.contains("href=\"/admin/calendar\""), "the nav link");
}

#[tokio::test]
async fn a_make_up_saturday_and_an_extra_day_off_are_shown_and_change_the_working_days() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("quantri", "admin").await;
    assert!(!calendar(&app).await.is_working_day(date!(2027 - 02 - 20)));
    assert!(calendar(&app).await.is_working_day(date!(2027 - 02 - 12)));

    let saturday = post_day(&app, &admin, "2027-02-20", "work", "Làm bù cho ngày 12/02").await;
    assert_eq!(saturday.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        crate::helpers::location(&saturday),
        "/admin/calendar?year=2027&saved=2027-02-20"
    );
    let friday = post_day(&app, &admin, "2027-02-12", "off", "Quyết định số 1/QĐ-TTg").await;
    assert_eq!(friday.status(), StatusCode::SEE_OTHER);

    let cal = calendar(&app).await;
    assert!(cal.is_working_day(date!(2027 - 02 - 20)));
    assert!(!cal.is_working_day(date!(2027 - 02 - 12)));

    let html = app.page(&admin, "/admin/calendar?year=2027").await;
    let rows = days_off_rows(&html);
    assert!(
        rows.contains(
            &"12/02/2027 | Thứ Sáu | Ngày nghỉ theo quyết định (Quyết định số 1/QĐ-TTg)".to_owned()
        ),
        "{rows:?}"
    );
    let overrides = table_rows(&html, 1);
    assert_eq!(overrides.len(), 2, "{overrides:?}");
    assert!(
        overrides[1].starts_with("20/02/2027 | Thứ Bảy | Ngày làm việc bù | Làm bù cho ngày 12/02"),
        "{overrides:?}"
    );
    assert!(html.contains("action=\"/admin/calendar/days/2027-02-20/delete\""));

    let csrf = app.csrf(&admin, PAGE).await;
    let deleted = app
        .post_form(
            &admin,
            "/admin/calendar/days/2027-02-12/delete",
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    assert!(calendar(&app).await.is_working_day(date!(2027 - 02 - 12)));
    let html = app.page(&admin, "/admin/calendar?year=2027").await;
    assert!(
        !days_off_rows(&html)
            .iter()
            .any(|r| r.starts_with("12/02/2027"))
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM calendar_days").await,
        1,
        "the make-up Saturday stays"
    );
}

#[tokio::test]
async fn a_bad_date_or_kind_is_refused_beside_its_field_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("quantri", "admin").await;
    let response = post_day(&app, &admin, "2027-02-30", "off", "").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("body");
    assert_eq!(
        field_error(&html, "day").as_deref(),
        Some("Ngày phải viết dạng năm-tháng-ngày, ví dụ 2027-02-05.")
    );
    assert!(html.contains("value=\"2027-02-30\""), "the value is kept");

    let response = post_day(&app, &admin, "2027-02-12", "holiday", "").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("body");
    assert_eq!(
        field_error(&html, "kind").as_deref(),
        Some("Chọn ngày nghỉ hoặc ngày làm việc bù.")
    );

    let long_note = "x".repeat(201);
    let response = post_day(&app, &admin, "2027-02-12", "off", &long_note).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("body");
    assert_eq!(
        field_error(&html, "note").as_deref(),
        Some("Nội dung quá dài.")
    );

    assert_eq!(app.scalar("SELECT count(*) FROM calendar_days").await, 0);
}

#[tokio::test]
async fn an_officer_can_neither_open_nor_change_the_calendar() {
    let app = TestApp::spawn().await;
    let officer = app.signed_in("motcua", "officer").await;
    let response = app.get(&officer, "/admin/calendar?year=2027").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let csrf = app.csrf(&officer, "/staff/dossiers").await;
    let fields = [
        ("csrf", csrf.as_str()),
        ("day", "2027-02-12"),
        ("kind", "off"),
        ("note", ""),
    ];
    let response = app
        .post_form(&officer, "/admin/calendar/days", &fields)
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let fields = [("csrf", csrf.as_str()), ("office_hours", "08:00-17:00")];
    let response = app
        .post_form(&officer, "/admin/calendar/hours", &fields)
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.scalar("SELECT count(*) FROM calendar_days").await, 0);
    assert_eq!(
        app.scalar("SELECT count(*) FROM settings WHERE key = 'office_hours'")
            .await,
        0
    );
}

#[tokio::test]
async fn office_hours_round_trip_and_bad_text_is_refused() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("quantri", "admin").await;
    let html = app.page(&admin, PAGE).await;
    assert!(html.contains("value=\"07:30-11:30,13:00-17:00\""));

    let response = post_hours(&app, &admin, " 08:00-12:00, 13:30-17:30 ").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        calendar(&app).await.hours().to_string(),
        "08:00-12:00,13:30-17:30"
    );
    let html = app.page(&admin, &crate::helpers::location(&response)).await;
    assert!(html.contains("Đã lưu giờ làm việc."));
    assert!(html.contains("value=\"08:00-12:00,13:30-17:30\""));

    let response = post_hours(&app, &admin, "8h-17h").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("body");
    assert_eq!(
        field_error(&html, "office_hours").as_deref(),
        Some("Giờ làm việc viết dạng 07:30-11:30,13:00-17:00.")
    );
    assert!(html.contains("value=\"8h-17h\""), "the text is kept");
    assert_eq!(
        calendar(&app).await.hours().to_string(),
        "08:00-12:00,13:30-17:30"
    );
}
