//! Web admin pages for the printed forms: which set of forms is in force (Circular 01/2018 or 03/2025), switching
//! to another set, and editing one form's template. The forms are data so an office can adjust wording without a
//! release; every save goes through services::forms, which refuses a template that would not print.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};

use crate::domain::FieldErrors;
use crate::services::ServiceError;
use crate::services::auth::Principal;
use crate::services::forms::{self as service, Moment};
use crate::store::form_templates::{self, FormTemplate};
use crate::store::settings;

use super::super::error::PageError;
use super::super::extract::{AdminSession, Client, CsrfForm, NoFields};
use super::super::session::csrf_token;
use super::super::state::AppState;
use super::super::ui::form::{csrf_input, error_summary};
use super::super::ui::layout::{PageContext, page, scroll_table};
use super::super::ui::messages::field_message;

const BASE: &str = "/admin/forms";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(BASE, get(list_forms))
        .route("/admin/forms/activate", post(activate_set))
        .route(
            "/admin/forms/{set}/{key}",
            get(edit_template).post(update_template),
        )
        .route("/admin/forms/{set}/{key}/restore", post(restore_template))
}

/// The circular a set implements, as officers know it; the set's id for a set this release does not name.
fn set_name(set: &str) -> String {
    match set {
        "tt01-2018" => "Thông tư 01/2018/TT-VPCP".to_owned(),
        "tt03-2025" => "Thông tư 03/2025/TT-VPCP".to_owned(),
        other => other.to_owned(),
    }
}

/// "Thông tư 03/2025/TT-VPCP (7 mẫu)".
fn set_label(set: &str, count: usize) -> String {
    format!("{} ({count} mẫu)", set_name(set))
}

fn edit_href(set: &str, key: &str) -> String {
    format!("{BASE}/{set}/{key}")
}

/// Every set with its forms, the set in force and the bodies this release ships (to tell edited forms apart).
struct Catalogue {
    office: settings::OfficeInfo,
    active: String,
    sets: Vec<(String, Vec<FormTemplate>)>,
    shipped: Vec<FormTemplate>,
}

impl Catalogue {
    /// Reads everything in one blocking call; the shipped set is parsed there too, off the async workers.
    async fn load(state: &AppState) -> Result<Self, ServiceError> {
        state
            .db
            .read(|c| {
                let mut sets = Vec::new();
                for set in form_templates::list_sets(c)? {
                    let forms = form_templates::list(c, &set)?;
                    sets.push((set, forms));
                }
                Ok::<_, ServiceError>(Catalogue {
                    office: settings::get_office(c)?,
                    active: service::active_set(c)?,
                    sets,
                    shipped: service::shipped_templates("")?,
                })
            })
            .await
    }

    fn count(&self, set: &str) -> usize {
        self.sets
            .iter()
            .find(|(s, _)| s == set)
            .map_or(0, |(_, forms)| forms.len())
    }

    fn find(&self, set: &str, key: &str) -> Option<&FormTemplate> {
        self.sets
            .iter()
            .find(|(s, _)| s == set)
            .and_then(|(_, forms)| forms.iter().find(|t| t.key == key))
    }

    fn shipped_body(&self, set: &str, key: &str) -> Option<&str> {
        self.shipped
            .iter()
            .find(|t| t.form_set == set && t.key == key)
            .map(|t| t.body.as_str())
    }

    /// Whether an administrator changed this form (a form no release ships counts as changed).
    fn edited(&self, t: &FormTemplate) -> bool {
        self.shipped_body(&t.form_set, &t.key) != Some(t.body.as_str())
    }
}

#[derive(serde::Deserialize, Default)]
struct ListQuery {
    /// The set whose forms are listed; the set in force when absent.
    set: Option<String>,
    activated: Option<String>,
}

#[derive(serde::Deserialize, Default)]
struct ActivateForm {
    #[serde(default)]
    form_set: String,
}

fn set_form(cat: &Catalogue, errors: &FieldErrors, csrf: &str) -> Markup {
    let error = errors.first("form_set").map(field_message);
    html! {
        h2 id="set-form" { "Chọn bộ biểu mẫu áp dụng" }
        (error_summary(errors))
        form method="post" action={ (BASE) "/activate" } class="card" aria-labelledby="set-form" novalidate {
            (csrf_input(csrf))
            fieldset aria-describedby=[error.map(|_| "f-form_set-error")] {
                legend { "Bộ biểu mẫu dùng cho mọi lần in" }
                @for (i, (set, forms)) in cat.sets.iter().enumerate() {
                    p {
                        input type="radio" id={ "f-form_set-" (i) } name="form_set" value=(set) checked[*set == cat.active];
                        " "
                        label for={ "f-form_set-" (i) } {
                            (set_label(set, forms.len()))
                            @if *set == cat.active { " – đang áp dụng" }
                        }
                    }
                }
                @if let Some(message) = error { p class="error" id="f-form_set-error" { (message) } }
            }
            p class="muted" {
                "Bộ được chọn áp dụng ngay cho các lần in sau, kể cả khi in lại hồ sơ đã tiếp nhận; "
                "các bản đã in trước đó không thay đổi."
            }
            button type="submit" { "Áp dụng bộ đã chọn" }
        }
    }
}

