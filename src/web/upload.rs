//! Multipart form uploads (a file plus a few fields), read whole and admitted only with a valid CSRF token, the
//! same rule `CsrfForm` applies to urlencoded forms.

use axum::extract::{FromRef, FromRequest, Multipart, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::services::ServiceError;

use super::error::PageError;
use super::extract::csrf_ok;
use super::state::AppState;

/// One uploaded file.
pub struct UploadedFile {
    pub field: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A multipart form: its text fields (NFC is left to the parsers) and its files. An empty file input is omitted.
pub struct Upload {
    pub fields: Vec<(String, String)>,
    pub files: Vec<UploadedFile>,
}

impl Upload {
    pub fn field(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    }

    pub fn file(&self, name: &str) -> Option<&UploadedFile> {
        self.files.iter().find(|f| f.field == name)
    }
}

impl<S> FromRequest<S> for Upload
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let app = AppState::from_ref(state);
        let headers = request.headers().clone();
        let forbidden = || {
            (
                StatusCode::FORBIDDEN,
                PageError::Service(ServiceError::Forbidden),
            )
                .into_response()
        };
        let too_large = || {
            (
                StatusCode::PAYLOAD_TOO_LARGE,
                PageError::Service(ServiceError::field("file", "upload.too_large")),
            )
                .into_response()
        };
        let mut multipart = Multipart::from_request(request, state)
            .await
            .map_err(|_| forbidden())?;
        let mut upload = Upload {
            fields: Vec::new(),
            files: Vec::new(),
        };
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
                Err(_) => return Err(forbidden()),
            };
            let name = field.name().unwrap_or_default().to_owned();
            let file_name = field.file_name().map(str::to_owned);
            let bytes = field.bytes().await.map_err(|_| too_large())?;
            match file_name {
                Some(file_name) if !file_name.is_empty() || !bytes.is_empty() => {
                    upload.files.push(UploadedFile {
                        field: name,
                        file_name,
                        bytes: bytes.to_vec(),
                    })
                }
                Some(_) => {}
                None => upload
                    .fields
                    .push((name, String::from_utf8_lossy(&bytes).into_owned())),
            }
        }
        if !csrf_ok(&app, &headers, &upload.field("csrf")) {
            return Err(forbidden());
        }
        Ok(upload)
    }
}
