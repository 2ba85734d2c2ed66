//! Domain layer: the answers to an e-form. `collect` reads a posted HTML form into the answer object, `command`
//! and `apply_command` add and remove rows of a repeating group without JavaScript, and `validate` checks every
//! answer at once and returns the cleaned object that is stored with the dossier.
//!
//! Input names: `f.<key>` for a top-level field, `f.<group>.<row>.<key>` inside a group (rows from 0), and
//! `.province`, `.commune`, `.detail` after either for the three parts of an address. Error paths use the same
//! names so the page can put each message beside its input.
//!
//! Stored shape: `{ "key": "text" | number | bool | {"province", "commune", "detail"} | [ {row}, ... ] }`; empty
//! answers are left out, money and numbers are JSON numbers, dates "YYYY-MM-DD", address parts are unit codes.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::parse::{parse_date, parse_money, parse_number, parse_yesno};
use super::{FieldType, FormField};
use crate::domain::FieldErrors;
use crate::domain::citizen_id::CitizenId;
use crate::domain::dossier::applicant;
use crate::domain::text::{clean_line, has_control_chars, nfc};

/// The prefix of every e-form input, so the answers never collide with the page's own inputs (csrf, delivery).
pub const PREFIX: &str = "f";

/// A hard ceiling on the rows of any group, whatever its `max` says, so a crafted post cannot make the server
/// build a huge answer.
pub const MAX_ROWS: usize = 100;

/// The default length limit of a `text` answer, in characters, when the field sets no `max`.
pub const TEXT_MAX: usize = 500;

/// The default length limit of a `textarea` answer, in characters, when the field sets no `max`.
pub const TEXTAREA_MAX: usize = 5000;

/// The limit of the free-text part of an address (house number, street, hamlet).
pub const ADDRESS_DETAIL_MAX: usize = 300;

/// An address answer: unit codes from the administrative-unit catalogue (the office's era) plus free text. Codes,
/// not names, because names change with mergers while the code of a filed dossier must keep meaning one place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressValue {
    pub province: String,
    pub commune: String,
    pub detail: String,
}

impl AddressValue {
    pub fn to_value(&self) -> Value {
        serde_json::json!({
            "province": self.province,
            "commune": self.commune,
            "detail": self.detail,
        })
    }

