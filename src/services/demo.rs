//! The demo office: a district People's Committee (UBND huyện Tiên Du, Bắc Ninh, with its real statistical codes as
//! of 01/03/2025) with its one-stop section, six specialist units (the office among them, where the archivist works),
//! the leadership and three communes, plus a staff account for every role. The agency identifier codes are invented
//! for the demo and marked as such.

use crate::config::SecurityConfig;
use crate::domain::org::UnitKind;
use crate::store::audit::Outcome;
use crate::store::settings::OfficeInfo;
use crate::store::{Db, org, settings};

use super::accounts::{NewStaffForm, create_staff};
use super::{Context, ServiceError};

/// The demo agency's identifier code: shaped like a Decision 20/2020 code but not an official one.
pub const DEMO_AGENCY: &str = "H40.12";
const DEMO_FLAG: &str = "demo_loaded";

const UNITS: [(&str, &str, UnitKind); 8] = [
    (
        "H40.12.1",
        "Bộ phận Tiếp nhận và Trả kết quả",
        UnitKind::OneStop,
    ),
    ("H40.12.2", "Phòng Tư pháp", UnitKind::Specialist),
    (
        "H40.12.3",
        "Phòng Tài chính - Kế hoạch",
        UnitKind::Specialist,
    ),
    ("H40.12.4", "Phòng Kinh tế và Hạ tầng", UnitKind::Specialist),
    (
        "H40.12.5",
        "Phòng Tài nguyên và Môi trường",
        UnitKind::Specialist,
    ),
    (
        "H40.12.6",
        "Phòng Lao động - Thương binh và Xã hội",
        UnitKind::Specialist,
    ),
    (
        "H40.12.7",
        "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện",
        UnitKind::Specialist,
    ),
    (
        "H40.12.9",
        "Lãnh đạo Ủy ban nhân dân huyện",
        UnitKind::Leadership,
    ),
];

/// (statistical code, name, demo agency code of its People's Committee)
const COMMUNES: [(&str, &str, &str); 3] = [
    ("09319", "Thị trấn Lim", "H40.12.20"),
    ("09322", "Xã Phú Lâm", "H40.12.21"),
    ("09328", "Xã Nội Duệ", "H40.12.22"),
];

/// (username, full name, roles, unit)
const STAFF: [(&str, &str, &str, &str); 16] = [
    ("quantri", "Nguyễn Văn Quản", "admin", ""),
    ("lanhdao", "Trần Thị Lãnh", "leader", "H40.12.9"),
    (
        "motcua.truong",
        "Phạm Văn Trưởng",
        "head,officer",
        "H40.12.1",
    ),
    ("motcua.canbo1", "Lê Thị Một", "officer", "H40.12.1"),
    ("motcua.canbo2", "Hoàng Văn Cửa", "officer", "H40.12.1"),
    ("tuphap.truong", "Vũ Thị Pháp", "head", "H40.12.2"),
    ("tuphap.chuyenvien", "Đặng Văn Tư", "specialist", "H40.12.2"),
    ("taichinh.truong", "Bùi Thị Tài", "head", "H40.12.3"),
    (
        "taichinh.chuyenvien",
        "Đỗ Văn Chính",
        "specialist",
        "H40.12.3",
    ),
    ("kinhte.truong", "Ngô Thị Kinh", "head", "H40.12.4"),
    (
        "kinhte.chuyenvien",
        "Dương Văn Tế",
        "specialist",
        "H40.12.4",
    ),
    ("tainguyen.truong", "Lý Thị Nguyên", "head", "H40.12.5"),
    (
        "tainguyen.chuyenvien",
        "Phan Văn Môi",
        "specialist",
        "H40.12.5",
    ),
    ("laodong.truong", "Trịnh Thị Lao", "head", "H40.12.6"),
    (
        "laodong.chuyenvien",
        "Mai Văn Động",
        "specialist",
        "H40.12.6",
    ),
    ("luutru", "Đoàn Thị Lưu", "archivist", "H40.12.7"),
];

