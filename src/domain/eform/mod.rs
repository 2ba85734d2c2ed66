//! Domain layer: interactive e-forms (biểu mẫu điện tử). The definition is data (the fields an online procedure
//! asks for, checked for shape here); `answers` turns what a citizen typed into the stored answer object and checks
//! it, `prefill` offers what the office already knows. Rendering lives in `web::ui::eform`.
//!
//! `min`/`max` mean: rows for a `group`, the value for `number` and `money` (in đồng), and the length in
//! characters for `text` and `textarea`; other types may not carry them.

pub mod answers;
pub mod parse;
pub mod prefill;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use answers::{
    AddressValue, FormCommand, MAX_ROWS, addresses, apply_command, collect, collect_for_command,
    command, condition_met, max_rows, min_rows, validate,
};
pub use parse::{format_money, parse_date, parse_money, parse_number, parse_yesno};
pub use prefill::{Known, prefill};

use super::catalogue::is_snake_key;
use super::error::FieldErrors;

/// The kinds of input a field may take (docs/PROCEDURE-PACK.md, FormField).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Textarea,
    Number,
    Date,
    Choice,
    Yesno,
    IdNumber,
    Phone,
    Email,
    Address,
    Money,
    Group,
}

/// Profile values a field may offer for confirmation instead of asking again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prefill {
    FullName,
    IdNumber,
    Phone,
    Email,
    Address,
    DateOfBirth,
}

/// Show a field only when a sibling field holds a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShowIf {
    pub field: String,
    pub equals: String,
}

/// One question of a form. `key` names the answer in the stored object and the HTML input (`f.<key>`), so it is
/// what a procedure version must keep stable for earlier answers to be offered again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormField {
    pub key: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: FieldType,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub help: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<ShowIf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill: Option<Prefill>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FormField>,
    /// Rows of a group, the value of a number or money, characters of a text (see the module doc).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
}

/// Checks one list of sibling fields; `at` is the JSON path of the list.
pub fn check_form(fields: &[FormField], at: &str, e: &mut FieldErrors) {
    check_level(fields, at, e, false);
}

fn check_level(fields: &[FormField], at: &str, e: &mut FieldErrors, nested: bool) {
    for (i, f) in fields.iter().enumerate() {
        let path = |name: &str| format!("{at}[{i}].{name}");
        if !is_snake_key(&f.key) {
            e.add(&path("key"), "invalid");
        } else if fields[..i].iter().any(|o| o.key == f.key) {
            e.add(&path("key"), "duplicate");
        }
        if f.label.trim().is_empty() {
            e.add(&path("label"), "required");
        }
        match f.kind {
            FieldType::Choice if f.options.len() < 2 => e.add(&path("options"), "too_few"),
            FieldType::Choice => {}
            _ if !f.options.is_empty() => e.add(&path("options"), "not_allowed"),
            _ => {}
        }
        if f.kind == FieldType::Group {
            if nested {
                e.add(&path("type"), "nested_group");
            } else if f.fields.is_empty() {
                e.add(&path("fields"), "required");
            } else {
                check_level(&f.fields, &path("fields"), e, true);
            }
        } else if !f.fields.is_empty() {
            e.add(&path("fields"), "not_allowed");
        }
        let bounded = matches!(
            f.kind,
            FieldType::Group
                | FieldType::Number
                | FieldType::Money
                | FieldType::Text
                | FieldType::Textarea
        );
        if !bounded && (f.min.is_some() || f.max.is_some()) {
            e.add(&path("min"), "not_allowed");
        } else if let (Some(min), Some(max)) = (f.min, f.max)
            && min > max
        {
            e.add(&path("max"), "below_min");
        }
        if let Some(cond) = &f.show_if
            && (cond.field == f.key || !fields.iter().any(|o| o.key == cond.field))
        {
            e.add(&path("show_if"), "unknown_field");
        }
    }
}
