//! Staff roles of the one-stop mechanism and what each may reach.

use std::fmt;

/// The staff roles. Names are the stable CLI/API spellings of api.md.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Cán bộ một cửa: receives dossiers and returns results at the counter.
    Officer,
    /// Chuyên viên: processes dossiers in a specialist unit.
    Specialist,
    /// Lãnh đạo phòng: assigns and approves within a unit.
    Head,
    /// Lãnh đạo cơ quan: signs decisions for the agency.
    Leader,
    /// Quản trị hệ thống: accounts, catalogues and settings; no dossier decisions.
    Admin,
    /// Cán bộ lưu trữ: reads closed dossiers and hands those past their retention period to the archives.
    Archivist,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Officer,
        Role::Specialist,
        Role::Head,
        Role::Leader,
        Role::Admin,
        Role::Archivist,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Specialist => "specialist",
            Role::Head => "head",
            Role::Leader => "leader",
            Role::Admin => "admin",
            Role::Archivist => "archivist",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let raw = raw.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == raw)
            .ok_or("role.invalid")
    }

    /// Vietnamese job title shown on pages.
    pub fn label(self) -> &'static str {
        match self {
            Role::Officer => "Cán bộ một cửa",
            Role::Specialist => "Chuyên viên",
            Role::Head => "Lãnh đạo phòng",
            Role::Leader => "Lãnh đạo cơ quan",
            Role::Admin => "Quản trị hệ thống",
            Role::Archivist => "Cán bộ lưu trữ",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Parses a comma-separated role list such as `officer,head`, refusing an empty list.
pub fn parse_roles(raw: &str) -> Result<Vec<Role>, &'static str> {
    let mut roles = raw
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(Role::parse)
        .collect::<Result<Vec<_>, _>>()?;
    roles.sort();
    roles.dedup();
    if roles.is_empty() {
        Err("role.required")
    } else {
        Ok(roles)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_lists_parse_sorted_and_deduplicated() {
        assert_eq!(
            parse_roles("head, officer,head"),
            Ok(vec![Role::Officer, Role::Head])
        );
        assert_eq!(parse_roles(""), Err("role.required"));
        assert_eq!(parse_roles("boss"), Err("role.invalid"));
    }
}
