//! The exhaustive check of the lifecycle: every (stage, action, actor) triple against a table written here
//! independently of `edge`, plus the rules that depend on facts.

use super::*;

/// The legal edges, by hand: "stage action parts". Any change to the machine must change this table too.
const TABLE: &str = "
registered receive O
registered refuse O
registered request_supplement O
registered withdraw OA
received transfer O
received forward O
received request_payment O
received complete O
received extend OHL
received stop HL
received withdraw OA
at_unit transfer HL
at_unit assign HL
at_unit extend OHL
at_unit stop HL
at_unit withdraw OA
appraising request_supplement SH
appraising assign HL
appraising consult SH
appraising forward SH
appraising approve SH
appraising reject SH
appraising request_payment SH
appraising extend OHL
appraising stop HL
appraising withdraw OA
consulting consult_reply SH
consulting extend OHL
consulting stop HL
consulting withdraw OA
inter_agency forward_return OSH
inter_agency extend OHL
inter_agency stop HL
inter_agency withdraw OA
signing approve HL
signing return_for_rework HL
signing reject HL
signing extend OHL
signing stop HL
signing withdraw OA
approved request_payment SH
approved complete SHL
approved extend OHL
approved stop HL
approved withdraw OA
supplement submit_supplement OA
supplement stop HL
supplement withdraw OA
payment record_payment O
payment stop HL
payment withdraw OA
result_ready notify_applicant O
result_ready return_result O
";

fn expected(stage: Stage, kind: ActionKind) -> Option<String> {
    TABLE.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some(s), Some(a), Some(parts)) if s == stage.as_str() && a == kind.as_str() => {
                Some(parts.to_owned())
            }
            _ => None,
        }
    })
}

const UNIT: &str = "H40.12.2";

/// The actors of the test, each with the letter of the part it plays when the facts favour it.
fn actors() -> Vec<(char, Actor)> {
    let staff = |id: i64, role: Role, unit: &str| Actor::Staff {
        id,
        roles: vec![role],
        unit: Some(unit.to_owned()),
    };
    vec![
        ('O', staff(1, Role::Officer, "H40.12.1")),
        ('S', staff(2, Role::Specialist, UNIT)),
        ('H', staff(3, Role::Head, UNIT)),
        ('L', staff(4, Role::Leader, "H40.12.9")),
        ('A', Actor::Owner),
        ('A', Actor::Integration),
        ('-', staff(5, Role::Admin, "H40.12.9")),
        ('-', staff(6, Role::Specialist, UNIT)),
        ('-', staff(7, Role::Head, "H40.12.3")),
        ('-', Actor::Stranger),
    ]
}

fn favourable(stage: Stage) -> Facts {
    Facts {
        stage,
        resume: Some(Stage::Appraising),
        unit: Some(UNIT.to_owned()),
        assignee: Some(2),
        immediate_result: true,
        receipt_supplements: 0,
        extended: false,
        result_notified: true,
        before_due: false,
        supplement_window_open: true,
    }
}

fn sample(kind: ActionKind) -> Action {
    let input = ActionInput {
        action: kind.as_str().to_owned(),
        reason: "Lý do".into(),
        comment: "Ghi chú".into(),
        items: vec!["Bản sao giấy khai sinh".into()],
        to_user: Some(2),
        to_unit: UNIT.into(),
        to_agency: "H40.12.20".into(),
        agencies: vec!["H40.12.3".into()],
        due_at: "2026-12-01".into(),
        new_due_at: "2026-12-10".into(),
        amount: Some(50_000),
        method: "Tiền mặt".into(),
        acknowledge_late: false,
        components: Vec::new(),
    };
    match Action::parse(&input) {
        Ok(action) => action,
        Err(e) => panic!("{kind:?} did not parse: {e:?}"),
    }
}

