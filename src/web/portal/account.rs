//! Citizen accounts on the portal (function n, "Đăng ký thông tin người sử dụng", and e, authentication):
//! registration, sign-in and sign-out, and the profile with its password change (reset by e-mail is in
//! `password_reset`).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use maud::{Markup, html};
use serde::Deserialize;

use crate::domain::FieldErrors;
use crate::domain::citizen::ProfileInput;
use crate::services::ServiceError;
use crate::services::auth::SessionKind;
use crate::services::citizens::{self, ADDRESS_ERA, auth};
use crate::store::admin_units::{self, AdminUnit};
use crate::store::citizens::CitizenAccount;
use crate::web::error::PageError;
use crate::web::extract::{CitizenSession, Client, CsrfForm, NoFields};
use crate::web::session::{
    CITIZEN_COOKIE, PRE_SESSION_COOKIE, citizen_cookie, csrf_token, ensure_pre_session, removal,
    safe_next,
};
use crate::web::state::AppState;
use crate::web::ui::form::{Field, csrf_input, error_summary, field};
use crate::web::ui::messages::field_message;

use super::citizen_page::{citizen_page, public_page};
use super::password_reset;

#[derive(Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    expired: Option<String>,
}

/// The province list and the communes of the chosen province, for the address pickers.
pub(super) async fn places(
    state: &AppState,
    province: &str,
) -> Result<(Vec<AdminUnit>, Vec<AdminUnit>), PageError> {
    let province = province.to_owned();
    Ok(state
        .db
        .read(move |c| {
            let provinces = admin_units::provinces(c, ADDRESS_ERA)?;
            let communes = if province.is_empty() {
                Vec::new()
            } else {
                admin_units::children(c, ADDRESS_ERA, &province)?
            };
            Ok::<_, crate::store::StoreError>((provinces, communes))
        })
        .await?)
}

/// Province and commune pickers in today's national list. Without JavaScript the citizen chooses the province and
/// presses "Chọn" to load its communes; with it, the e-form script (`eform.js`, which these pickers share with the
/// e-forms' address fields) fills the communes as soon as the province changes.
pub fn place_fields(
    provinces: &[AdminUnit],
    communes: &[AdminUnit],
    province: &str,
    commune: &str,
    errors: &FieldErrors,
) -> Markup {
    let error = |name: &str| errors.first(name).map(field_message);
    html! {
        div class="eform" {
        fieldset class="places eform-address" {
            legend { "Địa chỉ thường trú hoặc nơi ở hiện tại" }
            div class={ "field" @if error("province").is_some() { " has-error" } } {
                label for="f-province" { "Tỉnh, thành phố" span class="req" aria-hidden="true" { " *" } }
                div class="search-row" {
                    select id="f-province" name="province" required data-eform-province="f-commune"
                        data-era=(ADDRESS_ERA.as_str()) aria-invalid=[error("province").map(|_| "true")] {
                        option value="" { "– Chọn tỉnh, thành phố –" }
                        @for p in provinces { option value=(p.code) selected[p.code == province] { (p.name) } }
                    }
                    button type="submit" name="refresh" value="1" class="secondary eform-refresh" formnovalidate { "Chọn" }
                }
                @if let Some(m) = error("province") { p class="error" { (m) } }
            }
            div class={ "field" @if error("commune").is_some() { " has-error" } } {
                label for="f-commune" { "Xã, phường, đặc khu" span class="req" aria-hidden="true" { " *" } }
                select id="f-commune" name="commune" required
                    aria-invalid=[error("commune").map(|_| "true")] {
                    option value="" { @if communes.is_empty() { "– Chọn tỉnh, thành phố trước –" } @else { "– Chọn xã, phường –" } }
                    @for c in communes { option value=(c.code) selected[c.code == commune] { (c.name) } }
                }
                @if let Some(m) = error("commune") { p class="error" { (m) } }
            }
        }
        }
        script src="/assets/js/eform.js" defer {}
    }
}

