//! Unit tests of the e-form engine: definitions, collecting a posted form, row commands, validation and prefill.

// A test should stop at the first surprise; the crate-wide `expect_used` denial is for code outside tests.
#![allow(clippy::expect_used)]

use serde_json::{Value, json};

use super::*;
use crate::domain::FieldErrors;

fn field(key: &str, kind: FieldType) -> FormField {
    FormField {
        key: key.into(),
        label: "Nhãn".into(),
        kind,
        required: false,
        help: String::new(),
        options: vec![],
        show_if: None,
        prefill: None,
        fields: vec![],
        min: None,
        max: None,
    }
}

fn required(key: &str, kind: FieldType) -> FormField {
    FormField {
        required: true,
        ..field(key, kind)
    }
}

fn choice(key: &str, options: &[&str]) -> FormField {
    FormField {
        options: options.iter().map(|o| (*o).to_owned()).collect(),
        ..required(key, FieldType::Choice)
    }
}

fn shown_if(mut f: FormField, control: &str, equals: &str) -> FormField {
    f.show_if = Some(ShowIf {
        field: control.into(),
        equals: equals.into(),
    });
    f
}

/// Witnesses (người làm chứng): two to four rows of name, ID and address, as in the demo procedure DEMO-HT-04.
fn witnesses() -> FormField {
    FormField {
        fields: vec![
            required("ho_ten", FieldType::Text),
            required("so_dinh_danh", FieldType::IdNumber),
            required("noi_cu_tru", FieldType::Address),
        ],
        min: Some(2),
        max: Some(4),
        ..field("nguoi_lam_chung", FieldType::Group)
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn codes(e: &FieldErrors, path: &str) -> Vec<String> {
    e.0.get(path).cloned().unwrap_or_default()
}

#[test]
fn a_choice_needs_two_options_and_a_group_may_not_nest() {
    let mut inner = field("g2", FieldType::Group);
    inner.fields = vec![field("x", FieldType::Text)];
    let mut outer = field("g1", FieldType::Group);
    outer.fields = vec![inner];
    let form = vec![field("c", FieldType::Choice), outer];
    let mut e = FieldErrors::new();
    check_form(&form, "form", &mut e);
    assert_eq!(e.first("form[0].options"), Some("too_few"));
    assert_eq!(e.first("form[1].fields[0].type"), Some("nested_group"));
}

#[test]
fn show_if_must_name_a_sibling() {
    let f = shown_if(field("b", FieldType::Text), "missing", "Có");
    let mut e = FieldErrors::new();
    check_form(&[field("a", FieldType::Yesno), f], "form", &mut e);
    assert_eq!(e.first("form[1].show_if"), Some("unknown_field"));
}

#[test]
fn min_and_max_are_allowed_on_numbers_and_texts_but_not_on_dates() {
    let mut number = field("n", FieldType::Number);
    number.min = Some(1);
    number.max = Some(10);
    let mut date = field("d", FieldType::Date);
    date.max = Some(3);
    let mut text = field("t", FieldType::Text);
    text.min = Some(5);
    text.max = Some(2);
    let mut e = FieldErrors::new();
    check_form(&[number, date, text], "form", &mut e);
    assert_eq!(e.first("form[0].min"), None);
    assert_eq!(e.first("form[1].min"), Some("not_allowed"));
    assert_eq!(e.first("form[2].max"), Some("below_min"));
}

#[test]
fn money_is_parsed_from_dotted_groups_and_stored_as_a_number() {
    let form = [field("gia_tri", FieldType::Money)];
    let answers = collect(&form, &pairs(&[("f.gia_tri", "1.500.000")]));
    assert_eq!(answers, json!({ "gia_tri": 1_500_000 }));
    assert_eq!(parse_money("1500000"), Some(1_500_000));
    assert_eq!(parse_money("1 500 000 đồng"), Some(1_500_000));
    assert_eq!(parse_money("1.5"), None);
    assert_eq!(parse_money("15.00.000"), None);
    assert_eq!(parse_money("-5"), None);
    assert_eq!(format_money(1_500_000), "1.500.000");
    assert_eq!(format_money(500), "500");
    assert_eq!(
        validate(&form, &answers),
        Ok(json!({ "gia_tri": 1_500_000 }))
    );
}

#[test]
fn numbers_take_a_decimal_comma_and_dates_a_day_first_form() {
    let form = [
        field("chieu_cao", FieldType::Number),
        field("so_tang", FieldType::Number),
        field("ngay", FieldType::Date),
        field("ngay_iso", FieldType::Date),
        field("lien_thong", FieldType::Yesno),
    ];
    let answers = collect(
        &form,
        &pairs(&[
            ("f.chieu_cao", "12,5"),
            ("f.so_tang", "3"),
            ("f.ngay", "5/2/2027"),
            ("f.ngay_iso", "2027-02-05"),
            ("f.lien_thong", "false"),
        ]),
    );
    assert_eq!(
        answers,
        json!({ "chieu_cao": 12.5, "so_tang": 3, "ngay": "2027-02-05", "ngay_iso": "2027-02-05", "lien_thong": false })
    );
    assert!(validate(&form, &answers).is_ok());
}

#[test]
fn a_date_must_exist_in_the_calendar() {
    assert_eq!(parse_date("29/02/2024").as_deref(), Some("2024-02-29"));
    assert_eq!(parse_date("29/02/2025"), None);
    assert_eq!(parse_date("2025-13-01"), None);
    assert_eq!(parse_date("31.04.2025"), None);
    let form = [required("ngay", FieldType::Date)];
    let answers = collect(&form, &pairs(&[("f.ngay", "30/02/2025")]));
    assert_eq!(answers, json!({ "ngay": "30/02/2025" }), "kept as typed");
    let e = validate(&form, &answers).expect_err("no such day");
    assert_eq!(e.first("f.ngay"), Some("eform.date"));
}

#[test]
fn an_address_is_collected_from_three_inputs_and_needs_a_province_and_a_commune() {
    let form = [required("noi_cu_tru", FieldType::Address)];
    let answers = collect(
        &form,
        &pairs(&[
            ("f.noi_cu_tru.province", "27"),
            ("f.noi_cu_tru.commune", ""),
            ("f.noi_cu_tru.detail", " Thôn Đông "),
        ]),
    );
    assert_eq!(
        answers,
        json!({ "noi_cu_tru": { "province": "27", "commune": "", "detail": "Thôn Đông" } })
    );
    let e = validate(&form, &answers).expect_err("no commune");
    assert_eq!(e.first("f.noi_cu_tru.commune"), Some("eform.commune"));
    assert_eq!(e.first("f.noi_cu_tru.province"), None);
    let e = validate(&form, &json!({})).expect_err("nothing");
    assert_eq!(e.first("f.noi_cu_tru"), Some("eform.required"));
}

#[test]
fn every_error_is_reported_at_once() {
    let form = [
        required("ho_ten", FieldType::Text),
        required("so_dinh_danh", FieldType::IdNumber),
        required("dien_thoai", FieldType::Phone),
        field("email", FieldType::Email),
        choice("gioi_tinh", &["Nam", "Nữ"]),
        field("so_ban", FieldType::Number),
        field("gia_tri", FieldType::Money),
        field("lien_thong", FieldType::Yesno),
    ];
    let answers = collect(
        &form,
        &pairs(&[
            ("f.ho_ten", "  "),
            ("f.so_dinh_danh", "999095001234"),
            ("f.dien_thoai", "12345"),
            ("f.email", "an@"),
            ("f.gioi_tinh", "Khác"),
            ("f.so_ban", "hai"),
            ("f.gia_tri", "1,5tr"),
            ("f.lien_thong", "có lẽ"),
        ]),
    );
    let e = validate(&form, &answers).expect_err("all wrong");
    for (path, code) in [
        ("f.ho_ten", "eform.required"),
        ("f.so_dinh_danh", "eform.id_number"),
        ("f.dien_thoai", "eform.phone"),
        ("f.email", "eform.email"),
        ("f.gioi_tinh", "eform.choice"),
        ("f.so_ban", "eform.number"),
        ("f.gia_tri", "eform.money"),
        ("f.lien_thong", "eform.yesno"),
    ] {
        assert_eq!(codes(&e, path), vec![code.to_owned()], "{path}");
    }
}

#[test]
fn ids_and_phones_are_normalised_the_way_the_applicant_is() {
    let form = [
        required("so_dinh_danh", FieldType::IdNumber),
        required("dien_thoai", FieldType::Phone),
        field("ghi_chu", FieldType::Textarea),
    ];
    let answers = collect(
        &form,
        &pairs(&[
            ("f.so_dinh_danh", "027 095 001234"),
            ("f.dien_thoai", "+84 912.345.678"),
            ("f.ghi_chu", "Dòng một\r\nDòng hai"),
        ]),
    );
    assert_eq!(
        validate(&form, &answers),
        Ok(
            json!({ "so_dinh_danh": "027095001234", "dien_thoai": "0912345678", "ghi_chu": "Dòng một\nDòng hai" })
        )
    );
    let nine_digits = json!({ "so_dinh_danh": "125678901", "dien_thoai": "0912345678" });
    let e = validate(&form, &nine_digits).expect_err("a citizen ID has 12 digits");
    assert_eq!(e.first("f.so_dinh_danh"), Some("eform.id_number"));
}

#[test]
fn a_conditional_field_is_required_only_when_shown_and_dropped_when_hidden() {
    let form = [
        choice("noi_sinh", &["Tại cơ sở y tế", "Ngoài cơ sở y tế"]),
        shown_if(
            required("co_so_y_te", FieldType::Text),
            "noi_sinh",
            "Tại cơ sở y tế",
        ),
    ];
    let shown = json!({ "noi_sinh": "Tại cơ sở y tế" });
    let e = validate(&form, &shown).expect_err("shown and empty");
    assert_eq!(e.first("f.co_so_y_te"), Some("eform.required"));

    let hidden = json!({ "noi_sinh": "Ngoài cơ sở y tế", "co_so_y_te": "Bệnh viện huyện" });
    assert_eq!(
        validate(&form, &hidden),
        Ok(json!({ "noi_sinh": "Ngoài cơ sở y tế" }))
    );
}

#[test]
fn a_yes_no_condition_matches_true_and_false_and_a_hidden_control_hides_its_dependants() {
    let form = [
        field("co_tang_ham", FieldType::Yesno),
        shown_if(
            required("so_tang_ham", FieldType::Number),
            "co_tang_ham",
            "true",
        ),
        shown_if(field("ghi_chu", FieldType::Text), "so_tang_ham", "2"),
    ];
    let answers = collect(
        &form,
        &pairs(&[
            ("f.co_tang_ham", "true"),
            ("f.so_tang_ham", "2"),
            ("f.ghi_chu", "x"),
        ]),
    );
    assert_eq!(
        validate(&form, &answers),
        Ok(json!({ "co_tang_ham": true, "so_tang_ham": 2, "ghi_chu": "x" }))
    );
    let no = json!({ "co_tang_ham": false, "so_tang_ham": 2, "ghi_chu": "x" });
    assert_eq!(validate(&form, &no), Ok(json!({ "co_tang_ham": false })));
    assert!(condition_met(&form[0], Some(&json!(true)), "Có"));
}

#[test]
fn group_rows_are_collected_in_order_and_empty_trailing_rows_are_dropped() {
    let form = [witnesses()];
    let answers = collect(
        &form,
        &pairs(&[
            ("f.nguoi_lam_chung.0.ho_ten", "Trần Văn Bình"),
            ("f.nguoi_lam_chung.1.ho_ten", "Lê Thị Cúc"),
            ("f.nguoi_lam_chung.1.noi_cu_tru.province", "27"),
            ("f.nguoi_lam_chung.2.ho_ten", ""),
            ("f.nguoi_lam_chung.2.noi_cu_tru.province", ""),
        ]),
    );
    let rows = answers["nguoi_lam_chung"].as_array().expect("rows");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0], json!({ "ho_ten": "Trần Văn Bình" }));
    assert_eq!(rows[1]["noi_cu_tru"]["province"], "27");
}

