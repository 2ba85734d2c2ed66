//! One dossier for staff: applicant, components, files, printable forms, consultations, notices, the full
//! history, and only the actions this person may take now. Actions and uploads post back here.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use time::OffsetDateTime;

use crate::domain::FieldErrors;
use crate::domain::calendar::to_local;
use crate::domain::dossier::{ActionKind, Stage, available};
use crate::domain::role::Role;
use crate::services::ServiceError;
use crate::services::dossiers::documents::{self, NewDocument};
use crate::services::dossiers::{self as service, may_view};
use crate::services::forms::{self, FormChoice};
use crate::store::dossiers::{
    self, ComponentRow, ConsultationRow, DocumentRow, DossierRow, EventRow,
};
use crate::store::notifications::Notification;
use crate::store::org::{Agency, Unit};
use crate::store::settings::OfficeInfo;
use crate::store::staff::StaffAccount;
use crate::store::{StoreError, notifications, org, parse_time, settings, staff};

use super::actions::{self, Choices};
use crate::web::download::attachment;
use crate::web::error::PageError;
use crate::web::extract::{Client, CsrfForm, StaffSession, dossier_settings, staff_acting};
use crate::web::session::csrf_token;
use crate::web::state::AppState;
use crate::web::ui::dossier::{
    channel_label, code_text, event_label, long_time, overdue_flag, short_time, status_badge,
};
use crate::web::ui::layout::{PageContext, page};
use crate::web::ui::messages::{field_message, refusal_message};
use crate::web::upload::Upload;

/// Everything the page shows, read in one go.
struct View {
    office: OfficeInfo,
    row: DossierRow,
    components: Vec<ComponentRow>,
    documents: Vec<DocumentRow>,
    results: Vec<crate::store::results::ResultRow>,
    messages: Vec<crate::store::dossiers::messages::MessageRow>,
    rating: Option<crate::store::ratings::RatingRow>,
    consultations: Vec<ConsultationRow>,
    events: Vec<EventRow>,
    notices: Vec<Notification>,
    units: Vec<Unit>,
    agencies: Vec<Agency>,
    specialists: Vec<StaffAccount>,
    assignee: Option<String>,
    /// The working day before the due date has come: an apology and new date are required (Decree 61 Art. 19(9)).
    extension_due: bool,
    late_supplement: bool,
    immediate: bool,
    /// The printed forms of the active set and whether each applies yet.
    forms: Vec<FormChoice>,
    /// Retention and hand-over to the archives.
    archive: crate::services::dossiers::archive::ArchiveInfo,
}

async fn load(
    state: &AppState,
    me: &crate::services::auth::Principal,
    reference: String,
) -> Result<View, PageError> {
    let acting = staff_acting(me);
    let retention_years = state.config.archive.default_retention_years;
    let view = state
        .db
        .read(move |c| {
            let Some(row) = dossiers::find(c, &reference)? else {
                return Ok::<_, StoreError>(None);
            };
            if !may_view(&acting.actor, &row) {
                return Ok(None);
            }
            let calendar = crate::services::calendar::load(c)?;
            let now = to_local(OffsetDateTime::now_utc());
            let due = row.due_at.as_deref().and_then(parse_time).map(to_local);
            let extension_due = matches!(row.status, 2 | 4)
                && !row.extended
                && due.is_some_and(|d| now.date() >= calendar.working_day_before(d.date()));
            let procedure = service::procedure_of(c, &row).map_err(|_| StoreError::NotFound)?;
            let late_supplement = !service::supplement_window_open(
                &row,
                &procedure,
                &calendar,
                OffsetDateTime::now_utc(),
            );
            let specialists = staff::list(c)?
                .into_iter()
                .filter(|s| {
                    s.roles.contains(&Role::Specialist)
                        && s.unit_code.is_some()
                        && s.unit_code == row.unit_code
                        && s.locked_at.is_none()
                })
                .collect();
            let assignee = match row.assignee_id {
                Some(id) => Some(staff::get(c, crate::domain::ids::StaffId(id))?.full_name),
                None => None,
            };
            Ok(Some(View {
                office: settings::get_office(c)?,
                components: dossiers::components(c, row.id)?,
                documents: dossiers::documents(c, row.id)?,
                results: crate::store::results::list_for_dossier(c, row.id)?,
                messages: dossiers::messages::messages(c, row.id)?,
                rating: crate::store::ratings::get(c, row.id)?,
                consultations: dossiers::consultations(c, row.id)?,
                events: dossiers::events(c, row.id)?,
                notices: notifications::for_dossier(c, row.id)?,
                units: org::list_units(c)?
                    .into_iter()
                    .filter(|u| u.agency_code == row.agency_code)
                    .collect(),
                agencies: org::list_agencies(c)?
                    .into_iter()
                    .filter(|a| a.code != row.agency_code)
                    .collect(),
                specialists,
                assignee,
                extension_due,
                late_supplement,
                immediate: service::is_immediate(&procedure),
                forms: Vec::new(),
                archive: service::archive::info(c, &row, retention_years)?,
                row,
            }))
        })
        .await?;
    let mut view = view.ok_or(PageError::Service(ServiceError::NotFound))?;
    let reference = view.row.public_id.clone();
    view.forms = forms::choices(&state.db, &staff_acting(me).actor, &reference)
        .await?
        .1
        .into_iter()
        .filter(|f| f.applies && f.key != "register")
        .collect();
    Ok(view)
}

