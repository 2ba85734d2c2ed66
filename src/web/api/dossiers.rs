//! `/api/v1/dossiers`: intake, work queues and search, one dossier with its history, documents and actions, and
//! the public lookup. Every handler calls the same services as the back-office pages.

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::domain::calendar::to_local;
use crate::domain::dossier::{Actor, Channel, Stage, Status, available};
use crate::search::SnippetSource;
use crate::services::ServiceError;
use crate::services::auth::Bearer;
use crate::services::dossier_search::{self, DossierSearch};
use crate::services::dossiers::documents::{self, NewDocument};
use crate::services::dossiers::{
    self as dossier_service, Acting, IntakeInput, is_overdue, sees_all,
};
use crate::store::dossiers::queues::{self, Cursor, QueueFilter, QueueRow};
use crate::store::dossiers::{self, DossierRow};
use crate::store::idempotency::IdempotencyKey;
use crate::store::{StoreError, format_time, parse_time};

use crate::services::citizens::owner_acting;
use crate::web::error::ApiError;
use crate::web::extract::{ApiCaller, Client, dossier_settings, staff_acting};
use crate::web::state::AppState;

/// The acting party for a bearer: staff act as themselves; an integration with the `intake` scope relays the
/// applicant, one with `read` only reads.
fn acting_for(bearer: &Bearer) -> Acting {
    match bearer {
        Bearer::Staff(p) => staff_acting(p),
        Bearer::Citizen(p) => owner_acting(p),
        Bearer::Integration(i) => Acting {
            actor: if i.scope == "intake" {
                Actor::Integration
            } else {
                Actor::Stranger
            },
            name: i.name.clone(),
            reference: format!("token:{}", i.name),
            unit: None,
        },
    }
}

fn caller_name(bearer: &Bearer) -> String {
    match bearer {
        Bearer::Staff(p) => p.username.clone(),
        Bearer::Citizen(p) => p.owner_ref(),
        Bearer::Integration(i) => format!("token:{}", i.name),
    }
}

/// The `Idempotency-Key` header with the caller and the body's hash.
fn idempotency(
    headers: &HeaderMap,
    bearer: &Bearer,
    body: &[u8],
) -> Result<Option<IdempotencyKey>, ApiError> {
    let Some(raw) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = raw
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 200)
        .ok_or_else(|| {
            ApiError(ServiceError::field(
                "Idempotency-Key",
                "idempotency.invalid",
            ))
        })?;
    Ok(Some(IdempotencyKey {
        caller: caller_name(bearer),
        key: key.to_owned(),
        request_hash: crate::crypto::sha256_hex(body),
    }))
}

fn time_json(text: Option<&str>) -> Value {
    match text.and_then(parse_time) {
        Some(t) => json!(format_time(t)),
        None => Value::Null,
    }
}

fn status_json(code: i64) -> Value {
    match Status::from_code(code) {
        Some(s) => json!({"code": s.code(), "name": s.name()}),
        None => Value::Null,
    }
}

