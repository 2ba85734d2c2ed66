//! Services layer: what a form template sees. One serialisable structure for every form, so a template can be
//! edited as data without knowing how any of it is stored; `build.rs` fills it from the dossier, its checklist and
//! event log, the procedure version it was received under and the office. Every time is already written the way
//! forms write it.

use serde::Serialize;
use time::PrimitiveDateTime;

use crate::domain::calendar::to_local;
use crate::domain::timefmt;
use crate::store::parse_time;
use crate::store::settings::OfficeInfo;

/// A moment in every wording the forms use.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Moment {
    /// "08 giờ 05 phút, ngày 29 tháng 11 năm 2026".
    pub long: String,
    /// "ngày 29 tháng 11 năm 2026", for the place-and-date line.
    pub date_line: String,
    /// "29/11/2026".
    pub date: String,
    /// "08:05 29/11/2026", for the register's narrow columns.
    pub short: String,
}

impl Moment {
    pub fn of(t: PrimitiveDateTime) -> Self {
        Self {
            long: timefmt::long_form(t),
            date_line: timefmt::date_line(t.date()),
            date: timefmt::date(t.date()),
            short: timefmt::short(t),
        }
    }

    /// A stored UTC time in office-local wording; `None` when absent or unreadable.
    pub fn stored(text: Option<&str>) -> Option<Self> {
        text.and_then(parse_time).map(|t| Self::of(to_local(t)))
    }
}

/// The form being printed, from its template row.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FormInfo {
    pub set: String,
    pub key: String,
    pub number: String,
    pub title: String,
    pub paper: String,
}

/// The agency the form is issued in the name of.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AgencyInfo {
    pub code: String,
    pub name: String,
    /// The name in capitals, as the header's first line prints it.
    pub name_upper: String,
    pub address: String,
    pub phone: String,
    pub email: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ProcedureInfo {
    pub code: String,
    pub name: String,
    /// "03 ngày làm việc": the statutory processing time from the catalogue.
    pub processing_time: String,
    pub processing_note: String,
    pub legal_basis: Vec<String>,
    pub result: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ApplicantInfo {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub id_number: String,
}

/// Where the dossier is written in the register ("Quyển số … Số thứ tự …").
#[derive(Debug, Clone, Default, Serialize)]
pub struct RegisterRef {
    pub book: String,
    /// "01": entry numbers are printed with at least two digits, as the circular writes them.
    pub number: String,
    pub year: i64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DossierInfo {
    /// Empty before receipt (a supplement request or a refusal at the counter has no code yet).
    pub code: String,
    pub public_id: String,
    /// The public lookup of this dossier, which the receipt's QR code encodes.
    pub lookup_url: String,
    pub procedure: ProcedureInfo,
    pub applicant: ApplicantInfo,
    pub subject: String,
    pub sets: i64,
    /// "01", for "Số lượng hồ sơ: 01 (bộ)".
    pub sets_text: String,
    pub channel: String,
    /// Where the result is collected: at the section, by post to an address, or online.
    pub delivery: String,
    pub received: Option<Moment>,
    pub due: Option<Moment>,
    pub original_due: Option<Moment>,
    /// The unit that processes it ("Cơ quan chủ trì giải quyết").
    pub lead_unit: String,
    /// The officer who received it, for the signature block.
    pub receiver: String,
    pub register: Option<RegisterRef>,
    pub status: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ComponentInfo {
    pub number: i64,
    pub name: String,
    /// "01 bản chính, 01 bản sao".
    pub copies: String,
    pub required: bool,
    pub provided: bool,
}

/// An action with its reason: a supplement request (with the items), a refusal, a stop.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReasonInfo {
    pub reason: String,
    pub items: Vec<String>,
    pub at: Moment,
    pub actor: String,
    pub actor_unit: String,
}

/// The one extension of the appointment (Form 04).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ExtensionInfo {
    pub reason: String,
    pub at: Moment,
    pub actor: String,
    pub previous_due: Option<Moment>,
    pub new_due: Option<Moment>,
}

/// One hand-over of the control slip (Form 05): who gave, who received, when, and how the step that ended there
/// went against its allotted time.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Handover {
    pub number: usize,
    pub giver: String,
    pub giver_unit: String,
    pub receiver: String,
    pub receiver_unit: String,
    pub at: Moment,
    /// "Trước hạn", "Đúng hạn" or "Quá hạn"; empty when nothing allotted a time to the step.
    pub outcome: String,
    pub note: String,
}