#[test]
fn every_stage_action_and_actor_triple_matches_the_table() {
    let mut checked = 0;
    for stage in Stage::ALL {
        for kind in ActionKind::ALL {
            let want = expected(stage, kind);
            for (letter, actor) in actors() {
                let got = apply(&favourable(stage), &sample(kind), &actor);
                match (&want, got) {
                    (None, Err(TransitionError::InvalidTransition { .. })) => {}
                    (Some(parts), Ok(_)) if parts.contains(letter) => {}
                    (Some(parts), Err(TransitionError::NotPermitted))
                        if !parts.contains(letter) => {}
                    (want, got) => panic!(
                        "{} {} by {letter} ({actor:?}): table says {want:?}, machine says {got:?}",
                        stage.as_str(),
                        kind.as_str()
                    ),
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 15 * 21 * 10);
}

#[test]
fn the_status_always_follows_the_stage_and_terminal_stages_allow_nothing() {
    for stage in [
        Stage::Refused,
        Stage::Withdrawn,
        Stage::Stopped,
        Stage::Returned,
    ] {
        assert!(!stage.is_active());
        assert!(ActionKind::ALL.iter().all(|k| edge(stage, *k).is_none()));
    }
    assert_eq!(Stage::Returned.status().name(), "Đã trả kết quả");
    assert_eq!(Stage::Refused.status().code(), 3);
}

#[test]
fn the_ten_national_status_strings_are_exact() {
    let names: Vec<&str> = Status::ALL.iter().map(|s| s.name()).collect();
    assert_eq!(
        names,
        [
            "Mới đăng ký",
            "Được tiếp nhận",
            "Không được tiếp nhận",
            "Đang xử lý",
            "Yêu cầu bổ sung giấy tờ",
            "Yêu cầu thực hiện nghĩa vụ tài chính",
            "Công dân yêu cầu rút hồ sơ",
            "Dừng xử lý",
            "Đã xử lý xong",
            "Đã trả kết quả",
        ]
    );
    for name in names {
        assert_eq!(crate::domain::text::nfc(name), name);
    }
}

fn officer() -> Actor {
    actors().remove(0).1
}

fn head() -> Actor {
    actors().remove(2).1
}

#[test]
fn a_second_extension_is_refused_with_its_own_code() {
    let facts = Facts {
        extended: true,
        ..favourable(Stage::Appraising)
    };
    let err = apply(&facts, &sample(ActionKind::Extend), &head()).expect_err("once only");
    assert_eq!(err.code(), "dossier.already_extended");
}

#[test]
fn only_one_supplement_request_is_allowed_at_receipt() {
    let facts = Facts {
        receipt_supplements: 1,
        ..favourable(Stage::Registered)
    };
    let err =
        apply(&facts, &sample(ActionKind::RequestSupplement), &officer()).expect_err("one only");
    assert_eq!(err.code(), "dossier.supplement_once");
}

#[test]
fn a_late_supplement_request_needs_an_explicit_acknowledgement() {
    let facts = Facts {
        supplement_window_open: false,
        ..favourable(Stage::Appraising)
    };
    let err = apply(&facts, &sample(ActionKind::RequestSupplement), &head()).expect_err("late");
    assert_eq!(err.code(), "dossier.supplement_window_closed");
    let late = Action::RequestSupplement {
        reason: "Thiếu".into(),
        items: vec!["Tờ khai".into()],
        acknowledge_late: true,
    };
    let t = apply(&facts, &late, &head()).expect("acknowledged");
    assert!(t.effects.contains(&Effect::StopClock));
    assert_eq!(t.resume, Some(Stage::Appraising));
}

#[test]
fn an_early_return_needs_the_applicant_to_have_been_told() {
    let facts = Facts {
        before_due: true,
        result_notified: false,
        ..favourable(Stage::ResultReady)
    };
    let err = apply(&facts, &Action::ReturnResult, &officer()).expect_err("not told");
    assert_eq!(err.code(), "dossier.early_return_not_notified");
    let told = Facts {
        result_notified: true,
        ..facts
    };
    assert!(apply(&told, &Action::ReturnResult, &officer()).is_ok());
}

#[test]
fn completing_at_the_counter_is_only_for_immediate_result_procedures() {
    let facts = Facts {
        immediate_result: false,
        ..favourable(Stage::Received)
    };
    let err = apply(&facts, &Action::Complete, &officer()).expect_err("not immediate");
    assert_eq!(err.code(), "dossier.not_immediate");
}

#[test]
fn a_supplement_returns_to_where_it_was_asked_and_restarts_the_clock() {
    let facts = Facts {
        resume: Some(Stage::Appraising),
        ..favourable(Stage::Supplement)
    };
    let t = apply(&facts, &Action::SubmitSupplement, &Actor::Owner).expect("owner may");
    assert_eq!(t.to, Stage::Appraising);
    assert_eq!(t.effects, vec![Effect::RestartClock]);
    let at_receipt = Facts {
        resume: Some(Stage::Registered),
        ..favourable(Stage::Supplement)
    };
    let t = apply(&at_receipt, &Action::SubmitSupplement, &officer()).expect("officer may");
    assert_eq!(t.to, Stage::Registered);
    assert!(t.effects.is_empty());
}

#[test]
fn actions_missing_their_reason_are_refused_with_every_field_named() {
    let errors = Action::parse(&ActionInput {
        action: "request_supplement".into(),
        ..ActionInput::default()
    })
    .expect_err("missing");
    assert_eq!(errors.first("reason"), Some("required"));
    assert_eq!(errors.first("items"), Some("required"));
    let unknown = Action::parse(&ActionInput {
        action: "teleport".into(),
        ..ActionInput::default()
    })
    .expect_err("unknown");
    assert_eq!(unknown.first("action"), Some("action.unknown"));
}
