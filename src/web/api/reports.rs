//! Web layer: `/api/v1/reports/processing`, the processing report as JSON for integrations and the province's
//! dashboards, counted by the same service as the back-office page.

use axum::Json;
use axum::extract::{Query, State};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::domain::FieldErrors;
use crate::services::ServiceError;
use crate::services::auth::Bearer;
use crate::services::reports::processing::{
    self, Breakdown, Counts, Figure, Grouping, ReportQuery,
};
use crate::services::reports::scope_of;

use crate::web::error::ApiError;
use crate::web::extract::{ApiCaller, staff_acting};
use crate::web::state::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Extra {
    group_by: String,
}

fn figures_json(counts: &Counts) -> Value {
    let map: Map<String, Value> = Figure::ALL
        .into_iter()
        .map(|f| (f.key().to_owned(), json!(counts.get(f))))
        .collect();
    Value::Object(map)
}

fn rates_json(counts: &Counts) -> Value {
    let r = counts.rates();
    json!({
        "on_time_rate": r.on_time,
        "online_share": r.online,
        "electronic_result_share": r.electronic,
        "satisfaction": r.satisfaction,
    })
}

fn breakdown_json(b: &Breakdown) -> Value {
    let rows: Vec<Value> = b
        .rows
        .iter()
        .map(|row| {
            let mut item = json!({
                "code": row.key,
                "name": row.name,
                "figures": figures_json(&row.counts),
                "rates": rates_json(&row.counts),
            });
            if b.grouping == Grouping::Procedure {
                item["average_working_days"] = json!(row.average_days);
            }
            item
        })
        .collect();
    let mut out = json!({ "group_by": b.grouping.key(), "rows": rows });
    if b.grouping == Grouping::Procedure {
        out["average_working_days"] = json!(b.average_days);
    }
    out
}

/// `GET /api/v1/reports/processing?from=YYYY-MM-DD&to=YYYY-MM-DD[&agency=&unit=&sector=&procedure=&channel=1|2|3]
/// [&group_by=unit|procedure]` — staff with report rights only (leaders and one-stop officers: the office; unit
/// heads: their unit; anyone else 403). Both dates are required and inclusive office-time days; bad dates or
/// filters are 422 with field codes (`date.required`, `date.invalid`, `report.period_reversed`,
/// `report.period_too_long`, `agency_code.invalid`, `report.agency_unknown`, …, `report.group_by_invalid`).
///
/// The body:
/// - `period`: `{from, to}` as given; `filters`: `{agency, unit, sector, procedure, channel}` (null when unset;
///   a unit head's own unit is applied even when `unit` is absent);
/// - `figures`, dossier counts, each the count of one condition of `store::reports`: `received` (to deal with in
///   the period: received before its end and not ended before its start) = `carried_over` (received before the
///   period) + `received_new` (received in it) = `received_online` + `received_counter` + `received_postal` (the
///   new ones by channel); `resolved` (processing ended with a decision in the period) = `resolved_early` +
///   `resolved_on_time` + `resolved_late` (after the appointment, or asked for more than one supplement, Decision
///   766); `in_progress` (received, not ended at the end of the period) = `in_progress_on_time` +
///   `in_progress_overdue` (appointment passed by the end, clock running); `supplement_requested` (a supplement
///   request in the period); `refused`, `withdrawn`, `stopped` (in the period); `electronic_result` (resolved with a
///   signed electronic result); `complained` (resolved and rated "unsatisfied");
/// - `rates`, percentages with one decimal or null without a denominator: `on_time_rate` (early + on time ÷
///   resolved), `online_share` (online ÷ new), `electronic_result_share` (electronic ÷ resolved), `satisfaction`
///   (100 − late % − complained %, Decision 766);
/// - with `group_by`, `breakdown`: `{group_by, rows: [{code, name, figures, rates[, average_working_days]}]
///   [, average_working_days]}`, the average being office working days (8 hours) from receipt to end of the
///   dossiers resolved in the period.
pub(super) async fn show_processing(
    State(state): State<AppState>,
    ApiCaller(bearer): ApiCaller,
    Query(query): Query<ReportQuery>,
    Query(extra): Query<Extra>,
) -> Result<Json<Value>, ApiError> {
    let Bearer::Staff(me) = &bearer else {
        return Err(ApiError(ServiceError::Forbidden));
    };
    let scope = scope_of(&staff_acting(me).actor).ok_or(ApiError(ServiceError::Forbidden))?;
    let grouping = match extra.group_by.trim() {
        "" => None,
        key => Some(Grouping::parse(key).ok_or_else(|| {
            let mut errors = FieldErrors::new();
            errors.add("group_by", "report.group_by_invalid");
            ApiError(ServiceError::Invalid(errors))
        })?),
    };
    let filter = query
        .parse(None)
        .map_err(|errors| ApiError(ServiceError::Invalid(errors)))?;
    let (report, breakdown) = match grouping {
        Some(g) => {
            let (report, b) = processing::breakdown(&state.db, &scope, filter, g).await?;
            (report, Some(b))
        }
        None => (
            processing::processing_report(&state.db, &scope, filter).await?,
            None,
        ),
    };
    let f = &report.filter;
    let unit = match &scope {
        crate::services::reports::ReportScope::Unit(own) => Some(own.clone()),
        crate::services::reports::ReportScope::Office => f.unit.clone(),
    };
    let mut body = json!({
        "period": {"from": f.period.first.to_string(), "to": f.period.last.to_string()},
        "filters": {
            "agency": f.agency, "unit": unit, "sector": f.sector, "procedure": f.procedure,
            "channel": f.channel.map(|c| c.code()),
        },
        "figures": figures_json(&report.counts),
        "rates": rates_json(&report.counts),
    });
    if let Some(b) = &breakdown {
        body["breakdown"] = breakdown_json(b);
    }
    Ok(Json(body))
}
