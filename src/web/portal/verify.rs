//! Web layer, portal: public verification of electronic results (xác thực kết quả điện tử). Anyone holding a
//! verification code — printed on the slip, or read from its QR code — sees who issued the result and can upload
//! the file they were given to learn whether it is byte for byte the one the agency signed. An unknown code reveals
//! nothing. The agencies' public keys are published so the check can also be done offline.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use maud::{Markup, PreEscaped, html};

use crate::crypto::random_token;
use crate::services::results::{self, PublicKeyRow, Verification};
use crate::store::results::ResultRecord;
use crate::store::settings::{self, OfficeInfo};

use crate::web::error::PageError;
use crate::web::session::{PRE_SESSION_COOKIE, SESSION_COOKIE, csrf_token, pre_session_cookie};
use crate::web::state::AppState;
use crate::web::ui::dossier::long_time;
use crate::web::ui::form::csrf_input;
use crate::web::ui::layout::{PageContext, page};
use crate::web::upload::Upload;

/// The verification pages; the form accepts a file as large as a dossier document.
pub(super) fn routes(docs: &crate::config::DocumentsConfig) -> Router<AppState> {
    Router::new()
        .route(
            "/xac-thuc-ket-qua",
            get(show_form)
                .post(submit)
                .layer(DefaultBodyLimit::max(docs.body_limit(1))),
        )
        .route("/xac-thuc-ket-qua/khoa-cong-khai", get(list_keys))
        .route("/xac-thuc-ket-qua/{code}", get(show))
        .route("/xac-thuc-ket-qua/{code}/phieu", get(show_slip))
}

const TITLE: &str = "Xác thực kết quả điện tử";
const GENUINE: &str = "Kết quả điện tử hợp lệ, chưa bị sửa đổi";
const ALTERED: &str = "Tệp đã bị thay đổi so với bản được ký";
const UNKNOWN: &str = "Không tìm thấy mã xác thực";
const INVALID: &str = "Chữ ký số không hợp lệ";

/// The CSRF binding of the verification form: the staff session when the browser has one, else a pre-session
/// cookie made here (the same rule as the sign-in form).
fn csrf_binding(jar: CookieJar) -> (CookieJar, String) {
    if let Some(value) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) {
        return (jar, value);
    }
    match jar.get(PRE_SESSION_COOKIE).map(|c| c.value().to_owned()) {
        Some(value) => (jar, value),
        None => {
            let value = random_token(24);
            (jar.add(pre_session_cookie(value.clone())), value)
        }
    }
}

async fn office(state: &AppState) -> Result<OfficeInfo, PageError> {
    Ok(state.db.read(settings::get_office).await?)
}

fn public_page(office: &OfficeInfo, title: &str, body: Markup) -> Markup {
    page(
        &PageContext {
            office,
            staff: None,
            citizen: None,
        },
        title,
        body,
    )
}

/// The form: a code, and optionally the file to compare.
fn form(csrf: &str, code: &str) -> Markup {
    html! {
        form method="post" action="/xac-thuc-ket-qua" enctype="multipart/form-data" class="card" {
            (csrf_input(csrf))
            div class="field" {
                label for="verify-code" { "Mã xác thực (in trên Phiếu xác thực kết quả điện tử, dạng XXXX-XXXX-XXXX)" }
                input id="verify-code" name="code" type="text" value=(code) required autocomplete="off"
                    autocapitalize="characters" spellcheck="false" inputmode="text" maxlength="20";
            }
            div class="field" {
                label for="verify-file" { "Tệp kết quả bạn đang giữ (không bắt buộc)" }
                input id="verify-file" name="file" type="file" aria-describedby="verify-file-hint";
                p id="verify-file-hint" class="muted" {
                    "Tệp chỉ dùng để so sánh mã băm với bản đã ký, không được lưu lại. Tối đa 20 MB."
                }
            }
            button type="submit" { "Kiểm tra" }
        }
    }
}