/// A dossier as api.md shows it, with its events and documents and the actions the caller may take now.
fn dossier_json(
    conn: &rusqlite::Connection,
    row: &DossierRow,
    acting: &Acting,
) -> Result<Value, StoreError> {
    let now = time::OffsetDateTime::now_utc();
    let events: Vec<Value> = dossiers::events(conn, row.id)?
        .into_iter()
        .map(|e| {
            json!({
                "at": format_time(parse_time(&e.at).unwrap_or(now)),
                "actor": e.actor,
                "unit": e.unit_code,
                "action": e.action,
                "stage": e.stage,
                "status": status_json(e.status),
                "comment": e.comment,
                "data": serde_json::from_str::<Value>(&e.data).unwrap_or(Value::Null),
            })
        })
        .collect();
    let assignee = match row.assignee_id {
        Some(id) => crate::store::staff::get(conn, crate::domain::ids::StaffId(id))
            .ok()
            .map(|s| s.full_name),
        None => None,
    };
    let stage = Stage::parse(&row.stage);
    let step = stage.filter(|s| s.is_active()).map(|s| {
        json!({
            "name": s.label(),
            "stage": s.as_str(),
            "unit": row.unit_code,
            "assignee": assignee,
            "due_at": time_json(row.step_due_at.as_deref()),
        })
    });
    let immediate = dossier_service::immediate_for(conn, row)?;
    let actions: Vec<&str> = stage
        .map(|s| {
            available(
                s,
                row.unit_code.as_deref(),
                row.assignee_id,
                immediate,
                &acting.actor,
            )
        })
        .unwrap_or_default()
        .into_iter()
        .map(|k| k.as_str())
        .collect();
    Ok(json!({
        "id": row.public_id,
        "code": row.code,
        "procedure": {"code": row.procedure_code, "name": row.procedure_name, "version": row.procedure_version},
        "agency": row.agency_code,
        "channel": row.channel,
        "applicant": {
            "kind": row.applicant_kind, "name": row.applicant_name, "id_number": row.applicant_id_number,
            "phone": row.applicant_phone, "email": row.applicant_email, "address": row.applicant_address,
        },
        "subject": row.subject,
        "sets": row.sets,
        "form_data": serde_json::from_str::<Value>(&row.form_data).unwrap_or(Value::Null),
        "delivery": {"method": row.delivery, "address": row.delivery_address},
        "status": status_json(row.status),
        "step": step,
        "submitted_at": time_json(Some(&row.submitted_at)),
        "received_at": time_json(row.received_at.as_deref()),
        "due_at": time_json(row.due_at.as_deref()),
        "original_due_at": time_json(row.original_due_at.as_deref()),
        "transfer_due_at": time_json(row.transfer_due_at.as_deref()),
        "overdue": is_overdue(row.status, row.due_at.as_deref(), now),
        "extended": row.extended,
        "outcome": row.outcome,
        "decision": row.decision,
        "fee_due_vnd": row.fee_due_vnd,
        "register": {"year": row.register_year, "number": row.register_no},
        "components": dossiers::components(conn, row.id)?,
        "documents": dossiers::documents(conn, row.id)?,
        "consultations": dossiers::consultations(conn, row.id)?,
        "events": events,
        "archived": dossiers::archive::archive_state(conn, row.id)?
            .map(|(at, by)| json!({"at": time_json(Some(&at)), "by": by})),
        "allowed_actions": actions,
    }))
}

async fn render(state: &AppState, row: DossierRow, acting: Acting) -> Result<Value, ApiError> {
    Ok(state
        .db
        .read(move |c| dossier_json(c, &row, &acting))
        .await?)
}

/// `POST /api/v1/dossiers`: staff open counter and postal dossiers (usually with `"then": {"action":
/// "receive"}`); integrations with the `intake` scope submit online ones.
pub async fn create(
    State(state): State<AppState>,
    ApiCaller(bearer): ApiCaller,
    client: Client,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let acting = acting_for(&bearer);
    if matches!(acting.actor, Actor::Stranger) {
        return Err(ApiError(ServiceError::Forbidden));
    }
    let input: IntakeInput = serde_json::from_slice(&body)
        .map_err(|_| ApiError(ServiceError::field("body", "json.invalid")))?;
    let idem = idempotency(&headers, &bearer, &body)?;
    let ctx = client.context(&caller_name(&bearer));
    let row = dossier_service::intake(
        &state.db,
        &ctx,
        &dossier_settings(&state),
        &acting,
        input,
        idem,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(render(&state, row, acting).await?),
    ))
}

/// Loads a dossier the caller may see; anything else is "not found", so codes cannot be probed.
async fn visible(
    state: &AppState,
    acting: &Acting,
    reference: String,
) -> Result<DossierRow, ApiError> {
    let row = state
        .db
        .read(move |c| dossiers::find(c, &reference))
        .await?
        .ok_or(ApiError(ServiceError::NotFound))?;
    if dossier_service::may_read(acting, &row) {
        Ok(row)
    } else {
        Err(ApiError(ServiceError::NotFound))
    }
}

