//! The applicant of a dossier (người nộp hồ sơ): a person with a citizen ID number or an organisation with a tax
//! code, parsed at the edge with every problem collected.

use serde::Deserialize;

use crate::domain::FieldErrors;
use crate::domain::text::{clean_line, fold_ascii, has_control_chars};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicantKind {
    Person,
    Organisation,
}

impl ApplicantKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Organisation => "organisation",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "person" | "" => Some(Self::Person),
            "organisation" | "organization" => Some(Self::Organisation),
            _ => None,
        }
    }
}

/// Raw applicant fields from a form or JSON.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ApplicantInput {
    pub kind: String,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub email: String,
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Applicant {
    #[serde(serialize_with = "kind_str")]
    pub kind: ApplicantKind,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub email: String,
    pub address: String,
}

fn kind_str<S: serde::Serializer>(kind: &ApplicantKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(kind.as_str())
}

/// A 12-digit citizen identity number (CCCD: province code 001-096, then a century/sex digit), a 9-digit legacy
/// identity card number, or a passport number (one letter and 7 digits).
pub fn person_id(raw: &str) -> Result<String, &'static str> {
    let id = raw.trim().to_ascii_uppercase();
    let all_digits = !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit());
    if all_digits && id.len() == 12 {
        return crate::domain::citizen_id::CitizenId::parse(&id).map(|c| c.as_str().to_owned());
    }
    if all_digits && id.len() == 9 {
        return Ok(id);
    }
    let passport = id.len() == 8
        && id.as_bytes()[0].is_ascii_uppercase()
        && id[1..].bytes().all(|b| b.is_ascii_digit());
    if passport {
        return Ok(id);
    }
    Err("id_number.invalid")
}

/// A tax code of 10 digits, or 10 digits, a dash and 3 digits for a branch.
fn tax_code(raw: &str) -> Result<String, &'static str> {
    let id = raw.trim();
    let (main, branch) = id.split_once('-').unwrap_or((id, ""));
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if digits(main, 10) && (branch.is_empty() || digits(branch, 3)) {
        Ok(id.to_owned())
    } else {
        Err("tax_code.invalid")
    }
}

/// A Vietnamese phone number: 10 digits starting with 0 (or +84 and 9 digits); spaces and dots are ignored.
pub fn phone(raw: &str) -> Result<String, &'static str> {
    let compact: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect();
    let local = compact
        .strip_prefix("+84")
        .map_or(compact.clone(), |rest| format!("0{rest}"));
    if local.len() == 10 && local.starts_with('0') && local.bytes().all(|b| b.is_ascii_digit()) {
        Ok(local)
    } else {
        Err("phone.invalid")
    }
}

pub fn email(raw: &str) -> Result<String, &'static str> {
    let value = raw.trim().to_owned();
    let valid = value.len() <= 254
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
        })
        && !value.contains(char::is_whitespace);
    if valid {
        Ok(value)
    } else {
        Err("email.invalid")
    }
}

impl Applicant {
    pub fn parse(input: &ApplicantInput) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = ApplicantKind::parse(input.kind.trim()).unwrap_or_else(|| {
            e.add("applicant.kind", "applicant_kind.invalid");
            ApplicantKind::Person
        });
        let name = clean_line(&input.name);
        if name.is_empty() {
            e.add("applicant.name", "applicant_name.required");
        } else if name.chars().count() > 200 || has_control_chars(&name) {
            e.add("applicant.name", "applicant_name.invalid");
        }
        let id_number = match kind {
            ApplicantKind::Person => person_id(&input.id_number),
            ApplicantKind::Organisation => tax_code(&input.id_number),
        };
        let id_number = e.take("applicant.id_number", id_number).unwrap_or_default();
        let phone = if input.phone.trim().is_empty() {
            String::new()
        } else {
            e.take("applicant.phone", phone(&input.phone))
                .unwrap_or_default()
        };
        let email = if input.email.trim().is_empty() {
            String::new()
        } else {
            e.take("applicant.email", email(&input.email))
                .unwrap_or_default()
        };
        let address = clean_line(&input.address);
        if address.chars().count() > 300 {
            e.add("applicant.address", "too_long");
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(Self {
            kind,
            name,
            id_number,
            phone,
            email,
            address,
        })
    }

    /// The name folded to ASCII lower case, the key staff search by ("nguyen van a" finds "Nguyễn Văn A").
    pub fn search_key(&self) -> String {
        fold_ascii(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str, id: &str) -> ApplicantInput {
        ApplicantInput {
            kind: kind.into(),
            name: "Nguyễn Văn An".into(),
            id_number: id.into(),
            phone: "0912 345 678".into(),
            email: "an@example.vn".into(),
            address: "Xã Tiên Du".into(),
        }
    }

    #[test]
    fn a_person_needs_a_valid_citizen_id_and_an_organisation_a_tax_code() {
        assert!(Applicant::parse(&input("person", "027095001234")).is_ok());
        assert!(Applicant::parse(&input("person", "125678901")).is_ok());
        assert!(Applicant::parse(&input("person", "B1234567")).is_ok());
        assert!(Applicant::parse(&input("person", "999095001234")).is_err());
        assert!(Applicant::parse(&input("organisation", "0101234567-001")).is_ok());
        assert!(Applicant::parse(&input("organisation", "027095001234")).is_err());
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let bad = ApplicantInput {
            kind: "person".into(),
            name: " ".into(),
            id_number: "12".into(),
            phone: "12345".into(),
            email: "x@".into(),
            address: String::new(),
        };
        let errors = Applicant::parse(&bad).expect_err("invalid");
        for field in [
            "applicant.name",
            "applicant.id_number",
            "applicant.phone",
            "applicant.email",
        ] {
            assert!(errors.first(field).is_some(), "{field}");
        }
    }

    #[test]
    fn phone_numbers_are_normalised_to_ten_digits() {
        let a = Applicant::parse(&ApplicantInput {
            phone: "+84 912.345.678".into(),
            ..input("person", "027095001234")
        })
        .expect("valid");
        assert_eq!(a.phone, "0912345678");
        assert_eq!(a.search_key(), "nguyen van an");
    }
}
