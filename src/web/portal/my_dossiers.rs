//! "Hồ sơ của tôi" (portal function m, and the signed-in tier of the lookup): a citizen's dossiers with the same
//! public status staff see, each with its progress down to the unit that holds it, the history, the papers and
//! results to download, the conversation with the office, and what the citizen may do next (supplement,
//! withdraw, rate). Someone else's dossier does not exist here, by id or by code.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

use crate::domain::dossier::{ActionKind, Stage, available};

use crate::domain::eform::FormField;
use crate::domain::rating::{CRITERIA, INDICES, LEVELS, level_label};
use crate::services::ServiceError;
use crate::services::citizens::{CitizenPrincipal, owner_acting};
use crate::services::dossiers::may_read;
use crate::services::results::results_of;
use crate::services::{ratings, submissions};
use crate::store::citizens::notices;
use crate::store::dossiers::messages::{self, MessageRow};
use crate::store::dossiers::{self, DocumentRow, DossierRow, EventRow};
use crate::store::org;
use crate::store::ratings::RatingRow;
use crate::store::results::ResultRow;
use crate::web::download::attachment;
use crate::web::error::PageError;
use crate::web::extract::CitizenSession;
use crate::web::session::csrf_token;
use crate::web::state::AppState;
use crate::web::ui::dossier::{event_label, long_time, overdue_flag, short_time, status_badge};
use crate::web::ui::form::csrf_input;
use crate::web::ui::layout::scroll_table;

use super::citizen_page::citizen_page;
use super::submit::delivery_label;

const PAGE_SIZE: i64 = 30;

/// The reference a citizen's links use: the code once issued, the public id before.
pub fn reference(row: &DossierRow) -> &str {
    row.code.as_deref().unwrap_or(&row.public_id)
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    truoc: Option<i64>,
    #[serde(default)]
    registered: Option<String>,
}

/// `GET /ho-so-cua-toi`.
pub async fn show_list(
    State(state): State<AppState>,
    CitizenSession(me): CitizenSession,
    Query(q): Query<ListQuery>,
) -> Result<Markup, PageError> {
    let owner = me.owner_ref();
    let before = q.truoc;
    let rows = state
        .db
        .read(move |c| dossiers::of_owner(c, &owner, before, PAGE_SIZE + 1))
        .await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    let rows = &rows[..rows.len().min(PAGE_SIZE as usize)];
    let drafts = submissions::list(&state.db, &me).await?;
    let now = time::OffsetDateTime::now_utc();
    let body = html! {
        h1 { "Hồ sơ của tôi" }
        @if q.registered.is_some() {
            div class="alert success" role="status" { "Đăng ký tài khoản thành công. Chào mừng " (me.full_name) "!" }
        }
        p { a class="button" href="/thu-tuc?service=full" { "Nộp hồ sơ trực tuyến" } " "
            a href="/kho-du-lieu" { "Kho dữ liệu của tôi" } }
        @if !drafts.is_empty() {
            section aria-labelledby="drafts" {
                h2 id="drafts" { "Hồ sơ nháp" }
                ul {
                    @for d in &drafts {
                        li { a href={ "/ho-so-nhap/" (d.public_id) "?buoc=to-khai" } { (d.procedure_name) } " – lưu lúc " (short_time(Some(&d.updated_at))) }
                    }
                }
            }
        }
        section aria-labelledby="sent" {
            h2 id="sent" { "Hồ sơ đã nộp" }
            @if rows.is_empty() {
                p { "Ông/Bà chưa có hồ sơ nào. Chọn thủ tục trong " a href="/thu-tuc" { "danh mục thủ tục hành chính" } " để nộp trực tuyến." }
            } @else {
                (scroll_table("Hồ sơ đã nộp", html! {
                    table class="queue" {
                        thead { tr { th scope="col" { "Mã hồ sơ" } th scope="col" { "Thủ tục" } th scope="col" { "Ngày nộp" } th scope="col" { "Trạng thái" } th scope="col" { "Hẹn trả" } } }
                        tbody {
                            @for r in rows {
                                tr {
                                    td data-label="Mã hồ sơ" { a href={ "/ho-so-cua-toi/" (reference(r)) } { (r.code.as_deref().unwrap_or("Chờ cấp mã")) } }
                                    td data-label="Thủ tục" { (r.procedure_name) }
                                    td data-label="Ngày nộp" { (short_time(Some(&r.submitted_at))) }
                                    td data-label="Trạng thái" { (status_badge(r.status)) " " (overdue_flag(r.status, r.due_at.as_deref(), now)) }
                                    td data-label="Hẹn trả" { (short_time(r.due_at.as_deref())) }
                                }
                            }
                        }
                    }
                }))
                @if more { @if let Some(last) = rows.last() { p { a href={ "/ho-so-cua-toi?truoc=" (last.id) } { "Hồ sơ cũ hơn" } } } }
            }
        }
    };
    citizen_page(&state, &me, "Hồ sơ của tôi", body).await
}