#[test]
fn a_repeating_group_grows_and_shrinks_within_its_limits() {
    let form = [witnesses()];
    let post = pairs(&[
        ("f.nguoi_lam_chung.0.ho_ten", "Trần Văn Bình"),
        ("add_row", "nguoi_lam_chung"),
    ]);
    let cmd = command(&post);
    assert_eq!(cmd, FormCommand::AddRow("nguoi_lam_chung".into()));
    let mut answers = collect(&form, &post);
    apply_command(&form, &mut answers, &cmd);
    // Padded to the two rows the page already showed, plus the new one.
    assert_eq!(answers["nguoi_lam_chung"].as_array().map(Vec::len), Some(3));
    apply_command(&form, &mut answers, &cmd);
    apply_command(&form, &mut answers, &cmd);
    assert_eq!(
        answers["nguoi_lam_chung"].as_array().map(Vec::len),
        Some(4),
        "max 4"
    );

    let remove = command(&pairs(&[("remove_row", "nguoi_lam_chung.0")]));
    assert_eq!(remove, FormCommand::RemoveRow("nguoi_lam_chung".into(), 0));
    apply_command(&form, &mut answers, &remove);
    apply_command(&form, &mut answers, &remove);
    apply_command(&form, &mut answers, &remove);
    let rows = answers["nguoi_lam_chung"].as_array().expect("rows");
    assert_eq!(rows.len(), 2, "min 2");
    assert_eq!(rows[0], json!({}), "Trần Văn Bình was row 0 and went first");
}

