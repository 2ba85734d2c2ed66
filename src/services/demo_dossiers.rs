//! Demo dossiers: two dozen dossiers of the demo office in every stage (waiting online, at the counter, in the
//! units, waiting for a supplement or a fee, signed, returned, refused, one overdue), taken through the real
//! intake and lifecycle services at moments spread over the last working weeks, so queues, the leader's view and
//! the printed forms have something to show. Loaded once, with the demo office.

use serde_json::{Value, json};
use time::{Duration, OffsetDateTime, PrimitiveDateTime, Time};

use crate::domain::calendar::{from_local, to_local};
use crate::domain::dossier::{ActionInput, Actor, ApplicantInput};
use crate::store::{Db, StoreError, settings, staff};

use super::demo_citizens::sample_pdf;
use super::dossiers::documents::{self, NewDocument};
use super::dossiers::{self, Acting, DossierSettings, IntakeInput};
use super::{Context, ServiceError};
use crate::filestore::FileStore;

const FLAG: &str = "demo_dossiers_loaded";

/// How far each demo dossier goes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Upto {
    Registered,
    Refused,
    Received,
    AtUnit,
    Appraising,
    Supplement,
    Payment,
    Signing,
    Ready,
    Returned,
}

/// (procedure, unit, head, specialist)
const ROUTES: [(&str, &str, &str, &str); 5] = [
    (
        "DEMO-HKD-01",
        "H40.12.4",
        "kinhte.truong",
        "kinhte.chuyenvien",
    ),
    (
        "DEMO-HT-08",
        "H40.12.2",
        "tuphap.truong",
        "tuphap.chuyenvien",
    ),
    (
        "DEMO-DD-03",
        "H40.12.5",
        "tainguyen.truong",
        "tainguyen.chuyenvien",
    ),
    (
        "DEMO-BTXH-02",
        "H40.12.6",
        "laodong.truong",
        "laodong.chuyenvien",
    ),
    (
        "DEMO-XD-04",
        "H40.12.4",
        "kinhte.truong",
        "kinhte.chuyenvien",
    ),
];

const PEOPLE: [(&str, &str); 24] = [
    ("Nguyễn Văn An", "027090001001"),
    ("Trần Thị Bích", "027191001002"),
    ("Lê Văn Cường", "027088001003"),
    ("Phạm Thị Dung", "027195001004"),
    ("Hoàng Văn Em", "027092001005"),
    ("Vũ Thị Giang", "027193001006"),
    ("Đặng Văn Hải", "027085001007"),
    ("Bùi Thị Hoa", "027198001008"),
    ("Đỗ Văn Khánh", "027091001009"),
    ("Ngô Thị Lan", "027196001010"),
    ("Dương Văn Minh", "027087001011"),
    ("Lý Thị Ngọc", "027194001012"),
    ("Phan Văn Phúc", "027089001013"),
    ("Trịnh Thị Quỳnh", "027197001014"),
    ("Mai Văn Sơn", "027086001015"),
    ("Đinh Thị Thảo", "027199001016"),
    ("Tạ Văn Toàn", "027093001017"),
    ("Lương Thị Uyên", "027192001018"),
    ("Hồ Văn Vinh", "027084001019"),
    ("Chu Thị Xuân", "027190001020"),
    ("Kiều Văn Yên", "027094001021"),
    ("Quách Thị Ánh", "027188001022"),
    ("Võ Văn Bảo", "027083001023"),
    ("Lã Thị Châu", "027189001024"),
];

/// (stage reached, working days ago received, channel)
const PLAN: [(Upto, i64, i64); 24] = [
    (Upto::Registered, 0, 2),
    (Upto::Registered, 1, 2),
    (Upto::Refused, 2, 2),
    (Upto::Received, 0, 1),
    (Upto::Received, 0, 3),
    (Upto::AtUnit, 1, 1),
    (Upto::AtUnit, 1, 2),
    (Upto::Appraising, 1, 1),
    (Upto::Appraising, 2, 1),
    (Upto::Appraising, 12, 1),
    (Upto::Appraising, 2, 3),
    (Upto::Supplement, 2, 1),
    (Upto::Supplement, 3, 2),
    (Upto::Payment, 2, 1),
    (Upto::Signing, 2, 1),
    (Upto::Signing, 3, 2),
    (Upto::Ready, 3, 1),
    (Upto::Ready, 4, 3),
    (Upto::Returned, 5, 1),
    (Upto::Returned, 6, 2),
    (Upto::Returned, 8, 1),
    (Upto::Returned, 9, 3),
    (Upto::Received, 0, 1),
    (Upto::Appraising, 0, 2),
];

pub(super) async fn acting(db: &Db, username: &'static str) -> Result<Acting, ServiceError> {
    let account = db
        .read(move |c| staff::find_by_username(c, username)?.ok_or(StoreError::NotFound))
        .await?;
    Ok(Acting {
        actor: Actor::Staff {
            id: account.id.0,
            roles: account.roles.clone(),
            unit: account.unit_code.clone(),
        },
        name: account.full_name,
        reference: format!("staff:{}", account.id.0),
        unit: account.unit_code,
    })
}

fn portal() -> Acting {
    Acting {
        actor: Actor::Integration,
        name: "Cổng Dịch vụ công tỉnh (minh hoạ)".to_owned(),
        reference: "token:demo-portal".to_owned(),
        unit: None,
    }
}

/// A moment `days` working days before `now`, at 08:00 plus `minutes`.
fn moment(
    calendar: &crate::domain::calendar::WorkCalendar,
    now: OffsetDateTime,
    days: i64,
    minutes: i64,
) -> OffsetDateTime {
    let mut day = to_local(now).date();
    for _ in 0..days {
        day = calendar.working_day_before(day);
    }
    if !calendar.is_working_day(day) {
        day = calendar.working_day_before(day);
    }
    from_local(
        PrimitiveDateTime::new(day, Time::MIDNIGHT)
            + Duration::hours(8)
            + Duration::minutes(minutes),
    )
}

