//! The counter screen (tiếp nhận hồ sơ): pick the procedure, enter the applicant, tick the checklist and scan
//! each paper, then receive (Form 01), ask for a supplement (Form 02) or refuse (Form 03) — all in one
//! transaction, so a refused file or a wrong field leaves nothing half-saved.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde_json::Value;

use crate::domain::FieldErrors;
use crate::domain::catalogue::Procedure;
use crate::domain::dossier::{ActionInput, ApplicantInput};
use crate::domain::role::Role;
use crate::domain::text::vietnamese_order;
use crate::services::ServiceError;
use crate::services::auth::Principal;
use crate::services::dossiers::documents::{self, NewDocument};
use crate::services::dossiers::intake::copies_label;
use crate::services::dossiers::{self as service, IntakeInput};
use crate::store::procedures::{self, ListFilter, ProcedureSummary};
use crate::store::{StoreError, settings};

use crate::web::error::PageError;
use crate::web::extract::{Client, StaffSession, dossier_settings, staff_acting};
use crate::web::session::csrf_token;
use crate::web::state::AppState;
use crate::web::ui::form::{csrf_input, error_summary};
use crate::web::ui::layout::{PageContext, page};
use crate::web::ui::messages::field_message;
use crate::web::upload::Upload;

/// Largest counter submission: the form and every scanned paper.
pub const MAX_INTAKE_BYTES: usize = 64 * 1024 * 1024;

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(super) struct IntakeQuery {
    procedure: String,
}

/// What the officer typed, kept to show the form again with every error.
#[derive(Default)]
struct Typed {
    channel: String,
    kind: String,
    name: String,
    id_number: String,
    phone: String,
    email: String,
    address: String,
    subject: String,
    sets: String,
    delivery: String,
    delivery_address: String,
    provided: Vec<i64>,
    items: String,
    reason: String,
    /// The officer certifies the scans as electronic copies matching the originals.
    certify: bool,
}

fn require_officer(me: &Principal) -> Result<(), PageError> {
    if me.has_role(Role::Officer) {
        Ok(())
    } else {
        Err(PageError::Service(ServiceError::Forbidden))
    }
}

pub(super) async fn show(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
    Query(query): Query<IntakeQuery>,
) -> Result<Markup, PageError> {
    require_officer(&me)?;
    render(
        &state,
        &me,
        query.procedure.trim(),
        &Typed::default(),
        &FieldErrors::new(),
    )
    .await
}

async fn render(
    state: &AppState,
    me: &Principal,
    code: &str,
    typed: &Typed,
    errors: &FieldErrors,
) -> Result<Markup, PageError> {
    let code_owned = code.to_owned();
    let (office, list, chosen) = state
        .db
        .read(move |c| {
            let office = settings::get_office(c)?;
            let (mut list, _) = procedures::list_published(c, &ListFilter::default(), 0, 10_000)?;
            list.sort_by(|a, b| {
                vietnamese_order(&a.sector_name, &b.sector_name)
                    .then_with(|| vietnamese_order(&a.name, &b.name))
            });
            let chosen = if code_owned.is_empty() {
                None
            } else {
                procedures::published(c, &code_owned)?.map(|v| v.body)
            };
            Ok::<_, StoreError>((office, list, chosen))
        })
        .await?;
    let csrf = csrf_token(&state.mac, &me.token);
    let body = html! {
        h1 { "Tiếp nhận hồ sơ" }
        form method="get" action="/staff/tiep-nhan" class="card" {
            div class="field" {
                label for="procedure" { "Thủ tục hành chính" }
                select id="procedure" name="procedure" required {
                    option value="" { "— Chọn thủ tục —" }
                    (procedure_options(&list, code))
                }
            }
            button type="submit" class="secondary" { "Chọn thủ tục" }
        }
        @if let Some(p) = &chosen {
            (intake_form(p, typed, errors, &csrf, state.config.documents.max_file_mb))
        } @else if !code.is_empty() {
            p class="alert error" role="alert" { (field_message("procedure.unknown")) }
        }
    };
    Ok(page(
        &PageContext {
            office: &office,
            staff: Some((me, csrf)),
            citizen: None,
        },
        "Tiếp nhận hồ sơ",
        body,
    ))
}

fn procedure_options(list: &[ProcedureSummary], chosen: &str) -> Markup {
    let mut sectors: Vec<&str> = list.iter().map(|p| p.sector_name.as_str()).collect();
    sectors.dedup();
    html! {
        @for sector in sectors {
            optgroup label=(sector) {
                @for p in list.iter().filter(|p| p.sector_name == sector) {
                    option value=(p.code) selected[p.code == chosen] { (p.name) " (" (p.code) ")" }
                }
            }
        }
    }
}

fn text_field(
    name: &str,
    label: &str,
    value: &str,
    kind: &str,
    required: bool,
    errors: &FieldErrors,
    error_key: &str,
) -> Markup {
    let id = format!("f-{name}");
    let error = errors.first(error_key).map(field_message);
    html! {
        div class={ "field" @if error.is_some() { " has-error" } } {
            label for=(id) { (label) @if required { span class="req" aria-hidden="true" { " *" } } }
            input id=(id) name=(name) type=(kind) value=(value) required[required] aria-invalid=[error.map(|_| "true")];
            @if let Some(m) = error { p class="error" { (m) } }
        }
    }
}