fn may_read(bearer: &Bearer) -> bool {
    match bearer {
        Bearer::Staff(p) => p
            .roles
            .iter()
            .any(|r| *r != crate::domain::role::Role::Admin),
        Bearer::Citizen(_) => true,
        Bearer::Integration(i) => matches!(i.scope.as_str(), "read" | "intake"),
    }
}

/// `GET /api/v1/dossiers/{ref}`.
pub async fn show(
    State(state): State<AppState>,
    ApiCaller(bearer): ApiCaller,
    Path(reference): Path<String>,
) -> Result<Json<Value>, ApiError> {
    if !may_read(&bearer) {
        return Err(ApiError(ServiceError::Forbidden));
    }
    let acting = acting_for(&bearer);
    // A read-only integration reads what an intake integration reads, but may take no action.
    let viewer = Acting {
        actor: match &acting.actor {
            Actor::Stranger => Actor::Integration,
            other => other.clone(),
        },
        ..acting.clone()
    };
    let row = visible(&state, &viewer, reference).await?;
    Ok(Json(render(&state, row, acting).await?))
}

/// `POST /api/v1/dossiers/{ref}/actions`.
pub async fn act(
    State(state): State<AppState>,
    ApiCaller(bearer): ApiCaller,
    client: Client,
    headers: HeaderMap,
    Path(reference): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let acting = acting_for(&bearer);
    let input = serde_json::from_slice(&body)
        .map_err(|_| ApiError(ServiceError::field("body", "json.invalid")))?;
    let row = visible(&state, &acting, reference).await?;
    let idem = idempotency(&headers, &bearer, &body)?;
    let ctx = client.context(&caller_name(&bearer));
    let row = dossier_service::act(
        &state.db,
        &ctx,
        &dossier_settings(&state),
        &acting,
        &row.public_id,
        input,
        idem,
    )
    .await?;
    Ok(Json(render(&state, row, acting).await?))
}

/// `POST /api/v1/dossiers/{ref}/archive`: an archivist records that a closed dossier was handed to the archives
/// ("Đã nộp lưu"); answers the dossier with `archived`. 409 `archive.still_open` or `archive.already_archived`.
pub async fn archive(
    State(state): State<AppState>,
    ApiCaller(bearer): ApiCaller,
    client: Client,
    headers: HeaderMap,
    Path(reference): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let acting = acting_for(&bearer);
    let idem = idempotency(&headers, &bearer, &body)?;
    let ctx = client.context(&caller_name(&bearer));
    let row = dossier_service::archive::mark_archived(
        &state.db,
        &ctx,
        &acting,
        &reference,
        state.config.archive.default_retention_years,
        idem,
    )
    .await?;
    Ok(Json(render(&state, row, acting).await?))
}

/// A multipart flag: `true`, `1` or `yes`.
fn is_yes(text: &str) -> bool {
    matches!(
        text.trim().to_ascii_lowercase().as_str(),
        "true" | "1" | "yes"
    )
}

/// `POST /api/v1/dossiers/{ref}/documents`: multipart with `file`, optional `component` and `kind`, and the staff
/// flags `certified` (an electronic copy matching the paper original) and `confidential` (kept out of search).
pub async fn upload(
    State(state): State<AppState>,
    ApiCaller(bearer): ApiCaller,
    client: Client,
    Path(reference): Path<String>,
    mut multipart: Multipart,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let acting = acting_for(&bearer);
    if matches!(acting.actor, Actor::Stranger) {
        return Err(ApiError(ServiceError::Forbidden));
    }
    let row = visible(&state, &acting, reference).await?;
    let mut doc = NewDocument {
        file_name: String::new(),
        bytes: Vec::new(),
        kind: String::new(),
        component: None,
        confidential: false,
        certify: false,
    };
    let too_large = || ApiError(ServiceError::field("file", "upload.too_large"));
    while let Some(field) = multipart.next_field().await.map_err(|_| too_large())? {
        match field.name().unwrap_or_default() {
            "file" => {
                doc.file_name = field.file_name().unwrap_or_default().to_owned();
                doc.bytes = field.bytes().await.map_err(|_| too_large())?.to_vec();
            }
            "component" => {
                let text = field.text().await.unwrap_or_default();
                doc.component = Some(text.trim().parse().map_err(|_| {
                    ApiError(ServiceError::field("component", "component.unknown"))
                })?);
            }
            "kind" => doc.kind = field.text().await.unwrap_or_default(),
            "certified" => doc.certify = is_yes(&field.text().await.unwrap_or_default()),
            "confidential" => doc.confidential = is_yes(&field.text().await.unwrap_or_default()),
            _ => {}
        }
    }
    let ctx = client.context(&caller_name(&bearer));
    let document = documents::attach(
        &state.db,
        state.files.clone(),
        &ctx,
        &acting,
        &row.public_id,
        doc,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!(document))))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    status: Option<i64>,
    unit: Option<String>,
    assignee: Option<String>,
    overdue: Option<bool>,
    q: Option<String>,
    channel: Option<u8>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<usize>,
    cursor: Option<String>,
}

