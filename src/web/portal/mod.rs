//! The citizen-facing portal. For now its home page: who the office is, how to reach it, where staff sign in.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use maud::{Markup, html};

use crate::store::settings;

use super::error::PageError;
use super::state::AppState;
use super::ui::layout::{PageContext, page};

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(show_home))
}

async fn show_home(State(state): State<AppState>) -> Result<Markup, PageError> {
    let office = state.db.read(settings::get_office).await?;
    let ctx = PageContext {
        office: &office,
        staff: None,
    };
    let body = html! {
        h1 { "Cổng dịch vụ công" }
        p {
            "Trang thông tin tiếp nhận và giải quyết thủ tục hành chính theo cơ chế một cửa, một cửa liên thông của "
            strong { @if office.office_name.is_empty() { "cơ quan" } @else { (office.office_name) } } "."
        }
        div class="grid" {
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
