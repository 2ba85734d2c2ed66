//! The service-quality evaluation (Circular 01/2018 Arts 12-15): four dossiers taken through the real lifecycle,
//! their outcomes, step outcomes, supplements and ratings then set by SQL to known values in a past quarter, give
//! exact index means, officer ratings and the agency's ranking; publishing needs the leader and shows the
//! agency-level figures on the portal; publishing again replaces them.

use reqwest::StatusCode;
use serde_json::json;

use motcua::domain::dossier::Actor;
use motcua::domain::evaluation::{EvalPeriod, Ranking, Tenths};
use motcua::domain::role::Role;
use motcua::services::dossiers::Acting;
use motcua::services::reports::evaluation::{self, Evaluation};

use crate::dossier_api::{act, counter_dossier, post, token};
use crate::helpers::{PASSWORD, TestApp, csrf_in};

const PERIOD: &str = "2025-Q4";

async fn exec(app: &TestApp, sql: String) {
    app.db
        .write(move |tx| {
            tx.execute_batch(&sql)
                .map_err(motcua::store::StoreError::from)
        })
        .await
        .expect("sql");
}

async fn staff_id(app: &TestApp, username: &str) -> i64 {
    let username = username.to_owned();
    app.db
        .read(move |c| {
            c.query_row(
                "SELECT id FROM staff WHERE username = ?1",
                [username],
                |r| r.get(0),
            )
            .map_err(motcua::store::StoreError::from)
        })
        .await
        .expect("staff id")
}

