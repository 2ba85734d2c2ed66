//! Interactive e-form definitions (biểu mẫu điện tử) as data: the fields an online procedure asks for, checked
//! for shape here; rendering and answer validation belong to the submission flow.

use serde::{Deserialize, Serialize};

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
            if let (Some(min), Some(max)) = (f.min, f.max)
                && min > max
            {
                e.add(&path("max"), "below_min");
            }
        } else if !f.fields.is_empty() || f.min.is_some() || f.max.is_some() {
            e.add(&path("fields"), "not_allowed");
        }
        if let Some(cond) = &f.show_if
            && (cond.field == f.key || !fields.iter().any(|o| o.key == cond.field))
        {
            e.add(&path("show_if"), "unknown_field");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let mut f = field("b", FieldType::Text);
        f.show_if = Some(ShowIf {
            field: "missing".into(),
            equals: "Có".into(),
        });
        let mut e = FieldErrors::new();
        check_form(&[field("a", FieldType::Yesno), f], "form", &mut e);
        assert_eq!(e.first("form[1].show_if"), Some("unknown_field"));
    }
}
