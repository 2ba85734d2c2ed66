//! The printed forms of Circular 01/2018 (and the 2025 set): each form from a real dossier history through the
//! back office's print views, and the QR code of the receipt decoded as a phone would. The register and the form
//! sets are in `form_sets.rs`.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::dossier_api::{act, counter_dossier, digitise_result, post, token};
use crate::helpers::{PASSWORD, TestApp};

/// A browser signed in as one of the demo accounts.
pub(crate) async fn browser(app: &TestApp, username: &str) -> reqwest::Client {
    let client = app.client();
    app.sign_in(&client, username, PASSWORD).await;
    assert_eq!(
        app.get(&client, "/staff").await.status(),
        StatusCode::OK,
        "{username} signed in"
    );
    client
}

/// A counter dossier received by the demo officer; returns the API's view of it.
pub(crate) async fn received(app: &TestApp, officer: &str, procedure: &str) -> Value {
    let (status, d) = post(app, officer, "/api/v1/dossiers", counter_dossier(procedure)).await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    d
}

pub(crate) fn code_of(d: &Value) -> String {
    d["code"].as_str().expect("code").to_owned()
}

/// A stored UTC time as the forms write it: "08 giờ 05 phút, ngày 29 tháng 11 năm 2026".
pub(crate) fn long(utc: &Value) -> String {
    let t = motcua::store::parse_time(utc.as_str().expect("time")).expect("stored time");
    motcua::domain::timefmt::long_form(motcua::domain::calendar::to_local(t))
}

pub(crate) async fn print(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
) -> (StatusCode, String) {
    let response = app.get(client, path).await;
    let status = response.status();
    (status, response.text().await.expect("body"))
}

pub(crate) fn texts(html: &str, selector: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).expect("selector");
    doc.select(&sel)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Reads the first inline QR code of a page: the SVG's path is a list of dark rectangles, drawn into a bitmap and
/// handed to a QR decoder.
pub(crate) fn decode_qr(html: &str) -> String {
    let start = html.find("<svg class=\"qr\"").expect("an inline QR code");
    let svg = &html[start..start + html[start..].find("</svg>").expect("svg end")];
    let attr = |name: &str| -> usize {
        let at = svg.find(&format!(" {name}=\"")).expect(name) + name.len() + 3;
        svg[at..]
            .split('"')
            .next()
            .and_then(|v| v.parse().ok())
            .expect("number")
    };
    let (w, h) = (attr("width"), attr("height"));
    let d_at = svg.find(" d=\"").expect("path") + 4;
    let d = svg[d_at..].split('"').next().expect("path data");
    let mut dark = vec![false; w * h];
    for rect in d.split('M').filter(|r| !r.is_empty()) {
        let n: Vec<usize> = rect
            .split(|c: char| c.is_ascii_alphabetic() || c == ' ')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().expect("integer"))
            .collect();
        let (left, top, width, height) = (n[0], n[1], n[2], n[3]);
        for y in top..top + height {
            for x in left..left + width {
                dark[y * w + x] = true;
            }
        }
    }
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(
            w,
            h,
            |x, y| if dark[y * w + x] { 0 } else { 255 },
        );
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().expect("decodes").1
}

