//! The staff side of the exchange with the applicant (portal function đ): the conversation on the dossier page
//! with a reply form, and the applicant's satisfaction rating once given.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use crate::domain::rating::{CRITERIA, INDICES, level_label};
use crate::services::dossiers::exchange;
use crate::store::dossiers::messages::MessageRow;
use crate::store::ratings::RatingRow;
use crate::web::error::PageError;
use crate::web::extract::{Client, CsrfForm, StaffSession, staff_acting};
use crate::web::state::AppState;
use crate::web::ui::dossier::short_time;
use crate::web::ui::form::csrf_input;

/// The conversation and, for a dossier submitted by a citizen account, the reply form.
pub fn section(
    reference: &str,
    online: bool,
    messages: &[MessageRow],
    rating: Option<&RatingRow>,
    csrf: &str,
) -> Markup {
    html! {
        @if online || !messages.is_empty() {
            section class="card" aria-labelledby="h-messages" {
                h2 id="h-messages" { "Trao đổi với người nộp hồ sơ" }
                @if messages.is_empty() { p class="muted" { "Chưa có tin nhắn." } }
                ol class="messages" {
                    @for m in messages {
                        li class={ "message " (m.author_kind) } {
                            p class="meta" { strong { (m.author_name) } " – " (short_time(Some(&m.created_at))) }
                            p { (m.body) }
                        }
                    }
                }
                @if online {
                    form method="post" action={ "/staff/dossiers/" (reference) "/messages" } {
                        (csrf_input(csrf))
                        div class="field" {
                            label for="msg-body" { "Tin nhắn gửi người nộp hồ sơ (hiện trên Cổng dịch vụ công)" }
                            textarea id="msg-body" name="body" rows="3" maxlength="4000" required {}
                        }
                        button type="submit" class="secondary" { "Gửi tin nhắn" }
                    }
                }
            }
        }
        @if let Some(r) = rating {
            section class="card" aria-labelledby="h-rating" {
                h2 id="h-rating" { "Đánh giá của người nộp hồ sơ" }
                p { strong { (level_label(&r.overall)) } " – " (short_time(Some(&r.updated_at))) }
                (rating_details(r))
                @if !r.comment.is_empty() { p { "Ý kiến: " (r.comment) } }
            }
        }
    }
}

fn rating_details(r: &RatingRow) -> Markup {
    let criteria: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&r.criteria).unwrap_or_default();
    let indices: std::collections::BTreeMap<String, u8> =
        serde_json::from_str(&r.indices).unwrap_or_default();
    html! {
        ul {
            @for (key, label) in CRITERIA { @if let Some(v) = criteria.get(key) { li { (label) ": " (level_label(v)) } } }
            @for (key, label, _) in INDICES { @if let Some(v) = indices.get(key) { li { (label) ": " (v) " điểm" } } }
        }
    }
}

#[derive(Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    body: String,
}

/// `POST /staff/dossiers/{ref}/messages`.
pub async fn post_message(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
    client: Client,
    Path(reference): Path<String>,
    CsrfForm(form): CsrfForm<MessageForm>,
) -> Result<Response, PageError> {
    let ctx = client.context(&me.username);
    exchange::post_message(&state.db, &ctx, &staff_acting(&me), &reference, &form.body).await?;
    Ok(Redirect::to(&format!(
        "/staff/dossiers/{reference}?done=message#h-messages"
    ))
    .into_response())
}
