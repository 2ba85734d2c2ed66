//! The processing report (issue 6): every figure over a known set of dossiers, each figure's list of dossiers, the
//! Decision 766 on-time rules, the scope of each role, the filters, and the XLSX and CSV downloads read back (the
//! XLSX also through LibreOffice) with the same numbers as the page.

#![allow(clippy::expect_used)]

mod fixture;

use std::collections::BTreeMap;
use std::io::Read;

use reqwest::StatusCode;

use crate::dossier_api::{get, token};
use crate::forms::{browser, texts};
use crate::helpers::TestApp;
use fixture::{Fixture, KINH_TE, build};

const FIGURES: [&str; 19] = [
    "received",
    "carried_over",
    "received_new",
    "received_online",
    "received_counter",
    "received_postal",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "in_progress",
    "in_progress_on_time",
    "in_progress_overdue",
    "supplement_requested",
    "refused",
    "withdrawn",
    "stopped",
    "electronic_result",
    "complained",
];

/// The rates the set gives: 3 of 5 resolved in time, 1 of 8 new online, 1 of 5 with an electronic result,
/// satisfaction 100 − 40 (2 late of 5) − 20 (1 complaint of 5).
const RATES: [(&str, f64); 4] = [
    ("on_time_rate", 60.0),
    ("online_share", 12.5),
    ("electronic_result_share", 20.0),
    ("satisfaction", 40.0),
];

/// The figures of the page: `td[data-figure]` and `td[data-rate]`, by key.
fn page_numbers(html: &str) -> BTreeMap<String, String> {
    let doc = scraper::Html::parse_document(html);
    let mut out = BTreeMap::new();
    for attr in ["data-figure", "data-rate"] {
        let sel = scraper::Selector::parse(&format!("td[{attr}]")).expect("selector");
        for td in doc.select(&sel) {
            let key = td.value().attr(attr).unwrap_or_default().to_owned();
            out.insert(key, td.text().collect::<String>().trim().to_owned());
        }
    }
    out
}

