//! Web layer, shared page blocks: the server-side rendering of an e-form (biểu mẫu điện tử). Everything works
//! without JavaScript: repeating groups grow and shrink with submit buttons, conditional fields are always shown
//! with a note saying when to fill them, and a province is chosen with a "Chọn tỉnh" button that reloads the
//! page with its communes. `assets/js/eform.js` only improves on that (hides unmet conditions, loads communes live).
//!
//! Input names and error paths follow `domain::eform::answers`: `f.<key>`, `f.<group>.<row>.<key>`, and
//! `.province` / `.commune` / `.detail` for the parts of an address.

use std::collections::{BTreeMap, BTreeSet};

use maud::{Markup, html};
use serde_json::Value;

use crate::domain::FieldErrors;
use crate::domain::eform::answers::{ADDRESS_DETAIL_MAX, PREFIX, TEXT_MAX, TEXTAREA_MAX};
use crate::domain::eform::{
    AddressValue, FieldType, FormField, Prefill, addresses, format_money, max_rows, min_rows,
    parse_yesno,
};
use crate::store::StoreError;
use crate::store::admin_units::{self, Era};

use super::messages::field_message;

/// One administrative unit offered in a select.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Place {
    pub code: String,
    pub name: String,
}

/// The places an address can be picked from: every province of one era, and the communes of each province
/// already chosen somewhere in the form (a form may ask for several addresses in different provinces).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressOptions {
    /// The era the codes belong to, passed to the live commune lookup so it answers in the same list.
    pub era: Option<Era>,
    pub provinces: Vec<Place>,
    pub communes: BTreeMap<String, Vec<Place>>,
}

impl AddressOptions {
    pub fn communes_of(&self, province: &str) -> &[Place] {
        self.communes.get(province).map_or(&[], Vec::as_slice)
    }
}

/// The communes under a province in one era, in code order. Before 01/07/2025 communes hang under districts, so
/// the district is named after each commune ("Xã Phú Lâm, Huyện Tiên Du"): the address still stores only the
/// province and the commune. `NotFound` when the era has no such province.
pub fn communes_of_province(
    conn: &rusqlite::Connection,
    era: Era,
    province: &str,
) -> Result<Vec<Place>, StoreError> {
    let unit = admin_units::get(conn, era, province)?;
    if unit.level != "province" {
        return Err(StoreError::NotFound);
    }
    let mut out = Vec::new();
    for child in admin_units::children(conn, era, province)? {
        if child.level == "district" {
            out.extend(
                admin_units::children(conn, era, &child.code)?
                    .into_iter()
                    .map(|c| Place {
                        code: c.code,
                        name: format!("{}, {}", c.name, child.name),
                    }),
            );
        } else {
            out.push(Place {
                code: child.code,
                name: child.name,
            });
        }
    }
    Ok(out)
}

/// Loads what the address selects of `fields` need for `values`, in one era (normally the office's,
/// `admin_units::office_era`: codes are reused across eras, so the answers and the lists must agree). Call it
/// inside `db.read`; a province code that is not in the catalogue simply gets no communes.
pub fn load_address_options(
    conn: &rusqlite::Connection,
    era: Era,
    fields: &[FormField],
    values: &Value,
) -> Result<AddressOptions, StoreError> {
    let provinces = admin_units::provinces(conn, era)?
        .into_iter()
        .map(|u| Place {
            code: u.code,
            name: u.name,
        })
        .collect();
    let chosen: BTreeSet<String> = addresses(fields, values)
        .into_iter()
        .map(|(_, a)| a.province)
        .filter(|p| !p.is_empty())
        .collect();
    let mut communes = BTreeMap::new();
    for code in chosen {
        match communes_of_province(conn, era, &code) {
            Ok(list) => {
                communes.insert(code, list);
            }
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(AddressOptions {
        era: Some(era),
        provinces,
        communes,
    })
}

const PREFILLED_NOTE: &str = "Đã điền sẵn từ hồ sơ của bạn – vui lòng kiểm tra";

/// What every field of one rendering shares.
struct Ctx<'a> {
    errors: &'a FieldErrors,
    places: &'a AddressOptions,
}

/// One field being rendered: its definition, its siblings (for the `show_if` note), where it sits and its value.
struct Slot<'a> {
    field: &'a FormField,
    siblings: &'a [FormField],
    /// `f` at the top level, `f.<group>.<row>` inside a group.
    prefix: &'a str,
    value: Option<&'a Value>,
    prefilled: bool,
}

