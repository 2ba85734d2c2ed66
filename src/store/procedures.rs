//! Procedures and their versions. A version's body is the level-1 information as JSON (docs/PROCEDURE-PACK.md);
//! published versions are never edited, only superseded, so a dossier can always show what it was received under.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::domain::catalogue::Procedure;
use crate::domain::text::fold_ascii;

use super::StoreError;

/// One stored version with its listing columns and parsed body.
#[derive(Debug, Clone)]
pub struct ProcedureVersion {
    pub id: i64,
    pub code: String,
    pub version: i64,
    pub state: String,
    pub content_hash: String,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub published_at: Option<String>,
    pub published_by: Option<String>,
    pub body: Procedure,
}

/// A row of the catalogue list: enough to render a line without parsing bodies.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProcedureSummary {
    pub code: String,
    pub version: i64,
    pub name: String,
    pub sector_code: String,
    pub sector_name: String,
    pub level: String,
    pub service_level: String,
    pub is_demo: bool,
}

const VERSION_COLUMNS: &str = "id, procedure_code, version, state, content_hash, valid_from, valid_to, created_at, \
     created_by, published_at, published_by, body";

fn version_from_row(r: &Row<'_>) -> rusqlite::Result<ProcedureVersion> {
    let body: String = r.get(11)?;
    let body = serde_json::from_str(&body).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(11, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(ProcedureVersion {
        id: r.get(0)?,
        code: r.get(1)?,
        version: r.get(2)?,
        state: r.get(3)?,
        content_hash: r.get(4)?,
        valid_from: r.get(5)?,
        valid_to: r.get(6)?,
        created_at: r.get(7)?,
        created_by: r.get(8)?,
        published_at: r.get(9)?,
        published_by: r.get(10)?,
        body,
    })
}

/// A new version to insert.
pub struct NewVersion<'a> {
    pub body: &'a Procedure,
    pub state: &'a str,
    pub content_hash: &'a str,
    pub valid_from: Option<&'a str>,
    pub at: &'a str,
    pub by: &'a str,
}

pub fn ensure_procedure(conn: &Connection, code: &str, at: &str) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT OR IGNORE INTO procedures(code, created_at) VALUES (?1, ?2)")?
        .execute(params![code, at])?;
    Ok(())
}

pub fn next_version_number(conn: &Connection, code: &str) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(max(version), 0) + 1 FROM procedure_versions WHERE procedure_code = ?1",
        )?
        .query_row([code], |r| r.get(0))?)
}

/// Inserts a version with the next number and returns that number.
pub fn insert_version(conn: &Connection, v: &NewVersion<'_>) -> Result<i64, StoreError> {
    let number = next_version_number(conn, &v.body.code)?;
    let body = serde_json::to_string(v.body)
        .map_err(|e| StoreError::Sqlite(rusqlite::Error::ToSqlConversionFailure(Box::new(e))))?;
    let published = v.state == "published";
    conn.prepare_cached(
        "INSERT INTO procedure_versions(procedure_code, version, state, name, sector_code, level, service_level,
             is_demo, body, content_hash, valid_from, created_at, created_by, published_at, published_by, sort_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?
    .execute(params![
        v.body.code,
        number,
        v.state,
        v.body.name,
        v.body.sector,
        v.body.level.as_str(),
        v.body.service_level.as_str(),
        v.body.demo,
        body,
        v.content_hash,
        v.valid_from,
        v.at,
        v.by,
        published.then_some(v.at),
        published.then_some(v.by),
        fold_ascii(&v.body.name),
    ])?;
    Ok(number)
}

/// Replaces the content of a draft (drafts are the only versions ever edited).
pub fn update_draft(
    conn: &Connection,
    id: i64,
    body: &Procedure,
    content_hash: &str,
) -> Result<(), StoreError> {
    let json = serde_json::to_string(body)
        .map_err(|e| StoreError::Sqlite(rusqlite::Error::ToSqlConversionFailure(Box::new(e))))?;
    let n = conn
        .prepare_cached(
            "UPDATE procedure_versions SET name = ?2, sector_code = ?3, level = ?4, service_level = ?5,
                 is_demo = ?6, body = ?7, content_hash = ?8, sort_key = ?9
             WHERE id = ?1 AND state = 'draft'",
        )?
        .execute(params![
            id,
            body.name,
            body.sector,
            body.level.as_str(),
            body.service_level.as_str(),
            body.demo,
            json,
            content_hash,
            fold_ascii(&body.name)
        ])?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Closes the currently published version of a procedure (if any) at `at`.
pub fn retire_published(conn: &Connection, code: &str, at: &str) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE procedure_versions SET state = 'retired', valid_to = ?2
         WHERE procedure_code = ?1 AND state = 'published'",
    )?
    .execute(params![code, at])?;
    Ok(())
}

