//! The action forms of the dossier page: one small form per action the person may take now, with exactly the
//! fields that action needs, and the parsing of a submitted form into the API's `ActionInput`.

use maud::{Markup, html};

use crate::domain::FieldErrors;
use crate::domain::dossier::{ActionInput, ActionKind, Stage};
use crate::store::dossiers::ComponentRow;
use crate::store::org::{Agency, Unit};
use crate::store::staff::StaffAccount;

use crate::web::ui::form::csrf_input;
use crate::web::ui::messages::field_message;

/// What the forms offer as choices.
pub(super) struct Choices<'a> {
    pub units: &'a [Unit],
    pub specialists: &'a [StaffAccount],
    pub agencies: &'a [Agency],
    pub components: &'a [ComponentRow],
    pub late_supplement: bool,
}

fn textarea(name: &str, label: &str, hint: &str, errors: &FieldErrors, kind: ActionKind) -> Markup {
    let id = format!("{}-{name}", kind.as_str());
    let error = errors.first(name).map(field_message);
    html! {
        div class={ "field" @if error.is_some() { " has-error" } } {
            label for=(id) { (label) span class="req" aria-hidden="true" { " *" } }
            @if !hint.is_empty() { p class="muted" id={ (id) "-hint" } { (hint) } }
            textarea id=(id) name=(name) required aria-invalid=[error.map(|_| "true")] {}
            @if let Some(m) = error { p class="error" { (m) } }
        }
    }
}

fn input(
    name: &str,
    label: &str,
    kind_attr: &str,
    errors: &FieldErrors,
    kind: ActionKind,
) -> Markup {
    let id = format!("{}-{name}", kind.as_str());
    let error = errors.first(name).map(field_message);
    html! {
        div class={ "field" @if error.is_some() { " has-error" } } {
            label for=(id) { (label) span class="req" aria-hidden="true" { " *" } }
            input id=(id) name=(name) type=(kind_attr) required aria-invalid=[error.map(|_| "true")];
            @if let Some(m) = error { p class="error" { (m) } }
        }
    }
}

/// The fields of one action's form.
fn fields(kind: ActionKind, c: &Choices<'_>, errors: &FieldErrors) -> Markup {
    use ActionKind as K;
    html! {
        @match kind {
            K::Receive => {
                fieldset {
                    legend { "Thành phần hồ sơ đã nhận đủ" }
                    ul class="checklist" {
                        @for comp in c.components {
                            li { label class="check" {
                                input type="checkbox" name="component" value=(comp.position) checked[comp.provided];
                                " " (comp.name) @if !comp.copies.is_empty() { " (" (comp.copies) ")" }
                                @if comp.required { span class="req" { " – bắt buộc" } }
                            } }
                        }
                    }
                }
            }
            K::Refuse | K::Reject | K::Stop => (textarea("reason", "Lý do", "Ghi rõ lý do để gửi người nộp hồ sơ.", errors, kind)),
            K::RequestSupplement => {
                (textarea("items", "Giấy tờ cần bổ sung, hoàn thiện", "Mỗi dòng một giấy tờ hoặc nội dung; yêu cầu một lần, đầy đủ.", errors, kind))
                (textarea("reason", "Lý do", "", errors, kind))
                @if c.late_supplement {
                    p class="alert error" { "Đã quá 03 ngày làm việc kể từ ngày tiếp nhận." }
                    label class="check" { input type="checkbox" name="acknowledge_late" value="true"; " Tôi xác nhận vẫn cần yêu cầu bổ sung (được ghi vào nhật ký)" }
                }
            }
            K::Transfer => {
                div class="field" {
                    label for="transfer-to_unit" { "Chuyển đến đơn vị" }
                    select id="transfer-to_unit" name="to_unit" required {
                        @for u in c.units.iter().filter(|u| u.kind != "one_stop") { option value=(u.code) { (u.name) } }
                    }
                }
            }
            K::Assign => {
                div class="field" {
                    label for="assign-to_user" { "Chuyên viên xử lý" }
                    select id="assign-to_user" name="to_user" required {
                        @for s in c.specialists { option value=(s.id.0) { (s.full_name) } }
                    }
                    @if let Some(m) = errors.first("to_user").map(field_message) { p class="error" { (m) } }
                }
            }
            K::Consult => {
                (textarea("agencies", "Cơ quan, đơn vị được lấy ý kiến", "Mỗi dòng một cơ quan.", errors, kind))
                (textarea("reason", "Nội dung lấy ý kiến", "", errors, kind))
                (input("due_at", "Hạn trả lời", "date", errors, kind))
            }
            K::ConsultReply => (textarea("comment", "Ý kiến nhận được", "", errors, kind)),
            K::Forward => {
                div class="field" {
                    label for="forward-to_agency" { "Cơ quan phối hợp (liên thông)" }
                    select id="forward-to_agency" name="to_agency" required {
                        @for a in c.agencies { option value=(a.code) { (a.name) " (" (a.code) ")" } }
                    }
                }
                (textarea("reason", "Nhiệm vụ của cơ quan phối hợp", "", errors, kind))
                (input("due_at", "Thời hạn", "date", errors, kind))
            }
            K::ReturnForRework => (textarea("comment", "Nội dung cần xử lý lại", "", errors, kind)),
            K::RequestPayment => (input("amount", "Số tiền phải nộp (đồng)", "number", errors, kind)),
            K::RecordPayment | K::NotifyApplicant => {
                div class="field" {
                    label for={ (kind.as_str()) "-method" } { @if kind == K::RecordPayment { "Hình thức nộp" } @else { "Đã báo cho người nộp bằng" } }
                    select id={ (kind.as_str()) "-method" } name="method" required {
                        @if kind == K::RecordPayment {
                            option { "Tiền mặt tại Bộ phận một cửa" } option { "Chuyển khoản" } option { "Qua dịch vụ bưu chính" } option { "Thanh toán trực tuyến" }
                        } @else {
                            option { "Tin nhắn SMS" } option { "Thư điện tử" } option { "Điện thoại" }
                        }
                    }
                }
            }
            K::Extend => {
                (textarea("reason", "Lý do chậm trả kết quả", "Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu số 04); chỉ được gia hạn một lần.", errors, kind))
                (input("new_due_at", "Ngày hẹn trả mới", "date", errors, kind))
            }
            _ => {}
        }
    }
}

