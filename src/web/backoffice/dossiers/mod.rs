//! The back office's dossier pages: work queues per role, search by code or applicant, the dossier page with its
//! allowed actions, the counter intake screen and the leader's view of every unit.

mod actions;
mod exchange;
mod intake;
mod leader;
mod page;
mod results;

use axum::Router;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;
use time::OffsetDateTime;

use crate::domain::calendar::{from_local, to_local};
use crate::domain::role::Role;
use crate::services::auth::Principal;
use crate::services::dossiers::{may_see, sees_all};
use crate::store::dossiers::queues::{self, Cursor, QueueFilter};
use crate::store::{StoreError, format_time, settings};

use crate::web::error::PageError;
use crate::web::extract::{StaffSession, staff_acting};
use crate::web::session::csrf_token;
use crate::web::state::AppState;
use crate::web::ui::dossier::queue_table;
use crate::web::ui::layout::{PageContext, page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/dossiers", get(show_queue))
        .route("/staff/dossiers/{reference}", get(page::show))
        .route(
            "/staff/dossiers/{reference}/actions",
            post(page::submit_action),
        )
        .route(
            "/staff/dossiers/{reference}/documents",
            post(page::upload).layer(axum::extract::DefaultBodyLimit::max(
                crate::services::dossiers::documents::MAX_DOCUMENT_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/staff/dossiers/{reference}/documents/{id}",
            get(page::download),
        )
        .route(
            "/staff/dossiers/{reference}/results",
            post(results::create_result).layer(axum::extract::DefaultBodyLimit::max(
                crate::services::dossiers::documents::MAX_DOCUMENT_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/staff/tiep-nhan",
            get(intake::show)
                .post(intake::submit)
                .layer(axum::extract::DefaultBodyLimit::max(
                    intake::MAX_INTAKE_BYTES,
                )),
        )
        .route("/staff/tong-quan", get(leader::show))
        .route(
            "/staff/dossiers/{reference}/messages",
            post(exchange::post_message),
        )
}

const PAGE_SIZE: usize = 50;

/// A queue a staff member can open.
pub(super) struct QueueDef {
    pub key: &'static str,
    pub label: &'static str,
}

/// The queues offered to this person, in the order of their work.
pub(super) fn queues_for(me: &Principal) -> Vec<QueueDef> {
    let mut list = Vec::new();
    let mut add = |key, label| list.push(QueueDef { key, label });
    if me.has_role(Role::Officer) {
        add("new", "Hồ sơ trực tuyến chờ tiếp nhận");
        add("received", "Chờ chuyển xử lý");
        add("ready", "Chờ trả kết quả");
        add("supplement", "Chờ bổ sung");
        add("payment", "Chờ nộp phí, lệ phí");
    }
    if me.has_role(Role::Specialist) {
        add("mine", "Hồ sơ của tôi");
    }
    if me.has_role(Role::Head) && me.unit_code.is_some() {
        add("unit", "Hồ sơ của đơn vị");
    }
    if me.roles.iter().any(|r| *r != Role::Admin) {
        add("due_soon", "Sắp đến hạn");
        add("overdue", "Quá hạn");
    }
    list
}

/// The rows behind a queue key for this person. Staff who do not see every dossier get their unit's (or their
/// own) share of the "due soon" and "overdue" queues.
fn filter_for(
    key: &str,
    me: &Principal,
    now: OffsetDateTime,
    soon: OffsetDateTime,
) -> Option<QueueFilter> {
    let status = |s| QueueFilter {
        status: Some(s),
        ..QueueFilter::default()
    };
    let mut filter = match key {
        "new" => status(1),
        "received" => status(2),
        "supplement" => status(5),
        "payment" => status(6),
        "ready" => status(9),
        "mine" => QueueFilter {
            assignee: Some(me.staff_id.0),
            ..QueueFilter::default()
        },
        "unit" => QueueFilter {
            unit: me.unit_code.clone(),
            ..QueueFilter::default()
        },
        "overdue" => QueueFilter {
            overdue_at: Some(format_time(now)),
            ..QueueFilter::default()
        },
        "due_soon" => QueueFilter {
            due_between: Some((format_time(now), format_time(soon))),
            ..QueueFilter::default()
        },
        _ => return None,
    };
    if matches!(key, "overdue" | "due_soon") && !sees_all(&staff_acting(me).actor) {
        if me.has_role(Role::Head) && me.unit_code.is_some() {
            filter.unit = me.unit_code.clone();
        } else {
            filter.assignee = Some(me.staff_id.0);
        }
    }
    Some(filter)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct QueueQuery {
    queue: String,
    cursor: String,
    q: String,
}

async fn show_queue(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
    Query(query): Query<QueueQuery>,
) -> Result<Markup, PageError> {
    let defs = queues_for(&me);
    if defs.is_empty() {
        return Err(PageError::Service(crate::services::ServiceError::Forbidden));
    }
    let key = if defs.iter().any(|d| d.key == query.queue) {
        query.queue.clone()
    } else {
        defs[0].key.to_owned()
    };
    let now = OffsetDateTime::now_utc();
    let search = query.q.trim().to_owned();
    let cursor = Cursor::decode(&query.cursor);
    let me_for_read = me.clone();
    let key_for_read = key.clone();
    let (office, rows) = state
        .db
        .read(move |c| {
            let office = settings::get_office(c)?;
            if !search.is_empty() {
                let acting = staff_acting(&me_for_read);
                let rows = queues::search(c, &search, 200)?
                    .into_iter()
                    .filter(|r| {
                        let closed = crate::domain::dossier::Stage::parse(&r.stage)
                            .is_some_and(|s| !s.is_active());
                        may_see(&acting.actor, r.unit_code.as_deref(), r.assignee_id, closed)
                    })
                    .take(PAGE_SIZE + 1)
                    .collect();
                return Ok::<_, StoreError>((office, rows));
            }
            let calendar = crate::services::calendar::load(c)?;
            let soon = from_local(calendar.add_working_days(to_local(now), 1));
            let rows = match filter_for(&key_for_read, &me_for_read, now, soon) {
                Some(filter) => queues::page(c, &filter, cursor.as_ref(), PAGE_SIZE)?,
                None => Vec::new(),
            };
            Ok((office, rows))
        })
        .await?;
    let label = defs
        .iter()
        .find(|d| d.key == key)
        .map_or("Hồ sơ", |d| d.label);
    let next = (rows.len() > PAGE_SIZE && query.q.trim().is_empty()).then(|| {
        let last = &rows[PAGE_SIZE - 1];
        Cursor {
            due_at: last.due_at.clone(),
            id: last.id,
        }
        .encode()
    });
    let shown = &rows[..rows.len().min(PAGE_SIZE)];
    let heading = if query.q.trim().is_empty() {
        label.to_owned()
    } else {
        format!("Kết quả tìm “{}”", query.q.trim())
    };
    let body = html! {
        h1 { "Hồ sơ" }
        (queue_nav(&defs, &key))
        form method="get" action="/staff/dossiers" class="search-row" role="search" {
            label for="q" class="visually-hidden" { "Tìm hồ sơ" }
            input id="q" name="q" type="search" value=(query.q) placeholder="Mã hồ sơ, số định danh hoặc tên người nộp";
            button type="submit" { "Tìm" }
        }
        h2 { (heading) }
        @if shown.is_empty() {
            p class="muted" { "Không có hồ sơ nào." }
        } @else {
            (queue_table(&heading, shown, now))
        }
        @if let Some(next) = next {
            p class="pager" { a href={ "/staff/dossiers?" (serde_urlencoded::to_string([("queue", key.as_str()), ("cursor", next.as_str())]).unwrap_or_default()) } { "Trang sau →" } }
        }
    };
    Ok(page(
        &PageContext {
            office: &office,
            staff: Some((&me, csrf_token(&state.mac, &me.token))),
            citizen: None,
        },
        &heading,
        body,
    ))
}

/// The desk's list of this person's queues with how many dossiers each holds (counted up to 100).
pub(super) async fn desk_queues(state: &AppState, me: &Principal) -> Result<Markup, PageError> {
    const CAP: usize = 100;
    let defs = queues_for(me);
    let me_for_read = me.clone();
    let keys: Vec<&'static str> = defs.iter().map(|d| d.key).collect();
    let now = OffsetDateTime::now_utc();
    let counts = state
        .db
        .read(move |c| {
            let calendar = crate::services::calendar::load(c)?;
            let soon = from_local(calendar.add_working_days(to_local(now), 1));
            keys.iter()
                .map(|k| match filter_for(k, &me_for_read, now, soon) {
                    Some(f) => queues::count_capped(c, &f, CAP),
                    None => Ok(0),
                })
                .collect::<Result<Vec<_>, StoreError>>()
        })
        .await?;
    Ok(html! {
        @if !defs.is_empty() {
            h2 { "Hồ sơ cần xử lý" }
            ul class="queues" {
                @for (d, n) in defs.iter().zip(counts) {
                    li { a href={ "/staff/dossiers?queue=" (d.key) } {
                        (d.label) ": " strong { @if n >= CAP { "99+" } @else { (n) } }
                    } }
                }
            }
            @if me.has_role(Role::Officer) { p { a class="button" href="/staff/tiep-nhan" { "Tiếp nhận hồ sơ mới" } } }
        }
    })
}

/// The row of queue links, the current one marked for screen readers too.
pub(super) fn queue_nav(defs: &[QueueDef], current: &str) -> Markup {
    html! {
        nav aria-label="Hàng đợi hồ sơ" {
            ul class="queues" {
                @for d in defs {
                    li { a href={ "/staff/dossiers?queue=" (d.key) } aria-current=[(d.key == current).then_some("page")] { (d.label) } }
                }
            }
        }
    }
}
