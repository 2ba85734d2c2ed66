//! The portal's own address for links that leave the request: the reset link in an e-mail, the QR code on a result
//! slip, the OpenID Connect callback. It is `notify.public_url` when set; otherwise the request's `Host` is used
//! only when it names this machine (the names its self-signed certificate covers), so a forged `Host` can never
//! become the address of a link mailed to someone else.

use std::net::IpAddr;

use axum::http::{HeaderMap, header};

use super::state::AppState;

/// The host part of a `Host` header value (`[::1]:8443` → `::1`, `example:8443` → `example`).
fn host_part(value: &str) -> &str {
    if let Some(rest) = value.strip_prefix('[') {
        return rest.split(']').next().unwrap_or_default();
    }
    value.rsplit_once(':').map_or(value, |(h, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            h
        } else {
            value
        }
    })
}

/// Whether `host` names this machine: localhost, its host name or one of its interface addresses.
fn names_this_machine(host: &str) -> bool {
    let (names, ips) = crate::tls::subject_names();
    names.iter().any(|n| n.eq_ignore_ascii_case(host))
        || host.parse::<IpAddr>().is_ok_and(|ip| ips.contains(&ip))
}

/// The configured public address, or this request's own address when it names this machine; `None` otherwise.
pub fn trusted_base(state: &AppState, headers: &HeaderMap) -> Option<String> {
    if let Some(url) = &state.config.notify.public_url {
        return Some(url.trim_end_matches('/').to_owned());
    }
    let value = headers.get(header::HOST)?.to_str().ok()?;
    if value.len() > 260 || !names_this_machine(host_part(value)) {
        return None;
    }
    let scheme = if state.config.server.http {
        "http"
    } else {
        "https"
    };
    Some(format!("{scheme}://{value}"))
}

/// [`trusted_base`], or `https://localhost` when the request came under a name this machine does not answer to.
pub fn public_base(state: &AppState, headers: &HeaderMap) -> String {
    trusted_base(state, headers).unwrap_or_else(|| "https://localhost".to_owned())
}

#[cfg(test)]
mod tests {
    use super::host_part;

    #[test]
    fn the_host_part_drops_the_port_and_ipv6_brackets() {
        assert_eq!(host_part("127.0.0.1:8443"), "127.0.0.1");
        assert_eq!(host_part("[::1]:8443"), "::1");
        assert_eq!(host_part("localhost"), "localhost");
        assert_eq!(host_part("evil.example:443"), "evil.example");
    }
}
