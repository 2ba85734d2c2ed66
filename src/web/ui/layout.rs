//! The page layout: header with the office's name and navigation, main content, and the footer Circular 32/2017
//! Art. 16 asks for (owning agency, responsible person, address, phone, email). Works at 360 px and without JS.

use maud::{DOCTYPE, Markup, html};

use crate::domain::role::Role;
use crate::services::auth::Principal;
use crate::store::settings::OfficeInfo;

/// What the layout needs besides the content: the office, and who is signed in (with the CSRF token for the
/// sign-out button).
pub struct PageContext<'a> {
    pub office: &'a OfficeInfo,
    pub staff: Option<(&'a Principal, String)>,
    /// The signed-in citizen on the portal's own pages: the name, the CSRF token for signing out and the count of
    /// unread notifications for the bell.
    pub citizen: Option<CitizenNav>,
}

/// What the header shows a signed-in citizen.
pub struct CitizenNav {
    pub name: String,
    pub csrf: String,
    pub unread: i64,
}

fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " – motcua" }
            link rel="stylesheet" href="/assets/css/site.css";
            link rel="icon" href="/assets/img/favicon.svg" type="image/svg+xml";
            script src="/assets/js/suggest.js" defer {}
        }
    }
}

fn office_name(office: &OfficeInfo) -> &str {
    if office.office_name.is_empty() {
        "Cổng dịch vụ công"
    } else {
        &office.office_name
    }
}

/// A full page for an office.
pub fn page(ctx: &PageContext<'_>, title: &str, body: Markup) -> Markup {
    let office = ctx.office;
    html! {
        (DOCTYPE)
        html lang="vi" {
            (head(title))
            body {
                a class="skip" href="#main" { "Bỏ qua, đến nội dung chính" }
                header class="site" {
                    div class="wrap" {
                        a class="brand" href="/" {
                            img src="/assets/img/emblem.svg" alt="" width="40" height="40";
                            span { span class="kicker" { "Cổng dịch vụ công – Hệ thống một cửa điện tử" } br; strong { (office_name(office)) } }
                        }
                        nav aria-label="Điều hướng chính" {
                            ul {
                                li { a href="/" { "Trang chủ" } }
                                li { a href="/thu-tuc" { "Thủ tục hành chính" } }
                                li { a href="/huong-dan" { "Hướng dẫn" } }
                                li { a href="/hoi-dap" { "Hỏi đáp" } }
                                li { a href="/tra-cuu" { "Tra cứu hồ sơ" } }
                                li { a href="/thong-ke" { "Thống kê" } }
                                @if let Some((staff, csrf)) = &ctx.staff {
                                    li { a href="/staff" { "Bàn làm việc" } }
                                    @if !staff.roles.iter().all(|r| *r == Role::Admin) {
                                        li { a href="/staff/dossiers" { "Hồ sơ" } }
                                        li { a href="/staff/tim-kiem" { "Tìm hồ sơ" } }
                                    }
                                    @if staff.has_role(Role::Officer) {
                                        li { a href="/staff/tiep-nhan" { "Tiếp nhận" } }
                                    }
                                    @if staff.has_role(Role::Leader) || staff.has_role(Role::Head) {
                                        li { a href="/staff/tong-quan" { "Tổng quan" } }
                                    }
                                    @if staff.has_role(Role::Leader) || staff.has_role(Role::Officer) || staff.has_role(Role::Head) {
                                        li { a href="/staff/bao-cao" { "Báo cáo" } }
                                    }
                                    @if staff.has_role(Role::Leader) || staff.has_role(Role::Officer) || staff.has_role(Role::Head) {
                                        li { a href="/staff/danh-gia" { "Đánh giá" } }
                                    }
                                    @if staff.has_role(Role::Archivist) || staff.has_role(Role::Leader) {
                                        li { a href="/staff/luu-tru" { "Lưu trữ" } }
                                    }
                                    @if staff.has_role(Role::Admin) {
                                        li { a href="/admin/users" { "Tài khoản" } }
                                        li { a href="/admin/org" { "Tổ chức" } }
                                        li { a href="/admin/catalogue" { "Danh mục" } }
                                        li { a href="/admin/calendar" { "Lịch làm việc" } }
                                        li { a href="/admin/forms" { "Biểu mẫu" } }
                                        li { a href="/admin/audit" { "Nhật ký" } }
                                    }
                                    li {
                                        form method="post" action="/staff/logout" class="inline" {
                                            input type="hidden" name="csrf" value=(csrf);
                                            button type="submit" class="link" { "Đăng xuất (" (staff.username) ")" }
                                        }
                                    }
                                } @else if let Some(citizen) = &ctx.citizen {
                                    li { a href="/ho-so-cua-toi" { "Hồ sơ của tôi" } }
                                    li {
                                        a href="/thong-bao" class="bell" {
                                            svg class="icon" aria-hidden="true" width="16" height="16" viewBox="0 0 24 24" {
                                                path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1z" {}
                                            }
                                            " Thông báo"
                                            @if citizen.unread > 0 {
                                                " " span class="badge" { (citizen.unread) }
                                                span class="visually-hidden" { " chưa đọc" }
                                            }
                                        }
                                    }
                                    li { a href="/tai-khoan" { "Tài khoản" } }
                                    li {
                                        form method="post" action="/dang-xuat" class="inline" {
                                            input type="hidden" name="csrf" value=(citizen.csrf);
                                            button type="submit" class="link" { "Đăng xuất (" (citizen.name) ")" }
                                        }
                                    }
                                } @else {
                                    li { a href="/ho-so-cua-toi" { "Hồ sơ của tôi" } }
                                    li { a href="/dang-ky" { "Đăng ký" } }
                                    li { a href="/staff/login" { "Cán bộ đăng nhập" } }
                                }
                            }
                        }
                    }
                }
                main id="main" class="wrap" { (body) }
                (footer(office))
            }
        }
    }
}

fn footer(office: &OfficeInfo) -> Markup {
    let dash = |s: &str| {
        if s.is_empty() {
            "Chưa cập nhật".to_owned()
        } else {
            s.to_owned()
        }
    };
    html! {
        footer class="site" {
            div class="wrap" {
                p { strong { "Cơ quan chủ quản: " } (dash(&office.owner_agency)) }
                p { strong { "Chịu trách nhiệm: " } (dash(&office.responsible_person)) }
                p { strong { "Địa chỉ: " } (dash(&office.address)) }
                p {
                    strong { "Điện thoại: " } (dash(&office.phone))
                    " · "
                    strong { "Thư điện tử: " }
                    @if office.email.is_empty() { "Chưa cập nhật" } @else { a href={ "mailto:" (office.email) } { (office.email) } }
                }
                p { a href="/so-do-trang" { "Sơ đồ trang" } }
            }
        }
    }
}

/// A page without office details, for errors raised before the office could be read.
pub fn bare_page(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="vi" {
            (head(title))
            body {
                header class="site" { div class="wrap" { a class="brand" href="/" { strong { "Cổng dịch vụ công" } } } }
                main id="main" class="wrap" { (body) }
            }
        }
    }
}

/// A table that may scroll sideways on a phone: a labelled, focusable region so keyboard users can scroll it.
pub fn scroll_table(label: &str, table: Markup) -> Markup {
    html! { div class="table-wrap" tabindex="0" role="region" aria-label=(label) { (table) } }
}