/// A counter dossier of DEMO-HKD-01 received by `officer`, transferred to `unit`, assigned by `head` to
/// `specialist`, forwarded to a commune and back when `forward`, approved, signed and completed.
async fn resolved(
    app: &TestApp,
    officer: &str,
    unit: &str,
    head: &str,
    specialist: &str,
    forward: bool,
) -> String {
    let officer = token(app, officer).await;
    let (s, d) = post(
        app,
        &officer,
        "/api/v1/dossiers",
        counter_dossier("DEMO-HKD-01"),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let code = d["code"].as_str().expect("code").to_owned();
    let specialist_id = staff_id(app, specialist).await;
    let (head, specialist) = (token(app, head).await, token(app, specialist).await);
    let steps = [
        (&officer, json!({"action": "transfer", "to_unit": unit})),
        (&head, json!({"action": "assign", "to_user": specialist_id})),
    ];
    for (who, body) in steps {
        let (s, d) = act(app, who, &code, body).await;
        assert_eq!(s, StatusCode::OK, "{d}");
    }
    if forward {
        let hop = json!({"action": "forward", "to_agency": "H40.12.20", "reason": "Xác nhận nơi cư trú", "due_at": "2099-01-05"});
        for body in [hop, json!({"action": "forward_return"})] {
            let (s, d) = act(app, &specialist, &code, body).await;
            assert_eq!(s, StatusCode::OK, "{d}");
        }
    }
    for (who, body) in [
        (&specialist, json!({"action": "approve"})),
        (&head, json!({"action": "approve"})),
        (&specialist, json!({"action": "complete"})),
    ] {
        let (s, d) = act(app, who, &code, body).await;
        assert_eq!(s, StatusCode::OK, "{d}");
    }
    code
}

/// Sets what the lifecycle would take days to produce: received and resolved in November 2025, the outcome, the
/// supplement requests, and the step outcomes of its hand-overs (in event order).
async fn set_facts(app: &TestApp, code: &str, outcome: &str, supplements: i64, steps: &[&str]) {
    let mut sql = format!(
        "UPDATE dossiers SET received_at = '2025-11-03T02:00:00.000Z', finished_at = '2025-11-10T03:00:00.000Z',
           outcome = '{outcome}', receipt_supplements = 0, supplements = {supplements} WHERE code = '{code}';
         UPDATE dossier_events SET data = json_remove(data, '$.step_outcome')
           WHERE dossier_id = (SELECT id FROM dossiers WHERE code = '{code}');"
    );
    for (i, step) in steps.iter().enumerate() {
        sql.push_str(&format!(
            "UPDATE dossier_events SET data = json_set(data, '$.step_outcome', '{step}')
               WHERE id = (SELECT id FROM dossier_events WHERE dossier_id = (SELECT id FROM dossiers WHERE code = '{code}')
                           ORDER BY id LIMIT 1 OFFSET {});",
            i + 1
        ));
    }
    exec(app, sql).await;
}

async fn rate(app: &TestApp, code: &str, overall: &str, indices: &str) {
    exec(
        app,
        format!(
            "INSERT INTO ratings(dossier_id, overall, indices, created_at, updated_at)
             SELECT id, '{overall}', '{indices}', '2025-11-12T02:00:00.000Z', '2025-11-12T02:00:00.000Z'
             FROM dossiers WHERE code = '{code}';"
        ),
    )
    .await;
}

/// The four dossiers of the scenario; returns their codes.
///
/// | dossier | received by | processed by | outcome | steps | supplements | other | scores 1,2,3,4,7 |
/// |---|---|---|---|---|---|---|---|
/// | D1 | Lê Thị Một | Dương Văn Tế | early | early, early | 0 | – | 2 2 2 2 2 |
/// | D2 | Lê Thị Một | Dương Văn Tế | on time | early, on time | 1 | – | 1 1 1 1 1 |
/// | D3 | Hoàng Văn Cửa | Đặng Văn Tư | late | late | 0 | forwarded; rated "Chưa hài lòng" | 0 0 2 1 0 |
/// | D4 | Phạm Văn Trưởng | Đặng Văn Tư | early but 2 supplements: late | none | 2 | rated i1 2, i2 2, i3 1, i7 2 | 2* – 1* 1 2* |
async fn scenario(app: &TestApp) -> [String; 4] {
    let kinhte = ("H40.12.4", "kinhte.truong", "kinhte.chuyenvien");
    let tuphap = ("H40.12.2", "tuphap.truong", "tuphap.chuyenvien");
    let d1 = resolved(app, "motcua.canbo1", kinhte.0, kinhte.1, kinhte.2, false).await;
    let d2 = resolved(app, "motcua.canbo1", kinhte.0, kinhte.1, kinhte.2, false).await;
    let d3 = resolved(app, "motcua.canbo2", tuphap.0, tuphap.1, tuphap.2, true).await;
    let d4 = resolved(app, "motcua.truong", tuphap.0, tuphap.1, tuphap.2, false).await;
    set_facts(app, &d1, "early", 0, &["early", "early"]).await;
    set_facts(app, &d2, "on_time", 1, &["early", "on_time"]).await;
    set_facts(app, &d3, "late", 0, &["late"]).await;
    set_facts(app, &d4, "early", 2, &[]).await;
    rate(app, &d3, "unsatisfied", "{}").await;
    rate(app, &d4, "satisfied", r#"{"i1":2,"i2":2,"i3":1,"i7":2}"#).await;
    [d1, d2, d3, d4]
}

async fn as_leader(app: &TestApp) -> Acting {
    let id = staff_id(app, "lanhdao").await;
    Acting {
        actor: Actor::Staff {
            id,
            roles: vec![Role::Leader],
            unit: Some("H40.12.9".into()),
        },
        name: "Trần Thị Lãnh".into(),
        reference: format!("staff:{id}"),
        unit: Some("H40.12.9".into()),
    }
}

async fn evaluated(app: &TestApp) -> Evaluation {
    let period = EvalPeriod::parse(PERIOD).expect("period");
    evaluation::evaluate(&app.db, &as_leader(app).await, period, None)
        .await
        .expect("evaluation")
}

fn scores(e: &Evaluation) -> Vec<Option<u32>> {
    e.indices.iter().map(|l| l.score.map(|s| s.0)).collect()
}

/// The text of each table row on a page, cells joined with " | ".
fn rows(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let tr = scraper::Selector::parse("tr").expect("selector");
    let cell = scraper::Selector::parse("th, td").expect("selector");
    doc.select(&tr)
        .map(|r| {
            r.select(&cell)
                .map(|c| c.text().collect::<String>().trim().to_owned())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect()
}

fn row_of<'a>(rows: &'a [String], starts: &str) -> &'a str {
    rows.iter()
        .find(|r| r.starts_with(starts))
        .unwrap_or_else(|| panic!("no row {starts} in {rows:#?}"))
}

#[tokio::test]
async fn a_quarter_of_known_dossiers_gives_exact_means_officer_ratings_and_the_agency_ranking() {
    let app = TestApp::spawn_demo().await;
    let codes = scenario(&app).await;
    let e = evaluated(&app).await;
    assert_eq!(e.dossiers.len(), 4);
    // 1: (2+1+0+2)/4 = 1.25 → 1.3 with D4's applicant score; 2: 3/3 (D4 has no step); 3: 6/4; 4: 5/4 → 1.3;
    // 5: one procedure, transferred, received at the one-stop section: 1; 6: published with a template: 2;
    // 7: 5/4 → 1.3; 8: no data; 9: no online dossier among 4: 0.
    assert_eq!(
        scores(&e),
        [
            Some(13),
            Some(10),
            Some(15),
            Some(13),
            Some(10),
            Some(20),
            Some(13),
            None,
            Some(0)
        ]
    );
    assert_eq!(e.indices[1].dossiers_with_data, 3);
    assert_eq!(
        (e.total, e.ranking),
        (Some(Tenths(94)), Some(Ranking::Fair))
    );
    let officers: Vec<(&str, Option<u32>, &str)> = e
        .officers
        .iter()
        .map(|o| {
            (
                o.name.as_str(),
                o.total.map(|t| t.0),
                o.rating.map_or("", |r| r.label()),
            )
        })
        .collect();
    assert_eq!(
        officers,
        [
            ("Đặng Văn Tư", Some(45), "70 % đến dưới 100 %"),
            ("Dương Văn Tế", Some(75), "100 %"),
            ("Hoàng Văn Cửa", Some(30), "dưới 70 %"),
            ("Lê Thị Một", Some(75), "100 %"),
            ("Phạm Văn Trưởng", Some(60), "100 %"),
        ]
    );

    // The page shows the same figures, "không có dữ liệu" for index 8, and the drill-down per officer.
    let leader = app.client();
    app.sign_in(&leader, "lanhdao", PASSWORD).await;
    let html = app
        .page(&leader, &format!("/staff/danh-gia?ky={PERIOD}"))
        .await;
    let r = rows(&html);
    assert!(
        row_of(&r, "Chỉ số 8").ends_with("không có dữ liệu"),
        "{r:#?}"
    );
    assert!(row_of(&r, "Chỉ số 3").ends_with("1,5"));
    assert!(row_of(&r, "Tổng điểm các chỉ số").ends_with("9,4"));
    assert!(row_of(&r, "Xếp loại").ends_with("khá"));
    assert!(row_of(&r, "Hoàng Văn Cửa").contains("dưới 70 %"));
    let tu = staff_id(&app, "tuphap.chuyenvien").await;
    let html = app
        .page(&leader, &format!("/staff/danh-gia?ky={PERIOD}&can-bo={tu}"))
        .await;
    let r = rows(&html);
    assert!(
        row_of(&r, &codes[2]).ends_with("0 | 0 | 2 | 1 | 0"),
        "{r:#?}"
    );
    assert!(
        row_of(&r, &codes[3]).ends_with("2* | — | 1* | 1 | 2*"),
        "{r:#?}"
    );
    assert!(
        !r.iter().any(|row| row.starts_with(&codes[0])),
        "only Tư's dossiers"
    );

    // A unit head sees their own unit's dossiers and cannot publish.
    let head = app.client();
    app.sign_in(&head, "kinhte.truong", PASSWORD).await;
    let html = app
        .page(&head, &format!("/staff/danh-gia?ky={PERIOD}"))
        .await;
    assert!(html.contains("Số hồ sơ đã giải quyết trong kỳ: <strong>2</strong>"));
    assert!(!html.contains("/staff/danh-gia/cong-bo"));
}

#[tokio::test]
async fn an_applicants_own_index_score_overrides_the_computed_one() {
    let app = TestApp::spawn_demo().await;
    let [.., d4] = scenario(&app).await;
    let with_rating = evaluated(&app).await;
    exec(
        &app,
        format!(
            "DELETE FROM ratings WHERE dossier_id = (SELECT id FROM dossiers WHERE code = '{d4}');"
        ),
    )
    .await;
    let computed = evaluated(&app).await;
    // D4 was resolved early but after two supplement requests, so the system counts it late: 0 on indices 1, 3 and
    // 7 where the applicant gave 2, 1 and 2; index 2, which the applicant also gave, stays without data.
    let line = |e: &Evaluation| {
        e.dossiers
            .iter()
            .find(|d| d.code == d4)
            .map(|d| [1, 2, 3, 4, 7].map(|i| d.scores.get(i).map(|s| s.points)))
            .expect("D4")
    };
    assert_eq!(
        line(&with_rating),
        [Some(2), None, Some(1), Some(1), Some(2)]
    );
    assert_eq!(line(&computed), [Some(0), None, Some(0), Some(1), Some(0)]);
    assert_eq!(scores(&computed)[0], Some(8), "(2+1+0+0)/4 = 0.75 → 0.8");
}

#[tokio::test]
async fn publishing_needs_the_leader_shows_agency_figures_on_the_portal_and_a_later_publish_replaces_them()
 {
    let app = TestApp::spawn_demo().await;
    let [_, d2, ..] = scenario(&app).await;
    let public = app.client();
    let html = app.page(&public, "/danh-gia-chat-luong").await;
    assert!(html.contains("Chưa có kết quả đánh giá nào được công bố"));

    let officer = app.client();
    app.sign_in(&officer, "motcua.canbo1", PASSWORD).await;
    let csrf = csrf_in(&app.page(&officer, "/staff/danh-gia").await);
    let refused = app
        .post_form(
            &officer,
            "/staff/danh-gia/cong-bo",
            &[("csrf", &csrf), ("ky", PERIOD), ("co-quan", "H40.12")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.scalar("SELECT count(*) FROM evaluation_publications")
            .await,
        0
    );

    let leader = app.client();
    app.sign_in(&leader, "lanhdao", PASSWORD).await;
    let publish = async |client: &reqwest::Client| {
        let page = app
            .page(client, &format!("/staff/danh-gia?ky={PERIOD}"))
            .await;
        let response = app
            .post_form(
                client,
                "/staff/danh-gia/cong-bo",
                &[
                    ("csrf", &csrf_in(&page)),
                    ("ky", PERIOD),
                    ("co-quan", "H40.12"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    };
    publish(&leader).await;
    let html = app.page(&public, "/danh-gia-chat-luong").await;
    assert!(html.contains("Quý IV năm 2025 – Ủy ban nhân dân huyện Tiên Du"));
    let r = rows(&html);
    assert!(
        row_of(&r, "Tổng điểm các chỉ số").ends_with("9,4"),
        "{r:#?}"
    );
    assert!(row_of(&r, "Xếp loại").ends_with("khá"));
    assert!(row_of(&r, "8 |").ends_with("không có dữ liệu"));
    for name in [
        "Dương Văn Tế",
        "Lê Thị Một",
        "Hoàng Văn Cửa",
        "Trần Thị Lãnh",
    ] {
        assert!(!html.contains(name), "{name} is not published");
    }
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'evaluation.publish'")
            .await,
        1
    );

    // D2 turns out to have been resolved early: indices 1 and 7 rise to 1.5, the total to 9.8.
    exec(
        &app,
        format!("UPDATE dossiers SET outcome = 'early' WHERE code = '{d2}';"),
    )
    .await;
    let html = app.page(&public, "/danh-gia-chat-luong").await;
    assert!(
        row_of(&rows(&html), "Tổng điểm các chỉ số").ends_with("9,4"),
        "the publication does not shift"
    );
    publish(&leader).await;
    let html = app.page(&public, "/danh-gia-chat-luong").await;
    let r = rows(&html);
    assert!(
        row_of(&r, "Tổng điểm các chỉ số").ends_with("9,8"),
        "{r:#?}"
    );
    assert_eq!(
        html.matches("Điểm các chỉ số đánh giá, Quý IV năm 2025")
            .count(),
        1,
        "replaced, not added"
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM evaluation_publications")
            .await,
        1
    );
}

#[tokio::test]
async fn a_period_still_running_cannot_be_published_and_specialists_see_no_evaluation() {
    let app = TestApp::spawn_demo().await;
    let leader = app.client();
    app.sign_in(&leader, "lanhdao", PASSWORD).await;
    let page = app.page(&leader, "/staff/danh-gia").await;
    assert!(page.contains("Kỳ đánh giá chưa kết thúc"));
    let current = EvalPeriod::quarter_of(
        motcua::domain::calendar::to_local(time::OffsetDateTime::now_utc()).date(),
    )
    .key();
    let response = app
        .post_form(
            &leader,
            "/staff/danh-gia/cong-bo",
            &[
                ("csrf", &csrf_in(&page)),
                ("ky", &current),
                ("co-quan", "H40.12"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);

    let specialist = app.client();
    app.sign_in(&specialist, "kinhte.chuyenvien", PASSWORD)
        .await;
    let response = app.get(&specialist, "/staff/danh-gia").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}