/// A dossier of the signed-in citizen, or "not found" for anything else.
pub async fn own_dossier(
    state: &AppState,
    me: &CitizenPrincipal,
    reference: String,
) -> Result<DossierRow, PageError> {
    let row = state
        .db
        .read(move |c| dossiers::find(c, &reference))
        .await?
        .ok_or(ServiceError::NotFound)?;
    if may_read(&owner_acting(me), &row) {
        Ok(row)
    } else {
        Err(ServiceError::NotFound.into())
    }
}

/// Everything the dossier page shows.
struct Detail {
    row: DossierRow,
    events: Vec<EventRow>,
    documents: Vec<DocumentRow>,
    messages: Vec<MessageRow>,
    results: Vec<ResultRow>,
    rating: Option<RatingRow>,
    unit_name: Option<String>,
    form: Vec<FormField>,
    places: std::collections::BTreeMap<String, String>,
    revisions: usize,
}

async fn detail(
    state: &AppState,
    me: &CitizenPrincipal,
    reference: String,
) -> Result<Detail, PageError> {
    let row = own_dossier(state, me, reference).await?;
    let (id, unit) = (row.id, row.unit_code.clone());
    crate::services::citizens::mark_notices_read(&state.db, me.citizen_id, Some(id)).await?;
    let procedure = (row.procedure_code.clone(), row.procedure_version);
    let answers: Value = serde_json::from_str(&row.form_data).unwrap_or(Value::Null);
    let (events, documents, msgs, unit_name, form, places, revisions) = state
        .db
        .read(move |c| {
            let form = crate::store::procedures::version(c, &procedure.0, procedure.1)?
                .map(|v| v.body.form)
                .unwrap_or_default();
            let places = super::answers::place_names(c, &form, &answers)?;
            let unit_name = match unit {
                Some(u) => org::list_units(c)?
                    .into_iter()
                    .find(|x| x.code == u)
                    .map(|x| x.name),
                None => None,
            };
            Ok::<_, crate::store::StoreError>((
                dossiers::events(c, id)?,
                dossiers::documents(c, id)?,
                messages::messages(c, id)?,
                unit_name,
                form,
                places,
                messages::revisions(c, id)?.len(),
            ))
        })
        .await?;
    Ok(Detail {
        results: results_of(&state.db, row.id).await?,
        rating: ratings::of(&state.db, row.id).await?,
        row,
        events,
        documents,
        messages: msgs,
        unit_name,
        form,
        places,
        revisions,
    })
}

/// Actions whose comment is addressed to the applicant and so shown to them; internal notes are not.
fn comment_for_applicant(action: &str) -> bool {
    matches!(
        action,
        "request_supplement"
            | "refuse"
            | "extend"
            | "stop"
            | "request_payment"
            | "reject"
            | "withdraw"
    )
}

