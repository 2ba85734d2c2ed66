//! Services: the portal's guides (hướng dẫn thực hiện dịch vụ công trực tuyến, Circular 22 portal function g) and
//! FAQ entries, written by administrators in Markdown. Saving, deleting, publishing and the bulk import used by the
//! demo loader all check the same rules and leave an audit entry in the same transaction.

use crate::domain::FieldErrors;
use crate::domain::text::{clean_line, has_control_chars, nfc};
use crate::store::Db;
use crate::store::audit::Outcome;
use crate::store::pages::{self, Page};

use super::{Context, ServiceError};

/// Longest page body: a guide is a few screens of text, not a document store.
const MAX_BODY_CHARS: usize = 100_000;
/// Positions order pages on the portal; a bound keeps typing slips out.
const MAX_POSITION: i64 = 1_000_000;

/// The two kinds of portal page.
pub const KINDS: [&str; 2] = ["guide", "faq"];

/// A page as typed in the admin form, before parsing. Saving with the slug of an existing page replaces it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PageForm {
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub position: String,
    #[serde(default)]
    pub published: bool,
}

impl From<&Page> for PageForm {
    fn from(p: &Page) -> Self {
        PageForm {
            slug: p.slug.clone(),
            kind: p.kind.clone(),
            title: p.title.clone(),
            body: p.body.clone(),
            position: p.position.to_string(),
            published: p.published,
        }
    }
}

/// A slug is the page's address (`/huong-dan/{slug}`): lower-case ASCII letters, digits and hyphens, 1–80 long,
/// so it never needs escaping in a URL or an HTML id.
pub fn parse_slug(raw: &str) -> Result<String, &'static str> {
    let slug = raw.trim();
    let ok = (1..=80).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(slug.to_owned())
    } else {
        Err("slug.invalid")
    }
}

/// Checks a page, collecting every field error. The body is kept as Markdown with line ends made `\n`.
pub fn parse_page(form: &PageForm) -> Result<Page, FieldErrors> {
    let mut errors = FieldErrors::new();
    let slug = errors.take("slug", parse_slug(&form.slug));
    if !KINDS.contains(&form.kind.as_str()) {
        errors.add("kind", "kind.invalid");
    }
    let title = clean_line(&form.title);
    if has_control_chars(&title) {
        errors.add("title", "title.invalid");
    } else if title.is_empty() {
        errors.add("title", "title.required");
    } else if title.chars().count() > 300 {
        errors.add("title", "title.too_long");
    }
    let body = nfc(&form.body.replace("\r\n", "\n").replace('\r', "\n"))
        .trim_end()
        .to_owned();
    if body.trim().is_empty() {
        errors.add("body", "body.required");
    } else if body.chars().count() > MAX_BODY_CHARS {
        errors.add("body", "body.too_long");
    }
    let position = match form.position.trim() {
        "" => Some(0),
        text => text.parse::<i64>().ok().filter(|p| p.abs() <= MAX_POSITION),
    };
    if position.is_none() {
        errors.add("position", "position.invalid");
    }
    match (slug, position) {
        (Some(slug), Some(position)) if errors.is_empty() => Ok(Page {
            slug,
            kind: form.kind.clone(),
            title,
            body,
            position,
            published: form.published,
        }),
        _ => Err(errors),
    }
}

/// Creates a page or replaces the one with the same slug.
pub async fn save_page(db: &Db, ctx: &Context, form: PageForm) -> Result<String, ServiceError> {
    let page = parse_page(&form).map_err(ServiceError::Invalid)?;
    let ctx = ctx.clone();
    db.write(move |tx| {
        let existed = pages::get(tx, &page.slug)?.is_some();
        pages::upsert(tx, &page, &ctx.now_text(), &ctx.actor)?;
        let detail = format!(
            "{} kind={} published={}",
            if existed { "updated" } else { "created" },
            page.kind,
            page.published
        );
        ctx.audit(tx, "page.save", &page.slug, Outcome::Ok, &detail)?;
        Ok(page.slug)
    })
    .await
}

