//! The public procedure catalogue (portal functions b, c, k): search and filter, one procedure's full level-1
//! information, and its templates to download.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use crate::domain::catalogue::{ImplLevel, ServiceLevel};
use crate::services::ServiceError;
use crate::services::browse::{self, BrowseQuery, BrowseResult};
use crate::store::catalogue::{self, Sector};
use crate::store::{StoreError, org, procedures, settings};

use crate::web::download::attachment;
use crate::web::error::PageError;
use crate::web::state::AppState;
use crate::web::ui::layout::{PageContext, page};
use crate::web::ui::procedure::{Links, level_label, level1_items, service_level_badge, snippet};

pub const PAGE_SIZE: usize = 20;

/// The list's query string; empty values mean "any".
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub page: Option<usize>,
}

fn some(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

impl ListParams {
    fn page(&self) -> usize {
        self.page.unwrap_or(1).max(1)
    }

    fn query(&self) -> BrowseQuery {
        BrowseQuery {
            text: self.q.clone(),
            sector: some(&self.sector),
            level: some(&self.level),
            service_level: some(&self.service),
            agency: some(&self.agency),
            offset: (self.page() - 1).saturating_mul(PAGE_SIZE),
            limit: PAGE_SIZE,
            names_only: false,
        }
    }

    /// The same query on another page, as a URL.
    fn url_for_page(&self, page: usize) -> String {
        let pairs = [
            ("q", self.q.as_str()),
            ("sector", &self.sector),
            ("agency", &self.agency),
            ("level", &self.level),
            ("service", &self.service),
        ];
        let page_text = page.to_string();
        let mut kept: Vec<(&str, &str)> =
            pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        if page > 1 {
            kept.push(("page", &page_text));
        }
        let qs = serde_urlencoded::to_string(&kept).unwrap_or_default();
        if qs.is_empty() {
            "/thu-tuc".into()
        } else {
            format!("/thu-tuc?{qs}")
        }
    }
}

fn count_of(counts: &[(String, u64)], key: &str) -> u64 {
    counts.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n)
}

fn filters(
    params: &ListParams,
    sectors: &[Sector],
    agencies: &[org::Agency],
    r: &BrowseResult,
) -> Markup {
    html! {
        form method="get" action="/thu-tuc" class="card search-form" role="search" {
            div class="field" {
                label for="q" { "Tìm thủ tục" }
                input id="q" name="q" type="search" value=(params.q) autocomplete="off"
                    placeholder="Ví dụ: giấy phép xây dựng, khai sinh" data-suggest="/api/v1/procedures";
            }
            div class="filters" {
                div class="field" {
                    label for="sector" { "Lĩnh vực" }
                    select id="sector" name="sector" {
                        option value="" { "Tất cả lĩnh vực" }
                        @for s in sectors {
                            option value=(s.code) selected[params.sector == s.code] {
                                (s.name) " (" (count_of(&r.facets.sector, &s.code)) ")"
                            }
                        }
                    }
                }
                div class="field" {
                    label for="agency" { "Cơ quan thực hiện" }
                    select id="agency" name="agency" {
                        option value="" { "Tất cả cơ quan" }
                        @for a in agencies { option value=(a.code) selected[params.agency == a.code] { (a.name) } }
                    }
                }
                div class="field" {
                    label for="level" { "Cấp thực hiện" }
                    select id="level" name="level" {
                        option value="" { "Tất cả các cấp" }
                        @for l in ImplLevel::ALL {
                            option value=(l.as_str()) selected[params.level == l.as_str()] {
                                (l.label()) " (" (count_of(&r.facets.level, l.as_str())) ")"
                            }
                        }
                    }
                }
                div class="field" {
                    label for="service" { "Mức độ dịch vụ công" }
                    select id="service" name="service" {
                        option value="" { "Tất cả" }
                        @for l in ServiceLevel::ALL {
                            option value=(l.as_str()) selected[params.service == l.as_str()] {
                                (l.label()) " (" (count_of(&r.facets.service_level, l.as_str())) ")"
                            }
                        }
                    }
                }
            }
            button type="submit" { "Tìm kiếm" }
            " "
            a href="/thu-tuc" { "Xoá bộ lọc" }
        }
    }
}

fn pager(params: &ListParams, total: usize) -> Markup {
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let current = params.page().min(pages);
    html! {
        @if pages > 1 {
            nav class="pager" aria-label="Phân trang" {
                @if current > 1 { a rel="prev" href=(params.url_for_page(current - 1)) { "‹ Trang trước" } }
                span { "Trang " (current) " / " (pages) }
                @if current < pages { a rel="next" href=(params.url_for_page(current + 1)) { "Trang sau ›" } }
            }
        }
    }
}

