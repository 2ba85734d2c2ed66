//! Demo dossiers for the archivist: closed dossiers that finished years ago, taken through the real intake,
//! document and lifecycle services at backdated moments (as `demo_dossiers` does over the last weeks), so
//! `/staff/luu-tru` has dossiers past their retention: some under the office default (10 years), one under a
//! procedure's own shorter period (DEMO-CT-01, 2 years), one of a permanent procedure (DEMO-HT-01, never due), one
//! still within its period, and one already handed to the archives. Loaded once, after the demo dossiers.

use serde_json::{Value, json};
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};

use crate::domain::calendar::{WorkCalendar, from_local, to_local};
use crate::domain::dossier::{Actor, ApplicantInput};
use crate::store::{Db, settings};

use super::demo_citizens::sample_pdf;
use super::demo_dossiers::{acting, action};
use super::dossiers::documents::{self, NewDocument};
use super::dossiers::{self, Acting, DossierSettings, IntakeInput};
use super::{Context, ServiceError};
use crate::filestore::FileStore;

const FLAG: &str = "demo_archive_loaded";

/// How a demo dossier ended.
#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    /// Received, processed in its unit (or at the counter for an immediate procedure) and returned.
    Returned,
    /// Received, then withdrawn at the applicant's request.
    Withdrawn,
    /// Returned, and handed to the archives a month ago.
    Archived,
}

