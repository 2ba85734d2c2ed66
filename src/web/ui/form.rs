//! Form fields with labels, help and inline errors in Vietnamese.

use maud::{Markup, html};

use crate::domain::FieldErrors;

use super::messages::field_message;

/// One labelled input. The error, if any, is linked with `aria-describedby` for screen readers.
pub struct Field<'a> {
    pub name: &'a str,
    pub label: &'a str,
    pub kind: &'a str,
    pub value: &'a str,
    pub autocomplete: &'a str,
    pub required: bool,
}

pub fn field(f: &Field<'_>, errors: &FieldErrors) -> Markup {
    let id = format!("f-{}", f.name);
    let error_id = format!("{id}-error");
    let error = errors.first(f.name).map(field_message);
    html! {
        div class={ "field" @if error.is_some() { " has-error" } } {
            label for=(id) { (f.label) @if f.required { span class="req" aria-hidden="true" { " *" } } }
            input id=(id) name=(f.name) type=(f.kind) value=(f.value) autocomplete=(f.autocomplete)
                required[f.required] aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| error_id.as_str())];
            @if let Some(message) = error { p class="error" id=(error_id) { (message) } }
        }
    }
}

pub fn csrf_input(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}

/// A summary of every error at the top of a form, so none is missed.
pub fn error_summary(errors: &FieldErrors) -> Markup {
    html! {
        @if !errors.is_empty() {
            div class="alert error" role="alert" {
                p { strong { "Vui lòng sửa các lỗi sau:" } }
                ul { @for (_, codes) in &errors.0 { @for code in codes { li { (field_message(code)) } } } }
            }
        }
    }
}
