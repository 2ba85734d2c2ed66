//! The 12-digit citizen identity number (số định danh cá nhân / CCCD, Circular 07/2016/TT-BCA as amended): the
//! province of birth registration, a digit for century and sex, the last two digits of the birth year and six
//! random digits. Checked here so a mistyped number is caught at the form, not at the counter.

use time::Date;

/// The province codes (Circular 07/2016/TT-BCA Annex, before the 2025 merger; numbers are not reissued).
const PROVINCE_CODES: [u16; 63] = [
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
    38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77,
    79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
];

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CitizenId(String);

impl CitizenId {
    /// Accepts 12 digits (spaces and dots ignored) with a known province code and a century digit for a birth
    /// year from 1900 to 2299.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '.')).collect();
        if digits.len() != 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("citizen_id.format");
        }
        let province: u16 = digits[..3].parse().unwrap_or(0);
        if !PROVINCE_CODES.contains(&province) {
            return Err("citizen_id.province");
        }
        if digits.as_bytes()[3] > b'5' {
            return Err("citizen_id.century");
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth year the number encodes: digits 4 (century: 0/1 → 1900s, 2/3 → 2000s, 4/5 → 2100s) and 5-6.
    pub fn birth_year(&self) -> i32 {
        let b = self.0.as_bytes();
        let century = i32::from((b[3] - b'0') / 2);
        let year = i32::from(b[4] - b'0') * 10 + i32::from(b[5] - b'0');
        1900 + century * 100 + year
    }

    /// Whether the number agrees with a stated date of birth.
    pub fn matches_birth(&self, born: Date) -> bool {
        self.birth_year() == born.year()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hanoi_number_for_someone_born_in_1990_is_accepted_and_decodes_its_year() {
        let id = CitizenId::parse("001 090 012345").unwrap();
        assert_eq!(id.as_str(), "001090012345");
        assert_eq!(id.birth_year(), 1990);
        let id = CitizenId::parse("079305000111").unwrap();
        assert_eq!(id.birth_year(), 2005);
    }

    #[test]
    fn unknown_province_codes_wrong_lengths_and_centuries_are_refused() {
        assert_eq!(CitizenId::parse("003090012345"), Err("citizen_id.province"));
        assert_eq!(CitizenId::parse("097090012345"), Err("citizen_id.province"));
        assert_eq!(CitizenId::parse("00109001234"), Err("citizen_id.format"));
        assert_eq!(CitizenId::parse("00109001234a"), Err("citizen_id.format"));
        assert_eq!(CitizenId::parse("001690012345"), Err("citizen_id.century"));
    }

    #[test]
    fn the_birth_year_must_match_the_stated_date_of_birth() {
        let id = CitizenId::parse("001090012345").unwrap();
        assert!(id.matches_birth(time::macros::date!(1990 - 05 - 17)));
        assert!(!id.matches_birth(time::macros::date!(1991 - 05 - 17)));
    }
}