/// Turns a draft into the published version.
pub fn publish_draft(
    conn: &Connection,
    id: i64,
    valid_from: &str,
    at: &str,
    by: &str,
) -> Result<(), StoreError> {
    let n = conn
        .prepare_cached(
            "UPDATE procedure_versions SET state = 'published', valid_from = ?2, published_at = ?3, published_by = ?4
             WHERE id = ?1 AND state = 'draft'",
        )?
        .execute(params![id, valid_from, at, by])?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub fn delete_draft(conn: &Connection, code: &str) -> Result<(), StoreError> {
    match conn
        .prepare_cached(
            "DELETE FROM procedure_versions WHERE procedure_code = ?1 AND state = 'draft'",
        )?
        .execute([code])?
    {
        0 => Err(StoreError::NotFound),
        _ => Ok(()),
    }
}

fn one_version(
    conn: &Connection,
    filter: &str,
    code: &str,
) -> Result<Option<ProcedureVersion>, StoreError> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM procedure_versions WHERE procedure_code = ?1 AND {filter}"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([code], version_from_row)
        .optional()?)
}

pub fn published(conn: &Connection, code: &str) -> Result<Option<ProcedureVersion>, StoreError> {
    one_version(conn, "state = 'published'", code)
}

pub fn draft(conn: &Connection, code: &str) -> Result<Option<ProcedureVersion>, StoreError> {
    one_version(conn, "state = 'draft'", code)
}

/// The newest version of a procedure whatever its state (what an editor starts from).
pub fn latest(conn: &Connection, code: &str) -> Result<Option<ProcedureVersion>, StoreError> {
    one_version(
        conn,
        "version = (SELECT max(version) FROM procedure_versions WHERE procedure_code = ?1)",
        code,
    )
}

pub fn version(
    conn: &Connection,
    code: &str,
    number: i64,
) -> Result<Option<ProcedureVersion>, StoreError> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM procedure_versions WHERE procedure_code = ?1 AND version = ?2"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![code, number], version_from_row)
        .optional()?)
}

/// Every version of one procedure, newest first, without bodies' use beyond listing.
pub fn history(conn: &Connection, code: &str) -> Result<Vec<ProcedureVersion>, StoreError> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM procedure_versions WHERE procedure_code = ?1 ORDER BY version DESC"
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map([code], version_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Filters of the published catalogue listing (all optional; `None` means any).
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub sector: Option<String>,
    pub level: Option<String>,
    pub service_level: Option<String>,
}

const SUMMARY_SELECT: &str = "SELECT v.procedure_code, v.version, v.name, v.sector_code, s.name, v.level, \
     v.service_level, v.is_demo FROM procedure_versions v JOIN sectors s ON s.code = v.sector_code";

fn summary_from_row(r: &Row<'_>) -> rusqlite::Result<ProcedureSummary> {
    Ok(ProcedureSummary {
        code: r.get(0)?,
        version: r.get(1)?,
        name: r.get(2)?,
        sector_code: r.get(3)?,
        sector_name: r.get(4)?,
        level: r.get(5)?,
        service_level: r.get(6)?,
        is_demo: r.get(7)?,
    })
}

impl ListFilter {
    /// `AND column = ?` for each filter given, with its values in order. Only the filters in use appear in the SQL,
    /// so SQLite can pick the matching partial index (a `?1 IS NULL OR ...` form defeats the planner).
    fn clause(&self, prefix: &str) -> (String, Vec<String>) {
        let mut sql = String::new();
        let mut values = Vec::new();
        for (column, value) in [
            ("sector_code", &self.sector),
            ("level", &self.level),
            ("service_level", &self.service_level),
        ] {
            if let Some(v) = value {
                sql.push_str(&format!(" AND {prefix}{column} = ?"));
                values.push(v.clone());
            }
        }
        (sql, values)
    }
}

/// One page of the published catalogue in Vietnamese name order, and the total.
pub fn list_published(
    conn: &Connection,
    filter: &ListFilter,
    offset: usize,
    limit: usize,
) -> Result<(Vec<ProcedureSummary>, usize), StoreError> {
    let (clause, values) = filter.clause("v.");
    let total: i64 = conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM procedure_versions v WHERE v.state = 'published'{clause}"
        ))?
        .query_row(rusqlite::params_from_iter(&values), |r| r.get(0))?;
    let mut args: Vec<rusqlite::types::Value> = values.into_iter().map(Into::into).collect();
    args.push((limit as i64).into());
    args.push((offset as i64).into());
    let rows = conn
        .prepare_cached(&format!(
            "{SUMMARY_SELECT} WHERE v.state = 'published'{clause} ORDER BY v.sort_key, v.procedure_code \
             LIMIT ? OFFSET ?"
        ))?
        .query_map(rusqlite::params_from_iter(args), summary_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok((rows, usize::try_from(total).unwrap_or(0)))
}

