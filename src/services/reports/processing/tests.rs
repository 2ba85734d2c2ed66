//! Services layer tests: the three candidate passes count exactly what each figure's condition selects over the
//! whole table, for every combination of where a dossier's receipt, end and appointment fall against the period.

use rusqlite::Connection;
use time::macros::date;

use super::*;
use crate::store::reports::Period;

const SCHEMA: &str = "
CREATE TABLE dossiers (id INTEGER PRIMARY KEY, active INTEGER NOT NULL, channel INTEGER NOT NULL, stage TEXT NOT NULL,
  received_at TEXT, finished_at TEXT, decision TEXT, outcome TEXT, due_at TEXT, paused_at TEXT,
  receipt_supplements INTEGER NOT NULL, supplements INTEGER NOT NULL, unit_code TEXT, agency_code TEXT NOT NULL,
  procedure_code TEXT NOT NULL, procedure_version INTEGER NOT NULL);
CREATE INDEX dossiers_active_by_due ON dossiers(due_at, id) WHERE active = 1;
CREATE INDEX dossiers_by_finished ON dossiers(finished_at, received_at, decision, outcome, stage, channel,
    receipt_supplements, supplements, due_at, paused_at, agency_code, unit_code, procedure_code)
    WHERE finished_at IS NOT NULL;
CREATE TABLE dossier_events (id INTEGER PRIMARY KEY, dossier_id INTEGER NOT NULL, action TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX dossier_events_by_action ON dossier_events(action, at);
CREATE TABLE dossier_results (id INTEGER PRIMARY KEY, dossier_id INTEGER NOT NULL);
CREATE TABLE ratings (dossier_id INTEGER PRIMARY KEY, overall TEXT NOT NULL);
CREATE TABLE procedure_versions (procedure_code TEXT NOT NULL, version INTEGER NOT NULL, sector_code TEXT NOT NULL);
";

/// Moments against a February period: before it, at its first instant, inside, at its end (excluded), after.
const BEFORE: &str = "2026-01-10T02:00:00.000Z";
const INSIDE: &str = "2026-02-10T02:00:00.000Z";
const AFTER: &str = "2026-03-10T02:00:00.000Z";

fn period() -> Period {
    Period::new(date!(2026 - 02 - 01), date!(2026 - 02 - 28))
}

/// Every consistent dossier: received before it ended, without an end only while active.
fn seed(conn: &Connection) -> rusqlite::Result<i64> {
    let p = period();
    let moments = [BEFORE, p.from.as_str(), INSIDE, p.to.as_str(), AFTER];
    let mut received: Vec<Option<&str>> = vec![None];
    received.extend(moments.iter().map(|m| Some(*m)));
    let mut id = 0;
    let mut insert = conn.prepare(
        "INSERT INTO dossiers VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL, ?10, ?11, 'U1', 'H40.12', 'P1', 1)",
    )?;
    let stages: [(&str, bool, Option<&str>); 6] = [
        ("appraising", true, None),
        ("result_ready", true, Some("approved")),
        ("returned", false, Some("rejected")),
        ("refused", false, None),
        ("withdrawn", false, None),
        ("stopped", false, None),
    ];
    for rec in &received {
        for fin in std::iter::once(None).chain(moments.iter().map(|m| Some(*m))) {
            if let (Some(r), Some(f)) = (rec, fin)
                && f < *r
            {
                continue;
            }
            for (stage, active, decision) in stages {
                if fin.is_none() && (!active || decision.is_some()) {
                    continue;
                }
                if fin.is_some() && stage == "appraising" {
                    continue;
                }
                for outcome in [None, Some("early"), Some("on_time"), Some("late")] {
                    if decision.is_none() && outcome.is_some() {
                        continue;
                    }
                    for due in [None, Some(INSIDE), Some(AFTER)] {
                        for (channel, supplements) in [(1, 0), (2, 2), (3, 1)] {
                            id += 1;
                            insert.execute(rusqlite::params![
                                id,
                                active,
                                channel,
                                stage,
                                rec,
                                fin,
                                decision,
                                outcome,
                                due,
                                0,
                                supplements
                            ])?;
                            // A request is made while the dossier is open.
                            if id % 3 == 0 && fin.is_none_or(|f| f >= INSIDE) {
                                conn.execute(
                                    "INSERT INTO dossier_events(dossier_id, action, at) VALUES (?1, 'request_supplement', ?2)",
                                    rusqlite::params![id, INSIDE],
                                )?;
                            }
                            if id % 4 == 0 {
                                conn.execute(
                                    "INSERT INTO dossier_results(dossier_id) VALUES (?1)",
                                    [id],
                                )?;
                            }
                            if id % 5 == 0 {
                                conn.execute(
                                    "INSERT INTO ratings VALUES (?1, 'unsatisfied')",
                                    [id],
                                )?;
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(id)
}

#[test]
fn the_passes_count_exactly_what_each_condition_selects_over_the_whole_table()
-> Result<(), Box<dyn std::error::Error>> {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch(SCHEMA)?;
    let rows = seed(&conn)?;
    assert!(rows > 1000, "{rows} combinations");
    let filter = ReportFilter {
        period: period(),
        agency: None,
        unit: None,
        sector: None,
        procedure: None,
        channel: None,
    };
    let query = Query::new(&ReportScope::Office, &filter).map_err(|e| e.to_string())?;
    let counts = query
        .sum(&conn, None)?
        .into_values()
        .next()
        .unwrap_or_default();
    let by_unit = query.sum(&conn, Some("d.unit_code"))?;
    for figure in Figure::ALL {
        let sql = format!(
            "SELECT count(*) FROM dossiers d WHERE {}",
            figure.condition()
        );
        let expected: i64 = conn.query_row(&sql, &query.named(&sql)[..], |r| r.get(0))?;
        assert_eq!(counts.get(figure), expected, "{}", figure.key());
        assert_eq!(
            by_unit.values().map(|c| c.get(figure)).sum::<i64>(),
            expected,
            "{} grouped",
            figure.key()
        );
        assert!(expected > 0, "{} is exercised", figure.key());
    }
    Ok(())
}

#[test]
fn rates_follow_decision_766() {
    let mut counts = Counts::default();
    counts.0[Figure::Resolved as usize] = 8;
    counts.0[Figure::ResolvedEarly as usize] = 5;
    counts.0[Figure::ResolvedOnTime as usize] = 1;
    counts.0[Figure::ResolvedLate as usize] = 2;
    counts.0[Figure::Complained as usize] = 1;
    counts.0[Figure::ElectronicResult as usize] = 3;
    counts.0[Figure::ReceivedNew as usize] = 3;
    counts.0[Figure::ReceivedOnline as usize] = 1;
    let rates = counts.rates();
    assert_eq!(rates.on_time, Some(75.0));
    assert_eq!(rates.electronic, Some(37.5));
    assert_eq!(rates.online, Some(33.3));
    assert_eq!(rates.satisfaction, Some(62.5));
    assert_eq!(Counts::default().rates(), Rates::default());
}

#[test]
fn every_figure_has_a_distinct_key_that_parses_back() {
    for figure in Figure::ALL {
        assert_eq!(Figure::parse(figure.key()), Some(figure));
        assert_eq!(Figure::ALL[figure as usize], figure);
    }
}
