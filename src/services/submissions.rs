//! Online submission from the portal (function d, "Tạo lập hồ sơ hành chính điện tử"): a draft is started from a
//! procedure with the answers the office already knows filled in, the e-form saved as it is filled, a file attached
//! to each component (uploaded, or reused from the citizen's document store), the way to receive the result
//! chosen, and the whole submitted as one dossier in "Mới đăng ký" in one transaction that also removes the draft.

use crate::filestore::FileStore;

use serde_json::Value;

use crate::domain::catalogue::Procedure;
use crate::domain::dossier::ApplicantInput;
use crate::domain::eform::answers::AddressValue;
use crate::domain::eform::prefill::{Known, prefill};
use crate::domain::error::FieldErrors;
use crate::domain::text::clean_line;
use crate::store::audit::Outcome;
use crate::store::citizens::{self, CitizenAccount};
use crate::store::dossiers::{self, DossierRow};
use crate::store::drafts::{self, DraftFile, DraftRow, StoredFile};
use crate::store::{Db, StoreError, procedures};

use super::citizens::{CitizenPrincipal, address_line, owner_acting};
use super::dossiers::documents::{NewDocument, PreparedDocument, prepare};
use super::dossiers::{DossierSettings, IntakeInput, intake};
use super::{Context, ServiceError};

/// A draft with what its pages need.
#[derive(Debug, Clone)]
pub struct DraftView {
    pub draft: DraftRow,
    pub procedure: Procedure,
    pub answers: Value,
    pub files: Vec<DraftFile>,
    /// Top-level fields whose current answer is still the one the office filled in, for the "check this" marks.
    pub prefilled: Vec<String>,
}

/// The most a citizen keeps as drafts at once; older ones must be sent or discarded first.
const MAX_DRAFTS: usize = 20;

/// What the office knows about the citizen, for prefill.
fn known(a: &CitizenAccount) -> Known {
    let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    Known {
        full_name: some(&a.full_name),
        id_number: some(&a.id_number),
        phone: some(&a.phone),
        email: some(&a.email),
        date_of_birth: a.date_of_birth.clone(),
        address: (!a.province_code.is_empty()).then(|| AddressValue {
            province: a.province_code.clone(),
            commune: a.commune_code.clone(),
            detail: a.address_detail.clone(),
        }),
    }
}

/// The answers of the citizen's latest dossier of this procedure, offered again.
fn earlier_answers(
    conn: &rusqlite::Connection,
    owner_ref: &str,
    procedure: &str,
) -> Result<Option<Value>, StoreError> {
    Ok(dossiers::latest_form_of_owner(conn, owner_ref, procedure)?
        .and_then(|text| serde_json::from_str(&text).ok()))
}

fn offered(
    conn: &rusqlite::Connection,
    account: &CitizenAccount,
    procedure: &Procedure,
) -> Result<(Value, Vec<String>), StoreError> {
    let earlier = earlier_answers(conn, &account.owner_ref(), &procedure.code)?;
    Ok(prefill(&procedure.form, &known(account), earlier.as_ref()))
}

/// Starts a draft of an online procedure, prefilled. Procedures not offered online are refused.
pub async fn start(
    db: &Db,
    ctx: &Context,
    me: &CitizenPrincipal,
    procedure_code: &str,
) -> Result<String, ServiceError> {
    let (ctx, me, code) = (ctx.clone(), me.clone(), procedure_code.trim().to_owned());
    db.write(move |tx| {
        let version = procedures::published(tx, &code)?.ok_or(ServiceError::NotFound)?;
        if !version.body.channels.online || !version.body.service_level.is_online() {
            return Err(ServiceError::Refused("submission.not_online"));
        }
        if drafts::list_own(tx, me.citizen_id)?.len() >= MAX_DRAFTS {
            return Err(ServiceError::Refused("submission.too_many_drafts"));
        }
        let account = citizens::get(tx, me.citizen_id)?;
        let (answers, _) = offered(tx, &account, &version.body)?;
        let public_id = uuid::Uuid::new_v4().to_string();
        let draft = drafts::NewDraft {
            public_id: &public_id,
            citizen: me.citizen_id,
            procedure_code: &version.code,
            version: version.version,
            form_data: &answers.to_string(),
            delivery_address: &address_line(tx, &account),
        };
        drafts::insert(tx, &draft, &ctx.now_text())?;
        ctx.audit(
            tx,
            "draft.start",
            &me.owner_ref(),
            Outcome::Ok,
            &version.code,
        )?;
        Ok(public_id)
    })
    .await
}