/// Every dossier listed behind a figure, following the pages.
async fn drilled(app: &TestApp, client: &reqwest::Client, first: &str) -> Vec<String> {
    let mut refs = Vec::new();
    let mut next = Some(first.to_owned());
    while let Some(path) = next.take() {
        let response = app.get(client, &path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let html = response.text().await.expect("body");
        let doc = scraper::Html::parse_document(&html);
        let rows = scraper::Selector::parse("tr[data-dossier]").expect("selector");
        refs.extend(
            doc.select(&rows)
                .filter_map(|r| r.value().attr("data-dossier").map(str::to_owned)),
        );
        let pager = scraper::Selector::parse("a[rel=next]").expect("selector");
        next = doc
            .select(&pager)
            .next()
            .and_then(|a| a.value().attr("href"))
            .map(|h| h.replace("&amp;", "&"));
    }
    refs.sort();
    refs
}

#[tokio::test]
async fn every_figure_counts_exactly_the_dossiers_built_for_it_and_its_list_shows_exactly_those_dossiers()
 {
    let app = TestApp::spawn_demo().await;
    let set = build(&app).await;
    let leader = token(&app, "lanhdao").await;
    let (s, body) = get(
        &app,
        &leader,
        &format!("/api/v1/reports/processing?{}", set.period()),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    for key in FIGURES {
        assert_eq!(
            body["figures"][key],
            set.expected(key, |_| true),
            "API {key}: {body}"
        );
    }
    assert_eq!(
        body["figures"].as_object().map(|o| o.len()),
        Some(FIGURES.len())
    );
    for (key, value) in RATES {
        assert_eq!(body["rates"][key].as_f64(), Some(value), "{key}");
    }
    // The Decision 766 rules through the set: early (A, L) and on the appointment day (B) are in time; after it
    // (C) or with two supplement requests though finished early (D) is late; a refusal (E) is not resolved.
    assert_eq!(set.members("resolved_late").len(), 2);
    assert!(
        !set.members("resolved")
            .iter()
            .any(|r| set.members("refused").contains(r))
    );

    let browser = browser(&app, "lanhdao").await;
    let html = app
        .page(&browser, &format!("/staff/bao-cao?{}", set.period()))
        .await;
    let numbers = page_numbers(&html);
    for key in FIGURES {
        assert_eq!(
            numbers.get(key),
            Some(&set.expected(key, |_| true).to_string()),
            "page {key}"
        );
        let listed = drilled(
            &app,
            &browser,
            &format!("/staff/bao-cao/ho-so?figure={key}&{}", set.period()),
        )
        .await;
        assert_eq!(listed, set.members(key), "the list behind {key}");
    }
    assert_eq!(
        numbers.get("on_time_rate").map(String::as_str),
        Some("60,0")
    );
    assert_eq!(
        numbers.get("satisfaction").map(String::as_str),
        Some("40,0")
    );
    assert!(html.contains(r#"href="/staff/bao-cao/ho-so?figure=resolved_late&amp;from="#));
    let named: Vec<&str> = set.cases.iter().map(|c| c.name).collect();
    assert_eq!(named.len(), 13, "{named:?}");
}

#[tokio::test]
async fn a_unit_head_sees_only_their_unit_and_a_specialist_or_an_integration_is_refused() {
    let app = TestApp::spawn_demo().await;
    let set = build(&app).await;
    let head = token(&app, "kinhte.truong").await;
    let path = format!("/api/v1/reports/processing?{}", set.period());
    let (s, body) = get(&app, &head, &path).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["filters"]["unit"], KINH_TE);
    for key in FIGURES {
        let expected = set.expected(key, |c| c.unit == Some(KINH_TE));
        assert_eq!(body["figures"][key], expected, "head {key}");
    }
    assert_eq!(body["figures"]["refused"], 0, "refused at receipt: no unit");
    let (s, _) = get(&app, &head, &format!("{path}&unit=H40.12.5")).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "another unit");

    // The leader's breakdown by unit holds the same line for that unit, and its lines add up to the total.
    let leader = token(&app, "lanhdao").await;
    let (_, grouped) = get(&app, &leader, &format!("{path}&group_by=unit")).await;
    let rows = grouped["breakdown"]["rows"].as_array().expect("rows");
    let line = rows
        .iter()
        .find(|r| r["code"] == KINH_TE)
        .expect("unit line");
    assert_eq!(line["figures"], body["figures"]);
    for key in FIGURES {
        let sum: i64 = rows
            .iter()
            .map(|r| r["figures"][key].as_i64().expect("n"))
            .sum();
        assert_eq!(sum, set.expected(key, |_| true), "breakdown {key}");
    }
    let (_, by_procedure) = get(&app, &leader, &format!("{path}&group_by=procedure")).await;
    let hkd = by_procedure["breakdown"]["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["code"] == "DEMO-HKD-01")
        .expect("procedure line");
    assert_eq!(hkd["figures"]["resolved"], 5);
    assert!(
        hkd["average_working_days"]
            .as_f64()
            .is_some_and(|d| d >= 0.0),
        "{hkd}"
    );

    let specialist = token(&app, "kinhte.chuyenvien").await;
    let (s, body) = get(&app, &specialist, &path).await;
    assert_eq!(
        (s, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    let portal = crate::dossier_api::intake_token(&app, "cong-thong-ke").await;
    let (s, _) = get(&app, &portal, &path).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let page = browser(&app, "kinhte.chuyenvien").await;
    for path in [
        "/staff/bao-cao",
        "/staff/bao-cao.xlsx",
        "/staff/bao-cao/ho-so?figure=received",
    ] {
        assert_eq!(
            app.get(&page, path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let head_page = browser(&app, "kinhte.truong").await;
    let html = app
        .page(&head_page, &format!("/staff/bao-cao?{}", set.period()))
        .await;
    let numbers = page_numbers(&html);
    assert_eq!(
        numbers.get("received"),
        Some(
            &set.expected("received", |c| c.unit == Some(KINH_TE))
                .to_string()
        )
    );
    assert!(
        html.contains(r#"href="/staff/bao-cao""#),
        "the navigation offers the report"
    );
}

#[tokio::test]
async fn filters_narrow_the_report_and_bad_dates_or_codes_are_422_with_every_field_code() {
    let app = TestApp::spawn_demo().await;
    let set = build(&app).await;
    let leader = token(&app, "lanhdao").await;
    let report = |query: String| {
        let (app, leader) = (&app, &leader);
        async move { get(app, leader, &format!("/api/v1/reports/processing?{query}")).await }
    };
    let (_, online) = report(format!("{}&channel=2", set.period())).await;
    assert_eq!(online["figures"]["received"], 1);
    assert_eq!(online["figures"]["resolved_on_time"], 1);
    assert_eq!(online["figures"]["received_counter"], 0);
    let (_, land) = report(format!("{}&sector=H40-DD", set.period())).await;
    assert_eq!(land["figures"]["in_progress_on_time"], 1);
    assert_eq!(land["figures"]["received"], 1);
    let (_, procedure) = report(format!(
        "{}&procedure=DEMO-DD-01&agency=H40.12",
        set.period()
    ))
    .await;
    assert_eq!(procedure["figures"], land["figures"]);
    let (_, none) = report(format!("{}&sector=H40-HT", set.period())).await;
    assert!(
        none["figures"]
            .as_object()
            .expect("figures")
            .values()
            .all(|v| v == 0)
    );
    assert!(none["rates"]["on_time_rate"].is_null());

    let (s, body) = report("from=2026-02-30&to=&channel=9&agency=x&sector=HT".into()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "validation.failed");
    for (field, code) in [
        ("from", "date.invalid"),
        ("to", "date.required"),
        ("channel", "channel.invalid"),
        ("agency", "agency_code.invalid"),
        ("sector", "sector_code.invalid"),
    ] {
        assert_eq!(body["errors"][field][0], code, "{field}: {body}");
    }
    let (s, body) = report("from=2026-03-02&to=2026-03-01".into()).await;
    assert_eq!(
        (s, body["errors"]["to"][0].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("report.period_reversed")
        )
    );
    let (s, body) = report(format!("{}&procedure=KHONG-CO&sector=A99-XX", set.period())).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"]["procedure"][0], "report.procedure_unknown");
    assert_eq!(body["errors"]["sector"][0], "report.sector_unknown");
    let (s, _) = report(format!("{}&group_by=month", set.period())).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    let page = browser(&app, "lanhdao").await;
    let response = app
        .get(&page, "/staff/bao-cao?from=2026-03-02&to=2026-03-01")
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("body");
    assert!(
        html.contains("Ngày kết thúc kỳ báo cáo phải từ ngày bắt đầu trở đi."),
        "{html}"
    );
    let html = app.page(&page, "/staff/bao-cao").await;
    assert!(
        html.contains("<label for=\"f-from\">Từ ngày</label>"),
        "labelled inputs"
    );
    assert!(
        !texts(&html, "table caption").is_empty(),
        "captioned tables"
    );
}

/// The XLSX's first sheet as rows of cell texts, read from its XML with the shared strings resolved.
fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut read = |name: &str| {
        let mut text = String::new();
        zip.by_name(name)
            .expect(name)
            .read_to_string(&mut text)
            .expect("xml");
        text
    };
    let shared_xml = read("xl/sharedStrings.xml");
    let sheet = read("xl/worksheets/sheet1.xml");
    let unescape = |s: &str| {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
    };
    let shared: Vec<String> = shared_xml
        .split("<si>")
        .skip(1)
        .map(|si| {
            let start = si
                .find("<t")
                .and_then(|i| si[i..].find('>').map(|j| i + j + 1))
                .expect("t");
            unescape(&si[start..si.find("</t>").expect("end")])
        })
        .collect();
    let mut rows = Vec::new();
    for row in sheet.split("<row ").skip(1) {
        let number: usize = row[row.find("r=\"").expect("row number") + 3..]
            .split('"')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("row number");
        rows.resize(number - 1, Vec::new());
        let mut cells = Vec::new();
        for cell in row.split("<c ").skip(1) {
            let reference = &cell[cell.find("r=\"").expect("r") + 3..];
            let column = reference
                .chars()
                .take_while(char::is_ascii_alphabetic)
                .collect::<String>();
            let index = column
                .bytes()
                .fold(0usize, |n, b| n * 26 + usize::from(b - b'A' + 1))
                - 1;
            let value = cell
                .find("<v>")
                .map(|i| &cell[i + 3..cell.find("</v>").expect("v end")])
                .unwrap_or_default();
            let text = if cell
                .split('>')
                .next()
                .unwrap_or_default()
                .contains("t=\"s\"")
            {
                shared[value.parse::<usize>().expect("index")].clone()
            } else {
                value.to_owned()
            };
            cells.resize(index, String::new());
            cells.push(text);
        }
        rows.push(cells);
    }
    rows
}

/// key → number of a summary table whose second column is the figure's key ("60,0" and "60" read alike; an
/// empty or dashed cell is `None`).
fn by_key(rows: impl IntoIterator<Item = Vec<String>>) -> BTreeMap<String, Option<f64>> {
    rows.into_iter()
        .filter(|r| {
            r.len() >= 3
                && FIGURES
                    .iter()
                    .chain(RATES.iter().map(|(k, _)| k))
                    .any(|k| *k == r[1])
        })
        .map(|r| (r[1].clone(), r[2].replace(',', ".").parse::<f64>().ok()))
        .collect()
}

fn same_numbers(label: &str, got: &BTreeMap<String, Option<f64>>, set: &Fixture) {
    for key in FIGURES {
        let expected = set.expected(key, |_| true) as f64;
        assert_eq!(
            got.get(key).copied().flatten(),
            Some(expected),
            "{label} {key}"
        );
    }
    for (key, expected) in RATES {
        assert_eq!(
            got.get(key).copied().flatten(),
            Some(expected),
            "{label} {key}"
        );
    }
}

/// Converts the XLSX to CSV with LibreOffice, as a spreadsheet user would open it.
fn libreoffice_csv(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("dir");
    let input = dir.path().join("bao-cao.xlsx");
    std::fs::write(&input, bytes).expect("write");
    let profile = format!(
        "-env:UserInstallation=file://{}/profile",
        dir.path().display()
    );
    let output = std::process::Command::new("soffice")
        .args([
            profile.as_str(),
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
        ])
        .arg(dir.path())
        .arg(&input)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "LibreOffice is needed to check the XLSX export ({e}): scripts/test installs it \
                 (apt-get install libreoffice-calc-nogui)"
            )
        });
    let csv = std::fs::read_to_string(dir.path().join("bao-cao.csv")).unwrap_or_else(|e| {
        panic!(
            "LibreOffice did not convert the XLSX ({e}); is the Calc component installed (libreoffice-calc-nogui)? \
             stdout: {} stderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    csv
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .map(|r| r.expect("record").iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn the_xlsx_and_csv_downloads_carry_the_numbers_of_the_page_and_libreoffice_reads_the_same() {
    let app = TestApp::spawn_demo().await;
    let set = build(&app).await;
    let page = browser(&app, "lanhdao").await;
    let html = app
        .page(
            &page,
            &format!("/staff/bao-cao?{}&theo=procedure", set.period()),
        )
        .await;
    let on_page = by_key(
        page_numbers(&html)
            .into_iter()
            .map(|(k, v)| vec![String::new(), k, v]),
    );
    same_numbers("page", &on_page, &set);
    assert!(
        html.contains("Theo thủ tục"),
        "the breakdown is on the page"
    );

    let response = app
        .get(
            &page,
            &format!("/staff/bao-cao.xlsx?{}&theo=procedure", set.period()),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .expect("header")
        .to_owned();
    assert!(disposition.contains(".xlsx"), "{disposition}");
    let bytes = response.bytes().await.expect("xlsx");
    let rows = xlsx_rows(&bytes);
    assert!(
        rows[0][0].starts_with("Tình hình tiếp nhận và giải quyết hồ sơ từ ngày"),
        "{:?}",
        rows[0]
    );
    assert_eq!(rows[2], ["Chỉ tiêu", "Mã chỉ tiêu", "Giá trị"]);
    let xlsx = by_key(rows);
    same_numbers("xlsx", &xlsx, &set);
    assert_eq!(xlsx, on_page, "the workbook and the page");

    let response = app
        .get(
            &page,
            &format!("/staff/bao-cao.csv?{}&theo=procedure", set.period()),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/csv")
    );
    let csv_text = response.text().await.expect("csv");
    let rows = csv_rows(&csv_text);
    assert!(
        rows.iter()
            .any(|r| r.get(1).is_some_and(|c| c == "Tổng cộng")),
        "the breakdown's total line"
    );
    let csv = by_key(rows);
    assert_eq!(csv, on_page, "the CSV and the page");

    let office = libreoffice_csv(&bytes);
    let office = by_key(csv_rows(&office));
    same_numbers("LibreOffice", &office, &set);
    assert_eq!(office, on_page, "LibreOffice and the page");

    let print = app
        .page(&page, &format!("/staff/bao-cao?{}&in=1", set.period()))
        .await;
    assert!(
        print.contains("/assets/css/print.css")
            && print.contains("BÁO CÁO TÌNH HÌNH TIẾP NHẬN VÀ GIẢI QUYẾT HỒ SƠ")
    );
    let printed = by_key(
        page_numbers(&print)
            .into_iter()
            .map(|(k, v)| vec![String::new(), k, v]),
    );
    assert_eq!(printed, on_page, "the print view and the page");
}
