//! `TestApp`: the real application over a temp data directory, served over HTTPS on an ephemeral port, with a
//! client that trusts exactly its self-signed certificate.

use motcua::app::App;
use motcua::config::Config;
use motcua::datadir::DataDir;
use motcua::services::{Context, accounts};
use motcua::store::Db;
use tokio_util::sync::CancellationToken;

pub const PASSWORD: &str = "Mật khẩu đủ dài 2026";

pub struct TestApp {
    pub url: String,
    pub db: Db,
    pub config: Config,
    pub cert_pem: Vec<u8>,
    pub data: DataDir,
    shutdown: CancellationToken,
    _dir: tempfile::TempDir,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(Config::for_tests()).await
    }

    /// The demo office (agency H40.12, its units, communes and 16 staff accounts with [`PASSWORD`]) and the demo
    /// catalogue, instead of the bare organisation of [`TestApp::spawn`].
    pub async fn spawn_demo() -> TestApp {
        Self::spawn_demo_with(Config::for_tests()).await
    }

    pub async fn spawn_demo_with(config: Config) -> TestApp {
        let app = Self::start(config).await;
        let ctx = Context::console(time::OffsetDateTime::now_utc());
        motcua::services::demo::load(&app.db, &app.config.security, &ctx, PASSWORD)
            .await
            .expect("demo office");
        motcua::services::demo_catalogue::load(&app.db, &ctx)
            .await
            .expect("demo catalogue");
        app
    }

    pub async fn spawn_with(config: Config) -> TestApp {
        let test = Self::start(config).await;
        test.add_unit().await;
        test
    }

    async fn start(mut config: Config) -> TestApp {
        // This process is the test binary; documents are read by the built `motcua extract-text`.
        config
            .documents
            .reader
            .get_or_insert_with(|| env!("CARGO_BIN_EXE_motcua").into());
        if std::env::var_os("TEST_LOG").is_some() {
            motcua::telemetry::init("pretty", "debug");
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let data = DataDir::new(dir.path().join("data"));
        motcua::maintenance::init_layout(&data, &config).expect("init");
        let app = App::build(data.clone(), config.clone())
            .await
            .expect("build app");
        let url = app.url().to_owned();
        let db = app.db().clone();
        let cert_pem = app.certificate_pem().expect("https").to_vec();
        let shutdown = CancellationToken::new();
        tokio::spawn(app.run_until_stopped(shutdown.clone()));
        TestApp {
            url,
            db,
            config,
            cert_pem,
            data,
            shutdown,
            _dir: dir,
        }
    }

    async fn add_unit(&self) {
        self.db
            .write(|tx| {
                tx.execute_batch(
                    "INSERT INTO agencies(code, name, level) VALUES ('H40.12', 'UBND huyện Thử', 'district');
                     INSERT INTO units(code, agency_code, name, kind) VALUES ('H40.12.1', 'H40.12', 'Bộ phận một cửa', 'one_stop');
                     INSERT INTO units(code, agency_code, name, kind) VALUES ('H40.12.2', 'H40.12', 'Phòng Tư pháp', 'specialist');
                     INSERT INTO settings(key, value) VALUES ('office_name', 'UBND huyện Thử'), ('owner_agency', 'Văn phòng UBND huyện Thử'),
                       ('responsible_person', 'Chánh Văn phòng'), ('address', 'Số 1 đường Lý Thái Tổ'), ('phone', '0222 000 000'),
                       ('email', 'motcua@thu.example.vn');",
                )
                .map_err(motcua::store::StoreError::from)
            })
            .await
            .expect("seed organisation");
    }

    /// Creates a staff account through the same service the admin page uses.
    pub async fn add_staff(&self, username: &str, roles: &str, must_change: bool) {
        let form = accounts::NewStaffForm {
            username: username.into(),
            full_name: "Nguyễn Văn Thử".into(),
            roles: roles.into(),
            unit: if roles == "admin" {
                String::new()
            } else {
                "H40.12.1".into()
            },
            password: PASSWORD.into(),
        };
        accounts::create_staff(
            &self.db,
            &self.config.security,
            &Context::console(time::OffsetDateTime::now_utc()),
            form,
            must_change,
        )
        .await
        .expect("create staff");
    }

    /// A browser-like client: cookie store, no automatic redirects, trusts only this app's certificate.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(&self.cert_pem).expect("pem"))
            .tls_built_in_root_certs(false)
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// GETs `path` with `client`.
    pub async fn get(&self, client: &reqwest::Client, path: &str) -> reqwest::Response {
        client.get(self.at(path)).send().await.expect("GET")
    }

    /// GETs `path` with `client` and returns the body.
    pub async fn page(&self, client: &reqwest::Client, path: &str) -> String {
        self.get(client, path).await.text().await.expect("body")
    }

    /// POSTs a urlencoded form to `path` with `client`.
    pub async fn post_form(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.at(path))
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    /// A new account with `roles`, and a client signed in as it.
    pub async fn signed_in(&self, username: &str, roles: &str) -> reqwest::Client {
        self.add_staff(username, roles, false).await;
        let client = self.client();
        self.sign_in(&client, username, PASSWORD).await;
        client
    }

    /// A client signed in as an existing account (the demo office's accounts use [`PASSWORD`]).
    pub async fn signed_in_as(&self, username: &str) -> reqwest::Client {
        let client = self.client();
        let response = self.sign_in(&client, username, PASSWORD).await;
        assert_eq!(
            response.status(),
            reqwest::StatusCode::SEE_OTHER,
            "sign in {username}"
        );
        client
    }

    /// GETs `path` until its body contains `text` (for what background jobs update), for at most 15 s; returns
    /// the last body.
    pub async fn page_eventually(
        &self,
        client: &reqwest::Client,
        path: &str,
        text: &str,
    ) -> String {
        let started = std::time::Instant::now();
        loop {
            let body = self.page(client, path).await;
            if body.contains(text) || started.elapsed() > std::time::Duration::from_secs(15) {
                return body;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }

    /// Runs SQL against the live database (to simulate time passing or tampering).
    pub async fn sql(&self, sql: &'static str) {
        self.db
            .write(move |tx| {
                tx.execute_batch(sql)
                    .map_err(motcua::store::StoreError::from)
            })
            .await
            .expect("sql");
    }

    pub async fn scalar(&self, sql: &'static str) -> i64 {
        self.db
            .read(move |c| {
                c.query_row(sql, [], |r| r.get(0))
                    .map_err(motcua::store::StoreError::from)
            })
            .await
            .expect("scalar")
    }

    /// GETs a page and returns the CSRF token of its first form.
    pub async fn csrf(&self, client: &reqwest::Client, path: &str) -> String {
        csrf_in(&self.page(client, path).await)
    }

    /// Signs in through the login form; returns the response to the POST.
    pub async fn sign_in(
        &self,
        client: &reqwest::Client,
        username: &str,
        password: &str,
    ) -> reqwest::Response {
        let csrf = self.csrf(client, "/staff/login").await;
        client
            .post(self.at("/staff/login"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("username", username),
                ("password", password),
                ("next", "/staff"),
            ])
            .send()
            .await
            .expect("post login")
    }
}

pub fn csrf_in(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("input[name=csrf]").expect("selector");
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr("value"))
        .expect("a csrf field")
        .to_owned()
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// How a demo staff account acts in services, with the roles the database gives it.
pub async fn acting(app: &TestApp, username: &'static str) -> motcua::services::dossiers::Acting {
    let (id, name, unit, roles): (i64, String, Option<String>, String) = app
        .db
        .read(move |c| {
            c.query_row(
                "SELECT s.id, s.full_name, s.unit_code,
                    (SELECT group_concat(role) FROM staff_roles r WHERE r.staff_id = s.id)
                 FROM staff s WHERE s.username = ?1",
                [username],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .map_err(motcua::store::StoreError::from)
        })
        .await
        .expect("staff");
    let roles = roles
        .split(',')
        .filter_map(|r| motcua::domain::role::Role::parse(r).ok())
        .collect();
    motcua::services::dossiers::Acting {
        actor: motcua::domain::dossier::Actor::Staff {
            id,
            roles,
            unit: unit.clone(),
        },
        name,
        reference: format!("staff:{id}"),
        unit,
    }
}

/// A service context at `now`, for actions taken in the past or the future.
pub fn at(now: time::OffsetDateTime) -> motcua::services::Context {
    motcua::services::Context {
        actor: "test".into(),
        ip: "local".into(),
        now,
    }
}