#[test]
fn adding_a_row_while_the_shown_rows_are_still_empty_gives_one_more_empty_row() {
    let form = [witnesses()];
    // The page shows three rows (the minimum two and one added), all still empty, and "Thêm dòng" is pressed.
    let post = pairs(&[
        ("f.nguoi_lam_chung.0.ho_ten", ""),
        ("f.nguoi_lam_chung.1.ho_ten", ""),
        ("f.nguoi_lam_chung.2.ho_ten", ""),
        ("add_row", "nguoi_lam_chung"),
    ]);
    let mut answers = collect_for_command(&form, &post);
    apply_command(&form, &mut answers, &command(&post));
    assert_eq!(answers["nguoi_lam_chung"].as_array().map(Vec::len), Some(4));
    // Submitting the same empty rows stores none of them.
    assert_eq!(collect(&form, &post).get("nguoi_lam_chung"), None);
}

#[test]
fn group_errors_name_the_row_and_the_row_count_is_checked() {
    let form = [witnesses()];
    let one = json!({ "nguoi_lam_chung": [ { "ho_ten": "Trần Văn Bình", "so_dinh_danh": "12" } ] });
    let e = validate(&form, &one).expect_err("one row, wrong ID, no address");
    assert_eq!(e.first("f.nguoi_lam_chung"), Some("eform.rows_min"));
    assert_eq!(
        e.first("f.nguoi_lam_chung.0.so_dinh_danh"),
        Some("eform.id_number")
    );
    assert_eq!(
        e.first("f.nguoi_lam_chung.0.noi_cu_tru"),
        Some("eform.required")
    );

    let row = json!({
        "ho_ten": "Trần Văn Bình",
        "so_dinh_danh": "027095001234",
        "noi_cu_tru": { "province": "27", "commune": "09322", "detail": "" },
        "unknown": "dropped",
    });
    let five = json!({ "nguoi_lam_chung": [row.clone(), row.clone(), row.clone(), row.clone(), row.clone()] });
    let e = validate(&form, &five).expect_err("five rows");
    assert_eq!(e.first("f.nguoi_lam_chung"), Some("eform.rows_max"));
    let two = json!({ "nguoi_lam_chung": [row.clone(), row] });
    let cleaned = validate(&form, &two).expect("two rows");
    assert_eq!(cleaned["nguoi_lam_chung"][1].get("unknown"), None);
    assert_eq!(addresses(&form, &cleaned).len(), 2);
    assert_eq!(
        addresses(&form, &cleaned)[1].0,
        "f.nguoi_lam_chung.1.noi_cu_tru"
    );
}

