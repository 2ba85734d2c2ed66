//! File downloads: one response shape for every attachment (exports, packs, templates), with the file name sent
//! both as ASCII and in RFC 5987 form so Vietnamese names survive.

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// `body` as an attachment named `file_name`. An unusable content type falls back to a generic binary one.
pub fn attachment(content_type: &str, file_name: &str, body: impl Into<Body>) -> Response {
    let safe = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_');
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii() && safe(c as u8) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if safe(b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut response = body.into().into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    // Built from ASCII letters, digits, `%`, `.`, `-`, `_` and quotes only, so always a valid header value.
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::attachment;

    #[test]
    fn vietnamese_file_names_are_sent_in_both_forms() {
        let r = attachment("text/plain", "tờ khai.txt", "x");
        let d = r.headers()["content-disposition"]
            .to_str()
            .unwrap_or_default();
        assert_eq!(
            d,
            "attachment; filename=\"t__khai.txt\"; filename*=UTF-8''t%E1%BB%9D%20khai.txt"
        );
    }
}
