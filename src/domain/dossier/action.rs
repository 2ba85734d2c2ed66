//! Lifecycle actions as named in the API (api.md), parsed once from JSON or a form into typed values.

use serde::Deserialize;

use crate::domain::FieldErrors;
use crate::domain::text::clean_line;

/// The action names of `POST /api/v1/dossiers/{ref}/actions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ActionKind {
    Receive,
    Refuse,
    RequestSupplement,
    SubmitSupplement,
    Assign,
    Transfer,
    Consult,
    ConsultReply,
    Forward,
    ForwardReturn,
    ReturnForRework,
    Approve,
    Reject,
    RequestPayment,
    RecordPayment,
    Extend,
    Stop,
    Withdraw,
    Complete,
    NotifyApplicant,
    ReturnResult,
}

impl ActionKind {
    pub const ALL: [ActionKind; 21] = [
        Self::Receive,
        Self::Refuse,
        Self::RequestSupplement,
        Self::SubmitSupplement,
        Self::Assign,
        Self::Transfer,
        Self::Consult,
        Self::ConsultReply,
        Self::Forward,
        Self::ForwardReturn,
        Self::ReturnForRework,
        Self::Approve,
        Self::Reject,
        Self::RequestPayment,
        Self::RecordPayment,
        Self::Extend,
        Self::Stop,
        Self::Withdraw,
        Self::Complete,
        Self::NotifyApplicant,
        Self::ReturnResult,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Receive => "receive",
            Self::Refuse => "refuse",
            Self::RequestSupplement => "request_supplement",
            Self::SubmitSupplement => "submit_supplement",
            Self::Assign => "assign",
            Self::Transfer => "transfer",
            Self::Consult => "consult",
            Self::ConsultReply => "consult_reply",
            Self::Forward => "forward",
            Self::ForwardReturn => "forward_return",
            Self::ReturnForRework => "return_for_rework",
            Self::Approve => "approve",
            Self::Reject => "reject",
            Self::RequestPayment => "request_payment",
            Self::RecordPayment => "record_payment",
            Self::Extend => "extend",
            Self::Stop => "stop",
            Self::Withdraw => "withdraw",
            Self::Complete => "complete",
            Self::NotifyApplicant => "notify_applicant",
            Self::ReturnResult => "return_result",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    /// The button or history wording in Vietnamese.
    pub fn label(self) -> &'static str {
        match self {
            Self::Receive => "Tiếp nhận",
            Self::Refuse => "Từ chối tiếp nhận",
            Self::RequestSupplement => "Yêu cầu bổ sung, hoàn thiện",
            Self::SubmitSupplement => "Nộp bổ sung",
            Self::Assign => "Phân công xử lý",
            Self::Transfer => "Chuyển xử lý",
            Self::Consult => "Lấy ý kiến",
            Self::ConsultReply => "Ghi nhận ý kiến",
            Self::Forward => "Chuyển liên thông",
            Self::ForwardReturn => "Nhận lại từ liên thông",
            Self::ReturnForRework => "Trả lại để xử lý lại",
            Self::Approve => "Phê duyệt",
            Self::Reject => "Từ chối giải quyết",
            Self::RequestPayment => "Yêu cầu nộp phí, lệ phí",
            Self::RecordPayment => "Xác nhận đã nộp phí",
            Self::Extend => "Gia hạn, xin lỗi",
            Self::Stop => "Dừng xử lý",
            Self::Withdraw => "Rút hồ sơ",
            Self::Complete => "Hoàn thành xử lý",
            Self::NotifyApplicant => "Báo người nộp đến nhận kết quả",
            Self::ReturnResult => "Trả kết quả",
        }
    }
}

/// The raw body of an action, from JSON or from a form, before parsing.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ActionInput {
    pub action: String,
    pub reason: String,
    pub comment: String,
    pub items: Vec<String>,
    pub to_user: Option<i64>,
    pub to_unit: String,
    pub to_agency: String,
    pub agencies: Vec<String>,
    pub due_at: String,
    pub new_due_at: String,
    pub amount: Option<i64>,
    pub method: String,
    pub acknowledge_late: bool,
    /// For `receive`: the positions of the components handed in (the officer's checklist).
    pub components: Vec<i64>,
}

/// A parsed action with what it needs. Dates arrive as office-local `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` text and
/// are parsed by the service, which knows the calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Receive,
    Refuse {
        reason: String,
    },
    RequestSupplement {
        reason: String,
        items: Vec<String>,
        acknowledge_late: bool,
    },
    SubmitSupplement,
    Assign {
        to_user: i64,
    },
    Transfer {
        to_unit: String,
    },
    Consult {
        agencies: Vec<String>,
        content: String,
        due: String,
    },
    ConsultReply {
        reply: String,
    },
    Forward {
        to_agency: String,
        task: String,
        due: String,
    },
    ForwardReturn,
    ReturnForRework,
    Approve,
    Reject {
        reason: String,
    },
    RequestPayment {
        amount: i64,
    },
    RecordPayment {
        method: String,
    },
    Extend {
        reason: String,
        new_due: String,
    },
    Stop {
        reason: String,
    },
    /// The applicant's reason is optional; it is kept as the event's comment.
    Withdraw {
        reason: String,
    },
    Complete,
    NotifyApplicant {
        how: String,
    },
    ReturnResult,
}

