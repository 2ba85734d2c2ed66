//! Dossier building blocks shared by the back office (and later the portal): the national status with its
//! overdue flag, times in office time, and the queue table.

use crate::domain::dossier::ActionKind;
use maud::{Markup, html};
use time::OffsetDateTime;

use crate::domain::calendar::to_local;
use crate::domain::dossier::{Channel, Stage, Status};
use crate::domain::timefmt;
use crate::services::dossiers::is_overdue;
use crate::store::dossiers::queues::QueueRow;
use crate::store::parse_time;

use super::layout::scroll_table;

/// "08:05 29/11/2026" in office time, or a dash.
pub fn short_time(text: Option<&str>) -> String {
    text.and_then(parse_time)
        .map(|t| timefmt::short(to_local(t)))
        .unwrap_or_else(|| "–".to_owned())
}

/// "08 giờ 05 phút, ngày 29 tháng 11 năm 2026", or a dash.
pub fn long_time(text: Option<&str>) -> String {
    text.and_then(parse_time)
        .map(|t| timefmt::long_form(to_local(t)))
        .unwrap_or_else(|| "–".to_owned())
}

/// The national status as a badge: the same string citizens see.
pub fn status_badge(code: i64) -> Markup {
    let (name, class) = match Status::from_code(code) {
        Some(s @ (Status::NotReceived | Status::Stopped | Status::Withdrawn)) => {
            (s.name(), "badge")
        }
        Some(s @ (Status::Completed | Status::Returned)) => (s.name(), "badge good"),
        Some(s @ (Status::SupplementRequested | Status::PaymentRequested)) => {
            (s.name(), "badge wait")
        }
        Some(s) => (s.name(), "badge"),
        None => ("–", "badge"),
    };
    html! { span class=(class) { (name) } }
}

/// The overdue flag: a word and a colour, never a status.
pub fn overdue_flag(status: i64, due_at: Option<&str>, now: OffsetDateTime) -> Markup {
    html! {
        @if is_overdue(status, due_at, now) {
            " " span class="badge bad" { "Quá hạn" }
        }
    }
}

/// A received dossier not yet transferred after its 15:00-rule deadline (Decree 61 Art. 18(2)).
pub fn transfer_late(transfer_due_at: Option<&str>, now: OffsetDateTime) -> bool {
    transfer_due_at
        .and_then(parse_time)
        .is_some_and(|due| due < now)
}

pub fn channel_label(code: i64) -> &'static str {
    Channel::from_code(code).map_or("–", Channel::label)
}

pub fn stage_label(stage: &str) -> &'static str {
    Stage::parse(stage).map_or("–", Stage::label)
}

/// The code, or "Chưa cấp mã" for a dossier not yet received.
pub fn code_text(code: Option<&str>) -> &str {
    code.unwrap_or("Chưa cấp mã")
}

/// A queue as a table; overdue rows are marked with a class as well as the word, so colour is never the only cue.
pub fn queue_table(caption: &str, rows: &[QueueRow], now: OffsetDateTime) -> Markup {
    scroll_table(
        caption,
        html! {
            table class="queue" {
                caption class="visually-hidden" { (caption) }
                thead { tr {
                    th scope="col" { "Mã hồ sơ" }
                    th scope="col" { "Thủ tục" }
                    th scope="col" { "Người nộp" }
                    th scope="col" { "Trạng thái" }
                    th scope="col" { "Bước" }
                    th scope="col" { "Hạn trả" }
                    th scope="col" { "Hình thức" }
                } }
                tbody {
                    @for r in rows {
                        @let late = is_overdue(r.status, r.due_at.as_deref(), now);
                        tr class=[late.then_some("late")] {
                            td data-label="Mã hồ sơ" { a href={ "/staff/dossiers/" (r.code.as_deref().unwrap_or(&r.public_id)) } { code { (code_text(r.code.as_deref())) } } }
                            td data-label="Thủ tục" { (r.procedure_name) }
                            td data-label="Người nộp" { (r.applicant_name) }
                            td data-label="Trạng thái" {
                                (status_badge(r.status)) (overdue_flag(r.status, r.due_at.as_deref(), now))
                                @if r.status == 2 && transfer_late(r.transfer_due_at.as_deref(), now) {
                                    " " span class="badge bad" { "Quá hạn chuyển" }
                                }
                            }
                            td data-label="Bước" { (stage_label(&r.stage)) @if let Some(a) = &r.assignee_name { br; span class="muted" { (a) } } }
                            td data-label="Hạn trả" { (short_time(r.due_at.as_deref())) @if r.extended { br; span class="muted" { "đã gia hạn" } } }
                            td data-label="Hình thức" { (channel_label(r.channel)) }
                        }
                    }
                }
            }
        },
    )
}

/// What a history line says an action was ("Tiếp nhận hồ sơ", "Trình ký", "Ký duyệt").
pub fn event_label(action: &str, stage: &str) -> &'static str {
    match (action, stage) {
        ("submit", _) => "Nộp hồ sơ",
        ("attach", _) => "Đính kèm tệp",
        ("issue_result", _) => "Phát hành kết quả điện tử",
        ("archive", _) => "Nộp lưu trữ",
        ("approve", "signing") => "Trình ký",
        ("approve", _) => "Ký duyệt",
        (other, _) => ActionKind::parse(other).map_or("Thao tác", ActionKind::label),
    }
}