fn unit_name<'a>(units: &'a [Unit], code: Option<&str>) -> &'a str {
    code.and_then(|c| units.iter().find(|u| u.code == c))
        .map_or("–", |u| u.name.as_str())
}

/// A message at the top of the page after a post.
enum Alert<'a> {
    Done(&'a str),
    Problem(&'a str),
}

fn render(
    state: &AppState,
    me: &crate::services::auth::Principal,
    v: &View,
    alert: Option<Alert<'_>>,
    failed: Option<(ActionKind, &FieldErrors)>,
) -> Markup {
    let csrf = csrf_token(&state.mac, &me.token);
    let max_file_mb = state.config.documents.max_file_mb;
    let row = &v.row;
    let now = OffsetDateTime::now_utc();
    let reference = row.code.clone().unwrap_or_else(|| row.public_id.clone());
    let stage = Stage::parse(&row.stage);
    let kinds = stage
        .map(|s| {
            available(
                s,
                row.unit_code.as_deref(),
                row.assignee_id,
                v.immediate,
                &staff_acting(me).actor,
            )
        })
        .unwrap_or_default();
    let choices = Choices {
        units: &v.units,
        specialists: &v.specialists,
        agencies: &v.agencies,
        components: &v.components,
        late_supplement: v.late_supplement,
    };
    let title = format!("Hồ sơ {}", code_text(row.code.as_deref()));
    let body = html! {
        p class="crumbs" { a href="/staff/dossiers" { "Hồ sơ" } " › " (code_text(row.code.as_deref())) }
        h1 { (title) }
        p id="status" { (status_badge(row.status)) (overdue_flag(row.status, row.due_at.as_deref(), now))
            " " span class="muted" { (stage.map_or("", Stage::label)) } (super::super::archive::badge(&v.archive)) }
        @match alert {
            Some(Alert::Done(message)) => { div class="alert ok" role="status" { (message) } }
            Some(Alert::Problem(message)) => { div class="alert error" role="alert" { (message) } }
            None => {}
        }
        @if v.extension_due {
            div class="alert error" role="alert" { "Hồ sơ sắp đến hạn hoặc đã quá hạn mà chưa có kết quả: cần lập Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu số 04)." }
        }
        div class="grid" {
            section class="card" aria-labelledby="h-dossier" {
                h2 id="h-dossier" { "Thông tin hồ sơ" }
                dl {
                    dt { "Thủ tục" } dd { a href={ "/thu-tuc/" (row.procedure_code) } { (row.procedure_name) } " " span class="muted" { "(phiên bản " (row.procedure_version) ")" } }
                    dt { "Nội dung yêu cầu" } dd { (row.subject) }
                    dt { "Hình thức nộp" } dd { (channel_label(row.channel)) }
                    dt { "Nộp lúc" } dd { (long_time(Some(&row.submitted_at))) }
                    dt { "Tiếp nhận lúc" } dd { (long_time(row.received_at.as_deref())) }
                    dt { "Hẹn trả kết quả" } dd {
                        @if row.status == 5 { "Tạm dừng: chờ người nộp bổ sung hồ sơ" } @else { (long_time(row.due_at.as_deref())) }
                        @if row.extended { br; span class="muted" { "Hẹn ban đầu: " (long_time(row.original_due_at.as_deref())) } }
                    }
                    @if row.transfer_due_at.is_some() {
                        dt { "Hạn chuyển xử lý" } dd { (short_time(row.transfer_due_at.as_deref()))
                            @if let Some(at) = &row.transferred_at { " · đã chuyển " (short_time(Some(at))) } }
                    }
                    dt { "Đơn vị đang xử lý" } dd { (unit_name(&v.units, row.unit_code.as_deref())) @if let Some(a) = &v.assignee { " · " (a) } }
                    @if row.step_due_at.is_some() { dt { "Hạn của bước hiện tại" } dd { (short_time(row.step_due_at.as_deref())) } }
                    @if let Some(fee) = row.fee_due_vnd { dt { "Phí, lệ phí" } dd { (crate::web::ui::procedure::vnd(fee)) " đồng" } }
                    @if let (Some(y), Some(n)) = (row.register_year, row.register_no) { dt { "Sổ theo dõi" } dd { "Năm " (y) ", số thứ tự " (n) } }
                    @if let Some(o) = row.outcome.as_deref().and_then(crate::domain::dossier::Outcome::parse) { dt { "Kết quả so với hạn" } dd { (o.label()) } }
                    dt { "Nhận kết quả" } dd { @match row.delivery.as_str() { "post" => { "Qua bưu chính: " (row.delivery_address) }, "online" => "Trực tuyến", _ => "Tại Bộ phận một cửa" } }
                }
            }
            section class="card" aria-labelledby="h-applicant" {
                h2 id="h-applicant" { "Người nộp hồ sơ" }
                dl {
                    dt { @if row.applicant_kind == "organisation" { "Tổ chức" } @else { "Họ và tên" } } dd { (row.applicant_name) }
                    dt { @if row.applicant_kind == "organisation" { "Mã số thuế" } @else { "Số định danh" } } dd { (row.applicant_id_number) }
                    dt { "Điện thoại" } dd { (if row.applicant_phone.is_empty() { "–" } else { &row.applicant_phone }) }
                    dt { "Thư điện tử" } dd { (if row.applicant_email.is_empty() { "–" } else { &row.applicant_email }) }
                    dt { "Địa chỉ" } dd { (if row.applicant_address.is_empty() { "–" } else { &row.applicant_address }) }
                }
            }
        }
        @if !kinds.is_empty() {
            section aria-labelledby="h-actions" {
                h2 id="h-actions" { "Xử lý hồ sơ" }
                (actions::forms(&reference, stage, &kinds, &csrf, &choices, failed))
            }
        }
        (super::papers::section(&super::papers::Papers {
            reference: &reference,
            components: &v.components,
            documents: &v.documents,
            active: row.active,
            csrf: &csrf,
            max_file_mb,
        }))
        (super::results::section(me, row, &v.results, &csrf, max_file_mb))
        (super::super::archive::section(me, row, &v.archive, &csrf))
        (super::exchange::section(&reference, row.owner_ref.as_deref().is_some_and(|o| o.starts_with("citizen:")) && !service::reads_only_as_archivist(&staff_acting(me).actor, row), &v.messages, v.rating.as_ref(), &csrf))
        @if !v.forms.is_empty() {
            section class="card" aria-labelledby="h-forms" {
                h2 id="h-forms" { "Biểu mẫu in" }
                ul { @for f in &v.forms { li { a href={ "/staff/dossiers/" (reference) "/forms/" (f.key) } { (sentence_case(&f.title)) " (Mẫu số " (f.number) ")" } } } }
            }
        }
        @if !v.consultations.is_empty() {
            section aria-labelledby="h-consult" {
                h2 id="h-consult" { "Lấy ý kiến" }
                ul { @for c in &v.consultations { li {
                    strong { (c.agencies) } ": " (c.content) " · hạn " (short_time(Some(&c.due_at)))
                    @match &c.replied_at { Some(at) => { " · đã trả lời " (short_time(Some(at))) ": " (c.reply) }, None => { " · " span class="badge wait" { "chưa trả lời" } } }
                } } }
            }
        }
        @if !v.notices.is_empty() {
            section aria-labelledby="h-notices" {
                h2 id="h-notices" { "Thông báo cho người nộp" }
                ul { @for n in &v.notices { li { (n.subject) " – " (n.recipient) " · " (delivery_state(n)) } } }
            }
        }
        section aria-labelledby="h-history" {
            h2 id="h-history" { "Quá trình xử lý" }
            ol class="history" { @for e in &v.events { li {
                strong { (short_time(Some(&e.at))) } " · " (event_label(&e.action, &e.stage)) " · " (e.actor)
                @if let Some(u) = &e.unit_code { " (" (unit_name(&v.units, Some(u))) ")" }
                " → " (status_badge(e.status))
                @if !e.comment.is_empty() { br; span class="muted" { (e.comment) } }
            } } }
        }
    };
    page(
        &PageContext {
            office: &v.office,
            staff: Some((me, csrf.clone())),
            citizen: None,
        },
        &title,
        body,
    )
}

/// "GIẤY TIẾP NHẬN HỒ SƠ…" as "Giấy tiếp nhận hồ sơ…" for a link.
fn sentence_case(title: &str) -> String {
    let lower = title.to_lowercase();
    let mut chars = lower.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn delivery_state(n: &Notification) -> String {
    match n.state.as_str() {
        "sent" => "đã gửi".to_owned(),
        "failed" => format!("gửi không được: {}", n.last_error),
        _ if n.attempts > 0 => format!("đang thử lại (lần {})", n.attempts),
        _ => "đang chờ gửi".to_owned(),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(super) struct DoneQuery {
    done: String,
}

pub(super) async fn show(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
    Path(reference): Path<String>,
    Query(query): Query<DoneQuery>,
) -> Result<Markup, PageError> {
    let view = load(&state, &me, reference).await?;
    let alert = match query.done.as_str() {
        "" => None,
        "upload" => Some(Alert::Done("Đã tải tệp lên.")),
        "archived" => Some(Alert::Done("Đã ghi nhận hồ sơ đã nộp lưu trữ.")),
        "message" => Some(Alert::Done(
            "Đã gửi tin nhắn; người nộp hồ sơ được báo trên Cổng dịch vụ công.",
        )),
        _ => Some(Alert::Done("Đã thực hiện.")),
    };
    Ok(render(&state, &me, &view, alert, None))
}

pub(super) async fn submit_action(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
    client: Client,
    Path(reference): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let input = actions::parse(&pairs);
    let kind = ActionKind::parse(&input.action);
    // Only dossiers this person may see can be acted on; anything else is "not found".
    let view = load(&state, &me, reference.clone()).await?;
    let ctx = client.context(&me.username);
    let result = service::act(
        &state.db,
        &ctx,
        &dossier_settings(&state),
        &staff_acting(&me),
        &view.row.public_id,
        input,
        None,
    )
    .await;
    match result {
        Ok(row) => {
            let reference = row.code.unwrap_or(row.public_id);
            Ok(Redirect::to(&format!("/staff/dossiers/{reference}?done=1")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            let failed = kind.map(|k| (k, &errors));
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&state, &me, &view, None, failed),
            )
                .into_response())
        }
        Err(ServiceError::Refused(code)) => Ok((
            StatusCode::CONFLICT,
            render(
                &state,
                &me,
                &view,
                Some(Alert::Problem(refusal_message(code))),
                None,
            ),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn upload(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
    client: Client,
    Path(reference): Path<String>,
    form: Upload,
) -> Result<Response, PageError> {
    let view = load(&state, &me, reference).await?;
    let Some(file) = form.file("file") else {
        let errors = errors_for("file", "file.empty");
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            upload_error(&state, &me, &view, &errors),
        )
            .into_response());
    };
    let doc = NewDocument {
        file_name: file.file_name.clone(),
        bytes: file.bytes.clone(),
        kind: form.field("kind"),
        component: form.field("component").parse().ok(),
        confidential: form.field("confidential") == "1",
        certify: form.field("certify") == "1",
    };
    let ctx = client.context(&me.username);
    match documents::attach(
        &state.db,
        state.files.clone(),
        &ctx,
        &staff_acting(&me),
        &view.row.public_id,
        doc,
    )
    .await
    {
        Ok(_) => {
            let reference = view.row.code.clone().unwrap_or(view.row.public_id.clone());
            Ok(Redirect::to(&format!("/staff/dossiers/{reference}?done=upload")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            upload_error(&state, &me, &view, &errors),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

fn errors_for(field: &str, code: &str) -> FieldErrors {
    let mut e = FieldErrors::new();
    e.add(field, code);
    e
}

fn upload_error(
    state: &AppState,
    me: &crate::services::auth::Principal,
    view: &View,
    errors: &FieldErrors,
) -> Markup {
    let message = errors
        .0
        .values()
        .flatten()
        .next()
        .map_or("Tệp không hợp lệ.", |c| field_message(c));
    render(state, me, view, Some(Alert::Problem(message)), None)
}

pub(super) async fn download(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
    Path((reference, id)): Path<(String, i64)>,
) -> Result<Response, PageError> {
    let view = load(&state, &me, reference).await?;
    let document = view
        .documents
        .iter()
        .find(|d| d.id == id)
        .cloned()
        .ok_or(PageError::Service(ServiceError::NotFound))?;
    let dir = state.files.dir.clone();
    let sha = document.sha256.clone();
    let bytes = tokio::task::spawn_blocking(move || crate::filestore::read(&dir, &sha))
        .await
        .map_err(|e| ServiceError::Internal(anyhow::Error::new(e)))?
        .map_err(|e| {
            ServiceError::Internal(anyhow::Error::new(e).context("reading a dossier file"))
        })?;
    Ok(attachment(&document.media_type, &document.file_name, bytes))
}