/// Loads the demo dossiers once; returns how many it created, or `None` when they were already there.
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
    let settings = DossierSettings::default();
    let mut created = 0;
    for (i, ((upto, days, channel), (name, id_number))) in PLAN.iter().zip(PEOPLE).enumerate() {
        let (procedure, unit, head, specialist) = ROUTES[i % ROUTES.len()];
        let mut start = moment(&calendar, now, *days, (i as i64 % 6) * 25);
        if start + Duration::hours(8) > now {
            // Early in the day (or before office hours) the day's dossiers come from the day before.
            start = moment(&calendar, now, *days + 1, (i as i64 % 6) * 25);
        }
        let step = std::cell::Cell::new(0);
        let next = || {
            step.set(step.get() + 1);
            Context {
                actor: "demo".to_owned(),
                ip: "local".to_owned(),
                now: (start + Duration::minutes(40 * step.get())).min(now),
            }
        };
        let online = *channel == 2;
        let input = IntakeInput {
            procedure: procedure.to_owned(),
            channel: *channel,
            applicant: ApplicantInput {
                kind: "person".to_owned(),
                name: name.to_owned(),
                id_number: id_number.to_owned(),
                phone: if i % 3 == 0 {
                    String::new()
                } else {
                    format!("09120000{i:02}")
                },
                address: "Thị trấn Lim, huyện Tiên Du, tỉnh Bắc Ninh".to_owned(),
                ..ApplicantInput::default()
            },
            components: vec![1, 2, 3, 4, 5],
            then: (!online && *upto >= Upto::Received).then(|| action("receive", json!({}))),
            ..IntakeInput::default()
        };
        let author = if online { portal() } else { officer.clone() };
        let row = dossiers::intake(db, &next(), &settings, &author, input, None).await?;
        let reference = row.public_id.clone();
        let take = |who: Acting, name: &str, extra: Value| {
            let ctx = next();
            let (db, settings, reference) = (db.clone(), settings.clone(), reference.clone());
            let input = action(name, extra);
            async move { dossiers::act(&db, &ctx, &settings, &who, &reference, input, None).await }
        };
        // The officer digitises papers at the counter and the result on return, certifying each scan.
        let digitise = |kind: &str, component: Option<i64>, text: String| {
            let ctx = next();
            let doc = NewDocument {
                file_name: format!(
                    "{}.pdf",
                    if kind == "result" {
                        "ket-qua"
                    } else {
                        "ban-quet"
                    }
                ),
                bytes: sample_pdf(&text),
                kind: kind.to_owned(),
                component,
                confidential: false,
                certify: true,
            };
            let (db, files, officer, reference) = (
                db.clone(),
                files.clone(),
                officer.clone(),
                reference.clone(),
            );
            async move { documents::attach(&db, files, &ctx, &officer, &reference, doc).await }
        };
        let folded = crate::domain::text::fold_ascii(name);
        if !online && *upto >= Upto::Received && *upto != Upto::Refused {
            digitise(
                "scan",
                Some(1),
                format!("Don de nghi cua ong ba {folded} - ban quet tai Bo phan mot cua"),
            )
            .await?;
        }
        if *upto == Upto::Refused {
            take(officer.clone(), "refuse", json!({"reason": "Thủ tục không thuộc thẩm quyền giải quyết của Ủy ban nhân dân huyện (minh hoạ)."})).await?;
        }
        if online && *upto >= Upto::Received {
            take(officer.clone(), "receive", json!({})).await?;
        }
        if *upto >= Upto::AtUnit {
            take(officer.clone(), "transfer", json!({"to_unit": unit})).await?;
        }
        if *upto >= Upto::Appraising {
            let specialist_id = match acting(db, specialist).await?.actor {
                Actor::Staff { id, .. } => id,
                _ => 0,
            };
            take(
                acting(db, head).await?,
                "assign",
                json!({"to_user": specialist_id}),
            )
            .await?;
        }
        match upto {
            Upto::Supplement => {
                take(acting(db, specialist).await?, "request_supplement", json!({"reason": "Bản sao chưa được chứng thực (minh hoạ).", "items": ["Bản sao có chứng thực giấy tờ pháp lý"]})).await?;
            }
            Upto::Payment => {
                take(
                    acting(db, specialist).await?,
                    "request_payment",
                    json!({"amount": 100_000}),
                )
                .await?;
            }
            u if *u >= Upto::Signing => {
                take(acting(db, specialist).await?, "approve", json!({})).await?;
            }
            _ => {}
        }
        if *upto >= Upto::Ready {
            take(acting(db, head).await?, "approve", json!({})).await?;
            take(acting(db, specialist).await?, "complete", json!({})).await?;
        }
        if *upto == Upto::Returned {
            take(
                officer.clone(),
                "notify_applicant",
                json!({"method": "Điện thoại"}),
            )
            .await?;
            digitise(
                "result",
                None,
                format!("Ket qua giai quyet ho so cua ong ba {folded}"),
            )
            .await?;
            take(officer.clone(), "return_result", json!({})).await?;
        }
        created += 1;
    }
    let at = crate::store::format_time(now);
    db.write(move |tx| settings::set(tx, FLAG, &at).map_err(ServiceError::from))
        .await?;
    Ok(Some(created))
}

pub(super) fn action(name: &str, extra: Value) -> ActionInput {
    let mut value = extra;
    value["action"] = json!(name);
    serde_json::from_value(value).unwrap_or_default()
}
