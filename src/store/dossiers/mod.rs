//! Dossiers in SQLite: the row with its stage and clock, the code and register sequences, the checklist, the
//! append-only event log, documents and consultations. Queues live in `queues.rs`.

pub mod archive;
mod documents;
pub mod index_rows;
pub mod messages;
pub mod queues;

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::StoreError;
use super::outbox::{self, OutboxItem};

pub use documents::{
    DocumentRow, DocumentText, document, documents, documents_with, insert_document, pending_texts,
    referenced_hashes, save_text,
};

/// A dossier row as stored. The service changes fields through the domain and writes it back with [`update`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierRow {
    pub id: i64,
    pub public_id: String,
    pub code: Option<String>,
    pub agency_code: String,
    pub procedure_code: String,
    pub procedure_version: i64,
    pub procedure_name: String,
    pub channel: i64,
    pub stage: String,
    pub resume_stage: Option<String>,
    pub status: i64,
    pub active: bool,
    pub applicant_kind: String,
    pub applicant_name: String,
    pub applicant_key: String,
    pub applicant_id_number: String,
    pub applicant_phone: String,
    pub applicant_email: String,
    pub applicant_address: String,
    pub owner_ref: Option<String>,
    pub subject: String,
    pub sets: i64,
    pub form_data: String,
    pub delivery: String,
    pub delivery_address: String,
    pub unit_code: Option<String>,
    pub assignee_id: Option<i64>,
    pub submitted_at: String,
    pub received_at: Option<String>,
    pub received_by: Option<i64>,
    pub clock_started_at: Option<String>,
    pub due_at: Option<String>,
    pub original_due_at: Option<String>,
    pub paused_at: Option<String>,
    pub transfer_due_at: Option<String>,
    pub transferred_at: Option<String>,
    pub step_due_at: Option<String>,
    pub extended: bool,
    pub receipt_supplements: i64,
    pub supplements: i64,
    pub fee_due_vnd: Option<i64>,
    pub result_notified_at: Option<String>,
    pub finished_at: Option<String>,
    pub outcome: Option<String>,
    pub decision: Option<String>,
    pub returned_at: Option<String>,
    pub register_year: Option<i64>,
    pub register_no: Option<i64>,
    pub updated_at: String,
}

const COLUMNS: &str = "id, public_id, code, agency_code, procedure_code, procedure_version, procedure_name, channel,
    stage, resume_stage, status, active, applicant_kind, applicant_name, applicant_key, applicant_id_number,
    applicant_phone, applicant_email, applicant_address, owner_ref, subject, sets, form_data, delivery,
    delivery_address, unit_code, assignee_id, submitted_at, received_at, received_by, clock_started_at, due_at,
    original_due_at, paused_at, transfer_due_at, transferred_at, step_due_at, extended, receipt_supplements,
    supplements, fee_due_vnd, result_notified_at, finished_at, outcome, decision, returned_at, register_year,
    register_no, updated_at";

fn read_row(r: &Row<'_>) -> rusqlite::Result<DossierRow> {
    Ok(DossierRow {
        id: r.get(0)?,
        public_id: r.get(1)?,
        code: r.get(2)?,
        agency_code: r.get(3)?,
        procedure_code: r.get(4)?,
        procedure_version: r.get(5)?,
        procedure_name: r.get(6)?,
        channel: r.get(7)?,
        stage: r.get(8)?,
        resume_stage: r.get(9)?,
        status: r.get(10)?,
        active: r.get(11)?,
        applicant_kind: r.get(12)?,
        applicant_name: r.get(13)?,
        applicant_key: r.get(14)?,
        applicant_id_number: r.get(15)?,
        applicant_phone: r.get(16)?,
        applicant_email: r.get(17)?,
        applicant_address: r.get(18)?,
        owner_ref: r.get(19)?,
        subject: r.get(20)?,
        sets: r.get(21)?,
        form_data: r.get(22)?,
        delivery: r.get(23)?,
        delivery_address: r.get(24)?,
        unit_code: r.get(25)?,
        assignee_id: r.get(26)?,
        submitted_at: r.get(27)?,
        received_at: r.get(28)?,
        received_by: r.get(29)?,
        clock_started_at: r.get(30)?,
        due_at: r.get(31)?,
        original_due_at: r.get(32)?,
        paused_at: r.get(33)?,
        transfer_due_at: r.get(34)?,
        transferred_at: r.get(35)?,
        step_due_at: r.get(36)?,
        extended: r.get(37)?,
        receipt_supplements: r.get(38)?,
        supplements: r.get(39)?,
        fee_due_vnd: r.get(40)?,
        result_notified_at: r.get(41)?,
        finished_at: r.get(42)?,
        outcome: r.get(43)?,
        decision: r.get(44)?,
        returned_at: r.get(45)?,
        register_year: r.get(46)?,
        register_no: r.get(47)?,
        updated_at: r.get(48)?,
    })
}

