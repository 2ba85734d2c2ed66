//! The command line, run as the built binary: init, user add, serve, backup, restore, doctor, config.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{BIN, Server};

const PASSWORD: &str = "Mật khẩu đủ dài 2026";

fn motcua(data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--data")
        .arg(data)
        .args(args)
        .env("MOTCUA_LOG", "warn")
        .output()
        .expect("run motcua")
}

fn motcua_with_stdin(data: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(BIN)
        .arg("--data")
        .arg(data)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write");
    child.wait_with_output().expect("wait")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn serve(data: &Path, extra: &[&str]) -> Server {
    Server::start(data, "serve", extra, &[])
}

fn init_with_admin(dir: &Path) -> std::path::PathBuf {
    let data = dir.join("data");
    let out = motcua(
        &data,
        &[
            "init",
            "--agency-code",
            "H40.12",
            "--agency-name",
            "UBND huyện Thử",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = motcua_with_stdin(
        &data,
        &[
            "user",
            "add",
            "--username",
            "quantri",
            "--role",
            "admin",
            "--full-name",
            "Quản Trị",
            "--password-stdin",
        ],
        PASSWORD,
    );
    assert!(out.status.success(), "{}", text(&out));
    data
}

#[test]
fn init_creates_the_data_directory_with_private_secrets() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tmp");
    let data = init_with_admin(dir.path());
    for path in [
        "motcua.db",
        "config.toml",
        "tls/cert.pem",
        "files",
        "search",
        "backups",
    ] {
        assert!(data.join(path).exists(), "{path} missing");
    }
    for secret in ["secrets/session.key", "tls/key.pem"] {
        assert_eq!(
            std::fs::metadata(data.join(secret))
                .expect("meta")
                .permissions()
                .mode()
                & 0o777,
            0o600,
            "{secret}"
        );
    }
    let list = motcua(&data, &["user", "list", "--json"]);
    let users: serde_json::Value = serde_json::from_slice(&list.stdout).expect("json");
    assert_eq!(users[0]["username"], "quantri");
    assert_eq!(users[0]["roles"], serde_json::json!(["admin"]));
}

#[test]
fn a_bad_command_fails_with_a_one_line_reason() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = init_with_admin(dir.path());
    let out = motcua_with_stdin(
        &data,
        &[
            "user",
            "add",
            "--username",
            "x",
            "--role",
            "boss",
            "--password-stdin",
        ],
        "ngắn",
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("username.too_short") && stderr.contains("role.invalid"),
        "{stderr}"
    );
    let missing = motcua(&dir.path().join("nowhere"), &["user", "list"]);
    assert!(!missing.status.success());
    assert!(text(&missing).contains("motcua init"));
}

#[tokio::test]
async fn serve_prints_its_url_and_fingerprint_and_answers_over_https() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = init_with_admin(dir.path());
    let server = serve(&data, &[]);
    assert!(
        server.url.starts_with("https://127.0.0.1:"),
        "{}",
        server.url
    );
    let cert = std::fs::read(data.join("tls/cert.pem")).expect("cert");
    let fingerprint = motcua::tls::fingerprint(&cert).expect("fingerprint");
    assert!(
        server
            .printed
            .contains(&format!("certificate SHA-256 fingerprint: {fingerprint}")),
        "{}",
        server.printed
    );
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&cert).expect("pem"))
        .tls_built_in_root_certs(false)
        .build()
        .expect("client");
    assert_eq!(health(&client, &server.url).await["status"], "ok");
}

#[tokio::test]
async fn serve_with_http_serves_plain_http() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = init_with_admin(dir.path());
    let server = serve(&data, &["--http"]);
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "{}",
        server.url
    );
    assert_eq!(
        health(&reqwest::Client::new(), &server.url).await["status"],
        "ok"
    );
}

async fn health(client: &reqwest::Client, url: &str) -> serde_json::Value {
    let response = client
        .get(format!("{url}/healthz"))
        .send()
        .await
        .expect("get");
    response.json().await.expect("json")
}

