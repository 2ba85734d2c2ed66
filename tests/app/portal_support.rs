//! Shared by the `portal_*` tests: the demo office with its two demo citizens, a browser signed in as one of
//! them through the sign-in form, and small helpers for the database and the draft pages.

#![allow(dead_code, clippy::expect_used)]

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

use crate::helpers::{PASSWORD, TestApp, csrf_in, location};

/// Nguyễn Thị Mai: a returned DEMO-HT-07 dossier with a signed result, a DEMO-HT-05 dossier in `supplement`.
pub const MAI: &str = "027190001234";
/// Trần Văn Hùng: a DEMO-HT-07 dossier in "Mới đăng ký".
pub const HUNG: &str = "027085004321";

/// The demo office and catalogue plus the demo citizens and their dossiers.
pub async fn spawn_portal() -> TestApp {
    spawn_portal_with(motcua::config::Config::for_tests()).await
}

pub async fn spawn_portal_with(config: motcua::config::Config) -> TestApp {
    let app = TestApp::spawn_demo_with(config).await;
    let key = std::fs::read(app.data.session_key()).expect("session key");
    let secret = motcua::services::results::seal_secret(&motcua::crypto::MacKey::from_bytes(&key));
    let created = motcua::services::demo_citizens::load(
        &app.db,
        &app.config.security,
        motcua::filestore::FileStore {
            dir: app.data.files_dir(),
            max_bytes: app.config.documents.max_file_bytes(),
        },
        &secret,
        PASSWORD,
        time::OffsetDateTime::now_utc(),
    )
    .await
    .expect("demo citizens");
    assert_eq!(created, Some(2));
    app
}

/// Signs in through `/dang-nhap` with `password`; returns the response to the POST.
pub async fn sign_in_citizen(
    app: &TestApp,
    client: &reqwest::Client,
    id_number: &str,
    password: &str,
) -> reqwest::Response {
    let csrf = app.csrf(client, "/dang-nhap").await;
    app.post_form(
        client,
        "/dang-nhap",
        &[
            ("csrf", csrf.as_str()),
            ("id_number", id_number),
            ("password", password),
            ("next", "/ho-so-cua-toi"),
        ],
    )
    .await
}

/// A browser signed in as the citizen `id_number` through the sign-in form.
pub async fn citizen_client(app: &TestApp, id_number: &str) -> reqwest::Client {
    let client = app.client();
    let response = sign_in_citizen(app, &client, id_number, PASSWORD).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{id_number} signs in"
    );
    assert_eq!(location(&response), "/ho-so-cua-toi");
    client
}

/// The CSRF token of the citizen's session (every portal page carries it in the header's sign-out form).
pub async fn citizen_csrf(app: &TestApp, client: &reqwest::Client) -> String {
    csrf_in(&app.page(client, "/ho-so-cua-toi").await)
}

/// Runs a query with text parameters and returns the first column of its first row.
pub async fn query<T>(app: &TestApp, sql: &str, params: &[&str]) -> T
where
    T: rusqlite::types::FromSql + Send + 'static,
{
    let (sql, params) = (sql.to_owned(), owned(params));
    app.db
        .read(move |c| {
            c.query_row(&sql, rusqlite::params_from_iter(params.iter()), |r| {
                r.get::<_, T>(0)
            })
            .map_err(motcua::store::StoreError::from)
        })
        .await
        .expect("query")
}

/// Runs a statement with text parameters.
pub async fn exec(app: &TestApp, sql: &str, params: &[&str]) -> usize {
    let (sql, params) = (sql.to_owned(), owned(params));
    app.db
        .write(move |tx| {
            tx.execute(&sql, rusqlite::params_from_iter(params.iter()))
                .map_err(motcua::store::StoreError::from)
        })
        .await
        .expect("exec")
}

fn owned(params: &[&str]) -> Vec<String> {
    params.iter().map(|p| (*p).to_owned()).collect()
}

