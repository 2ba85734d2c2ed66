//! The procedure catalogue: codes of the shared e-catalogues and the level-1 information of a procedure
//! (Circular 32/2017 Art. 5), in the shape of docs/PROCEDURE-PACK.md, with every rule a procedure must satisfy.

use serde::{Deserialize, Serialize};

use super::archive::Retention;
use super::eform::{FormField, check_form};
use super::error::FieldErrors;
use super::role::Role;

/// One working day in working hours (the office default 07:30-11:30, 13:00-17:00), the unit workflow steps are allotted in.
pub const HOURS_PER_WORKING_DAY: u32 = 8;

fn is_level1_group(group: &str) -> bool {
    let b = group.as_bytes();
    b.len() == 3 && (b'A'..=b'Y').contains(&b[0]) && b[1].is_ascii_digit() && b[2].is_ascii_digit()
}

/// A sector code `MX1X2-LV` (Circular 01/2018 Art. 20): level-1 unit code, hyphen, national sector code.
pub fn parse_sector_code(raw: &str) -> Result<String, &'static str> {
    let value = raw.trim().to_ascii_uppercase();
    let Some((unit, lv)) = value.split_once('-') else {
        return Err("sector_code.invalid");
    };
    let lv_ok = (1..=12).contains(&lv.len())
        && lv
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if is_level1_group(unit) && lv_ok {
        Ok(value)
    } else {
        Err("sector_code.invalid")
    }
}

/// A national procedure code (mã thủ tục hành chính), such as `1.001193`, or a demo code such as `DEMO-HT-01`.
/// Kept verbatim: it is the key in URLs, packs and dossiers.
pub fn parse_procedure_code(raw: &str) -> Result<String, &'static str> {
    let value = raw.trim();
    let ok = (1..=40).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && value.starts_with(|c: char| c.is_ascii_alphanumeric());
    if ok {
        Ok(value.to_owned())
    } else {
        Err("procedure_code.invalid")
    }
}

/// Codes of document types and fees: short, upper case, URL- and CSV-safe.
pub fn parse_catalogue_code(raw: &str) -> Result<String, &'static str> {
    let value = raw.trim().to_ascii_uppercase();
    let ok = (1..=40).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
    if ok { Ok(value) } else { Err("code.invalid") }
}

/// A key inside one procedure (component, form field): lower-case ASCII words joined by `_`.
pub fn is_snake_key(key: &str) -> bool {
    (1..=40).contains(&key.len())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_template_key(key: &str) -> bool {
    (1..=60).contains(&key.len())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The administrative level that carries out a procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImplLevel {
    Province,
    District,
    Commune,
}

impl ImplLevel {
    pub const ALL: [ImplLevel; 3] = [Self::Province, Self::District, Self::Commune];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::District => "district",
            Self::Commune => "commune",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Province => "Cấp tỉnh",
            Self::District => "Cấp huyện",
            Self::Commune => "Cấp xã",
        }
    }
}

/// The online service level of Decree 42/2022 Art. 11.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceLevel {
    /// Dịch vụ công trực tuyến toàn trình.
    Full,
    /// Dịch vụ công trực tuyến một phần.
    Partial,
    /// Not offered online: information and templates only.
    None,
}

impl ServiceLevel {
    pub const ALL: [ServiceLevel; 3] = [Self::Full, Self::Partial, Self::None];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Partial => "partial",
            Self::None => "none",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Full => "Dịch vụ công trực tuyến toàn trình",
            Self::Partial => "Dịch vụ công trực tuyến một phần",
            Self::None => "Chưa cung cấp trực tuyến",
        }
    }

    pub fn is_online(self) -> bool {
        self != Self::None
    }
}

/// k) where a dossier may be submitted and the result returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Channels {
    pub counter: bool,
    pub postal: bool,
    pub online: bool,
}

/// đ) the statutory processing time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    WorkingDays,
    WorkingHours,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessingTime {
    pub amount: u32,
    pub unit: TimeUnit,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl ProcessingTime {
    pub fn in_hours(&self) -> u32 {
        match self.unit {
            TimeUnit::WorkingDays => self.amount.saturating_mul(HOURS_PER_WORKING_DAY),
            TimeUnit::WorkingHours => self.amount,
        }
    }

    /// "05 ngày làm việc", "04 giờ làm việc", or "Trả kết quả ngay" for zero.
    pub fn label(&self) -> String {
        match (self.amount, self.unit) {
            (0, _) => "Trả kết quả ngay khi tiếp nhận hồ sơ".into(),
            (n, TimeUnit::WorkingDays) => format!("{n:02} ngày làm việc"),
            (n, TimeUnit::WorkingHours) => format!("{n:02} giờ làm việc"),
        }
    }
}

/// d) one component of the dossier with its number of originals and copies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    pub key: String,
    pub name: String,
    pub originals: u32,
    pub copies: u32,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// i) a fee of the shared fee catalogue as it applies to this procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeRef {
    pub fee: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A template as stored with a version: the file itself lives once in `template_files`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateRef {
    pub key: String,
    pub name: String,
    pub file_name: String,
    pub media_type: String,
    pub sha256: String,
    pub size: u64,
}

/// One step of the internal process (quy trình nội bộ) with its allotted working hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowStep {
    pub name: String,
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub hours: u32,
}

