//! The browser pass: starts the demo office with the built binary and drives headless Chromium through every page
//! with `tests/e2e/pages.mjs` (playwright-core), auditing each page with axe-core. `scripts/test` installs Chromium
//! and the npm packages first.

mod common;

use std::path::Path;
use std::process::Command;

use common::Server;

const PASSWORD: &str = "Mật khẩu thử nghiệm 2026";

#[test]
fn a_person_can_use_every_page_in_chromium_without_serious_accessibility_problems() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(
        root.join("tests/e2e/node_modules/playwright-core").exists(),
        "tests/e2e/node_modules is missing: run scripts/test, which installs Chromium and the npm packages"
    );
    let dir = tempfile::tempdir().expect("tmp");
    let server = Server::start(
        &dir.path().join("data"),
        "demo",
        &[],
        &[("MOTCUA_DEMO_PASSWORD", PASSWORD)],
    );
    // The online channel arrives through the API from an integration (the provincial portal's adapter).
    let token = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .args([
            "token",
            "create",
            "--name",
            "cong-dvc-e2e",
            "--scope",
            "intake",
            "--data",
        ])
        .arg(dir.path().join("data"))
        .output()
        .expect("token create");
    assert!(
        token.status.success(),
        "token create: {}",
        String::from_utf8_lossy(&token.stderr)
    );
    let intake_token = String::from_utf8_lossy(&token.stdout).trim().to_owned();
    let run = Command::new("node")
        .arg(root.join("tests/e2e/pages.mjs"))
        .env("BASE_URL", &server.url)
        .env("ADMIN_USER", "quantri")
        .env("OFFICER_USER", "motcua.canbo1")
        .env("PASSWORD", PASSWORD)
        .env("INTAKE_TOKEN", &intake_token)
        .env(
            "SCREENSHOT_DIR",
            std::env::var("E2E_SCREENSHOTS").unwrap_or_default(),
        )
        .output()
        .expect("run node");
    drop(server);
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    println!("{report}");
    assert!(run.status.success(), "the browser pass failed:\n{report}");
}