fn load_in(
    conn: &rusqlite::Connection,
    me: &CitizenPrincipal,
    draft_id: &str,
) -> Result<DraftView, ServiceError> {
    let draft = drafts::find_own(conn, me.citizen_id, draft_id)?.ok_or(ServiceError::NotFound)?;
    let procedure = procedures::version(conn, &draft.procedure_code, draft.procedure_version)?
        .ok_or(ServiceError::NotFound)?
        .body;
    let answers: Value = serde_json::from_str(&draft.form_data).unwrap_or(Value::Null);
    let account = citizens::get(conn, me.citizen_id)?;
    let (offer, keys) = offered(conn, &account, &procedure)?;
    let prefilled = keys
        .into_iter()
        .filter(|k| answers.get(k).is_some() && answers.get(k) == offer.get(k))
        .collect();
    Ok(DraftView {
        files: drafts::files(conn, draft.id)?,
        draft,
        procedure,
        answers,
        prefilled,
    })
}

/// One of the citizen's drafts; anyone else's is "not found".
pub async fn load(
    db: &Db,
    me: &CitizenPrincipal,
    draft_id: &str,
) -> Result<DraftView, ServiceError> {
    let (me, id) = (me.clone(), draft_id.to_owned());
    db.read(move |c| load_in(c, &me, &id)).await
}

/// The citizen's drafts, newest first.
pub async fn list(db: &Db, me: &CitizenPrincipal) -> Result<Vec<DraftRow>, ServiceError> {
    let id = me.citizen_id;
    Ok(db.read(move |c| drafts::list_own(c, id)).await?)
}

/// Saves the form's answers as they are (a draft may be incomplete; checks run at "Tiếp tục" and at submission).
pub async fn save_answers(
    db: &Db,
    ctx: &Context,
    me: &CitizenPrincipal,
    draft_id: &str,
    answers: &Value,
) -> Result<(), ServiceError> {
    let (ctx, me, id, text) = (
        ctx.clone(),
        me.clone(),
        draft_id.to_owned(),
        answers.to_string(),
    );
    db.write(move |tx| {
        let draft = drafts::find_own(tx, me.citizen_id, &id)?.ok_or(ServiceError::NotFound)?;
        drafts::save_form(tx, draft.id, &text, &ctx.now_text())?;
        Ok(())
    })
    .await
}

fn component_exists(procedure: &Procedure, component: i64) -> bool {
    usize::try_from(component).is_ok_and(|c| (1..=procedure.components.len()).contains(&c))
}

/// Checks and stores an uploaded file for one component (replacing an earlier one). A rejected file leaves the
/// draft as it was.
pub async fn attach(
    db: &Db,
    files: FileStore,
    ctx: &Context,
    me: &CitizenPrincipal,
    draft_id: &str,
    doc: NewDocument,
) -> Result<(), ServiceError> {
    let view = load(db, me, draft_id).await?;
    let component = doc.component.ok_or(ServiceError::NotFound)?;
    if !component_exists(&view.procedure, component) {
        return Err(ServiceError::NotFound);
    }
    let doc = NewDocument {
        kind: "submitted".to_owned(),
        ..doc
    };
    let prepared = prepare(files, &owner_acting(me), doc).await?;
    let (ctx, draft) = (ctx.clone(), view.draft.id);
    db.write(move |tx| {
        let file = DraftFile {
            component,
            file_name: prepared.file_name,
            media_type: prepared.media_type,
            size: prepared.size,
            sha256: prepared.sha256,
        };
        drafts::put_file(tx, draft, &file, &ctx.now_text())?;
        Ok(())
    })
    .await
}

/// Attaches a file from the citizen's document store (a paper or result of an earlier dossier of theirs).
pub async fn reuse(
    db: &Db,
    ctx: &Context,
    me: &CitizenPrincipal,
    draft_id: &str,
    component: i64,
    document_id: i64,
) -> Result<(), ServiceError> {
    let (ctx, me, id) = (ctx.clone(), me.clone(), draft_id.to_owned());
    db.write(move |tx| {
        let view = load_in(tx, &me, &id)?;
        if !component_exists(&view.procedure, component) {
            return Err(ServiceError::NotFound);
        }
        let stored: StoredFile =
            drafts::store_file(tx, &me.owner_ref(), document_id)?.ok_or(ServiceError::NotFound)?;
        let file = DraftFile {
            component,
            file_name: stored.file_name,
            media_type: stored.media_type,
            size: stored.size,
            sha256: stored.sha256,
        };
        drafts::put_file(tx, view.draft.id, &file, &ctx.now_text())?;
        Ok(())
    })
    .await
}