fn row_json(r: &QueueRow, now: time::OffsetDateTime) -> Value {
    json!({
        "id": r.public_id,
        "code": r.code,
        "procedure": {"name": r.procedure_name},
        "applicant": {"name": r.applicant_name},
        "channel": r.channel,
        "channel_name": Channel::from_code(r.channel).map(|c| c.label()),
        "status": status_json(r.status),
        "stage": r.stage,
        "unit": r.unit_code,
        "assignee": r.assignee_name,
        "submitted_at": time_json(Some(&r.submitted_at)),
        "received_at": time_json(r.received_at.as_deref()),
        "due_at": time_json(r.due_at.as_deref()),
        "overdue": is_overdue(r.status, r.due_at.as_deref(), now),
        "extended": r.extended,
    })
}

/// `GET /api/v1/dossiers`: work queues (`status`, `unit`, `assignee` = id or `me`, `overdue`) with cursor paging,
/// or search (`q`: a code, an ID number, a name or words from the form and the documents' text, accents
/// optional; with the filters `status`, `unit`, `channel`, `from`/`to` (received, YYYY-MM-DD) and `overdue`).
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(bearer): ApiCaller,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let Bearer::Staff(me) = &bearer else {
        return Err(ApiError(ServiceError::Forbidden));
    };
    if !may_read(&bearer) {
        return Err(ApiError(ServiceError::Forbidden));
    }
    let acting = staff_acting(me);
    let now = time::OffsetDateTime::now_utc();
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        return search(&state, &acting, q, &query, now).await.map(Json);
    }
    let mut filter = QueueFilter {
        status: query.status,
        unit: query.unit.clone().filter(|u| !u.is_empty()),
        assignee: match query.assignee.as_deref() {
            Some("me") => Some(me.staff_id.0),
            Some(id) => Some(
                id.parse()
                    .map_err(|_| ApiError(ServiceError::field("assignee", "assignee.invalid")))?,
            ),
            None => None,
        },
        overdue_at: query.overdue.filter(|o| *o).map(|_| format_time(now)),
        due_between: None,
    };
    if !sees_all(&acting.actor) {
        let own_unit = me.unit_code.clone();
        let mine = filter.assignee == Some(me.staff_id.0);
        match (&filter.unit, mine) {
            (_, true) => {}
            (Some(unit), false) if Some(unit) == own_unit.as_ref() => {}
            (None, false) => filter.unit = own_unit.clone(),
            _ => return Err(ApiError(ServiceError::Forbidden)),
        }
        if filter.unit.is_none() && !mine {
            filter.assignee = Some(me.staff_id.0);
        }
    }
    let cursor = match query.cursor.as_deref() {
        Some(raw) => Some(
            Cursor::decode(raw)
                .ok_or_else(|| ApiError(ServiceError::field("cursor", "cursor.invalid")))?,
        ),
        None => None,
    };
    let rows = state
        .db
        .read(move |c| queues::page(c, &filter, cursor.as_ref(), limit))
        .await?;
    let next = (rows.len() > limit).then(|| {
        let last = &rows[limit - 1];
        Cursor {
            due_at: last.due_at.clone(),
            id: last.id,
        }
        .encode()
    });
    let items: Vec<Value> = rows.iter().take(limit).map(|r| row_json(r, now)).collect();
    Ok(Json(json!({"items": items, "next_cursor": next})))
}

