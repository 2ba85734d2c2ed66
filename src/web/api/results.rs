//! Web layer, API: `POST /api/v1/results/verify`, the machine twin of the public verification page. It needs no
//! token: whoever holds a verification code and a file may ask whether the file is the one the agency signed.

use axum::Json;
use axum::extract::{Multipart, State};
use serde_json::{Value, json};

use crate::services::ServiceError;
use crate::services::results::{self, Verification};

use crate::web::error::ApiError;
use crate::web::state::AppState;

/// Multipart `code` and `file` → `{"outcome": "genuine" | "altered" | "invalid" | "unknown", …}`. A known code
/// also returns the signed fields, the signature, the public key and the exact message signed, so the answer can
/// be checked offline; an unknown one returns nothing else.
pub async fn verify(
    State(state): State<AppState>,
    client: crate::web::extract::Client,
    mut multipart: Multipart,
) -> Result<Json<Value>, ApiError> {
    if !state.limits.allow_lookup(&client.ip) {
        return Err(ApiError(ServiceError::RateLimited));
    }
    let too_large = || ApiError(ServiceError::field("file", "upload.too_large"));
    let (mut code, mut file) = (String::new(), None);
    while let Some(field) = multipart.next_field().await.map_err(|_| too_large())? {
        match field.name().unwrap_or_default() {
            "code" => code = field.text().await.unwrap_or_default(),
            "file" => file = Some(field.bytes().await.map_err(|_| too_large())?.to_vec()),
            _ => {}
        }
    }
    let Some(file) = file.filter(|f| !f.is_empty()) else {
        return Err(ApiError(ServiceError::field("file", "file.empty")));
    };
    let verification = results::verify(&state.db, &code, Some(&file)).await?;
    let Some(record) = verification.record() else {
        return Ok(Json(json!({ "outcome": "unknown" })));
    };
    let mut body = json!({
        "outcome": verification.outcome(),
        "verify_code": record.verify_code,
        "signature_valid": !matches!(verification, Verification::Invalid(_)),
    });
    if !matches!(verification, Verification::Invalid(_)) {
        body["result"] = json!({
            "agency": {"code": record.agency_code, "name": record.agency_name},
            "dossier_code": record.dossier_code,
            "procedure_name": record.procedure_name,
            "file_name": record.file_name,
            "media_type": record.media_type,
            "size": record.size,
            "sha256": record.sha256,
            "signed_at": record.signed_at,
            "key_id": record.key_id,
            "public_key": record.public_key,
            "signature": record.signature,
            "signed_message": results::message_of(record),
        });
    }
    if let Verification::Altered {
        presented_sha256, ..
    } = &verification
    {
        body["presented_sha256"] = json!(presented_sha256);
    }
    Ok(Json(body))
}
