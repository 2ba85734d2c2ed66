//! The leader's view (điều hành): today's intake, every unit's load with its overdue and due-soon dossiers, the
//! on-time trend, the slowest procedures and satisfaction (the dashboard sections, `backoffice::dashboard`), then
//! the most overdue dossiers and consultations whose reply is late — read from the partial indexes over active
//! dossiers and the report indexes, never from a cached copy. Leaders see the office, a unit head their unit.

use axum::extract::State;
use maud::{Markup, html};
use time::OffsetDateTime;

use crate::domain::role::Role;
use crate::services::ServiceError;
use crate::services::reports::dashboard::{self as figures, Dashboard};
use crate::services::reports::{ReportScope, scope_of};

use crate::store::dossiers::queues::{self, QueueFilter};
use crate::store::{StoreError, format_time, settings};

use crate::web::error::PageError;
use crate::web::extract::{StaffSession, staff_acting};
use crate::web::session::csrf_token;
use crate::web::state::AppState;
use crate::web::ui::dossier::{queue_table, short_time};
use crate::web::ui::layout::{PageContext, page};

use super::super::dashboard;

pub(super) async fn show(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
) -> Result<Markup, PageError> {
    if !(me.has_role(Role::Leader) || me.has_role(Role::Head)) {
        return Err(PageError::Service(ServiceError::Forbidden));
    }
    let now = OffsetDateTime::now_utc();
    let actor = staff_acting(&me).actor;
    // A head without a unit has no report scope: they keep the lists below, without the figures.
    let scope = scope_of(&actor);
    let unit = match &scope {
        Some(ReportScope::Unit(code)) => Some(code.clone()),
        _ => None,
    };
    let figures = async {
        match scope {
            Some(_) => figures::load(&state.db, &actor, now).await.map(Some),
            None => Ok(None),
        }
    };
    let lists = state.db.read(move |c| {
        let overdue = queues::page(
            c,
            &QueueFilter {
                overdue_at: Some(format_time(now)),
                unit,
                ..QueueFilter::default()
            },
            None,
            20,
        )?;
        let late = queues::late_consultations(c, &format_time(now), 20)?;
        Ok::<_, StoreError>((settings::get_office(c)?, overdue, late))
    });
    let (dash, (office, overdue, late_consultations)): (Option<Dashboard>, _) =
        tokio::try_join!(figures, async { lists.await.map_err(ServiceError::from) })?;
    let body = html! {
        h1 { "Tổng quan điều hành" }
        @if let Some(d) = &dash {
            (dashboard::scope_line(d, me.unit_name.as_deref()))
            (dashboard::intake(d))
            (dashboard::units(d))
        } @else {
            p class="muted" { "Tài khoản chưa gắn với đơn vị nào nên không có số liệu thống kê của đơn vị." }
        }
        h2 { "Hồ sơ quá hạn lâu nhất" }
        @if overdue.is_empty() { p class="muted" { "Không có hồ sơ quá hạn." } } @else { (queue_table("Hồ sơ quá hạn lâu nhất", &overdue[..overdue.len().min(20)], now)) }
        h2 { "Lấy ý kiến quá hạn trả lời" }
        @if late_consultations.is_empty() { p class="muted" { "Không có." } } @else {
            ul { @for (code, agencies, due) in &late_consultations { li {
                a href={ "/staff/dossiers/" (code) } { code { (code) } } " – " (agencies) " – hạn " (short_time(Some(due)))
            } } }
        }
        @if let Some(d) = &dash {
            (dashboard::trend(d))
            (dashboard::slowest(d))
            (dashboard::satisfaction(d))
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
