//! The office this installation serves: its agency and the identity shown on every page.

use crate::domain::FieldErrors;
use crate::domain::org::AgencyCode;
use crate::domain::text::clean_line;
use crate::store::audit::Outcome;
use crate::store::settings::OfficeInfo;
use crate::store::{Db, org, settings};

use super::{Context, ServiceError};

/// Records the agency at `init` and makes it the office shown in headers and footers.
pub async fn register_agency(
    db: &Db,
    ctx: &Context,
    code: &str,
    name: &str,
) -> Result<(), ServiceError> {
    let mut errors = FieldErrors::new();
    let code = errors.take("agency_code", AgencyCode::parse(code));
    let name = clean_line(name);
    if name.is_empty() || name.chars().count() > 200 {
        errors.add("agency_name", "agency_name.invalid");
    }
    errors.into_result()?;
    let Some(code) = code else {
        return Err(ServiceError::Invalid(FieldErrors::new()));
    };
    let ctx = ctx.clone();
    db.write(move |tx| {
        let agency = org::Agency {
            code: code.to_string(),
            name: name.clone(),
            level: "district".to_owned(),
            parent_code: None,
            admin_unit_code: None,
            address: String::new(),
            phone: String::new(),
            email: String::new(),
            is_demo: false,
        };
        org::insert_agency(tx, &agency)
            .map_err(|_| ServiceError::field("agency_code", "agency_code.taken"))?;
        let office = OfficeInfo {
            office_name: name.clone(),
            owner_agency: name,
            agency_code: code.to_string(),
            ..OfficeInfo::default()
        };
        settings::set_office(tx, &office)?;
        ctx.audit(tx, "agency.create", code.as_str(), Outcome::Ok, "")?;
        Ok(())
    })
    .await
}
