//! The frame of the portal's pages for a signed-in citizen: the header with their name, the notification bell with
//! its unread count and the sign-out button; and the address pickers shared by the profile and the e-forms.

use maud::Markup;

use crate::services::citizens::CitizenPrincipal;
use crate::store::citizens::notices;
use crate::store::{StoreError, settings};
use crate::web::error::PageError;
use crate::web::session::csrf_token;
use crate::web::state::AppState;
use crate::web::ui::layout::{CitizenNav, PageContext, page};

/// A full portal page for a signed-in citizen.
pub async fn citizen_page(
    state: &AppState,
    me: &CitizenPrincipal,
    title: &str,
    body: Markup,
) -> Result<Markup, PageError> {
    let id = me.citizen_id;
    let (office, unread) = state
        .db
        .read(move |c| {
            Ok::<_, StoreError>((settings::get_office(c)?, notices::unread_count(c, id)?))
        })
        .await?;
    let nav = CitizenNav {
        name: me.full_name.clone(),
        csrf: csrf_token(&state.mac, &me.token),
        unread,
    };
    Ok(page(
        &PageContext {
            office: &office,
            staff: None,
            citizen: Some(nav),
        },
        title,
        body,
    ))
}

/// A public portal page (no citizen signed in).
pub async fn public_page(state: &AppState, title: &str, body: Markup) -> Result<Markup, PageError> {
    let office = state.db.read(settings::get_office).await?;
    Ok(page(
        &PageContext {
            office: &office,
            staff: None,
            citizen: None,
        },
        title,
        body,
    ))
}