    /// Reads an address object; missing parts are empty. `None` when the value is not an object at all.
    pub fn from_value(value: &Value) -> Option<Self> {
        let obj = value.as_object()?;
        let part = |k: &str| {
            obj.get(k)
                .and_then(Value::as_str)
                .map(clean_line)
                .unwrap_or_default()
        };
        Some(Self {
            province: part("province"),
            commune: part("commune"),
            detail: part("detail"),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.province.is_empty() && self.commune.is_empty() && self.detail.is_empty()
    }
}

/// What the button that posted the form asked for. Only `Submit` may save or send the dossier; every other
/// command re-renders the form with the answers kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormCommand {
    Submit,
    /// `add_row=<group>`: one more empty row in a repeating group.
    AddRow(String),
    /// `remove_row=<group>.<row>`: drop one row.
    RemoveRow(String, usize),
    /// `refresh` (the "Chọn tỉnh" button that reloads the communes of a chosen province without JavaScript), or a
    /// malformed command: show the form again, never submit by accident.
    Refresh,
}

/// The command of a posted form, from the name of the button that was pressed.
pub fn command(pairs: &[(String, String)]) -> FormCommand {
    let key = |raw: &str| {
        let raw = raw.trim();
        raw.strip_prefix("f.").unwrap_or(raw).to_owned()
    };
    for (name, value) in pairs {
        match name.as_str() {
            "add_row" => return FormCommand::AddRow(key(value)),
            "remove_row" => {
                return value
                    .trim()
                    .rsplit_once('.')
                    .and_then(|(g, row)| Some(FormCommand::RemoveRow(key(g), row.parse().ok()?)))
                    .unwrap_or(FormCommand::Refresh);
            }
            "refresh" => return FormCommand::Refresh,
            _ => {}
        }
    }
    FormCommand::Submit
}

/// The rows a group needs: its `min`, or one when it is required without a `min`.
pub fn min_rows(group: &FormField) -> usize {
    let min = group.min.map_or(0, |m| m as usize);
    min.max(usize::from(group.required)).min(MAX_ROWS)
}

/// The rows a group allows: its `max`, never more than [`MAX_ROWS`].
pub fn max_rows(group: &FormField) -> usize {
    group.max.map_or(MAX_ROWS, |m| (m as usize).min(MAX_ROWS))
}

/// Carries out a row command on the collected answers. Adding first pads the group to the rows the page shows
/// anyway (its minimum), so the citizen always sees a new row appear; nothing is added beyond `max` and nothing
/// removed below `min`. Other commands leave the answers alone.
pub fn apply_command(fields: &[FormField], answers: &mut Value, cmd: &FormCommand) {
    let key = match cmd {
        FormCommand::AddRow(g) | FormCommand::RemoveRow(g, _) => g,
        FormCommand::Submit | FormCommand::Refresh => return,
    };
    let Some(group) = fields
        .iter()
        .find(|f| &f.key == key && f.kind == FieldType::Group)
    else {
        return;
    };
    if !answers.is_object() {
        *answers = Value::Object(Map::new());
    }
    let Some(obj) = answers.as_object_mut() else {
        return;
    };
    let entry = obj
        .entry(key.clone())
        .or_insert_with(|| Value::Array(Vec::new()));
    if !entry.is_array() {
        *entry = Value::Array(Vec::new());
    }
    let Some(rows) = entry.as_array_mut() else {
        return;
    };
    let (min, max) = (min_rows(group), max_rows(group));
    match cmd {
        FormCommand::AddRow(_) => {
            while rows.len() < min {
                rows.push(Value::Object(Map::new()));
            }
            if rows.len() < max {
                rows.push(Value::Object(Map::new()));
            }
        }
        FormCommand::RemoveRow(_, row) if *row < rows.len() && rows.len() > min => {
            rows.remove(*row);
        }
        _ => {}
    }
    if rows.is_empty() {
        obj.remove(key);
    }
}

/// Builds the answer object from the pairs of a posted form. Values that do not parse are kept as the text typed
/// so the form can show them again beside their error; `validate` decides. Empty answers and empty trailing rows
/// of a group are left out.
pub fn collect(fields: &[FormField], pairs: &[(String, String)]) -> Value {
    collect_with(fields, pairs, false)
}

/// [`collect`] for a row command ("Thêm dòng", "Xoá dòng"): the group keeps every row the page showed, empty ones
/// too, so adding a row while the last one is still empty gives a second empty row instead of nothing.
pub fn collect_for_command(fields: &[FormField], pairs: &[(String, String)]) -> Value {
    collect_with(fields, pairs, true)
}

fn collect_with(fields: &[FormField], pairs: &[(String, String)], keep_rows: bool) -> Value {
    let form: HashMap<&str, &str> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut out = Map::new();
    for f in fields {
        let name = format!("{PREFIX}.{}", f.key);
        let value = if f.kind == FieldType::Group {
            collect_rows(f, &name, pairs, &form, keep_rows)
        } else {
            collect_one(f, &name, &form)
        };
        if let Some(v) = value {
            out.insert(f.key.clone(), v);
        }
    }
    Value::Object(out)
}

fn collect_rows(
    group: &FormField,
    name: &str,
    pairs: &[(String, String)],
    form: &HashMap<&str, &str>,
    keep_rows: bool,
) -> Option<Value> {
    let prefix = format!("{name}.");
    let count = pairs
        .iter()
        .filter_map(|(k, _)| k.strip_prefix(&prefix)?.split_once('.'))
        .filter(|(row, _)| row.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|(row, _)| row.parse::<usize>().ok())
        .filter(|row| *row < MAX_ROWS)
        .map(|row| row + 1)
        .max()
        .unwrap_or(0);
    let mut rows: Vec<Value> = (0..count)
        .map(|row| {
            let mut obj = Map::new();
            for sub in &group.fields {
                let input = format!("{name}.{row}.{}", sub.key);
                if let Some(v) = collect_one(sub, &input, form) {
                    obj.insert(sub.key.clone(), v);
                }
            }
            Value::Object(obj)
        })
        .collect();
    while !keep_rows && rows.last().is_some_and(is_blank) {
        rows.pop();
    }
    (!rows.is_empty()).then_some(Value::Array(rows))
}

fn collect_one(f: &FormField, name: &str, form: &HashMap<&str, &str>) -> Option<Value> {
    let get = |suffix: &str| {
        form.get(format!("{name}{suffix}").as_str())
            .map(|v| clean_line(v))
            .unwrap_or_default()
    };
    if f.kind == FieldType::Address {
        let address = AddressValue {
            province: get(".province"),
            commune: get(".commune"),
            detail: get(".detail"),
        };
        return (!address.is_empty()).then(|| address.to_value());
    }
    if f.kind == FieldType::Group {
        return None;
    }
    let raw = form.get(name)?;
    let text = if f.kind == FieldType::Textarea {
        nfc(raw.replace("\r\n", "\n").trim())
    } else {
        clean_line(raw)
    };
    if text.is_empty() {
        return None;
    }
    let typed = match f.kind {
        FieldType::Number => parse_number(&text).map(Value::Number),
        FieldType::Money => parse_money(&text).map(Value::from),
        FieldType::Date => parse_date(&text).map(Value::String),
        FieldType::Yesno => parse_yesno(&text).map(Value::Bool),
        _ => None,
    };
    Some(typed.unwrap_or(Value::String(text)))
}

/// Whether an answer counts as not given: null, blank text, no rows, or an object (row, address) whose parts are
/// all blank.
fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.values().all(is_blank),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

/// The text a `show_if` compares: the option text for a choice, "true"/"false" for yes/no, the digits of a
/// number. A yes/no condition written as "Có"/"Không" matches too, since that is how procedure authors say it.
pub fn condition_met(control: &FormField, value: Option<&Value>, equals: &str) -> bool {
    let text = match value {
        Some(Value::String(s)) => nfc(s.trim()),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return false,
    };
    let equals = nfc(equals.trim());
    if text == equals {
        return true;
    }
    control.kind == FieldType::Yesno
        && parse_yesno(&text).is_some()
        && parse_yesno(&text) == parse_yesno(&equals)
}

/// Which of the sibling `fields` are shown for `answers`. A field is hidden when its condition is not met or
/// when the field it depends on is itself hidden; a cycle of conditions hides all of its members.
fn visibility(fields: &[FormField], answers: &Map<String, Value>) -> Vec<bool> {
    fn shown(
        fields: &[FormField],
        answers: &Map<String, Value>,
        f: &FormField,
        depth: usize,
    ) -> bool {
        let Some(cond) = &f.show_if else {
            return true;
        };
        let Some(control) = fields.iter().find(|o| o.key == cond.field) else {
            return false;
        };
        depth < fields.len()
            && shown(fields, answers, control, depth + 1)
            && condition_met(control, answers.get(&control.key), &cond.equals)
    }
    fields
        .iter()
        .map(|f| shown(fields, answers, f, 0))
        .collect()
}

/// Checks every answer and returns the cleaned object to store, or every problem at once. Hidden fields (a
/// `show_if` not met) are neither required nor kept; keys the form does not define are dropped.
pub fn validate(fields: &[FormField], answers: &Value) -> Result<Value, FieldErrors> {
    let mut e = FieldErrors::new();
    let cleaned = clean_level(fields, answers, PREFIX, &mut e);
    if e.is_empty() {
        Ok(Value::Object(cleaned))
    } else {
        Err(e)
    }
}

fn clean_level(
    fields: &[FormField],
    answers: &Value,
    prefix: &str,
    e: &mut FieldErrors,
) -> Map<String, Value> {
    let empty = Map::new();
    let obj = answers.as_object().unwrap_or(&empty);
    let mut out = Map::new();
    for (f, shown) in fields.iter().zip(visibility(fields, obj)) {
        if shown {
            let path = format!("{prefix}.{}", f.key);
            if let Some(v) = clean_field(f, obj.get(&f.key), &path, e) {
                out.insert(f.key.clone(), v);
            }
        }
    }
    out
}

/// Checks one answer (a whole group for a group) at `path`; `None` when it is absent or wrong.
pub(super) fn clean_field(
    f: &FormField,
    value: Option<&Value>,
    path: &str,
    e: &mut FieldErrors,
) -> Option<Value> {
    if f.kind == FieldType::Group {
        return clean_group(f, value, path, e);
    }
    let Some(value) = value.filter(|v| !is_blank(v)) else {
        if f.required {
            e.add(path, "eform.required");
        }
        return None;
    };
    let result = match f.kind {
        FieldType::Address => return clean_address(value, path, e),
        FieldType::Text | FieldType::Textarea => clean_text(f, value),
        FieldType::Number => clean_number(f, value),
        FieldType::Money => clean_money(f, value),
        FieldType::Date => text_of(value)
            .and_then(|t| parse_date(&t))
            .map(Value::String)
            .ok_or("eform.date"),
        FieldType::Choice => text_of(value)
            .map(|t| nfc(&t))
            .filter(|t| f.options.iter().any(|o| nfc(o) == *t))
            .map(Value::String)
            .ok_or("eform.choice"),
        FieldType::Yesno => match value {
            Value::Bool(b) => Ok(Value::Bool(*b)),
            other => text_of(other)
                .and_then(|t| parse_yesno(&t))
                .map(Value::Bool)
                .ok_or("eform.yesno"),
        },
        FieldType::IdNumber => text_of(value)
            .and_then(|t| CitizenId::parse(&t).ok())
            .map(|id| Value::String(id.as_str().to_owned()))
            .ok_or("eform.id_number"),
        FieldType::Phone => text_of(value)
            .and_then(|t| applicant::phone(&t).ok())
            .map(Value::String)
            .ok_or("eform.phone"),
        FieldType::Email => text_of(value)
            .and_then(|t| applicant::email(&t).ok())
            .map(Value::String)
            .ok_or("eform.email"),
        FieldType::Group => Err("eform.invalid"),
    };
    e.take(path, result)
}

/// Text of a scalar answer; numbers count, since an API client may send a phone number or a year as one.
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(clean_line(s)),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn clean_text(f: &FormField, value: &Value) -> Result<Value, &'static str> {
    let multiline = f.kind == FieldType::Textarea;
    let text = match value {
        Value::String(s) if multiline => nfc(s.replace("\r\n", "\n").trim()),
        other => text_of(other).ok_or("eform.text")?,
    };
    let bad_control = text
        .chars()
        .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\t')));
    if bad_control {
        return Err("eform.text");
    }
    let default_max = if multiline { TEXTAREA_MAX } else { TEXT_MAX };
    let len = text.chars().count();
    if len > f.max.map_or(default_max, |m| m as usize) {
        return Err("eform.too_long");
    }
    if f.min.is_some_and(|m| len < m as usize) {
        return Err("eform.too_short");
    }
    Ok(Value::String(text))
}