fn intake_form(
    p: &Procedure,
    t: &Typed,
    errors: &FieldErrors,
    csrf: &str,
    max_file_mb: usize,
) -> Markup {
    let organisation = t.kind == "organisation";
    html! {
        (error_summary(errors))
        @if !errors.is_empty() { p class="alert" { "Nếu đã chọn tệp quét, vui lòng chọn lại tệp trước khi gửi." } }
        form method="post" action="/staff/tiep-nhan" enctype="multipart/form-data" novalidate {
            (csrf_input(csrf))
            input type="hidden" name="procedure" value=(p.code);
            section class="card" {
                h2 { (p.name) }
                p class="muted" { "Thời hạn giải quyết: " (p.processing_time.label()) }
                fieldset {
                    legend { "Hình thức nộp" }
                    label class="check" { input type="radio" name="channel" value="1" checked[t.channel != "3"] disabled[!p.channels.counter]; " Trực tiếp tại Bộ phận một cửa" }
                    " "
                    label class="check" { input type="radio" name="channel" value="3" checked[t.channel == "3"] disabled[!p.channels.postal]; " Qua dịch vụ bưu chính công ích" }
                }
            }
            section class="card" {
                h2 { "Người nộp hồ sơ" }
                fieldset {
                    legend { "Là" }
                    label class="check" { input type="radio" name="kind" value="person" checked[!organisation]; " Cá nhân" }
                    " "
                    label class="check" { input type="radio" name="kind" value="organisation" checked[organisation]; " Tổ chức" }
                }
                (text_field("name", "Họ và tên (hoặc tên tổ chức)", &t.name, "text", true, errors, "applicant.name"))
                (text_field("id_number", "Số định danh cá nhân (hoặc mã số thuế)", &t.id_number, "text", true, errors, "applicant.id_number"))
                (text_field("phone", "Số điện thoại (nhận tin nhắn)", &t.phone, "tel", false, errors, "applicant.phone"))
                (text_field("email", "Thư điện tử", &t.email, "email", false, errors, "applicant.email"))
                (text_field("address", "Địa chỉ", &t.address, "text", false, errors, "applicant.address"))
                (text_field("subject", "Nội dung yêu cầu giải quyết (để trống: tên thủ tục)", &t.subject, "text", false, errors, "subject"))
                (text_field("sets", "Số bộ hồ sơ", if t.sets.is_empty() { "1" } else { &t.sets }, "number", true, errors, "sets"))
            }
            section class="card" {
                h2 { "Thành phần hồ sơ" }
                p class="muted" { "Đánh dấu giấy tờ đã nhận và quét hoặc tải lên bản điện tử (PDF, JPEG, PNG, DOCX, ODT, XLSX; tối đa " (max_file_mb) " MB mỗi tệp)." }
                ol class="checklist" {
                    @for (i, c) in p.components.iter().enumerate() {
                        @let position = i as i64 + 1;
                        @let file_key = format!("file_{position}");
                        @let error = errors.first(&file_key).map(field_message);
                        li {
                            label class="check" {
                                input type="checkbox" name="component" value=(position) checked[t.provided.contains(&position)];
                                " " (c.name) " (" (copies_label(c.originals, c.copies)) ")"
                                @if c.required { span class="req" { " – bắt buộc" } }
                            }
                            div class={ "field" @if error.is_some() { " has-error" } } {
                                label for={ "f-" (file_key) } class="muted" { "Bản quét" }
                                input id={ "f-" (file_key) } type="file" name=(file_key) accept=".pdf,.jpg,.jpeg,.png,.docx,.odt,.xlsx,.txt";
                                @if let Some(m) = error { p class="error" { (m) } }
                            }
                        }
                    }
                }
                p class="check" {
                    input id="f-certify" type="checkbox" name="certify" value="1" checked[t.certify];
                    label for="f-certify" { "Tôi xác nhận các bản quét trên là bản sao điện tử khớp với bản gốc giấy tờ (Nghị định 107/2021/NĐ-CP)" }
                }
            }
            section class="card" {
                h2 { "Nhận kết quả" }
                div class="field" {
                    label for="f-delivery" { "Hình thức nhận kết quả" }
                    select id="f-delivery" name="delivery" {
                        option value="counter" selected[t.delivery != "post" && t.delivery != "online"] { "Tại Bộ phận một cửa" }
                        option value="post" selected[t.delivery == "post"] { "Qua dịch vụ bưu chính" }
                        option value="online" selected[t.delivery == "online"] { "Trực tuyến" }
                    }
                }
                (text_field("delivery_address", "Địa chỉ nhận kết quả qua bưu chính", &t.delivery_address, "text", false, errors, "delivery_address"))
            }
            section class="card" {
                h2 { "Quyết định tiếp nhận" }
                p { button type="submit" name="then" value="receive" { "Tiếp nhận và hẹn trả kết quả" } }
                details open[!t.reason.is_empty() || !t.items.is_empty()] {
                    summary { "Hồ sơ chưa đầy đủ hoặc không đủ điều kiện" }
                    div class={ "field" @if errors.first("items").is_some() { " has-error" } } {
                        label for="f-items" { "Giấy tờ cần bổ sung (mỗi dòng một giấy tờ)" }
                        textarea id="f-items" name="items" { (t.items) }
                        @if let Some(m) = errors.first("items").map(field_message) { p class="error" { (m) } }
                    }
                    div class={ "field" @if errors.first("reason").is_some() { " has-error" } } {
                        label for="f-reason" { "Lý do" }
                        textarea id="f-reason" name="reason" { (t.reason) }
                        @if let Some(m) = errors.first("reason").map(field_message) { p class="error" { (m) } }
                    }
                    p {
                        button type="submit" name="then" value="request_supplement" class="secondary" { "Yêu cầu bổ sung (Mẫu 02)" }
                        " "
                        button type="submit" name="then" value="refuse" class="secondary" { "Từ chối tiếp nhận (Mẫu 03)" }
                    }
                }
            }
        }
    }
}

