//! The staff back office: sign-in, sign-out, the staff member's desk and password change.

mod archive;
mod dashboard;
mod dossier_search;
mod dossiers;
mod evaluation;
mod forms;
mod login;
mod reports;

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::{Markup, html};

use crate::domain::FieldErrors;
use crate::services::{ServiceError, accounts};
use crate::store::settings;

use super::error::PageError;
use super::extract::{Client, CsrfForm, StaffSession};
use super::session::csrf_token;
use super::state::AppState;
use super::ui::form::{Field, csrf_input, error_summary, field};
use super::ui::layout::{PageContext, page};

pub fn routes(docs: &crate::config::DocumentsConfig) -> Router<AppState> {
    Router::new()
        .route(
            "/staff/login",
            get(login::show_login).post(login::submit_login),
        )
        .route("/staff/logout", axum::routing::post(login::submit_logout))
        .route("/staff", get(show_desk))
        .route("/staff/password", get(show_password).post(submit_password))
        .merge(dossiers::routes(docs))
        .route("/staff/tim-kiem", get(dossier_search::show))
        .merge(forms::routes())
        .merge(reports::routes())
        .merge(evaluation::routes())
        .merge(archive::routes())
}

async fn show_desk(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
) -> Result<Markup, PageError> {
    let office = state.db.read(settings::get_office).await?;
    let csrf = csrf_token(&state.mac, &me.token);
    let queues = dossiers::desk_queues(&state, &me).await?;
    let roles = me
        .roles
        .iter()
        .map(|r| r.label())
        .collect::<Vec<_>>()
        .join(", ");
    let body = html! {
        h1 { "Bàn làm việc" }
        p { "Xin chào " strong { (me.full_name) } "." }
        (queues)
        dl class="card" {
            dt { "Tên đăng nhập" } dd { (me.username) }
            dt { "Vai trò" } dd { (roles) }
            dt { "Đơn vị" } dd { (me.unit_name.as_deref().unwrap_or("Không thuộc đơn vị")) }
        }
        p { a href="/staff/password" { "Đổi mật khẩu" } }
    };
    Ok(page(
        &PageContext {
            office: &office,
            staff: Some((&me, csrf)),
            citizen: None,
        },
        "Bàn làm việc",
        body,
    ))
}

#[derive(serde::Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

async fn password_page(
    state: &AppState,
    me: &crate::services::auth::Principal,
    errors: &FieldErrors,
    done: bool,
) -> Result<Markup, PageError> {
    let office = state.db.read(settings::get_office).await?;
    let csrf = csrf_token(&state.mac, &me.token);
    let min = state.config.security.password_min_chars;
    let body = html! {
        h1 { "Đổi mật khẩu" }
        @if me.must_change_password {
            div class="alert" role="status" { "Tài khoản của bạn vừa được cấp hoặc đặt lại mật khẩu. Vui lòng đặt mật khẩu mới trước khi làm việc." }
        }
        @if done { div class="alert ok" role="status" { "Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã được kết thúc." } }
        (error_summary(errors))
        form method="post" action="/staff/password" novalidate {
            (csrf_input(&csrf))
            (field(&Field { name: "current_password", label: "Mật khẩu hiện tại", kind: "password", value: "", autocomplete: "current-password", required: true }, errors))
            (field(&Field { name: "new_password", label: "Mật khẩu mới", kind: "password", value: "", autocomplete: "new-password", required: true }, errors))
            p class="muted" { "Ít nhất " (min) " ký tự; nên dùng một câu dễ nhớ, có thể gõ tiếng Việt có dấu." }
            (field(&Field { name: "confirm_password", label: "Nhập lại mật khẩu mới", kind: "password", value: "", autocomplete: "new-password", required: true }, errors))
            button type="submit" { "Đổi mật khẩu" }
        }
    };
    Ok(page(
        &PageContext {
            office: &office,
            staff: Some((me, csrf)),
            citizen: None,
        },
        "Đổi mật khẩu",
        body,
    ))
}

async fn show_password(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
) -> Result<Markup, PageError> {
    password_page(&state, &me, &FieldErrors::new(), false).await
}

async fn submit_password(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
    client: Client,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response, PageError> {
    let ctx = client.context(&me.username);
    let security = &state.config.security;
    match accounts::change_own_password(
        &state.db,
        security,
        &ctx,
        &me,
        &form.current_password,
        &form.new_password,
        &form.confirm_password,
    )
    .await
    {
        Ok(()) if me.must_change_password => Ok(Redirect::to("/staff").into_response()),
        Ok(()) => Ok(password_page(&state, &me, &FieldErrors::new(), true)
            .await?
            .into_response()),
        Err(ServiceError::Invalid(errors)) => Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            password_page(&state, &me, &errors, false).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}