/// Deletes a page; its address answers 404 from then on.
pub async fn delete_page(db: &Db, ctx: &Context, slug: &str) -> Result<(), ServiceError> {
    let slug = parse_slug(slug).map_err(|_| ServiceError::NotFound)?;
    let ctx = ctx.clone();
    db.write(move |tx| {
        pages::delete(tx, &slug)?;
        ctx.audit(tx, "page.delete", &slug, Outcome::Ok, "")?;
        Ok(())
    })
    .await
}

/// Shows or hides a page on the portal without touching its content.
pub async fn set_published(
    db: &Db,
    ctx: &Context,
    slug: &str,
    published: bool,
) -> Result<(), ServiceError> {
    let slug = parse_slug(slug).map_err(|_| ServiceError::NotFound)?;
    let ctx = ctx.clone();
    db.write(move |tx| {
        let mut page = pages::get(tx, &slug)?.ok_or(ServiceError::NotFound)?;
        if page.published != published {
            page.published = published;
            pages::upsert(tx, &page, &ctx.now_text(), &ctx.actor)?;
            let action = if published {
                "page.publish"
            } else {
                "page.unpublish"
            };
            ctx.audit(tx, action, &slug, Outcome::Ok, "")?;
        }
        Ok(())
    })
    .await
}

/// Imports pages (the demo's `demo/pages.json`) in one transaction, upserting by slug. Every page is checked
/// first and the first bad one refuses the whole set, its errors keyed `pages[i].field`. Pages whose content is
/// already the same are left alone, so loading the demo twice writes nothing; returns how many changed.
pub async fn import_pages(
    db: &Db,
    ctx: &Context,
    pages_in: Vec<Page>,
) -> Result<usize, ServiceError> {
    let mut checked = Vec::with_capacity(pages_in.len());
    for (i, p) in pages_in.iter().enumerate() {
        let page = parse_page(&PageForm::from(p)).map_err(|errors| {
            let mut keyed = FieldErrors::new();
            for (field, codes) in &errors.0 {
                for code in codes {
                    keyed.add(&format!("pages[{i}].{field}"), code);
                }
            }
            ServiceError::Invalid(keyed)
        })?;
        checked.push(page);
    }
    let ctx = ctx.clone();
    db.write(move |tx| {
        let now = ctx.now_text();
        let mut changed = 0;
        for page in &checked {
            if pages::get(tx, &page.slug)?.as_ref() != Some(page) {
                pages::upsert(tx, page, &now, &ctx.actor)?;
                changed += 1;
            }
        }
        if changed > 0 {
            let detail = format!("pages={} changed={changed}", checked.len());
            ctx.audit(tx, "pages.import", "pages", Outcome::Ok, &detail)?;
        }
        Ok(changed)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_ascii_words_joined_by_hyphens() {
        assert_eq!(
            parse_slug("nop-ho-so-truc-tuyen"),
            Ok("nop-ho-so-truc-tuyen".into())
        );
        assert!(parse_slug("Nop-Ho-So").is_err());
        assert!(parse_slug("nộp-hồ-sơ").is_err());
        assert!(parse_slug("a/b").is_err());
        assert!(parse_slug("").is_err());
        assert!(parse_slug(&"a".repeat(81)).is_err());
    }

    #[test]
    fn a_page_reports_every_problem_at_once() {
        let form = PageForm {
            slug: "Sai Slug".into(),
            kind: "blog".into(),
            position: "một".into(),
            ..PageForm::default()
        };
        let errors = parse_page(&form).err().unwrap_or_default();
        for (field, code) in [
            ("slug", "slug.invalid"),
            ("kind", "kind.invalid"),
            ("title", "title.required"),
            ("body", "body.required"),
            ("position", "position.invalid"),
        ] {
            assert_eq!(errors.first(field), Some(code));
        }
    }
}