/// What is known about a result: shown only for a code that exists.
fn record_details(r: &ResultRecord) -> Markup {
    html! {
        dl {
            dt { "Cơ quan phát hành" } dd { (r.agency_name) " " span class="muted" { "(mã " (r.agency_code) ")" } }
            dt { "Mã hồ sơ" } dd { code { (r.dossier_code) } }
            dt { "Thủ tục hành chính" } dd { (r.procedure_name) }
            dt { "Tệp kết quả" } dd { (r.file_name) }
            dt { "Ký số lúc" } dd { (long_time(Some(&r.signed_at))) }
            dt { "Mã băm SHA-256 của tệp đã ký" } dd { code { (r.sha256) } }
            dt { "Khóa ký" } dd { a href="/xac-thuc-ket-qua/khoa-cong-khai" { code { (r.key_id) } } }
        }
    }
}

/// The outcome in plain words, then the record when there is one.
fn outcome(v: &Verification) -> Markup {
    html! {
        section aria-labelledby="h-outcome" {
            @match v {
                Verification::Unknown => {
                    div class="alert error" role="alert" {
                        h2 id="h-outcome" { (UNKNOWN) }
                        p { "Vui lòng kiểm tra lại mã in trên Phiếu xác thực kết quả điện tử (12 ký tự, không có chữ O, chữ I, số 0 và số 1)." }
                    }
                }
                Verification::Genuine(r) => {
                    div class="alert ok" role="status" {
                        h2 id="h-outcome" { (GENUINE) }
                        p { "Tệp bạn tải lên trùng khớp từng byte với tệp " (r.agency_name) " đã ký số." }
                    }
                    (record_details(r))
                }
                Verification::Altered { record, presented_sha256 } => {
                    div class="alert error" role="alert" {
                        h2 id="h-outcome" { (ALTERED) }
                        p { "Tệp bạn tải lên không phải là tệp đã được ký số với mã xác thực này; không nên sử dụng tệp này. "
                            "Hãy đề nghị cơ quan phát hành cung cấp lại bản điện tử." }
                    }
                    dl {
                        dt { "Mã băm SHA-256 của tệp bạn tải lên" } dd { code { (presented_sha256) } }
                    }
                    (record_details(record))
                }
                Verification::Invalid(r) => {
                    div class="alert error" role="alert" {
                        h2 id="h-outcome" { (INVALID) }
                        p { "Thông tin lưu cho mã xác thực " code { (r.verify_code) } " không khớp với chữ ký số của cơ quan phát hành. "
                            "Không nên sử dụng kết quả này; vui lòng liên hệ cơ quan giải quyết thủ tục." }
                    }
                }
                Verification::Recorded(r) => {
                    div class="alert ok" role="status" {
                        h2 id="h-outcome" { "Mã xác thực hợp lệ" }
                        p { "Kết quả điện tử này do " (r.agency_name) " phát hành và ký số. Để biết tệp bạn đang giữ có đúng là bản đã ký, "
                            "hãy tải tệp lên ở mẫu dưới đây, hoặc so sánh mã băm SHA-256 của tệp với mã băm dưới đây." }
                    }
                    (record_details(r))
                }
            }
        }
    }
}

fn status_of(v: &Verification) -> StatusCode {
    if matches!(v, Verification::Unknown) {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    }
}

fn explanation() -> Markup {
    html! {
        p class="muted" {
            "Kết quả giải quyết thủ tục hành chính bản điện tử được cơ quan phát hành ký số. Mỗi kết quả có một mã xác thực "
            "in trên Phiếu xác thực kèm mã QR. "
            a href="/xac-thuc-ket-qua/khoa-cong-khai" { "Khóa công khai của các cơ quan" } " được công bố để kiểm tra độc lập."
        }
    }
}

/// `GET /xac-thuc-ket-qua`: the empty form.
pub(super) async fn show_form(
    State(state): State<AppState>,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let office = office(&state).await?;
    let (jar, binding) = csrf_binding(jar);
    let body = html! {
        h1 { (TITLE) }
        (explanation())
        (form(&csrf_token(&state.mac, &binding), ""))
    };
    Ok((jar, public_page(&office, TITLE, body)).into_response())
}