pub async fn list_procedures(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<Markup, PageError> {
    let result = browse::find(
        &state.db,
        &state.search,
        &state.search_slots,
        params.query(),
    )
    .await?;
    let (office, sectors, agencies) = state
        .db
        .read(|c| {
            Ok::<_, StoreError>((
                settings::get_office(c)?,
                catalogue::list_sectors(c)?,
                org::list_agencies(c)?,
            ))
        })
        .await?;
    let ctx = PageContext {
        office: &office,
        staff: None,
        citizen: None,
    };
    let heading = if params.q.trim().is_empty() {
        "Thủ tục hành chính".to_owned()
    } else {
        format!("Kết quả tìm kiếm “{}”", params.q.trim())
    };
    let body = html! {
        h1 { (heading) }
        (filters(&params, &sectors, &agencies, &result))
        p role="status" { "Tìm thấy " strong { (result.total) } " thủ tục." }
        @if result.items.is_empty() {
            p { "Không tìm thấy thủ tục phù hợp. Hãy thử từ khoá ngắn hơn hoặc bỏ bớt bộ lọc." }
        }
        ol class="results" start=((params.page() - 1) * PAGE_SIZE + 1) {
            @for item in &result.items {
                li class="result" {
                    a class="title" href={ "/thu-tuc/" (item.summary.code) } {
                        @match &item.name_html { Some(h) => (snippet(h)), None => (item.summary.name) }
                    }
                    div class="meta" {
                        (service_level_badge(&item.summary.service_level)) " "
                        span { (item.summary.sector_name) } " · "
                        span { (level_label(&item.summary.level)) } " · "
                        code { (item.summary.code) }
                    }
                    @if let Some(s) = &item.snippet_html { p class="snippet" { "…" (snippet(s)) "…" } }
                }
            }
        }
        (pager(&params, result.total))
    };
    Ok(page(&ctx, &heading, body))
}

pub async fn show_procedure(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Markup, PageError> {
    let lookup = code.clone();
    let (office, version, sector, fees) = state
        .db
        .read(move |c| {
            let version = procedures::published(c, &lookup)?;
            let sector = match &version {
                Some(v) => catalogue::get_sector(c, &v.body.sector)?,
                None => None,
            };
            Ok::<_, StoreError>((
                settings::get_office(c)?,
                version,
                sector,
                catalogue::list_fees(c)?,
            ))
        })
        .await?;
    let version = version.ok_or(PageError::Service(ServiceError::NotFound))?;
    let p = &version.body;
    let ctx = PageContext {
        office: &office,
        staff: None,
        citizen: None,
    };
    let sector_name = sector.map(|s| s.name).unwrap_or_default();
    let template_base = format!("/thu-tuc/{}/mau", p.code);
    let body = html! {
        nav aria-label="Vị trí" class="crumbs" {
            a href="/" { "Trang chủ" } " › "
            a href={ "/thu-tuc?sector=" (p.sector) } { (sector_name) } " › "
            span aria-current="page" { (p.name) }
        }
        h1 { (p.name) }
        p class="meta" {
            (service_level_badge(p.service_level.as_str())) " "
            span class="muted" { "Phiên bản " (version.version)
                @if let Some(from) = &version.valid_from { ", áp dụng từ " (vn_date(from)) } }
        }
        @if p.service_level.is_online() {
            div class="card cta" {
                p { "Thủ tục này được cung cấp dưới hình thức " strong { (p.service_level.label().to_lowercase()) } "." }
                a class="button" href={ "/nop-ho-so/" (p.code) } { "Nộp hồ sơ trực tuyến" }
            }
        }
        (level1_items(p, &sector_name, &fees, &Links { template_base: &template_base }))
    };
    Ok(page(&ctx, &p.name, body))
}

/// "2026-11-29" → "29/11/2026".
pub fn vn_date(iso: &str) -> String {
    match (iso.get(0..4), iso.get(5..7), iso.get(8..10)) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    }
}

/// Serves a template of the published version, revalidated by its SHA-256.
pub async fn download_template(
    State(state): State<AppState>,
    Path((code, key)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let found = state
        .db
        .read(move |c| {
            let Some(v) = procedures::published(c, &code)? else {
                return Ok::<_, StoreError>(None);
            };
            let Some(t) = v.body.templates.into_iter().find(|t| t.key == key) else {
                return Ok(None);
            };
            Ok(procedures::template_file(c, &t.sha256)?.map(|f| (t, f)))
        })
        .await?;
    let (template, file) = found.ok_or(PageError::Service(ServiceError::NotFound))?;
    let etag = format!("\"{}\"", template.sha256);
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return Ok(StatusCode::NOT_MODIFIED.into_response());
    }
    let mut response = attachment(&file.media_type, &template.file_name, file.content);
    let h = response.headers_mut();
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, etag);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    Ok(response)
}
