//! The browser pass: starts the demo office with the built binary and drives headless Chromium through every page
//! with `tests/e2e/pages.mjs` (playwright-core), auditing each page with axe-core. `scripts/test` installs Chromium
//! and the npm packages first.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

const PASSWORD: &str = "Mật khẩu thử nghiệm 2026";

#[test]
fn a_person_can_use_every_page_in_chromium_without_serious_accessibility_problems() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(
        root.join("tests/e2e/node_modules/playwright-core").exists(),
        "tests/e2e/node_modules is missing: run scripts/test, which installs Chromium and the npm packages"
    );
    let dir = tempfile::tempdir().expect("tmp");
    let mut server = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .arg("--data")
        .arg(dir.path().join("data"))
        .args(["demo", "--listen", "127.0.0.1:0"])
        .env("MOTCUA_DEMO_PASSWORD", PASSWORD)
        .env("MOTCUA_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn demo");
    let url = BufReader::new(server.stdout.take().expect("stdout"))
        .lines()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("listening on ").map(str::to_owned))
        .expect("demo printed its address");
    let screenshots = std::env::var("E2E_SCREENSHOTS").unwrap_or_default();
    let run = Command::new("node")
        .arg(root.join("tests/e2e/pages.mjs"))
        .env("BASE_URL", &url)
        .env("ADMIN_USER", "quantri")
        .env("OFFICER_USER", "motcua.canbo1")
        .env("PASSWORD", PASSWORD)
        .env("SCREENSHOT_DIR", screenshots)
        .output()
        .expect("run node");
    let _ = server.kill();
    let _ = server.wait();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    println!("{report}");
    assert!(run.status.success(), "the browser pass failed:\n{report}");
}