impl Slot<'_> {
    fn name(&self) -> String {
        format!("{}.{}", self.prefix, self.field.key)
    }
}

/// The inputs of a form, with labels, help, "(bắt buộc)" marks, prefill notes and each error beside its input.
/// The caller wraps them in its own `<form method="post">` with the CSRF token and the submit button; row and
/// province buttons in here post the same form with `add_row`, `remove_row` or `refresh`.
pub fn render_fields(
    fields: &[FormField],
    values: &Value,
    errors: &FieldErrors,
    prefilled: &[String],
    places: &AddressOptions,
) -> Markup {
    let ctx = Ctx { errors, places };
    html! {
        div class="eform" {
            @for f in fields {
                (render_slot(&ctx, &Slot {
                    field: f,
                    siblings: fields,
                    prefix: PREFIX,
                    value: values.get(&f.key),
                    prefilled: prefilled.contains(&f.key),
                }))
            }
        }
        script src="/assets/js/eform.js" defer {}
    }
}

/// The element id of an input name: `f.a.0.b` → `ef-a-0-b` (keys are `[a-z0-9_]`, so this cannot collide).
fn id_of(name: &str) -> String {
    format!("e{}", name.replace('.', "-"))
}

fn render_slot(ctx: &Ctx<'_>, slot: &Slot<'_>) -> Markup {
    let inner = match slot.field.kind {
        FieldType::Group if slot.prefix == PREFIX => render_group(ctx, slot),
        FieldType::Group => html! {},
        FieldType::Address => render_address(ctx, slot),
        FieldType::Yesno => render_choices(ctx, slot, &[("true", "Có"), ("false", "Không")]),
        FieldType::Choice if slot.field.options.len() <= 4 => {
            let options: Vec<(&str, &str)> = slot
                .field
                .options
                .iter()
                .map(|o| (o.as_str(), o.as_str()))
                .collect();
            render_choices(ctx, slot, &options)
        }
        _ => render_input(ctx, slot),
    };
    let Some(cond) = &slot.field.show_if else {
        return inner;
    };
    let control = slot.siblings.iter().find(|s| s.key == cond.field);
    let yesno = control.is_some_and(|c| c.kind == FieldType::Yesno);
    let (equals, shown_as) = match yesno.then(|| parse_yesno(&cond.equals)).flatten() {
        Some(true) => ("true".to_owned(), "Có".to_owned()),
        Some(false) => ("false".to_owned(), "Không".to_owned()),
        None => (cond.equals.clone(), cond.equals.clone()),
    };
    let label = control.map_or(cond.field.as_str(), |c| c.label.as_str());
    html! {
        div class="eform-cond" data-show-if-field=(format!("{}.{}", slot.prefix, cond.field))
            data-show-if-equals=(equals) {
            p class="eform-cond-note" { "(Chỉ điền khi «" (label) "» là «" (shown_as) "»)" }
            (inner)
        }
    }
}

/// The text an input shows for a stored value: money grouped with dots, decimals with a comma.
fn shown_text(kind: FieldType, value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) if kind == FieldType::Money => {
            n.as_u64().map_or_else(|| n.to_string(), format_money)
        }
        Some(Value::Number(n)) => n.to_string().replace('.', ","),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

/// The limits a field's `min`/`max` set, said in words next to the help so nobody learns them from an error.
fn limits(f: &FormField) -> Option<String> {
    let count = |n: u32| n.to_string();
    let (unit, show, at_least, at_most): (&str, fn(u32) -> String, &str, &str) = match f.kind {
        FieldType::Text | FieldType::Textarea => (" ký tự", count, "Tối thiểu", "Tối đa"),
        FieldType::Group => (" dòng", count, "Tối thiểu", "Tối đa"),
        FieldType::Number => ("", count, "Không nhỏ hơn", "Không lớn hơn"),
        FieldType::Money => (
            " đồng",
            |n| format_money(u64::from(n)),
            "Không nhỏ hơn",
            "Không lớn hơn",
        ),
        _ => return None,
    };
    let min = if f.kind == FieldType::Group {
        u32::try_from(min_rows(f)).ok().filter(|m| *m > 0)
    } else {
        f.min
    };
    Some(match (min, f.max) {
        (Some(a), Some(b)) => format!("Từ {}{unit} đến {}{unit}.", show(a), show(b)),
        (Some(a), None) => format!("{at_least} {}{unit}.", show(a)),
        (None, Some(b)) => format!("{at_most} {}{unit}.", show(b)),
        (None, None) => return None,
    })
}

