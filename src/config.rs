//! Boot configuration: typed, loaded from `<data>/config.toml` over built-in defaults, then CLI flags; validated
//! at start with every problem reported at once. Runtime settings (office name, footer) live in the database.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::domain::password::PasswordPolicy;

/// Everything `serve` needs that cannot change without a restart.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub server: ServerConfig,
    pub tls: TlsConfig,
    pub security: SecurityConfig,
    pub database: DatabaseConfig,
    pub documents: DocumentsConfig,
    pub log: LogConfig,
    pub oidc: OidcConfig,
    pub archive: ArchiveConfig,
    pub notify: NotifyConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address to listen on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Serve plain HTTP, for use behind a reverse proxy that terminates TLS.
    pub http: bool,
    /// Seconds given to in-flight requests after SIGTERM.
    pub shutdown_grace_seconds: u64,
    /// Largest request body accepted, in bytes, except on the upload routes below.
    pub max_body_bytes: usize,
    /// Largest body of a file upload (procedure packs, catalogue files, templates), in bytes.
    pub max_upload_bytes: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct TlsConfig {
    /// PEM certificate chain provided by the operator; replaces the self-signed certificate in `<data>/tls`.
    pub cert: Option<PathBuf>,
    /// PEM private key matching `cert`.
    pub key: Option<PathBuf>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SecurityConfig {
    /// PBKDF2-HMAC-SHA256 iterations for new password hashes (OWASP: at least 600,000).
    pub pbkdf2_iterations: u32,
    /// Shortest password accepted for staff accounts.
    pub password_min_chars: usize,
    /// Failed sign-ins in a row that lock an account (TCVN 14423 level 3: at most 5).
    pub lockout_threshold: u32,
    /// How long a lock caused by failures lasts; an administrator can lift it sooner.
    pub lockout_minutes: i64,
    /// Idle time after which a staff session ends (level 3: at most 15).
    pub staff_idle_minutes: i64,
    /// Idle time after which an administrator's session ends (level 3: at most 5).
    pub admin_idle_minutes: i64,
    /// Absolute lifetime of any session, active or not (ASVS 3.3.2: 12 hours).
    pub session_max_hours: i64,
    /// Idle time after which a citizen's portal session ends (filling a long form takes a while).
    pub citizen_idle_minutes: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// Reader connections; 0 means one per core, at most 8.
    pub readers: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct DocumentsConfig {
    /// Largest dossier document (a scanned paper, an uploaded paper, a result) accepted, in MiB (1 to 100).
    pub max_file_mb: usize,
    /// Read the text of scanned images and image-only PDFs with `tesseract` (Debian `tesseract-ocr-vie`) when it
    /// is installed; `false` never runs it.
    pub ocr: bool,
    /// The program that reads documents' text in a child process (`motcua extract-text`): this binary unless set,
    /// which tests do, since their process is not `motcua`. Not read from the file.
    #[serde(skip)]
    pub reader: Option<PathBuf>,
}

impl Default for DocumentsConfig {
    fn default() -> Self {
        Self {
            max_file_mb: 20,
            ocr: true,
            reader: None,
        }
    }
}

impl DocumentsConfig {
    /// The program for `motcua extract-text`: the configured one, or the running binary.
    pub fn reader_program(&self) -> std::io::Result<PathBuf> {
        match &self.reader {
            Some(program) => Ok(program.clone()),
            None => std::env::current_exe(),
        }
    }

    pub fn max_file_bytes(&self) -> usize {
        self.max_file_mb * 1024 * 1024
    }

    /// The request body a route taking `files` documents at once must admit: the files and the form around them.
    pub fn body_limit(&self, files: usize) -> usize {
        files * self.max_file_bytes() + 64 * 1024
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// `pretty` for a terminal, `json` for log collectors.
    pub format: String,
    /// A tracing filter such as `info` or `motcua=debug,tower_http=info`.
    pub filter: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            server: ServerConfig::default(),
            tls: TlsConfig::default(),
            security: SecurityConfig::default(),
            database: DatabaseConfig { readers: 0 },
            documents: DocumentsConfig::default(),
            log: LogConfig::default(),
            oidc: OidcConfig::default(),
            archive: ArchiveConfig::default(),
            notify: NotifyConfig::default(),
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([0, 0, 0, 0], 8443)),
            http: false,
            shutdown_grace_seconds: 20,
            max_body_bytes: 2 * 1024 * 1024,
            max_upload_bytes: 32 * 1024 * 1024,
        }
    }
}

