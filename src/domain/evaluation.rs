//! Domain layer: the service-quality evaluation of Circular 01/2018/TT-VPCP Arts 12-15 — the nine indices scored
//! 2 / 1 / 0, their means over a quarter or a year, the officer's task rating and the agency's ranking. Pure: the
//! facts come in as plain numbers, so every threshold of the regulation is tested here without a database.
//!
//! Scores are kept in tenths (`Tenths(49)` is 4.9) because the regulation rounds each index score to one decimal
//! and then compares totals with thresholds such as 3.5 and 15: integers make "4.9 is below 5" exact, where
//! floating point would make 4.95 round either way depending on its binary form.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use super::catalogue::ImplLevel;
use super::dossier::Outcome;

/// The indices scored per dossier (Art. 14): their means make the officer's rating.
pub const DOSSIER_INDICES: [u8; 5] = [1, 2, 3, 4, 7];
/// The indices scored once per agency for the period (Art. 14).
pub const UNIT_INDICES: [u8; 4] = [5, 6, 8, 9];

/// A quarter (`2026-Q4`) or a whole year (`2026`): the two periods Art. 15 rolls the scores up for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EvalPeriod {
    pub year: i32,
    /// 1-4, or `None` for the whole year.
    pub quarter: Option<u8>,
}

impl EvalPeriod {
    /// Reads `2026-Q4` or `2026` (years 2000-2999, so a typo does not ask for the year 20260).
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        let (year, quarter) = match raw.split_once("-Q") {
            Some((y, q)) => (
                y,
                Some(q.parse::<u8>().ok().filter(|q| (1..=4).contains(q))?),
            ),
            None => (raw, None),
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year = year
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..3000).contains(y))?;
        Some(Self { year, quarter })
    }

    /// The quarter a day falls in: the default period, and the one a citizen's rating stays open for.
    pub fn quarter_of(day: Date) -> Self {
        Self {
            year: day.year(),
            quarter: Some((u8::from(day.month()) - 1) / 3 + 1),
        }
    }

    /// The stored key: `2026-Q4` or `2026`.
    pub fn key(&self) -> String {
        match self.quarter {
            Some(q) => format!("{}-Q{q}", self.year),
            None => self.year.to_string(),
        }
    }

    /// "Quý IV năm 2026" or "Năm 2026", as the period is named in reports.
    pub fn label(&self) -> String {
        const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];
        match self.quarter {
            Some(q) => format!("Quý {} năm {}", ROMAN[usize::from(q - 1) % 4], self.year),
            None => format!("Năm {}", self.year),
        }
    }

    /// The first day of the period, in office time.
    pub fn first_day(&self) -> Date {
        let month = self.quarter.map_or(1, |q| (q - 1) * 3 + 1);
        let month = Month::try_from(month).unwrap_or(Month::January);
        Date::from_calendar_date(self.year, month, 1).unwrap_or(Date::MIN)
    }

    /// The last day of the period, in office time.
    pub fn last_day(&self) -> Date {
        let next = match self.quarter {
            Some(4) | None => Self {
                year: self.year + 1,
                quarter: Some(1),
            },
            Some(q) => Self {
                year: self.year,
                quarter: Some(q + 1),
            },
        };
        next.first_day().previous_day().unwrap_or(Date::MIN)
    }
}

/// A score rounded to one decimal, counted in tenths so that thresholds compare exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Tenths(pub u32);

impl Tenths {
    /// A whole-point score (a unit-level index is 0, 1 or 2 points).
    pub fn points(points: u8) -> Self {
        Self(u32::from(points) * 10)
    }

