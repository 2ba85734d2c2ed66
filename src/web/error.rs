//! The one place where service errors become HTTP: an HTML error page for people, problem+json for the API.
//! Internal errors are not shown; they are recorded in the response for the logging middleware and the page
//! carries a reference the help desk can search the logs for.

use axum::Json;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use crate::domain::FieldErrors;
use crate::services::ServiceError;

use super::ui::layout::bare_page;

/// Carried in response extensions so the logging middleware logs internal errors once, in the request span.
#[derive(Clone, Debug)]
pub struct ErrorReport {
    pub reference: String,
    pub message: String,
}

/// An error from a page handler.
#[derive(Debug)]
pub enum PageError {
    Service(ServiceError),
    /// Not signed in, or the session ended: go to the sign-in page and come back to `next`.
    SignIn {
        next: String,
        expired: bool,
    },
    /// The account must choose a new password first.
    ChangePassword,
    /// A portal page for citizens without a citizen session: go to the citizen sign-in page, then back to `next`.
    CitizenSignIn {
        next: String,
        expired: bool,
    },
}

impl From<ServiceError> for PageError {
    fn from(e: ServiceError) -> Self {
        PageError::Service(e)
    }
}

impl From<crate::store::StoreError> for PageError {
    fn from(e: crate::store::StoreError) -> Self {
        PageError::Service(e.into())
    }
}

fn reference() -> String {
    crate::crypto::random_token(6)
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let error = match self {
            PageError::SignIn { next, expired } => {
                let query = if expired {
                    serde_urlencoded::to_string([("expired", "1"), ("next", next.as_str())])
                } else {
                    serde_urlencoded::to_string([("next", next.as_str())])
                };
                let to = format!("/staff/login?{}", query.unwrap_or_default());
                return Redirect::to(&to).into_response();
            }
            PageError::ChangePassword => return Redirect::to("/staff/password").into_response(),
            PageError::CitizenSignIn { next, expired } => {
                let mut query = vec![("next", next.as_str())];
                if expired {
                    query.push(("expired", "1"));
                }
                let to = format!(
                    "/dang-nhap?{}",
                    serde_urlencoded::to_string(query).unwrap_or_default()
                );
                return Redirect::to(&to).into_response();
            }
            PageError::Service(e) => e,
        };
        let (status, title, text) = match &error {
            ServiceError::NotFound => (
                StatusCode::NOT_FOUND,
                "Không tìm thấy",
                "Trang hoặc dữ liệu bạn yêu cầu không tồn tại.",
            ),
            ServiceError::Forbidden => (
                StatusCode::FORBIDDEN,
                "Không có quyền",
                "Tài khoản của bạn không được phép thực hiện việc này.",
            ),
            ServiceError::Invalid(_) | ServiceError::Conflict(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "Dữ liệu không hợp lệ",
                "Vui lòng kiểm tra lại thông tin đã nhập.",
            ),
            ServiceError::Refused(code) => (
                StatusCode::CONFLICT,
                "Không thực hiện được",
                crate::web::ui::messages::refusal_message(code),
            ),
            ServiceError::InvalidCredentials
            | ServiceError::Locked
            | ServiceError::Unauthenticated
            | ServiceError::SessionExpired => (
                StatusCode::UNAUTHORIZED,
                "Cần đăng nhập",
                "Vui lòng đăng nhập để tiếp tục.",
            ),
            ServiceError::RateLimited => (
                StatusCode::TOO_MANY_REQUESTS,
                "Tra cứu quá nhiều lần",
                "Bạn đã tra cứu quá nhiều lần trong thời gian ngắn. Vui lòng chờ một phút rồi thử lại.",
            ),
            ServiceError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Hệ thống gặp sự cố",
                "Yêu cầu chưa được thực hiện và dữ liệu đã lưu không bị ảnh hưởng. Vui lòng thử lại sau ít phút.",
            ),
        };
        let reference = reference();
        let details: Vec<&'static str> = match &error {
            ServiceError::Invalid(fields) => fields
                .0
                .values()
                .flatten()
                .map(|code| crate::web::ui::messages::field_message(code))
                .collect(),
            _ => Vec::new(),
        };
        let page = bare_page(
            title,
            html! {
                h1 { (title) }
                p { (text) }
                @if !details.is_empty() { ul { @for d in &details { li { (d) } } } }
                p class="muted" { "Mã tham chiếu: " code { (reference) } }
                p { a href="/" { "Về trang chủ" } }
            },
        );
        let mut response = (status, page).into_response();
        if let ServiceError::Internal(e) = &error {
            response.extensions_mut().insert(ErrorReport {
                reference,
                message: format!("{e:#}"),
            });
        }
        response
    }
}

/// An error from a JSON API handler, rendered as `application/problem+json` with a stable `code`.
#[derive(Debug)]
pub struct ApiError(pub ServiceError);

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        ApiError(e)
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, title) = match &self.0 {
            ServiceError::Invalid(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation.failed",
                "Dữ liệu không hợp lệ",
            ),
            ServiceError::NotFound => (StatusCode::NOT_FOUND, "not_found", "Không tìm thấy"),
            ServiceError::Forbidden => (StatusCode::FORBIDDEN, "forbidden", "Không có quyền"),
            ServiceError::Conflict(_) => (StatusCode::CONFLICT, "conflict", "Xung đột dữ liệu"),
            ServiceError::Refused(code) => (
                StatusCode::CONFLICT,
                *code,
                crate::web::ui::messages::refusal_message(code),
            ),
            ServiceError::InvalidCredentials => (
                StatusCode::UNAUTHORIZED,
                "auth.invalid_credentials",
                "Tên đăng nhập hoặc mật khẩu không đúng",
            ),
            ServiceError::Locked => (
                StatusCode::FORBIDDEN,
                "auth.locked",
                "Tài khoản đang bị khóa",
            ),
            ServiceError::Unauthenticated => {
                (StatusCode::UNAUTHORIZED, "auth.required", "Cần đăng nhập")
            }
            ServiceError::SessionExpired => (
                StatusCode::UNAUTHORIZED,
                "auth.session_expired",
                "Phiên làm việc đã hết hạn",
            ),
            ServiceError::RateLimited => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "Tra cứu quá nhiều lần, vui lòng thử lại sau một phút",
            ),
            ServiceError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Hệ thống gặp sự cố",
            ),
        };
        let errors = match &self.0 {
            ServiceError::Invalid(fields) => fields.clone(),
            _ => FieldErrors::new(),
        };
        let reference = reference();
        let body = serde_json::json!({
            "type": "about:blank",
            "title": title,
            "status": status.as_u16(),
            "code": code,
            "detail": format!("{title}. Mã tham chiếu: {reference}"),
            "errors": errors,
        });
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            Json(body).into_response().into_body(),
        )
            .into_response();
        if let ServiceError::Internal(e) = &self.0 {
            response.extensions_mut().insert(ErrorReport {
                reference,
                message: format!("{e:#}"),
            });
        }
        response
    }
}

/// Logs internal errors once, inside the request's span (which carries the request id).
pub async fn log_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if let Some(report) = response.extensions().get::<ErrorReport>() {
        tracing::error!(reference = %report.reference, error = %report.message, "request failed");
    }
    response
}
