//! Services layer: the printed forms of the one-stop section (Circular 01/2018/TT-VPCP Art. 9, and the seven forms
//! of Circular 03/2025/TT-VPCP) as versioned data. The official sets ship in `forms/<set>/` and are seeded into
//! `form_templates` at start without touching rows an administrator edited; the `form_set` setting picks the set
//! in force, so moving to the 2025 forms is a settings change. A form is rendered from the dossier, its history,
//! the catalogue record of its procedure (never free text, A.10) and the office.

mod build;
pub mod context;
mod register;
mod render;

use rusqlite::Connection;
use serde::Deserialize;
use time::OffsetDateTime;

use crate::domain::calendar::to_local;
use crate::domain::dossier::Actor;
use crate::domain::text::nfc;
use crate::store::audit::Outcome;
use crate::store::form_templates::{self, FormTemplate};
use crate::store::{Db, StoreError, dossiers, procedures, settings};

use super::{Context, ServiceError};

pub use build::place_of;
pub use context::{FormContext, Moment, RegisterEntry};
pub use register::{REGISTER_PAGE_SIZE, RegisterPage, RegisterQuery, register, register_csv};
pub use render::{MAX_TEMPLATE_BYTES, check as check_template, qr_svg};

/// The set in force when the `form_set` setting is absent.
pub const DEFAULT_SET: &str = "tt01-2018";
const SETTING_SET: &str = "form_set";

#[derive(rust_embed::Embed)]
#[folder = "forms/"]
struct Shipped;

/// `forms/<set>/set.toml`: which file holds which form, with its number, title and paper.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    form: Vec<ManifestForm>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestForm {
    key: String,
    number: String,
    title: String,
    paper: String,
    file: String,
}

/// Every shipped template, read from the embedded files. A broken shipped set is a build mistake, reported whole.
pub fn shipped_templates(at: &str) -> Result<Vec<FormTemplate>, ServiceError> {
    let bad = |why: String| ServiceError::Internal(anyhow::anyhow!("forms/: {why}"));
    let mut out = Vec::new();
    let mut manifests: Vec<String> = Shipped::iter()
        .filter(|p| p.ends_with("/set.toml"))
        .map(|p| p.into_owned())
        .collect();
    manifests.sort();
    for path in manifests {
        let set = path.trim_end_matches("/set.toml").to_owned();
        let file = Shipped::get(&path).ok_or_else(|| bad(format!("{path} missing")))?;
        let text = std::str::from_utf8(&file.data).map_err(|e| bad(format!("{path}: {e}")))?;
        let manifest: Manifest = toml::from_str(text).map_err(|e| bad(format!("{path}: {e}")))?;
        for f in manifest.form {
            let body_path = format!("{set}/{}", f.file);
            let body =
                Shipped::get(&body_path).ok_or_else(|| bad(format!("{body_path} missing")))?;
            let body =
                std::str::from_utf8(&body.data).map_err(|e| bad(format!("{body_path}: {e}")))?;
            if !matches!(f.paper.as_str(), "A5" | "A4") {
                return Err(bad(format!("{path}: paper of {} must be A5 or A4", f.key)));
            }
            render::check(body).map_err(|e| bad(format!("{body_path}: {e}")))?;
            out.push(FormTemplate {
                form_set: set.clone(),
                key: f.key,
                number: f.number,
                title: nfc(&f.title),
                paper: f.paper,
                body: nfc(body),
                updated_at: at.to_owned(),
            });
        }
    }
    Ok(out)
}

/// Inserts the shipped templates that are not in the database yet; an administrator's edits are kept. Returns how
/// many were added (all of them on a new office, none on later starts, the new ones after an upgrade that ships a
/// set). Like a migration, this installs what the release contains, so it is logged rather than audited; every
/// edit by a person is audited.
pub async fn seed_defaults(db: &Db, ctx: &Context) -> Result<usize, ServiceError> {
    let templates = shipped_templates(&ctx.now_text())?;
    let added = db
        .write(move |tx| {
            let mut added = 0;
            for t in &templates {
                if form_templates::insert_if_absent(tx, t)? {
                    added += 1;
                }
            }
            Ok::<_, ServiceError>(added)
        })
        .await?;
    if added > 0 {
        tracing::info!(added, "printed form templates installed");
    }
    Ok(added)
}

