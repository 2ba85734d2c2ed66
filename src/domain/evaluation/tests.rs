//! Tests of the evaluation rules: every threshold of Circular 01/2018 Arts 13-15 named in acceptance checks F 56-59.

use super::*;
use Outcome::{Early, Late, OnTime};
use time::macros::date;

fn t(x: u32) -> Tenths {
    Tenths(x)
}

#[test]
fn periods_read_their_keys_and_cover_whole_quarters_or_years() {
    let q4 = EvalPeriod::parse("2026-Q4").unwrap();
    assert_eq!(
        (q4.first_day(), q4.last_day()),
        (date!(2026 - 10 - 01), date!(2026 - 12 - 31))
    );
    assert_eq!(
        (q4.key(), q4.label()),
        ("2026-Q4".into(), "Quý IV năm 2026".into())
    );
    let q1 = EvalPeriod::parse("2026-Q1").unwrap();
    assert_eq!(q1.last_day(), date!(2026 - 03 - 31));
    let year = EvalPeriod::parse("2026").unwrap();
    assert_eq!(
        (year.first_day(), year.last_day()),
        (date!(2026 - 01 - 01), date!(2026 - 12 - 31))
    );
    assert_eq!(year.label(), "Năm 2026");
    for bad in ["2026-Q5", "2026-Q0", "26", "20260", "abcd", "2026-q4", ""] {
        assert_eq!(EvalPeriod::parse(bad), None, "{bad}");
    }
    assert_eq!(EvalPeriod::quarter_of(date!(2026 - 11 - 29)), q4);
}

#[test]
fn means_round_half_away_from_zero_on_the_first_decimal() {
    assert_eq!(Tenths::of_ratio(99, 20), Some(t(50)), "4.95 → 5.0");
    assert_eq!(Tenths::of_ratio(247, 50), Some(t(49)), "4.94 → 4.9");
    assert_eq!(Tenths::of_ratio(3, 20), Some(t(2)), "0.15 → 0.2");
    assert_eq!(Tenths::of_ratio(21, 20), Some(t(11)), "1.05 → 1.1");
    assert_eq!(Tenths::of_ratio(2, 3), Some(t(7)), "0.666… → 0.7");
    assert_eq!(Tenths::of_ratio(4, 3), Some(t(13)), "1.333… → 1.3");
    assert_eq!(Tenths::of_ratio(0, 0), None);
    assert_eq!(t(49).to_string(), "4,9");
    assert_eq!(t(150).to_string(), "15,0");
}

#[test]
fn each_dossier_index_follows_its_two_one_zero_rule() {
    assert_eq!([index1(Early), index1(OnTime), index1(Late)], [2, 1, 0]);
    assert_eq!(index2(&[]), None);
    assert_eq!(index2(&[Early, Early]), Some(2));
    assert_eq!(index2(&[Early, OnTime]), Some(1));
    assert_eq!(index2(&[Early, Late, Early]), Some(0));
    assert_eq!(
        [index3(0, false), index3(1, false), index3(2, false)],
        [2, 1, 0]
    );
    assert_eq!(index3(2, true), 1, "the applicant's fault keeps it off 0");
    assert_eq!([index4(0), index4(1), index4(2)], [2, 1, 0]);
    assert_eq!(
        [
            index7(Early, false),
            index7(OnTime, false),
            index7(Late, false)
        ],
        [2, 1, 0]
    );
    assert_eq!(index7(Early, true), 0);
}

fn facts() -> DossierFacts {
    DossierFacts {
        outcome: OnTime,
        steps: vec![],
        supplement_requests: 2,
        applicant_at_fault: false,
        agencies_contacted: 0,
        complaint: false,
        citizen: CitizenScores::default(),
    }
}

#[test]
fn the_applicants_score_replaces_the_computed_one_for_indices_one_three_four_and_seven_only() {
    let computed = score_dossier(&facts());
    assert_eq!(computed.get(1).map(|s| s.points), Some(1));
    assert_eq!(computed.get(2), None, "no step, no data");
    assert_eq!(computed.get(3).map(|s| s.points), Some(0));
    let rated = score_dossier(&DossierFacts {
        citizen: CitizenScores {
            i1: Some(2),
            i3: Some(1),
            i4: None,
            i7: Some(9),
        },
        ..facts()
    });
    assert_eq!(
        rated.get(1),
        Some(Score {
            points: 2,
            source: Source::Citizen
        })
    );
    assert_eq!(
        rated.get(3),
        Some(Score {
            points: 1,
            source: Source::Citizen
        })
    );
    assert_eq!(
        rated.get(4),
        Some(Score {
            points: 2,
            source: Source::System
        })
    );
    assert_eq!(
        rated.get(7).map(|s| s.source),
        Some(Source::System),
        "an impossible score is ignored"
    );
}