fn profile_fields(input: &ProfileInput, errors: &FieldErrors, id_editable: bool) -> Markup {
    html! {
        (field(&Field { name: "full_name", label: "Họ và tên", kind: "text", value: &input.full_name, autocomplete: "name", required: true }, errors))
        @if id_editable {
            (field(&Field { name: "id_number", label: "Số định danh cá nhân (12 chữ số trên căn cước)", kind: "text", value: &input.id_number, autocomplete: "off", required: true }, errors))
        } @else {
            p { strong { "Số định danh cá nhân: " } (input.id_number) }
        }
        (field(&Field { name: "date_of_birth", label: "Ngày sinh", kind: "date", value: &input.date_of_birth, autocomplete: "bday", required: false }, errors))
        (field(&Field { name: "phone", label: "Số điện thoại di động", kind: "tel", value: &input.phone, autocomplete: "tel", required: true }, errors))
        (field(&Field { name: "email", label: "Thư điện tử", kind: "email", value: &input.email, autocomplete: "email", required: true }, errors))
    }
}

pub(super) fn address_detail(input: &ProfileInput, errors: &FieldErrors) -> Markup {
    field(
        &Field {
            name: "address_detail",
            label: "Số nhà, đường, thôn, xóm",
            kind: "text",
            value: &input.address_detail,
            autocomplete: "street-address",
            required: false,
        },
        errors,
    )
}

#[derive(Deserialize, Default)]
pub struct RegisterForm {
    #[serde(flatten)]
    profile: ProfileInput,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
    #[serde(default)]
    refresh: Option<String>,
}

async fn register_page(
    state: &AppState,
    pre: &str,
    form: &RegisterForm,
    errors: &FieldErrors,
) -> Result<Markup, PageError> {
    let (provinces, communes) = places(state, &form.profile.province).await?;
    let body = html! {
        h1 { "Đăng ký tài khoản dịch vụ công" }
        p { "Tài khoản giúp Ông/Bà nộp hồ sơ trực tuyến, theo dõi tiến độ, nhận kết quả điện tử và đánh giá sự hài lòng. "
            "Thông tin đã đăng ký được điền sẵn vào tờ khai để Ông/Bà chỉ cần kiểm tra lại." }
        (error_summary(errors))
        form method="post" action="/dang-ky" class="card" novalidate {
            (csrf_input(&csrf_token(&state.mac, pre)))
            (profile_fields(&form.profile, errors, true))
            (place_fields(&provinces, &communes, &form.profile.province, &form.profile.commune, errors))
            (address_detail(&form.profile, errors))
            (field(&Field { name: "password", label: "Mật khẩu (ít nhất 12 ký tự)", kind: "password", value: "", autocomplete: "new-password", required: true }, errors))
            (field(&Field { name: "password_again", label: "Nhập lại mật khẩu", kind: "password", value: "", autocomplete: "new-password", required: true }, errors))
            button type="submit" { "Đăng ký" }
        }
        p { "Đã có tài khoản? " a href="/dang-nhap" { "Đăng nhập" } }
    };
    public_page(state, "Đăng ký tài khoản", body).await
}

pub async fn show_register(
    State(state): State<AppState>,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let (jar, pre) = ensure_pre_session(jar);
    let page = register_page(&state, &pre, &RegisterForm::default(), &FieldErrors::new()).await?;
    Ok((jar, page).into_response())
}

