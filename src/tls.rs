//! TLS material: the operator's certificate when configured, otherwise a self-signed one made with rcgen on first
//! start and kept in `<data>/tls` so its fingerprint stays the same across restarts.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair, SanType};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use crate::config::TlsConfig;
use crate::datadir::{DataDir, write_private};

/// PEM certificate chain and key ready for rustls, with the fingerprint staff compare in their browser.
pub struct TlsMaterial {
    pub cert_pem: Vec<u8>,
    pub key_pem: Vec<u8>,
    pub fingerprint: String,
}

/// The certificate and key files `serve` uses: the operator's when configured, otherwise `<data>/tls/`.
fn files(data: &DataDir, config: &TlsConfig) -> (PathBuf, PathBuf) {
    match (&config.cert, &config.key) {
        (Some(cert), Some(key)) => (cert.clone(), key.clone()),
        _ => (
            data.tls_dir().join("cert.pem"),
            data.tls_dir().join("key.pem"),
        ),
    }
}

/// Loads the operator's certificate, or the stored self-signed one, generating it on first start.
pub fn load_or_generate(data: &DataDir, config: &TlsConfig) -> Result<TlsMaterial> {
    let (cert, key) = files(data, config);
    if config.cert.is_none() && (!cert.exists() || !key.exists()) {
        generate_self_signed(data)?;
    }
    load(&cert, &key)
}

/// The fingerprint of the certificate `serve` would use, without generating one (for `doctor`).
pub fn configured_fingerprint(data: &DataDir, config: &TlsConfig) -> Result<String> {
    let (cert, key) = files(data, config);
    load(&cert, &key).map(|m| m.fingerprint)
}

fn load(cert: &Path, key: &Path) -> Result<TlsMaterial> {
    let cert_pem = std::fs::read(cert)
        .with_context(|| format!("cannot read certificate {}", cert.display()))?;
    let key_pem =
        std::fs::read(key).with_context(|| format!("cannot read private key {}", key.display()))?;
    let fingerprint = fingerprint(&cert_pem)?;
    Ok(TlsMaterial {
        cert_pem,
        key_pem,
        fingerprint,
    })
}

/// SHA-256 of the leaf certificate's DER, as colon-separated upper-case hex (what browsers display).
pub fn fingerprint(cert_pem: &[u8]) -> Result<String> {
    let Some(Ok(der)) = CertificateDer::pem_slice_iter(cert_pem).next() else {
        bail!("no certificate found in the PEM file");
    };
    let hex = crate::crypto::sha256_hex(der.as_ref()).to_uppercase();
    Ok(hex
        .as_bytes()
        .chunks(2)
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect::<Vec<_>>()
        .join(":"))
}

/// Names the certificate covers: localhost, this host's name and every address of its network interfaces.
pub fn subject_names() -> (Vec<String>, Vec<IpAddr>) {
    let mut names = vec!["localhost".to_owned()];
    if let Some(host) = gethostname::gethostname()
        .to_str()
        .filter(|h| !h.is_empty() && *h != "localhost")
    {
        names.push(host.to_owned());
    }
    let mut ips: Vec<IpAddr> = vec![
        IpAddr::from([127, 0, 0, 1]),
        IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
    ];
    if let Ok(interfaces) = if_addrs::get_if_addrs() {
        ips.extend(interfaces.into_iter().map(|i| i.ip()));
    }
    ips.sort();
    ips.dedup();
    (names, ips)
}

fn generate_self_signed(data: &DataDir) -> Result<()> {
    let (names, ips) = subject_names();
    let mut params = CertificateParams::new(names).context("invalid certificate host name")?;
    params
        .subject_alt_names
        .extend(ips.into_iter().map(SanType::IpAddress));
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "motcua (tự ký)");
    dn.push(DnType::OrganizationName, "motcua");
    params.distinguished_name = dn;
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    // 397 days: the longest validity browsers accept for a server certificate.
    params.not_after = now + time::Duration::days(397);
    let key = KeyPair::generate().context("cannot generate a TLS key")?;
    let cert = params
        .self_signed(&key)
        .context("cannot self-sign the TLS certificate")?;
    std::fs::create_dir_all(data.tls_dir())?;
    write_private(
        &data.tls_dir().join("key.pem"),
        key.serialize_pem().as_bytes(),
    )?;
    write_private(&data.tls_dir().join("cert.pem"), cert.pem().as_bytes())?;
    Ok(())
}