#[test]
fn a_hidden_group_is_neither_counted_nor_kept() {
    let proof = choice("chung_cu", &["Văn bản giám định ADN", "Văn bản cam đoan"]);
    let form = [proof, shown_if(witnesses(), "chung_cu", "Văn bản cam đoan")];
    let answers =
        json!({ "chung_cu": "Văn bản giám định ADN", "nguoi_lam_chung": [ { "ho_ten": "X" } ] });
    assert_eq!(
        validate(&form, &answers),
        Ok(json!({ "chung_cu": "Văn bản giám định ADN" }))
    );
}

#[test]
fn a_malformed_or_refresh_command_never_submits() {
    assert_eq!(command(&pairs(&[("f.a", "1")])), FormCommand::Submit);
    assert_eq!(
        command(&pairs(&[("refresh", "f.noi_cu_tru")])),
        FormCommand::Refresh
    );
    assert_eq!(
        command(&pairs(&[("remove_row", "nguoi_lam_chung")])),
        FormCommand::Refresh
    );
    let mut answers = json!({});
    apply_command(
        &[witnesses()],
        &mut answers,
        &FormCommand::AddRow("unknown".into()),
    );
    assert_eq!(answers, json!({}));
}

#[test]
fn text_lengths_and_number_bounds_follow_min_and_max() {
    let mut so_ban = field("so_ban", FieldType::Number);
    so_ban.min = Some(1);
    so_ban.max = Some(10);
    let mut ma = field("ma", FieldType::Text);
    ma.max = Some(4);
    let form = [so_ban, ma];
    let e = validate(&form, &json!({ "so_ban": 0, "ma": "12345" })).expect_err("out of bounds");
    assert_eq!(e.first("f.so_ban"), Some("eform.below_min"));
    assert_eq!(e.first("f.ma"), Some("eform.too_long"));
    let e = validate(&form, &json!({ "so_ban": "11" })).expect_err("too many");
    assert_eq!(e.first("f.so_ban"), Some("eform.above_max"));
}

