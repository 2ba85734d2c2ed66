//! Web layer, back office: electronic results (kết quả điện tử) of one dossier — the list of results already
//! issued with their verification codes and printable slips, and the upload that signs and publishes a new one.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

use crate::services::ServiceError;
use crate::services::auth::Principal;
use crate::services::results;
use crate::store::dossiers::DossierRow;
use crate::store::results::ResultRow;
use crate::store::settings;

use crate::web::error::PageError;
use crate::web::extract::{Client, StaffSession, staff_acting};
use crate::web::session::csrf_token;
use crate::web::state::AppState;
use crate::web::ui::dossier::short_time;
use crate::web::ui::form::csrf_input;
use crate::web::ui::layout::{PageContext, page, scroll_table};
use crate::web::ui::messages::{field_message, refusal_message};
use crate::web::upload::Upload;

/// The dossier page's section: issued results, and the form to issue one when this person may.
pub fn section(
    me: &Principal,
    row: &DossierRow,
    issued: &[ResultRow],
    csrf: &str,
    max_file_mb: usize,
) -> Markup {
    let reference = row.code.clone().unwrap_or_else(|| row.public_id.clone());
    let may_issue = results::may_issue(&staff_acting(me).actor, row);
    if issued.is_empty() && !may_issue {
        return html! {};
    }
    html! {
        section class="card" id="ket-qua-dien-tu" aria-labelledby="h-results" {
            h2 id="h-results" { "Kết quả điện tử" }
            @if issued.is_empty() {
                p class="muted" { "Chưa phát hành kết quả điện tử nào." }
            } @else {
                (scroll_table("Bảng kết quả điện tử đã phát hành", html! {
                    table {
                        thead { tr {
                            th scope="col" { "Mã xác thực" } th scope="col" { "Tệp" } th scope="col" { "Ký lúc" }
                            th scope="col" { "Người phát hành" } th scope="col" { "Phiếu xác thực" }
                        } }
                        tbody { @for r in issued { tr {
                            td { code { (r.verify_code) } }
                            td { a href={ "/staff/dossiers/" (reference) "/documents/" (r.document_id) } { (r.file_name) } }
                            td { (short_time(Some(&r.signed_at))) }
                            td { (r.signed_by) }
                            td { a href={ "/xac-thuc-ket-qua/" (r.verify_code) "/phieu" } { "In phiếu" span class="visually-hidden" { " của mã " (r.verify_code) } } }
                        } } }
                    }
                }))
            }
            @if may_issue {
                form method="post" action={ "/staff/dossiers/" (reference) "/results" } enctype="multipart/form-data" {
                    (csrf_input(csrf))
                    div class="field" {
                        label for="result-file" { "Tệp kết quả (PDF, DOCX, ODT, XLSX hoặc ảnh; tối đa " (max_file_mb) " MB)" }
                        input id="result-file" type="file" name="file" required aria-describedby="result-hint";
                    }
                    p id="result-hint" class="muted" {
                        "Tệp được ký số bằng khóa của cơ quan. Người nhận kiểm tra tính xác thực tại trang "
                        a href="/xac-thuc-ket-qua" { "Xác thực kết quả điện tử" } " bằng mã xác thực in trên phiếu."
                    }
                    button type="submit" { "Phát hành kết quả điện tử" }
                }
            }
        }
    }
}

/// `POST /staff/dossiers/{reference}/results`: signs the uploaded file and publishes it as a result.
pub(super) async fn create_result(
    State(state): State<AppState>,
    StaffSession(me): StaffSession,
    client: Client,
    Path(reference): Path<String>,
    form: Upload,
) -> Result<Response, PageError> {
    let Some(file) = form.file("file") else {
        return problem(
            &state,
            &me,
            &reference,
            StatusCode::UNPROCESSABLE_ENTITY,
            field_message("file.empty"),
        )
        .await;
    };
    let ctx = client.context(&me.username);
    let issued = results::issue(
        &state.db,
        &ctx,
        state.files.clone(),
        &results::seal_secret(&state.mac),
        &staff_acting(&me),
        &reference,
        file.file_name.clone(),
        file.bytes.clone(),
    )
    .await;
    match issued {
        Ok(done) => Ok(Redirect::to(&format!(
            "/staff/dossiers/{}?done=result#ket-qua-dien-tu",
            done.dossier_code
        ))
        .into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let message = errors
                .0
                .values()
                .flatten()
                .next()
                .map_or("Tệp không hợp lệ.", |c| field_message(c));
            problem(
                &state,
                &me,
                &reference,
                StatusCode::UNPROCESSABLE_ENTITY,
                message,
            )
            .await
        }
        Err(ServiceError::Refused(code)) => {
            problem(
                &state,
                &me,
                &reference,
                StatusCode::CONFLICT,
                refusal_message(code),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// Why the result was not issued, with the way back to the dossier.
async fn problem(
    state: &AppState,
    me: &Principal,
    reference: &str,
    status: StatusCode,
    message: &str,
) -> Result<Response, PageError> {
    let office = state.db.read(settings::get_office).await?;
    let body = html! {
        h1 { "Chưa phát hành được kết quả điện tử" }
        div class="alert error" role="alert" { (message) }
        p { a href={ "/staff/dossiers/" (reference) } { "Quay lại hồ sơ" } }
    };
    let markup = page(
        &PageContext {
            office: &office,
            staff: Some((me, csrf_token(&state.mac, &me.token))),
            citizen: None,
        },
        "Chưa phát hành được kết quả điện tử",
        body,
    );
    Ok((status, markup).into_response())
}
