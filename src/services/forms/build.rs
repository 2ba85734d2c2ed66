//! Services layer: filling a [`FormContext`] from what is stored: the organisation as the forms name it, the
//! dossier with its checklist and the procedure version it was received under, and the event log read as the
//! supplement request, refusal, extension and stop it records and as the hand-overs of the control slip.

use rusqlite::Connection;
use serde_json::Value;
use time::PrimitiveDateTime;

use crate::domain::calendar::to_local;
use crate::domain::catalogue::Procedure;
use crate::domain::dossier::{Channel, Outcome, Status};
use crate::domain::ids::StaffId;
use crate::domain::text::nfc;
use crate::store::dossiers::{ComponentRow, DossierRow, EventRow};
use crate::store::form_templates::RegisterRow;
use crate::store::org::{Agency, Unit};
use crate::store::settings::{self, OfficeInfo};
use crate::store::{StoreError, org, parse_time, staff};

use super::context::{
    AgencyInfo, ApplicantInfo, ComponentInfo, DossierInfo, ExtensionInfo, FormContext, Handover,
    Moment, ProcedureInfo, ReasonInfo, RegisterEntry, RegisterRef,
};

/// The actions that pass a dossier from one hand to another, each a row of the control slip.
const HANDOVERS: [&str; 9] = [
    "transfer",
    "assign",
    "approve",
    "return_for_rework",
    "reject",
    "complete",
    "forward",
    "forward_return",
    "return_result",
];

/// The organisation as the forms name it.
pub(super) struct Org {
    agencies: Vec<Agency>,
    units: Vec<Unit>,
    office: OfficeInfo,
    place_setting: Option<String>,
    pub(super) book: String,
}

impl Org {
    pub(super) fn load(conn: &Connection) -> Result<Self, StoreError> {
        Ok(Self {
            agencies: org::list_agencies(conn)?,
            units: org::list_units(conn)?,
            office: settings::get_office(conn)?,
            place_setting: settings::get(conn, "form_place")?.filter(|p| !p.trim().is_empty()),
            book: settings::get(conn, "register_book")?
                .filter(|b| !b.trim().is_empty())
                .unwrap_or_else(|| "1".to_owned()),
        })
    }

    fn unit_name(&self, code: Option<&str>) -> String {
        let Some(code) = code else {
            return String::new();
        };
        self.units
            .iter()
            .find(|u| u.code == code)
            .map_or_else(|| code.to_owned(), |u| u.name.clone())
    }

    fn agency_name(&self, code: &str) -> String {
        self.agencies
            .iter()
            .find(|a| a.code == code)
            .map_or_else(|| code.to_owned(), |a| a.name.clone())
    }

    /// The dossier's agency, or the office's own (the settings' code, else the top agency).
    fn agency(&self, code: Option<&str>) -> AgencyInfo {
        let wanted = code.unwrap_or(&self.office.agency_code);
        let found = self
            .agencies
            .iter()
            .find(|a| a.code == wanted)
            .or_else(|| self.agencies.iter().find(|a| a.parent_code.is_none()));
        match found {
            Some(a) => AgencyInfo {
                code: a.code.clone(),
                name: a.name.clone(),
                name_upper: nfc(&a.name.to_uppercase()),
                address: a.address.clone(),
                phone: a.phone.clone(),
                email: a.email.clone(),
            },
            None => AgencyInfo {
                code: self.office.agency_code.clone(),
                name: self.office.office_name.clone(),
                name_upper: nfc(&self.office.office_name.to_uppercase()),
                address: self.office.address.clone(),
                phone: self.office.phone.clone(),
                email: self.office.email.clone(),
            },
        }
    }

    fn one_stop(&self, agency: &str) -> String {
        self.units
            .iter()
            .find(|u| u.kind == "one_stop" && u.agency_code == agency)
            .or_else(|| self.units.iter().find(|u| u.kind == "one_stop"))
            .map_or_else(
                || "Bộ phận Tiếp nhận và Trả kết quả".to_owned(),
                |u| u.name.clone(),
            )
    }