impl Default for SecurityConfig {
    fn default() -> Self {
        Self {
            pbkdf2_iterations: 600_000,
            password_min_chars: 12,
            lockout_threshold: 5,
            lockout_minutes: 60,
            staff_idle_minutes: 15,
            admin_idle_minutes: 5,
            session_max_hours: 12,
            citizen_idle_minutes: 30,
        }
    }
}

impl SecurityConfig {
    /// The PBKDF2 cost for new hashes (validation keeps it at 1000 or more).
    pub fn pbkdf2_cost(&self) -> NonZeroU32 {
        NonZeroU32::new(self.pbkdf2_iterations).unwrap_or(NonZeroU32::MIN)
    }

    /// The rule every new staff password must pass.
    pub fn password_policy(&self) -> PasswordPolicy {
        PasswordPolicy {
            min_chars: self.password_min_chars,
        }
    }
}

/// Citizen sign-in through an external OpenID Connect provider (the national identity platform in production).
/// Off while `issuer` is unset.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct OidcConfig {
    /// The provider's issuer URL; its `/.well-known/openid-configuration` is read at sign-in.
    pub issuer: Option<String>,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// The name on the sign-in button ("Đăng nhập bằng VNeID").
    pub name: String,
    /// The ID-token claim that carries the 12-digit citizen ID number, used to link an existing account.
    pub id_number_claim: String,
    /// Extra scopes besides `openid`.
    pub scopes: Vec<String>,
}

impl Default for OidcConfig {
    fn default() -> Self {
        Self {
            issuer: None,
            client_id: String::new(),
            client_secret: None,
            name: "VNeID".into(),
            id_number_claim: "id_number".into(),
            scopes: vec!["profile".into(), "email".into(), "phone".into()],
        }
    }
}

/// Hand-written so the client secret never reaches a log line.
impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "***"))
            .field("name", &self.name)
            .field("id_number_claim", &self.id_number_claim)
            .field("scopes", &self.scopes)
            .finish()
    }
}

impl OidcConfig {
    /// Whether the portal offers sign-in through the provider.
    pub fn enabled(&self) -> bool {
        self.issuer.is_some()
    }

    pub fn display_name(&self) -> &str {
        &self.name
    }
}

/// Archiving closed dossiers (Circular 01/2018 Art. 10(3)).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ArchiveConfig {
    /// Years a closed dossier stays with the office before it is handed to the archives, for procedures that set
    /// no period of their own (`retention_years` in the procedure).
    pub default_retention_years: u32,
}

impl Default for ArchiveConfig {
    fn default() -> Self {
        Self {
            default_retention_years: crate::domain::archive::DEFAULT_RETENTION_YEARS,
        }
    }
}

/// Messages to applicants (Decree 61): where e-mail and SMS go. A channel without a server configured is off, and
/// its messages are marked failed with the reason instead of waiting forever.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct NotifyConfig {
    /// SMTP relay host name; unset turns e-mail off.
    pub smtp_host: Option<String>,
    /// 587 for STARTTLS, 465 for implicit TLS, 25 for a plain relay on a trusted network.
    pub smtp_port: u16,
    /// `starttls`, `tls` (implicit TLS) or `none` (plain text, only for a relay on the same host or LAN).
    pub smtp_security: String,
    pub smtp_username: Option<String>,
    pub smtp_password: Option<String>,
    /// The sender mailbox, e.g. `Bộ phận một cửa <motcua@example.gov.vn>`.
    pub from: String,
    /// The SMS gateway endpoint that takes `{"to", "text"}` as JSON; unset turns SMS off.
    pub sms_url: Option<String>,
    /// Sent as `Authorization: Bearer <token>` when set.
    pub sms_token: Option<String>,
    /// Fold SMS text to ASCII ("Hồ sơ" → "Ho so"): 160 characters a part instead of 70, and no garbled text on
    /// gateways or phones without Unicode.
    pub sms_ascii: bool,
    /// Public base URL of the portal (e.g. `https://dichvucong.example.gov.vn`) for the look-up links in messages.
    pub public_url: Option<String>,
    /// Delivery attempts before a message is marked failed.
    pub max_attempts: u32,
    /// Minutes to wait before each retry; the last value repeats.
    pub retry_minutes: Vec<u32>,
    /// How often pending messages are looked for when nothing wakes the notifier (writes of other processes).
    pub poll_millis: u64,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        Self {
            smtp_host: None,
            smtp_port: 587,
            smtp_security: "starttls".into(),
            smtp_username: None,
            smtp_password: None,
            from: "Bộ phận một cửa <motcua@localhost>".into(),
            sms_url: None,
            sms_token: None,
            sms_ascii: true,
            public_url: None,
            max_attempts: 6,
            retry_minutes: vec![1, 5, 15, 60, 240],
            poll_millis: 5_000,
        }
    }
}

