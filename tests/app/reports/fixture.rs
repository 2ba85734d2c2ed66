//! A known set of dossiers for the processing report, each taken through the real API and then moved in time with
//! SQL (every stored time of the dossier and its history by the same number of days, as if it had happened then),
//! with the figures each one must appear in.

use reqwest::StatusCode;
use serde_json::{Value, json};
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};

use crate::dossier_api::{act, counter_dossier, intake_token, post, token};
use crate::forms::browser;
use crate::helpers::{TestApp, csrf_in};

pub const KINH_TE: &str = "H40.12.4";

/// The people who act on the dossiers (API tokens).
pub struct Hands {
    pub officer: String,
    pub head: String,
    pub specialist: String,
    specialist_id: i64,
    portal: String,
}

/// One dossier of the set: how to find it on the pages (its code, or its public id before it had one), the unit
/// holding it, and the keys of every figure it must be counted in.
pub struct Case {
    pub name: &'static str,
    pub reference: String,
    pub unit: Option<&'static str>,
    pub figures: &'static [&'static str],
}

/// The set and the report period: office days D-10 to D-4, D being today.
pub struct Fixture {
    pub cases: Vec<Case>,
    pub from: Date,
    pub to: Date,
}

impl Fixture {
    /// `from=…&to=…`
    pub fn period(&self) -> String {
        format!("from={}&to={}", self.from, self.to)
    }

    /// How many dossiers of the set (among those `keep` accepts) a figure counts.
    pub fn expected(&self, figure: &str, keep: impl Fn(&Case) -> bool) -> i64 {
        let n = self
            .cases
            .iter()
            .filter(|c| keep(c) && c.figures.contains(&figure))
            .count();
        i64::try_from(n).expect("count")
    }

    /// The references of the dossiers a figure counts, sorted.
    pub fn members(&self, figure: &str) -> Vec<String> {
        let mut refs: Vec<String> = self
            .cases
            .iter()
            .filter(|c| c.figures.contains(&figure))
            .map(|c| c.reference.clone())
            .collect();
        refs.sort();
        refs
    }
}

pub fn today() -> Date {
    motcua::domain::calendar::to_local(OffsetDateTime::now_utc()).date()
}

/// Runs one statement with text parameters against the live database.
pub async fn exec(app: &TestApp, sql: &'static str, params: Vec<String>) {
    app.db
        .write(move |tx| {
            tx.execute(sql, rusqlite::params_from_iter(params.iter()))
                .map_err(motcua::store::StoreError::from)
        })
        .await
        .expect("sql");
}

/// Moves every stored time of the dossier (`code` or public id) and of its history by `days`.
async fn shift(app: &TestApp, reference: &str, days: i64) {
    let by = format!("{days} days");
    exec(
        app,
        "UPDATE dossiers SET
           submitted_at = strftime('%Y-%m-%dT%H:%M:%fZ', submitted_at, ?1),
           received_at = strftime('%Y-%m-%dT%H:%M:%fZ', received_at, ?1),
           clock_started_at = strftime('%Y-%m-%dT%H:%M:%fZ', clock_started_at, ?1),
           due_at = strftime('%Y-%m-%dT%H:%M:%fZ', due_at, ?1),
           original_due_at = strftime('%Y-%m-%dT%H:%M:%fZ', original_due_at, ?1),
           paused_at = strftime('%Y-%m-%dT%H:%M:%fZ', paused_at, ?1),
           transfer_due_at = strftime('%Y-%m-%dT%H:%M:%fZ', transfer_due_at, ?1),
           transferred_at = strftime('%Y-%m-%dT%H:%M:%fZ', transferred_at, ?1),
           step_due_at = strftime('%Y-%m-%dT%H:%M:%fZ', step_due_at, ?1),
           result_notified_at = strftime('%Y-%m-%dT%H:%M:%fZ', result_notified_at, ?1),
           finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', finished_at, ?1),
           returned_at = strftime('%Y-%m-%dT%H:%M:%fZ', returned_at, ?1),
           updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', updated_at, ?1)
         WHERE code = ?2 OR public_id = ?2",
        vec![by.clone(), reference.to_owned()],
    )
    .await;
    exec(
        app,
        "UPDATE dossier_events SET at = strftime('%Y-%m-%dT%H:%M:%fZ', at, ?1)
         WHERE dossier_id = (SELECT id FROM dossiers WHERE code = ?2 OR public_id = ?2)",
        vec![by, reference.to_owned()],
    )
    .await;
}