/// One line of the register (Form 06).
#[derive(Debug, Clone, Default, Serialize)]
pub struct RegisterEntry {
    pub number: String,
    pub no: i64,
    pub code: String,
    pub procedure: String,
    pub sets: i64,
    pub applicant: String,
    pub address_phone: String,
    pub lead_unit: String,
    pub received: String,
    pub due: String,
    pub transferred: String,
    pub result_back: String,
    pub returned: String,
    pub note: String,
}

/// The register page being printed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RegisterInfo {
    pub year: i64,
    pub book: String,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub entries: Vec<RegisterEntry>,
}

/// Everything a template may use. Optional parts are present only when the dossier's history has them, which is
/// also how the service decides whether a form applies yet.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FormContext {
    pub form: FormInfo,
    pub office: OfficeInfo,
    pub agency: AgencyInfo,
    /// The one-stop section's name as the organisation chart has it.
    pub one_stop: String,
    /// The place of the place-and-date line ("Tiên Du").
    pub place: String,
    /// The date the form is issued: the moment of the act it records, or today for the register.
    pub issued: Moment,
    pub today: Moment,
    pub dossier: Option<DossierInfo>,
    pub components: Vec<ComponentInfo>,
    pub supplement: Option<ReasonInfo>,
    pub refusal: Option<ReasonInfo>,
    pub extension: Option<ExtensionInfo>,
    pub stop: Option<ReasonInfo>,
    pub handovers: Vec<Handover>,
    /// Bodies consulted or forwarded to ("Cơ quan phối hợp giải quyết").
    pub coordinating: Vec<String>,
    pub register: Option<RegisterInfo>,
}

impl FormContext {
    /// A context with every part present, for checking an edited template before it is saved: a template that
    /// renders this renders any real dossier.
    pub fn sample() -> Self {
        let m = Moment::of(time::macros::datetime!(2026-11-30 08:05));
        let reason = ReasonInfo {
            reason: "Lý do mẫu".into(),
            items: vec!["Giấy tờ mẫu".into()],
            at: m.clone(),
            actor: "Cán bộ mẫu".into(),
            actor_unit: "Bộ phận mẫu".into(),
        };
        let entry = RegisterEntry {
            number: "01".into(),
            no: 1,
            code: "H40.12-261130-0001".into(),
            ..RegisterEntry::default()
        };
        FormContext {
            form: FormInfo {
                set: "mẫu".into(),
                key: "mẫu".into(),
                number: "01".into(),
                title: "MẪU".into(),
                paper: "A5".into(),
            },
            issued: m.clone(),
            today: m.clone(),
            place: "Tiên Du".into(),
            dossier: Some(DossierInfo {
                code: "H40.12-261130-0001".into(),
                lookup_url: "https://example.invalid/tra-cuu/H40.12-261130-0001".into(),
                sets: 1,
                sets_text: "01".into(),
                received: Some(m.clone()),
                due: Some(m.clone()),
                original_due: Some(m.clone()),
                register: Some(RegisterRef {
                    book: "1".into(),
                    number: "01".into(),
                    year: 2026,
                }),
                procedure: ProcedureInfo {
                    legal_basis: vec!["Căn cứ mẫu".into()],
                    ..ProcedureInfo::default()
                },
                ..DossierInfo::default()
            }),
            components: vec![ComponentInfo {
                number: 1,
                name: "Thành phần mẫu".into(),
                ..ComponentInfo::default()
            }],
            supplement: Some(reason.clone()),
            refusal: Some(reason.clone()),
            stop: Some(reason),
            extension: Some(ExtensionInfo {
                reason: "Lý do mẫu".into(),
                at: m.clone(),
                actor: "Cán bộ mẫu".into(),
                previous_due: Some(m.clone()),
                new_due: Some(m.clone()),
            }),
            handovers: vec![Handover {
                number: 1,
                at: m,
                outcome: "Đúng hạn".into(),
                ..Handover::default()
            }],
            coordinating: vec!["Cơ quan mẫu".into()],
            register: Some(RegisterInfo {
                year: 2026,
                book: "1".into(),
                total: 1,
                page: 1,
                pages: 1,
                entries: vec![entry],
            }),
            ..FormContext::default()
        }
    }
}