fn profile() -> Known {
    Known {
        full_name: Some("Nguyễn Văn An".into()),
        id_number: Some("027095001234".into()),
        phone: Some("0912345678".into()),
        email: None,
        date_of_birth: Some("1995-03-08".into()),
        address: Some(AddressValue {
            province: "27".into(),
            commune: "09322".into(),
            detail: "Thôn Đông".into(),
        }),
    }
}

#[test]
fn prefill_takes_the_profile_first_and_the_earlier_dossier_for_the_rest() {
    let with = |mut f: FormField, p: Prefill| {
        f.prefill = Some(p);
        f
    };
    let form = [
        with(required("ho_ten", FieldType::Text), Prefill::FullName),
        with(required("noi_cu_tru", FieldType::Address), Prefill::Address),
        with(field("email", FieldType::Email), Prefill::Email),
        with(field("ngay_sinh", FieldType::Date), Prefill::DateOfBirth),
        choice("gioi_tinh", &["Nam", "Nữ"]),
        field("dan_toc", FieldType::Text),
        field("quoc_tich", FieldType::Text),
    ];
    let earlier = json!({
        "ho_ten": "Tên cũ",
        "email": "an@example.vn",
        "gioi_tinh": "Không còn là lựa chọn",
        "dan_toc": "Kinh",
    });
    let (values, filled) = prefill(&form, &profile(), Some(&earlier));
    assert_eq!(values["ho_ten"], "Nguyễn Văn An");
    assert_eq!(values["noi_cu_tru"]["commune"], "09322");
    assert_eq!(values["email"], "an@example.vn", "the profile has none");
    assert_eq!(values["ngay_sinh"], "1995-03-08");
    assert_eq!(values["dan_toc"], "Kinh");
    assert_eq!(
        values.get("gioi_tinh"),
        None,
        "a stale option is not offered"
    );
    assert_eq!(
        filled,
        ["ho_ten", "noi_cu_tru", "email", "ngay_sinh", "dan_toc"].map(String::from)
    );
    let (values, filled) = prefill(&form, &Known::default(), None);
    assert_eq!(values, Value::Object(serde_json::Map::new()));
    assert!(filled.is_empty());
}
