//! The dossier lifecycle: one pure state machine over the internal stages, with the permission rules of who may
//! take which action. `apply` returns the new stage and the effects the service must carry out (issue the code,
//! start or stop the clock, notify the applicant) in the same transaction as the event it records.

mod action;
pub mod applicant;
mod code;
mod status;
#[cfg(test)]
mod tests;

pub use action::{Action, ActionInput, ActionKind};
pub use applicant::{Applicant, ApplicantInput, ApplicantKind};
pub use code::{DossierCode, format_dossier_code};
pub use status::{Channel, Outcome, Stage, Status};

use crate::domain::role::Role;

/// Who acts, as far as the rules care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Staff {
        id: i64,
        roles: Vec<Role>,
        unit: Option<String>,
    },
    /// The citizen account that submitted the dossier online.
    Owner,
    /// An integration token relaying what the applicant did on another portal.
    Integration,
    /// Anyone else (another citizen). Never allowed to act.
    Stranger,
}

/// The role an actor plays for one dossier, which is what each edge of the machine names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    /// A one-stop officer (cán bộ một cửa).
    Officer,
    /// The specialist the dossier is assigned to.
    Assignee,
    /// The head of the unit holding the dossier.
    UnitHead,
    /// An agency leader.
    Leader,
    /// The applicant, in person online or through an integration.
    Applicant,
}

/// What the rules need to know about the dossier, read by the service inside the write transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub stage: Stage,
    /// The stage to go back to after a supplement, a payment, a consultation or an inter-agency hop.
    pub resume: Option<Stage>,
    pub unit: Option<String>,
    pub assignee: Option<i64>,
    pub immediate_result: bool,
    /// Supplement requests already made at the receipt stage (one complete request only, Decree 61 Art. 15(2)).
    pub receipt_supplements: u32,
    pub extended: bool,
    /// The applicant was told the result is ready (needed before an early return, Art. 20(3)).
    pub result_notified: bool,
    /// The moment is before the due date (an early return).
    pub before_due: bool,
    /// Still within the window for a supplement request after transfer (3 working days from receipt by default).
    pub supplement_window_open: bool,
}

/// What the service must do besides moving the stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Issue the dossier code, start the statutory clock, enter the register and notify the applicant.
    Receive,
    /// The receipt-stage supplement counter goes up (before receipt) or the processing one (after).
    CountSupplement {
        at_receipt: bool,
    },
    /// Stop the clock: it restarts from zero when the complete dossier returns.
    StopClock,
    /// Start the clock again from zero (a completed supplement after receipt).
    RestartClock,
    /// Pause the clock (waiting for payment) and resume it, shifting the due date by the time spent waiting.
    PauseClock,
    ResumeClock,
    SetUnit(String),
    SetAssignee(i64),
    ClearAssignee,
    OpenConsultation,
    CloseConsultation,
    SetFee(i64),
    /// Move the due date once (Form 04).
    Extend,
    /// Processing ended: record the outcome against the due date and the decision.
    Finish {
        approved: bool,
    },
    /// The dossier leaves the office's hands without a result (refused, withdrawn, stopped).
    Close,
    MarkResultNotified,
    /// Send the applicant a notice of this kind.
    Notify(Notice),
}

/// The notices the applicant receives (Decree 61 Arts 17-20).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    Received,
    SupplementRequested,
    Refused,
    PaymentRequested,
    Extended,
    ResultReady,
    Stopped,
}

impl Notice {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::SupplementRequested => "supplement",
            Self::Refused => "refused",
            Self::PaymentRequested => "payment",
            Self::Extended => "extended",
            Self::ResultReady => "result_ready",
            Self::Stopped => "stopped",
        }
    }
}

/// The outcome of a permitted action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub to: Stage,
    pub resume: Option<Stage>,
    pub effects: Vec<Effect>,
}

/// Why an action did not happen. Nothing changes in any case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The current stage does not allow this action (409 `dossier.invalid_transition`).
    #[error("{action} is not allowed in stage {from}")]
    InvalidTransition {
        from: &'static str,
        action: &'static str,
    },
    /// The stage allows it but not for this actor (403).
    #[error("not permitted")]
    NotPermitted,
    /// A rule of the process forbids it now; the code says which (409).
    #[error("rule: {0}")]
    Rule(&'static str),
}

impl TransitionError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidTransition { .. } => "dossier.invalid_transition",
            Self::NotPermitted => "dossier.forbidden",
            Self::Rule(code) => code,
        }
    }
}

/// Stages in which the office is working on the dossier and the clock runs.
const IN_PROCESS: [Stage; 7] = [
    Stage::Received,
    Stage::AtUnit,
    Stage::Appraising,
    Stage::Consulting,
    Stage::InterAgency,
    Stage::Signing,
    Stage::Approved,
];

use Part::{Applicant as A, Assignee as S, Leader as L, Officer as O, UnitHead as H};

