//! Web portal pages for Circular 22 portal function g, "Hướng dẫn thực hiện dịch vụ công trực tuyến": the list of
//! published guides, one guide, and every published FAQ entry on one page with the office's feedback address
//! (Circular 32/2017 Art. 11). Bodies are administrators' Markdown shown to the public, so raw HTML in them is
//! shown as text, never passed through, and links may only use web, mail and phone schemes.

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use maud::{Markup, PreEscaped, html};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::services::ServiceError;
use crate::store::pages::{self, Page};
use crate::store::{StoreError, settings};

use super::super::error::PageError;
use super::super::state::AppState;
use super::super::ui::layout::{PageContext, page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/huong-dan", get(list_guides))
        .route("/huong-dan/{slug}", get(show_guide))
        .route("/hoi-dap", get(show_faq))
}

/// Whether a link target may be shown to the public: relative, or with an http(s), mailto or tel scheme. Browsers
/// ignore whitespace and control characters inside a scheme, so they are removed before looking.
fn safe_url(url: &str) -> bool {
    let compact: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let Some((scheme, _)) = compact.split_once(':') else {
        return true;
    };
    let looks_like_scheme = scheme
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    !looks_like_scheme
        || ["http", "https", "mailto", "tel"]
            .iter()
            .any(|s| scheme.eq_ignore_ascii_case(s))
}

/// The link or image target itself when [`safe_url`] allows it, else `#`.
fn defuse(url: CowStr<'_>) -> CowStr<'_> {
    if safe_url(&url) {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

/// Moves a heading so the text's shallowest heading lands on `top`, keeping the others' relative depth.
fn shift(level: HeadingLevel, offset: isize, top: usize) -> HeadingLevel {
    let moved = (level as isize + offset).clamp(top as isize, 6) as usize;
    HeadingLevel::try_from(moved).unwrap_or(HeadingLevel::H6)
}

/// Renders Markdown to HTML for the portal. Raw HTML becomes escaped text (an HTML block becomes a paragraph),
/// unsafe link and image targets become `#`, and headings are re-levelled so the shallowest one is an `h{top}`,
/// which keeps heading levels in order under the page's own headings whatever levels the author typed.
pub fn render_markdown(text: &str, top: usize) -> Markup {
    let shallowest = Parser::new(text)
        .filter_map(|event| match event {
            Event::Start(Tag::Heading { level, .. }) => Some(level as usize),
            _ => None,
        })
        .min()
        .unwrap_or(top);
    let shift_by = top as isize - shallowest as isize;
    let shift = |level| shift(level, shift_by, top);
    let events = Parser::new(text).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::HtmlBlock) => Event::Start(Tag::Paragraph),
        Event::End(TagEnd::HtmlBlock) => Event::End(TagEnd::Paragraph),
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: shift(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(shift(level))),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: defuse(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: defuse(dest_url),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    PreEscaped(out)
}

async fn list_guides(State(state): State<AppState>) -> Result<Markup, PageError> {
    let (office, guides) = state
        .db
        .read(|c| Ok::<_, StoreError>((settings::get_office(c)?, pages::list(c, "guide", true)?)))
        .await?;
    let body = html! {
        h1 { "Hướng dẫn thực hiện dịch vụ công trực tuyến" }
        @if guides.is_empty() {
            p { "Chưa có hướng dẫn nào." }
        } @else {
            ul { @for g in &guides { li { a href={ "/huong-dan/" (g.slug) } { (g.title) } } } }
        }
        p { "Xem thêm " a href="/hoi-dap" { "các câu hỏi thường gặp" } "." }
    };
    let ctx = PageContext {
        office: &office,
        staff: None,
        citizen: None,
    };
    Ok(page(&ctx, "Hướng dẫn", body))
}

async fn show_guide(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Markup, PageError> {
    let (office, found) = state
        .db
        .read(move |c| Ok::<_, StoreError>((settings::get_office(c)?, pages::get(c, &slug)?)))
        .await?;
    let guide: Page = found
        .filter(|p| p.published && p.kind == "guide")
        .ok_or(ServiceError::NotFound)?;
    let body = html! {
        p { a href="/huong-dan" { "Hướng dẫn" } " › " (guide.title) }
        h1 { (guide.title) }
        div class="prose" { (render_markdown(&guide.body, 2)) }
        p { "Xem thêm " a href="/hoi-dap" { "các câu hỏi thường gặp" } "." }
    };
    let ctx = PageContext {
        office: &office,
        staff: None,
        citizen: None,
    };
    Ok(page(&ctx, &guide.title, body))
}

async fn show_faq(State(state): State<AppState>) -> Result<Markup, PageError> {
    let (office, entries) = state
        .db
        .read(|c| Ok::<_, StoreError>((settings::get_office(c)?, pages::list(c, "faq", true)?)))
        .await?;
    let body = html! {
        h1 { "Câu hỏi thường gặp" }
        p {
            "Góp ý, thắc mắc xin gửi về: "
            @if office.email.is_empty() { "(cơ quan chưa công bố địa chỉ thư điện tử)" }
            @else { a href={ "mailto:" (office.email) } { (office.email) } }
        }
        @if entries.is_empty() {
            p { "Chưa có câu hỏi nào." }
        } @else {
            nav aria-labelledby="faq-list" {
                p id="faq-list" { strong { "Danh sách câu hỏi" } }
                ol { @for e in &entries { li { a href={ "#hoi-" (e.slug) } { (e.title) } } } }
            }
            @for e in &entries {
                section aria-labelledby={ "hoi-" (e.slug) } {
                    h2 id={ "hoi-" (e.slug) } { (e.title) }
                    (render_markdown(&e.body, 3))
                }
            }
        }
    };
    let ctx = PageContext {
        office: &office,
        staff: None,
        citizen: None,
    };
    Ok(page(&ctx, "Hỏi đáp", body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_shown_as_text_and_never_passed_through() {
        let html = render_markdown("<script>alert(1)</script>\n\nChữ <b>đậm</b>", 2).into_string();
        assert!(!html.contains("<script"));
        assert!(!html.contains("<b>"));
        assert!(html.contains("&lt;script&gt;"));
    }

    #[test]
    fn links_are_kept_but_scripts_in_them_are_not() {
        let html = render_markdown(
            "[cổng](https://dichvucong.gov.vn) [x](JavaScript:alert(1))",
            1,
        )
        .into_string();
        assert!(html.contains("href=\"https://dichvucong.gov.vn\""));
        assert!(!html.contains("script:"));
    }

    #[test]
    fn headings_move_below_the_page_heading_without_skipping_levels() {
        let html = render_markdown("# Bước 1\n\n###### Nhỏ", 2).into_string();
        assert!(html.contains("<h2>Bước 1</h2>"));
        assert!(html.contains("<h6>Nhỏ</h6>"));
        let deep = render_markdown("### Bước 1\n\n#### Chi tiết", 2).into_string();
        assert!(
            deep.contains("<h2>Bước 1</h2>") && deep.contains("<h3>Chi tiết</h3>"),
            "{deep}"
        );
    }
}
