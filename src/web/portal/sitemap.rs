//! Site maps, so every procedure is findable by ordinary search engines (Circular 32/2017 Art. 11(2)(b)) and by
//! people: `/sitemap.xml`, `/robots.txt` and the HTML `/so-do-trang`.

use axum::extract::State;
use axum::http::{HeaderMap, Uri, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use crate::store::procedures::{self, ListFilter};
use crate::store::{StoreError, catalogue, pages, settings};
use crate::web::error::PageError;
use crate::web::state::AppState;
use crate::web::ui::layout::{PageContext, page};

/// Everything a site map lists.
struct Entries {
    procedures: Vec<procedures::ProcedureSummary>,
    guides: Vec<pages::Page>,
}

async fn entries(state: &AppState) -> Result<Entries, StoreError> {
    state
        .db
        .read(|c| {
            let (procedures, _) =
                procedures::list_published(c, &ListFilter::default(), 0, 1_000_000)?;
            Ok(Entries {
                procedures,
                guides: pages::list(c, "guide", true)?,
            })
        })
        .await
}

/// The site's own origin as the visitor reached it: the `Host` header, or over HTTP/2 the request's authority.
fn origin(state: &AppState, headers: &HeaderMap, uri: &Uri) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()))
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = if state.config.server.http {
        "http"
    } else {
        "https"
    };
    format!("{scheme}://{host}")
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub async fn sitemap_xml(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, PageError> {
    let e = entries(&state).await?;
    let base = origin(&state, &headers, &uri);
    let mut paths = vec![
        "/".to_owned(),
        "/thu-tuc".to_owned(),
        "/huong-dan".to_owned(),
        "/hoi-dap".to_owned(),
        "/tra-cuu".to_owned(),
        "/thong-ke".to_owned(),
        "/danh-gia-chat-luong".to_owned(),
        "/xac-thuc-ket-qua".to_owned(),
        "/dang-ky".to_owned(),
        "/so-do-trang".to_owned(),
    ];
    let mut sectors: Vec<&str> = e
        .procedures
        .iter()
        .map(|p| p.sector_code.as_str())
        .collect();
    sectors.dedup();
    paths.extend(sectors.iter().map(|s| format!("/thu-tuc?sector={s}")));
    paths.extend(e.procedures.iter().map(|p| format!("/thu-tuc/{}", p.code)));
    paths.extend(e.guides.iter().map(|g| format!("/huong-dan/{}", g.slug)));
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in paths {
        xml.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            xml_escape(&format!("{base}{path}"))
        ));
    }
    xml.push_str("</urlset>\n");
    Ok((
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        xml,
    )
        .into_response())
}

pub async fn robots_txt(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    let body = format!(
        "User-agent: *\nDisallow: /staff\nDisallow: /admin\nDisallow: /api/\nSitemap: {}/sitemap.xml\n",
        origin(&state, &headers, &uri)
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

pub async fn sitemap_page(State(state): State<AppState>) -> Result<Markup, PageError> {
    let e = entries(&state).await?;
    let (office, sectors) = state
        .db
        .read(|c| Ok::<_, StoreError>((settings::get_office(c)?, catalogue::list_sectors(c)?)))
        .await?;
    let ctx = PageContext {
        office: &office,
        staff: None,
        citizen: None,
    };
    let body = html! {
        h1 { "Sơ đồ trang" }
        ul {
            li { a href="/" { "Trang chủ" } }
            li { a href="/thu-tuc" { "Thủ tục hành chính" } }
            li { a href="/huong-dan" { "Hướng dẫn" }
                @if !e.guides.is_empty() {
                    ul { @for g in &e.guides { li { a href={ "/huong-dan/" (g.slug) } { (g.title) } } } }
                }
            }
            li { a href="/hoi-dap" { "Câu hỏi thường gặp" } }
            li { a href="/tra-cuu" { "Tra cứu hồ sơ" } }
            li { a href="/thong-ke" { "Thống kê dịch vụ công trực tuyến" } }
            li { a href="/danh-gia-chat-luong" { "Kết quả đánh giá chất lượng giải quyết thủ tục hành chính" } }
            li { a href="/xac-thuc-ket-qua" { "Xác thực kết quả điện tử" } }
            li { a href="/dang-ky" { "Đăng ký tài khoản dịch vụ công" } }
            li { a href="/staff/login" { "Cán bộ đăng nhập" } }
        }
        h2 { "Thủ tục hành chính theo lĩnh vực" }
        @for s in &sectors {
            @let in_sector: Vec<_> = e.procedures.iter().filter(|p| p.sector_code == s.code).collect();
            @if !in_sector.is_empty() {
                h3 { a href={ "/thu-tuc?sector=" (s.code) } { (s.name) } " (" (in_sector.len()) ")" }
                ul { @for p in in_sector { li { a href={ "/thu-tuc/" (p.code) } { (p.name) } } } }
            }
        }
    };
    Ok(page(&ctx, "Sơ đồ trang", body))
}
