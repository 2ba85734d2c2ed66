//! Citizen accounts of the portal: self-registration with a checked citizen ID number and a home address from the
//! administrative-unit catalogue, the profile, and the acting party a citizen is in the dossier lifecycle.

pub mod auth;
pub mod oidc;
pub mod reset;

use crate::config::SecurityConfig;
use crate::crypto::{hash_password, random_token};
use crate::domain::citizen::{Profile, ProfileInput};
use crate::domain::dossier::Actor;
use crate::domain::error::FieldErrors;
use crate::store::admin_units::{self, Era};
use crate::store::audit::Outcome;
use crate::store::citizens::{self, CitizenAccount, CitizenId, ProfileRow};
use crate::store::{Db, StoreError};

use super::dossiers::Acting;
use super::{Context, ServiceError, cpu, on_conflict};

pub use auth::CitizenPrincipal;

/// The acting party of a dossier action taken by a signed-in citizen: the applicant, on their own dossiers only.
pub fn owner_acting(p: &CitizenPrincipal) -> Acting {
    Acting {
        actor: Actor::Owner,
        name: p.full_name.clone(),
        reference: p.owner_ref(),
        unit: None,
    }
}

/// Addresses are in today's national list (provinces and communes from 01/07/2025), whatever era the office's
/// own communes are still in.
pub const ADDRESS_ERA: Era = Era::Jul2025;

/// The date as stored (ISO `YYYY-MM-DD`), for the profile row.
fn iso_date(d: time::Date) -> String {
    d.to_string()
}

/// The province and commune must be current units of the office's era, the commune inside the province.
fn check_place(conn: &rusqlite::Connection, p: &Profile) -> Result<FieldErrors, StoreError> {
    check_codes(conn, &p.province, &p.commune)
}

/// `check_place` on the raw codes of a form whose other fields failed, so a wrong place is reported with the
/// rest; an empty code is left to the "required" check.
fn check_codes(
    conn: &rusqlite::Connection,
    province: &str,
    commune: &str,
) -> Result<FieldErrors, StoreError> {
    let era = ADDRESS_ERA;
    let mut e = FieldErrors::new();
    if province.is_empty() {
        return Ok(e);
    }
    let found = admin_units::get(conn, era, province).ok();
    if found.as_ref().is_none_or(|u| u.level != "province") {
        e.add("province", "place.unknown");
        return Ok(e);
    }
    if commune.is_empty() {
        return Ok(e);
    }
    match admin_units::get(conn, era, commune) {
        Ok(c) if c.level == "commune" && c.parent_code.as_deref() == Some(province) => {}
        _ => e.add("commune", "place.unknown"),
    }
    Ok(e)
}

/// The place errors of a form that failed elsewhere, to report with the others.
async fn place_errors(db: &Db, input: &ProfileInput) -> Result<FieldErrors, ServiceError> {
    let (province, commune) = (
        input.province.trim().to_owned(),
        input.commune.trim().to_owned(),
    );
    Ok(db
        .read(move |c| check_codes(c, &province, &commune))
        .await?)
}

