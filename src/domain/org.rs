//! The organisation: agency identifier codes (Decision 20/2020/QĐ-TTg), units inside an agency, and communes.

use std::fmt;

/// An agency identifier code (mã định danh điện tử của cơ quan, tổ chức).
///
/// Decision 20/2020/QĐ-TTg: at most 35 characters from `0-9`, `A-Z` and `.`, dot-separated groups growing from left to
/// right, the left-most group being the level-1 code `MX1X2` (a letter A-Y and two digits), e.g. `H40.12.3`.
/// Legacy QCVN 102:2016 codes (`000.00.12.H40`: the level-1 group is the right-most one) are accepted too because
/// existing dossier codes carry them. The code is otherwise opaque: it is copied verbatim into dossier codes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct AgencyCode(String);

fn is_level1_group(group: &str) -> bool {
    let b = group.as_bytes();
    b.len() == 3 && (b'A'..=b'Y').contains(&b[0]) && b[1].is_ascii_digit() && b[2].is_ascii_digit()
}

impl AgencyCode {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let value = raw.trim().to_ascii_uppercase();
        if value.is_empty() {
            return Err("agency_code.required");
        }
        if value.len() > 35 {
            return Err("agency_code.too_long");
        }
        if !value
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase() || c == '.')
        {
            return Err("agency_code.invalid");
        }
        let groups: Vec<&str> = value.split('.').collect();
        if groups.iter().any(|g| g.is_empty()) {
            return Err("agency_code.invalid");
        }
        let decision_20 = is_level1_group(groups[0])
            && groups[1..]
                .iter()
                .all(|g| g.chars().all(|c| c.is_ascii_digit()));
        let legacy_qcvn_102 = groups.len() == 4
            && groups[..3]
                .iter()
                .all(|g| g.chars().all(|c| c.is_ascii_digit()))
            && groups[0].len() == 3
            && groups[1].len() == 2
            && groups[2].len() == 2
            && is_level1_group(groups[3]);
        if decision_20 || legacy_qcvn_102 {
            Ok(Self(value))
        } else {
            Err("agency_code.invalid")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AgencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The code of a unit inside an agency (a phòng ban or the bộ phận một cửa). Units get identifier codes of the
/// same grammar as agencies in practice (a child group of the agency code), but offices also use local codes, so
/// this accepts 1-35 characters of `A-Z`, `0-9`, `.`, `_`, `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let value = raw.trim().to_ascii_uppercase();
        if value.is_empty() {
            return Err("unit_code.required");
        }
        if value.len() > 35
            || !value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err("unit_code.invalid");
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a unit does in the one-stop mechanism; the one-stop section receives and returns, the others process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    OneStop,
    Specialist,
    Leadership,
}

impl UnitKind {
    pub const ALL: [UnitKind; 3] = [
        UnitKind::OneStop,
        UnitKind::Specialist,
        UnitKind::Leadership,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::OneStop => "one_stop",
            UnitKind::Specialist => "specialist",
            UnitKind::Leadership => "leadership",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == raw)
            .ok_or("unit_kind.invalid")
    }

    /// Vietnamese label shown on pages.
    pub fn label(self) -> &'static str {
        match self {
            UnitKind::OneStop => "Bộ phận một cửa",
            UnitKind::Specialist => "Phòng chuyên môn",
            UnitKind::Leadership => "Lãnh đạo cơ quan",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decision_20_agency_codes_are_accepted() {
        for code in ["H40", "H40.12", "H40.12.3", "A01.1.22.333", "h40.12.3"] {
            assert!(AgencyCode::parse(code).is_ok(), "{code}");
        }
    }

    #[test]
    fn legacy_qcvn_102_agency_codes_are_accepted() {
        assert_eq!(
            AgencyCode::parse("000.00.12.H40").map(|c| c.0),
            Ok("000.00.12.H40".to_owned())
        );
    }

    #[test]
    fn malformed_agency_codes_are_refused() {
        assert_eq!(AgencyCode::parse(""), Err("agency_code.required"));
        assert_eq!(
            AgencyCode::parse("Z40.12"),
            Err("agency_code.invalid"),
            "Z is outside A-Y"
        );
        assert_eq!(AgencyCode::parse("H4.12"), Err("agency_code.invalid"));
        assert_eq!(AgencyCode::parse("H40..12"), Err("agency_code.invalid"));
        assert_eq!(AgencyCode::parse("H40-12"), Err("agency_code.invalid"));
        assert_eq!(
            AgencyCode::parse(&format!("H40{}", ".1".repeat(17))),
            Err("agency_code.too_long")
        );
    }
}