/// Replaces the body of one form of one set after checking that it compiles and renders; the check's message is
/// available from [`check_template`] for the editor page. The set and key must exist.
pub async fn save_template(
    db: &Db,
    ctx: &Context,
    set: &str,
    key: &str,
    body: &str,
) -> Result<(), ServiceError> {
    let body = nfc(body).replace("\r\n", "\n");
    if body.trim().is_empty() {
        return Err(ServiceError::field("body", "required"));
    }
    if render::check(&body).is_err() {
        return Err(ServiceError::field("body", "template.invalid"));
    }
    let (ctx, set, key) = (ctx.clone(), set.to_owned(), key.to_owned());
    db.write(move |tx| {
        form_templates::update_body(tx, &set, &key, &body, &ctx.now_text())?;
        ctx.audit(
            tx,
            "forms.template.update",
            &format!("{set}/{key}"),
            Outcome::Ok,
            &format!("bytes={}", body.len()),
        )?;
        Ok(())
    })
    .await
}

/// Puts back the body this release ships for one form, undoing every edit: the way out of a template that prints
/// badly although it compiles. `NotFound` for a form no shipped set has.
pub async fn restore_template(
    db: &Db,
    ctx: &Context,
    set: &str,
    key: &str,
) -> Result<(), ServiceError> {
    let shipped = shipped_templates(&ctx.now_text())?
        .into_iter()
        .find(|t| t.form_set == set && t.key == key)
        .ok_or(ServiceError::NotFound)?;
    let ctx = ctx.clone();
    db.write(move |tx| {
        form_templates::update_body(
            tx,
            &shipped.form_set,
            &shipped.key,
            &shipped.body,
            &ctx.now_text(),
        )?;
        ctx.audit(
            tx,
            "forms.template.restore",
            &format!("{}/{}", shipped.form_set, shipped.key),
            Outcome::Ok,
            "",
        )?;
        Ok(())
    })
    .await
}

/// The set in force.
pub fn active_set(conn: &Connection) -> Result<String, StoreError> {
    Ok(settings::get(conn, SETTING_SET)?
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_SET.to_owned()))
}

/// Puts another set in force (for instance `tt03-2025` when Circular 03/2025 applies). Only a set that exists in
/// the database can be chosen.
pub async fn activate_set(db: &Db, ctx: &Context, set: &str) -> Result<(), ServiceError> {
    let (ctx, set) = (ctx.clone(), set.trim().to_owned());
    db.write(move |tx| {
        if !form_templates::list_sets(tx)?.contains(&set) {
            return Err(ServiceError::field("form_set", "form_set.unknown"));
        }
        settings::set(tx, SETTING_SET, &set)?;
        ctx.audit(tx, "forms.set.activate", &set, Outcome::Ok, "")?;
        Ok(())
    })
    .await
}

/// The active set's forms, for a list of what can be printed.
pub async fn list_active(db: &Db) -> Result<(String, Vec<FormTemplate>), ServiceError> {
    Ok(db
        .read(|c| {
            let set = active_set(c)?;
            let forms = form_templates::list(c, &set)?;
            Ok::<_, StoreError>((set, forms))
        })
        .await?)
}

/// A rendered form and what the print page needs around it.
#[derive(Debug, Clone)]
pub struct RenderedForm {
    pub set: String,
    pub key: String,
    pub number: String,
    pub title: String,
    /// `A5` or `A4`; the print stylesheet sets the page size from it.
    pub paper: String,
    pub html: String,
    /// The dossier's code or, before receipt, its public id: how the print page links back.
    pub reference: String,
}

