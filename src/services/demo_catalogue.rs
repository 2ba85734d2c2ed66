//! The demo office's catalogue: the procedure pack in demo/catalogue.json (every entry marked as demo data, with
//! codes that cannot be mistaken for national ones), its template files from demo/templates/, and the portal's
//! guides and FAQ from demo/pages.json. Loaded once through the same import as any other pack.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::store::pages::Page;
use crate::store::{Db, settings};

use super::packs::{self, ImportReport};
use super::{Context, ServiceError};

const CATALOGUE: &str = include_str!("../../demo/catalogue.json");
const PAGES: &str = include_str!("../../demo/pages.json");
const FLAG: &str = "demo_catalogue_loaded";

#[derive(rust_embed::Embed)]
#[folder = "demo/templates/"]
struct DemoTemplates;

/// The demo catalogue as a self-contained pack: each template's `file` replaced by its content.
pub fn demo_pack() -> Result<String, ServiceError> {
    let invalid =
        |why: String| ServiceError::Internal(anyhow::anyhow!("demo/catalogue.json: {why}"));
    let mut pack: serde_json::Value =
        serde_json::from_str(CATALOGUE).map_err(|e| invalid(e.to_string()))?;
    let procedures = pack
        .get_mut("procedures")
        .and_then(|p| p.as_array_mut())
        .ok_or_else(|| invalid("no procedures".into()))?;
    for procedure in procedures {
        let Some(templates) = procedure
            .get_mut("templates")
            .and_then(|t| t.as_array_mut())
        else {
            continue;
        };
        for template in templates {
            let Some(object) = template.as_object_mut() else {
                continue;
            };
            if let Some(file) = object.remove("file") {
                let name = file.as_str().unwrap_or_default().to_owned();
                let bytes = DemoTemplates::get(&name)
                    .ok_or_else(|| invalid(format!("missing template file {name}")))?;
                object.insert("content_base64".into(), BASE64.encode(bytes.data).into());
            }
        }
    }
    serde_json::to_string_pretty(&pack).map_err(|e| invalid(e.to_string()))
}

/// Imports the demo catalogue, guides and FAQ once; `None` when they were already loaded.
pub async fn load(db: &Db, ctx: &Context) -> Result<Option<ImportReport>, ServiceError> {
    if db.read(|c| settings::get(c, FLAG)).await?.is_some() {
        return Ok(None);
    }
    let pack = demo_pack()?;
    let report = packs::import(db, ctx, &pack).await.map_err(|e| match e {
        packs::ImportError::Refused(problem) => {
            ServiceError::Internal(anyhow::anyhow!("the demo catalogue is invalid: {problem}"))
        }
        packs::ImportError::Service(e) => e,
    })?;
    let pages: Vec<Page> = serde_json::from_str(PAGES)
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("demo/pages.json: {e}")))?;
    super::pages::import_pages(db, ctx, pages).await?;
    let at = ctx.now_text();
    db.write(move |tx| settings::set(tx, FLAG, &at).map_err(ServiceError::from))
        .await?;
    Ok(Some(report))
}
