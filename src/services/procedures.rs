//! Editing the procedure catalogue: a draft is opened from the newest version, saved only when it satisfies every
//! rule, and published in place of the current version, which is kept (retired) for the dossiers received under it.

use time::Date;

use crate::crypto::sha256_hex;
use crate::domain::catalogue::{CatalogueLookup, Procedure, TemplateRef, parse_procedure_code};
use crate::domain::filetype::identify;
use crate::domain::text::slug;
use crate::store::audit::Outcome;
use crate::store::catalogue::{self, CatalogueTable};
use crate::store::outbox::{self, OutboxItem};
use crate::store::procedures::{self, NewVersion, ProcedureVersion};
use crate::store::{Db, StoreError};

use super::packs::{MAX_TEMPLATE_BYTES, content_hash};
use super::{Context, ServiceError};

/// The office's code lists, read inside the write transaction so a check and its write see the same catalogue.
struct Lookup<'a>(&'a rusqlite::Connection);

impl CatalogueLookup for Lookup<'_> {
    fn has_sector(&self, code: &str) -> bool {
        catalogue::exists(self.0, CatalogueTable::Sectors, code).unwrap_or(false)
    }
    fn has_doc_type(&self, code: &str) -> bool {
        catalogue::exists(self.0, CatalogueTable::DocTypes, code).unwrap_or(false)
    }
    fn has_fee(&self, code: &str) -> bool {
        catalogue::exists(self.0, CatalogueTable::Fees, code).unwrap_or(false)
    }
}

