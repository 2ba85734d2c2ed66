//! The leader's dashboard and the public statistics page over known dossiers: dossiers are taken through the real
//! API (counter and online intake, transfer, assignment, approval, completion, fee request) and only their
//! timestamps are then moved into known months with SQL, so the expected figures are exact — the monthly on-time
//! rate under Decision 766, the load per unit, the slowest procedures, and the per-service public figures.

use reqwest::StatusCode;
use serde_json::{Value, json};
use time::macros::offset;
use time::{Date, Duration, Month, OffsetDateTime};

use crate::dossier_api::{act, counter_dossier, intake_token, post, token};
use crate::helpers::{PASSWORD, TestApp};
use crate::portal_support::exec;

const KINH_TE: &str = "H40.12.4";
const TAI_NGUYEN: &str = "H40.12.5";

/// The people who take a dossier through, as API tokens.
struct Hands {
    officer: String,
    head: String,
    specialist: String,
    specialist_id: i64,
    portal: String,
}

async fn hands(app: &TestApp) -> Hands {
    Hands {
        officer: token(app, "motcua.canbo1").await,
        head: token(app, "kinhte.truong").await,
        specialist: token(app, "kinhte.chuyenvien").await,
        specialist_id: app
            .scalar("SELECT id FROM staff WHERE username = 'kinhte.chuyenvien'")
            .await,
        portal: intake_token(app, "cong-dvc-tinh").await,
    }
}

/// A counter dossier of `procedure`, received now; returns its code.
async fn counter(app: &TestApp, h: &Hands, procedure: &str) -> String {
    let (s, d) = post(
        app,
        &h.officer,
        "/api/v1/dossiers",
        counter_dossier(procedure),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    d["code"].as_str().expect("code").to_owned()
}

/// An online dossier of `procedure`, submitted by the provincial portal and received by the officer now.
async fn online(app: &TestApp, h: &Hands, procedure: &str) -> String {
    let mut body = counter_dossier(procedure);
    body["channel"] = json!(2);
    body["then"] = Value::Null;
    let (s, d) = post(app, &h.portal, "/api/v1/dossiers", body).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let id = d["id"].as_str().expect("id").to_owned();
    let (s, d) = act(app, &h.officer, &id, json!({"action": "receive"})).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    d["code"].as_str().expect("code").to_owned()
}

async fn step(app: &TestApp, who: &str, code: &str, body: Value) {
    let (s, d) = act(app, who, code, body.clone()).await;
    assert_eq!(s, StatusCode::OK, "{body} on {code}: {d}");
}

/// Transfers the dossier to `unit` and, for Phòng Kinh tế và Hạ tầng, assigns it to its specialist.
async fn to_unit(app: &TestApp, h: &Hands, code: &str, unit: &str) {
    step(
        app,
        &h.officer,
        code,
        json!({"action": "transfer", "to_unit": unit}),
    )
    .await;
    if unit == KINH_TE {
        let assign = json!({"action": "assign", "to_user": h.specialist_id});
        step(app, &h.head, code, assign).await;
    }
}

/// Takes a received dossier to its result: approved by the specialist and the head, then completed. With `late`,
/// the appointment is first moved an hour into the past, so the service records the outcome as late.
async fn resolve(app: &TestApp, h: &Hands, code: &str, late: bool) {
    to_unit(app, h, code, KINH_TE).await;
    step(app, &h.specialist, code, json!({"action": "approve"})).await;
    step(app, &h.head, code, json!({"action": "approve"})).await;
    if late {
        let due = motcua::store::format_time(OffsetDateTime::now_utc() - Duration::hours(1));
        exec(
            app,
            "UPDATE dossiers SET due_at = ?1 WHERE code = ?2",
            &[&due, code],
        )
        .await;
    }
    step(app, &h.specialist, code, json!({"action": "complete"})).await;
}

fn today() -> Date {
    OffsetDateTime::now_utc().to_offset(offset!(+7)).date()
}

/// (year, month) `back` months before the current office month.
fn month_back(back: i32) -> (i32, u8) {
    let t = today();
    let index = t.year() * 12 + i32::from(u8::from(t.month())) - 1 - back;
    (index.div_euclid(12), (index.rem_euclid(12) + 1) as u8)
}

/// Moves a resolved dossier's decision to noon (office time) on the 15th of the month `back` months ago, and its
/// receipt `days` calendar days earlier.
async fn resolved_in(app: &TestApp, code: &str, back: i32, days: i64) {
    let (y, m) = month_back(back);
    let finished = Date::from_calendar_date(y, Month::try_from(m).expect("month"), 15)
        .expect("date")
        .with_hms(5, 0, 0)
        .expect("time")
        .assume_utc();
    let (f, r) = (
        motcua::store::format_time(finished),
        motcua::store::format_time(finished - Duration::days(days)),
    );
    let changed = exec(
        app,
        "UPDATE dossiers SET finished_at = ?1, received_at = ?2, submitted_at = ?2 WHERE code = ?3",
        &[&f, &r, code],
    )
    .await;
    assert_eq!(changed, 1);
}

async fn page_as(app: &TestApp, username: &str, path: &str) -> (StatusCode, String) {
    let client = app.client();
    app.sign_in(&client, username, PASSWORD).await;
    let response = app.get(&client, path).await;
    (response.status(), response.text().await.expect("body"))
}

/// The rows (row header, then cells) of the table captioned `caption`.
fn table(html: &str, caption: &str) -> Vec<Vec<String>> {
    let doc = scraper::Html::parse_document(html);
    let tables = scraper::Selector::parse("table").expect("selector");
    let cap = scraper::Selector::parse("caption").expect("selector");
    let rows = scraper::Selector::parse("tbody tr, tfoot tr").expect("selector");
    let cells = scraper::Selector::parse("th, td").expect("selector");
    let text = |e: scraper::ElementRef<'_>| e.text().collect::<String>().trim().to_owned();
    let found = doc
        .select(&tables)
        .find(|t| t.select(&cap).next().is_some_and(|c| text(c) == caption))
        .unwrap_or_else(|| panic!("no table captioned {caption:?}"));
    found
        .select(&rows)
        .map(|r| r.select(&cells).map(text).collect())
        .collect()
}

fn row<'a>(rows: &'a [Vec<String>], header: &str) -> &'a [String] {
    rows.iter()
        .find(|r| r[0] == header)
        .map(|r| &r[1..])
        .unwrap_or_else(|| panic!("no row {header:?} in {rows:?}"))
}

