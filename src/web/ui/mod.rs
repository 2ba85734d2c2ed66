//! Page building blocks shared by every web area: the layout with header and footer, form fields, messages.

pub mod chart;
pub mod dossier;
pub mod eform;
pub mod form;
pub mod layout;
pub mod messages;
pub mod procedure;