/// The full address line ("Số 5 ngõ 12, Phường Ba Đình, Thành phố Hà Nội") for forms and prefill.
pub fn address_line(conn: &rusqlite::Connection, a: &CitizenAccount) -> String {
    let era = ADDRESS_ERA;
    let name = |code: &str| {
        admin_units::get(conn, era, code)
            .map(|u| u.name)
            .unwrap_or_default()
    };
    [
        a.address_detail.clone(),
        name(&a.commune_code),
        name(&a.province_code),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(", ")
}

fn profile_row<'a>(p: &'a Profile, dob: &'a Option<String>) -> ProfileRow<'a> {
    ProfileRow {
        full_name: &p.full_name,
        date_of_birth: dob.as_deref(),
        phone: &p.phone,
        email: &p.email,
        province_code: &p.province,
        commune_code: &p.commune,
        address_detail: &p.address_detail,
    }
}

/// Creates an account from the registration form. Every field error is reported at once; an ID number that
/// already has an account is refused without saying more than that.
pub async fn register(
    db: &Db,
    security: &SecurityConfig,
    ctx: &Context,
    input: &ProfileInput,
    password: &str,
    password_again: &str,
) -> Result<CitizenAccount, ServiceError> {
    let today = ctx.now.date();
    let mut errors = FieldErrors::new();
    let profile = Profile::parse(input, today).map_err(|e| errors = e).ok();
    let password = match security
        .password_policy()
        .check(password, input.id_number.trim())
    {
        Ok(p) if p == crate::domain::text::nfc(password_again) => Some(p),
        Ok(_) => {
            errors.add("password_again", "password.mismatch");
            None
        }
        Err(code) => {
            errors.add("password", code);
            None
        }
    };
    let (Some(profile), Some(password)) = (profile, password) else {
        errors.0.extend(place_errors(db, input).await?.0);
        return Err(ServiceError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let cost = security.pbkdf2_cost();
    let hash = cpu(move || hash_password(&password, cost)).await?;
    create(db, ctx, profile, hash, None).await
}

/// Inserts a checked profile as a new account (registration, an external identity's first sign-in, the demo).
pub async fn create(
    db: &Db,
    ctx: &Context,
    profile: Profile,
    password_hash: String,
    oidc_subject: Option<String>,
) -> Result<CitizenAccount, ServiceError> {
    let ctx = ctx.clone();
    db.write(move |tx| {
        let places = check_place(tx, &profile)?;
        if !places.is_empty() {
            return Err(ServiceError::Invalid(places));
        }
        let dob = profile.date_of_birth.map(iso_date);
        let public_ref = random_token(12);
        let id = citizens::insert(
            tx,
            &public_ref,
            profile.id_number.as_str(),
            &profile_row(&profile, &dob),
            &password_hash,
            oidc_subject.as_deref(),
            &ctx.now_text(),
        )
        .map_err(on_conflict("id_number", "citizen.exists"))?;
        let detail = if oidc_subject.is_some() {
            "external identity"
        } else {
            "self-registration"
        };
        ctx.audit(
            tx,
            "citizen.register",
            &format!("citizen:{public_ref}"),
            Outcome::Ok,
            detail,
        )?;
        Ok(citizens::get(tx, id)?)
    })
    .await
}

/// Saves the profile form. The ID number is the account's identity and cannot be changed here.
pub async fn update_profile(
    db: &Db,
    ctx: &Context,
    citizen: CitizenId,
    input: &ProfileInput,
) -> Result<CitizenAccount, ServiceError> {
    let (db2, ctx) = (db.clone(), ctx.clone());
    let account = db2.read(move |c| citizens::get(c, citizen)).await?;
    let input = ProfileInput {
        id_number: account.id_number.clone(),
        ..input.clone()
    };
    let profile = match Profile::parse(&input, ctx.now.date()) {
        Ok(p) => p,
        Err(mut errors) => {
            errors.0.extend(place_errors(db, &input).await?.0);
            return Err(ServiceError::Invalid(errors));
        }
    };
    db.write(move |tx| {
        let places = check_place(tx, &profile)?;
        if !places.is_empty() {
            return Err(ServiceError::Invalid(places));
        }
        let dob = profile.date_of_birth.map(iso_date);
        citizens::update_profile(tx, citizen, &profile_row(&profile, &dob))?;
        ctx.audit(tx, "citizen.profile", &account.owner_ref(), Outcome::Ok, "")?;
        Ok(citizens::get(tx, citizen)?)
    })
    .await
}

/// The account behind a principal, fresh from the database.
pub async fn account(db: &Db, citizen: CitizenId) -> Result<CitizenAccount, ServiceError> {
    Ok(db.read(move |c| citizens::get(c, citizen)).await?)
}

/// Marks the citizen's notifications read: those about one dossier (opening it) or all (opening the list). Reads
/// first, so a page view writes only when something was unread.
pub async fn mark_notices_read(
    db: &Db,
    citizen: CitizenId,
    dossier_id: Option<i64>,
) -> Result<(), ServiceError> {
    use crate::store::citizens::notices;
    if db
        .read(move |c| notices::unread_about(c, citizen, dossier_id))
        .await?
        == 0
    {
        return Ok(());
    }
    db.write(move |tx| {
        let now = crate::store::format_time(time::OffsetDateTime::now_utc());
        match dossier_id {
            Some(d) => notices::mark_dossier_read(tx, citizen, d, &now)?,
            None => notices::mark_all_read(tx, citizen, &now)?,
        };
        Ok(())
    })
    .await
}