fn typed_from(form: &Upload) -> Typed {
    Typed {
        channel: form.field("channel"),
        kind: form.field("kind"),
        name: form.field("name"),
        id_number: form.field("id_number"),
        phone: form.field("phone"),
        email: form.field("email"),
        address: form.field("address"),
        subject: form.field("subject"),
        sets: form.field("sets"),
        delivery: form.field("delivery"),
        delivery_address: form.field("delivery_address"),
        provided: form
            .fields
            .iter()
            .filter(|(k, _)| k == "component")
            .filter_map(|(_, v)| v.trim().parse().ok())
            .collect(),
        items: form.field("items"),
        reason: form.field("reason"),
        certify: form.field("certify") == "1",
    }
}

pub(super) async fn submit(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
    client: Client,
    form: Upload,
) -> Result<Response, PageError> {
    require_officer(&me)?;
    let typed = typed_from(&form);
    let code = form.field("procedure");
    let acting = staff_acting(&me);
    // Every file is checked (and stored by its hash) before the dossier is written; one bad file stops it all.
    let mut prepared = Vec::new();
    let mut errors = FieldErrors::new();
    // One box at the counter certifies every scan of this intake as an electronic copy matching its original.
    let certify_all = typed.certify;
    for file in &form.files {
        let Some(position) = file
            .field
            .strip_prefix("file_")
            .and_then(|p| p.parse::<i64>().ok())
        else {
            continue;
        };
        let doc = NewDocument {
            file_name: file.file_name.clone(),
            bytes: file.bytes.clone(),
            kind: "scan".into(),
            component: Some(position),
            confidential: false,
            certify: certify_all,
        };
        match documents::prepare(state.files.clone(), &acting, doc).await {
            Ok(p) => prepared.push(p),
            Err(ServiceError::Invalid(e)) => errors.0.extend(e.0),
            Err(e) => return Err(e.into()),
        }
    }
    if !errors.is_empty() {
        return refused(&state, &me, &code, &typed, errors).await;
    }
    let then = form.field("then");
    let code_of_form = code.clone();
    let input = IntakeInput {
        procedure: code.clone(),
        channel: typed.channel.parse().unwrap_or(1),
        agency: String::new(),
        applicant: ApplicantInput {
            kind: typed.kind.clone(),
            name: typed.name.clone(),
            id_number: typed.id_number.clone(),
            phone: typed.phone.clone(),
            email: typed.email.clone(),
            address: typed.address.clone(),
        },
        subject: typed.subject.clone(),
        sets: typed.sets.parse().ok().or(Some(0)),
        components: typed.provided.clone(),
        form_data: Value::Null,
        delivery: typed.delivery.clone(),
        delivery_address: typed.delivery_address.clone(),
        then: Some(ActionInput {
            action: if then.is_empty() {
                "receive".into()
            } else {
                then
            },
            reason: typed.reason.clone(),
            items: typed.items.lines().map(str::to_owned).collect(),
            ..ActionInput::default()
        }),
        documents: prepared,
        draft: None,
    };
    let ctx = client.context(&me.username);
    match service::intake(
        &state.db,
        &ctx,
        &dossier_settings(&state),
        &acting,
        input,
        None,
    )
    .await
    {
        Ok(row) => {
            let reference = row.code.unwrap_or(row.public_id);
            Ok(Redirect::to(&format!("/staff/dossiers/{reference}?done=intake")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => refused(&state, &me, &code, &typed, errors).await,
        Err(ServiceError::Refused(code)) => {
            let mut errors = FieldErrors::new();
            errors.add("component", code);
            refused(&state, &me, &code_of_form, &typed, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The form again, with what was typed and every error (422).
async fn refused(
    state: &AppState,
    me: &Principal,
    code: &str,
    typed: &Typed,
    errors: FieldErrors,
) -> Result<Response, PageError> {
    let page = render(state, me, code, typed, &errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
