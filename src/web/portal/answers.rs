//! A submitted e-form shown read-only, in the form's order: groups as numbered rows, addresses with the names of
//! their province and commune, money and dates as people write them; hidden conditional fields are left out.

use std::collections::BTreeMap;

use maud::{Markup, html};
use serde_json::Value;

use crate::domain::eform::answers::{AddressValue, condition_met};
use crate::domain::eform::{FieldType, FormField};
use crate::services::citizens::ADDRESS_ERA;
use crate::store::admin_units;

/// The names of the places an answer set names by code.
pub fn place_names(
    conn: &rusqlite::Connection,
    form: &[FormField],
    answers: &Value,
) -> Result<BTreeMap<String, String>, crate::store::StoreError> {
    let mut names = BTreeMap::new();
    for (_, a) in crate::domain::eform::answers::addresses(form, answers) {
        for code in [a.province, a.commune] {
            if !code.is_empty()
                && !names.contains_key(&code)
                && let Ok(u) = admin_units::get(conn, ADDRESS_ERA, &code)
            {
                names.insert(code, u.name);
            }
        }
    }
    Ok(names)
}

fn answer_text(f: &FormField, v: &Value, places: &BTreeMap<String, String>) -> String {
    match (f.kind, v) {
        (FieldType::Yesno, Value::Bool(b)) => if *b { "Có" } else { "Không" }.to_owned(),
        (FieldType::Address, v) => AddressValue::from_value(v)
            .map(|a| {
                let name = |c: &str| places.get(c).cloned().unwrap_or_else(|| c.to_owned());
                [a.detail.clone(), name(&a.commune), name(&a.province)]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default(),
        (FieldType::Money, Value::Number(n)) => {
            format!(
                "{} đồng",
                crate::domain::eform::parse::format_money(n.as_u64().unwrap_or(0))
            )
        }
        (FieldType::Date, Value::String(s)) => crate::domain::citizen::parse_date(s)
            .map_or_else(|| s.clone(), crate::domain::timefmt::date),
        (_, Value::String(s)) => s.clone(),
        (_, Value::Null) => String::new(),
        (_, other) => other.to_string(),
    }
}

/// The answers of a form, read-only, in the form's order; hidden conditional fields are left out.
pub fn answers_table(
    form: &[FormField],
    answers: &Value,
    places: &BTreeMap<String, String>,
) -> Markup {
    let shown = |f: &FormField| match &f.show_if {
        None => true,
        Some(c) => form
            .iter()
            .find(|s| s.key == c.field)
            .is_some_and(|control| condition_met(control, answers.get(&c.field), &c.equals)),
    };
    html! {
        dl class="answers" {
            @for f in form.iter().filter(|f| shown(f)) {
                @match (f.kind, answers.get(&f.key)) {
                    (FieldType::Group, Some(Value::Array(rows))) if !rows.is_empty() => {
                        dt { (f.label) }
                        dd {
                            ol {
                                @for row in rows {
                                    li {
                                        @for sub in &f.fields {
                                            @if let Some(v) = row.get(&sub.key) {
                                                (sub.label) ": " (answer_text(sub, v, places)) ". "
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    (FieldType::Group, _) => {}
                    (_, Some(v)) => { dt { (f.label) } dd { (answer_text(f, v, places)) } }
                    (_, None) => {}
                }
            }
        }
    }
}
