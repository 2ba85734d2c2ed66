//! Archiving in SQLite: the closed dossiers due for the archives (oldest first, keyset pages over the partial index
//! `dossiers_by_finished`), those already handed over (newest first, through the `archive` events and their index
//! on `(action, at)`), each procedure's retention in force, one dossier's archive state and the rows its archive
//! package holds.
//!
//! Cost of the "due" list: every test it makes before reading a dossier row (finished, closed, past its
//! procedure's period) uses only columns of `dossiers_by_finished`, so SQLite evaluates them on the index and
//! reads a row only for a dossier that is due; a dossier already archived is recognised on its row
//! (`archived_at`), so a page costs one row read per archived dossier older than the page. An index on unarchived
//! closed dossiers would remove that; it needs a migration and is left until archives grow large.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

use crate::domain::archive::Retention;
use crate::store::{StoreError, parse_time};

/// The stages of a closed dossier (`active = 0`): refused, withdrawn, stopped, returned. Tested against the domain.
const CLOSED_STAGES: &str = "'refused', 'withdrawn', 'stopped', 'returned'";

/// Which dossiers are due: finished at or before `default_before` (UTC text), except the procedures listed with
/// their own limit ("" for a permanent retention: never due).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueFilter {
    pub default_before: String,
    pub procedures: Vec<(String, String)>,
}

/// The position after the last row of a page: a time (finishing time, or the archive event's time) and an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveCursor {
    pub at: String,
    pub id: i64,
}

impl ArchiveCursor {
    /// `"<time>~<id>"`, opaque to clients.
    pub fn encode(&self) -> String {
        format!("{}~{}", self.at, self.id)
    }

    pub fn decode(raw: &str) -> Option<Self> {
        let (at, id) = raw.rsplit_once('~')?;
        parse_time(at)?;
        Some(Self {
            at: at.to_owned(),
            id: id.parse().ok()?,
        })
    }
}

/// A line of the archivist's lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveRow {
    pub id: i64,
    pub public_id: String,
    pub code: Option<String>,
    pub procedure_code: String,
    pub procedure_name: String,
    pub applicant_name: String,
    pub status: i64,
    pub finished_at: String,
    pub archived_at: Option<String>,
    pub archived_by: Option<String>,
    /// Where the next page starts if this row ends the page.
    pub cursor: ArchiveCursor,
}

const ROW: &str =
    "d.id, d.public_id, d.code, d.procedure_code, d.procedure_name, d.applicant_name, d.status,
    d.finished_at, d.archived_at, d.archived_by";

fn read(r: &rusqlite::Row<'_>, cursor: ArchiveCursor) -> rusqlite::Result<ArchiveRow> {
    Ok(ArchiveRow {
        id: r.get(0)?,
        public_id: r.get(1)?,
        code: r.get(2)?,
        procedure_code: r.get(3)?,
        procedure_name: r.get(4)?,
        applicant_name: r.get(5)?,
        status: r.get(6)?,
        finished_at: r.get(7)?,
        archived_at: r.get(8)?,
        archived_by: r.get(9)?,
        cursor,
    })
}

/// One page of the closed dossiers due for the archives and not yet archived, oldest first by finishing time
/// then id; `limit + 1` rows are read so the caller knows whether a next page exists.
pub fn due_page(
    conn: &Connection,
    filter: &DueFilter,
    after: Option<&ArchiveCursor>,
    limit: usize,
) -> Result<Vec<ArchiveRow>, StoreError> {
    let mut args: Vec<Value> = Vec::new();
    let mut arg = |v: Value| {
        args.push(v);
        format!("?{}", args.len())
    };
    let latest = filter
        .procedures
        .iter()
        .map(|(_, before)| before.as_str())
        .chain([filter.default_before.as_str()])
        .max()
        .unwrap_or_default()
        .to_owned();
    let latest = arg(Value::Text(latest));
    let mut limit_of = String::new();
    if filter.procedures.is_empty() {
        limit_of.push_str(&arg(Value::Text(filter.default_before.clone())));
    } else {
        limit_of.push_str("CASE d.procedure_code");
        for (code, before) in &filter.procedures {
            let code = arg(Value::Text(code.clone()));
            let before = arg(Value::Text(before.clone()));
            limit_of.push_str(&format!(" WHEN {code} THEN {before}"));
        }
        let default = arg(Value::Text(filter.default_before.clone()));
        limit_of.push_str(&format!(" ELSE {default} END"));
    }
    let position = match after {
        None => String::new(),
        Some(c) => {
            let at = arg(Value::Text(c.at.clone()));
            let id = arg(Value::Integer(c.id));
            format!("AND d.finished_at >= {at} AND (d.finished_at > {at} OR d.id > {id})")
        }
    };
    let limit = arg(Value::Integer(
        i64::try_from(limit).unwrap_or(i64::MAX - 1) + 1,
    ));
    // The index-only tests come first; `archived_at` and `active` are read from the row of a due dossier only.
    let sql = format!(
        "SELECT {ROW} FROM dossiers d
         WHERE d.finished_at IS NOT NULL AND d.finished_at <= {latest}
           AND d.stage IN ({CLOSED_STAGES})
           AND d.finished_at <= {limit_of}
           {position}
           AND d.archived_at IS NULL AND d.active = 0
         ORDER BY d.finished_at, d.id LIMIT {limit}"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
        let cursor = ArchiveCursor {
            at: r.get(7)?,
            id: r.get(0)?,
        };
        read(r, cursor)
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One page of the dossiers handed to the archives, most recently archived first (by their `archive` event).
pub fn archived_page(
    conn: &Connection,
    after: Option<&ArchiveCursor>,
    limit: usize,
) -> Result<Vec<ArchiveRow>, StoreError> {
    let (at, id) = after.map_or(("~".to_owned(), i64::MAX), |c| (c.at.clone(), c.id));
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ROW}, e.at, e.id FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
         WHERE e.action = 'archive' AND (e.at < ?1 OR (e.at = ?1 AND e.id < ?2))
         ORDER BY e.at DESC, e.id DESC LIMIT ?3"
    ))?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX - 1) + 1;
    let rows = stmt.query_map(params![at, id, limit], |r| {
        let cursor = ArchiveCursor {
            at: r.get(10)?,
            id: r.get(11)?,
        };
        read(r, cursor)
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn retention_value(value: Value) -> Option<Retention> {
    match value {
        Value::Integer(n) => u32::try_from(n).ok().map(Retention::Years),
        Value::Text(t) if t == "permanent" => Some(Retention::Permanent),
        _ => None,
    }
}

/// The procedures whose version in force (the published one, or the last one of a withdrawn procedure) sets its
/// own retention. Only bodies that mention the key are parsed.
pub fn retention_overrides(conn: &Connection) -> Result<Vec<(String, Retention)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.procedure_code, json_extract(v.body, '$.retention_years') FROM procedure_versions v
         WHERE v.state <> 'draft' AND instr(v.body, '\"retention_years\"') > 0
           AND v.version = (SELECT max(x.version) FROM procedure_versions x
                            WHERE x.procedure_code = v.procedure_code AND x.state <> 'draft')",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Value>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (code, value) = row?;
        if let Some(retention) = retention_value(value) {
            out.push((code, retention));
        }
    }
    Ok(out)
}

