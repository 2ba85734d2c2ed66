//! Integration API tokens (`motcua token create`): shown once, stored as a SHA-256 hash.

use crate::crypto::{random_token, sha256_hex};
use crate::domain::text::{clean_line, has_control_chars};
use crate::store::Db;
use crate::store::api_tokens;
use crate::store::audit::Outcome;

use super::{Context, ServiceError, on_conflict};

/// The scopes an integration token may carry.
pub const SCOPES: [&str; 3] = ["read", "intake", "reports"];

/// Creates a token and returns its only plain copy, prefixed so it is recognisable in secret scanners.
pub async fn create(
    db: &Db,
    ctx: &Context,
    name: &str,
    scope: &str,
) -> Result<String, ServiceError> {
    let name = clean_line(name);
    if name.is_empty() || name.chars().count() > 80 || has_control_chars(&name) {
        return Err(ServiceError::field("name", "token_name.invalid"));
    }
    if !SCOPES.contains(&scope) {
        return Err(ServiceError::field("scope", "token_scope.invalid"));
    }
    let token = format!("mc_{}", random_token(32));
    let (hash, scope, ctx) = (sha256_hex(token.as_bytes()), scope.to_owned(), ctx.clone());
    db.write(move |tx| {
        api_tokens::insert(tx, &name, &scope, &hash, &ctx.now_text())
            .map_err(on_conflict("name", "token_name.taken"))?;
        ctx.audit(
            tx,
            "token.create",
            &name,
            Outcome::Ok,
            &format!("scope={scope}"),
        )?;
        Ok::<_, ServiceError>(())
    })
    .await?;
    Ok(token)
}