/// One form of the active set for one dossier, or why it cannot be printed yet.
#[derive(Debug, Clone)]
pub enum Printable {
    Ready(RenderedForm),
    /// The form does not apply to this dossier (yet): the Vietnamese sentence says why.
    NotApplicable(&'static str),
    /// The register is a yearly book, printed from its own page.
    Register {
        year: i64,
    },
}

/// A form of the active set with whether it applies to the dossier now.
#[derive(Debug, Clone)]
pub struct FormChoice {
    pub key: String,
    pub number: String,
    pub title: String,
    pub paper: String,
    pub applies: bool,
}

/// Why `key` cannot be printed for a dossier with this context, if it cannot.
fn not_applicable(key: &str, ctx: &FormContext) -> Option<&'static str> {
    let received = ctx
        .dossier
        .as_ref()
        .is_some_and(|d| d.received.is_some() && !d.code.is_empty());
    match key {
        "receipt" | "control" | "register" if !received => Some(
            "Hồ sơ chưa được tiếp nhận nên chưa có mã hồ sơ; biểu mẫu này được lập khi tiếp nhận hồ sơ.",
        ),
        "supplement" if ctx.supplement.is_none() => {
            Some("Hồ sơ chưa có yêu cầu bổ sung, hoàn thiện nào nên chưa có phiếu này.")
        }
        "refusal" if ctx.refusal.is_none() => {
            Some("Hồ sơ không bị từ chối tiếp nhận, giải quyết nên không có phiếu từ chối.")
        }
        "apology" if ctx.extension.is_none() => {
            Some("Hồ sơ chưa được gia hạn, hẹn lại ngày trả kết quả nên chưa có văn bản xin lỗi.")
        }
        "stop" if ctx.stop.is_none() => {
            Some("Hồ sơ không bị dừng giải quyết nên không có thông báo dừng giải quyết.")
        }
        _ => None,
    }
}

/// The date a form is issued on: the moment of the act it records.
fn issued_for(key: &str, ctx: &FormContext) -> Option<Moment> {
    let received = ctx.dossier.as_ref().and_then(|d| d.received.clone());
    match key {
        "receipt" | "control" => received,
        "supplement" => ctx.supplement.as_ref().map(|s| s.at.clone()),
        "refusal" => ctx.refusal.as_ref().map(|s| s.at.clone()),
        "apology" => ctx.extension.as_ref().map(|s| s.at.clone()),
        "stop" => ctx.stop.as_ref().map(|s| s.at.clone()),
        _ => None,
    }
}

/// Loads a dossier the actor may see and builds its context; `None` when it does not exist or is not theirs to
/// see (the same answer, so a code reveals nothing).
fn load_context(
    conn: &Connection,
    actor: &Actor,
    reference: &str,
    lookup_base: &str,
    now: OffsetDateTime,
) -> Result<Option<(dossiers::DossierRow, FormContext)>, ServiceError> {
    let Some(row) = dossiers::find(conn, reference)? else {
        return Ok(None);
    };
    if !super::dossiers::may_view(actor, &row) {
        return Ok(None);
    }
    let procedure = procedures::version(conn, &row.procedure_code, row.procedure_version)?
        .map(|v| v.body)
        .ok_or(ServiceError::NotFound)?;
    let components = dossiers::components(conn, row.id)?;
    let events = dossiers::events(conn, row.id)?;
    let org = build::Org::load(conn)?;
    let ctx = build::for_dossier(
        conn,
        &org,
        &row,
        &components,
        &events,
        &procedure,
        lookup_base,
        to_local(now),
    )?;
    Ok(Some((row, ctx)))
}

/// The forms of the active set for a dossier, each with whether it applies yet.
pub async fn choices(
    db: &Db,
    actor: &Actor,
    reference: &str,
) -> Result<(String, Vec<FormChoice>), ServiceError> {
    let (actor, reference) = (actor.clone(), reference.to_owned());
    db.read(move |c| {
        let (row, ctx) = load_context(c, &actor, &reference, "", OffsetDateTime::now_utc())?
            .ok_or(ServiceError::NotFound)?;
        let set = active_set(c)?;
        let list = form_templates::list(c, &set)?
            .into_iter()
            .map(|t| FormChoice {
                applies: not_applicable(&t.key, &ctx).is_none(),
                key: t.key,
                number: t.number,
                title: t.title,
                paper: t.paper,
            })
            .collect();
        Ok((row.code.unwrap_or(row.public_id), list))
    })
    .await
}