#[test]
fn means_count_only_dossiers_with_data() {
    let a = score_dossier(&DossierFacts {
        steps: vec![Early],
        ..facts()
    });
    let b = score_dossier(&facts());
    let m = means([&a, &b]);
    assert_eq!((m[0].sum, m[0].count, m[0].score()), (2, 2, Some(t(10))));
    assert_eq!(
        (m[1].sum, m[1].count, m[1].score()),
        (2, 1, Some(t(20))),
        "index 2: one dossier had steps"
    );
    assert_eq!(means([]).map(|m| m.score()), [None; 5]);
}

#[test]
fn officer_ratings_turn_at_five_and_three_and_a_half() {
    assert_eq!(OfficerRating::of(t(50)).label(), "100 %");
    assert_eq!(OfficerRating::of(t(49)).label(), "70 % đến dưới 100 %");
    assert_eq!(OfficerRating::of(t(35)), OfficerRating::Most);
    assert_eq!(OfficerRating::of(t(34)).label(), "dưới 70 %");
    assert_eq!(OfficerRating::of(t(100)), OfficerRating::Full);
}

#[test]
fn agency_rankings_turn_at_fifteen_twelve_nine_and_six() {
    let cases = [
        (150, "xuất sắc"),
        (149, "tốt"),
        (120, "tốt"),
        (119, "khá"),
        (90, "khá"),
        (89, "trung bình"),
        (60, "trung bình"),
        (59, "yếu"),
        (0, "yếu"),
    ];
    for (total, label) in cases {
        assert_eq!(Ranking::of(t(total)).label(), label, "{total}");
    }
}

#[test]
fn indices_without_data_are_left_out_of_totals_not_counted_as_zero() {
    assert_eq!(total([Some(t(20)), None, Some(t(15))]), Some(t(35)));
    assert_eq!(total([None, None]), None);
    assert_eq!(total([Some(t(0))]), Some(t(0)), "a real zero is still data");
    // Eight indices at 1.9 and index 8 without data: 15.2, "xuất sắc"; counting the missing one as 0 would not
    // change that sum, but the mean of nine would — the rule is a sum of the indices that have data.
    let eight = total([Some(t(19)); 8].into_iter().chain([None])).unwrap();
    assert_eq!((eight, Ranking::of(eight)), (t(152), Ranking::Excellent));
}

#[test]
fn unit_indices_follow_their_thresholds_and_have_no_data_without_procedures_or_dossiers() {
    let one_stop = |level, whole, received| OneStopFacts {
        level,
        procedures: 10,
        whole_at_one_stop: whole,
        received_and_returned: received,
    };
    assert_eq!(index5(&one_stop(ImplLevel::District, 5, 10)), Some(2));
    assert_eq!(index5(&one_stop(ImplLevel::District, 4, 10)), Some(1));
    assert_eq!(index5(&one_stop(ImplLevel::Province, 2, 9)), Some(2));
    assert_eq!(index5(&one_stop(ImplLevel::Commune, 9, 9)), Some(0));
    assert_eq!(
        index5(&OneStopFacts {
            procedures: 0,
            ..one_stop(ImplLevel::Commune, 0, 0)
        }),
        None
    );

    let published = |published, electronic| PublicationFacts {
        procedures: 4,
        published,
        electronic,
    };
    assert_eq!(
        [
            index6(&published(4, 4)),
            index6(&published(4, 3)),
            index6(&published(3, 3))
        ],
        [Some(2), Some(1), Some(0)]
    );
    assert_eq!(
        index6(&PublicationFacts {
            procedures: 0,
            published: 0,
            electronic: 0
        }),
        None
    );

    let online = |online_procedures, online_dossiers, online_late| OnlineFacts {
        procedures: 10,
        online_procedures,
        dossiers: 100,
        online_dossiers,
        online_late,
    };
    assert_eq!(index9(&online(2, 30, 0)), Some(2));
    assert_eq!(
        index9(&online(1, 30, 0)),
        Some(1),
        "under 20 % of procedures online"
    );
    assert_eq!(index9(&online(5, 29, 0)), Some(1));
    assert_eq!(index9(&online(5, 15, 0)), Some(1));
    assert_eq!(index9(&online(5, 14, 0)), Some(0));
    assert_eq!(
        index9(&online(5, 90, 1)),
        Some(0),
        "one late online dossier"
    );
    assert_eq!(index9(&online(0, 0, 0)), Some(0));
    assert_eq!(
        index9(&OnlineFacts {
            dossiers: 0,
            ..online(5, 0, 0)
        }),
        None
    );
}