/// The `owner_ref` of the citizen's dossiers.
pub async fn owner_ref(app: &TestApp, id_number: &str) -> String {
    query(
        app,
        "SELECT 'citizen:' || public_ref FROM citizens WHERE id_number = ?1",
        &[id_number],
    )
    .await
}

/// One of a citizen's dossiers, as stored.
#[derive(Debug, Clone)]
pub struct Owned {
    pub id: i64,
    pub public_id: String,
    pub code: Option<String>,
    pub status: i64,
    pub stage: String,
}

/// The citizen's latest dossier of `procedure`.
pub async fn dossier_of(app: &TestApp, id_number: &str, procedure: &str) -> Owned {
    let owner = owner_ref(app, id_number).await;
    let procedure = procedure.to_owned();
    app.db
        .read(move |c| {
            c.query_row(
                "SELECT id, public_id, code, status, stage FROM dossiers
                 WHERE owner_ref = ?1 AND procedure_code = ?2 ORDER BY id DESC LIMIT 1",
                [&owner, &procedure],
                |r| {
                    Ok(Owned {
                        id: r.get(0)?,
                        public_id: r.get(1)?,
                        code: r.get(2)?,
                        status: r.get(3)?,
                        stage: r.get(4)?,
                    })
                },
            )
            .map_err(motcua::store::StoreError::from)
        })
        .await
        .expect("dossier of citizen")
}

/// Starts a draft of `procedure` through `/nop-ho-so/{code}`; returns the draft's id.
pub async fn start_draft(app: &TestApp, client: &reqwest::Client, procedure: &str) -> String {
    let path = format!("/nop-ho-so/{procedure}");
    let csrf = app.csrf(client, &path).await;
    let response = app
        .post_form(client, &path, &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let to = location(&response);
    to.strip_prefix("/ho-so-nhap/")
        .and_then(|rest| rest.strip_suffix("?buoc=to-khai"))
        .unwrap_or_else(|| panic!("a draft address: {to}"))
        .to_owned()
}

/// The stored answers of a draft.
pub async fn draft_answers(app: &TestApp, draft: &str) -> Value {
    let text: String = query(
        app,
        "SELECT form_data FROM drafts WHERE public_id = ?1",
        &[draft],
    )
    .await;
    serde_json::from_str(&text).expect("draft JSON")
}

/// The posted form fields (`f.<key>`, `f.<group>.<row>.<key>`, `.province|commune|detail`) of stored answers.
pub fn form_pairs(answers: &Value) -> Vec<(String, String)> {
    fn scalar(v: &Value) -> String {
        match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
    fn put(out: &mut Vec<(String, String)>, name: &str, v: &Value) {
        match v {
            Value::Object(parts) => {
                for (part, value) in parts {
                    out.push((format!("{name}.{part}"), scalar(value)));
                }
            }
            Value::Array(rows) => {
                for (i, row) in rows.iter().enumerate() {
                    for (key, value) in row.as_object().into_iter().flatten() {
                        put(out, &format!("{name}.{i}.{key}"), value);
                    }
                }
            }
            other => out.push((name.to_owned(), scalar(other))),
        }
    }
    let mut out = Vec::new();
    for (key, value) in answers.as_object().into_iter().flatten() {
        put(&mut out, &format!("f.{key}"), value);
    }
    out
}

/// A complete, valid answer set of the DEMO-HT-07 form for a citizen of the demo (Bắc Ninh, Tiên Du).
pub fn marital_answers(name: &str, born: &str, id_number: &str, phone: &str, sex: &str) -> Value {
    serde_json::json!({
        "nguoi_yeu_cau_ho_ten": name,
        "nguoi_yeu_cau_ngay_sinh": born,
        "nguoi_yeu_cau_so_dinh_danh": id_number,
        "nguoi_yeu_cau_noi_cu_tru": {"province": "24", "commune": "09319", "detail": "Thôn Đông"},
        "dien_thoai": phone,
        "gioi_tinh": sex,
        "dan_toc": "Kinh",
        "quoc_tich": "Việt Nam",
        "tinh_trang_hon_nhan": "Chưa kết hôn với ai",
        "muc_dich": "Mục đích khác",
        "muc_dich_khac": "Bổ sung hồ sơ xin việc",
        "so_ban": 1,
        "hinh_thuc_nhan_ket_qua": "Nhận bản điện tử trên Cổng Dịch vụ công",
    })
}

/// Hùng's answers to DEMO-HT-07.
pub fn hung_answers() -> Value {
    marital_answers("Trần Văn Hùng", "1985-07-20", HUNG, "0912000102", "Nam")
}

/// Posts the e-form step of a draft with `pairs` plus the CSRF token.
pub async fn post_eform(
    app: &TestApp,
    client: &reqwest::Client,
    draft: &str,
    pairs: &[(String, String)],
) -> reqwest::Response {
    let csrf = citizen_csrf(app, client).await;
    let mut fields = vec![("csrf".to_owned(), csrf)];
    fields.extend(pairs.iter().cloned());
    client
        .post(app.at(&format!("/ho-so-nhap/{draft}/to-khai")))
        .form(&fields)
        .send()
        .await
        .expect("post e-form")
}

/// Uploads `bytes` as `file_name` for `component` of the draft.
pub async fn upload_paper(
    app: &TestApp,
    client: &reqwest::Client,
    draft: &str,
    component: i64,
    file_name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let csrf = citizen_csrf(app, client).await;
    let form = Form::new()
        .text("csrf", csrf)
        .text("component", component.to_string())
        .part("file", Part::bytes(bytes).file_name(file_name.to_owned()));
    client
        .post(app.at(&format!("/ho-so-nhap/{draft}/giay-to")))
        .multipart(form)
        .send()
        .await
        .expect("upload")
}

/// A small PDF standing in for a scanned paper.
pub fn pdf(text: &str) -> Vec<u8> {
    motcua::services::demo_citizens::sample_pdf(text)
}

/// How many files the file store holds.
pub fn stored_files(app: &TestApp) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir).map_or(0, |entries| {
            entries
                .flatten()
                .map(|e| {
                    let path = e.path();
                    if path.is_dir() { walk(&path) } else { 1 }
                })
                .sum()
        })
    }
    walk(&app.data.files_dir())
}