/// Inserts a new dossier (every column but `id`) and returns its id.
pub fn insert(conn: &Connection, d: &DossierRow) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO dossiers (public_id, code, agency_code, procedure_code, procedure_version, procedure_name,
            channel, stage, resume_stage, status, active, applicant_kind, applicant_name, applicant_key,
            applicant_id_number, applicant_phone, applicant_email, applicant_address, owner_ref, subject, sets,
            form_data, delivery, delivery_address, submitted_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
            ?22, ?23, ?24, ?25, ?26)",
    )?
    .execute(params![
        d.public_id,
        d.code,
        d.agency_code,
        d.procedure_code,
        d.procedure_version,
        d.procedure_name,
        d.channel,
        d.stage,
        d.resume_stage,
        d.status,
        d.active,
        d.applicant_kind,
        d.applicant_name,
        d.applicant_key,
        d.applicant_id_number,
        d.applicant_phone,
        d.applicant_email,
        d.applicant_address,
        d.owner_ref,
        d.subject,
        d.sets,
        d.form_data,
        d.delivery,
        d.delivery_address,
        d.submitted_at,
        d.updated_at,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Writes back every field a lifecycle action may change. The code, once set, is never overwritten: the
/// statement keeps a stored code whatever the row says.
pub fn update(conn: &Connection, d: &DossierRow) -> Result<(), StoreError> {
    let changed = conn
        .prepare_cached(
            "UPDATE dossiers SET code = COALESCE(code, ?2), stage = ?3, resume_stage = ?4, status = ?5,
                active = ?6, unit_code = ?7, assignee_id = ?8, received_at = ?9, received_by = ?10,
                clock_started_at = ?11, due_at = ?12, original_due_at = ?13, paused_at = ?14,
                transfer_due_at = ?15, transferred_at = ?16, step_due_at = ?17, extended = ?18,
                receipt_supplements = ?19, supplements = ?20, fee_due_vnd = ?21, result_notified_at = ?22,
                finished_at = ?23, outcome = ?24, decision = ?25, returned_at = ?26, register_year = ?27,
                register_no = ?28, updated_at = ?29
             WHERE id = ?1",
        )?
        .execute(params![
            d.id,
            d.code,
            d.stage,
            d.resume_stage,
            d.status,
            d.active,
            d.unit_code,
            d.assignee_id,
            d.received_at,
            d.received_by,
            d.clock_started_at,
            d.due_at,
            d.original_due_at,
            d.paused_at,
            d.transfer_due_at,
            d.transferred_at,
            d.step_due_at,
            d.extended,
            d.receipt_supplements,
            d.supplements,
            d.fee_due_vnd,
            d.result_notified_at,
            d.finished_at,
            d.outcome,
            d.decision,
            d.returned_at,
            d.register_year,
            d.register_no,
            d.updated_at,
        ])?;
    if changed == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

pub fn get(conn: &Connection, id: i64) -> Result<DossierRow, StoreError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM dossiers WHERE id = ?1"))?
        .query_row([id], read_row)?)
}

/// Finds a dossier by its code (any letter case) or its public id.
pub fn find(conn: &Connection, reference: &str) -> Result<Option<DossierRow>, StoreError> {
    let by_code = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM dossiers WHERE code = ?1"))?
        .query_row([reference.trim().to_ascii_uppercase()], read_row)
        .optional()?;
    if by_code.is_some() {
        return Ok(by_code);
    }
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM dossiers WHERE public_id = ?1"
        ))?
        .query_row([reference.trim()], read_row)
        .optional()?)
}

/// Takes the next number of an agency's daily sequence. The row only grows, so numbers are never reused; the
/// single writer makes concurrent receipts take distinct numbers.
pub fn next_code_number(conn: &Connection, agency: &str, day: &str) -> Result<u32, StoreError> {
    let last: i64 = conn
        .prepare_cached(
            "INSERT INTO dossier_code_seq(agency_code, day, last) VALUES (?1, ?2, 1)
             ON CONFLICT(agency_code, day) DO UPDATE SET last = last + 1
             RETURNING last",
        )?
        .query_row(params![agency, day], |r| r.get(0))?;
    u32::try_from(last).map_err(|_| StoreError::Conflict("dossier_code_seq"))
}

/// The next entry number of the year's register (Form 06), continuous from 1.
pub fn next_register_number(conn: &Connection, year: i32) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO register_seq(year, last) VALUES (?1, 1)
             ON CONFLICT(year) DO UPDATE SET last = last + 1 RETURNING last",
        )?
        .query_row([year], |r| r.get(0))?)
}

/// One line of the component checklist.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ComponentRow {
    pub position: i64,
    pub name: String,
    pub copies: String,
    pub required: bool,
    pub provided: bool,
}

pub fn insert_component(
    conn: &Connection,
    dossier: i64,
    c: &ComponentRow,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO dossier_components(dossier_id, position, name, copies, required, provided)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        dossier, c.position, c.name, c.copies, c.required, c.provided
    ])?;
    Ok(())
}