/// (procedure, unit with its head and specialist or none for the counter, months ago, end, applicant, ID number)
type Plan = (
    &'static str,
    Option<(&'static str, &'static str, &'static str)>,
    i32,
    End,
    &'static str,
    &'static str,
);

const KINH_TE: Option<(&str, &str, &str)> =
    Some(("H40.12.4", "kinhte.truong", "kinhte.chuyenvien"));
const TAI_NGUYEN: Option<(&str, &str, &str)> =
    Some(("H40.12.5", "tainguyen.truong", "tainguyen.chuyenvien"));
const TU_PHAP: Option<(&str, &str, &str)> =
    Some(("H40.12.2", "tuphap.truong", "tuphap.chuyenvien"));

const PLAN: [Plan; 8] = [
    (
        "DEMO-HKD-01",
        KINH_TE,
        12 * 12 + 2,
        End::Returned,
        "Nguyễn Thị Hằng",
        "027080002001",
    ),
    (
        "DEMO-XD-04",
        KINH_TE,
        11 * 12 + 7,
        End::Returned,
        "Trần Văn Hùng",
        "027079002002",
    ),
    (
        "DEMO-DD-03",
        TAI_NGUYEN,
        11 * 12 + 1,
        End::Returned,
        "Lê Thị Hương",
        "027182002003",
    ),
    (
        "DEMO-HKD-02",
        KINH_TE,
        10 * 12 + 4,
        End::Withdrawn,
        "Phạm Văn Khoa",
        "027081002004",
    ),
    (
        "DEMO-CT-01",
        None,
        3 * 12,
        End::Returned,
        "Vũ Thị Liên",
        "027190002005",
    ),
    (
        "DEMO-HT-01",
        TU_PHAP,
        12 * 12 + 5,
        End::Returned,
        "Đỗ Văn Lộc",
        "027078002006",
    ),
    (
        "DEMO-HKD-03",
        KINH_TE,
        4 * 12,
        End::Returned,
        "Bùi Thị Mai",
        "027185002007",
    ),
    (
        "DEMO-XD-04",
        KINH_TE,
        13 * 12,
        End::Archived,
        "Hoàng Văn Nam",
        "027077002008",
    ),
];

/// 08:30 (plus `minutes`) office time on the last working day on or before the day `months` months before `now`.
fn moment(
    calendar: &WorkCalendar,
    now: OffsetDateTime,
    months: i32,
    minutes: i64,
) -> OffsetDateTime {
    let today = to_local(now).date();
    let total = today.year() * 12 + i32::from(u8::from(today.month())) - 1 - months;
    let (year, month) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    let month =
        time::Month::try_from(u8::try_from(month).unwrap_or(1)).unwrap_or(time::Month::January);
    let mut day = Date::from_calendar_date(year, month, today.day().min(28)).unwrap_or(today);
    if !calendar.is_working_day(day) {
        day = calendar.working_day_before(day);
    }
    from_local(
        PrimitiveDateTime::new(day, Time::MIDNIGHT) + Duration::minutes(8 * 60 + 30 + minutes),
    )
}

/// Loads the archive demo once; returns how many dossiers it created, or `None` when they were already there.
pub async fn load(
    db: &Db,
    files: &FileStore,
    now: OffsetDateTime,
) -> Result<Option<usize>, ServiceError> {
    if db.read(|c| settings::get(c, FLAG)).await?.is_some() {
        return Ok(None);
    }
    let calendar = db.read(super::calendar::load).await?;
    let officer = acting(db, "motcua.canbo1").await?;
    let archivist = acting(db, "luutru").await?;
    let settings = DossierSettings::default();
    for (i, (procedure, route, months, end, name, id_number)) in PLAN.into_iter().enumerate() {
        let start = moment(&calendar, now, months, i64::try_from(i).unwrap_or(0) * 10);
        let mut step = 0;
        let mut next = || {
            step += 1;
            Context {
                actor: "demo".to_owned(),
                ip: "local".to_owned(),
                now: start + Duration::minutes(40 * step),
            }
        };
        let input = IntakeInput {
            procedure: procedure.to_owned(),
            channel: 1,
            applicant: ApplicantInput {
                kind: "person".to_owned(),
                name: name.to_owned(),
                id_number: id_number.to_owned(),
                address: "Thị trấn Lim, huyện Tiên Du, tỉnh Bắc Ninh".to_owned(),
                ..ApplicantInput::default()
            },
            components: (1..=10).collect(),
            then: Some(action("receive", json!({}))),
            ..IntakeInput::default()
        };
        let row = dossiers::intake(db, &next(), &settings, &officer, input, None).await?;
        let reference = row.public_id.clone();
        let scan = NewDocument {
            file_name: "Đơn đề nghị (bản quét).pdf".to_owned(),
            bytes: sample_pdf(&format!("Don de nghi - {id_number} (minh hoa)")),
            kind: "scan".to_owned(),
            component: Some(1),
            confidential: false,
            certify: true,
        };
        documents::attach(db, files.clone(), &next(), &officer, &reference, scan).await?;
        let take = |who: Acting, name: &str, extra: Value, ctx: Context| {
            let (db, settings, reference) = (db.clone(), settings.clone(), reference.clone());
            let input = action(name, extra);
            async move { dossiers::act(&db, &ctx, &settings, &who, &reference, input, None).await }
        };
        if end == End::Withdrawn {
            let reason = json!({"reason": "Người nộp đề nghị rút hồ sơ (minh hoạ)."});
            take(officer.clone(), "withdraw", reason, next()).await?;
            continue;
        }
        match route {
            Some((unit, head, specialist)) => {
                let (head, specialist) = (acting(db, head).await?, acting(db, specialist).await?);
                let specialist_id = match specialist.actor {
                    Actor::Staff { id, .. } => id,
                    _ => 0,
                };
                take(
                    officer.clone(),
                    "transfer",
                    json!({"to_unit": unit}),
                    next(),
                )
                .await?;
                take(
                    head.clone(),
                    "assign",
                    json!({"to_user": specialist_id}),
                    next(),
                )
                .await?;
                take(specialist.clone(), "approve", json!({}), next()).await?;
                take(head, "approve", json!({}), next()).await?;
                take(specialist, "complete", json!({}), next()).await?;
            }
            None => {
                take(officer.clone(), "complete", json!({}), next()).await?;
            }
        }
        let told = json!({"method": "Điện thoại"});
        take(officer.clone(), "notify_applicant", told, next()).await?;
        let result = NewDocument {
            file_name: "Kết quả (bản quét).pdf".to_owned(),
            bytes: sample_pdf(&format!("Ket qua giai quyet - {id_number} (minh hoa)")),
            kind: "result".to_owned(),
            component: None,
            confidential: false,
            certify: true,
        };
        documents::attach(db, files.clone(), &next(), &officer, &reference, result).await?;
        take(officer.clone(), "return_result", json!({}), next()).await?;
        if end == End::Archived {
            let ctx = Context {
                actor: "demo".to_owned(),
                ip: "local".to_owned(),
                now: now - Duration::days(30),
            };
            let years = crate::domain::archive::DEFAULT_RETENTION_YEARS;
            dossiers::archive::mark_archived(db, &ctx, &archivist, &reference, years, None).await?;
        }
    }
    let at = crate::store::format_time(now);
    db.write(move |tx| settings::set(tx, FLAG, &at).map_err(ServiceError::from))
        .await?;
    Ok(Some(PLAN.len()))
}