/// The search branch of [`list`]: the cursor is the offset of the next page.
async fn search(
    state: &AppState,
    acting: &crate::services::dossiers::Acting,
    text: &str,
    query: &ListQuery,
    now: time::OffsetDateTime,
) -> Result<Value, ApiError> {
    let limit = query
        .limit
        .unwrap_or(20)
        .clamp(1, dossier_search::MAX_LIMIT);
    let offset = match query.cursor.as_deref() {
        Some(raw) => raw
            .parse::<usize>()
            .map_err(|_| ApiError(ServiceError::field("cursor", "cursor.invalid")))?,
        None => 0,
    };
    let day = |field: &str, raw: &Option<String>, next: bool| -> Result<_, ApiError> {
        let Some(raw) = raw.as_deref().map(str::trim).filter(|r| !r.is_empty()) else {
            return Ok(None);
        };
        let date = crate::domain::citizen::parse_date(raw)
            .and_then(|d| if next { d.next_day() } else { Some(d) })
            .ok_or_else(|| ApiError(ServiceError::field(field, "date.invalid")))?;
        Ok(Some(crate::domain::calendar::from_local(
            time::PrimitiveDateTime::new(date, time::Time::MIDNIGHT),
        )))
    };
    let found = dossier_search::find(
        &state.db,
        &state.dossier_search,
        &state.search_slots,
        acting,
        DossierSearch {
            text: text.chars().take(200).collect(),
            status: query.status.and_then(|s| u8::try_from(s).ok()),
            unit: query.unit.clone().filter(|u| !u.is_empty()),
            channel: query.channel,
            from: day("from", &query.from, false)?,
            to: day("to", &query.to, true)?,
            overdue: query.overdue.unwrap_or(false),
            offset,
            limit,
        },
        now,
    )
    .await?;
    let items: Vec<Value> = found
        .items
        .iter()
        .map(|item| {
            let mut json = row_json(&item.row, now);
            json["snippet"] = json!(item.snippet_html);
            json["snippet_source"] = match &item.snippet_source {
                SnippetSource::Document {
                    document_id,
                    file_name,
                } => {
                    json!({"kind": "document", "document_id": document_id, "file_name": file_name})
                }
                SnippetSource::Form => json!({"kind": "form"}),
                SnippetSource::Applicant => json!({"kind": "applicant"}),
                SnippetSource::Procedure => json!({"kind": "procedure"}),
                SnippetSource::None => Value::Null,
            };
            json
        })
        .collect();
    let next = (offset + limit < found.total).then(|| (offset + limit).to_string());
    Ok(
        json!({"items": items, "total": found.total, "total_exact": found.total_exact, "next_cursor": next}),
    )
}

/// `GET /api/v1/lookup/{code}`: the public tier of Circular 01/2018 Art. 16: the code and how far it has come,
/// nothing about the applicant. Unknown and malformed codes get the same answer.
pub async fn lookup(
    State(state): State<AppState>,
    client: Client,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    if !state.limits.allow_lookup(&client.ip) {
        return Err(ApiError(ServiceError::RateLimited));
    }
    let found = match crate::domain::dossier::DossierCode::parse(&code) {
        Ok(code) => {
            let code = code.as_str().to_owned();
            state.db.read(move |c| dossiers::find(c, &code)).await?
        }
        Err(_) => None,
    };
    let row = found
        .filter(|r| r.code.is_some())
        .ok_or(ApiError(ServiceError::NotFound))?;
    let received = row
        .received_at
        .as_deref()
        .and_then(parse_time)
        .map(to_local);
    Ok(Json(json!({
        "code": row.code,
        "status": status_json(row.status),
        "received_on": received.map(|t| t.date().to_string()),
    })))
}
