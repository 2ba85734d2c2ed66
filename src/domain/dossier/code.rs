//! The dossier code of Circular 01/2018 Art. 19: `<agency identifier code>-YYMMDD-XXXX`, issued by the system only.

use std::fmt;

use time::Date;

use crate::domain::org::AgencyCode;

/// A dossier code as issued. Parsing accepts only the exact shape, so a typed code can be looked up safely.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DossierCode(String);

/// Formats the code for the `seq`-th dossier an agency received on `day` (office-local date).
pub fn format_dossier_code(agency: &AgencyCode, day: Date, seq: u32) -> String {
    format!(
        "{}-{:02}{:02}{:02}-{:04}",
        agency.as_str(),
        day.year().rem_euclid(100),
        u8::from(day.month()),
        day.day(),
        seq
    )
}

impl DossierCode {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let raw = raw.trim().to_ascii_uppercase();
        let mut parts = raw.rsplitn(3, '-');
        let (Some(seq), Some(day), Some(agency)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err("dossier_code.invalid");
        };
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(seq, 4) || !digits(day, 6) || AgencyCode::parse(agency).is_err() {
            return Err("dossier_code.invalid");
        }
        Ok(Self(raw))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seventh_dossier_of_5_march_2020_gets_the_circular_example_code() {
        let agency = AgencyCode::parse("000.00.12.H40").expect("legacy code");
        let code = format_dossier_code(&agency, time::macros::date!(2020 - 03 - 05), 7);
        assert_eq!(code, "000.00.12.H40-200305-0007");
        assert_eq!(DossierCode::parse(&code).map(|c| c.0), Ok(code));
    }

    #[test]
    fn codes_of_the_decision_20_grammar_parse_and_malformed_ones_do_not() {
        assert!(DossierCode::parse("H40.12-261129-0001").is_ok());
        assert!(DossierCode::parse("h40.12-261129-0001").is_ok());
        for bad in [
            "H40.12-26112-0001",
            "H40.12-261129-001",
            "-261129-0001",
            "x",
            "",
        ] {
            assert!(DossierCode::parse(bad).is_err(), "{bad}");
        }
    }
}
