//! The leader's view (điều hành): every unit's load, its overdue and due-soon dossiers, consultations whose reply
//! is late, and the most overdue dossiers — read from the partial indexes over active dossiers only.

use axum::extract::State;
use maud::{Markup, html};
use time::OffsetDateTime;

use crate::domain::calendar::{from_local, to_local};
use crate::domain::role::Role;
use crate::services::ServiceError;

use crate::store::dossiers::queues::{self, QueueFilter};
use crate::store::{StoreError, format_time, org, settings};

use crate::web::error::PageError;
use crate::web::extract::StaffSession;
use crate::web::session::csrf_token;
use crate::web::state::AppState;
use crate::web::ui::dossier::{queue_table, short_time};
use crate::web::ui::layout::{PageContext, page, scroll_table};

pub(super) async fn show(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
) -> Result<Markup, PageError> {
    if !(me.has_role(Role::Leader) || me.has_role(Role::Head)) {
        return Err(PageError::Service(ServiceError::Forbidden));
    }
    let now = OffsetDateTime::now_utc();
    let (office, load, units, overdue, late_consultations) = state
        .db
        .read(move |c| {
            let calendar = crate::services::calendar::load(c)?;
            let soon = from_local(calendar.add_working_days(to_local(now), 1));
            let load = queues::unit_load(c, &format_time(now), &format_time(soon))?;
            let overdue = queues::page(
                c,
                &QueueFilter {
                    overdue_at: Some(format_time(now)),
                    ..QueueFilter::default()
                },
                None,
                20,
            )?;
            let late = queues::late_consultations(c, &format_time(now), 20)?;
            Ok::<_, StoreError>((
                settings::get_office(c)?,
                load,
                org::list_units(c)?,
                overdue,
                late,
            ))
        })
        .await?;
    let name_of = |code: &Option<String>| {
        code.as_ref()
            .and_then(|c| units.iter().find(|u| &u.code == c))
            .map_or("Bộ phận một cửa (chưa chuyển)", |u| {
                u.name.as_str()
            })
    };
    let body = html! {
        h1 { "Tổng quan điều hành" }
        h2 { "Hồ sơ đang xử lý theo đơn vị" }
        @if load.is_empty() { p class="muted" { "Không có hồ sơ đang xử lý." } } @else { (scroll_table("Hồ sơ đang xử lý theo đơn vị", html! {
            table {
                thead { tr { th scope="col" { "Đơn vị" } th scope="col" { "Đang xử lý" } th scope="col" { "Sắp đến hạn" } th scope="col" { "Quá hạn" } } }
                tbody { @for l in &load { tr {
                    td { (name_of(&l.unit_code)) }
                    td { (l.active) }
                    td { (l.due_soon) }
                    td { @if l.overdue > 0 { span class="badge bad" { (l.overdue) } } @else { "0" } }
                } } }
            }
        })) }
        h2 { "Hồ sơ quá hạn lâu nhất" }
        @if overdue.is_empty() { p class="muted" { "Không có hồ sơ quá hạn." } } @else { (queue_table("Hồ sơ quá hạn lâu nhất", &overdue[..overdue.len().min(20)], now)) }
        h2 { "Lấy ý kiến quá hạn trả lời" }
        @if late_consultations.is_empty() { p class="muted" { "Không có." } } @else {
            ul { @for (code, agencies, due) in &late_consultations { li {
                a href={ "/staff/dossiers/" (code) } { code { (code) } } " – " (agencies) " – hạn " (short_time(Some(due)))
            } } }
        }
    };
    Ok(page(
        &PageContext {
            office: &office,
            staff: Some((&me, csrf_token(&state.mac, &me.token))),
            citizen: None,
        },
        "Tổng quan điều hành",
        body,
    ))
}
