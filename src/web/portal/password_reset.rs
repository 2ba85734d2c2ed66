//! Password reset by e-mail on the portal: the request form (same answer whether or not the details match an
//! account) and the one-time link's form for the new password.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use maud::{Markup, html};
use serde::Deserialize;

use crate::domain::FieldErrors;
use crate::services::ServiceError;
use crate::services::citizens::reset;
use crate::web::error::PageError;
use crate::web::extract::{Client, CsrfForm};
use crate::web::public_url::trusted_base;
use crate::web::session::{PRE_SESSION_COOKIE, csrf_token, ensure_pre_session};
use crate::web::state::AppState;
use crate::web::ui::form::{Field, csrf_input, error_summary, field};

use super::citizen_page::public_page;

async fn forgot_page(state: &AppState, pre: &str, sent: bool) -> Result<Markup, PageError> {
    let body = html! {
        h1 { "Quên mật khẩu" }
        @if sent {
            div class="alert success" role="status" {
                "Nếu số định danh và thư điện tử khớp với một tài khoản, một thư có liên kết đặt lại mật khẩu đã được gửi. "
                "Liên kết có hiệu lực trong " (reset::RESET_VALID_MINUTES) " phút."
            }
        }
        form method="post" action="/quen-mat-khau" class="card" {
            (csrf_input(&csrf_token(&state.mac, pre)))
            (field(&Field { name: "id_number", label: "Số định danh cá nhân", kind: "text", value: "", autocomplete: "username", required: true }, &FieldErrors::new()))
            (field(&Field { name: "email", label: "Thư điện tử đã đăng ký", kind: "email", value: "", autocomplete: "email", required: true }, &FieldErrors::new()))
            button type="submit" { "Gửi liên kết đặt lại mật khẩu" }
        }
    };
    public_page(state, "Quên mật khẩu", body).await
}

pub async fn show_forgot(
    State(state): State<AppState>,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let (jar, pre) = ensure_pre_session(jar);
    Ok((jar, forgot_page(&state, &pre, false).await?).into_response())
}

#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    email: String,
}

pub async fn submit_forgot(
    State(state): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    client: Client,
    CsrfForm(form): CsrfForm<ForgotForm>,
) -> Result<Markup, PageError> {
    // A request that came under a name this machine does not answer to gets no link: it could point elsewhere.
    match trusted_base(&state, &headers) {
        Some(base) => {
            reset::request(
                &state.db,
                &client.context(""),
                &state.notifier,
                &base,
                &form.id_number,
                &form.email,
            )
            .await?
        }
        None => tracing::warn!(
            "password reset not sent: set notify.public_url, the request's Host is not this server"
        ),
    }
    let pre = jar
        .get(PRE_SESSION_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    forgot_page(&state, &pre, true).await
}

async fn reset_page(
    state: &AppState,
    pre: &str,
    token: &str,
    usable: bool,
    errors: &FieldErrors,
) -> Result<Markup, PageError> {
    let body = html! {
        h1 { "Đặt lại mật khẩu" }
        @if usable {
            (error_summary(errors))
            form method="post" action={ "/dat-lai-mat-khau/" (token) } class="card" {
                (csrf_input(&csrf_token(&state.mac, pre)))
                (field(&Field { name: "password", label: "Mật khẩu mới (ít nhất 12 ký tự)", kind: "password", value: "", autocomplete: "new-password", required: true }, errors))
                (field(&Field { name: "password_again", label: "Nhập lại mật khẩu mới", kind: "password", value: "", autocomplete: "new-password", required: true }, errors))
                button type="submit" { "Đặt mật khẩu mới" }
            }
        } @else {
            div class="alert error" role="alert" {
                "Liên kết đặt lại mật khẩu không đúng, đã được dùng hoặc đã hết hạn. "
                a href="/quen-mat-khau" { "Yêu cầu liên kết mới" }
            }
        }
    };
    public_page(state, "Đặt lại mật khẩu", body).await
}

pub async fn show_reset(
    State(state): State<AppState>,
    jar: CookieJar,
    client: Client,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let (jar, pre) = ensure_pre_session(jar);
    let usable = reset::usable(&state.db, &client.context(""), &token).await?;
    let page = reset_page(&state, &pre, &token, usable, &FieldErrors::new()).await?;
    Ok((jar, page).into_response())
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

pub async fn submit_reset(
    State(state): State<AppState>,
    jar: CookieJar,
    client: Client,
    Path(token): Path<String>,
    CsrfForm(form): CsrfForm<ResetForm>,
) -> Result<Response, PageError> {
    let pre = jar
        .get(PRE_SESSION_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    let result = reset::complete(
        &state.db,
        &state.config.security,
        &client.context(""),
        &token,
        &form.password,
        &form.password_again,
    )
    .await;
    match result {
        Ok(()) => Ok(Redirect::to("/dang-nhap?reset=1").into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let page = reset_page(&state, &pre, &token, true, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(ServiceError::Refused(_)) => {
            let page = reset_page(&state, &pre, &token, false, &FieldErrors::new()).await?;
            Ok((StatusCode::GONE, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