/// The edges: from which stages an action may be taken, and by whom. `apply` below carries out each one; the test
/// in `tests.rs` keeps its own copy of this table so that no edge can change unnoticed.
pub fn edge(stage: Stage, action: ActionKind) -> Option<&'static [Part]> {
    use ActionKind as K;
    use Stage as St;
    let parts: &'static [Part] = match (action, stage) {
        (K::Receive, St::Registered) => &[O],
        (K::Refuse, St::Registered) => &[O],
        (K::RequestSupplement, St::Registered) => &[O],
        (K::RequestSupplement, St::Appraising) => &[S, H],
        (K::SubmitSupplement, St::Supplement) => &[O, A],
        (K::Transfer, St::Received) => &[O],
        (K::Transfer, St::AtUnit) => &[H, L],
        (K::Assign, St::AtUnit | St::Appraising) => &[H, L],
        (K::Consult, St::Appraising) => &[S, H],
        (K::ConsultReply, St::Consulting) => &[S, H],
        (K::Forward, St::Received) => &[O],
        (K::Forward, St::Appraising) => &[S, H],
        (K::ForwardReturn, St::InterAgency) => &[O, S, H],
        (K::Approve, St::Appraising) => &[S, H],
        (K::Approve, St::Signing) => &[H, L],
        (K::ReturnForRework, St::Signing) => &[H, L],
        (K::Reject, St::Appraising) => &[S, H],
        (K::Reject, St::Signing) => &[H, L],
        (K::RequestPayment, St::Received) => &[O],
        (K::RequestPayment, St::Appraising | St::Approved) => &[S, H],
        (K::RecordPayment, St::Payment) => &[O],
        (K::Complete, St::Approved) => &[S, H, L],
        (K::Complete, St::Received) => &[O],
        (K::NotifyApplicant, St::ResultReady) => &[O],
        (K::ReturnResult, St::ResultReady) => &[O],
        (K::Extend, s) if IN_PROCESS.contains(&s) => &[O, H, L],
        (K::Stop, s) if IN_PROCESS.contains(&s) || matches!(s, St::Supplement | St::Payment) => {
            &[H, L]
        }
        (K::Withdraw, s)
            if IN_PROCESS.contains(&s)
                || matches!(s, St::Registered | St::Supplement | St::Payment) =>
        {
            &[O, A]
        }
        _ => return None,
    };
    Some(parts)
}

/// The parts this actor plays for a dossier with these facts.
pub fn parts_of(actor: &Actor, facts: &Facts) -> Vec<Part> {
    match actor {
        Actor::Owner | Actor::Integration => vec![Part::Applicant],
        Actor::Stranger => Vec::new(),
        Actor::Staff { id, roles, unit } => {
            let mut parts = Vec::new();
            if roles.contains(&Role::Officer) {
                parts.push(Part::Officer);
            }
            if roles.contains(&Role::Specialist) && facts.assignee == Some(*id) {
                parts.push(Part::Assignee);
            }
            if roles.contains(&Role::Head) && unit.is_some() && *unit == facts.unit {
                parts.push(Part::UnitHead);
            }
            if roles.contains(&Role::Leader) {
                parts.push(Part::Leader);
            }
            parts
        }
    }
}

