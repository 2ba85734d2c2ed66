//! The citizen-facing portal: the home page with search and sector shortcuts, the procedure catalogue, guides and
//! FAQ, and the site maps.

mod account;
mod answers;
mod catalogue;
mod citizen_page;
mod evaluation;
mod guides;
mod lookup;
mod my_actions;
mod my_dossiers;
mod oidc;
mod papers;
mod password_reset;
mod sitemap;
mod statistics;
mod submit;
mod verify;

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use maud::{Markup, html};

use crate::store::procedures::{self, FacetColumn, ListFilter};
use crate::store::{StoreError, catalogue as codes, settings};

use super::error::PageError;
use super::state::AppState;
use super::ui::layout::{PageContext, page};

pub fn routes(docs: &crate::config::DocumentsConfig) -> Router<AppState> {
    Router::new()
        .route("/", get(show_home))
        .route("/thu-tuc", get(catalogue::list_procedures))
        .route("/thu-tuc/{code}", get(catalogue::show_procedure))
        .route(
            "/thu-tuc/{code}/mau/{key}",
            get(catalogue::download_template),
        )
        .route("/tra-cuu", get(lookup::show_form))
        .route("/tra-cuu/{code}", get(lookup::show))
        .route("/sitemap.xml", get(sitemap::sitemap_xml))
        .route("/robots.txt", get(sitemap::robots_txt))
        .route("/so-do-trang", get(sitemap::sitemap_page))
        .route("/danh-gia-chat-luong", get(evaluation::show_published))
        .route("/thong-ke", get(statistics::show_statistics))
        .merge(guides::routes())
        .merge(account::routes())
        .merge(oidc::routes())
        .merge(submit::routes(docs))
        .merge(my_actions::routes(docs))
        .merge(verify::routes(docs))
}

async fn show_home(State(state): State<AppState>) -> Result<Markup, PageError> {
    let (office, sectors, per_sector, per_service) = state
        .db
        .read(|c| {
            let all = ListFilter::default();
            Ok::<_, StoreError>((
                settings::get_office(c)?,
                codes::list_sectors(c)?,
                procedures::published_counts(c, FacetColumn::Sector, &all)?,
                procedures::published_counts(c, FacetColumn::ServiceLevel, &all)?,
            ))
        })
        .await?;
    let ctx = PageContext {
        office: &office,
        staff: None,
        citizen: None,
    };
    let count = |counts: &[(String, u64)], key: &str| {
        counts.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n)
    };
    let online = count(&per_service, "full") + count(&per_service, "partial");
    let body = html! {
        h1 { "Cổng dịch vụ công" }
        p {
            "Trang thông tin tiếp nhận và giải quyết thủ tục hành chính theo cơ chế một cửa, một cửa liên thông của "
            strong { @if office.office_name.is_empty() { "cơ quan" } @else { (office.office_name) } } "."
        }
        form method="get" action="/thu-tuc" class="card hero" role="search" {
            label for="home-q" { strong { "Tìm thủ tục hành chính" } }
            div class="search-row" {
                input id="home-q" name="q" type="search" autocomplete="off"
                    placeholder="Ví dụ: cấp giấy phép xây dựng, đăng ký khai sinh" data-suggest="/api/v1/procedures";
                button type="submit" { "Tìm kiếm" }
            }
            p class="muted" { "Gõ có dấu hoặc không dấu đều được. "
                a href="/thu-tuc?service=full" { (online) " dịch vụ công trực tuyến" } " đang được cung cấp." }
        }
        section aria-labelledby="sectors" {
            h2 id="sectors" { "Thủ tục theo lĩnh vực" }
            ul class="tiles" {
                @for s in sectors.iter().filter(|s| count(&per_sector, &s.code) > 0) {
                    li { a href={ "/thu-tuc?sector=" (s.code) } { (s.name) " " span class="count" { "(" (count(&per_sector, &s.code)) ")" } } }
                }
            }
        }
        div class="grid" {
            section class="card" aria-labelledby="help" {
                h2 id="help" { "Hướng dẫn và hỏi đáp" }
                ul {
                    li { a href="/huong-dan" { "Hướng dẫn thực hiện dịch vụ công trực tuyến" } }
                    li { a href="/hoi-dap" { "Câu hỏi thường gặp" } }
                    li { a href="/tra-cuu" { "Tra cứu hồ sơ theo mã" } }
                    li { a href="/thong-ke" { "Thống kê dịch vụ công trực tuyến" } }
                    li { a href="/so-do-trang" { "Sơ đồ trang" } }
                }
            }
            section class="card" aria-labelledby="contact" {
                h2 id="contact" { "Liên hệ Bộ phận Tiếp nhận và Trả kết quả" }
                dl {
                    dt { "Địa chỉ" } dd { @if office.address.is_empty() { "Chưa cập nhật" } @else { (office.address) } }
                    dt { "Điện thoại" } dd { @if office.phone.is_empty() { "Chưa cập nhật" } @else { (office.phone) } }
                    dt { "Thư điện tử" } dd { @if office.email.is_empty() { "Chưa cập nhật" } @else { (office.email) } }
                }
            }
            section class="card" aria-labelledby="staff" {
                h2 id="staff" { "Dành cho cán bộ, công chức" }
                p { "Cán bộ một cửa, chuyên viên và lãnh đạo đăng nhập để tiếp nhận và xử lý hồ sơ." }
                p { a class="button" href="/staff/login" { "Đăng nhập hệ thống một cửa" } }
            }
        }
    };
    Ok(page(&ctx, "Trang chủ", body))
}
