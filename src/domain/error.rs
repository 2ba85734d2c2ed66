//! Domain errors: rule violations with stable machine codes that the web layer translates.

use std::collections::BTreeMap;

/// Field-level validation errors: field name → stable codes such as `"username.too_short"`.
/// Collected all at once so a form can show every problem in one round trip.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct FieldErrors(pub BTreeMap<String, Vec<String>>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, code: &str) {
        self.0
            .entry(field.to_owned())
            .or_default()
            .push(code.to_owned());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first code recorded for a field, used to pick the message shown beside it.
    pub fn first(&self, field: &str) -> Option<&str> {
        self.0
            .get(field)
            .and_then(|codes| codes.first())
            .map(String::as_str)
    }

    /// Turns a parse result into a collected error, keeping the value when it parsed.
    pub fn take<T>(&mut self, field: &str, result: Result<T, &'static str>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(code) => {
                self.add(field, code);
                None
            }
        }
    }

    /// `Ok(())` when nothing was collected, so callers can `?` after parsing every field.
    pub fn into_result(self) -> Result<(), DomainError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(DomainError::Invalid(self))
        }
    }
}

/// A rule of the domain was broken. Each variant has a stable code for APIs and tests.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DomainError {
    #[error("invalid input: {0:?}")]
    Invalid(FieldErrors),
    #[error("not permitted")]
    NotPermitted,
}