fn month_label(back: i32) -> String {
    let (y, m) = month_back(back);
    format!("{m}/{y}")
}

/// The chart whose title id is `id-title`: an image labelled by its own title and description.
fn chart_svg(html: &str, id: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(&format!(r#"svg[aria-labelledby="{id}-title {id}-desc"]"#))
        .expect("selector");
    let svg = doc
        .select(&sel)
        .next()
        .unwrap_or_else(|| panic!("no chart {id}"));
    assert_eq!(svg.value().attr("role"), Some("img"));
    assert!(
        svg.value()
            .attr("viewBox")
            .is_some_and(|v| v.starts_with("0 0 360 "))
    );
    for part in ["title", "desc"] {
        let inner = scraper::Selector::parse(&format!("{part}#{id}-{part}")).expect("selector");
        assert!(svg.select(&inner).next().is_some(), "{id} has its {part}");
    }
    svg.html()
}

#[tokio::test]
async fn the_dashboard_shows_the_decision_766_on_time_rate_of_each_month_and_the_slowest_procedures()
 {
    let app = TestApp::spawn_demo().await;
    let h = hands(&app).await;
    // (procedure, late when completed, supplement requests, months back, days from receipt to decision)
    let plan = [
        ("DEMO-HKD-01", false, 0, 1, 4), // early
        ("DEMO-HKD-01", true, 0, 1, 2),  // late
        ("DEMO-HKD-01", false, 2, 1, 3), // early, but two supplement requests make it late
        ("DEMO-HKD-02", false, 0, 1, 10),
        ("DEMO-HKD-01", false, 0, 2, 1),
        ("DEMO-HKD-01", false, 0, 2, 1),
        ("DEMO-HKD-01", false, 0, 13, 5), // before the twelve-month window
    ];
    for (procedure, late, supplements, back, days) in plan {
        let code = counter(&app, &h, procedure).await;
        resolve(&app, &h, &code, late).await;
        if supplements > 0 {
            exec(
                &app,
                "UPDATE dossiers SET supplements = ?1 WHERE code = ?2",
                &[&supplements.to_string(), &code],
            )
            .await;
        }
        resolved_in(&app, &code, back, days).await;
    }
    // Resolved now, received a moment ago.
    let today_code = counter(&app, &h, "DEMO-HKD-01").await;
    resolve(&app, &h, &today_code, false).await;

    let (status, html) = page_as(&app, "lanhdao", "/staff/tong-quan").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Số liệu của toàn cơ quan"));
    let months = table(&html, "Tỷ lệ hồ sơ giải quyết đúng hạn theo tháng");
    assert_eq!(months.len(), 12);
    assert_eq!(months[11][0], month_label(0), "the current month is last");
    assert_eq!(row(&months, &month_label(0)), ["1", "1", "0", "100,0 %"]);
    assert_eq!(row(&months, &month_label(1)), ["4", "2", "2", "50,0 %"]);
    assert_eq!(row(&months, &month_label(2)), ["2", "2", "0", "100,0 %"]);
    assert_eq!(
        row(&months, &month_label(3)),
        ["0", "0", "0", "–"],
        "an empty month is not 0 %"
    );

    let svg = chart_svg(&html, "chart-trend");
    assert!(svg.contains(">50%<") && svg.contains(">100%<"), "{svg}");
    assert_eq!(
        svg.matches("<circle").count(),
        3,
        "one point per month with resolved dossiers"
    );

    let slowest = table(&html, "Thời gian giải quyết trung bình theo thủ tục (ngày)");
    assert_eq!(
        slowest[0][0],
        "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh"
    );
    assert_eq!(
        &slowest[0][1..],
        ["10,0", "1", "100,0 %", "03 ngày làm việc"]
    );
    // (4 + 2 + 3 + 1 + 1 + 0) / 6 days; four of the six in time.
    assert_eq!(slowest[1][0], "Đăng ký thành lập hộ kinh doanh");
    assert_eq!(&slowest[1][1..], ["1,8", "6", "66,7 %", "03 ngày làm việc"]);
    let svg = chart_svg(&html, "chart-slowest");
    assert!(svg.contains(">10,0<") && svg.contains(">1,8<"), "{svg}");

    let intake = table(
        &html,
        &format!("Hồ sơ tiếp nhận ngày {} theo kênh", fmt_date(today())),
    );
    assert_eq!(row(&intake, "Trực tiếp"), ["1"]);
    assert_eq!(row(&intake, "Trực tuyến"), ["0"]);
}

fn fmt_date(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

#[tokio::test]
async fn overdue_and_due_soon_dossiers_are_counted_per_unit_and_a_unit_head_sees_only_their_unit() {
    let app = TestApp::spawn_demo().await;
    let h = hands(&app).await;
    let now = OffsetDateTime::now_utc();
    let at = |d: Duration| motcua::store::format_time(now + d);
    let set = |code: String, due: String, paused: Option<String>| {
        let app = &app;
        async move {
            let paused = paused.unwrap_or_default();
            exec(
                app,
                "UPDATE dossiers SET due_at = ?1, paused_at = NULLIF(?2, '') WHERE code = ?3",
                &[&due, &paused, &code],
            )
            .await;
        }
    };
    let overdue = counter(&app, &h, "DEMO-HKD-01").await;
    to_unit(&app, &h, &overdue, KINH_TE).await;
    set(overdue.clone(), at(-Duration::hours(3)), None).await;
    let soon = counter(&app, &h, "DEMO-HKD-01").await;
    to_unit(&app, &h, &soon, KINH_TE).await;
    set(soon, at(Duration::minutes(30)), None).await;
    // Waiting for a fee: the clock stopped an hour before the appointment, so not overdue; the other stopped after.
    let mut fee = Vec::new();
    for (paused, due) in [(-2, -1), (-1, -2)] {
        let code = counter(&app, &h, "DEMO-HKD-01").await;
        to_unit(&app, &h, &code, KINH_TE).await;
        step(
            &app,
            &h.specialist,
            &code,
            json!({"action": "request_payment", "amount": 100000}),
        )
        .await;
        set(
            code.clone(),
            at(Duration::hours(due)),
            Some(at(Duration::hours(paused))),
        )
        .await;
        fee.push(code);
    }
    let elsewhere = counter(&app, &h, "DEMO-HKD-01").await;
    to_unit(&app, &h, &elsewhere, TAI_NGUYEN).await;
    set(elsewhere.clone(), at(-Duration::days(2)), None).await;

    let (_, html) = page_as(&app, "lanhdao", "/staff/tong-quan").await;
    let units = table(&html, "Hồ sơ đang xử lý theo đơn vị");
    assert_eq!(row(&units, "Phòng Kinh tế và Hạ tầng"), ["4", "1", "2"]);
    assert_eq!(
        row(&units, "Phòng Tài nguyên và Môi trường"),
        ["1", "0", "1"]
    );
    let svg = chart_svg(&html, "chart-units");
    assert!(
        svg.contains("Quá hạn: 2") && svg.contains("Sắp đến hạn: 1"),
        "{svg}"
    );
    assert!(
        html.contains(&elsewhere) && html.contains(&overdue),
        "both in the most overdue list"
    );

    let (status, head) = page_as(&app, "kinhte.truong", "/staff/tong-quan").await;
    assert_eq!(status, StatusCode::OK);
    assert!(head.contains("Số liệu của đơn vị"));
    let units = table(&head, "Hồ sơ đang xử lý theo đơn vị");
    assert_eq!(units, [vec!["Phòng Kinh tế và Hạ tầng", "4", "1", "2"]]);
    assert!(
        !head.contains(&elsewhere),
        "another unit's overdue dossier is not listed"
    );
    assert!(head.contains(&overdue));
}

#[tokio::test]
async fn specialists_and_one_stop_officers_are_refused_the_dashboard() {
    let app = TestApp::spawn_demo().await;
    for who in ["kinhte.chuyenvien", "motcua.canbo1"] {
        let (status, html) = page_as(&app, who, "/staff/tong-quan").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
        assert!(!html.contains("chart-"), "{who}");
    }
}

#[tokio::test]
async fn the_public_statistics_count_each_online_service_from_1_january_and_name_no_applicant() {
    let app = TestApp::spawn_demo().await;
    let h = hands(&app).await;
    let early = online(&app, &h, "DEMO-HKD-01").await;
    resolve(&app, &h, &early, false).await;
    let late = online(&app, &h, "DEMO-HKD-01").await;
    resolve(&app, &h, &late, true).await;
    let _in_progress = online(&app, &h, "DEMO-HKD-01").await;
    let at_counter = counter(&app, &h, "DEMO-HKD-01").await;
    resolve(&app, &h, &at_counter, false).await;
    let _received = counter(&app, &h, "DEMO-HKD-01").await;
    // Received and resolved last year: outside "from 1 January to date".
    let last_year = online(&app, &h, "DEMO-HKD-01").await;
    resolve(&app, &h, &last_year, false).await;
    let december = format!("{}-12-15T05:00:00.000Z", today().year() - 1);
    exec(
        &app,
        "UPDATE dossiers SET received_at = ?1, finished_at = ?1 WHERE code = ?2",
        &[&december, &last_year],
    )
    .await;
    // Ratings are the applicants' (portal_follow_up tests the rating form); here they are only counted.
    for (code, overall, criteria) in [
        (&early, "very_satisfied", r#"{"attitude":"satisfied"}"#),
        (&late, "unsatisfied", "{}"),
        (&at_counter, "satisfied", "{}"),
        (&last_year, "unsatisfied", "{}"),
    ] {
        exec(
            &app,
            "INSERT INTO ratings(dossier_id, overall, criteria, created_at, updated_at)
             SELECT id, ?1, ?2, finished_at, finished_at FROM dossiers WHERE code = ?3",
            &[overall, criteria, code],
        )
        .await;
    }

    let response = app.get(&app.client(), "/thong-ke").await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.expect("body");
    let from = format!("01/01/{}", today().year());
    let services = table(
        &html,
        &format!("Số hồ sơ theo dịch vụ, từ {from} đến {}", fmt_date(today())),
    );
    assert_eq!(
        row(&services, "Đăng ký thành lập hộ kinh doanh (Toàn trình)"),
        ["3", "2", "50,0 %", "5"]
    );
    assert_eq!(
        row(
            &services,
            "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh (Toàn trình)"
        ),
        ["0", "0", "–", "0"]
    );
    assert_eq!(row(&services, "Tổng cộng"), ["3", "2", "50,0 %", "5"]);
    assert!(
        !html.contains("Chứng thực chữ ký trong các giấy tờ"),
        "a procedure not offered online is not listed"
    );

    let levels = table(&html, "Mức độ hài lòng chung");
    assert_eq!(row(&levels, "Rất hài lòng"), ["1", "33,3 %"]);
    assert_eq!(row(&levels, "Hài lòng"), ["1", "33,3 %"]);
    assert_eq!(row(&levels, "Chưa hài lòng"), ["1", "33,3 %"]);
    let svg = chart_svg(&html, "chart-rating");
    assert!(svg.contains("3 lượt đánh giá"), "{svg}");
    let criteria = table(&html, "Mức độ hài lòng theo tiêu chí (số lượt và tỷ lệ)");
    assert_eq!(
        row(&criteria, "Thái độ phục vụ của cán bộ, công chức"),
        ["0 (0,0 %)", "1 (100,0 %)", "0 (0,0 %)"]
    );
    assert!(html.contains(r#"href="/danh-gia-chat-luong""#));
    for private in [
        "Nguyễn Văn An",
        "027095001234",
        "0912345678",
        &early,
        &at_counter,
    ] {
        assert!(!html.contains(private), "{private} is on the public page");
    }

    // The leader's intake of today counts the same dossiers by channel.
    let (_, dash) = page_as(&app, "lanhdao", "/staff/tong-quan").await;
    let intake = table(
        &dash,
        &format!("Hồ sơ tiếp nhận ngày {} theo kênh", fmt_date(today())),
    );
    assert_eq!(row(&intake, "Trực tiếp"), ["2"]);
    assert_eq!(row(&intake, "Trực tuyến"), ["3"]);
    assert_eq!(row(&intake, "Bưu chính công ích"), ["0"]);
}

#[tokio::test]
async fn the_portal_links_the_statistics_from_its_navigation_and_home_page() {
    let app = TestApp::spawn_demo().await;
    let home = app.page(&app.client(), "/").await;
    assert!(home.contains(r#"<a href="/thong-ke">Thống kê</a>"#));
    assert!(home.contains("Thống kê dịch vụ công trực tuyến"));
    let empty = app.page(&app.client(), "/thong-ke").await;
    assert!(
        empty.contains("0 lượt đánh giá"),
        "no ratings yet, no chart"
    );
    assert!(!empty.contains("<svg class=\"chart\""));
}

#[tokio::test]
async fn the_public_statistics_answer_a_burst_of_ten_from_one_address_and_then_429_in_vietnamese() {
    let app = TestApp::spawn_demo().await;
    let client = app.client();
    for i in 0..motcua::web::rate_limit::COSTLY_BURST {
        let status = app.get(&client, "/thong-ke").await.status();
        assert_eq!(status, StatusCode::OK, "request {i} of the burst");
    }
    let refused = app.get(&client, "/thong-ke").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let html = refused.text().await.expect("body");
    assert!(html.contains("quá nhiều lần"), "{html}");
}