/// Records which components were handed in: exactly the listed positions (the officer's checklist at receipt).
pub fn set_provided(conn: &Connection, dossier: i64, positions: &[i64]) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(
        "UPDATE dossier_components SET provided = ?3 WHERE dossier_id = ?1 AND position = ?2",
    )?;
    for c in components(conn, dossier)? {
        stmt.execute(params![
            dossier,
            c.position,
            positions.contains(&c.position)
        ])?;
    }
    Ok(())
}

/// Marks every listed component as provided (a completed supplement brings the missing papers).
pub fn mark_all_provided(conn: &Connection, dossier: i64) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE dossier_components SET provided = 1 WHERE dossier_id = ?1")?
        .execute([dossier])?;
    Ok(())
}

pub fn components(conn: &Connection, dossier: i64) -> Result<Vec<ComponentRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT position, name, copies, required, provided FROM dossier_components
         WHERE dossier_id = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map([dossier], |r| {
        Ok(ComponentRow {
            position: r.get(0)?,
            name: r.get(1)?,
            copies: r.get(2)?,
            required: r.get(3)?,
            provided: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One entry of the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub actor_ref: String,
    pub unit_code: Option<String>,
    pub action: String,
    pub stage: String,
    pub status: i64,
    pub comment: String,
    pub data: String,
}

pub fn insert_event(conn: &Connection, dossier: i64, e: &EventRow) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO dossier_events(dossier_id, at, actor, actor_ref, unit_code, action, stage, status, comment,
            data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        dossier,
        e.at,
        e.actor,
        e.actor_ref,
        e.unit_code,
        e.action,
        e.stage,
        e.status,
        e.comment,
        e.data
    ])?;
    // Every change to a dossier logs an event, so this is the one place that tells the search index.
    outbox::enqueue(conn, &OutboxItem::Dossier(dossier), &e.at)?;
    Ok(())
}

pub fn events(conn: &Connection, dossier: i64) -> Result<Vec<EventRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, actor, actor_ref, unit_code, action, stage, status, comment, data
         FROM dossier_events WHERE dossier_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([dossier], |r| {
        Ok(EventRow {
            id: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            actor_ref: r.get(3)?,
            unit_code: r.get(4)?,
            action: r.get(5)?,
            stage: r.get(6)?,
            status: r.get(7)?,
            comment: r.get(8)?,
            data: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A consultation with other bodies and its reply.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConsultationRow {
    pub id: i64,
    pub agencies: String,
    pub content: String,
    pub due_at: String,
    pub asked_at: String,
    pub replied_at: Option<String>,
    pub reply: String,
}

pub fn open_consultation(
    conn: &Connection,
    dossier: i64,
    agencies: &str,
    content: &str,
    due_at: &str,
    now: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO dossier_consultations(dossier_id, agencies, content, due_at, asked_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![dossier, agencies, content, due_at, now])?;
    Ok(())
}

/// Records the reply to the dossier's open consultation.
pub fn close_consultation(
    conn: &Connection,
    dossier: i64,
    reply: &str,
    now: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE dossier_consultations SET replied_at = ?2, reply = ?3
         WHERE dossier_id = ?1 AND replied_at IS NULL",
    )?
    .execute(params![dossier, now, reply])?;
    Ok(())
}

pub fn consultations(conn: &Connection, dossier: i64) -> Result<Vec<ConsultationRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, agencies, content, due_at, asked_at, replied_at, reply FROM dossier_consultations
         WHERE dossier_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([dossier], |r| {
        Ok(ConsultationRow {
            id: r.get(0)?,
            agencies: r.get(1)?,
            content: r.get(2)?,
            due_at: r.get(3)?,
            asked_at: r.get(4)?,
            replied_at: r.get(5)?,
            reply: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The form answers of an account's most recent dossier of a procedure, offered again on its next submission.
pub fn latest_form_of_owner(
    conn: &Connection,
    owner_ref: &str,
    procedure_code: &str,
) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT form_data FROM dossiers WHERE owner_ref = ?1 AND procedure_code = ?2 ORDER BY id DESC LIMIT 1",
        )?
        .query_row(params![owner_ref, procedure_code], |r| r.get(0))
        .optional()?)
}

/// A page of an account's dossiers, newest first, before the row id `before` when given.
pub fn of_owner(
    conn: &Connection,
    owner_ref: &str,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<DossierRow>, StoreError> {
    let rows = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM dossiers WHERE owner_ref = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3"
        ))?
        .query_map(params![owner_ref, before.unwrap_or(i64::MAX), limit], read_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Replaces the form answers (an online supplement; the old answers are kept by the caller as a revision).
pub fn set_form_data(
    conn: &Connection,
    id: i64,
    form_data: &str,
    now: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE dossiers SET form_data = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![id, form_data, now])?;
    Ok(())
}