    /// `numerator ÷ denominator` rounded to one decimal, half away from zero (0.15 → 0.2, 4.95 → 5.0, 4.94 →
    /// 4.9), the usual rule for "làm tròn đến một chữ số thập phân"; `None` for a division by zero, which is an
    /// index without data rather than a score of 0.
    pub fn of_ratio(numerator: u64, denominator: u64) -> Option<Self> {
        if denominator == 0 {
            return None;
        }
        // tenths = round(10·n/d) = floor((20·n + d) / 2d), exact in integers; scores are never negative.
        let tenths = (numerator * 20 + denominator) / (denominator * 2);
        Some(Self(u32::try_from(tenths).unwrap_or(u32::MAX)))
    }
}

/// Written with a decimal comma, as Vietnamese reports write numbers: "4,9".
impl fmt::Display for Tenths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{}", self.0 / 10, self.0 % 10)
    }
}

/// Where a dossier's score for an index came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Computed by the one-stop system from the dossier's history.
    System,
    /// Given by the applicant in their rating: the channel Art. 14 names for indices 1, 3, 4 and 7.
    Citizen,
}

/// One index of one dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub points: u8,
    pub source: Source,
}

/// The applicant's own scores for the indices they are the channel for; the others they may give are ignored
/// because Art. 14 takes indices 2, 6, 8 and 9 from the system.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CitizenScores {
    pub i1: Option<u8>,
    pub i3: Option<u8>,
    pub i4: Option<u8>,
    pub i7: Option<u8>,
}

/// What the system knows about one dossier resolved in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierFacts {
    /// Indices 1 and 7: how processing ended against the appointment, as the processing report counts it (a
    /// dossier asked for more than one supplement counts as late, Decision 766).
    pub outcome: Outcome,
    /// Index 2: the outcome of each hand-over against the step's allotted time (`step_outcome` of the events).
    pub steps: Vec<Outcome>,
    /// Index 3: how many times the applicant was asked to complete the dossier (at receipt and after).
    pub supplement_requests: u32,
    /// Index 3: a request was recorded as the applicant's fault; without such a record every request is the
    /// office's.
    pub applicant_at_fault: bool,
    /// Index 4: how many bodies the applicant had to deal with to complete the dossier (bodies a law requires,
    /// such as site checks or councils, are not counted).
    pub agencies_contacted: u32,
    /// Index 7: the applicant complained (rated the dossier "Chưa hài lòng").
    pub complaint: bool,
    pub citizen: CitizenScores,
}

/// Index 1, total time against the statutory time: shorter 2, equal 1, longer 0.
pub fn index1(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::Early => 2,
        Outcome::OnTime => 1,
        Outcome::Late => 0,
    }
}

/// Index 2, each unit's time against its allotted time: 2 when every step was early, 0 when any was late, 1
/// otherwise; no data when no step had an allotted time.
pub fn index2(steps: &[Outcome]) -> Option<u8> {
    if steps.is_empty() {
        None
    } else if steps.contains(&Outcome::Late) {
        Some(0)
    } else if steps.iter().all(|s| *s == Outcome::Early) {
        Some(2)
    } else {
        Some(1)
    }
}

/// Index 3, contacts needed to complete the dossier: none 2, one 1, more than one 0 — unless the applicant was at
/// fault, which keeps it at 1 (the regulation only excludes the 0; it does not make such a dossier faultless).
pub fn index3(supplement_requests: u32, applicant_at_fault: bool) -> u8 {
    match supplement_requests {
        0 => 2,
        1 => 1,
        _ if applicant_at_fault => 1,
        _ => 0,
    }
}

/// Index 4, bodies contacted: none 2, only one (the one-stop section) 1, more than one 0.
pub fn index4(agencies_contacted: u32) -> u8 {
    match agencies_contacted {
        0 => 2,
        1 => 1,
        _ => 0,
    }
}

/// Index 7, staff attitude: resolved early with no complaint 2, on time with no complaint 1; a complaint, or
/// lateness (which meets neither higher level), 0. A complaint later found untrue cannot be recorded yet.
pub fn index7(outcome: Outcome, complaint: bool) -> u8 {
    match (complaint, outcome) {
        (true, _) | (false, Outcome::Late) => 0,
        (false, Outcome::Early) => 2,
        (false, Outcome::OnTime) => 1,
    }
}