#[tokio::test]
async fn the_receipt_of_a_counter_dossier_prints_every_field_of_form_01_twice_with_a_qr_code_that_opens_the_public_lookup()
 {
    let app = TestApp::spawn_demo().await;
    let officer = token(&app, "motcua.canbo1").await;
    let d = received(&app, &officer, "DEMO-HKD-01").await;
    let code = code_of(&d);
    let client = browser(&app, "motcua.canbo1").await;

    let (status, html) = print(
        &app,
        &client,
        &format!("/staff/dossiers/{code}/forms/receipt"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(
        html.matches("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
            .count(),
        2,
        "two copies"
    );
    assert_eq!(
        texts(&html, "h1.form-title"),
        ["GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"; 2]
    );
    assert_eq!(texts(&html, ".sheet").len(), 2);
    assert!(html.contains("(Liên: Lưu)") && html.contains("(Liên: Giao khách hàng)"));
    for header in [
        "ỦY BAN NHÂN DÂN HUYỆN TIÊN DU",
        "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Tiên Du, ngày ",
    ] {
        assert!(html.contains(header), "{header}");
    }
    assert!(html.contains(&format!("Mã hồ sơ: <strong class=\"code\">{code}</strong>")));
    for applicant in [
        "Tiếp nhận hồ sơ của: <strong>Nguyễn Văn An</strong>",
        "Thôn Đông, xã Phú Lâm",
        "0912345678",
        "an@example.vn",
    ] {
        assert!(html.contains(applicant), "{applicant}");
    }
    // The procedure's name, components and processing time come from its catalogue record (A.10).
    let procedure = app
        .db
        .read(|c| motcua::store::procedures::published(c, "DEMO-HKD-01"))
        .await
        .expect("read")
        .expect("published")
        .body;
    assert!(html.contains(&format!("Nội dung yêu cầu giải quyết: {}", procedure.name)));
    let items = texts(&html, "ul.items li");
    assert_eq!(items.len(), 2 * procedure.components.len());
    for (i, c) in procedure.components.iter().enumerate() {
        assert!(
            items[i].starts_with(&format!("{}) {}", i + 1, c.name)),
            "{:?}",
            items[i]
        );
    }
    assert!(html.contains("2. Số lượng hồ sơ: 01 (bộ)"));
    assert!(html.contains(&format!(
        "3. Thời gian giải quyết hồ sơ theo quy định là: {}",
        procedure.processing_time.label()
    )));
    assert!(html.contains(&format!(
        "4. Thời gian nhận hồ sơ: {}",
        long(&d["received_at"])
    )));
    assert!(html.contains(&format!(
        "5. Thời gian trả kết quả giải quyết hồ sơ: {}",
        long(&d["due_at"])
    )));
    assert!(html.contains("6. Đăng ký nhận kết quả tại: Tại Bộ phận Tiếp nhận và Trả kết quả"));
    assert!(html.contains("Vào Sổ theo dõi hồ sơ, Quyển số: 1 Số thứ tự 01"));
    assert_eq!(
        texts(&html, ".signatures .strong"),
        ["NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ"].repeat(2)
    );
    assert!(
        html.contains("Lê Thị Một"),
        "the receiving officer's name under the signature"
    );

    // The QR code encodes the public lookup of this dossier, also printed as a link.
    let lookup = app.at(&format!("/tra-cuu/{code}"));
    assert_eq!(decode_qr(&html), lookup);
    let public = app.get(&app.client(), &format!("/tra-cuu/{code}")).await;
    assert_eq!(
        public.status(),
        StatusCode::OK,
        "the scanned address opens the public lookup"
    );
    assert!(public.text().await.expect("body").contains(&code));
    let doc = scraper::Html::parse_document(&html);
    let link = doc
        .select(&scraper::Selector::parse("p.lookup a").expect("selector"))
        .next()
        .expect("lookup link");
    assert_eq!(link.value().attr("href"), Some(lookup.as_str()));
    assert_eq!(link.text().collect::<String>(), lookup);

    // A5 paper is declared in the print stylesheet, and nothing is styled inline (the CSP would block it).
    assert!(html.contains("class=\"print paper-a5\"") && html.contains("/assets/css/print.css"));
    assert!(!html.contains("style="));
    let css = app.page(&client, "/assets/css/print.css").await;
    assert!(
        css.contains("@page { size: A5 portrait;")
            && css.contains("@page register { size: A4 landscape;")
    );
    assert!(css.contains("body.paper-a4 .sheet { page: register; }"));
}

#[tokio::test]
async fn a_supplement_request_prints_form_02_with_every_item_and_the_reason_and_no_receipt_before_receipt()
 {
    let app = TestApp::spawn_demo().await;
    let officer = token(&app, "motcua.canbo1").await;
    let mut body = counter_dossier("DEMO-HKD-01");
    body["components"] = json!([1]);
    body["then"] = json!({
        "action": "request_supplement",
        "reason": "Hồ sơ thiếu giấy tờ chứng minh địa điểm kinh doanh",
        "items": ["Bản sao hợp đồng thuê địa điểm kinh doanh", "Bản sao Căn cước công dân của chủ hộ"]
    });
    let (status, d) = post(&app, &officer, "/api/v1/dossiers", body).await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    let id = d["id"].as_str().expect("id").to_owned();
    let client = browser(&app, "motcua.canbo1").await;

    let (status, html) = print(
        &app,
        &client,
        &format!("/staff/dossiers/{id}/forms/supplement"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(
        texts(&html, "h1.form-title"),
        ["PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"]
    );
    assert_eq!(
        texts(&html, "ul.items li"),
        [
            "1. Bản sao hợp đồng thuê địa điểm kinh doanh",
            "2. Bản sao Căn cước công dân của chủ hộ"
        ]
    );
    assert!(html.contains("Lý do: Hồ sơ thiếu giấy tờ chứng minh địa điểm kinh doanh"));
    assert!(html.contains("Hồ sơ của: <strong>Nguyễn Văn An</strong>"));
    assert_eq!(texts(&html, ".signatures .strong"), ["NGƯỜI HƯỚNG DẪN"]);
    assert!(html.contains("Lê Thị Một"));

    // Not received, so no code and no receipt yet: a 404 that says why.
    let (status, html) = print(
        &app,
        &client,
        &format!("/staff/dossiers/{id}/forms/receipt"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Hồ sơ chưa được tiếp nhận"), "{html}");
}

#[tokio::test]
async fn a_refusal_prints_form_03_with_its_reason_and_a_form_that_does_not_apply_is_a_404_that_says_why()
 {
    let app = TestApp::spawn_demo().await;
    let officer = token(&app, "motcua.canbo1").await;
    let mut body = counter_dossier("DEMO-HKD-01");
    body["then"] =
        json!({"action": "refuse", "reason": "Ngành nghề đăng ký thuộc danh mục cấm kinh doanh"});
    let (status, d) = post(&app, &officer, "/api/v1/dossiers", body).await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    let id = d["id"].as_str().expect("id").to_owned();
    let client = browser(&app, "motcua.canbo1").await;

    let (status, html) = print(
        &app,
        &client,
        &format!("/staff/dossiers/{id}/forms/refusal"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(
        texts(&html, "h1.form-title"),
        ["PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"]
    );
    assert_eq!(
        texts(&html, "p.reason"),
        ["Ngành nghề đăng ký thuộc danh mục cấm kinh doanh"]
    );
    assert!(html.contains("không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau"));
    assert_eq!(
        texts(&html, ".signatures .strong"),
        ["NGƯỜI TIẾP NHẬN HỒ SƠ"]
    );

    let other = received(&app, &officer, "DEMO-HKD-01").await;
    let (status, html) = print(
        &app,
        &client,
        &format!("/staff/dossiers/{}/forms/refusal", code_of(&other)),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("không bị từ chối"), "{html}");
    let (status, _) = print(
        &app,
        &client,
        &format!("/staff/dossiers/{}/forms/apology", code_of(&other)),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = print(
        &app,
        &client,
        "/staff/dossiers/H40.12-991231-9999/forms/receipt",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_extension_prints_form_04_with_the_received_date_the_reason_the_old_and_the_new_appointment()
 {
    let app = TestApp::spawn_demo().await;
    let officer = token(&app, "motcua.canbo1").await;
    let d = received(&app, &officer, "DEMO-HKD-01").await;
    let code = code_of(&d);
    let due = motcua::domain::calendar::to_local(
        motcua::store::parse_time(d["due_at"].as_str().expect("due")).expect("time"),
    );
    let new_day = due.date() + time::Duration::days(10);
    let (s, e) = act(
        &app,
        &officer,
        &code,
        json!({
            "action": "extend",
            "reason": "Cần xác minh thực địa địa điểm kinh doanh",
            "new_due_at": new_day.to_string(),
        }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    let client = browser(&app, "motcua.canbo1").await;

    let (status, html) = print(
        &app,
        &client,
        &format!("/staff/dossiers/{code}/forms/apology"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(
        texts(&html, "h1.form-title"),
        ["PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"]
    );
    assert!(html.contains("Kính gửi: Nguyễn Văn An"));
    let received_day = motcua::domain::timefmt::date_line(
        motcua::domain::calendar::to_local(
            motcua::store::parse_time(d["received_at"].as_str().expect("at")).expect("t"),
        )
        .date(),
    );
    assert!(html.contains(&format!(
        "Vào {received_day}, Ủy ban nhân dân huyện Tiên Du tiếp nhận"
    )));
    assert!(html.contains(&format!(
        "Thời hẹn trả kết quả giải quyết hồ sơ: {}",
        long(&d["due_at"])
    )));
    assert!(html.contains("Lý do: Cần xác minh thực địa địa điểm kinh doanh"));
    assert!(
        html.contains(&format!("vào {}.", long(&e["due_at"]))),
        "the new appointment in the long form"
    );
    assert!(html.contains(&motcua::domain::timefmt::date_line(new_day)));
    assert_eq!(texts(&html, ".signatures .strong"), ["THỦ TRƯỞNG CƠ QUAN"]);
}

#[tokio::test]
async fn the_control_slip_lists_every_hand_over_with_giver_receiver_time_and_an_outcome() {
    let app = TestApp::spawn_demo().await;
    let officer = token(&app, "motcua.canbo1").await;
    let head = token(&app, "kinhte.truong").await;
    let specialist = token(&app, "kinhte.chuyenvien").await;
    let specialist_id = app
        .scalar("SELECT id FROM staff WHERE username = 'kinhte.chuyenvien'")
        .await;
    let code = code_of(&received(&app, &officer, "DEMO-HKD-01").await);
    for (who, body) in [
        (
            &officer,
            json!({"action": "transfer", "to_unit": "H40.12.4"}),
        ),
        (&head, json!({"action": "assign", "to_user": specialist_id})),
        (&specialist, json!({"action": "approve"})),
        (&head, json!({"action": "approve"})),
        (&specialist, json!({"action": "complete"})),
        (
            &officer,
            json!({"action": "notify_applicant", "method": "Gọi điện thoại"}),
        ),
    ] {
        let (s, d) = act(&app, who, &code, body.clone()).await;
        assert_eq!(s, StatusCode::OK, "{body} {d}");
    }
    digitise_result(&app, &officer, &code).await;
    let (s, d) = act(&app, &officer, &code, json!({"action": "return_result"})).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let client = browser(&app, "motcua.canbo1").await;
    let (status, html) = print(
        &app,
        &client,
        &format!("/staff/dossiers/{code}/forms/control"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(
        texts(&html, "h1.form-title"),
        ["PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"]
    );
    assert!(html.contains(&code));
    assert!(html.contains("Cơ quan (bộ phận) giải quyết hồ sơ: Phòng Kinh tế và Hạ tầng"));

    let rows = texts(&html, "table.control tbody tr");
    let (_, d) = crate::dossier_api::get(&app, &officer, &format!("/api/v1/dossiers/{code}")).await;
    let handovers: Vec<&Value> = d["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| {
            ["transfer", "assign", "approve", "complete", "return_result"]
                .contains(&e["action"].as_str().unwrap_or_default())
        })
        .collect();
    assert_eq!(rows.len(), 6, "{rows:#?}");
    assert_eq!(handovers.len(), rows.len());
    for (row, event) in rows.iter().zip(&handovers) {
        assert!(row.contains(&long(&event["at"])), "{row}");
        assert!(
            row.contains("Người giao") && row.contains("Người nhận"),
            "{row}"
        );
    }
    let outcomes = texts(&html, "table.control td.outcome");
    assert_eq!(outcomes.len(), 6);
    assert!(
        outcomes
            .iter()
            .all(|o| ["Trước hạn", "Đúng hạn", "Quá hạn"].contains(&o.as_str())),
        "{outcomes:?}"
    );
    let expect = [
        (
            "1. Giao: Bộ phận Tiếp nhận và Trả kết quả 2. Nhận: Phòng Kinh tế và Hạ tầng",
            "Lê Thị Một",
            "Ngô Thị Kinh",
        ),
        (
            "1. Giao: Phòng Kinh tế và Hạ tầng 2. Nhận: Phòng Kinh tế và Hạ tầng",
            "Ngô Thị Kinh",
            "Dương Văn Tế",
        ),
        (
            "2. Nhận: Phòng Kinh tế và Hạ tầng",
            "Dương Văn Tế",
            "Ngô Thị Kinh",
        ),
        (
            "2. Nhận: Phòng Kinh tế và Hạ tầng",
            "Ngô Thị Kinh",
            "Dương Văn Tế",
        ),
        (
            "2. Nhận: Bộ phận Tiếp nhận và Trả kết quả",
            "Dương Văn Tế",
            "Lê Thị Một",
        ),
        (
            "2. Nhận: Tổ chức, cá nhân nộp hồ sơ",
            "Lê Thị Một",
            "Nguyễn Văn An",
        ),
    ];
    for (row, (units, giver, receiver)) in rows.iter().zip(expect) {
        assert!(row.contains(units), "{row}");
        assert!(
            row.contains(&format!("Người giao {giver} Người nhận {receiver}")),
            "{row}"
        );
    }
}