/// A template file uploaded with a draft.
pub struct NewTemplateFile {
    pub key: String,
    pub name: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Checks an uploaded template and turns it into the reference a version stores.
pub fn template_from_upload(
    upload: &NewTemplateFile,
    field: &str,
) -> Result<TemplateRef, ServiceError> {
    if upload.bytes.len() > MAX_TEMPLATE_BYTES {
        return Err(ServiceError::field(field, "too_large"));
    }
    let kind = identify(&upload.bytes)
        .filter(|k| k.is_document())
        .ok_or_else(|| ServiceError::field(field, "media_type"))?;
    Ok(TemplateRef {
        key: upload.key.clone(),
        name: upload.name.clone(),
        file_name: upload.file_name.clone(),
        media_type: kind.media_type().to_owned(),
        sha256: sha256_hex(&upload.bytes),
        size: upload.bytes.len() as u64,
    })
}

/// Saves `body` as the procedure's draft (creating the procedure when the code is new). Every rule is checked and
/// all problems are returned at once; nothing is written unless the draft is valid.
pub async fn save_draft(
    db: &Db,
    ctx: &Context,
    body: Procedure,
    uploads: Vec<NewTemplateFile>,
    is_new: bool,
) -> Result<(), ServiceError> {
    let ctx = ctx.clone();
    db.write(move |tx| {
        let mut body = body;
        body.code = parse_procedure_code(&body.code).map_err(|c| ServiceError::field("code", c))?;
        let exists = procedures::latest(tx, &body.code)?.is_some();
        if is_new && exists {
            return Err(ServiceError::field("code", "procedure_code.taken"));
        }
        if !is_new && !exists {
            return Err(ServiceError::NotFound);
        }
        let errors = body.check(&Lookup(tx));
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        for upload in &uploads {
            procedures::put_template_file(
                tx,
                &sha256_hex(&upload.bytes),
                identify(&upload.bytes).map_or("application/octet-stream", |k| k.media_type()),
                &upload.bytes,
            )?;
        }
        let hash = content_hash(&body);
        let now = ctx.now_text();
        match procedures::draft(tx, &body.code)? {
            Some(draft) => procedures::update_draft(tx, draft.id, &body, &hash)?,
            None => {
                procedures::ensure_procedure(tx, &body.code, &now)?;
                procedures::insert_version(
                    tx,
                    &NewVersion {
                        body: &body,
                        state: "draft",
                        content_hash: &hash,
                        valid_from: None,
                        at: &now,
                        by: &ctx.actor,
                    },
                )?;
            }
        }
        ctx.audit(
            tx,
            "procedure.draft.save",
            &body.code,
            Outcome::Ok,
            &body.name,
        )?;
        Ok(())
    })
    .await
}

/// Publishes the draft from `valid_from`; the version it replaces is retired, not deleted.
pub async fn publish(
    db: &Db,
    ctx: &Context,
    code: &str,
    valid_from: Date,
) -> Result<i64, ServiceError> {
    let ctx = ctx.clone();
    let code = code.to_owned();
    db.write(move |tx| {
        let draft = procedures::draft(tx, &code)?.ok_or(ServiceError::NotFound)?;
        let errors = draft.body.check(&Lookup(tx));
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let now = ctx.now_text();
        procedures::retire_published(tx, &code, &now)?;
        procedures::publish_draft(tx, draft.id, &valid_from.to_string(), &now, &ctx.actor)?;
        outbox::enqueue(tx, &OutboxItem::Procedure(code.clone()), &now)?;
        ctx.audit(
            tx,
            "procedure.publish",
            &code,
            Outcome::Ok,
            &format!("version {}", draft.version),
        )?;
        Ok(draft.version)
    })
    .await
}

/// Takes a procedure off the portal (ngừng công bố) without a replacement.
pub async fn withdraw(db: &Db, ctx: &Context, code: &str) -> Result<(), ServiceError> {
    let ctx = ctx.clone();
    let code = code.to_owned();
    db.write(move |tx| {
        procedures::published(tx, &code)?.ok_or(ServiceError::NotFound)?;
        let now = ctx.now_text();
        procedures::retire_published(tx, &code, &now)?;
        outbox::enqueue(tx, &OutboxItem::Procedure(code.clone()), &now)?;
        ctx.audit(tx, "procedure.withdraw", &code, Outcome::Ok, "")?;
        Ok(())
    })
    .await
}

pub async fn discard_draft(db: &Db, ctx: &Context, code: &str) -> Result<(), ServiceError> {
    let ctx = ctx.clone();
    let code = code.to_owned();
    db.write(move |tx| {
        procedures::delete_draft(tx, &code)?;
        ctx.audit(tx, "procedure.draft.discard", &code, Outcome::Ok, "")?;
        Ok(())
    })
    .await
}

/// What an editor starts from: the open draft, else the newest version.
pub fn editable(
    conn: &rusqlite::Connection,
    code: &str,
) -> Result<Option<ProcedureVersion>, StoreError> {
    match procedures::draft(conn, code)? {
        Some(d) => Ok(Some(d)),
        None => procedures::latest(conn, code),
    }
}

/// Opens a draft from the newest version when none is open; drafts are where every change happens.
fn ensure_draft(
    tx: &rusqlite::Connection,
    ctx: &Context,
    code: &str,
) -> Result<ProcedureVersion, ServiceError> {
    if let Some(d) = procedures::draft(tx, code)? {
        return Ok(d);
    }
    let latest = procedures::latest(tx, code)?.ok_or(ServiceError::NotFound)?;
    procedures::insert_version(
        tx,
        &NewVersion {
            body: &latest.body,
            state: "draft",
            content_hash: &latest.content_hash,
            valid_from: None,
            at: &ctx.now_text(),
            by: &ctx.actor,
        },
    )?;
    procedures::draft(tx, code)?.ok_or(ServiceError::NotFound)
}

/// Opens a draft of an existing procedure (a copy of its newest version) for editing.
pub async fn open_draft(db: &Db, ctx: &Context, code: &str) -> Result<(), ServiceError> {
    let ctx = ctx.clone();
    let code = code.to_owned();
    db.write(move |tx| ensure_draft(tx, &ctx, &code).map(|_| ()))
        .await
}

/// Adds a downloadable template to the procedure's draft; its key is derived from its name.
pub async fn add_template(
    db: &Db,
    ctx: &Context,
    code: &str,
    mut upload: NewTemplateFile,
) -> Result<(), ServiceError> {
    if upload.name.trim().is_empty() {
        return Err(ServiceError::field("template_name", "required"));
    }
    let ctx = ctx.clone();
    let code = code.to_owned();
    db.write(move |tx| {
        let mut draft = ensure_draft(tx, &ctx, &code)?;
        let base: String = slug(&upload.name).chars().take(50).collect();
        let base = if base.is_empty() {
            "mau".to_owned()
        } else {
            base
        };
        let mut key = base.clone();
        let mut n = 2;
        while draft.body.templates.iter().any(|t| t.key == key) {
            key = format!("{base}-{n}");
            n += 1;
        }
        upload.key = key;
        let reference = template_from_upload(&upload, "template_file")?;
        procedures::put_template_file(tx, &reference.sha256, &reference.media_type, &upload.bytes)?;
        draft.body.templates.push(reference);
        procedures::update_draft(tx, draft.id, &draft.body, &content_hash(&draft.body))?;
        ctx.audit(
            tx,
            "procedure.template.add",
            &code,
            Outcome::Ok,
            &upload.file_name,
        )?;
        Ok(())
    })
    .await
}

/// Removes a template from the draft unless a component still points at it.
pub async fn remove_template(
    db: &Db,
    ctx: &Context,
    code: &str,
    key: &str,
) -> Result<(), ServiceError> {
    let ctx = ctx.clone();
    let (code, key) = (code.to_owned(), key.to_owned());
    db.write(move |tx| {
        let mut draft = ensure_draft(tx, &ctx, &code)?;
        if draft
            .body
            .components
            .iter()
            .any(|c| c.template.as_deref() == Some(key.as_str()))
        {
            return Err(ServiceError::field("template", "template.in_use"));
        }
        let before = draft.body.templates.len();
        draft.body.templates.retain(|t| t.key != key);
        if draft.body.templates.len() == before {
            return Err(ServiceError::NotFound);
        }
        procedures::update_draft(tx, draft.id, &draft.body, &content_hash(&draft.body))?;
        ctx.audit(tx, "procedure.template.remove", &code, Outcome::Ok, &key)?;
        Ok(())
    })
    .await
}
