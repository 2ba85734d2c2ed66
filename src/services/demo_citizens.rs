//! The demo office's two citizens (api.md: "two demo citizens"), with profiles and earlier dossiers submitted on
//! the portal through the real services: Nguyễn Thị Mai has a finished dossier with a signed electronic result
//! and another the office asked her to supplement; Trần Văn Hùng has one waiting to be received.

use crate::filestore::FileStore;

use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::config::SecurityConfig;
use crate::domain::citizen::{Profile, ProfileInput};
use crate::store::{Db, citizens, settings};

use super::citizens::auth::CitizenPrincipal;
use super::demo_dossiers::{acting, action};
use super::dossiers::documents::NewDocument;
use super::dossiers::{self, DossierSettings};
use super::{Context, ServiceError, cpu, submissions};

const FLAG: &str = "demo_citizens_loaded";

/// (ID number, full name, date of birth, phone, e-mail)
pub const CITIZENS: [(&str, &str, &str, &str, &str); 2] = [
    (
        "027190001234",
        "Nguyễn Thị Mai",
        "1990-03-12",
        "0912000101",
        "mai.nguyen@example.vn",
    ),
    (
        "027085004321",
        "Trần Văn Hùng",
        "1985-07-20",
        "0912000102",
        "hung.tran@example.vn",
    ),
];

/// Bắc Ninh and its commune Tiên Du in today's national list (the demo office's district before 01/07/2025).
const PROVINCE: &str = "24";
const COMMUNE: &str = "09319";