/// The level-1 information of one procedure version. `T` is how templates are carried: [`TemplateRef`] once stored,
/// the pack's inline files while importing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, bound(deserialize = "T: Deserialize<'de>"))]
pub struct Procedure<T = TemplateRef> {
    pub code: String,
    #[serde(default)]
    pub demo: bool,
    pub name: String,
    pub sector: String,
    pub level: ImplLevel,
    pub service_level: ServiceLevel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legacy_level: Option<u8>,
    #[serde(default)]
    pub immediate_result: bool,
    /// Working days after receipt within which the competent unit may still ask for a supplement, when sector law
    /// sets a period other than Decree 61 Art. 19(4)'s three days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplement_days: Option<u32>,
    /// How long its closed dossiers are kept before they go to the archives; absent: the office default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_years: Option<Retention>,
    pub steps: Vec<String>,
    pub method: String,
    pub channels: Channels,
    pub components: Vec<Component>,
    pub processing_time: ProcessingTime,
    pub applicants: String,
    pub implementing_agency: String,
    pub deciding_agency: String,
    pub result: String,
    #[serde(default)]
    pub conditions: String,
    #[serde(default)]
    pub fees: Vec<FeeRef>,
    #[serde(default)]
    pub fee_note: String,
    #[serde(default)]
    pub templates: Vec<T>,
    pub legal_basis: Vec<String>,
    #[serde(default)]
    pub announcement: String,
    pub workflow: Vec<WorkflowStep>,
    #[serde(default)]
    pub form: Vec<FormField>,
}

/// What a template must expose for the shared checks.
pub trait TemplateKey {
    fn key(&self) -> &str;
    fn name(&self) -> &str;
}

impl TemplateKey for TemplateRef {
    fn key(&self) -> &str {
        &self.key
    }
    fn name(&self) -> &str {
        &self.name
    }
}

/// Codes that exist in the office's shared catalogues (plus those arriving in the same pack).
pub trait CatalogueLookup {
    fn has_sector(&self, code: &str) -> bool;
    fn has_doc_type(&self, code: &str) -> bool;
    fn has_fee(&self, code: &str) -> bool;
}

fn text_required(errors: &mut FieldErrors, field: &str, value: &str, max: usize) {
    if value.trim().is_empty() {
        errors.add(field, "required");
    } else if value.chars().count() > max {
        errors.add(field, "too_long");
    }
}

impl<T: TemplateKey> Procedure<T> {
    /// Every rule of docs/PROCEDURE-PACK.md, collected at once, keyed by the JSON path of the offending value.
    pub fn check(&self, catalogue: &dyn CatalogueLookup) -> FieldErrors {
        let mut e = FieldErrors::new();
        if parse_procedure_code(&self.code).is_err() {
            e.add("code", "invalid");
        }
        text_required(&mut e, "name", &self.name, 500);
        match parse_sector_code(&self.sector) {
            Err(_) => e.add("sector", "invalid"),
            Ok(code) if !catalogue.has_sector(&code) => e.add("sector", "unknown"),
            Ok(_) => {}
        }
        if let Some(level) = self.legacy_level
            && !(1..=4).contains(&level)
        {
            e.add("legacy_level", "range");
        }
        if self.supplement_days.is_some_and(|d| !(1..=60).contains(&d)) {
            e.add("supplement_days", "range");
        }
        if let Some(problem) = self.retention_years.and_then(Retention::problem) {
            e.add("retention_years", problem);
        }
        if self.steps.is_empty() {
            e.add("steps", "required");
        }
        for (i, step) in self.steps.iter().enumerate() {
            text_required(&mut e, &format!("steps[{i}]"), step, 4000);
        }
        text_required(&mut e, "method", &self.method, 4000);
        if self.channels.online != self.service_level.is_online() {
            e.add("channels.online", "mismatch_service_level");
        }
        if !(self.channels.counter || self.channels.postal || self.channels.online) {
            e.add("channels", "required");
        }
        self.check_components(&mut e, catalogue);
        self.check_time_and_workflow(&mut e);
        text_required(&mut e, "applicants", &self.applicants, 4000);
        text_required(
            &mut e,
            "implementing_agency",
            &self.implementing_agency,
            500,
        );
        text_required(&mut e, "deciding_agency", &self.deciding_agency, 500);
        text_required(&mut e, "result", &self.result, 4000);
        for (i, fee) in self.fees.iter().enumerate() {
            if !catalogue.has_fee(&fee.fee) {
                e.add(&format!("fees[{i}].fee"), "unknown");
            }
        }
        for (i, t) in self.templates.iter().enumerate() {
            if !is_template_key(t.key()) {
                e.add(&format!("templates[{i}].key"), "invalid");
            }
            if self.templates[..i].iter().any(|o| o.key() == t.key()) {
                e.add(&format!("templates[{i}].key"), "duplicate");
            }
            text_required(&mut e, &format!("templates[{i}].name"), t.name(), 300);
        }
        if self.legal_basis.is_empty() {
            e.add("legal_basis", "required");
        }
        for (i, basis) in self.legal_basis.iter().enumerate() {
            text_required(&mut e, &format!("legal_basis[{i}]"), basis, 1000);
        }
        if self.service_level.is_online() && self.form.is_empty() {
            e.add("form", "required_online");
        }
        check_form(&self.form, "form", &mut e);
        e
    }