/// `POST /xac-thuc-ket-qua`: checks the code and, when a file was chosen, the file.
pub(super) async fn submit(
    State(state): State<AppState>,
    client: crate::web::extract::Client,
    jar: CookieJar,
    upload: Upload,
) -> Result<Response, PageError> {
    if !state.limits.allow_lookup(&client.ip) {
        return Err(crate::services::ServiceError::RateLimited.into());
    }
    let code = upload.field("code");
    let verification = results::verify(
        &state.db,
        &code,
        upload.file("file").map(|f| f.bytes.as_slice()),
    )
    .await?;
    let office = office(&state).await?;
    let (jar, binding) = csrf_binding(jar);
    let shown = verification
        .record()
        .map_or(code.as_str(), |r| r.verify_code.as_str());
    let body = html! {
        h1 { (TITLE) }
        (outcome(&verification))
        @if let Some(r) = verification.record().filter(|_| !matches!(verification, Verification::Invalid(_))) {
            p { a href={ "/xac-thuc-ket-qua/" (r.verify_code) "/phieu" } { "Xem và in Phiếu xác thực kết quả điện tử" } }
        }
        h2 { "Kiểm tra mã hoặc tệp khác" }
        (form(&csrf_token(&state.mac, &binding), shown))
    };
    let title = format!("{TITLE}: {}", headline(&verification));
    Ok((
        status_of(&verification),
        jar,
        public_page(&office, &title, body),
    )
        .into_response())
}

fn headline(v: &Verification) -> &'static str {
    match v {
        Verification::Unknown => UNKNOWN,
        Verification::Genuine(_) => GENUINE,
        Verification::Altered { .. } => ALTERED,
        Verification::Invalid(_) => INVALID,
        Verification::Recorded(_) => "Mã xác thực hợp lệ",
    }
}

/// `GET /xac-thuc-ket-qua/{code}`: where the QR code leads; the record, and the form to check a file against it.
pub(super) async fn show(
    State(state): State<AppState>,
    client: crate::web::extract::Client,
    jar: CookieJar,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    if !state.limits.allow_lookup(&client.ip) {
        return Err(crate::services::ServiceError::RateLimited.into());
    }
    let verification = results::verify(&state.db, &code, None).await?;
    let office = office(&state).await?;
    let (jar, binding) = csrf_binding(jar);
    let shown = verification
        .record()
        .map_or(String::new(), |r| r.verify_code.clone());
    let body = html! {
        h1 { (TITLE) }
        (outcome(&verification))
        @if let Verification::Recorded(r) = &verification {
            p { a href={ "/xac-thuc-ket-qua/" (r.verify_code) "/phieu" } { "Xem và in Phiếu xác thực kết quả điện tử" } }
            h2 { "Kiểm tra tệp bạn đang giữ" }
        } @else {
            h2 { "Nhập mã xác thực" }
        }
        (form(&csrf_token(&state.mac, &binding), &shown))
    };
    let title = format!("{TITLE}: {}", headline(&verification));
    Ok((
        status_of(&verification),
        jar,
        public_page(&office, &title, body),
    )
        .into_response())
}

/// `GET /xac-thuc-ket-qua/{code}/phieu`: the printable verification slip with its QR code.
pub(super) async fn show_slip(
    State(state): State<AppState>,
    client: crate::web::extract::Client,
    headers: HeaderMap,
    jar: CookieJar,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let verification = results::verify(&state.db, &code, None).await?;
    let Verification::Recorded(r) = verification else {
        // Unknown or invalid: no slip, the verification page says why.
        return show(State(state), client, jar, Path(code)).await;
    };
    let url = format!(
        "{}/xac-thuc-ket-qua/{}",
        crate::web::public_url::public_base(&state, &headers),
        r.verify_code
    );
    let qr = results_qr(&url)?;
    let office = office(&state).await?;
    let title = "Phiếu xác thực kết quả điện tử";
    let body = html! {
        p class="crumbs" { a href={ "/xac-thuc-ket-qua/" (r.verify_code) } { "Xác thực kết quả điện tử" } " › Phiếu xác thực" }
        h1 { (title) }
        div class="grid" {
            figure class="card" {
                (PreEscaped(qr))
                figcaption { "Quét mã QR để mở trang xác thực: " br; code { (url) } }
            }
            section class="card" aria-labelledby="h-slip" {
                h2 id="h-slip" { "Mã xác thực: " code { (r.verify_code) } }
                dl {
                    dt { "Cơ quan phát hành" } dd { (r.agency_name) " " span class="muted" { "(mã " (r.agency_code) ")" } }
                    dt { "Mã hồ sơ" } dd { code { (r.dossier_code) } }
                    dt { "Thủ tục hành chính" } dd { (r.procedure_name) }
                    dt { "Tệp kết quả" } dd { (r.file_name) " " span class="muted" { "(" (r.size) " byte)" } }
                    dt { "Ký số lúc" } dd { (long_time(Some(&r.signed_at))) }
                    dt { "Mã băm SHA-256 của tệp" } dd { code { (r.sha256) } }
                    dt { "Khóa ký (Ed25519)" } dd { code { (r.key_id) } }
                    dt { "Chữ ký số" } dd { code { (r.signature) } }
                }
            }
        }
        p { "Để kiểm tra: mở địa chỉ trên (hoặc quét mã QR), nhập mã xác thực và tải tệp kết quả lên. "
            "Tệp hợp lệ khi mã băm SHA-256 của tệp trùng với mã băm in trên phiếu này." }
        p class="muted" { "Nhấn Ctrl+P (trên máy Mac: ⌘+P) để in phiếu." }
    };
    Ok(public_page(&office, title, body).into_response())
}

