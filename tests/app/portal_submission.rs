//! The e-form step of an online submission without JavaScript: the draft prefilled from the profile and from the
//! citizen's earlier dossier, the repeating group's rows, the conditional fields of the DEMO-HT-07 form, and every
//! error shown at once with the answers kept.

#![allow(clippy::expect_used)]

use motcua::web::ui::messages::field_message;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, location};
use crate::portal_support::{
    HUNG, MAI, attrs, citizen_client, draft_answers, form_pairs, hung_answers, post_eform,
    post_next, spawn_portal, start_draft, texts, with,
};

const PREFILLED: &str = "Đã điền sẵn từ hồ sơ của bạn – vui lòng kiểm tra";

fn value_of(html: &str, name: &str) -> String {
    attrs(html, &format!(r#"input[name="{name}"]"#), "value")
        .pop()
        .unwrap_or_else(|| panic!("an input {name}"))
}

fn selected(html: &str, name: &str) -> String {
    attrs(
        html,
        &format!(r#"select[name="{name}"] option[selected]"#),
        "value",
    )
    .pop()
    .unwrap_or_default()
}

fn error_of(html: &str, id: &str) -> Option<String> {
    texts(html, &format!("#{id}-error")).pop()
}

async fn form_step(app: &TestApp, client: &reqwest::Client, draft: &str) -> String {
    app.page(client, &format!("/ho-so-nhap/{draft}?buoc=to-khai"))
        .await
}

#[tokio::test]
async fn a_new_draft_is_prefilled_from_the_profile_and_each_prefilled_answer_is_marked_for_checking()
 {
    let app = spawn_portal().await;
    let hung = citizen_client(&app, HUNG).await;
    let draft = start_draft(&app, &hung, "DEMO-HT-05").await;
    let html = form_step(&app, &hung, &draft).await;
    assert_eq!(value_of(&html, "f.nguoi_yeu_cau_ho_ten"), "Trần Văn Hùng");
    assert_eq!(value_of(&html, "f.nguoi_yeu_cau_so_dinh_danh"), HUNG);
    assert_eq!(value_of(&html, "f.dien_thoai"), "0912000102");
    assert_eq!(value_of(&html, "f.email"), "hung.tran@example.vn");
    assert_eq!(selected(&html, "f.nguoi_yeu_cau_noi_cu_tru.province"), "24");
    assert_eq!(
        selected(&html, "f.nguoi_yeu_cau_noi_cu_tru.commune"),
        "09319"
    );
    assert_eq!(
        value_of(&html, "f.nguoi_yeu_cau_noi_cu_tru.detail"),
        "Thôn Đông"
    );
    assert!(html.contains("Một số thông tin đã được điền sẵn"), "{html}");
    for key in [
        "nguoi_yeu_cau_ho_ten",
        "nguoi_yeu_cau_so_dinh_danh",
        "nguoi_yeu_cau_noi_cu_tru",
        "dien_thoai",
        "email",
    ] {
        assert_eq!(
            texts(&html, &format!("#ef-{key}-prefilled")),
            [PREFILLED],
            "{key} is marked"
        );
    }
    for key in ["quan_he", "noi_dang_ky", "so_ban"] {
        assert!(
            texts(&html, &format!("#ef-{key}-prefilled")).is_empty(),
            "{key} was not prefilled"
        );
    }
    let stored = draft_answers(&app, &draft).await;
    assert_eq!(stored["nguoi_yeu_cau_ho_ten"], "Trần Văn Hùng");
    assert_eq!(stored["nguoi_yeu_cau_noi_cu_tru"]["commune"], "09319");

    // An answer the citizen changes is no longer marked as the office's.
    let mut answers = stored.clone();
    answers["dien_thoai"] = json!("0987654321");
    let response = post_eform(
        &app,
        &hung,
        &draft,
        &with(form_pairs(&answers), &[("save_draft", "1")]),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let html = form_step(&app, &hung, &draft).await;
    assert_eq!(value_of(&html, "f.dien_thoai"), "0987654321");
    assert!(texts(&html, "#ef-dien_thoai-prefilled").is_empty());
    assert_eq!(
        texts(&html, "#ef-nguoi_yeu_cau_ho_ten-prefilled"),
        [PREFILLED]
    );
}

#[tokio::test]
async fn a_second_submission_of_the_same_procedure_offers_the_answers_of_the_earlier_dossier() {
    let app = spawn_portal().await;
    let hung = citizen_client(&app, HUNG).await;
    let draft = start_draft(&app, &hung, "DEMO-HT-07").await;
    let html = form_step(&app, &hung, &draft).await;
    assert_eq!(value_of(&html, "f.dan_toc"), "Kinh");
    assert_eq!(value_of(&html, "f.quoc_tich"), "Việt Nam");
    assert_eq!(
        value_of(&html, "f.qua_trinh_cu_tru.0.tu_ngay"),
        "2008-09-01"
    );
    assert_eq!(
        attrs(&html, r#"input[name="f.gioi_tinh"][checked]"#, "value"),
        ["Nam"]
    );
    for key in ["dan_toc", "quoc_tich", "gioi_tinh", "nguoi_yeu_cau_ho_ten"] {
        assert_eq!(
            texts(&html, &format!("#ef-{key}-prefilled")),
            [PREFILLED],
            "{key} is marked"
        );
    }
    assert_eq!(draft_answers(&app, &draft).await["dan_toc"], "Kinh");

    // Each citizen is offered their own earlier answers, never another's.
    let mai = citizen_client(&app, MAI).await;
    let hers = start_draft(&app, &mai, "DEMO-HT-07").await;
    let html = form_step(&app, &mai, &hers).await;
    assert_eq!(
        attrs(&html, r#"input[name="f.gioi_tinh"][checked]"#, "value"),
        ["Nữ"]
    );
    assert_eq!(value_of(&html, "f.nguoi_yeu_cau_ho_ten"), "Nguyễn Thị Mai");
}

#[tokio::test]
async fn rows_of_the_residence_group_are_added_and_removed_without_javascript() {
    let app = spawn_portal().await;
    let hung = citizen_client(&app, HUNG).await;
    let draft = start_draft(&app, &hung, "DEMO-HT-07").await;
    let answers = draft_answers(&app, &draft).await;
    assert_eq!(
        answers["qua_trinh_cu_tru"].as_array().map(Vec::len),
        Some(1)
    );

    let response = post_eform(
        &app,
        &hung,
        &draft,
        &with(form_pairs(&answers), &[("add_row", "qua_trinh_cu_tru")]),
    )
    .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the form is shown again, not sent on"
    );
    let html = response.text().await.expect("body");
    assert_eq!(
        texts(&html, ".eform-group .eform-row > legend"),
        ["Dòng 1", "Dòng 2"]
    );
    assert_eq!(
        value_of(&html, "f.qua_trinh_cu_tru.0.tu_ngay"),
        "2008-09-01"
    );
    assert_eq!(value_of(&html, "f.qua_trinh_cu_tru.1.tu_ngay"), "");
    assert!(
        texts(&html, ".has-error").is_empty(),
        "no errors for a row command"
    );
    assert_eq!(
        draft_answers(&app, &draft).await["qua_trinh_cu_tru"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    // Fill the new row, then remove the first: the second moves up with its answers.
    let mut answers = draft_answers(&app, &draft).await;
    answers["qua_trinh_cu_tru"][1] = json!({
        "noi_cu_tru": {"province": "24", "commune": "09319", "detail": "Thôn Tây"},
        "tu_ngay": "2016-07-01", "den_ngay": "2020-12-31"
    });
    let response = post_eform(
        &app,
        &hung,
        &draft,
        &with(
            form_pairs(&answers),
            &[("remove_row", "qua_trinh_cu_tru.0")],
        ),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.expect("body");
    assert_eq!(texts(&html, ".eform-group .eform-row > legend"), ["Dòng 1"]);
    assert_eq!(
        value_of(&html, "f.qua_trinh_cu_tru.0.tu_ngay"),
        "2016-07-01"
    );
    assert_eq!(
        value_of(&html, "f.qua_trinh_cu_tru.0.noi_cu_tru.detail"),
        "Thôn Tây"
    );
    let rows = draft_answers(&app, &draft).await["qua_trinh_cu_tru"].clone();
    assert_eq!(rows.as_array().map(Vec::len), Some(1));
    assert_eq!(rows[0]["tu_ngay"], "2016-07-01");
}

#[tokio::test]
async fn a_conditional_field_is_required_only_when_shown_and_dropped_from_the_answers_when_hidden()
{
    let app = spawn_portal().await;
    let hung = citizen_client(&app, HUNG).await;
    let draft = start_draft(&app, &hung, "DEMO-HT-07").await;
    let marriage_fields = [
        "ket_hon_voi_ho_ten",
        "ket_hon_voi_ngay_sinh",
        "ket_hon_voi_quoc_tich",
        "ket_hon_voi_giay_to",
        "noi_dang_ky_ket_hon",
    ];

    // "Mục đích khác" without saying which: only that field is missing.
    let mut answers = hung_answers();
    answers
        .as_object_mut()
        .expect("object")
        .remove("muc_dich_khac");
    answers["ket_hon_voi_ho_ten"] = json!("Nguyễn Thị Bích");
    let response = post_next(&app, &hung, &draft, &answers).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("body");
    assert_eq!(
        error_of(&html, "ef-muc_dich_khac").as_deref(),
        Some(field_message("eform.required"))
    );
    for key in marriage_fields {
        assert_eq!(
            error_of(&html, &format!("ef-{key}")),
            None,
            "{key} is hidden, so not required"
        );
    }
    assert_eq!(texts(&html, ".alert.error li").len(), 1, "{html}");

    // "Để đăng ký kết hôn": the five marriage fields are required, the other purpose is not.
    answers["muc_dich"] = json!("Để đăng ký kết hôn");
    answers
        .as_object_mut()
        .expect("object")
        .remove("ket_hon_voi_ho_ten");
    let response = post_next(&app, &hung, &draft, &answers).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("body");
    for key in marriage_fields {
        assert_eq!(
            error_of(&html, &format!("ef-{key}")).as_deref(),
            Some(field_message("eform.required")),
            "{key}"
        );
    }
    assert_eq!(error_of(&html, "ef-muc_dich_khac"), None);

    // Back to "Mục đích khác", with the purpose and a stale marriage answer: accepted, the stale one dropped.
    answers["muc_dich"] = json!("Mục đích khác");
    answers["muc_dich_khac"] = json!("Bổ sung hồ sơ xin việc");
    answers["ket_hon_voi_ho_ten"] = json!("Nguyễn Thị Bích");
    let response = post_next(&app, &hung, &draft, &answers).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        format!("/ho-so-nhap/{draft}?buoc=giay-to")
    );
    let stored = draft_answers(&app, &draft).await;
    assert_eq!(stored["muc_dich_khac"], "Bổ sung hồ sơ xin việc");
    assert!(stored.get("ket_hon_voi_ho_ten").is_none(), "{stored}");
}

#[tokio::test]
async fn every_mistake_in_the_form_is_shown_at_once_beside_its_input_and_the_answers_typed_are_kept()
 {
    let app = spawn_portal().await;
    let hung = citizen_client(&app, HUNG).await;
    let draft = start_draft(&app, &hung, "DEMO-HT-07").await;
    let mut answers = hung_answers();
    let obj = answers.as_object_mut().expect("object");
    obj.remove("gioi_tinh");
    obj.remove("dan_toc");
    obj.insert("dien_thoai".into(), json!("12"));
    obj.insert("email".into(), json!("khong-phai-thu"));
    obj.insert("so_ban".into(), json!("ba bản"));
    obj.insert("nguoi_yeu_cau_ngay_sinh".into(), json!("31/02/1985"));
    obj.insert(
        "qua_trinh_cu_tru".into(),
        json!([{"noi_cu_tru": {"province": "24", "detail": "Thôn Bắc"}, "tu_ngay": "ngày xưa", "den_ngay": "2016-06-30"}]),
    );
    let response = post_next(&app, &hung, &draft, &answers).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("body");
    let expected = [
        ("ef-gioi_tinh", "eform.required"),
        ("ef-dan_toc", "eform.required"),
        ("ef-dien_thoai", "eform.phone"),
        ("ef-email", "eform.email"),
        ("ef-so_ban", "eform.number"),
        ("ef-nguoi_yeu_cau_ngay_sinh", "eform.date"),
        ("ef-qua_trinh_cu_tru-0-tu_ngay", "eform.date"),
        ("ef-qua_trinh_cu_tru-0-noi_cu_tru-commune", "eform.commune"),
    ];
    for (id, code) in expected {
        assert_eq!(
            error_of(&html, id).as_deref(),
            Some(field_message(code)),
            "{id}"
        );
    }
    assert_eq!(
        texts(&html, ".alert.error li").len(),
        expected.len(),
        "and nothing else"
    );
    assert_eq!(value_of(&html, "f.dien_thoai"), "12");
    assert_eq!(value_of(&html, "f.email"), "khong-phai-thu");
    assert_eq!(value_of(&html, "f.so_ban"), "ba bản");
    assert_eq!(value_of(&html, "f.qua_trinh_cu_tru.0.tu_ngay"), "ngày xưa");
    assert_eq!(
        value_of(&html, "f.qua_trinh_cu_tru.0.noi_cu_tru.detail"),
        "Thôn Bắc"
    );
    assert!(
        html.contains("Bổ sung hồ sơ xin việc"),
        "the textarea keeps its text"
    );
    let stored = draft_answers(&app, &draft).await;
    assert_eq!(stored["dien_thoai"], "12", "the draft keeps what was typed");
}