    fn check_components(&self, e: &mut FieldErrors, catalogue: &dyn CatalogueLookup) {
        if self.components.is_empty() {
            e.add("components", "required");
        }
        for (i, c) in self.components.iter().enumerate() {
            let at = |f: &str| format!("components[{i}].{f}");
            if !is_snake_key(&c.key) {
                e.add(&at("key"), "invalid");
            } else if self.components[..i].iter().any(|o| o.key == c.key) {
                e.add(&at("key"), "duplicate");
            }
            text_required(e, &at("name"), &c.name, 1000);
            if c.originals > 20 || c.copies > 20 {
                e.add(&at("copies"), "range");
            } else if c.originals == 0 && c.copies == 0 {
                e.add(&at("copies"), "none");
            }
            if let Some(dt) = &c.doc_type
                && !catalogue.has_doc_type(dt)
            {
                e.add(&at("doc_type"), "unknown");
            }
            if let Some(t) = &c.template
                && !self.templates.iter().any(|x| x.key() == t)
            {
                e.add(&at("template"), "unknown");
            }
        }
    }

    fn check_time_and_workflow(&self, e: &mut FieldErrors) {
        if self.processing_time.amount == 0 && !self.immediate_result {
            e.add("processing_time.amount", "zero_without_immediate");
        }
        if self.processing_time.amount > 365 * HOURS_PER_WORKING_DAY {
            e.add("processing_time.amount", "range");
        }
        if self.workflow.is_empty() {
            e.add("workflow", "required");
        }
        for (i, step) in self.workflow.iter().enumerate() {
            text_required(e, &format!("workflow[{i}].name"), &step.name, 300);
            match Role::parse(&step.role) {
                Ok(Role::Admin) | Err(_) => e.add(&format!("workflow[{i}].role"), "invalid"),
                Ok(_) => {}
            }
        }
        let total: u32 = self.workflow.iter().map(|s| s.hours).sum();
        if total > self.processing_time.in_hours() {
            e.add("workflow", "exceeds_processing_time");
        }
    }
}

impl<T> Procedure<T> {
    /// The same content with templates carried differently (inline files ⇄ stored references).
    pub fn map_templates<U>(self, mut f: impl FnMut(T) -> U) -> Procedure<U> {
        match self.try_map_templates(|t| Ok::<_, std::convert::Infallible>(f(t))) {
            Ok(p) => p,
            Err(never) => match never {},
        }
    }

    /// Like [`Procedure::map_templates`], stopping at the first template that cannot be converted.
    pub fn try_map_templates<U, E>(
        self,
        f: impl FnMut(T) -> Result<U, E>,
    ) -> Result<Procedure<U>, E> {
        Ok(Procedure {
            templates: self
                .templates
                .into_iter()
                .map(f)
                .collect::<Result<_, E>>()?,
            code: self.code,
            demo: self.demo,
            name: self.name,
            sector: self.sector,
            level: self.level,
            service_level: self.service_level,
            legacy_level: self.legacy_level,
            immediate_result: self.immediate_result,
            supplement_days: self.supplement_days,
            retention_years: self.retention_years,
            steps: self.steps,
            method: self.method,
            channels: self.channels,
            components: self.components,
            processing_time: self.processing_time,
            applicants: self.applicants,
            implementing_agency: self.implementing_agency,
            deciding_agency: self.deciding_agency,
            result: self.result,
            conditions: self.conditions,
            fees: self.fees,
            fee_note: self.fee_note,
            legal_basis: self.legal_basis,
            announcement: self.announcement,
            workflow: self.workflow,
            form: self.form,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sector_codes_follow_the_mx1x2_lv_grammar() {
        assert_eq!(parse_sector_code("h40-ht"), Ok("H40-HT".into()));
        assert!(parse_sector_code("H40").is_err());
        assert!(parse_sector_code("Z40-HT").is_err());
        assert!(parse_sector_code("H40-").is_err());
        assert!(parse_sector_code("H40-HỘ").is_err());
    }

    #[test]
    fn procedure_codes_accept_national_and_demo_codes_only() {
        assert!(parse_procedure_code("1.001193").is_ok());
        assert!(parse_procedure_code("DEMO-HT-01").is_ok());
        assert!(parse_procedure_code("-1").is_err());
        assert!(parse_procedure_code("a b").is_err());
        assert!(parse_procedure_code("").is_err());
    }

    #[test]
    fn processing_time_converts_working_days_to_hours() {
        let t = ProcessingTime {
            amount: 3,
            unit: TimeUnit::WorkingDays,
            note: String::new(),
        };
        assert_eq!(t.in_hours(), 24);
        assert_eq!(t.label(), "03 ngày làm việc");
    }
}