/// Applies one action. Pure: reads only its arguments.
pub fn apply(facts: &Facts, action: &Action, actor: &Actor) -> Result<Transition, TransitionError> {
    let kind = action.kind();
    let allowed = edge(facts.stage, kind).ok_or(TransitionError::InvalidTransition {
        from: facts.stage.as_str(),
        action: kind.as_str(),
    })?;
    let parts = parts_of(actor, facts);
    if !allowed.iter().any(|p| parts.contains(p)) {
        return Err(TransitionError::NotPermitted);
    }
    use Effect as E;
    let stay = facts.stage;
    let resume = facts.resume;
    let to = |to: Stage, effects: Vec<Effect>| {
        Ok(Transition {
            to,
            resume: None,
            effects,
        })
    };
    let hold = |to: Stage, effects: Vec<Effect>| {
        Ok(Transition {
            to,
            resume: Some(stay),
            effects,
        })
    };
    match action {
        Action::Receive => to(
            Stage::Received,
            vec![E::Receive, E::Notify(Notice::Received)],
        ),
        Action::Refuse { .. } => to(Stage::Refused, vec![E::Close, E::Notify(Notice::Refused)]),
        Action::RequestSupplement {
            acknowledge_late, ..
        } => {
            let at_receipt = stay == Stage::Registered;
            if at_receipt && facts.receipt_supplements > 0 {
                return Err(TransitionError::Rule("dossier.supplement_once"));
            }
            if !at_receipt && !facts.supplement_window_open && !acknowledge_late {
                return Err(TransitionError::Rule("dossier.supplement_window_closed"));
            }
            let mut effects = vec![E::CountSupplement { at_receipt }];
            if !at_receipt {
                effects.push(E::StopClock);
            }
            effects.push(E::Notify(Notice::SupplementRequested));
            hold(Stage::Supplement, effects)
        }
        Action::SubmitSupplement => {
            let back = resume.unwrap_or(Stage::Registered);
            let effects = if back == Stage::Registered {
                Vec::new()
            } else {
                vec![E::RestartClock]
            };
            to(back, effects)
        }
        Action::Transfer { to_unit } => to(
            Stage::AtUnit,
            vec![E::SetUnit(to_unit.clone()), E::ClearAssignee],
        ),
        Action::Assign { to_user } => to(Stage::Appraising, vec![E::SetAssignee(*to_user)]),
        Action::Consult { .. } => hold(Stage::Consulting, vec![E::OpenConsultation]),
        Action::ConsultReply { .. } => to(
            resume.unwrap_or(Stage::Appraising),
            vec![E::CloseConsultation],
        ),
        Action::Forward { .. } => hold(Stage::InterAgency, Vec::new()),
        Action::ForwardReturn => match resume {
            // Forwarded at receipt to the competent body: its result comes back for return.
            Some(Stage::Received) | None => {
                to(Stage::ResultReady, vec![E::Finish { approved: true }])
            }
            Some(back) => to(back, Vec::new()),
        },
        Action::Approve if stay == Stage::Appraising => to(Stage::Signing, Vec::new()),
        Action::Approve => to(Stage::Approved, Vec::new()),
        Action::ReturnForRework => to(Stage::Appraising, Vec::new()),
        Action::Reject { .. } => to(Stage::ResultReady, vec![E::Finish { approved: false }]),
        Action::RequestPayment { amount } => hold(
            Stage::Payment,
            vec![
                E::SetFee(*amount),
                E::PauseClock,
                E::Notify(Notice::PaymentRequested),
            ],
        ),
        Action::RecordPayment { .. } => {
            to(resume.unwrap_or(Stage::Appraising), vec![E::ResumeClock])
        }
        Action::Complete => {
            if stay == Stage::Received && !facts.immediate_result {
                return Err(TransitionError::Rule("dossier.not_immediate"));
            }
            to(Stage::ResultReady, vec![E::Finish { approved: true }])
        }
        Action::NotifyApplicant { .. } => to(
            Stage::ResultReady,
            vec![E::MarkResultNotified, E::Notify(Notice::ResultReady)],
        ),
        Action::ReturnResult => {
            if facts.before_due && !facts.result_notified {
                return Err(TransitionError::Rule("dossier.early_return_not_notified"));
            }
            to(Stage::Returned, vec![E::Close])
        }
        Action::Extend { .. } => {
            if facts.extended {
                return Err(TransitionError::Rule("dossier.already_extended"));
            }
            Ok(Transition {
                to: stay,
                resume,
                effects: vec![E::Extend, E::Notify(Notice::Extended)],
            })
        }
        Action::Stop { .. } => to(Stage::Stopped, vec![E::Close, E::Notify(Notice::Stopped)]),
        Action::Withdraw { .. } => to(Stage::Withdrawn, vec![E::Close]),
    }
}

/// The working hours the procedure's internal workflow allots to the step a stage begins, so each hand-over can
/// be judged early, on time or late (Form 05): the officer's first step at receipt, the head's assignment, the
/// specialist's appraisal, the head's and leader's signing steps together, and the officer's last step for the
/// return.
pub fn step_hours(
    stage: Stage,
    workflow: &[crate::domain::catalogue::WorkflowStep],
) -> Option<u32> {
    let first = |role: &str| workflow.iter().find(|s| s.role == role).map(|s| s.hours);
    match stage {
        Stage::Received => first("officer"),
        Stage::AtUnit => {
            let specialist = workflow.iter().position(|s| s.role == "specialist");
            workflow
                .iter()
                .take(specialist.unwrap_or(workflow.len()))
                .find(|s| s.role == "head")
                .map(|s| s.hours)
        }
        Stage::Appraising => first("specialist"),
        Stage::Signing => {
            let after = workflow.iter().position(|s| s.role == "specialist")?;
            let hours: u32 = workflow[after + 1..]
                .iter()
                .filter(|s| s.role == "head" || s.role == "leader")
                .map(|s| s.hours)
                .sum();
            (hours > 0).then_some(hours)
        }
        Stage::ResultReady => workflow
            .iter()
            .rev()
            .find(|s| s.role == "officer")
            .map(|s| s.hours),
        _ => None,
    }
}

/// The actions this actor may offer on a dossier in this stage (the buttons of the dossier page). Rules that
/// depend on time or counters (one extension, the supplement window) are checked when the action is taken.
pub fn available(
    stage: Stage,
    unit: Option<&str>,
    assignee: Option<i64>,
    immediate_result: bool,
    actor: &Actor,
) -> Vec<ActionKind> {
    let facts = Facts {
        stage,
        resume: None,
        unit: unit.map(str::to_owned),
        assignee,
        immediate_result,
        receipt_supplements: 0,
        extended: false,
        result_notified: true,
        before_due: false,
        supplement_window_open: true,
    };
    let parts = parts_of(actor, &facts);
    ActionKind::ALL
        .into_iter()
        .filter(|k| immediate_result || !(stage == Stage::Received && *k == ActionKind::Complete))
        .filter(|k| {
            edge(stage, *k).is_some_and(|allowed| allowed.iter().any(|p| parts.contains(p)))
        })
        .collect()
}