    /// The frame every form shares: office, agency, section, place and dates.
    pub(super) fn frame(&self, agency_code: Option<&str>, now: PrimitiveDateTime) -> FormContext {
        let agency = self.agency(agency_code);
        FormContext {
            office: self.office.clone(),
            one_stop: self.one_stop(&agency.code),
            place: self
                .place_setting
                .clone()
                .unwrap_or_else(|| place_of(&agency.name)),
            agency,
            issued: Moment::of(now),
            today: Moment::of(now),
            ..FormContext::default()
        }
    }

    /// One register line in the form's wording.
    pub(super) fn register_entry(&self, r: &RegisterRow) -> RegisterEntry {
        let short = |t: &Option<String>| {
            Moment::stored(t.as_deref())
                .map(|m| m.short)
                .unwrap_or_default()
        };
        let contact = [r.applicant_address.trim(), r.applicant_phone.trim()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        let status = Status::from_code(r.status);
        let mut notes = Vec::new();
        if let Some(s @ (Status::NotReceived | Status::Withdrawn | Status::Stopped)) = status {
            notes.push(s.name().to_owned());
        }
        if r.extended {
            notes.push("Đã gia hạn".to_owned());
        }
        RegisterEntry {
            number: format!("{:02}", r.register_no),
            no: r.register_no,
            code: r.code.clone().unwrap_or_default(),
            procedure: r.procedure_name.clone(),
            sets: r.sets,
            applicant: r.applicant_name.clone(),
            address_phone: contact,
            lead_unit: match r.unit_code.as_deref() {
                Some(u) => self.unit_name(Some(u)),
                None => self.agency_name(&r.agency_code),
            },
            received: short(&r.received_at),
            due: short(&r.due_at),
            transferred: short(&r.transferred_at),
            result_back: short(&r.finished_at),
            returned: short(&r.returned_at),
            note: notes.join("; "),
        }
    }
}

/// "Tiên Du" from "Ủy ban nhân dân huyện Tiên Du": the place name a form's date line starts with, unless the
/// `form_place` setting names it.
pub fn place_of(agency_name: &str) -> String {
    let mut rest = agency_name.trim();
    for prefix in ["Ủy ban nhân dân", "Uỷ ban nhân dân", "UBND"] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r.trim_start();
            break;
        }
    }
    for prefix in [
        "thành phố",
        "Thành phố",
        "thị xã",
        "Thị xã",
        "thị trấn",
        "Thị trấn",
        "huyện",
        "Huyện",
        "quận",
        "Quận",
        "tỉnh",
        "Tỉnh",
        "phường",
        "Phường",
        "xã",
        "Xã",
        "đặc khu",
        "Đặc khu",
    ] {
        if let Some(r) = rest.strip_prefix(prefix)
            && r.starts_with(' ')
        {
            rest = r.trim_start();
            break;
        }
    }
    rest.to_owned()
}

fn data_of(e: &EventRow) -> Value {
    serde_json::from_str(&e.data).unwrap_or(Value::Null)
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn local_of(e: &EventRow) -> Option<PrimitiveDateTime> {
    parse_time(&e.at).map(to_local)
}

fn moment_of(e: &EventRow) -> Moment {
    local_of(e).map(Moment::of).unwrap_or_default()
}

fn latest<'a>(events: &'a [EventRow], actions: &[&str]) -> Option<&'a EventRow> {
    events
        .iter()
        .rev()
        .find(|e| actions.contains(&e.action.as_str()))
}

fn delivery_label(row: &DossierRow) -> String {
    match row.delivery.as_str() {
        "post" => format!(
            "Qua dịch vụ bưu chính công ích, gửi đến: {}",
            row.delivery_address
        ),
        "online" => "Trực tuyến, trên Cổng dịch vụ công".to_owned(),
        _ => "Tại Bộ phận Tiếp nhận và Trả kết quả".to_owned(),
    }
}

