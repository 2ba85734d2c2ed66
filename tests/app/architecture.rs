//! The layering rules of docs/ARCHITECTURE.md, checked over the source text: a lower layer never names a higher one
//! and the web areas never import each other.

use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((
                path.display().to_string(),
                std::fs::read_to_string(&path).expect("read"),
            ));
        }
    }
}

fn violations(layer: &str, forbidden: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src")
            .join(layer),
        &mut files,
    );
    let mut found = Vec::new();
    for (path, text) in files {
        for name in forbidden {
            let needles = [format!("crate::{name}"), format!("super::super::{name}")];
            if text.lines().any(|l| {
                !l.trim_start().starts_with("//") && needles.iter().any(|n| l.contains(n.as_str()))
            }) {
                found.push(format!("{path} uses {name}"));
            }
        }
    }
    found
}

#[test]
fn the_domain_imports_nothing_from_the_crate() {
    let v = violations(
        "domain",
        &[
            "store",
            "services",
            "web",
            "app",
            "cli",
            "config",
            "crypto",
            "tls",
            "maintenance",
            "datadir",
        ],
    );
    assert!(v.is_empty(), "rule 1: {v:?}");
}

#[test]
fn the_store_never_reaches_up_to_services_or_the_web() {
    let v = violations("store", &["services", "web", "app", "cli", "maintenance"]);
    assert!(v.is_empty(), "rule 2: {v:?}");
}

#[test]
fn services_never_reach_up_to_the_web() {
    let v = violations("services", &["web", "app", "cli", "maintenance"]);
    assert!(v.is_empty(), "rule 3: {v:?}");
}

#[test]
fn the_web_areas_do_not_import_each_other() {
    let areas = ["portal", "backoffice", "admin", "api"];
    for area in areas {
        let others: Vec<String> = areas
            .iter()
            .filter(|a| **a != area)
            .map(|a| format!("web::{a}"))
            .collect();
        let others: Vec<&str> = others.iter().map(String::as_str).collect();
        let mut v = violations(&format!("web/{area}"), &others);
        v.retain(|_| true);
        let siblings: Vec<String> = areas
            .iter()
            .filter(|a| **a != area)
            .map(|a| format!("super::{a}"))
            .collect();
        let mut files = Vec::new();
        sources(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("src/web")
                .join(area),
            &mut files,
        );
        for (path, text) in files {
            for s in &siblings {
                if text.contains(&format!("{s}::")) {
                    v.push(format!("{path} uses {s}"));
                }
            }
        }
        assert!(v.is_empty(), "rule 5: {v:?}");
    }
}