/// Hand-written so the SMTP password and the gateway token never reach a log line.
impl std::fmt::Debug for NotifyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| "***");
        f.debug_struct("NotifyConfig")
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("smtp_security", &self.smtp_security)
            .field("smtp_username", &self.smtp_username)
            .field("smtp_password", &hidden(&self.smtp_password))
            .field("from", &self.from)
            .field("sms_url", &self.sms_url)
            .field("sms_token", &hidden(&self.sms_token))
            .field("sms_ascii", &self.sms_ascii)
            .field("public_url", &self.public_url)
            .field("max_attempts", &self.max_attempts)
            .field("retry_minutes", &self.retry_minutes)
            .field("poll_millis", &self.poll_millis)
            .finish()
    }
}

impl NotifyConfig {
    /// An absolute link to `path` on the public portal, when `public_url` is set.
    pub fn link(&self, path: &str) -> Option<String> {
        self.public_url.as_ref().map(|base| {
            format!(
                "{}/{}",
                base.trim_end_matches('/'),
                path.trim_start_matches('/')
            )
        })
    }

    fn problems(&self, problems: &mut Vec<String>) {
        if !matches!(self.smtp_security.as_str(), "starttls" | "tls" | "none") {
            problems
                .push("notify.smtp_security must be \"starttls\", \"tls\" or \"none\"".to_owned());
        }
        if self
            .smtp_host
            .as_deref()
            .is_some_and(|h| h.trim().is_empty())
        {
            problems.push(
                "notify.smtp_host must not be empty (leave it out to turn e-mail off)".to_owned(),
            );
        }
        if self.smtp_port == 0 {
            problems.push("notify.smtp_port must not be 0".to_owned());
        }
        if self.smtp_username.is_some() != self.smtp_password.is_some() {
            problems.push(
                "notify.smtp_username and notify.smtp_password must be given together".to_owned(),
            );
        }
        if self.smtp_password.is_some() && self.smtp_security == "none" {
            problems.push(
                "notify.smtp_password would travel in clear text: use smtp_security = \"starttls\" or \"tls\""
                    .to_owned(),
            );
        }
        if self.from.parse::<lettre::message::Mailbox>().is_err() {
            problems.push(
                "notify.from must be a mailbox such as \"Bộ phận một cửa <motcua@example.gov.vn>\""
                    .to_owned(),
            );
        }
        for (name, value) in [
            ("notify.sms_url", &self.sms_url),
            ("notify.public_url", &self.public_url),
        ] {
            let usable = value.as_deref().is_none_or(|v| {
                reqwest::Url::parse(v)
                    .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
            });
            if !usable {
                problems.push(format!("{name} must be an http:// or https:// URL"));
            }
        }
        if !(1..=50).contains(&self.max_attempts) {
            problems.push("notify.max_attempts must be between 1 and 50".to_owned());
        }
        if self.retry_minutes.is_empty()
            || self.retry_minutes.iter().any(|m| !(1..=10_080).contains(m))
        {
            problems.push(
                "notify.retry_minutes must list at least one wait, each between 1 and 10080 minutes".to_owned(),
            );
        }
        if !(50..=600_000).contains(&self.poll_millis) {
            problems.push("notify.poll_millis must be between 50 and 600000".to_owned());
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            format: "pretty".into(),
            filter: "info".into(),
        }
    }
}