/// The retention one procedure sets in its version in force, if any.
pub fn retention_of(conn: &Connection, procedure: &str) -> Result<Option<Retention>, StoreError> {
    let value: Option<Value> = conn
        .prepare_cached(
            "SELECT json_extract(body, '$.retention_years') FROM procedure_versions
             WHERE procedure_code = ?1 AND state <> 'draft' ORDER BY version DESC LIMIT 1",
        )?
        .query_row([procedure], |r| r.get(0))
        .optional()?;
    Ok(value.and_then(retention_value))
}

/// When and by whom a dossier was handed to the archives, if it was.
pub fn archive_state(
    conn: &Connection,
    dossier: i64,
) -> Result<Option<(String, String)>, StoreError> {
    let state: Option<(Option<String>, Option<String>)> = conn
        .prepare_cached("SELECT archived_at, archived_by FROM dossiers WHERE id = ?1")?
        .query_row([dossier], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(match state {
        Some((Some(at), by)) => Some((at, by.unwrap_or_default())),
        _ => None,
    })
}

/// Marks a closed dossier as archived; `false` (and nothing changed) when it is active or already archived.
pub fn set_archived(
    conn: &Connection,
    dossier: i64,
    at: &str,
    by: &str,
) -> Result<bool, StoreError> {
    let changed = conn
        .prepare_cached(
            "UPDATE dossiers SET archived_at = ?2, archived_by = ?3, updated_at = ?2
             WHERE id = ?1 AND active = 0 AND archived_at IS NULL",
        )?
        .execute(params![dossier, at, by])?;
    Ok(changed == 1)
}

/// A signed electronic result with what verifying it offline needs: the signature and the agency's public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageResult {
    pub document_id: i64,
    pub verify_code: String,
    pub sha256: String,
    pub key_id: String,
    pub public_key: String,
    pub signature: String,
    pub signed_at: String,
    pub signed_by: String,
}

pub fn package_results(conn: &Connection, dossier: i64) -> Result<Vec<PackageResult>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.document_id, r.verify_code, r.sha256, r.key_id, k.public_key, r.signature, r.signed_at,
            r.signed_by
         FROM dossier_results r JOIN signing_keys k ON k.key_id = r.key_id
         WHERE r.dossier_id = ?1 ORDER BY r.id",
    )?;
    let rows = stmt.query_map([dossier], |r| {
        Ok(PackageResult {
            document_id: r.get(0)?,
            verify_code: r.get(1)?,
            sha256: r.get(2)?,
            key_id: r.get(3)?,
            public_key: r.get(4)?,
            signature: r.get(5)?,
            signed_at: r.get(6)?,
            signed_by: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dossier::Stage;

    #[test]
    fn the_closed_stages_are_exactly_the_inactive_stages_of_the_domain() {
        let inactive: Vec<String> = Stage::ALL
            .into_iter()
            .filter(|s| !s.is_active())
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        let mut listed: Vec<&str> = CLOSED_STAGES.split(", ").collect();
        let mut expected: Vec<&str> = inactive.iter().map(String::as_str).collect();
        listed.sort_unstable();
        expected.sort_unstable();
        assert_eq!(listed, expected);
    }

    #[test]
    fn cursors_round_trip_and_reject_anything_else() {
        let c = ArchiveCursor {
            at: "2016-11-29T03:00:00.000Z".into(),
            id: 42,
        };
        assert_eq!(ArchiveCursor::decode(&c.encode()), Some(c));
        assert_eq!(ArchiveCursor::decode("x~1"), None);
        assert_eq!(ArchiveCursor::decode("2016-11-29T03:00:00.000Z~y"), None);
    }
}