/// The label text with the required mark.
fn label_text(f: &FormField) -> Markup {
    html! {
        (f.label)
        @if f.required { " " span class="req" { "(bắt buộc)" } }
    }
}

/// The notes above an input (prefill, help and limits) and the ids that `aria-describedby` must name.
fn notes(slot: &Slot<'_>, id: &str, error: Option<&str>) -> (Markup, String) {
    let f = slot.field;
    let hint = [Some(f.help.clone()).filter(|h| !h.is_empty()), limits(f)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let mut described = Vec::new();
    if slot.prefilled {
        described.push(format!("{id}-prefilled"));
    }
    if !hint.is_empty() {
        described.push(format!("{id}-help"));
    }
    if error.is_some() {
        described.push(format!("{id}-error"));
    }
    let markup = html! {
        @if slot.prefilled { p class="eform-prefilled" id=(format!("{id}-prefilled")) { (PREFILLED_NOTE) } }
        @if !hint.is_empty() { p class="hint" id=(format!("{id}-help")) { (hint) } }
    };
    (markup, described.join(" "))
}

fn error_text(id: &str, error: Option<&str>) -> Markup {
    html! {
        @if let Some(message) = error { p class="error" id=(format!("{id}-error")) { (message) } }
    }
}

fn described(ids: &str) -> Option<&str> {
    (!ids.is_empty()).then_some(ids)
}

/// A one-line or multi-line input, or a select for a choice with many options.
fn render_input(ctx: &Ctx<'_>, slot: &Slot<'_>) -> Markup {
    let f = slot.field;
    let name = slot.name();
    let id = id_of(&name);
    let error = ctx.errors.first(&name).map(field_message);
    let (notes, ids) = notes(slot, &id, error);
    let value = shown_text(f.kind, slot.value);
    let invalid = error.map(|_| "true");
    let required = f.required.then_some("true");
    let max_len = |default: usize| f.max.map_or(default, |m| m as usize);
    let autocomplete = match f.prefill {
        Some(Prefill::FullName) => Some("name"),
        Some(Prefill::Phone) => Some("tel"),
        Some(Prefill::Email) => Some("email"),
        Some(Prefill::DateOfBirth) => Some("bday"),
        _ => None,
    };
    let (kind, inputmode, maxlength) = match f.kind {
        FieldType::Number => ("text", Some("decimal"), Some(24)),
        FieldType::Money => ("text", Some("numeric"), Some(30)),
        FieldType::Date => ("date", None, None),
        FieldType::IdNumber => ("text", Some("numeric"), Some(15)),
        FieldType::Phone => ("tel", Some("tel"), Some(20)),
        FieldType::Email => ("email", None, Some(254)),
        _ => ("text", None, Some(max_len(TEXT_MAX))),
    };
    html! {
        div class={ "field eform-field" @if error.is_some() { " has-error" } } {
            label for=(id) { (label_text(f)) }
            (notes)
            @if f.kind == FieldType::Textarea {
                textarea id=(id) name=(name) rows="4" maxlength=(max_len(TEXTAREA_MAX))
                    aria-required=[required] aria-invalid=[invalid] aria-describedby=[described(&ids)] { (value) }
            } @else if f.kind == FieldType::Choice {
                select id=(id) name=(name) aria-required=[required] aria-invalid=[invalid]
                    aria-describedby=[described(&ids)] {
                    option value="" { "— Chọn —" }
                    @for o in &f.options { option value=(o) selected[*o == value] { (o) } }
                }
            } @else if f.kind == FieldType::Money {
                span class="eform-money" {
                    input id=(id) name=(name) type=(kind) value=(value) inputmode=[inputmode]
                        maxlength=[maxlength] autocomplete=[autocomplete] aria-required=[required]
                        aria-invalid=[invalid] aria-describedby=[described(&ids)];
                    span class="eform-unit" { "đồng" }
                }
            } @else {
                input id=(id) name=(name) type=(kind) value=(value) inputmode=[inputmode] maxlength=[maxlength]
                    autocomplete=[autocomplete] aria-required=[required] aria-invalid=[invalid]
                    aria-describedby=[described(&ids)];
            }
            (error_text(&id, error))
        }
    }
}

/// Radio buttons in a fieldset, for yes/no and for a choice of a few options.
fn render_choices(ctx: &Ctx<'_>, slot: &Slot<'_>, options: &[(&str, &str)]) -> Markup {
    let f = slot.field;
    let name = slot.name();
    let id = id_of(&name);
    let error = ctx.errors.first(&name).map(field_message);
    let (notes, ids) = notes(slot, &id, error);
    let current = shown_text(f.kind, slot.value);
    html! {
        fieldset id=(id) class={ "eform-field eform-choices" @if error.is_some() { " has-error" } }
            role="radiogroup" aria-required=[f.required.then_some("true")]
            aria-invalid=[error.map(|_| "true")] aria-describedby=[described(&ids)] {
            legend { (label_text(f)) }
            (notes)
            @for (i, (value, text)) in options.iter().enumerate() {
                @let option_id = format!("{id}-{i}");
                div class="eform-option" {
                    input type="radio" id=(option_id) name=(name) value=(value) checked[current == *value];
                    label for=(option_id) { (text) }
                }
            }
            (error_text(&id, error))
        }
    }
}

/// Province and commune selects plus the free-text detail. Without JavaScript the commune list is the one of
/// the province the page was rendered with, so a "Chọn tỉnh" button posts the form back to reload it.
fn render_address(ctx: &Ctx<'_>, slot: &Slot<'_>) -> Markup {
    let f = slot.field;
    let name = slot.name();
    let id = id_of(&name);
    let error = ctx.errors.first(&name).map(field_message);
    let (notes, ids) = notes(slot, &id, error);
    let address = slot
        .value
        .and_then(AddressValue::from_value)
        .unwrap_or_default();
    let part = |p: &str| (format!("{name}.{p}"), format!("{id}-{p}"));
    let (province_name, province_id) = part("province");
    let (commune_name, commune_id) = part("commune");
    let (detail_name, detail_id) = part("detail");
    let part_error = |n: &str| ctx.errors.first(n).map(field_message);
    let (province_error, commune_error, detail_error) = (
        part_error(&province_name),
        part_error(&commune_name),
        part_error(&detail_name),
    );
    let communes = ctx.places.communes_of(&address.province);
    let known_province = ctx
        .places
        .provinces
        .iter()
        .any(|p| p.code == address.province);
    let known_commune = communes.iter().any(|c| c.code == address.commune);
    let required = f.required.then_some("true");
    html! {
        fieldset id=(id) class={ "eform-field eform-address" @if error.is_some() { " has-error" } }
            aria-describedby=[described(&ids)] {
            legend { (label_text(f)) }
            (notes)
            (error_text(&id, error))
            div class={ "field" @if province_error.is_some() { " has-error" } } {
                label for=(province_id) { "Tỉnh, thành phố" }
                select id=(province_id) name=(province_name) data-eform-province=(commune_id)
                    data-era=[ctx.places.era.map(Era::as_str)]
                    aria-required=[required] aria-invalid=[province_error.map(|_| "true")]
                    aria-describedby=[province_error.map(|_| format!("{province_id}-error"))] {
                    option value="" { "— Chọn tỉnh, thành phố —" }
                    @if !address.province.is_empty() && !known_province {
                        option value=(address.province) selected { (address.province) }
                    }
                    @for p in &ctx.places.provinces {
                        option value=(p.code) selected[p.code == address.province] { (p.name) }
                    }
                }
                (error_text(&province_id, province_error))
            }
            p class="eform-refresh" {
                button type="submit" class="secondary" name="refresh" value=(name) formnovalidate {
                    "Chọn tỉnh"
                }
                " "
                span class="muted" { "Bấm sau khi chọn tỉnh, thành phố để tải danh sách xã, phường." }
            }
            div class={ "field" @if commune_error.is_some() { " has-error" } } {
                label for=(commune_id) { "Xã, phường" }
                select id=(commune_id) name=(commune_name) aria-required=[required]
                    aria-invalid=[commune_error.map(|_| "true")]
                    aria-describedby=[commune_error.map(|_| format!("{commune_id}-error"))] {
                    option value="" { "— Chọn xã, phường —" }
                    @if !address.commune.is_empty() && !known_commune {
                        option value=(address.commune) selected { (address.commune) }
                    }
                    @for c in communes {
                        option value=(c.code) selected[c.code == address.commune] { (c.name) }
                    }
                }
                (error_text(&commune_id, commune_error))
            }
            div class={ "field" @if detail_error.is_some() { " has-error" } } {
                label for=(detail_id) { "Số nhà, đường, thôn, tổ dân phố" }
                input id=(detail_id) name=(detail_name) type="text" value=(address.detail)
                    maxlength=(ADDRESS_DETAIL_MAX) aria-invalid=[detail_error.map(|_| "true")]
                    aria-describedby=[detail_error.map(|_| format!("{detail_id}-error"))];
                (error_text(&detail_id, detail_error))
            }
        }
    }
}

/// A repeating group: one sub-fieldset per row with its own "Xoá dòng" button, and "Thêm dòng" below. The page
/// shows at least the group's minimum of rows, so the citizen sees what must be filled before being told.
fn render_group(ctx: &Ctx<'_>, slot: &Slot<'_>) -> Markup {
    let f = slot.field;
    let name = slot.name();
    let id = id_of(&name);
    let error = ctx.errors.first(&name).map(field_message);
    let (notes, ids) = notes(slot, &id, error);
    let rows = slot
        .value
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let (min, max) = (min_rows(f), max_rows(f));
    let shown = rows.len().max(min);
    let empty = Value::Object(serde_json::Map::new());
    html! {
        fieldset id=(id) class={ "eform-group" @if error.is_some() { " has-error" } }
            aria-describedby=[described(&ids)] {
            legend { (label_text(f)) }
            (notes)
            (error_text(&id, error))
            @if shown == 0 { p class="muted" { "Chưa có dòng nào." } }
            @for i in 0..shown {
                @let row = rows.get(i).unwrap_or(&empty);
                @let prefix = format!("{name}.{i}");
                fieldset class="eform-row" {
                    legend { "Dòng " (i + 1) }
                    @for sub in &f.fields {
                        (render_slot(ctx, &Slot {
                            field: sub,
                            siblings: &f.fields,
                            prefix: &prefix,
                            value: row.get(&sub.key),
                            prefilled: false,
                        }))
                    }
                    @if shown > min {
                        button type="submit" class="secondary" name="remove_row"
                            value=(format!("{}.{i}", f.key)) formnovalidate
                            aria-label=(format!("Xoá dòng {} – {}", i + 1, f.label)) { "Xoá dòng" }
                    }
                }
            }
            @if shown < max {
                button type="submit" class="secondary" name="add_row" value=(f.key) formnovalidate
                    aria-label=(format!("Thêm dòng – {}", f.label)) { "Thêm dòng" }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)] // a test should stop at the first surprise
mod tests {
    use super::*;
    use crate::domain::eform::ShowIf;
    use serde_json::json;

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

    #[test]
    fn every_input_has_a_label_and_errors_are_linked_to_their_input() {
        let mut group = field("nguoi_lam_chung", FieldType::Group);
        group.fields = vec![
            field("ho_ten", FieldType::Text),
            field("noi_cu_tru", FieldType::Address),
        ];
        group.min = Some(2);
        group.max = Some(3);
        let mut cond = field("ly_do", FieldType::Textarea);
        cond.show_if = Some(ShowIf {
            field: "khac".into(),
            equals: "true".into(),
        });
        let fields = [
            field("khac", FieldType::Yesno),
            cond,
            group,
            field("gia", FieldType::Money),
        ];
        let mut errors = FieldErrors::new();
        errors.add("f.nguoi_lam_chung.1.ho_ten", "eform.required");
        let values = json!({ "gia": 1_500_000, "nguoi_lam_chung": [ { "ho_ten": "An" } ] });
        let html =
            render_fields(&fields, &values, &errors, &[], &AddressOptions::default()).into_string();
        let doc = scraper::Html::parse_fragment(&html);
        let inputs = scraper::Selector::parse("input:not([type=hidden]), select, textarea")
            .expect("selector");
        for input in doc.select(&inputs) {
            let id = input.value().id().expect("id");
            let label =
                scraper::Selector::parse(&format!("label[for=\"{id}\"]")).expect("selector");
            assert!(doc.select(&label).next().is_some(), "no label for {id}");
        }
        assert!(html.contains(r#"name="f.nguoi_lam_chung.1.ho_ten""#));
        assert!(html.contains(r#"aria-describedby="ef-nguoi_lam_chung-1-ho_ten-error""#));
        assert!(html.contains(r#"value="1.500.000""#));
        assert!(html.contains(r#"data-show-if-field="f.khac""#));
        assert!(html.contains("(Chỉ điền khi «Nhãn» là «Có»)"));
        assert_eq!(
            html.matches(r#"name="remove_row""#).count(),
            0,
            "two rows is the minimum"
        );
        assert!(html.contains(r#"name="add_row" value="nguoi_lam_chung""#));
    }
}