/// A one-page PDF with a line of text, standing in for a scanned paper.
pub fn sample_pdf(text: &str) -> Vec<u8> {
    let content = format!("BT /F1 14 Tf 72 760 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// The answers of the marital-status certificate form (DEMO-HT-07) that the profile cannot fill.
fn marital_answers(prefilled: &Value, sex: &str) -> Value {
    let mut v = prefilled.clone();
    let extra = json!({
        "gioi_tinh": sex,
        "dan_toc": "Kinh",
        "quoc_tich": "Việt Nam",
        "tinh_trang_hon_nhan": "Chưa kết hôn với ai",
        "qua_trinh_cu_tru": [
            {"noi_cu_tru": {"province": PROVINCE, "commune": COMMUNE, "detail": "Thôn Nội Duệ"}, "tu_ngay": "2008-09-01", "den_ngay": "2016-06-30"}
        ],
        "muc_dich": "Mục đích khác",
        "muc_dich_khac": "Bổ sung hồ sơ xin việc",
        "so_ban": 1,
        "hinh_thuc_nhan_ket_qua": "Nhận bản điện tử trên Cổng Dịch vụ công",
    });
    if let (Some(target), Some(extra)) = (v.as_object_mut(), extra.as_object()) {
        target.extend(extra.clone());
    }
    v
}

fn extract_answers(prefilled: &Value) -> Value {
    let mut v = prefilled.clone();
    let extra = json!({
        "quan_he": "Bản thân",
        "loai_trich_luc": "Khai sinh",
        "nguoi_duoc_cap_ho_ten": "Nguyễn Thị Mai",
        "nguoi_duoc_cap_ngay_sinh": "1990-03-12",
        "noi_dang_ky": "Ủy ban nhân dân xã Nội Duệ, huyện Tiên Du",
        "so_ban": 2,
        "hinh_thuc_nhan_ket_qua": "Nhận trực tiếp tại Bộ phận Một cửa",
    });
    if let (Some(target), Some(extra)) = (v.as_object_mut(), extra.as_object()) {
        target.extend(extra.clone());
    }
    v
}

/// A citizen's principal for acting through the services (no web session).
async fn principal(db: &Db, id_number: &'static str) -> Result<CitizenPrincipal, ServiceError> {
    let a = db
        .read(move |c| {
            citizens::find_by_id_number(c, id_number)?.ok_or(crate::store::StoreError::NotFound)
        })
        .await?;
    Ok(CitizenPrincipal {
        citizen_id: a.id,
        public_ref: a.public_ref,
        full_name: a.full_name,
        id_number: a.id_number,
        session_id: 0,
        token: String::new(),
    })
}

/// Submits one online dossier for `me` on the portal's path: a draft, the answers, a paper for component 1, the
/// delivery choice, submission.
async fn submit(
    db: &Db,
    files: &FileStore,
    ctx: &Context,
    me: &CitizenPrincipal,
    procedure: &str,
    answers: impl Fn(&Value) -> Value,
) -> Result<String, ServiceError> {
    let draft = submissions::start(db, ctx, me, procedure).await?;
    let view = submissions::load(db, me, &draft).await?;
    submissions::save_answers(db, ctx, me, &draft, &answers(&view.answers)).await?;
    let pdf = sample_pdf("To khai (minh hoa)");
    let paper = NewDocument {
        file_name: "to-khai.pdf".into(),
        bytes: pdf,
        kind: "submitted".into(),
        component: Some(1),
        confidential: false,
        certify: false,
    };
    submissions::attach(db, files.clone(), ctx, me, &draft, paper).await?;
    submissions::save_delivery(db, ctx, me, &draft, "online", "").await?;
    let row = submissions::submit(db, ctx, &DossierSettings::default(), me, &draft).await?;
    Ok(row.public_id)
}

/// Creates the demo citizens and their dossiers once; returns how many citizens were created, or `None` when
/// they were already there.
pub async fn load(
    db: &Db,
    security: &SecurityConfig,
    files: FileStore,
    result_secret: &[u8],
    password: &str,
    now: OffsetDateTime,
) -> Result<Option<usize>, ServiceError> {
    if db.read(|c| settings::get(c, FLAG)).await?.is_some() {
        return Ok(None);
    }
    let at = |minutes: i64| Context {
        actor: "demo".to_owned(),
        ip: "local".to_owned(),
        now: now - time::Duration::days(6) + time::Duration::minutes(minutes),
    };
    let cost = security.pbkdf2_cost();
    let password = password.to_owned();
    let hash = cpu(move || crate::crypto::hash_password(&password, cost)).await?;
    for (id_number, name, born, phone, email) in CITIZENS {
        let input = ProfileInput {
            full_name: name.into(),
            id_number: id_number.into(),
            date_of_birth: born.into(),
            phone: phone.into(),
            email: email.into(),
            province: PROVINCE.into(),
            commune: COMMUNE.into(),
            address_detail: "Thôn Đông".into(),
        };
        let profile = Profile::parse(&input, now.date()).map_err(ServiceError::Invalid)?;
        super::citizens::create(db, &at(0), profile, hash.clone(), None).await?;
    }
    let settings = DossierSettings::default();
    let mai = principal(db, CITIZENS[0].0).await?;
    let hung = principal(db, CITIZENS[1].0).await?;
    let officer = acting(db, "motcua.canbo1").await?;
    let (head, specialist) = (
        acting(db, "tuphap.truong").await?,
        acting(db, "tuphap.chuyenvien").await?,
    );
    let specialist_id = match specialist.actor {
        crate::domain::dossier::Actor::Staff { id, .. } => id,
        _ => 0,
    };

    // Mai's finished dossier, with a signed electronic result she can download, verify and rate.
    let done = submit(db, &files, &at(10), &mai, "DEMO-HT-07", |v| {
        marital_answers(v, "Nữ")
    })
    .await?;
    let steps: [(&crate::services::dossiers::Acting, &str, Value); 7] = [
        (&officer, "receive", json!({})),
        (&officer, "transfer", json!({"to_unit": "H40.12.2"})),
        (&head, "assign", json!({"to_user": specialist_id})),
        (&specialist, "approve", json!({})),
        (&head, "approve", json!({})),
        (&specialist, "complete", json!({})),
        (
            &officer,
            "notify_applicant",
            json!({"method": "Cổng dịch vụ công"}),
        ),
    ];
    for (i, (who, name, extra)) in steps.into_iter().enumerate() {
        dossiers::act(
            db,
            &at(60 + 40 * i as i64),
            &settings,
            who,
            &done,
            action(name, extra),
            None,
        )
        .await
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("demo step {name}: {e}")))?;
    }
    let result = sample_pdf("Giay xac nhan tinh trang hon nhan (minh hoa)");
    super::results::issue(
        db,
        &at(400),
        files.clone(),
        result_secret,
        &officer,
        &done,
        "giay-xac-nhan-tinh-trang-hon-nhan.pdf".into(),
        result,
    )
    .await?;
    dossiers::act(
        db,
        &at(420),
        &settings,
        &officer,
        &done,
        action("return_result", json!({})),
        None,
    )
    .await?;

    // Mai's second dossier, which the officer asked her to complete before receiving it.
    let asked = submit(db, &files, &at(600), &mai, "DEMO-HT-05", extract_answers).await?;
    let reason = json!({"reason": "Tờ khai chưa ghi số, ngày đăng ký khai sinh (minh hoạ).", "items": ["Tờ khai có ghi số và ngày đăng ký khai sinh"]});
    dossiers::act(
        db,
        &at(660),
        &settings,
        &officer,
        &asked,
        action("request_supplement", reason),
        None,
    )
    .await?;

    // Hùng's dossier waiting in "Mới đăng ký".
    submit(db, &files, &at(700), &hung, "DEMO-HT-07", |v| {
        marital_answers(v, "Nam")
    })
    .await?;

    let stamp = crate::store::format_time(now);
    db.write(move |tx| settings::set(tx, FLAG, &stamp).map_err(ServiceError::from))
        .await?;
    Ok(Some(CITIZENS.len()))
}