/// The slip's QR code, labelled for what it opens.
fn results_qr(url: &str) -> Result<String, PageError> {
    let svg = crate::services::forms::qr_svg(url).map_err(|e| {
        PageError::Service(crate::services::ServiceError::Internal(anyhow::anyhow!(
            "QR code: {e}"
        )))
    })?;
    Ok(svg.replacen(
        "aria-label=\"Mã QR tra cứu hồ sơ\"",
        "aria-label=\"Mã QR mở trang xác thực kết quả điện tử\"",
        1,
    ))
}

/// `GET /xac-thuc-ket-qua/khoa-cong-khai`: every agency key, and how the signed message is formed.
pub(super) async fn list_keys(State(state): State<AppState>) -> Result<Markup, PageError> {
    let keys: Vec<PublicKeyRow> = results::public_keys(&state.db).await?;
    let office = office(&state).await?;
    let title = "Khóa công khai dùng để xác thực kết quả điện tử";
    let body = html! {
        p class="crumbs" { a href="/xac-thuc-ket-qua" { "Xác thực kết quả điện tử" } " › Khóa công khai" }
        h1 { (title) }
        p { "Mỗi cơ quan ký kết quả điện tử bằng một khóa Ed25519 (RFC 8032). Khóa công khai dưới đây cho phép bất kỳ ai "
            "tự kiểm tra chữ ký mà không cần kết nối tới hệ thống này. Khóa ngừng sử dụng vẫn dùng để kiểm tra các kết quả đã ký trước đó." }
        section aria-labelledby="h-keys" {
            h2 id="h-keys" { "Danh sách khóa" }
            @if keys.is_empty() {
                p class="muted" { "Chưa có cơ quan nào phát hành kết quả điện tử." }
            }
            @for k in &keys {
                div class="card" {
                    h3 { (k.agency_name) " " span class="muted" { "(mã " (k.agency_code) ")" } }
                    dl {
                        dt { "Mã khóa" } dd { code { (k.key_id) } }
                        dt { "Khóa công khai (hex, 32 byte)" } dd { code { (k.public_key) } }
                        dt { "Tạo lúc" } dd { (long_time(Some(&k.created_at))) }
                        dt { "Trạng thái" } dd { @match &k.retired_at {
                            Some(at) => { "Ngừng ký từ " (long_time(Some(at))) }
                            None => "Đang sử dụng",
                        } }
                    }
                }
            }
        }
        section aria-labelledby="h-format" {
            h2 id="h-format" { "Nội dung được ký" }
            p { "Chữ ký (64 byte, in dạng hex trên Phiếu xác thực) là chữ ký Ed25519 trên chuỗi UTF-8 gồm sáu dòng, "
                "ngăn cách bằng ký tự xuống dòng LF, không có xuống dòng ở cuối:" }
            pre { code { (results::MESSAGE_PREFIX) "\n<mã xác thực, dạng XXXX-XXXX-XXXX>\n<mã hồ sơ>\n<mã định danh cơ quan>\n<mã băm SHA-256 của tệp, hex chữ thường>\n<thời điểm ký, giờ UTC, ví dụ 2026-11-29T01:05:03.250Z>" } }
            p { "Mã khóa là 16 ký tự hex đầu của mã băm SHA-256 của khóa công khai. Mã băm của tệp tính được bằng lệnh "
                code { "sha256sum tệp.pdf" } " (Linux) hoặc " code { "certutil -hashfile tệp.pdf SHA256" } " (Windows)." }
        }
    };
    Ok(public_page(&office, title, body))
}