/// The text of every element `selector` matches, whitespace collapsed.
pub fn texts(html: &str, selector: &str) -> Vec<String> {
    crate::forms::texts(html, selector)
}

/// The value of `attribute` on every element `selector` matches.
pub fn attrs(html: &str, selector: &str, attribute: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).expect("selector");
    doc.select(&sel)
        .filter_map(|e| e.value().attr(attribute).map(str::to_owned))
        .collect()
}

/// The unread count the bell in the header shows (0 when it shows none).
pub fn bell(html: &str) -> i64 {
    texts(html, "a.bell .badge")
        .first()
        .map_or(0, |t| t.parse().expect("a number on the bell"))
}

/// `pairs` with a few more fields.
pub fn with(mut pairs: Vec<(String, String)>, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.extend(
        extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    pairs
}

/// `answers` posted with "Tiếp tục".
pub async fn post_next(
    app: &TestApp,
    client: &reqwest::Client,
    draft: &str,
    answers: &Value,
) -> reqwest::Response {
    post_eform(
        app,
        client,
        draft,
        &with(form_pairs(answers), &[("next", "1")]),
    )
    .await
}

/// How many files a draft has attached.
pub async fn draft_files(app: &TestApp, draft: &str) -> i64 {
    query(
        app,
        "SELECT count(*) FROM draft_files f JOIN drafts d ON d.id = f.draft_id WHERE d.public_id = ?1",
        &[draft],
    )
    .await
}