fn templates_table(cat: &Catalogue, set: &str) -> Markup {
    let forms = cat
        .sets
        .iter()
        .find(|(s, _)| s == set)
        .map_or(&[][..], |(_, f)| f.as_slice());
    html! {
        h2 id="templates" { "Các mẫu của " (set_label(set, forms.len())) }
        @if cat.sets.len() > 1 {
            nav aria-label="Xem mẫu của bộ khác" {
                p { "Xem mẫu của bộ: "
                    @for (i, (other, _)) in cat.sets.iter().enumerate() {
                        @if i > 0 { " · " }
                        @if other == set { strong aria-current="page" { (set_name(other)) } }
                        @else { a href={ (BASE) "?set=" (other) "#templates" } { (set_name(other)) } }
                    }
                }
            }
        }
        @if forms.is_empty() {
            p { "Bộ này chưa có mẫu nào." }
        } @else {
            (scroll_table(&format!("Các mẫu của {}", set_name(set)), html! { table {
                thead { tr {
                    th scope="col" { "Mẫu số" } th scope="col" { "Tên biểu mẫu" } th scope="col" { "Khổ giấy" }
                    th scope="col" { "Nội dung" } th scope="col" { "Thao tác" }
                } }
                tbody { @for t in forms { tr {
                    td { (t.number) }
                    td { (t.title) }
                    td { (t.paper) }
                    td { @if cat.edited(t) { span class="badge wait" { "Đã sửa" } } @else { span class="badge" { "Mẫu gốc" } } }
                    td { a href=(edit_href(&t.form_set, &t.key)) { "Sửa" span class="skip" { " mẫu số " (t.number) } } }
                } } }
            } }))
        }
    }
}

async fn list_page(
    state: &AppState,
    me: &Principal,
    shown: Option<String>,
    errors: &FieldErrors,
    notice: Option<String>,
) -> Result<Markup, PageError> {
    let cat = Catalogue::load(state).await?;
    let shown = shown
        .filter(|s| cat.sets.iter().any(|(set, _)| set == s))
        .unwrap_or_else(|| cat.active.clone());
    let csrf = csrf_token(&state.mac, &me.token);
    let body = html! {
        h1 { "Biểu mẫu in" }
        p {
            "Các phiếu, giấy tờ Bộ phận Tiếp nhận và Trả kết quả in cho hồ sơ (giấy tiếp nhận, phiếu yêu cầu bổ sung, "
            "phiếu từ chối, phiếu xin lỗi, phiếu kiểm soát, sổ theo dõi hồ sơ) được lập từ các mẫu dưới đây."
        }
        @if let Some(text) = &notice { div class="alert ok" role="status" { (text) } }
        div class="card" {
            p { "Bộ biểu mẫu đang áp dụng: " strong { (set_label(&cat.active, cat.count(&cat.active))) } }
        }
        (set_form(&cat, errors, &csrf))
        (templates_table(&cat, &shown))
    };
    let ctx = PageContext {
        office: &cat.office,
        staff: Some((me, csrf.clone())),
        citizen: None,
    };
    Ok(page(&ctx, "Biểu mẫu in", body))
}

async fn list_forms(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    Query(q): Query<ListQuery>,
) -> Result<Markup, PageError> {
    let notice = q
        .activated
        .map(|set| format!("Đã áp dụng bộ biểu mẫu theo {}.", set_name(&set)));
    list_page(&state, &me, q.set, &FieldErrors::new(), notice).await
}