/// A dossier's scores for indices 1, 2, 3, 4 and 7, in the order of [`DOSSIER_INDICES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierScores(pub [Option<Score>; 5]);

impl DossierScores {
    /// The score of index `index` (1, 2, 3, 4 or 7), when it has one.
    pub fn get(&self, index: u8) -> Option<Score> {
        let at = DOSSIER_INDICES.iter().position(|i| *i == index)?;
        self.0[at]
    }
}

/// Scores one dossier: the system's computation, with the applicant's own score taking precedence for 1, 3, 4, 7.
pub fn score_dossier(f: &DossierFacts) -> DossierScores {
    let pick = |citizen: Option<u8>, system: u8| {
        Some(match citizen.filter(|p| *p <= 2) {
            Some(points) => Score {
                points,
                source: Source::Citizen,
            },
            None => Score {
                points: system,
                source: Source::System,
            },
        })
    };
    DossierScores([
        pick(f.citizen.i1, index1(f.outcome)),
        index2(&f.steps).map(|points| Score {
            points,
            source: Source::System,
        }),
        pick(
            f.citizen.i3,
            index3(f.supplement_requests, f.applicant_at_fault),
        ),
        pick(f.citizen.i4, index4(f.agencies_contacted)),
        pick(f.citizen.i7, index7(f.outcome, f.complaint)),
    ])
}

/// An index score over many dossiers: the sum of their scores ÷ the number of dossiers that have one (Art. 15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexMean {
    pub index: u8,
    pub sum: u32,
    /// Dossiers with a score for this index; dossiers without one are not counted as 0.
    pub count: u32,
}

impl IndexMean {
    /// The rounded mean, or `None` when no dossier had data.
    pub fn score(&self) -> Option<Tenths> {
        Tenths::of_ratio(u64::from(self.sum), u64::from(self.count))
    }
}

/// The means of indices 1, 2, 3, 4 and 7 over `scores`.
pub fn means<'a>(scores: impl IntoIterator<Item = &'a DossierScores>) -> [IndexMean; 5] {
    let mut out = DOSSIER_INDICES.map(|index| IndexMean {
        index,
        sum: 0,
        count: 0,
    });
    for s in scores {
        for (mean, score) in out.iter_mut().zip(s.0.iter()) {
            if let Some(score) = score {
                mean.sum += u32::from(score.points);
                mean.count += 1;
            }
        }
    }
    out
}

/// The sum of the scores that exist; `None` when none does. Indices without data are left out (Art. 15), not
/// counted as 0, so an office is not marked down for what the system cannot see.
pub fn total(scores: impl IntoIterator<Item = Option<Tenths>>) -> Option<Tenths> {
    scores
        .into_iter()
        .flatten()
        .fold(None, |acc: Option<Tenths>, s| {
            Some(Tenths(acc.map_or(0, |a| a.0) + s.0))
        })
}

/// An officer's task completion from the total of their index 1, 2, 3, 4 and 7 means (Art. 15(2)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfficerRating {
    /// ≥ 5: hoàn thành 100 % nhiệm vụ.
    Full,
    /// 3.5 to < 5.
    Most,
    /// < 3.5.
    Below,
}

impl OfficerRating {
    /// Compares the rounded total in tenths, so 4.9 is "below 5" exactly.
    pub fn of(total: Tenths) -> Self {
        match total.0 {
            50.. => Self::Full,
            35..50 => Self::Most,
            _ => Self::Below,
        }
    }

    /// The words of the regulation, shown in the officer table.
    pub fn label(self) -> &'static str {
        match self {
            Self::Full => "100 %",
            Self::Most => "70 % đến dưới 100 %",
            Self::Below => "dưới 70 %",
        }
    }
}

