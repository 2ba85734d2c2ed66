//! Guides (hướng dẫn) and FAQ entries (câu hỏi thường gặp) of the portal, written by administrators in Markdown.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::StoreError;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Page {
    pub slug: String,
    pub kind: String,
    pub title: String,
    pub body: String,
    #[serde(default)]
    pub position: i64,
    #[serde(default = "yes")]
    pub published: bool,
}

fn yes() -> bool {
    true
}

fn page_from_row(r: &Row<'_>) -> rusqlite::Result<Page> {
    Ok(Page {
        slug: r.get(0)?,
        kind: r.get(1)?,
        title: r.get(2)?,
        body: r.get(3)?,
        position: r.get(4)?,
        published: r.get(5)?,
    })
}

/// Inserts or replaces a page by slug.
pub fn upsert(conn: &Connection, p: &Page, at: &str, by: &str) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO pages(slug, kind, title, body, position, published, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT(slug) DO UPDATE SET kind = excluded.kind, title = excluded.title, body = excluded.body,
             position = excluded.position, published = excluded.published,
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )?
    .execute(params![
        p.slug,
        p.kind,
        p.title,
        p.body,
        p.position,
        p.published,
        at,
        by
    ])?;
    Ok(())
}

pub fn delete(conn: &Connection, slug: &str) -> Result<(), StoreError> {
    match conn
        .prepare_cached("DELETE FROM pages WHERE slug = ?1")?
        .execute([slug])?
    {
        0 => Err(StoreError::NotFound),
        _ => Ok(()),
    }
}

pub fn get(conn: &Connection, slug: &str) -> Result<Option<Page>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT slug, kind, title, body, position, published FROM pages WHERE slug = ?1",
        )?
        .query_row([slug], page_from_row)
        .optional()?)
}

/// Pages of one kind in display order; `only_published` for the portal.
pub fn list(conn: &Connection, kind: &str, only_published: bool) -> Result<Vec<Page>, StoreError> {
    let rows = conn
        .prepare_cached(
            "SELECT slug, kind, title, body, position, published FROM pages
             WHERE kind = ?1 AND (published = 1 OR ?2 = 0) ORDER BY position, title",
        )?
        .query_map(params![kind, only_published], page_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}