/// Fills the context from a dossier. `lookup_base` is the public site's origin ("https://dichvucong.example.vn").
#[allow(clippy::too_many_arguments)]
pub(super) fn for_dossier(
    conn: &Connection,
    org: &Org,
    row: &DossierRow,
    components: &[ComponentRow],
    events: &[EventRow],
    procedure: &Procedure,
    lookup_base: &str,
    now: PrimitiveDateTime,
) -> Result<FormContext, StoreError> {
    let mut ctx = org.frame(Some(&row.agency_code), now);
    let code = row.code.clone().unwrap_or_default();
    let receiver = match row.received_by {
        Some(id) => staff::get(conn, StaffId(id)).ok().map(|s| s.full_name),
        None => None,
    }
    .or_else(|| latest(events, &["receive"]).map(|e| e.actor.clone()))
    .unwrap_or_default();
    ctx.dossier = Some(DossierInfo {
        lookup_url: if code.is_empty() {
            String::new()
        } else {
            format!("{}/tra-cuu/{code}", lookup_base.trim_end_matches('/'))
        },
        code,
        public_id: row.public_id.clone(),
        procedure: ProcedureInfo {
            code: procedure.code.clone(),
            name: procedure.name.clone(),
            processing_time: procedure.processing_time.label(),
            processing_note: procedure.processing_time.note.clone(),
            legal_basis: procedure.legal_basis.clone(),
            result: procedure.result.clone(),
        },
        applicant: ApplicantInfo {
            name: row.applicant_name.clone(),
            address: row.applicant_address.clone(),
            phone: row.applicant_phone.clone(),
            email: row.applicant_email.clone(),
            id_number: row.applicant_id_number.clone(),
        },
        subject: row.subject.clone(),
        sets: row.sets,
        sets_text: format!("{:02}", row.sets),
        channel: Channel::from_code(row.channel)
            .map(|c| c.label().to_owned())
            .unwrap_or_default(),
        delivery: delivery_label(row),
        received: Moment::stored(row.received_at.as_deref()),
        due: Moment::stored(row.due_at.as_deref()),
        original_due: Moment::stored(row.original_due_at.as_deref()),
        lead_unit: match row.unit_code.as_deref() {
            Some(u) => org.unit_name(Some(u)),
            None => org.agency_name(&row.agency_code),
        },
        receiver,
        register: match (row.register_year, row.register_no) {
            (Some(year), Some(no)) => Some(RegisterRef {
                book: org.book.clone(),
                number: format!("{no:02}"),
                year,
            }),
            _ => None,
        },
        status: Status::from_code(row.status)
            .map(|s| s.name().to_owned())
            .unwrap_or_default(),
    });
    ctx.components = components
        .iter()
        .map(|c| ComponentInfo {
            number: c.position,
            name: c.name.clone(),
            copies: c.copies.clone(),
            required: c.required,
            provided: c.provided,
        })
        .collect();
    let reason_of = |e: &EventRow| {
        let data = data_of(e);
        ReasonInfo {
            reason: text(&data, "reason"),
            items: data
                .get("items")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            at: moment_of(e),
            actor: e.actor.clone(),
            actor_unit: org.unit_name(e.unit_code.as_deref()),
        }
    };
    ctx.supplement = latest(events, &["request_supplement"]).map(|e| {
        let mut info = reason_of(e);
        if info.items.is_empty() {
            info.items = components
                .iter()
                .filter(|c| c.required && !c.provided)
                .map(|c| c.name.clone())
                .collect();
        }
        info
    });
    ctx.refusal = latest(events, &["refuse", "reject"]).map(reason_of);
    ctx.stop = latest(events, &["stop"]).map(reason_of);
    ctx.extension = latest(events, &["extend"]).map(|e| {
        let data = data_of(e);
        ExtensionInfo {
            reason: text(&data, "reason"),
            at: moment_of(e),
            actor: e.actor.clone(),
            previous_due: Moment::stored(data.get("previous_due_at").and_then(Value::as_str)),
            new_due: Moment::stored(data.get("new_due_at").and_then(Value::as_str)),
        }
    });
    ctx.handovers = handovers(org, row, events);
    let mut coordinating: Vec<String> = Vec::new();
    for e in events {
        let data = data_of(e);
        let named: Vec<String> = match e.action.as_str() {
            "forward" => vec![org.agency_name(&text(&data, "to_agency"))],
            "consult" => data
                .get("agencies")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(|c| org.agency_name(c))
                        .collect()
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        for name in named {
            if !name.is_empty() && !coordinating.contains(&name) {
                coordinating.push(name);
            }
        }
    }
    ctx.coordinating = coordinating;
    Ok(ctx)
}

/// The control slip's rows from the event log. The receiver is named by the action (the unit transferred to, the
/// specialist assigned, the agency forwarded to, the applicant) and, inside the office, by whoever acted next.
fn handovers(org: &Org, row: &DossierRow, events: &[EventRow]) -> Vec<Handover> {
    let steps: Vec<&EventRow> = events
        .iter()
        .filter(|e| HANDOVERS.contains(&e.action.as_str()))
        .collect();
    let due = row
        .due_at
        .as_deref()
        .or(row.original_due_at.as_deref())
        .and_then(parse_time)
        .map(to_local);
    let mut forwarded_to = String::new();
    let mut rows = Vec::with_capacity(steps.len());
    for (i, e) in steps.iter().enumerate() {
        let data = data_of(e);
        let next = steps.get(i + 1);
        let unit = org.unit_name(e.unit_code.as_deref());
        let next_actor = next.map(|n| n.actor.clone()).unwrap_or_default();
        let next_unit = next
            .map(|n| org.unit_name(n.unit_code.as_deref()))
            .unwrap_or_default();
        let (mut giver, mut giver_unit) = (e.actor.clone(), unit.clone());
        let (receiver, receiver_unit, note) = match e.action.as_str() {
            "transfer" => {
                let to = text(&data, "to_unit");
                let person = next
                    .filter(|n| n.unit_code.as_deref() == Some(to.as_str()))
                    .map(|n| n.actor.clone())
                    .unwrap_or_default();
                let late = data.get("transfer_late").and_then(Value::as_bool) == Some(true);
                let note = if late {
                    "Chuyển hồ sơ chậm so với quy định"
                } else {
                    ""
                };
                (person, org.unit_name(Some(&to)), note.to_owned())
            }
            "assign" => {
                let person = match text(&data, "assignee") {
                    p if p.is_empty() => next_actor,
                    p => p,
                };
                (person, row_unit(org, row, &unit), String::new())
            }
            "forward" => {
                forwarded_to = org.agency_name(&text(&data, "to_agency"));
                (String::new(), forwarded_to.clone(), e.comment.clone())
            }
            "forward_return" => {
                giver = String::new();
                giver_unit = forwarded_to.clone();
                (e.actor.clone(), unit, String::new())
            }
            "complete" | "reject" => {
                let person = next
                    .filter(|n| n.action == "return_result")
                    .map(|n| n.actor.clone())
                    .unwrap_or_default();
                (
                    person,
                    org.one_stop(&row.agency_code),
                    if e.action == "reject" {
                        e.comment.clone()
                    } else {
                        String::new()
                    },
                )
            }
            "return_result" => (
                row.applicant_name.clone(),
                "Tổ chức, cá nhân nộp hồ sơ".to_owned(),
                String::new(),
            ),
            "return_for_rework" => (next_actor, next_unit, "Trả lại để xử lý lại".to_owned()),
            _ => (next_actor, next_unit, e.comment.clone()),
        };
        let at = local_of(e);
        let outcome = data
            .get("step_outcome")
            .and_then(Value::as_str)
            .and_then(Outcome::parse)
            .or_else(|| at.zip(due).map(|(at, due)| Outcome::of(at, due)))
            .map(|o| o.label().to_owned())
            .unwrap_or_default();
        rows.push(Handover {
            number: i + 1,
            giver,
            giver_unit,
            receiver,
            receiver_unit,
            at: at.map(Moment::of).unwrap_or_default(),
            outcome,
            note,
        });
    }
    rows
}

/// The unit holding the dossier, or the acting unit's name when it holds none.
fn row_unit(org: &Org, row: &DossierRow, fallback: &str) -> String {
    match row.unit_code.as_deref() {
        Some(u) => org.unit_name(Some(u)),
        None => fallback.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::place_of;

    #[test]
    fn the_place_is_the_agency_name_without_its_administrative_prefix() {
        assert_eq!(place_of("Ủy ban nhân dân huyện Tiên Du"), "Tiên Du");
        assert_eq!(place_of("UBND thành phố Bắc Ninh"), "Bắc Ninh");
        assert_eq!(place_of("Ủy ban nhân dân xã Phú Lâm"), "Phú Lâm");
        assert_eq!(place_of("Sở Tư pháp"), "Sở Tư pháp");
    }
}