/// The agency's ranking from the total of its index scores with data (Art. 15(3)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ranking {
    /// ≥ 15.
    Excellent,
    /// 12 to < 15.
    Good,
    /// 9 to < 12.
    Fair,
    /// 6 to < 9.
    Average,
    /// < 6.
    Weak,
}

impl Ranking {
    /// Compares the rounded total in tenths, so 14.9 is "below 15" exactly.
    pub fn of(total: Tenths) -> Self {
        match total.0 {
            150.. => Self::Excellent,
            120..150 => Self::Good,
            90..120 => Self::Fair,
            60..90 => Self::Average,
            _ => Self::Weak,
        }
    }

    /// The regulation's words, shown in the back office and on the portal.
    pub fn label(self) -> &'static str {
        match self {
            Self::Excellent => "xuất sắc",
            Self::Good => "tốt",
            Self::Fair => "khá",
            Self::Average => "trung bình",
            Self::Weak => "yếu",
        }
    }
}

/// Index 5 facts: the procedures the agency handled in the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OneStopFacts {
    /// The agency's level, which sets the share required for 2 points.
    pub level: ImplLevel,
    pub procedures: u32,
    /// Procedures whose dossiers were all received, decided and returned at the one-stop section.
    pub whole_at_one_stop: u32,
    /// Procedures whose dossiers were all received and returned through the one-stop section.
    pub received_and_returned: u32,
}

/// Index 5: 2 when the share of procedures handled wholly at the one-stop section reaches 20 % (province), 50 %
/// (district) or 100 % (commune); 1 when every procedure is at least received and returned there; 0 otherwise.
pub fn index5(f: &OneStopFacts) -> Option<u8> {
    if f.procedures == 0 {
        return None;
    }
    let required = match f.level {
        ImplLevel::Province => 20,
        ImplLevel::District => 50,
        ImplLevel::Commune => 100,
    };
    Some(if f.whole_at_one_stop * 100 >= required * f.procedures {
        2
    } else if f.received_and_returned >= f.procedures {
        1
    } else {
        0
    })
}

/// Index 6 facts: the procedures the agency handled in the period and how they are published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicationFacts {
    pub procedures: u32,
    /// Published now in the portal's catalogue with the full level-1 information.
    pub published: u32,
    /// Published with electronic copies: downloadable form templates or an online e-form.
    pub electronic: u32,
}

/// Index 6: 2 when every procedure is published with electronic copies, 1 when every one is published but some
/// without, 0 when any is not published (not complete or not timely).
pub fn index6(f: &PublicationFacts) -> Option<u8> {
    if f.procedures == 0 {
        None
    } else if f.published < f.procedures {
        Some(0)
    } else if f.electronic >= f.procedures {
        Some(2)
    } else {
        Some(1)
    }
}

/// Index 9 facts: online services in the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OnlineFacts {
    /// Published procedures at the agency's level.
    pub procedures: u32,
    /// Of those, offered online (fully or partly; levels 3 and 4 before Decree 42/2022).
    pub online_procedures: u32,
    /// Dossiers received in the period, and how many of them online.
    pub dossiers: u32,
    pub online_dossiers: u32,
    /// Online dossiers resolved late in the period or still open past their appointment at its end.
    pub online_late: u32,
}

/// Index 9: 2 with ≥ 20 % of procedures online, ≥ 30 % of dossiers online and none late or unresolved; 1 with
/// some procedure online, ≥ 15 % of dossiers online and none late; 0 with no procedure online, < 15 % online, or
/// any online dossier late or unresolved.
pub fn index9(f: &OnlineFacts) -> Option<u8> {
    if f.procedures == 0 || f.dossiers == 0 {
        return None;
    }
    if f.online_procedures == 0 || f.online_dossiers * 100 < 15 * f.dossiers || f.online_late > 0 {
        Some(0)
    } else if f.online_procedures * 100 >= 20 * f.procedures
        && f.online_dossiers * 100 >= 30 * f.dossiers
    {
        Some(2)
    } else {
        Some(1)
    }
}

#[cfg(test)]
mod tests;