fn clean_number(f: &FormField, value: &Value) -> Result<Value, &'static str> {
    let number = match value {
        Value::Number(n) => n.clone(),
        Value::String(s) => parse_number(s).ok_or("eform.number")?,
        _ => return Err("eform.number"),
    };
    let x = number.as_f64().ok_or("eform.number")?;
    check_bounds(f, x)?;
    Ok(Value::Number(number))
}

fn clean_money(f: &FormField, value: &Value) -> Result<Value, &'static str> {
    let amount = match value {
        Value::Number(n) => n
            .as_u64()
            .filter(|a| *a <= super::parse::MAX_MONEY)
            .ok_or("eform.money")?,
        Value::String(s) => parse_money(s).ok_or("eform.money")?,
        _ => return Err("eform.money"),
    };
    #[allow(clippy::cast_precision_loss)] // amounts are at most 10^15, exact in an f64
    let approx = amount as f64;
    check_bounds(f, approx)?;
    Ok(Value::from(amount))
}

fn check_bounds(f: &FormField, x: f64) -> Result<(), &'static str> {
    if f.min.is_some_and(|m| x < f64::from(m)) {
        return Err("eform.below_min");
    }
    if f.max.is_some_and(|m| x > f64::from(m)) {
        return Err("eform.above_max");
    }
    Ok(())
}