/// Renders form `key` of the active set for the dossier `reference` (code or public id), as seen by `actor`.
/// `lookup_base` is the public site's origin, for the QR code of the receipt.
pub async fn dossier_form(
    db: &Db,
    actor: &Actor,
    reference: &str,
    key: &str,
    lookup_base: &str,
) -> Result<Printable, ServiceError> {
    let (actor, reference, key, base) = (
        actor.clone(),
        reference.to_owned(),
        key.to_owned(),
        lookup_base.to_owned(),
    );
    db.read(move |c| {
        let (row, mut ctx) = load_context(c, &actor, &reference, &base, OffsetDateTime::now_utc())?
            .ok_or(ServiceError::NotFound)?;
        let set = active_set(c)?;
        let Some(template) = form_templates::find(c, &set, &key)? else {
            return Ok(Printable::NotApplicable(
                "Bộ biểu mẫu đang áp dụng không có mẫu này.",
            ));
        };
        if let Some(why) = not_applicable(&key, &ctx) {
            return Ok(Printable::NotApplicable(why));
        }
        if key == "register" {
            return Ok(Printable::Register {
                year: row.register_year.unwrap_or_default(),
            });
        }
        if let Some(issued) = issued_for(&key, &ctx) {
            ctx.issued = issued;
        }
        let qr = match ctx.dossier.as_ref().map(|d| d.lookup_url.as_str()) {
            Some(url) if !url.is_empty() => {
                render::qr_svg(url).map_err(|e| anyhow::anyhow!("QR code: {e}"))?
            }
            _ => String::new(),
        };
        let rendered = fill(&template, ctx, &qr)?;
        Ok(Printable::Ready(RenderedForm {
            reference: row.code.unwrap_or(row.public_id),
            ..rendered
        }))
    })
    .await
}

fn fill(
    template: &FormTemplate,
    mut ctx: FormContext,
    qr: &str,
) -> Result<RenderedForm, ServiceError> {
    ctx.form = context::FormInfo {
        set: template.form_set.clone(),
        key: template.key.clone(),
        number: template.number.clone(),
        title: template.title.clone(),
        paper: template.paper.clone(),
    };
    let html = render::render(&template.body, &ctx, qr).map_err(|e| {
        ServiceError::Internal(anyhow::anyhow!(
            "form {}/{} does not render: {e}",
            template.form_set,
            template.key
        ))
    })?;
    Ok(RenderedForm {
        set: template.form_set.clone(),
        key: template.key.clone(),
        number: template.number.clone(),
        title: template.title.clone(),
        paper: template.paper.clone(),
        html,
        reference: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shipped_sets_have_their_forms_with_the_exact_titles_and_paper() {
        let all = shipped_templates("2026-01-01T00:00:00.000Z").unwrap_or_else(|e| panic!("{e}"));
        let of = |set: &str| -> Vec<(String, String, String, String)> {
            all.iter()
                .filter(|t| t.form_set == set)
                .map(|t| {
                    (
                        t.key.clone(),
                        t.number.clone(),
                        t.title.clone(),
                        t.paper.clone(),
                    )
                })
                .collect()
        };
        let row = |k: &str, n: &str, t: &str, p: &str| (k.into(), n.into(), t.into(), p.into());
        assert_eq!(
            of("tt01-2018"),
            vec![
                row(
                    "receipt",
                    "01",
                    "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
                    "A5"
                ),
                row(
                    "supplement",
                    "02",
                    "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
                    "A5"
                ),
                row(
                    "refusal",
                    "03",
                    "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
                    "A5"
                ),
                row(
                    "apology",
                    "04",
                    "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
                    "A5"
                ),
                row(
                    "control",
                    "05",
                    "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
                    "A5"
                ),
                row("register", "06", "SỔ THEO DÕI HỒ SƠ", "A4"),
            ]
        );
        assert_eq!(
            of("tt03-2025"),
            vec![
                row(
                    "receipt",
                    "01",
                    "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
                    "A5"
                ),
                row(
                    "supplement",
                    "02",
                    "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
                    "A5"
                ),
                row(
                    "refusal",
                    "03",
                    "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
                    "A5"
                ),
                row(
                    "apology",
                    "04",
                    "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
                    "A5"
                ),
                row("stop", "05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", "A5"),
                row(
                    "control",
                    "06",
                    "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
                    "A5"
                ),
                row("register", "07", "SỔ THEO DÕI HỒ SƠ", "A4"),
            ]
        );
        for t in &all {
            assert_eq!(t.title, nfc(&t.title));
            assert_eq!(t.body, nfc(&t.body), "{}/{}", t.form_set, t.key);
        }
    }
}