/// A demo account as printed at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub username: &'static str,
    pub full_name: &'static str,
    pub roles: &'static str,
    pub unit: &'static str,
}

/// Loads the demo office once. Returns the accounts it created, or `None` when it was already there.
pub async fn load(
    db: &Db,
    security: &SecurityConfig,
    ctx: &Context,
    password: &str,
) -> Result<Option<Vec<DemoAccount>>, ServiceError> {
    let already = db.read(|c| settings::get(c, DEMO_FLAG)).await?.is_some();
    if already {
        return Ok(None);
    }
    // Checked before anything is written, so a refused password leaves no half-made office behind.
    security
        .password_policy()
        .check(password, "demo")
        .map_err(|code| ServiceError::field("password", code))?;
    let ctx_org = ctx.clone();
    db.write(move |tx| {
        let district = org::Agency {
            code: DEMO_AGENCY.to_owned(),
            name: "Ủy ban nhân dân huyện Tiên Du".to_owned(),
            level: "district".to_owned(),
            parent_code: None,
            admin_unit_code: Some("260".to_owned()),
            address: "Thị trấn Lim, huyện Tiên Du, tỉnh Bắc Ninh".to_owned(),
            phone: "0222 3837 xxx (dữ liệu mẫu)".to_owned(),
            email: "motcua@tiendu.example.vn".to_owned(),
            is_demo: true,
        };
        org::insert_agency(tx, &district)?;
        for (code, name, kind) in UNITS {
            let unit = org::Unit {
                code: code.into(),
                agency_code: DEMO_AGENCY.into(),
                name: name.into(),
                kind: kind.as_str().into(),
            };
            org::insert_unit(tx, &unit)?;
        }
        for (code, name, agency_code) in COMMUNES {
            let agency = org::Agency {
                code: agency_code.into(),
                name: format!(
                    "Ủy ban nhân dân {}",
                    name.replacen("Thị trấn", "thị trấn", 1)
                        .replacen("Xã", "xã", 1)
                ),
                level: "commune".into(),
                parent_code: Some(DEMO_AGENCY.into()),
                admin_unit_code: Some(code.into()),
                address: format!("{name}, huyện Tiên Du, tỉnh Bắc Ninh"),
                phone: String::new(),
                email: String::new(),
                is_demo: true,
            };
            org::insert_agency(tx, &agency)?;
            org::insert_commune(
                tx,
                &org::Commune {
                    era: "2025-03".into(),
                    code: code.into(),
                    name: name.into(),
                    agency_code: DEMO_AGENCY.into(),
                },
            )?;
        }
        let office = OfficeInfo {
            office_name: "Ủy ban nhân dân huyện Tiên Du (dữ liệu mẫu)".into(),
            owner_agency: "Văn phòng HĐND và UBND huyện Tiên Du".into(),
            responsible_person: "Chánh Văn phòng HĐND và UBND huyện".into(),
            address: district.address.clone(),
            phone: district.phone.clone(),
            email: district.email.clone(),
            agency_code: DEMO_AGENCY.into(),
        };
        settings::set_office(tx, &office)?;
        settings::set(tx, DEMO_FLAG, &ctx_org.now_text())?;
        ctx_org.audit(
            tx,
            "demo.load",
            DEMO_AGENCY,
            Outcome::Ok,
            "demo office created",
        )?;
        Ok::<_, ServiceError>(())
    })
    .await?;
    let mut accounts = Vec::with_capacity(STAFF.len());
    for (username, full_name, roles, unit) in STAFF {
        let form = NewStaffForm {
            username: username.into(),
            full_name: full_name.into(),
            roles: roles.into(),
            unit: unit.into(),
            password: password.into(),
        };
        create_staff(db, security, ctx, form, false).await?;
        accounts.push(DemoAccount {
            username,
            full_name,
            roles,
            unit,
        });
    }
    Ok(Some(accounts))
}
