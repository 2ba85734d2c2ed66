//! Domain layer: answers offered before the citizen types anything. A field marked `prefill` gets the value from
//! the citizen's profile; any other field gets the answer from the citizen's most recent dossier of the same
//! procedure. Every offered value is listed so the page can ask the citizen to check it rather than trust it.

use serde_json::{Map, Value};

use super::answers::{AddressValue, clean_field};
use super::parse::parse_date;
use super::{FieldType, FormField, Prefill};
use crate::domain::FieldErrors;
use crate::domain::text::clean_line;

/// What the office knows about the signed-in citizen (the profile of the account). Empty strings count as
/// unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Known {
    pub full_name: Option<String>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// "YYYY-MM-DD" (a day-first date is accepted too).
    pub date_of_birth: Option<String>,
    /// Unit codes in the same era as the form's address pickers; codes are reused across eras for different
    /// places, so leave this `None` when the profile keeps its address in another era.
    pub address: Option<AddressValue>,
}

/// The starting answers of a form and the keys that were filled in, for the "Đã điền sẵn" marks. A profile value
/// wins over an earlier answer; a `prefill` field the profile cannot fill falls back to the earlier answer. An
/// earlier answer is offered only when it still passes this version's checks (an option may have been renamed,
/// a group's row limits changed), so nothing is offered that the citizen would then be told is wrong.
pub fn prefill(
    fields: &[FormField],
    known: &Known,
    earlier: Option<&Value>,
) -> (Value, Vec<String>) {
    let mut out = Map::new();
    let mut filled = Vec::new();
    for f in fields {
        let value = f
            .prefill
            .and_then(|p| from_profile(f, p, known))
            .or_else(|| from_earlier(f, earlier?));
        if let Some(v) = value {
            out.insert(f.key.clone(), v);
            filled.push(f.key.clone());
        }
    }
    (Value::Object(out), filled)
}

fn from_profile(f: &FormField, p: Prefill, known: &Known) -> Option<Value> {
    let text = |v: &Option<String>| {
        v.as_deref()
            .map(clean_line)
            .filter(|t| !t.is_empty())
            .map(Value::String)
    };
    let value = match p {
        Prefill::Address => {
            return known
                .address
                .as_ref()
                .filter(|a| f.kind == FieldType::Address && !a.province.is_empty())
                .map(AddressValue::to_value);
        }
        _ if matches!(f.kind, FieldType::Address | FieldType::Group) => return None,
        Prefill::FullName => text(&known.full_name),
        Prefill::IdNumber => text(&known.id_number),
        Prefill::Phone => text(&known.phone),
        Prefill::Email => text(&known.email),
        Prefill::DateOfBirth => known
            .date_of_birth
            .as_deref()
            .and_then(parse_date)
            .map(Value::String),
    }?;
    // A profile value in the wrong shape for this field (a name in a date field) is not offered.
    let mut e = FieldErrors::new();
    let cleaned = clean_field(f, Some(&value), "", &mut e);
    cleaned.filter(|_| e.is_empty())
}

fn from_earlier(f: &FormField, earlier: &Value) -> Option<Value> {
    let value = earlier.get(&f.key)?;
    let mut e = FieldErrors::new();
    let cleaned = clean_field(f, Some(value), "", &mut e)?;
    e.is_empty().then_some(cleaned)
}
