//! The catalogue commands run as the built binary: `export procedures`, `import procedures` (all or nothing,
//! idempotent) and `reindex` (offline, or handed to the running server).

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::{BIN, Server};

fn motcua(data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--data")
        .arg(data)
        .args(args)
        .env("MOTCUA_LOG", "warn")
        .output()
        .expect("run motcua")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The demo office's catalogue exported to `dir/pack.json` (the demo is started once to create it).
fn demo_pack(dir: &Path) -> std::path::PathBuf {
    let data = dir.join("demo");
    drop(Server::start(
        &data,
        "demo",
        &["--http"],
        &[("MOTCUA_DEMO_PASSWORD", "Mật khẩu thử nghiệm 2026")],
    ));
    let pack = dir.join("pack.json");
    let out = motcua(
        &data,
        &["export", "procedures", pack.to_str().expect("utf-8")],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("exported 46 procedures"),
        "{}",
        text(&out)
    );
    pack
}

fn fresh_office(dir: &Path, name: &str) -> std::path::PathBuf {
    let data = dir.join(name);
    let out = motcua(&data, &["init"]);
    assert!(out.status.success(), "{}", text(&out));
    data
}

#[test]
fn a_pack_moves_a_catalogue_between_offices_and_a_second_import_changes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let pack = demo_pack(dir.path());
    let office = fresh_office(dir.path(), "office");
    let first = motcua(
        &office,
        &["import", "procedures", pack.to_str().expect("utf-8")],
    );
    assert!(first.status.success(), "{}", text(&first));
    assert!(
        text(&first).contains("46 procedures created, 0 updated, 0 unchanged"),
        "{}",
        text(&first)
    );
    let second = motcua(
        &office,
        &["import", "procedures", pack.to_str().expect("utf-8")],
    );
    assert!(
        text(&second)
            .contains("0 procedures created, 0 updated, 46 unchanged; 0 catalogue entries changed"),
        "{}",
        text(&second)
    );
    let again = dir.path().join("again.json");
    assert!(
        motcua(
            &office,
            &["export", "procedures", again.to_str().expect("utf-8")]
        )
        .status
        .success()
    );
    assert!(
        text(&first).contains("cảnh báo:") && text(&first).contains("không có ở cơ quan này"),
        "steps naming units this office lacks are reported: {}",
        text(&first)
    );
    let mut a: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&pack).expect("read")).expect("json");
    let b: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&again).expect("read")).expect("json");
    // The new office has none of the demo's units, so its workflow steps keep their roles without units.
    for p in a["procedures"].as_array_mut().expect("procedures") {
        for step in p["workflow"].as_array_mut().expect("workflow") {
            step.as_object_mut().expect("step").remove("unit");
        }
    }
    assert_eq!(
        a["procedures"], b["procedures"],
        "the catalogue survives the move unchanged"
    );
}

#[test]
fn a_broken_pack_is_refused_with_its_line_and_nothing_is_imported() {
    let dir = tempfile::tempdir().expect("tmp");
    let pack = demo_pack(dir.path());
    let original = std::fs::read_to_string(&pack).expect("read");
    let target = original
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("\"copies\": "))
        .nth(40)
        .map(|(i, _)| i)
        .expect("a copies line");
    let broken: Vec<String> = original
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == target {
                l.replace(|c: char| c.is_ascii_digit(), "")
                    .replace(": ", ": 77")
            } else {
                l.to_owned()
            }
        })
        .collect();
    let broken_path = dir.path().join("broken.json");
    std::fs::write(&broken_path, broken.join("\n")).expect("write");
    let office = fresh_office(dir.path(), "office");
    let out = motcua(
        &office,
        &["import", "procedures", broken_path.to_str().expect("utf-8")],
    );
    assert!(!out.status.success());
    let said = text(&out);
    assert!(
        said.contains(&format!("dòng {}:", target + 1)),
        "names the line {}: {said}",
        target + 1
    );
    assert!(
        said.contains("nothing imported") && said.contains("nằm ngoài khoảng cho phép"),
        "{said}"
    );
    let empty = dir.path().join("empty.json");
    let export = motcua(
        &office,
        &["export", "procedures", empty.to_str().expect("utf-8")],
    );
    assert!(
        text(&export).contains("exported 0 procedures"),
        "{}",
        text(&export)
    );
}

async fn search_total(client: &reqwest::Client, url: &str, q: &str) -> i64 {
    let body: serde_json::Value = client
        .get(format!("{url}/api/v1/procedures"))
        .query(&[("q", q)])
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("json");
    body["total"].as_i64().unwrap_or(-1)
}

#[tokio::test]
async fn reindex_rebuilds_offline_and_hands_the_work_to_a_running_server() {
    let dir = tempfile::tempdir().expect("tmp");
    let pack = demo_pack(dir.path());
    let office = fresh_office(dir.path(), "office");
    assert!(
        motcua(
            &office,
            &["import", "procedures", pack.to_str().expect("utf-8")]
        )
        .status
        .success()
    );
    let offline = motcua(&office, &["reindex"]);
    assert!(
        text(&offline).contains("search indexes rebuilt: 46 procedures, 0 dossiers"),
        "{}",
        text(&offline)
    );
    // The index survives deletion: the server notices and rebuilds it while serving.
    std::fs::remove_dir_all(office.join("search")).expect("remove index");
    let server = Server::start(&office, "serve", &["--http"], &[]);
    let client = reqwest::Client::new();
    let started = Instant::now();
    while search_total(&client, &server.url, "khai sinh").await < 1 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the index was not rebuilt at start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let online = motcua(&office, &["reindex"]);
    assert!(online.status.success(), "{}", text(&online));
    assert!(
        text(&online).contains("a server is running"),
        "{}",
        text(&online)
    );
    let started = Instant::now();
    loop {
        let backlog = rusqlite::Connection::open(office.join("motcua.db"))
            .and_then(|c| c.query_row("SELECT count(*) FROM outbox", [], |r| r.get::<_, i64>(0)))
            .expect("outbox");
        if backlog == 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the server did not take the rebuild request"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(search_total(&client, &server.url, "khai sinh").await >= 1);
}