fn required(errors: &mut FieldErrors, field: &str, value: &str, max: usize) -> String {
    let value = value.trim().to_owned();
    if value.is_empty() {
        errors.add(field, "required");
    } else if value.chars().count() > max {
        errors.add(field, "too_long");
    }
    crate::domain::text::nfc(&value)
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Self::Receive => ActionKind::Receive,
            Self::Refuse { .. } => ActionKind::Refuse,
            Self::RequestSupplement { .. } => ActionKind::RequestSupplement,
            Self::SubmitSupplement => ActionKind::SubmitSupplement,
            Self::Assign { .. } => ActionKind::Assign,
            Self::Transfer { .. } => ActionKind::Transfer,
            Self::Consult { .. } => ActionKind::Consult,
            Self::ConsultReply { .. } => ActionKind::ConsultReply,
            Self::Forward { .. } => ActionKind::Forward,
            Self::ForwardReturn => ActionKind::ForwardReturn,
            Self::ReturnForRework => ActionKind::ReturnForRework,
            Self::Approve => ActionKind::Approve,
            Self::Reject { .. } => ActionKind::Reject,
            Self::RequestPayment { .. } => ActionKind::RequestPayment,
            Self::RecordPayment { .. } => ActionKind::RecordPayment,
            Self::Extend { .. } => ActionKind::Extend,
            Self::Stop { .. } => ActionKind::Stop,
            Self::Withdraw { .. } => ActionKind::Withdraw,
            Self::Complete => ActionKind::Complete,
            Self::NotifyApplicant { .. } => ActionKind::NotifyApplicant,
            Self::ReturnResult => ActionKind::ReturnResult,
        }
    }

    /// Parses the raw input, collecting every missing or malformed field at once.
    pub fn parse(input: &ActionInput) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let Some(kind) = ActionKind::parse(input.action.trim()) else {
            e.add("action", "action.unknown");
            return Err(e);
        };
        let action = match kind {
            ActionKind::Receive => Self::Receive,
            ActionKind::Refuse => Self::Refuse {
                reason: required(&mut e, "reason", &input.reason, 2000),
            },
            ActionKind::RequestSupplement => {
                let items: Vec<String> = input
                    .items
                    .iter()
                    .map(|i| clean_line(i))
                    .filter(|i| !i.is_empty())
                    .collect();
                if items.is_empty() {
                    e.add("items", "required");
                }
                Self::RequestSupplement {
                    reason: required(&mut e, "reason", &input.reason, 2000),
                    items,
                    acknowledge_late: input.acknowledge_late,
                }
            }
            ActionKind::SubmitSupplement => Self::SubmitSupplement,
            ActionKind::Assign => match input.to_user {
                Some(id) => Self::Assign { to_user: id },
                None => {
                    e.add("to_user", "required");
                    Self::Assign { to_user: 0 }
                }
            },
            ActionKind::Transfer => Self::Transfer {
                to_unit: required(&mut e, "to_unit", &input.to_unit, 35),
            },
            ActionKind::Consult => {
                let agencies: Vec<String> = input
                    .agencies
                    .iter()
                    .map(|a| clean_line(a))
                    .filter(|a| !a.is_empty())
                    .collect();
                if agencies.is_empty() {
                    e.add("agencies", "required");
                }
                Self::Consult {
                    agencies,
                    content: required(&mut e, "reason", &input.reason, 4000),
                    due: required(&mut e, "due_at", &input.due_at, 40),
                }
            }
            ActionKind::ConsultReply => Self::ConsultReply {
                reply: required(&mut e, "comment", &input.comment, 4000),
            },
            ActionKind::Forward => Self::Forward {
                to_agency: required(&mut e, "to_agency", &input.to_agency, 35),
                task: input.reason.trim().to_owned(),
                due: input.due_at.trim().to_owned(),
            },
            ActionKind::ForwardReturn => Self::ForwardReturn,
            ActionKind::ReturnForRework => {
                required(&mut e, "comment", &input.comment, 2000);
                Self::ReturnForRework
            }
            ActionKind::Approve => Self::Approve,
            ActionKind::Reject => Self::Reject {
                reason: required(&mut e, "reason", &input.reason, 2000),
            },
            ActionKind::RequestPayment => match input.amount {
                Some(a) if a > 0 => Self::RequestPayment { amount: a },
                _ => {
                    e.add("amount", "payment_amount.invalid");
                    Self::RequestPayment { amount: 0 }
                }
            },
            ActionKind::RecordPayment => Self::RecordPayment {
                method: required(&mut e, "method", &input.method, 200),
            },
            ActionKind::Extend => Self::Extend {
                reason: required(&mut e, "reason", &input.reason, 2000),
                new_due: required(&mut e, "new_due_at", &input.new_due_at, 40),
            },
            ActionKind::Stop => Self::Stop {
                reason: required(&mut e, "reason", &input.reason, 2000),
            },
            ActionKind::Withdraw => {
                let reason = clean_line(&input.reason);
                if reason.chars().count() > 2000 {
                    e.add("reason", "too_long");
                }
                Self::Withdraw { reason }
            }
            ActionKind::Complete => Self::Complete,
            ActionKind::NotifyApplicant => Self::NotifyApplicant {
                how: required(&mut e, "method", &input.method, 200),
            },
            ActionKind::ReturnResult => Self::ReturnResult,
        };
        if e.is_empty() { Ok(action) } else { Err(e) }
    }
}