async fn step(app: &TestApp, who: &str, reference: &str, body: Value) -> Value {
    let (s, d) = act(app, who, reference, body.clone()).await;
    assert_eq!(s, StatusCode::OK, "{body} on {reference}: {d}");
    d
}

/// A dossier created by `who` with `body`; returns its code, or its public id when it has none.
async fn create(app: &TestApp, who: &str, body: Value) -> String {
    let (s, d) = post(app, who, "/api/v1/dossiers", body).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    d["code"]
        .as_str()
        .or(d["id"].as_str())
        .expect("reference")
        .to_owned()
}

async fn counter(app: &TestApp, h: &Hands, procedure: &str, channel: i64) -> String {
    let mut body = counter_dossier(procedure);
    body["channel"] = json!(channel);
    create(app, &h.officer, body).await
}

async fn to_unit(app: &TestApp, h: &Hands, code: &str) {
    step(
        app,
        &h.officer,
        code,
        json!({"action": "transfer", "to_unit": KINH_TE}),
    )
    .await;
    let assign = json!({"action": "assign", "to_user": h.specialist_id});
    step(app, &h.head, code, assign).await;
}

/// Approved by the specialist and the head (stage `approved`).
async fn approve(app: &TestApp, h: &Hands, code: &str) {
    to_unit(app, h, code).await;
    step(app, &h.specialist, code, json!({"action": "approve"})).await;
    step(app, &h.head, code, json!({"action": "approve"})).await;
}

async fn complete(app: &TestApp, h: &Hands, code: &str) -> Value {
    step(app, &h.specialist, code, json!({"action": "complete"})).await
}

/// Sets the appointment to `due` (office time) just before the decision, so the service records the outcome
/// against it: in the past gives "late", later today "on time".
async fn due_at(app: &TestApp, code: &str, due: PrimitiveDateTime) {
    let stored = motcua::store::format_time(motcua::domain::calendar::from_local(due));
    exec(
        app,
        "UPDATE dossiers SET due_at = ?1 WHERE code = ?2",
        vec![stored, code.to_owned()],
    )
    .await;
}

/// Issues a signed electronic result through the staff page (the dossier must be approved).
async fn issue_result(app: &TestApp, code: &str) {
    let officer = browser(app, "motcua.canbo1").await;
    let csrf = csrf_in(&app.page(&officer, &format!("/staff/dossiers/{code}")).await);
    let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(b"%PDF-1.4\n% ket qua\n%%EOF\n".to_vec())
            .file_name("ket-qua.pdf"),
    );
    let response = officer
        .post(app.at(&format!("/staff/dossiers/{code}/results")))
        .multipart(form)
        .send()
        .await
        .expect("post result");
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "result issued");
}

