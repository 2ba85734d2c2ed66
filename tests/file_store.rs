//! The file store and the dossier index as the built binary uses them: a server killed with SIGKILL in the middle
//! of uploads leaves no partial file in the store and no record without its file; `motcua doctor` names missing,
//! altered and orphaned files and a dossier index out of step, which `motcua reindex` rebuilds.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::{BIN, Server};
use serde_json::{Value, json};

const PASSWORD: &str = "Mật khẩu thử nghiệm 2026";

fn demo(data: &Path) -> Server {
    Server::start(
        data,
        "demo",
        &["--http"],
        &[("MOTCUA_DEMO_PASSWORD", PASSWORD)],
    )
}

fn doctor(data: &Path) -> String {
    let out = Command::new(BIN)
        .arg("--data")
        .arg(data)
        .arg("doctor")
        .env("MOTCUA_LOG", "warn")
        .output()
        .expect("doctor");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The doctor line of one check, e.g. "ok     missing files every one of …".
fn line<'a>(report: &'a str, check: &str) -> &'a str {
    report
        .lines()
        .find(|l| l.get(7..).is_some_and(|rest| rest.starts_with(check)))
        .unwrap_or_else(|| panic!("no {check} line in:\n{report}"))
}

async fn officer_token(client: &reqwest::Client, url: &str) -> String {
    let login: Value = client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({"username": "motcua.canbo1", "password": PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    login["token"].as_str().expect("token").to_owned()
}

async fn counter_dossier(client: &reqwest::Client, url: &str, token: &str) -> String {
    let created: Value = client
        .post(format!("{url}/api/v1/dossiers"))
        .bearer_auth(token)
        .json(&json!({
            "procedure": "DEMO-HKD-01", "channel": 1,
            "applicant": {"kind": "person", "name": "Phạm Thị Hoa", "id_number": "027095001235"},
            "components": [1], "then": {"action": "receive"}
        }))
        .send()
        .await
        .expect("create")
        .json()
        .await
        .expect("json");
    created["code"].as_str().expect("code").to_owned()
}

/// A distinct PDF of about `size` bytes.
fn pdf(seed: u64, size: usize) -> Vec<u8> {
    let mut bytes = format!("%PDF-1.4\n% motcua crash test {seed}\n").into_bytes();
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
    while bytes.len() < size {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    bytes.extend_from_slice(b"\n%%EOF\n");
    bytes
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_during_uploads_leaves_no_partial_file_and_no_record_without_its_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let client = reqwest::Client::new();
    let mut acknowledged = Vec::new();
    for round in 0..3_u64 {
        let mut server = demo(&data);
        let url = server.url.clone();
        let token = officer_token(&client, &url).await;
        let code = counter_dossier(&client, &url, &token).await;
        // Four uploaders of 6 MB files (each distinct, so each is a new write) until the server dies under them.
        let mut uploaders = Vec::new();
        for worker in 0..4_u64 {
            let (client, url, token, code) =
                (client.clone(), url.clone(), token.clone(), code.clone());
            uploaders.push(tokio::spawn(async move {
                let mut stored = Vec::new();
                for n in 0.. {
                    let bytes = pdf(round * 1_000_000 + worker * 1_000 + n, 6 * 1024 * 1024);
                    let form = reqwest::multipart::Form::new().text("kind", "scan").part(
                        "file",
                        reqwest::multipart::Part::bytes(bytes).file_name("ban-quet.pdf"),
                    );
                    let sent = client
                        .post(format!("{url}/api/v1/dossiers/{code}/documents"))
                        .bearer_auth(&token)
                        .multipart(form)
                        .send()
                        .await;
                    match sent {
                        Ok(r) if r.status() == reqwest::StatusCode::CREATED => {
                            let body: Value = r.json().await.unwrap_or(Value::Null);
                            if let Some(sha) = body["sha256"].as_str() {
                                stored.push(sha.to_owned());
                            }
                        }
                        Ok(r) => panic!("upload refused: {}", r.status()),
                        Err(_) => return stored,
                    }
                }
                stored
            }));
        }
        tokio::time::sleep(Duration::from_millis(700 + 450 * round)).await;
        server.kill_hard();
        for uploader in uploaders {
            acknowledged.extend(uploader.await.expect("uploader"));
        }
        // The next start sweeps what the killed writes left unfinished.
        let unfinished = files_in(&data.join("files/.incoming")).len();
        eprintln!(
            "round {round}: {} uploads acknowledged so far, {unfinished} unfinished at the kill",
            acknowledged.len()
        );
        let restarted = demo(&data);
        assert!(
            files_in(&data.join("files/.incoming")).is_empty(),
            "unfinished uploads are swept at start"
        );
        drop(restarted);
    }
    assert!(
        !acknowledged.is_empty(),
        "some uploads completed before each kill"
    );
    let report = doctor(&data);
    assert!(line(&report, "integrity").starts_with("ok"), "{report}");
    assert!(
        line(&report, "files").starts_with("ok"),
        "no stored file is partial or altered:\n{report}"
    );
    assert!(
        line(&report, "missing files").starts_with("ok"),
        "every record has its file:\n{report}"
    );
    let conn = rusqlite::Connection::open(data.join("motcua.db")).expect("db");
    for sha in &acknowledged {
        let rows: i64 = conn
            .query_row(
                "SELECT count(*) FROM dossier_documents WHERE sha256 = ?1",
                [sha],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(rows, 1, "an acknowledged upload survives the kill: {sha}");
    }
}

#[tokio::test]
async fn doctor_names_missing_altered_and_orphaned_files() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    drop(demo(&data));
    let report = doctor(&data);
    for check in ["files", "missing files", "orphaned files"] {
        assert!(line(&report, check).starts_with("ok"), "{report}");
    }
    let conn = rusqlite::Connection::open(data.join("motcua.db")).expect("db");
    let hashes: Vec<String> = conn
        .prepare("SELECT DISTINCT sha256 FROM dossier_documents ORDER BY sha256")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert!(hashes.len() >= 2, "the demo stores documents");
    let path = |sha: &str| data.join("files").join(&sha[..2]).join(sha);
    std::fs::remove_file(path(&hashes[0])).expect("remove");
    std::fs::write(path(&hashes[1]), b"changed").expect("alter");
    let stray = motcua::crypto::sha256_hex(b"a file nothing refers to");
    std::fs::create_dir_all(path(&stray).parent().expect("parent")).expect("mkdir");
    std::fs::write(path(&stray), b"a file nothing refers to").expect("stray");
    let report = doctor(&data);
    let missing = line(&report, "missing files");
    assert!(
        missing.starts_with("FAIL") && missing.contains(&hashes[0]),
        "{report}"
    );
    let altered = line(&report, "files");
    assert!(
        altered.starts_with("FAIL") && altered.contains(&hashes[1]),
        "{report}"
    );
    let orphaned = line(&report, "orphaned files");
    assert!(
        orphaned.starts_with("FAIL") && orphaned.contains(&stray),
        "{report}"
    );
}

#[tokio::test]
async fn reindex_rebuilds_a_lost_dossier_index_that_doctor_reports() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    drop(demo(&data));
    let conn = rusqlite::Connection::open(data.join("motcua.db")).expect("db");
    let dossiers: i64 = conn
        .query_row("SELECT count(*) FROM dossiers", [], |r| r.get(0))
        .expect("count");
    assert!(dossiers > 0, "the demo has dossiers");
    for entry in files_in(&data.join("search")) {
        if entry
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("dossiers-v"))
        {
            std::fs::remove_dir_all(entry).expect("remove the dossier index");
        }
    }
    assert!(line(&doctor(&data), "dossier search").starts_with("FAIL"));
    let out = Command::new(BIN)
        .arg("--data")
        .arg(&data)
        .arg("reindex")
        .env("MOTCUA_LOG", "warn")
        .output()
        .expect("reindex");
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains(&format!(", {dossiers} dossiers in ")),
        "{printed}"
    );
    let report = doctor(&data);
    assert!(
        line(&report, "dossier search").starts_with("ok"),
        "{report}"
    );
}