async fn activate_set(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    CsrfForm(form): CsrfForm<ActivateForm>,
) -> Result<Response, PageError> {
    let ctx = client.context(&me.username);
    let set = form.form_set.trim().to_owned();
    match service::activate_set(&state.db, &ctx, &set).await {
        Ok(()) => Ok(Redirect::to(&format!("{BASE}?activated={set}")).into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let html = list_page(&state, &me, None, &errors, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize, Default)]
struct EditQuery {
    saved: Option<String>,
    restored: Option<String>,
}

#[derive(serde::Deserialize, Default)]
struct TemplateForm {
    #[serde(default)]
    body: String,
}

/// One rendering of the edit page: the text in the box, and why it was refused if it was.
struct Edit {
    body: Option<String>,
    errors: FieldErrors,
    /// The template check's own sentence, with the line number.
    detail: Option<String>,
    notice: Option<&'static str>,
}

/// The names a template can use, grouped as `FormContext` has them (services::forms::context).
const VARIABLES: [(&str, &str); 16] = [
    (
        "form.number, form.title, form.paper",
        "số, tên và khổ giấy của mẫu đang in",
    ),
    (
        "agency.name, agency.name_upper, agency.code, agency.address, agency.phone, agency.email",
        "cơ quan ban hành phiếu",
    ),
    (
        "office.office_name, office.address, office.phone, office.email",
        "thông tin của đơn vị vận hành hệ thống",
    ),
    (
        "one_stop, place",
        "tên Bộ phận Tiếp nhận và Trả kết quả; địa danh ghi ở dòng ngày tháng",
    ),
    (
        "issued, today",
        "ngày lập phiếu và ngày hôm nay; mỗi mốc thời gian có .long (08 giờ 05 phút, ngày …), .date_line (ngày … tháng … năm …), .date (dd/mm/yyyy), .short",
    ),
    (
        "dossier.code, dossier.public_id, dossier.lookup_url, dossier.subject, dossier.sets_text, dossier.channel, dossier.delivery, dossier.status",
        "mã hồ sơ, địa chỉ tra cứu, nội dung yêu cầu, số bộ, kênh nộp, nơi nhận kết quả, trạng thái",
    ),
    (
        "dossier.received, dossier.due, dossier.original_due",
        "thời điểm tiếp nhận, hẹn trả và hẹn trả ban đầu (các mốc thời gian như trên)",
    ),
    (
        "dossier.lead_unit, dossier.receiver, dossier.register.book, dossier.register.number, dossier.register.year",
        "cơ quan chủ trì, người tiếp nhận, quyển số và số thứ tự trong sổ theo dõi",
    ),
    (
        "dossier.applicant.name, .address, .phone, .email, .id_number",
        "người nộp hồ sơ",
    ),
    (
        "dossier.procedure.code, .name, .processing_time, .processing_note, .legal_basis, .result",
        "thủ tục hành chính theo danh mục (legal_basis là danh sách)",
    ),
    (
        "components",
        "danh sách thành phần hồ sơ, mỗi mục có number, name, copies, required, provided",
    ),
    (
        "supplement, refusal, stop",
        "yêu cầu bổ sung, từ chối, dừng giải quyết (nếu có): reason, items, at, actor, actor_unit",
    ),
    (
        "extension",
        "gia hạn (nếu có): reason, at, actor, previous_due, new_due",
    ),
    (
        "handovers, coordinating",
        "các lần giao nhận của phiếu kiểm soát (number, giver, giver_unit, receiver, receiver_unit, at, outcome, note); cơ quan phối hợp",
    ),
    (
        "register",
        "trang sổ theo dõi: year, book, total, page, pages, entries (number, code, procedure, sets, applicant, address_phone, lead_unit, received, due, transferred, result_back, returned, note)",
    ),
    (
        "qr_svg",
        "hình mã QR tra cứu hồ sơ (chèn nguyên văn, không thoát HTML)",
    ),
];

fn help() -> Markup {
    html! {
        h2 id="variables" { "Biến dùng được trong mẫu" }
        p {
            "Mẫu là một đoạn HTML viết theo cú pháp MiniJinja: " code { "{{ dossier.code }}" } " in một giá trị; "
            code { "{% if refusal %} … {% endif %}" } " in khi có; " code { "{% for c in components %} … {% endfor %}" }
            " lặp một danh sách. Mọi giá trị được tự động thoát HTML. Phần có thể vắng (người nộp chưa có email, "
            "hồ sơ chưa gia hạn…) được in thành chỗ trống."
        }
        dl class="variables" {
            @for (names, meaning) in VARIABLES {
                dt { code { (names) } }
                dd { (meaning) }
            }
        }
    }
}

fn edit_form(t: &FormTemplate, edit: &Edit, csrf: &str) -> Markup {
    let code = edit.errors.first("body");
    let has_error = code.is_some();
    let body = edit.body.as_deref().unwrap_or(&t.body);
    html! {
        form method="post" action=(edit_href(&t.form_set, &t.key)) class="card" novalidate {
            (csrf_input(csrf))
            div class={ "field" @if has_error { " has-error" } } {
                label for="f-body" { "Nội dung mẫu (HTML, cú pháp MiniJinja)" span class="req" aria-hidden="true" { " *" } }
                p class="muted" id="f-body-hint" {
                    "Nội dung đã lưu được dùng cho mọi lần in sau của mẫu này, kể cả khi in lại hồ sơ cũ. "
                    "Mẫu có lỗi cú pháp hoặc không in được với dữ liệu mẫu sẽ không được lưu. "
                    "Các biến dùng được liệt kê " a href="#variables" { "bên dưới" } "."
                }
                textarea id="f-body" name="body" rows="30" required spellcheck="false" autocapitalize="off"
                    autocomplete="off" aria-invalid=[has_error.then_some("true")]
                    aria-describedby={ "f-body-hint" @if has_error { " f-body-error" } } { (body) }
                @if let Some(code) = code {
                    p class="error" id="f-body-error" {
                        (field_message(code))
                        @if let Some(detail) = &edit.detail { " " (detail) }
                    }
                }
            }
            div class="actions" {
                button type="submit" { "Lưu mẫu" }
                a href={ (BASE) "?set=" (t.form_set) "#templates" } { "Quay lại danh sách mẫu" }
            }
        }
    }
}

async fn edit_page(
    state: &AppState,
    me: &Principal,
    set: &str,
    key: &str,
    edit: Edit,
) -> Result<Markup, PageError> {
    let cat = Catalogue::load(state).await?;
    let t = cat.find(set, key).ok_or(ServiceError::NotFound)?;
    let csrf = csrf_token(&state.mac, &me.token);
    let edited = cat.edited(t);
    let title = format!("Sửa mẫu số {}: {}", t.number, t.title);
    let body = html! {
        p {
            a href=(BASE) { "Biểu mẫu in" } " › "
            a href={ (BASE) "?set=" (t.form_set) "#templates" } { (set_name(&t.form_set)) } " › Mẫu số " (t.number)
        }
        h1 { (title) }
        p {
            "Bộ: " (set_label(&t.form_set, cat.count(&t.form_set))) ". Khổ giấy: " (t.paper) ". "
            @if edited {
                "Đã sửa so với mẫu gốc"
                @if let Some(at) = Moment::stored(Some(&t.updated_at)) { ", lần cuối lúc " (at.short) }
                "."
            } @else { "Đang dùng mẫu gốc." }
        }
        @if t.form_set != cat.active {
            div class="alert" role="note" {
                "Bộ biểu mẫu này chưa được áp dụng: nội dung sửa ở đây chỉ được dùng khi bộ "
                (set_name(&t.form_set)) " được " a href=(BASE) { "chọn áp dụng" } "."
            }
        }
        @if let Some(text) = edit.notice { div class="alert ok" role="status" { (text) } }
        @if let (Some(code), Some(detail)) = (edit.errors.first("body"), &edit.detail) {
            div class="alert error" role="alert" {
                p { strong { "Mẫu chưa được lưu: " } (field_message(code)) }
                p { a href="#f-body" { (detail) } }
            }
        } @else {
            (error_summary(&edit.errors))
        }
        (edit_form(t, &edit, &csrf))
        @if edited && cat.shipped_body(&t.form_set, &t.key).is_some() {
            h2 id="restore" { "Khôi phục mẫu gốc" }
            form method="post" action={ (edit_href(&t.form_set, &t.key)) "/restore" } class="card" aria-labelledby="restore" {
                (csrf_input(&csrf))
                p { "Bỏ mọi chỉnh sửa và dùng lại nội dung mẫu ban hành kèm phần mềm cho các lần in sau." }
                button type="submit" class="secondary" { "Khôi phục mẫu gốc" }
            }
        }
        (help())
    };
    let ctx = PageContext {
        office: &cat.office,
        staff: Some((me, csrf.clone())),
        citizen: None,
    };
    Ok(page(&ctx, &title, body))
}

async fn edit_template(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    Path((set, key)): Path<(String, String)>,
    Query(q): Query<EditQuery>,
) -> Result<Markup, PageError> {
    let notice = match (q.saved, q.restored) {
        (Some(_), _) => Some("Đã lưu mẫu. Các lần in sau dùng nội dung mới."),
        (_, Some(_)) => Some("Đã khôi phục mẫu gốc."),
        _ => None,
    };
    let edit = Edit {
        body: None,
        errors: FieldErrors::new(),
        detail: None,
        notice,
    };
    edit_page(&state, &me, &set, &key, edit).await
}

async fn update_template(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    Path((set, key)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<TemplateForm>,
) -> Result<Response, PageError> {
    let ctx = client.context(&me.username);
    match service::save_template(&state.db, &ctx, &set, &key, &form.body).await {
        Ok(()) => Ok(Redirect::to(&format!("{}?saved=1", edit_href(&set, &key))).into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let detail = if errors.first("body") == Some("template.invalid") {
                service::check_template(&form.body).err()
            } else {
                None
            };
            let edit = Edit {
                body: Some(form.body),
                errors,
                detail,
                notice: None,
            };
            let html = edit_page(&state, &me, &set, &key, edit).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn restore_template(
    State(state): State<AppState>,
    AdminSession(me): AdminSession,
    client: Client,
    Path((set, key)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    service::restore_template(&state.db, &client.context(&me.username), &set, &key).await?;
    Ok(Redirect::to(&format!("{}?restored=1", edit_href(&set, &key))).into_response())
}