pub async fn remove_file(
    db: &Db,
    me: &CitizenPrincipal,
    draft_id: &str,
    component: i64,
) -> Result<(), ServiceError> {
    let (me, id) = (me.clone(), draft_id.to_owned());
    db.write(move |tx| {
        let draft = drafts::find_own(tx, me.citizen_id, &id)?.ok_or(ServiceError::NotFound)?;
        drafts::remove_file(tx, draft.id, component)?;
        Ok(())
    })
    .await
}

/// The citizen's document store (kho dữ liệu) to reuse files from.
pub async fn document_store(
    db: &Db,
    me: &CitizenPrincipal,
) -> Result<Vec<StoredFile>, ServiceError> {
    let owner = me.owner_ref();
    Ok(db
        .read(move |c| drafts::store_files(c, &owner, 200))
        .await?)
}

/// The delivery choice: at the counter, by post to an address, or electronically.
pub async fn save_delivery(
    db: &Db,
    ctx: &Context,
    me: &CitizenPrincipal,
    draft_id: &str,
    delivery: &str,
    address: &str,
) -> Result<(), ServiceError> {
    let delivery = match delivery.trim() {
        d @ ("counter" | "post" | "online") => d.to_owned(),
        _ => return Err(ServiceError::field("delivery", "delivery.invalid")),
    };
    let address = clean_line(address);
    if delivery == "post" && address.is_empty() {
        return Err(ServiceError::field("delivery_address", "required"));
    }
    if address.chars().count() > 300 {
        return Err(ServiceError::field("delivery_address", "too_long"));
    }
    let (ctx, me, id) = (ctx.clone(), me.clone(), draft_id.to_owned());
    db.write(move |tx| {
        let draft = drafts::find_own(tx, me.citizen_id, &id)?.ok_or(ServiceError::NotFound)?;
        drafts::save_delivery(tx, draft.id, &delivery, &address, &ctx.now_text())?;
        Ok(())
    })
    .await
}

pub async fn discard(
    db: &Db,
    ctx: &Context,
    me: &CitizenPrincipal,
    draft_id: &str,
) -> Result<(), ServiceError> {
    let (ctx, me, id) = (ctx.clone(), me.clone(), draft_id.to_owned());
    db.write(move |tx| {
        let draft = drafts::find_own(tx, me.citizen_id, &id)?.ok_or(ServiceError::NotFound)?;
        drafts::delete(tx, draft.id)?;
        ctx.audit(
            tx,
            "draft.discard",
            &me.owner_ref(),
            Outcome::Ok,
            &draft.procedure_code,
        )?;
        Ok(())
    })
    .await
}

/// Every required component must have a file.
pub fn missing_components(view: &DraftView) -> FieldErrors {
    let mut e = FieldErrors::new();
    for (i, c) in view.procedure.components.iter().enumerate() {
        let position = i as i64 + 1;
        if c.required && !view.files.iter().any(|f| f.component == position) {
            e.add(&format!("component_{position}"), "component.required");
        }
    }
    e
}

/// Submits the draft: the answers checked against the procedure's e-form, every required component attached,
/// then the dossier created in "Mới đăng ký" with its files, and the draft removed, in one transaction.
pub async fn submit(
    db: &Db,
    ctx: &Context,
    settings: &DossierSettings,
    me: &CitizenPrincipal,
    draft_id: &str,
) -> Result<DossierRow, ServiceError> {
    let view = load(db, me, draft_id).await?;
    let missing = missing_components(&view);
    if !missing.is_empty() {
        return Err(ServiceError::Invalid(missing));
    }
    let documents = view
        .files
        .iter()
        .map(|f| PreparedDocument {
            component: Some(f.component),
            kind: "submitted".to_owned(),
            file_name: f.file_name.clone(),
            media_type: f.media_type.clone(),
            size: f.size,
            sha256: f.sha256.clone(),
            confidential: false,
            certify: false,
        })
        .collect();
    let input = IntakeInput {
        procedure: view.draft.procedure_code.clone(),
        channel: 2,
        agency: String::new(),
        // Intake takes the applicant from the citizen's account.
        applicant: ApplicantInput::default(),
        subject: String::new(),
        sets: Some(1),
        components: view.files.iter().map(|f| f.component).collect(),
        form_data: view.answers.clone(),
        delivery: view.draft.delivery.clone(),
        delivery_address: view.draft.delivery_address.clone(),
        then: None,
        documents,
        draft: Some(view.draft.id),
    };
    intake(db, ctx, settings, &owner_acting(me), input, None).await
}