/// Builds the set. Each dossier is taken through the API now and then moved into (or out of) the period.
pub async fn build(app: &TestApp) -> Fixture {
    let h = Hands {
        officer: token(app, "motcua.canbo1").await,
        head: token(app, "kinhte.truong").await,
        specialist: token(app, "kinhte.chuyenvien").await,
        specialist_id: app
            .scalar("SELECT id FROM staff WHERE username = 'kinhte.chuyenvien'")
            .await,
        portal: intake_token(app, "cong-dvc-tinh").await,
    };
    let d = today();
    let mut cases = Vec::new();
    let mut add = |name, reference: String, unit, figures| {
        cases.push(Case {
            name,
            reference,
            unit,
            figures,
        });
    };

    // A: at the counter, resolved before the appointment day.
    let a = counter(app, &h, "DEMO-HKD-01", 1).await;
    approve(app, &h, &a).await;
    assert_eq!(complete(app, &h, &a).await["outcome"], "early");
    shift(app, &a, -7).await;
    add(
        "A early",
        a,
        Some(KINH_TE),
        &[
            "received",
            "received_new",
            "received_counter",
            "resolved",
            "resolved_early",
        ][..],
    );

    // B: online through the provincial portal, resolved on the appointment day, with a signed electronic result.
    let mut body = counter_dossier("DEMO-HKD-01");
    body["channel"] = json!(2);
    body["then"] = Value::Null;
    let id = create(app, &h.portal, body).await;
    let b = step(app, &h.officer, &id, json!({"action": "receive"})).await["code"]
        .as_str()
        .expect("code")
        .to_owned();
    approve(app, &h, &b).await;
    issue_result(app, &b).await;
    due_at(
        app,
        &b,
        PrimitiveDateTime::new(d, Time::from_hms(23, 59, 59).expect("time")),
    )
    .await;
    assert_eq!(complete(app, &h, &b).await["outcome"], "on_time");
    shift(app, &b, -7).await;
    add(
        "B on time, online, electronic",
        b,
        Some(KINH_TE),
        &[
            "received",
            "received_new",
            "received_online",
            "resolved",
            "resolved_on_time",
            "electronic_result",
        ][..],
    );

    // C: by post, resolved after the appointment, and rated "not satisfied" by the applicant.
    let c = counter(app, &h, "DEMO-HKD-01", 3).await;
    approve(app, &h, &c).await;
    let past = motcua::domain::calendar::to_local(OffsetDateTime::now_utc() - Duration::hours(1));
    due_at(app, &c, past).await;
    assert_eq!(complete(app, &h, &c).await["outcome"], "late");
    shift(app, &c, -7).await;
    exec(
        app,
        "INSERT INTO ratings(dossier_id, overall, created_at, updated_at)
         SELECT id, 'unsatisfied', finished_at, finished_at FROM dossiers WHERE code = ?1",
        vec![c.clone()],
    )
    .await;
    add(
        "C late, postal, complained",
        c,
        Some(KINH_TE),
        &[
            "received",
            "received_new",
            "received_postal",
            "resolved",
            "resolved_late",
            "complained",
        ][..],
    );

    // D: a supplement asked at receipt and another during appraisal; finished early, counted late (Decision 766).
    let mut body = counter_dossier("DEMO-HKD-01");
    body["then"] = json!({"action": "request_supplement", "reason": "Thiếu bản sao", "items": ["Bản sao giấy tờ"]});
    let id = create(app, &h.officer, body).await;
    step(app, &h.officer, &id, json!({"action": "submit_supplement"})).await;
    let dd = step(app, &h.officer, &id, json!({"action": "receive"})).await["code"]
        .as_str()
        .expect("code")
        .to_owned();
    to_unit(app, &h, &dd).await;
    let ask = json!({"action": "request_supplement", "reason": "Thiếu chữ ký", "items": ["Giấy đề nghị có chữ ký"]});
    step(app, &h.specialist, &dd, ask).await;
    step(app, &h.officer, &dd, json!({"action": "submit_supplement"})).await;
    step(app, &h.specialist, &dd, json!({"action": "approve"})).await;
    step(app, &h.head, &dd, json!({"action": "approve"})).await;
    assert_eq!(complete(app, &h, &dd).await["outcome"], "early");
    shift(app, &dd, -7).await;
    add(
        "D two supplements",
        dd,
        Some(KINH_TE),
        &[
            "received",
            "received_new",
            "received_counter",
            "resolved",
            "resolved_late",
            "supplement_requested",
        ][..],
    );

    // E: refused at receipt: never received, so counted only as refused.
    let mut body = counter_dossier("DEMO-HKD-01");
    body["then"] = json!({"action": "refuse", "reason": "Không thuộc thẩm quyền"});
    let e = create(app, &h.officer, body).await;
    shift(app, &e, -7).await;
    add("E refused", e, None, &["refused"][..]);

    // F: received, then withdrawn by the applicant.
    let f = counter(app, &h, "DEMO-HKD-01", 1).await;
    step(
        app,
        &h.officer,
        &f,
        json!({"action": "withdraw", "reason": "Không có nhu cầu"}),
    )
    .await;
    shift(app, &f, -7).await;
    add(
        "F withdrawn",
        f,
        None,
        &["received", "received_new", "received_counter", "withdrawn"][..],
    );

    // G: stopped by the unit head during appraisal.
    let g = counter(app, &h, "DEMO-HKD-01", 1).await;
    to_unit(app, &h, &g).await;
    step(
        app,
        &h.head,
        &g,
        json!({"action": "stop", "reason": "Người nộp không bổ sung"}),
    )
    .await;
    shift(app, &g, -7).await;
    add(
        "G stopped",
        g,
        Some(KINH_TE),
        &["received", "received_new", "received_counter", "stopped"][..],
    );

    // H: received before the period (three working days to process) and still at the unit: overdue at its end.
    let hh = counter(app, &h, "DEMO-HKD-01", 1).await;
    to_unit(app, &h, &hh).await;
    shift(app, &hh, -12).await;
    add(
        "H carried over, overdue",
        hh,
        Some(KINH_TE),
        &[
            "received",
            "carried_over",
            "in_progress",
            "in_progress_overdue",
        ][..],
    );

    // I: received in the period for a twenty-working-day procedure, not transferred yet: in progress, in time.
    let i = counter(app, &h, "DEMO-DD-01", 1).await;
    shift(app, &i, -7).await;
    add(
        "I in time",
        i,
        None,
        &[
            "received",
            "received_new",
            "received_counter",
            "in_progress",
            "in_progress_on_time",
        ][..],
    );

    // J: received and resolved before the period; K: received after it. Neither is counted.
    let j = counter(app, &h, "DEMO-HKD-01", 1).await;
    approve(app, &h, &j).await;
    complete(app, &h, &j).await;
    shift(app, &j, -20).await;
    add("J before", j, Some(KINH_TE), &[][..]);
    let k = counter(app, &h, "DEMO-HKD-01", 1).await;
    shift(app, &k, -1).await;
    add("K after", k, None, &[][..]);

    // L: received before the period, resolved early within it.
    let l = counter(app, &h, "DEMO-HKD-01", 1).await;
    approve(app, &h, &l).await;
    complete(app, &h, &l).await;
    shift(app, &l, -7).await;
    exec(
        app,
        "UPDATE dossiers SET received_at = strftime('%Y-%m-%dT%H:%M:%fZ', received_at, '-5 days') WHERE code = ?1",
        vec![l.clone()],
    )
    .await;
    add(
        "L carried over, early",
        l,
        Some(KINH_TE),
        &["received", "carried_over", "resolved", "resolved_early"][..],
    );

    // M: sent back for a supplement during appraisal and still waiting: the clock is stopped, so not overdue.
    let m = counter(app, &h, "DEMO-HKD-01", 1).await;
    to_unit(app, &h, &m).await;
    let ask = json!({"action": "request_supplement", "reason": "Thiếu", "items": ["Bản sao"]});
    step(app, &h.specialist, &m, ask).await;
    shift(app, &m, -7).await;
    add(
        "M awaiting supplement",
        m,
        Some(KINH_TE),
        &[
            "received",
            "received_new",
            "received_counter",
            "in_progress",
            "in_progress_on_time",
            "supplement_requested",
        ][..],
    );

    assert_eq!(
        app.scalar("SELECT count(*) FROM dossiers WHERE finished_at IS NULL AND active = 0")
            .await,
        0,
        "a dossier without an end is always active (the report's passes rely on it)"
    );
    Fixture {
        cases,
        from: d - Duration::days(10),
        to: d - Duration::days(4),
    }
}
