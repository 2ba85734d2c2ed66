//! Staff sign-in and sign-out pages. Unknown user and wrong password get the same page, status and cookies.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use maud::{Markup, html};

use crate::domain::FieldErrors;
use crate::services::ServiceError;
use crate::services::auth::{self, SessionKind};
use crate::store::settings;

use super::super::error::PageError;
use super::super::extract::{Client, CsrfForm, NoFields, StaffSession};
use super::super::session::{
    PRE_SESSION_COOKIE, SESSION_COOKIE, csrf_token, ensure_pre_session, removal, session_cookie,
};
use super::super::state::AppState;
use super::super::ui::form::{Field, csrf_input, field};
use super::super::ui::layout::{PageContext, page};

#[derive(serde::Deserialize, Default)]
pub struct LoginQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    expired: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

fn safe_next(next: &str) -> &str {
    super::super::session::safe_next(next, "/staff")
}

async fn login_page(
    state: &AppState,
    pre: &str,
    username: &str,
    next: &str,
    message: Option<(&str, &str)>,
) -> Result<Markup, PageError> {
    let office = state.db.read(settings::get_office).await?;
    let body = html! {
        h1 { "Đăng nhập hệ thống một cửa" }
        @if let Some((class, text)) = message { div class={ "alert " (class) } role="alert" { (text) } }
        form method="post" action="/staff/login" class="card" {
            (csrf_input(&csrf_token(&state.mac, pre)))
            input type="hidden" name="next" value=(next);
            (field(&Field { name: "username", label: "Tên đăng nhập", kind: "text", value: username, autocomplete: "username", required: true }, &FieldErrors::new()))
            (field(&Field { name: "password", label: "Mật khẩu", kind: "password", value: "", autocomplete: "current-password", required: true }, &FieldErrors::new()))
            button type="submit" { "Đăng nhập" }
        }
        p class="muted" {
            "Tài khoản bị khóa tạm thời sau " (state.config.security.lockout_threshold) " lần nhập sai liên tiếp. "
            "Quên mật khẩu? Liên hệ quản trị hệ thống của cơ quan."
        }
    };
    Ok(page(
        &PageContext {
            office: &office,
            staff: None,
            citizen: None,
        },
        "Đăng nhập",
        body,
    ))
}

pub async fn show_login(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(q): Query<LoginQuery>,
) -> Result<Response, PageError> {
    let (jar, pre) = ensure_pre_session(jar);
    let message = q.expired.is_some().then_some((
        "",
        "Phiên làm việc đã kết thúc do không hoạt động. Vui lòng đăng nhập lại.",
    ));
    Ok((
        jar,
        login_page(&state, &pre, "", safe_next(&q.next), message).await?,
    )
        .into_response())
}

pub async fn submit_login(
    State(state): State<AppState>,
    jar: CookieJar,
    client: Client,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response, PageError> {
    let ctx = client.context("");
    let result = auth::sign_in(
        &state.db,
        &state.config.security,
        &ctx,
        &form.username,
        &form.password,
        SessionKind::Web,
        &client.user_agent,
    )
    .await;
    let pre = jar
        .get(PRE_SESSION_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    let next = safe_next(&form.next).to_owned();
    let (status, message) = match result {
        Ok(signed_in) => {
            let jar = jar
                .add(session_cookie(signed_in.token))
                .add(removal(PRE_SESSION_COOKIE));
            return Ok((jar, Redirect::to(&next)).into_response());
        }
        Err(ServiceError::InvalidCredentials) => (
            StatusCode::UNAUTHORIZED,
            "Tên đăng nhập hoặc mật khẩu không đúng.",
        ),
        Err(ServiceError::Locked) => (
            StatusCode::FORBIDDEN,
            "Tài khoản đang bị khóa do nhập sai mật khẩu nhiều lần hoặc theo quyết định của quản trị. Vui lòng thử lại sau hoặc liên hệ quản trị hệ thống.",
        ),
        Err(e) => return Err(e.into()),
    };
    let page = login_page(
        &state,
        &pre,
        form.username.trim(),
        &next,
        Some(("error", message)),
    )
    .await?;
    Ok((status, page).into_response())
}

pub async fn submit_logout(
    State(state): State<AppState>,
    jar: CookieJar,
    client: Client,
    StaffSession(me): StaffSession,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    auth::sign_out(&state.db, &client.context(&me.username), &me).await?;
    Ok((
        jar.add(removal(SESSION_COOKIE)),
        Redirect::to("/staff/login"),
    )
        .into_response())
}