#[derive(Deserialize, Default)]
pub struct DetailQuery {
    #[serde(rename = "da-nop", default)]
    submitted: Option<String>,
    #[serde(default)]
    done: Option<String>,
}

/// `GET /ho-so-cua-toi/{ref}`.
pub async fn show(
    State(state): State<AppState>,
    CitizenSession(me): CitizenSession,
    Path(reference): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Result<Markup, PageError> {
    let d = detail(&state, &me, reference).await?;
    let counted_from = match q.submitted {
        Some(_) => official_receipt(&state, &d.row.submitted_at).await?,
        None => None,
    };
    let notice = match (q.submitted.is_some(), q.done.as_deref()) {
        (true, _) => Some(format!(
            "Hồ sơ đã được gửi lúc {}. Trạng thái: Mới đăng ký. {}Cơ quan sẽ kiểm tra và thông báo việc tiếp nhận qua thư điện tử, tin nhắn và trên Cổng.",
            long_time(Some(&d.row.submitted_at)),
            counted_from
                .map(|t| format!(
                    "Hồ sơ nộp ngoài giờ làm việc được tính từ {}. ",
                    crate::domain::timefmt::long_form(t)
                ))
                .unwrap_or_default()
        )),
        (_, Some("message")) => Some("Đã gửi tin nhắn.".to_owned()),
        (_, Some("supplement")) => {
            Some("Đã nộp bổ sung hồ sơ. Mã hồ sơ không thay đổi.".to_owned())
        }
        (_, Some("withdraw")) => Some("Đã gửi yêu cầu rút hồ sơ.".to_owned()),
        (_, Some("rating")) => Some("Cảm ơn Ông/Bà đã đánh giá.".to_owned()),
        _ => None,
    };
    render(&state, &me, &d, notice.as_deref()).await
}

/// When an online submission outside office hours counts as received (Decree 45/2020: the next working moment), or
/// `None` when it was sent during office hours.
async fn official_receipt(
    state: &AppState,
    submitted_at: &str,
) -> Result<Option<time::PrimitiveDateTime>, PageError> {
    let Some(at) = crate::store::parse_time(submitted_at).map(crate::domain::calendar::to_local)
    else {
        return Ok(None);
    };
    let calendar = state.db.read(crate::services::calendar::load).await?;
    let counted = calendar.next_working_moment(at);
    Ok((counted != at).then_some(counted))
}

async fn render(
    state: &AppState,
    me: &CitizenPrincipal,
    d: &Detail,
    notice: Option<&str>,
) -> Result<Markup, PageError> {
    let row = &d.row;
    let now = time::OffsetDateTime::now_utc();
    let csrf = csrf_token(&state.mac, &me.token);
    let link = format!("/ho-so-cua-toi/{}", reference(row));
    let stage = Stage::parse(&row.stage);
    let actions = stage
        .map(|s| {
            available(
                s,
                row.unit_code.as_deref(),
                row.assignee_id,
                false,
                &owner_acting(me).actor,
            )
        })
        .unwrap_or_default();
    let supplement_request = d
        .events
        .iter()
        .rev()
        .find(|e| e.action == "request_supplement");
    let answers: Value = serde_json::from_str(&row.form_data).unwrap_or(Value::Null);
    let rating_until = ratings::window(row, now);
    let body = html! {
        h1 { @match &row.code { Some(code) => { "Hồ sơ " (code) }, None => { "Hồ sơ chờ tiếp nhận" } } }
        @if let Some(n) = notice { div class="alert success" role="status" { (n) } }
        section class="card" aria-labelledby="summary" {
            h2 id="summary" { (row.procedure_name) }
            dl {
                dt { "Trạng thái" } dd { (status_badge(row.status)) " " (overdue_flag(row.status, row.due_at.as_deref(), now)) }
                @if row.code.is_none() { dt { "Mã hồ sơ" } dd { "Được cấp khi cơ quan tiếp nhận hồ sơ" } }
                dt { "Nộp lúc" } dd { (long_time(Some(&row.submitted_at))) }
                @if row.received_at.is_some() { dt { "Tiếp nhận lúc" } dd { (long_time(row.received_at.as_deref())) } }
                @if row.due_at.is_some() { dt { "Hẹn trả kết quả" } dd { (long_time(row.due_at.as_deref())) } }
                @if let Some(u) = &d.unit_name { @if row.active { dt { "Đang xử lý tại" } dd { (u) } } }
                dt { "Nhận kết quả" } dd { (delivery_label(&row.delivery)) }
            }
        }
        @if row.stage == "supplement" {
            section class="card alert" aria-labelledby="sup" {
                h2 id="sup" { "Cơ quan yêu cầu bổ sung hồ sơ" }
                @if let Some(e) = supplement_request {
                    p { (e.comment) }
                    (supplement_items(&e.data))
                }
                p { a class="button" href={ (link) "/bo-sung" } { "Bổ sung hồ sơ trực tuyến" } }
            }
        }
        @if !d.results.is_empty() {
            section class="card" aria-labelledby="results" {
                h2 id="results" { "Kết quả giải quyết điện tử" }
                ul {
                    @for r in &d.results {
                        li {
                            a href={ (link) "/tep/" (r.document_id) } { "Tải kết quả: " (r.file_name) }
                            " – mã xác thực " a href={ "/xac-thuc-ket-qua/" (r.verify_code) } { code { (r.verify_code) } }
                            " (ký số lúc " (short_time(Some(&r.signed_at))) ")"
                        }
                    }
                }
            }
        }
        @if let Some(until) = rating_until {
            (rating_form(&link, &csrf, d.rating.as_ref(), until))
        } @else if let Some(r) = &d.rating {
            section class="card" { h2 { "Đánh giá của Ông/Bà" } p { (level_label(&r.overall)) } }
        }
        section class="card" aria-labelledby="papers" {
            h2 id="papers" { "Giấy tờ đã nộp" }
            @let papers: Vec<&DocumentRow> = d.documents.iter().filter(|x| x.kind == "submitted").collect();
            @if papers.is_empty() { p { "Không có tệp đính kèm." } }
            ul { @for doc in papers { li { a href={ (link) "/tep/" (doc.id) } { (doc.file_name) } " – " (short_time(Some(&doc.uploaded_at))) } } }
        }
        @if !d.form.is_empty() {
            details class="card" {
                summary { "Nội dung tờ khai" @if d.revisions > 0 { " (đã sửa " (d.revisions) " lần khi bổ sung)" } }
                (super::answers::answers_table(&d.form, &answers, &d.places))
            }
        }
        section class="card" aria-labelledby="history" {
            h2 id="history" { "Quá trình xử lý" }
            ol class="timeline" {
                @for e in &d.events {
                    li {
                        time { (short_time(Some(&e.at))) } " – " strong { (event_label(&e.action, &e.stage)) }
                        @if let Some(s) = crate::domain::dossier::Status::from_code(e.status) { " · " (s.name()) }
                        @if comment_for_applicant(&e.action) && !e.comment.is_empty() { br; span class="muted" { (e.comment) } }
                    }
                }
            }
        }
        (messages_section(&link, &csrf, &d.messages))
        @if actions.contains(&ActionKind::Withdraw) {
            section class="card" aria-labelledby="withdraw" {
                h2 id="withdraw" { "Rút hồ sơ" }
                form method="post" action={ (link) "/rut" } {
                    (csrf_input(&csrf))
                    div class="field" {
                        label for="w-reason" { "Lý do rút hồ sơ" }
                        input id="w-reason" name="reason" type="text" maxlength="500";
                    }
                    div class="choice" {
                        input id="w-confirm" type="checkbox" name="confirm" value="1" required;
                        label for="w-confirm" { "Tôi xác nhận muốn rút hồ sơ này; hồ sơ sẽ dừng giải quyết." }
                    }
                    button type="submit" class="danger" { "Rút hồ sơ" }
                }
            }
        }
        p { a href="/ho-so-cua-toi" { "← Danh sách hồ sơ của tôi" } }
    };
    citizen_page(state, me, "Hồ sơ của tôi", body).await
}

fn supplement_items(data: &str) -> Markup {
    let items: Vec<String> = serde_json::from_str::<Value>(data)
        .ok()
        .and_then(|v| v.get("items").cloned())
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    html! { @if !items.is_empty() { ul { @for i in &items { li { (i) } } } } }
}

fn messages_section(link: &str, csrf: &str, msgs: &[MessageRow]) -> Markup {
    html! {
        section class="card" aria-labelledby="messages" {
            h2 id="messages" { "Trao đổi với cơ quan giải quyết" }
            @if msgs.is_empty() { p class="muted" { "Chưa có tin nhắn." } }
            ol class="messages" {
                @for m in msgs {
                    li class={ "message " (m.author_kind) } {
                        p class="meta" { strong { @if m.author_kind == "staff" { "Cơ quan" } @else { "Ông/Bà" } } " – " (short_time(Some(&m.created_at))) }
                        p { (m.body) }
                    }
                }
            }
            form method="post" action={ (link) "/tin-nhan" } {
                (csrf_input(csrf))
                div class="field" {
                    label for="m-body" { "Nội dung tin nhắn" }
                    textarea id="m-body" name="body" rows="3" maxlength="4000" required {}
                }
                button type="submit" { "Gửi tin nhắn" }
            }
        }
    }
}

fn rating_form(
    link: &str,
    csrf: &str,
    current: Option<&RatingRow>,
    until: time::OffsetDateTime,
) -> Markup {
    let criteria: std::collections::BTreeMap<String, String> = current
        .and_then(|r| serde_json::from_str(&r.criteria).ok())
        .unwrap_or_default();
    let indices: std::collections::BTreeMap<String, u8> = current
        .and_then(|r| serde_json::from_str(&r.indices).ok())
        .unwrap_or_default();
    let overall = current.map_or("", |r| r.overall.as_str());
    html! {
        section class="card" aria-labelledby="rating" {
            h2 id="rating" { "Đánh giá sự hài lòng" }
            p class="muted" { @if current.is_some() { "Ông/Bà đã đánh giá; có thể sửa đến hết " } @else { "Ông/Bà có thể đánh giá đến hết " } (long_time(Some(&crate::store::format_time(until - time::Duration::minutes(1))))) "." }
            form method="post" action={ (link) "/danh-gia" } {
                (csrf_input(csrf))
                fieldset {
                    legend { "Mức độ hài lòng chung (bắt buộc)" }
                    @for (key, label) in LEVELS {
                        div class="choice" {
                            input type="radio" id={ "o-" (key) } name="overall" value=(key) required checked[overall == key];
                            label for={ "o-" (key) } { (label) }
                        }
                    }
                }
                details {
                    summary { "Đánh giá chi tiết (không bắt buộc)" }
                    @for (key, label) in CRITERIA {
                        fieldset {
                            legend { (label) }
                            @for (level, text) in LEVELS {
                                div class="choice" {
                                    input type="radio" id={ "c-" (key) "-" (level) } name={ "criteria." (key) } value=(level)
                                        checked[criteria.get(key).map(String::as_str) == Some(level)];
                                    label for={ "c-" (key) "-" (level) } { (text) }
                                }
                            }
                        }
                    }
                    @for (key, label, meanings) in INDICES {
                        fieldset {
                            legend { (label) }
                            @for (score, text) in [2u8, 1, 0].into_iter().zip(meanings) {
                                div class="choice" {
                                    input type="radio" id={ "i-" (key) "-" (score) } name={ "index." (key) } value=(score)
                                        checked[indices.get(key) == Some(&score)];
                                    label for={ "i-" (key) "-" (score) } { (text) " (" (score) " điểm)" }
                                }
                            }
                        }
                    }
                    div class="field" {
                        label for="r-comment" { "Ý kiến khác" }
                        textarea id="r-comment" name="comment" rows="2" maxlength="1000" { (current.map_or("", |r| r.comment.as_str())) }
                    }
                }
                button type="submit" { @if current.is_some() { "Cập nhật đánh giá" } @else { "Gửi đánh giá" } }
            }
        }
    }
}

/// `GET /ho-so-cua-toi/{ref}/tep/{id}`: a paper the citizen submitted or a result issued to them.
pub async fn download(
    State(state): State<AppState>,
    CitizenSession(me): CitizenSession,
    Path((reference, id)): Path<(String, i64)>,
) -> Result<Response, PageError> {
    let row = own_dossier(&state, &me, reference).await?;
    let dossier = row.id;
    let document = state
        .db
        .read(move |c| dossiers::documents(c, dossier))
        .await?
        .into_iter()
        .find(|d| d.id == id && matches!(d.kind.as_str(), "submitted" | "result"))
        .ok_or(ServiceError::NotFound)?;
    let (dir, sha) = (state.files.dir.clone(), document.sha256.clone());
    let bytes = tokio::task::spawn_blocking(move || crate::filestore::read(&dir, &sha))
        .await
        .map_err(|e| ServiceError::Internal(anyhow::Error::new(e)))?
        .map_err(|e| {
            ServiceError::Internal(anyhow::Error::new(e).context("reading a dossier file"))
        })?;
    Ok(attachment(&document.media_type, &document.file_name, bytes))
}

/// `GET /thong-bao`: the bell's list; opening it marks everything read.
pub async fn show_notices(
    State(state): State<AppState>,
    CitizenSession(me): CitizenSession,
) -> Result<Markup, PageError> {
    let id = me.citizen_id;
    let list = state.db.read(move |c| notices::recent(c, id, 100)).await?;
    crate::services::citizens::mark_notices_read(&state.db, id, None).await?;
    let body = html! {
        h1 { "Thông báo" }
        @if list.is_empty() { p { "Chưa có thông báo nào." } }
        ul class="notices" {
            @for n in &list {
                li class=[(!n.read).then_some("unread")] {
                    @if !n.read { span class="badge" { "Mới" } " " }
                    a href={ "/ho-so-cua-toi/" (n.dossier_ref) } { (n.body) }
                    " " span class="muted" { (short_time(Some(&n.created_at))) }
                }
            }
        }
    };
    citizen_page(&state, &me, "Thông báo", body).await
}

/// `GET /kho-du-lieu`: the citizen's document store (papers and results of earlier dossiers).
pub async fn show_store(
    State(state): State<AppState>,
    CitizenSession(me): CitizenSession,
) -> Result<Markup, PageError> {
    let files = submissions::document_store(&state.db, &me).await?;
    let body = html! {
        h1 { "Kho dữ liệu của tôi" }
        p { "Giấy tờ Ông/Bà đã nộp và kết quả đã nhận; có thể dùng lại khi nộp hồ sơ mới mà không phải tải lên lần nữa." }
        @if files.is_empty() { p { "Kho dữ liệu chưa có tệp nào." } }
        ul {
            @for f in &files {
                li {
                    a href={ "/ho-so-cua-toi/" (f.dossier_code) "/tep/" (f.document_id) } { (f.file_name) }
                    " – " @if f.kind == "result" { "kết quả" } @else { "giấy tờ" } " hồ sơ " (f.dossier_code) " (" (f.procedure_name) ")"
                }
            }
        }
    };
    citizen_page(&state, &me, "Kho dữ liệu", body).await
}
