//! Staff account administration pages: list, create, lock, unlock, reset password.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

use crate::domain::FieldErrors;
use crate::domain::role::Role;
use crate::services::ServiceError;
use crate::services::accounts::{self, NewStaffForm, is_locked};
use crate::store::{format_time, org, settings, staff};

use super::super::error::PageError;
use super::super::extract::{AdminSession, Client, CsrfForm};
use super::super::session::csrf_token;
use super::super::state::AppState;
use super::super::ui::form::{Field, csrf_input, error_summary, field};
use super::super::ui::layout::{PageContext, page, scroll_table};
use crate::services::auth::Principal;

#[derive(serde::Deserialize, Default)]
pub struct CreateUserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    password: String,
}

async fn users_page(
    state: &AppState,
    me: &Principal,
    form: &CreateUserForm,
    errors: &FieldErrors,
    notice: Option<&str>,
) -> Result<Markup, PageError> {
    let (office, accounts, units) = state
        .db
        .read(|c| {
            Ok::<_, crate::store::StoreError>((
                settings::get_office(c)?,
                staff::list(c)?,
                org::list_units(c)?,
            ))
        })
        .await?;
    let csrf = csrf_token(&state.mac, &me.token);
    let now = format_time(time::OffsetDateTime::now_utc());
    let body = html! {
        h1 { "Tài khoản cán bộ" }
        @if let Some(text) = notice { div class="alert ok" role="status" { (text) } }
        (scroll_table("Danh sách tài khoản", html! { table {
            thead { tr { th scope="col" { "Tên đăng nhập" } th scope="col" { "Họ và tên" } th scope="col" { "Vai trò" } th scope="col" { "Đơn vị" } th scope="col" { "Trạng thái" } th scope="col" { "Thao tác" } } }
            tbody { @for a in &accounts { tr {
                td { code { (a.username) } } td { (a.full_name) }
                td { (a.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ")) }
                td { (a.unit_name.as_deref().unwrap_or("—")) }
                td { @if is_locked(a, &now) { span class="badge bad" { "Đang khóa" } } @else { span class="badge good" { "Hoạt động" } } }
                td {
                    @if a.username == me.username { span class="muted" { "Tài khoản của bạn" } } @else {
                    @let action = if is_locked(a, &now) { "unlock" } else { "lock" };
                    form method="post" action={ "/admin/users/" (a.username) "/" (action) } class="inline" {
                        (csrf_input(&csrf))
                        button type="submit" class="secondary" { @if action == "lock" { "Khóa" } @else { "Mở khóa" } span class="skip" { " " (a.username) } }
                    }
                    }
                }
            } } }
        } }))
        h2 id="new-user" { "Thêm tài khoản" }
        (error_summary(errors))
        form method="post" action="/admin/users" class="card" aria-labelledby="new-user" novalidate {
            (csrf_input(&csrf))
            (field(&Field { name: "username", label: "Tên đăng nhập", kind: "text", value: &form.username, autocomplete: "off", required: true }, errors))
            (field(&Field { name: "full_name", label: "Họ và tên", kind: "text", value: &form.full_name, autocomplete: "off", required: true }, errors))
            div class="field" {
                label for="f-role" { "Vai trò" }
                select id="f-role" name="role" {
                    @for role in Role::ALL { option value=(role.as_str()) selected[form.role == role.as_str()] { (role.label()) } }
                }
            }
            div class="field" {
                label for="f-unit" { "Đơn vị" }
                select id="f-unit" name="unit" {
                    option value="" { "— Không thuộc đơn vị (chỉ quản trị) —" }
                    @for u in &units { option value=(u.code) selected[form.unit == u.code] { (u.name) " (" (u.code) ")" } }
                }
                @if let Some(code) = errors.first("unit") { p class="error" { (super::super::ui::messages::field_message(code)) } }
            }
            (field(&Field { name: "password", label: "Mật khẩu ban đầu", kind: "password", value: "", autocomplete: "new-password", required: true }, errors))
            p class="muted" { "Người dùng phải đổi mật khẩu này ở lần đăng nhập đầu tiên." }
            button type="submit" { "Tạo tài khoản" }
        }
    };
    Ok(page(
        &PageContext {
            office: &office,
            staff: Some((me, csrf)),
            citizen: None,
        },
        "Tài khoản cán bộ",
        body,
    ))
}

pub async fn list_users(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
) -> Result<Markup, PageError> {
    users_page(
        &state,
        &me,
        &CreateUserForm::default(),
        &FieldErrors::new(),
        None,
    )
    .await
}

pub async fn create_user(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    CsrfForm(form): CsrfForm<CreateUserForm>,
) -> Result<Response, PageError> {
    let new = NewStaffForm {
        username: form.username.clone(),
        full_name: form.full_name.clone(),
        roles: form.role.clone(),
        unit: form.unit.clone(),
        password: form.password.clone(),
    };
    match accounts::create_staff(
        &state.db,
        &state.config.security,
        &client.context(&me.username),
        new,
        true,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/admin/users").into_response()),
        Err(ServiceError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            users_page(&state, &me, &form, &errors, None).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

pub async fn lock_user(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    Path(username): Path<String>,
    CsrfForm(_): CsrfForm<super::super::extract::NoFields>,
) -> Result<Response, PageError> {
    accounts::lock(&state.db, &client.context(&me.username), &username).await?;
    Ok(Redirect::to("/admin/users").into_response())
}

pub async fn unlock_user(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    Path(username): Path<String>,
    CsrfForm(_): CsrfForm<super::super::extract::NoFields>,
) -> Result<Response, PageError> {
    accounts::unlock(&state.db, &client.context(&me.username), &username).await?;
    Ok(Redirect::to("/admin/users").into_response())
}
