//! Domain layer: pure types and rules, free of I/O. Imports nothing from the rest of the crate.

pub mod archive;
pub mod calendar;
pub mod catalogue;
pub mod citizen;
pub mod citizen_id;
pub mod dossier;
pub mod eform;
pub mod error;
pub mod evaluation;
pub mod filetype;
pub mod holiday;
pub mod ids;
pub mod lunar;
pub mod org;
pub mod password;
pub mod rating;
pub mod role;
pub mod telex;
pub mod text;
pub mod timefmt;

pub use error::{DomainError, FieldErrors};