#[test]
fn backup_while_serving_then_restore_gives_back_the_same_data() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = init_with_admin(dir.path());
    let archive = dir.path().join("backup.tar");
    {
        let _server = serve(&data, &[]);
        let out = motcua(&data, &["backup", "--out", archive.to_str().expect("utf8")]);
        assert!(out.status.success(), "{}", text(&out));
        assert!(text(&out).contains("verified"));
        let refused = motcua(&data, &["restore", archive.to_str().expect("utf8")]);
        assert!(
            !refused.status.success(),
            "restore must refuse while a server holds the directory"
        );
        assert!(text(&refused).contains("another motcua process"));
    }
    let out = motcua_with_stdin(
        &data,
        &[
            "user",
            "add",
            "--username",
            "sau.backup",
            "--role",
            "admin",
            "--password-stdin",
        ],
        PASSWORD,
    );
    assert!(out.status.success());
    let restored = dir.path().join("restored");
    let out = motcua(&restored, &["restore", archive.to_str().expect("utf8")]);
    assert!(out.status.success(), "{}", text(&out));
    let users = text(&motcua(&restored, &["user", "list"]));
    assert!(
        users.contains("quantri") && !users.contains("sau.backup"),
        "{users}"
    );
    assert_eq!(
        std::fs::read(restored.join("tls/cert.pem")).ok(),
        std::fs::read(data.join("tls/cert.pem")).ok(),
        "same certificate"
    );
    let doctor = motcua(&restored, &["doctor"]);
    assert!(doctor.status.success(), "{}", text(&doctor));
}

#[test]
fn a_damaged_backup_is_refused_and_leaves_the_directory_untouched() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = init_with_admin(dir.path());
    let archive = dir.path().join("backup.tar");
    assert!(
        motcua(&data, &["backup", "--out", archive.to_str().expect("utf8")])
            .status
            .success()
    );
    let mut bytes = std::fs::read(&archive).expect("read");
    let at = bytes
        .windows(15)
        .position(|w| w == b"SQLite format 3")
        .expect("db in archive")
        + 4096;
    bytes[at] ^= 0xff;
    std::fs::write(&archive, bytes).expect("write");
    let out = motcua(&data, &["restore", archive.to_str().expect("utf8")]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("damaged") || text(&out).contains("integrity"),
        "{}",
        text(&out)
    );
    assert!(text(&motcua(&data, &["user", "list"])).contains("quantri"));
}

#[test]
fn doctor_names_the_first_broken_audit_row() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = init_with_admin(dir.path());
    assert!(motcua(&data, &["doctor"]).status.success());
    let conn = rusqlite::Connection::open(data.join("motcua.db")).expect("open");
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'ai-do' WHERE id = 1",
    )
    .expect("tamper");
    drop(conn);
    let out = motcua(&data, &["doctor"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("broken at row 1"), "{}", text(&out));
}

#[test]
fn doctor_finds_an_altered_stored_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = init_with_admin(dir.path());
    let content = b"giay to da so hoa";
    let name = motcua::crypto::sha256_hex(content);
    std::fs::create_dir_all(data.join("files/ab")).expect("dir");
    std::fs::write(data.join("files/ab").join(&name), b"noi dung bi sua").expect("write");
    let out = motcua(&data, &["doctor"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("altered"), "{}", text(&out));
}

#[test]
fn config_example_passes_config_check_and_a_typo_is_reported() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = init_with_admin(dir.path());
    assert!(motcua(&data, &["config", "check"]).status.success());
    std::fs::write(
        data.join("config.toml"),
        "[security]\nlockout_treshold = 3\n",
    )
    .expect("write");
    let out = motcua(&data, &["config", "check"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("lockout_treshold"));
}

#[test]
fn demo_creates_the_office_once_and_serves_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("demo");
    let demo = || Server::start(&data, "demo", &[], &[("MOTCUA_DEMO_PASSWORD", PASSWORD)]);
    let printed = demo().printed.clone();
    for account in [
        "quantri",
        "lanhdao",
        "motcua.canbo1",
        "tuphap.chuyenvien",
        "tuphap.truong",
    ] {
        assert!(
            printed.contains(account),
            "{account} not printed:\n{printed}"
        );
    }
    let users: serde_json::Value =
        serde_json::from_slice(&motcua(&data, &["user", "list", "--json"]).stdout).expect("json");
    let roles: Vec<String> = users
        .as_array()
        .expect("array")
        .iter()
        .flat_map(|u| u["roles"].as_array().cloned().unwrap_or_default())
        .filter_map(|r| r.as_str().map(str::to_owned))
        .collect();
    for role in [
        "officer",
        "specialist",
        "head",
        "leader",
        "admin",
        "archivist",
    ] {
        assert!(roles.iter().any(|r| r == role), "no {role}");
    }
    let conn = rusqlite::Connection::open(data.join("motcua.db")).expect("open");
    let counts: (i64, i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM units WHERE kind = 'specialist'), (SELECT count(*) FROM units WHERE kind = 'one_stop'), (SELECT count(*) FROM communes)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("counts");
    assert_eq!(counts, (6, 1, 3));
    drop(conn);
    let second = demo().printed.clone();
    assert!(second.contains("already present"), "{second}");
    let again: serde_json::Value =
        serde_json::from_slice(&motcua(&data, &["user", "list", "--json"]).stdout).expect("json");
    assert_eq!(
        again.as_array().map(Vec::len),
        users.as_array().map(Vec::len),
        "no account was made twice"
    );
}
