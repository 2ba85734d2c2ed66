//! Services: every operation that changes data, from any front door (pages, API, CLI, jobs). Each opens one write
//! transaction, applies the domain rules and appends the audit entry in that same transaction.

pub mod accounts;
pub mod admin_units;
pub mod agencies;
pub mod auth;
pub mod browse;
pub mod calendar;
pub mod catalogue;
pub mod citizens;
pub mod demo;
pub mod demo_archive;
pub mod demo_catalogue;
pub mod demo_citizens;
pub mod demo_dossiers;
pub mod dossier_search;
pub mod dossiers;
pub mod forms;
mod json_lines;
pub mod notify;
pub mod office;
pub mod packs;
pub mod pages;
pub mod procedures;
pub mod ratings;
pub mod reports;
pub mod results;
pub mod search;
pub mod submissions;
pub mod tokens;

use time::OffsetDateTime;

use crate::domain::text::escape_controls;
use crate::domain::{DomainError, FieldErrors};
use crate::store::StoreError;
use crate::store::audit::{self, NewAuditEntry, Outcome};

/// Why an operation did not happen. The web layer maps each variant to a status and a Vietnamese message.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("invalid input")]
    Invalid(FieldErrors),
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The current state or a process rule does not allow the action; the code names the rule
    /// (`dossier.invalid_transition`, `dossier.already_extended`, …). Nothing changed.
    #[error("refused: {0}")]
    Refused(&'static str),
    #[error("wrong username or password")]
    InvalidCredentials,
    #[error("account locked")]
    Locked,
    #[error("not signed in")]
    Unauthenticated,
    #[error("session ended after inactivity")]
    SessionExpired,
    /// Too many requests of a guessable kind (lookups by code) from one address; try again shortly.
    #[error("rate limited")]
    RateLimited,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ServiceError::NotFound,
            StoreError::Conflict(name) => ServiceError::Conflict(name),
            other => ServiceError::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<DomainError> for ServiceError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid(fields) => ServiceError::Invalid(fields),
            DomainError::NotPermitted => ServiceError::Forbidden,
        }
    }
}

impl ServiceError {
    /// A single-field validation error.
    pub fn field(field: &str, code: &str) -> Self {
        let mut errors = FieldErrors::new();
        errors.add(field, code);
        ServiceError::Invalid(errors)
    }
}

/// Maps a unique-constraint conflict to a field error the person can fix ("this username is taken"); other
/// storage errors keep their meaning. Use as `.map_err(on_conflict("username", "username.taken"))`.
pub(crate) fn on_conflict(
    field: &'static str,
    code: &'static str,
) -> impl FnOnce(StoreError) -> ServiceError {
    move |e| match ServiceError::from(e) {
        ServiceError::Conflict(_) => ServiceError::field(field, code),
        other => other,
    }
}

/// Who is acting and from where, for the audit log.
#[derive(Debug, Clone)]
pub struct Context {
    pub actor: String,
    pub ip: String,
    pub now: OffsetDateTime,
}

impl Context {
    /// An operator at the server's console (`motcua user add`, `motcua demo`).
    pub fn console(now: OffsetDateTime) -> Self {
        Self {
            actor: "cli".to_owned(),
            ip: "local".to_owned(),
            now,
        }
    }

    /// A background job, acting now.
    pub fn job(name: &str) -> Self {
        Self {
            actor: name.to_owned(),
            ip: "local".to_owned(),
            now: OffsetDateTime::now_utc(),
        }
    }

    pub fn now_text(&self) -> String {
        crate::store::format_time(self.now)
    }

    /// Appends an audit entry for this context inside the caller's transaction.
    pub fn audit(
        &self,
        conn: &rusqlite::Connection,
        action: &'static str,
        object: &str,
        outcome: Outcome,
        detail: &str,
    ) -> Result<(), StoreError> {
        let entry = NewAuditEntry {
            actor: escape_controls(&self.actor),
            ip: escape_controls(&self.ip),
            action,
            object: escape_controls(object),
            outcome,
            detail: escape_controls(detail),
        };
        audit::append(conn, &self.now_text(), &entry).map(|_| ())
    }
}

/// Runs CPU-heavy work (password hashing) on a blocking thread, never on the async workers.
pub(crate) async fn cpu<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ServiceError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(value) => Ok(value),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(ServiceError::Internal(anyhow::Error::new(e))),
    }
}