/// Summaries of the published versions of the given codes, in the order given (search results).
pub fn published_summaries(
    conn: &Connection,
    codes: &[String],
) -> Result<Vec<ProcedureSummary>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SUMMARY_SELECT} WHERE v.state = 'published' AND v.procedure_code = ?1"
    ))?;
    let mut out = Vec::with_capacity(codes.len());
    for code in codes {
        if let Some(s) = stmt.query_row([code], summary_from_row).optional()? {
            out.push(s);
        }
    }
    Ok(out)
}

/// Counts of published procedures per value of one listing column, with the other filters applied but not the
/// column's own (so the choices beside a picked filter still show their counts).
pub fn published_counts(
    conn: &Connection,
    column: FacetColumn,
    filter: &ListFilter,
) -> Result<Vec<(String, u64)>, StoreError> {
    let mut f = filter.clone();
    let col = match column {
        FacetColumn::Sector => {
            f.sector = None;
            "sector_code"
        }
        FacetColumn::Level => {
            f.level = None;
            "level"
        }
        FacetColumn::ServiceLevel => {
            f.service_level = None;
            "service_level"
        }
    };
    let (clause, values) = f.clause("");
    let rows = conn
        .prepare_cached(&format!(
            "SELECT {col}, count(*) FROM procedure_versions WHERE state = 'published'{clause} GROUP BY {col}"
        ))?
        .query_map(rusqlite::params_from_iter(&values), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

#[derive(Debug, Clone, Copy)]
pub enum FacetColumn {
    Sector,
    Level,
    ServiceLevel,
}

/// Every procedure for the admin list: code, newest version's name and state, and whether a draft is open.
#[derive(Debug, Clone)]
pub struct AdminRow {
    pub code: String,
    pub name: String,
    pub sector_code: String,
    pub published_version: Option<i64>,
    pub has_draft: bool,
    pub is_demo: bool,
}

pub fn admin_list(conn: &Connection) -> Result<Vec<AdminRow>, StoreError> {
    let rows = conn
        .prepare_cached(
            "SELECT p.code,
                    (SELECT name FROM procedure_versions WHERE procedure_code = p.code ORDER BY version DESC LIMIT 1),
                    (SELECT sector_code FROM procedure_versions WHERE procedure_code = p.code ORDER BY version DESC LIMIT 1),
                    (SELECT version FROM procedure_versions WHERE procedure_code = p.code AND state = 'published'),
                    EXISTS(SELECT 1 FROM procedure_versions WHERE procedure_code = p.code AND state = 'draft'),
                    (SELECT is_demo FROM procedure_versions WHERE procedure_code = p.code ORDER BY version DESC LIMIT 1)
             FROM procedures p ORDER BY 3, 2 COLLATE vi",
        )?
        .query_map([], |r| {
            Ok(AdminRow {
                code: r.get(0)?,
                name: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                sector_code: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                published_version: r.get(3)?,
                has_draft: r.get(4)?,
                is_demo: r.get::<_, Option<bool>>(5)?.unwrap_or(false),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// All published versions (pack export, index rebuild), in code order.
pub fn all_published(conn: &Connection) -> Result<Vec<ProcedureVersion>, StoreError> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM procedure_versions WHERE state = 'published' ORDER BY procedure_code"
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map([], version_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Codes of the published procedures of one sector (their search entries carry the sector's name).
pub fn published_codes_in_sector(
    conn: &Connection,
    sector: &str,
) -> Result<Vec<String>, StoreError> {
    let rows = conn
        .prepare_cached(
            "SELECT procedure_code FROM procedure_versions WHERE state = 'published' AND sector_code = ?1",
        )?
        .query_map([sector], |r| r.get(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub fn count_published(conn: &Connection) -> Result<u64, StoreError> {
    Ok(conn.query_row(
        "SELECT count(*) FROM procedure_versions WHERE state = 'published'",
        [],
        |r| r.get::<_, i64>(0),
    )? as u64)
}

/// A stored template file by its SHA-256.
pub struct TemplateFile {
    pub media_type: String,
    pub content: Vec<u8>,
}

pub fn put_template_file(
    conn: &Connection,
    sha256: &str,
    media_type: &str,
    content: &[u8],
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO template_files(sha256, media_type, size, content) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![sha256, media_type, content.len() as i64, content])?;
    Ok(())
}

pub fn template_file(conn: &Connection, sha256: &str) -> Result<Option<TemplateFile>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT media_type, content FROM template_files WHERE sha256 = ?1")?
        .query_row([sha256], |r| {
            Ok(TemplateFile {
                media_type: r.get(0)?,
                content: r.get(1)?,
            })
        })
        .optional()?)
}
