//! The layering rules of docs/ARCHITECTURE.md, checked over the source text: a lower layer never names a higher one
//! and the web areas never import each other.

use std::path::Path;

/// Every `.rs` file below `src/<dir>`, with its text.
fn sources(dir: &str) -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push((
                    path.display().to_string(),
                    std::fs::read_to_string(&path).expect("read"),
                ));
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir),
        &mut out,
    );
    out
}

/// Lines of code (not comments) under `src/<dir>` that contain any of `needles`.
fn violations(dir: &str, needles: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for (path, text) in sources(dir) {
        for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
            if let Some(needle) = needles.iter().find(|n| line.contains(n.as_str())) {
                found.push(format!("{path} uses {needle}"));
            }
        }
    }
    found
}

/// `crate::module` for each module named.
fn crate_paths(modules: &[&str]) -> Vec<String> {
    modules.iter().map(|m| format!("crate::{m}")).collect()
}

#[test]
fn the_domain_imports_nothing_from_the_crate() {
    let all = [
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
    ];
    let v = violations("domain", &crate_paths(&all));
    assert!(v.is_empty(), "rule 1: {v:?}");
}

#[test]
fn search_and_text_extraction_use_only_the_domain() {
    let above = crate_paths(&[
        "store",
        "services",
        "web",
        "app",
        "cli",
        "jobs",
        "maintenance",
        "filestore",
    ]);
    for layer in ["search", "extract"] {
        let v = violations(layer, &above);
        assert!(v.is_empty(), "{layer}: {v:?}");
    }
}

#[test]
fn the_store_never_reaches_up_to_services_or_the_web() {
    let v = violations(
        "store",
        &crate_paths(&["services", "web", "app", "cli", "maintenance"]),
    );
    assert!(v.is_empty(), "rule 2: {v:?}");
}

#[test]
fn services_never_reach_up_to_the_web() {
    let v = violations(
        "services",
        &crate_paths(&["web", "app", "cli", "maintenance"]),
    );
    assert!(v.is_empty(), "rule 3: {v:?}");
}

#[test]
fn the_web_areas_do_not_import_each_other() {
    let areas = ["portal", "backoffice", "admin", "api"];
    for area in areas {
        let needles: Vec<String> = areas
            .iter()
            .filter(|other| **other != area)
            .flat_map(|other| {
                [
                    format!("web::{other}"),
                    format!("super::{other}::"),
                    format!("super::super::{other}"),
                ]
            })
            .collect();
        let v = violations(&format!("web/{area}"), &needles);
        assert!(v.is_empty(), "rule 5: {v:?}");
    }
}