/// An address needs a province and a commune; each missing part is reported at its own input.
fn clean_address(value: &Value, path: &str, e: &mut FieldErrors) -> Option<Value> {
    let Some(address) = AddressValue::from_value(value) else {
        e.add(path, "eform.address");
        return None;
    };
    let is_code = |c: &str| c.len() <= 10 && c.bytes().all(|b| b.is_ascii_digit());
    let mut ok = true;
    for (part, text, missing) in [
        ("province", &address.province, "eform.province"),
        ("commune", &address.commune, "eform.commune"),
    ] {
        let problem = if text.is_empty() {
            Some(missing)
        } else if !is_code(text) {
            Some("eform.address")
        } else {
            None
        };
        if let Some(code) = problem {
            e.add(&format!("{path}.{part}"), code);
            ok = false;
        }
    }
    if has_control_chars(&address.detail) || address.detail.chars().count() > ADDRESS_DETAIL_MAX {
        e.add(&format!("{path}.detail"), "eform.too_long");
        ok = false;
    }
    ok.then(|| address.to_value())
}

fn clean_group(
    group: &FormField,
    value: Option<&Value>,
    path: &str,
    e: &mut FieldErrors,
) -> Option<Value> {
    let rows: &[Value] = match value {
        None | Some(Value::Null) => &[],
        Some(Value::Array(rows)) => rows,
        Some(_) => {
            e.add(path, "eform.invalid");
            return None;
        }
    };
    let count = rows.len();
    if count == 0 && group.required && group.min.is_none() {
        e.add(path, "eform.required");
    } else if count < min_rows(group) {
        e.add(path, "eform.rows_min");
    } else if count > max_rows(group) {
        e.add(path, "eform.rows_max");
    }
    let mut cleaned = Vec::with_capacity(count.min(MAX_ROWS));
    for (i, row) in rows.iter().take(MAX_ROWS).enumerate() {
        let at = format!("{path}.{i}");
        if row.is_object() {
            cleaned.push(Value::Object(clean_level(&group.fields, row, &at, e)));
        } else {
            e.add(&at, "eform.invalid");
        }
    }
    (!cleaned.is_empty()).then_some(Value::Array(cleaned))
}

/// Every address answered, with its input path, so a service can check the codes against the catalogue of its
/// era (this layer cannot read it) and a page can load the communes of each chosen province.
pub fn addresses(fields: &[FormField], answers: &Value) -> Vec<(String, AddressValue)> {
    let mut out = Vec::new();
    for f in fields {
        let value = answers.get(&f.key);
        let path = format!("{PREFIX}.{}", f.key);
        match f.kind {
            FieldType::Address => {
                if let Some(a) = value.and_then(AddressValue::from_value) {
                    out.push((path, a));
                }
            }
            FieldType::Group => {
                let rows = value
                    .and_then(Value::as_array)
                    .map_or(&[][..], Vec::as_slice);
                for (i, row) in rows.iter().enumerate() {
                    for sub in f.fields.iter().filter(|s| s.kind == FieldType::Address) {
                        if let Some(a) = row.get(&sub.key).and_then(AddressValue::from_value) {
                            out.push((format!("{path}.{i}.{}", sub.key), a));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}
