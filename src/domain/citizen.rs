//! A citizen's own account details (tài khoản công dân): what self-registration and the profile page accept,
//! checked all at once so the form can show every mistake together.

use serde::Deserialize;
use time::Date;
use time::macros::format_description;

use super::citizen_id::CitizenId;
use super::dossier::applicant::{email, phone};
use super::error::FieldErrors;
use super::text::{clean_line, has_control_chars};

/// Raw profile fields from the registration or profile form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProfileInput {
    pub full_name: String,
    pub id_number: String,
    pub date_of_birth: String,
    pub phone: String,
    pub email: String,
    pub province: String,
    pub commune: String,
    pub address_detail: String,
}

/// Checked profile details. The place codes are checked against the catalogue by the service, which can read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub full_name: String,
    pub id_number: CitizenId,
    pub date_of_birth: Option<Date>,
    pub phone: String,
    pub email: String,
    pub province: String,
    pub commune: String,
    pub address_detail: String,
}

/// Parses a date typed as `dd/mm/yyyy` or sent by a date input as `yyyy-mm-dd`.
pub fn parse_date(raw: &str) -> Option<Date> {
    let raw = raw.trim();
    Date::parse(raw, format_description!("[year]-[month]-[day]"))
        .or_else(|_| Date::parse(raw, format_description!("[day]/[month]/[year]")))
        .ok()
}

impl Profile {
    /// Every field error at once. Phone and e-mail are both required: the portal sends receipts and password
    /// resets there.
    pub fn parse(input: &ProfileInput, today: Date) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let full_name = clean_line(&input.full_name)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if full_name.is_empty() {
            e.add("full_name", "required");
        } else if full_name.chars().count() > 200 || has_control_chars(&full_name) {
            e.add("full_name", "applicant_name.invalid");
        }
        let id_number = e.take("id_number", CitizenId::parse(&input.id_number));
        let date_of_birth = if input.date_of_birth.trim().is_empty() {
            None
        } else {
            match parse_date(&input.date_of_birth) {
                Some(d) if d > today || d.year() < 1900 => {
                    e.add("date_of_birth", "date.invalid");
                    None
                }
                Some(d) => {
                    if id_number.as_ref().is_some_and(|id| !id.matches_birth(d)) {
                        e.add("id_number", "citizen_id.birth_year");
                    }
                    Some(d)
                }
                None => {
                    e.add("date_of_birth", "date.invalid");
                    None
                }
            }
        };
        let phone = if input.phone.trim().is_empty() {
            e.add("phone", "required");
            None
        } else {
            e.take("phone", phone(&input.phone))
        };
        let email = if input.email.trim().is_empty() {
            e.add("email", "required");
            None
        } else {
            e.take("email", email(&input.email))
        };
        let province = input.province.trim().to_owned();
        let commune = input.commune.trim().to_owned();
        if province.is_empty() {
            e.add("province", "required");
        }
        if commune.is_empty() {
            e.add("commune", "required");
        }
        let address_detail = clean_line(&input.address_detail);
        if address_detail.chars().count() > 300 || has_control_chars(&address_detail) {
            e.add("address_detail", "too_long");
        }
        match (id_number, phone, email) {
            (Some(id_number), Some(phone), Some(email)) if e.is_empty() => Ok(Self {
                full_name,
                id_number,
                date_of_birth,
                phone,
                email: email.to_lowercase(),
                province,
                commune,
                address_detail,
            }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn input() -> ProfileInput {
        ProfileInput {
            full_name: "  Trần Thị   Bình ".into(),
            id_number: "001190012345".into(),
            date_of_birth: "17/05/1990".into(),
            phone: "+84 912 345 678".into(),
            email: "Binh@Example.vn".into(),
            province: "01".into(),
            commune: "00004".into(),
            address_detail: "Số 5 ngõ 12".into(),
        }
    }

    #[test]
    fn a_complete_profile_is_cleaned_and_normalised() {
        let p = Profile::parse(&input(), date!(2026 - 11 - 29)).unwrap();
        assert_eq!(p.full_name, "Trần Thị Bình");
        assert_eq!(p.phone, "0912345678");
        assert_eq!(p.email, "binh@example.vn");
        assert_eq!(p.date_of_birth, Some(date!(1990 - 05 - 17)));
    }

    #[test]
    fn every_mistake_is_reported_at_once() {
        let bad = ProfileInput {
            full_name: String::new(),
            id_number: "12345".into(),
            phone: "12".into(),
            email: "no-at-sign".into(),
            ..ProfileInput::default()
        };
        let e = Profile::parse(&bad, date!(2026 - 11 - 29)).unwrap_err();
        for field in [
            "full_name",
            "id_number",
            "phone",
            "email",
            "province",
            "commune",
        ] {
            assert!(e.first(field).is_some(), "{field} should have an error");
        }
    }

    #[test]
    fn an_id_number_whose_birth_year_disagrees_with_the_date_of_birth_is_refused() {
        let mut i = input();
        i.date_of_birth = "1991-05-17".into();
        let e = Profile::parse(&i, date!(2026 - 11 - 29)).unwrap_err();
        assert_eq!(e.first("id_number"), Some("citizen_id.birth_year"));
    }
}