/// The button's wording: a specialist's approval is a submission for signature.
fn label(kind: ActionKind, stage: Option<Stage>) -> &'static str {
    match (kind, stage) {
        (ActionKind::Approve, Some(Stage::Appraising)) => "Trình ký",
        (ActionKind::Approve, _) => "Ký duyệt",
        _ => kind.label(),
    }
}

/// Every action form, collapsed, the first one open when it is the only one.
pub(super) fn forms(
    reference: &str,
    stage: Option<Stage>,
    kinds: &[ActionKind],
    csrf: &str,
    choices: &Choices<'_>,
    failed: Option<(ActionKind, &FieldErrors)>,
) -> Markup {
    let empty = FieldErrors::new();
    html! {
        div class="actions-list" {
            @for kind in kinds {
                @let errors = match failed { Some((k, e)) if k == *kind => e, _ => &empty };
                details open[kinds.len() == 1 || failed.is_some_and(|(k, _)| k == *kind)] {
                    summary { (label(*kind, stage)) }
                    form method="post" action={ "/staff/dossiers/" (reference) "/actions" } novalidate {
                        (csrf_input(csrf))
                        input type="hidden" name="action" value=(kind.as_str());
                        (fields(*kind, choices, errors))
                        button type="submit" { (label(*kind, stage)) }
                    }
                }
            }
        }
    }
}

/// Turns the submitted pairs into the API's input (repeated keys for checkboxes; lines for lists).
pub(super) fn parse(pairs: &[(String, String)]) -> ActionInput {
    let one = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let lines = |name: &str| -> Vec<String> {
        one(name)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    };
    ActionInput {
        action: one("action"),
        reason: one("reason"),
        comment: one("comment"),
        items: lines("items"),
        to_user: one("to_user").parse().ok(),
        to_unit: one("to_unit"),
        to_agency: one("to_agency"),
        agencies: lines("agencies"),
        due_at: one("due_at"),
        new_due_at: one("new_due_at"),
        amount: one("amount").replace(['.', ' '], "").parse().ok(),
        method: one("method"),
        acknowledge_late: one("acknowledge_late") == "true",
        components: pairs
            .iter()
            .filter(|(k, _)| k == "component")
            .filter_map(|(_, v)| v.trim().parse().ok())
            .collect(),
    }
}
