//! The notices a dossier's applicant receives (Decree 61 Arts 17-20), composed from the dossier and the action's
//! details and queued for the notifier in the action's own transaction.

use rusqlite::Connection;
use serde_json::{Map, Value};

use crate::domain::calendar::to_local;
use crate::domain::dossier::Notice;
use crate::domain::timefmt::long_form;
use crate::services::notify::{NoticeInput, NoticeKind, enqueue_notice};
use crate::services::{Context, ServiceError};
use crate::store::dossiers::DossierRow;
use crate::store::{org, parse_time};

use super::DossierSettings;

fn kind(notice: Notice) -> NoticeKind {
    match notice {
        Notice::Received => NoticeKind::Received,
        Notice::SupplementRequested => NoticeKind::SupplementRequested,
        Notice::Refused => NoticeKind::Refused,
        Notice::PaymentRequested => NoticeKind::PaymentRequested,
        Notice::Extended => NoticeKind::Extended,
        Notice::ResultReady => NoticeKind::ResultReady,
        Notice::Stopped => NoticeKind::Stopped,
    }
}

fn when(text: Option<&str>) -> String {
    text.and_then(parse_time)
        .map(|t| long_form(to_local(t)))
        .unwrap_or_default()
}

/// The sentence specific to this notice: the appointment, the reason and the papers to bring, the amount, the new
/// date.
fn detail(row: &DossierRow, notice: Notice, data: &Map<String, Value>) -> String {
    let text = |key: &str| {
        data.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    match notice {
        Notice::Received => format!(
            "Thời gian hẹn trả kết quả: {}.",
            when(row.due_at.as_deref())
        ),
        Notice::SupplementRequested => {
            let items: Vec<&str> = data
                .get("items")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            format!(
                "Lý do: {}. Cần bổ sung: {}.",
                text("reason"),
                items.join("; ")
            )
        }
        Notice::Refused | Notice::Stopped => format!("Lý do: {}.", text("reason")),
        Notice::PaymentRequested => format!(
            "Số tiền cần nộp: {} đồng.",
            row.fee_due_vnd.unwrap_or_default()
        ),
        Notice::Extended => format!(
            "Lý do: {}. Thời gian hẹn trả kết quả mới: {}. Cơ quan xin lỗi ông/bà vì sự chậm trễ này.",
            text("reason"),
            when(row.due_at.as_deref())
        ),
        Notice::ResultReady => {
            "Kết quả giải quyết đã có; mời ông/bà đến nhận theo hình thức đã đăng ký.".to_owned()
        }
    }
}

/// Queues the e-mail and SMS for this notice; returns how many messages were queued (0 when the applicant left
/// neither an e-mail address nor a phone number).
pub(super) fn send(
    tx: &Connection,
    ctx: &Context,
    settings: &DossierSettings,
    row: &DossierRow,
    notice: Notice,
    data: &Map<String, Value>,
) -> Result<usize, ServiceError> {
    let agency_name = org::agency_name(tx, &row.agency_code)?.unwrap_or_default();
    let lookup_url = match (&settings.public_url, &row.code) {
        (Some(base), Some(code)) => Some(format!("{}/tra-cuu/{code}", base.trim_end_matches('/'))),
        _ => None,
    };
    let detail = detail(row, notice, data);
    let input = NoticeInput {
        dossier_id: Some(row.id),
        code: row.code.as_deref(),
        procedure_name: &row.procedure_name,
        applicant_name: &row.applicant_name,
        email: &row.applicant_email,
        phone: &row.applicant_phone,
        kind: kind(notice),
        detail: &detail,
        agency_name: &agency_name,
        lookup_url: lookup_url.as_deref(),
    };
    Ok(enqueue_notice(tx, &input, ctx.now, settings.sms_ascii)?)
}