pub async fn submit_register(
    State(state): State<AppState>,
    jar: CookieJar,
    client: Client,
    CsrfForm(form): CsrfForm<RegisterForm>,
) -> Result<Response, PageError> {
    let pre = jar
        .get(PRE_SESSION_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if form.refresh.is_some() {
        return Ok(register_page(&state, &pre, &form, &FieldErrors::new())
            .await?
            .into_response());
    }
    let ctx = client.context("");
    let result = citizens::register(
        &state.db,
        &state.config.security,
        &ctx,
        &form.profile,
        &form.password,
        &form.password_again,
    )
    .await;
    match result {
        Ok(account) => {
            let signed_in = auth::sign_in(
                &state.db,
                &state.config.security,
                &ctx,
                &account.id_number,
                &form.password,
                SessionKind::Web,
                &client.user_agent,
            )
            .await?;
            let jar = jar
                .add(citizen_cookie(signed_in.token))
                .add(removal(PRE_SESSION_COOKIE));
            Ok((jar, Redirect::to("/ho-so-cua-toi?registered=1")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            let page = register_page(&state, &pre, &form, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn login_page(
    state: &AppState,
    pre: &str,
    id_number: &str,
    next: &str,
    message: Option<(&str, &str)>,
) -> Result<Markup, PageError> {
    let oidc = state.config.oidc.enabled();
    let body = html! {
        h1 { "Đăng nhập dịch vụ công" }
        @if let Some((class, text)) = message { div class={ "alert " (class) } role="alert" { (text) } }
        form method="post" action="/dang-nhap" class="card" {
            (csrf_input(&csrf_token(&state.mac, pre)))
            input type="hidden" name="next" value=(next);
            (field(&Field { name: "id_number", label: "Số định danh cá nhân", kind: "text", value: id_number, autocomplete: "username", required: true }, &FieldErrors::new()))
            (field(&Field { name: "password", label: "Mật khẩu", kind: "password", value: "", autocomplete: "current-password", required: true }, &FieldErrors::new()))
            button type="submit" { "Đăng nhập" }
        }
        @if oidc {
            p { a class="button secondary" href={ "/dang-nhap/oidc?next=" (next) } { "Đăng nhập bằng " (state.config.oidc.display_name()) } }
        }
        p { a href="/quen-mat-khau" { "Quên mật khẩu?" } " · " a href="/dang-ky" { "Đăng ký tài khoản mới" } }
        p class="muted" { "Tài khoản bị khóa tạm thời sau " (state.config.security.lockout_threshold) " lần nhập sai liên tiếp." }
    };
    public_page(state, "Đăng nhập", body).await
}

pub async fn show_login(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(q): Query<NextQuery>,
) -> Result<Response, PageError> {
    let (jar, pre) = ensure_pre_session(jar);
    let message = q.expired.is_some().then_some((
        "",
        "Phiên làm việc đã kết thúc do không hoạt động. Vui lòng đăng nhập lại.",
    ));
    let page = login_page(
        &state,
        &pre,
        "",
        safe_next(&q.next, "/ho-so-cua-toi"),
        message,
    )
    .await?;
    Ok((jar, page).into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn submit_login(
    State(state): State<AppState>,
    jar: CookieJar,
    client: Client,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response, PageError> {
    let result = auth::sign_in(
        &state.db,
        &state.config.security,
        &client.context(""),
        &form.id_number,
        &form.password,
        SessionKind::Web,
        &client.user_agent,
    )
    .await;
    let next = safe_next(&form.next, "/ho-so-cua-toi").to_owned();
    let (status, message) = match result {
        Ok(signed_in) => {
            let jar = jar
                .add(citizen_cookie(signed_in.token))
                .add(removal(PRE_SESSION_COOKIE));
            return Ok((jar, Redirect::to(&next)).into_response());
        }
        Err(ServiceError::InvalidCredentials) => (
            StatusCode::UNAUTHORIZED,
            "Số định danh cá nhân hoặc mật khẩu không đúng.",
        ),
        Err(ServiceError::Locked) => (
            StatusCode::FORBIDDEN,
            "Tài khoản đang bị khóa tạm thời do nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau hoặc đặt lại mật khẩu.",
        ),
        Err(e) => return Err(e.into()),
    };
    let pre = jar
        .get(PRE_SESSION_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    let page = login_page(
        &state,
        &pre,
        form.id_number.trim(),
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
    CitizenSession(me): CitizenSession,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    auth::sign_out(&state.db, &client.context(&me.owner_ref()), &me).await?;
    Ok((jar.add(removal(CITIZEN_COOKIE)), Redirect::to("/")).into_response())
}

fn input_of(a: &CitizenAccount) -> ProfileInput {
    ProfileInput {
        full_name: a.full_name.clone(),
        id_number: a.id_number.clone(),
        date_of_birth: a.date_of_birth.clone().unwrap_or_default(),
        phone: a.phone.clone(),
        email: a.email.clone(),
        province: a.province_code.clone(),
        commune: a.commune_code.clone(),
        address_detail: a.address_detail.clone(),
    }
}

async fn profile_page(
    state: &AppState,
    me: &crate::services::citizens::CitizenPrincipal,
    input: &ProfileInput,
    errors: &FieldErrors,
    password_errors: &FieldErrors,
    message: Option<&str>,
) -> Result<Markup, PageError> {
    let (provinces, communes) = places(state, &input.province).await?;
    let csrf = csrf_token(&state.mac, &me.token);
    let body = html! {
        h1 { "Thông tin tài khoản" }
        @if let Some(m) = message { div class="alert success" role="status" { (m) } }
        (error_summary(errors))
        form method="post" action="/tai-khoan" class="card" novalidate {
            (csrf_input(&csrf))
            (profile_fields(input, errors, false))
            (place_fields(&provinces, &communes, &input.province, &input.commune, errors))
            (address_detail(input, errors))
            button type="submit" { "Lưu thông tin" }
        }
        h2 id="password" { "Đổi mật khẩu" }
        (error_summary(password_errors))
        form method="post" action="/tai-khoan/mat-khau" class="card" {
            (csrf_input(&csrf))
            (field(&Field { name: "current", label: "Mật khẩu hiện tại", kind: "password", value: "", autocomplete: "current-password", required: false }, password_errors))
            (field(&Field { name: "password", label: "Mật khẩu mới (ít nhất 12 ký tự)", kind: "password", value: "", autocomplete: "new-password", required: true }, password_errors))
            (field(&Field { name: "password_again", label: "Nhập lại mật khẩu mới", kind: "password", value: "", autocomplete: "new-password", required: true }, password_errors))
            button type="submit" { "Đổi mật khẩu" }
        }
    };
    citizen_page(state, me, "Thông tin tài khoản", body).await
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

pub async fn show_profile(
    State(state): State<AppState>,
    CitizenSession(me): CitizenSession,
    Query(q): Query<SavedQuery>,
) -> Result<Markup, PageError> {
    let account = citizens::account(&state.db, me.citizen_id).await?;
    let message = q.saved.as_deref().map(|what| match what {
        "password" => "Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc.",
        _ => "Đã lưu thông tin tài khoản.",
    });
    profile_page(
        &state,
        &me,
        &input_of(&account),
        &FieldErrors::new(),
        &FieldErrors::new(),
        message,
    )
    .await
}

pub async fn submit_profile(
    State(state): State<AppState>,
    client: Client,
    CitizenSession(me): CitizenSession,
    CsrfForm(form): CsrfForm<RegisterForm>,
) -> Result<Response, PageError> {
    let account = citizens::account(&state.db, me.citizen_id).await?;
    let input = ProfileInput {
        id_number: account.id_number.clone(),
        ..form.profile
    };
    if form.refresh.is_some() {
        let page = profile_page(
            &state,
            &me,
            &input,
            &FieldErrors::new(),
            &FieldErrors::new(),
            None,
        )
        .await?;
        return Ok(page.into_response());
    }
    match citizens::update_profile(
        &state.db,
        &client.context(&me.owner_ref()),
        me.citizen_id,
        &input,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/tai-khoan?saved=profile").into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let page =
                profile_page(&state, &me, &input, &errors, &FieldErrors::new(), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

pub async fn submit_password(
    State(state): State<AppState>,
    client: Client,
    CitizenSession(me): CitizenSession,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response, PageError> {
    let ctx = client.context(&me.owner_ref());
    let result = auth::change_password(
        &state.db,
        &state.config.security,
        &ctx,
        &me,
        &form.current,
        &form.password,
        &form.password_again,
    )
    .await;
    match result {
        Ok(()) => Ok(Redirect::to("/tai-khoan?saved=password").into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let account = citizens::account(&state.db, me.citizen_id).await?;
            let page = profile_page(
                &state,
                &me,
                &input_of(&account),
                &FieldErrors::new(),
                &errors,
                None,
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The account pages' routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/dang-ky", get(show_register).post(submit_register))
        .route("/dang-nhap", get(show_login).post(submit_login))
        .route("/dang-xuat", post(submit_logout))
        .route("/tai-khoan", get(show_profile).post(submit_profile))
        .route("/tai-khoan/mat-khau", post(submit_password))
        .route(
            "/quen-mat-khau",
            get(password_reset::show_forgot).post(password_reset::submit_forgot),
        )
        .route(
            "/dat-lai-mat-khau/{token}",
            get(password_reset::show_reset).post(password_reset::submit_reset),
        )
}