impl Config {
    /// Defaults overlaid with `<data>/config.toml` when it exists.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(ConfigError(vec![format!(
                "cannot read {}: {e}",
                path.display()
            )])),
        }
    }

    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError(vec![e.to_string()]))?;
        config.validate()?;
        Ok(config)
    }

    /// Every problem at once, so an operator fixes the file in one go.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let s = &self.security;
        let mut problems = Vec::new();
        if s.pbkdf2_iterations < 1_000 {
            problems.push(
                "security.pbkdf2_iterations must be at least 1000 (600000 recommended)".to_owned(),
            );
        }
        if !(8..=64).contains(&s.password_min_chars) {
            problems.push("security.password_min_chars must be between 8 and 64".to_owned());
        }
        if !(1..=100).contains(&s.lockout_threshold) {
            problems.push("security.lockout_threshold must be between 1 and 100".to_owned());
        }
        for (name, value) in [
            ("security.lockout_minutes", s.lockout_minutes),
            ("security.staff_idle_minutes", s.staff_idle_minutes),
            ("security.admin_idle_minutes", s.admin_idle_minutes),
            ("security.citizen_idle_minutes", s.citizen_idle_minutes),
            ("security.session_max_hours", s.session_max_hours),
        ] {
            if !(1..=10_000).contains(&value) {
                problems.push(format!("{name} must be between 1 and 10000"));
            }
        }
        if !(1..=100).contains(&self.documents.max_file_mb) {
            problems.push("documents.max_file_mb must be between 1 and 100".to_owned());
        }
        if self.tls.cert.is_some() != self.tls.key.is_some() {
            problems.push("tls.cert and tls.key must be given together".to_owned());
        }
        if !matches!(self.log.format.as_str(), "pretty" | "json") {
            problems.push("log.format must be \"pretty\" or \"json\"".to_owned());
        }
        if self.server.max_body_bytes < 1024 {
            problems.push("server.max_body_bytes must be at least 1024".to_owned());
        }
        if self.server.max_upload_bytes < self.server.max_body_bytes {
            problems
                .push("server.max_upload_bytes must be at least server.max_body_bytes".to_owned());
        }
        if !(1..=crate::domain::archive::MAX_RETENTION_YEARS)
            .contains(&self.archive.default_retention_years)
        {
            problems.push("archive.default_retention_years must be between 1 and 70".to_owned());
        }
        self.notify.problems(&mut problems);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigError(problems))
        }
    }

    /// Readers in the pool: the configured number, or one per core capped at 8.
    pub fn reader_count(&self) -> usize {
        match self.database.readers {
            0 => std::thread::available_parallelism()
                .map_or(2, |n| n.get())
                .min(8),
            n => n,
        }
    }

    /// A configuration for tests: an ephemeral loopback port and a cheap password hash.
    pub fn for_tests() -> Self {
        let mut config = Self::default();
        config.server.listen = SocketAddr::from(([127, 0, 0, 1], 0));
        config.security.pbkdf2_iterations = 1_000;
        config
    }

    /// The documented example printed by `motcua config example`, every key with its default.
    pub fn example() -> String {
        format!(
            "# motcua boot configuration: <data>/config.toml. Every key is optional; shown with its default.\n\
             # Changes take effect at the next start. Check a file with `motcua config check`.\n\n{}{NOTIFY_OPTIONAL}",
            toml::to_string_pretty(&Self::default()).unwrap_or_default()
        )
    }
}

/// The `[notify]` keys that have no default value, shown commented out at the end of the example (the last
/// section of the example is `[notify]`, so they belong to it when uncommented).
const NOTIFY_OPTIONAL: &str = "\
# Unset by default; a channel without its server is off and its messages are marked failed with the reason.
# smtp_host = \"mail.example.gov.vn\"
# smtp_username = \"motcua\"
# smtp_password = \"...\"
# sms_url = \"https://sms.example.gov.vn/api/send\"
# sms_token = \"...\"
# public_url = \"https://dichvucong.example.gov.vn\"
";

/// One or more configuration problems, one per line.
#[derive(Debug, thiserror::Error)]
#[error("{}", .0.join("\n"))]
pub struct ConfigError(pub Vec<String>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_parses_back_to_the_defaults() {
        assert_eq!(
            Config::parse(&Config::example()).ok(),
            Some(Config::default())
        );
    }

    #[test]
    fn notification_settings_are_checked_and_secrets_stay_out_of_debug_output() {
        let err = Config::parse(
            "[notify]\nsmtp_security = \"ssl\"\nfrom = \"not a mailbox\"\nsms_url = \"ftp://sms\"\nmax_attempts = 0\n",
        )
        .err();
        assert_eq!(err.map(|e| e.0.len()), Some(4));
        let ok = Config::parse(
            "[notify]\nsmtp_host = \"mail.example.gov.vn\"\nsmtp_username = \"motcua\"\nsmtp_password = \"mật-khẩu\"\n\
             from = \"Bộ phận một cửa <motcua@example.gov.vn>\"\nsms_url = \"https://sms.example.gov.vn/send\"\n",
        );
        let debug = format!("{ok:?}");
        assert!(ok.is_ok(), "{debug}");
        assert!(!debug.contains("mật-khẩu"));
        let notify = NotifyConfig {
            public_url: Some("https://dichvucong.example.gov.vn/".into()),
            ..NotifyConfig::default()
        };
        assert_eq!(
            notify.link("/tra-cuu").as_deref(),
            Some("https://dichvucong.example.gov.vn/tra-cuu")
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_are_all_reported() {
        assert!(Config::parse("[security]\nlockout_treshold = 3\n").is_err());
        let err =
            Config::parse("[security]\nlockout_threshold = 0\nstaff_idle_minutes = 0\n").err();
        assert_eq!(err.map(|e| e.0.len()), Some(2));
    }
}
