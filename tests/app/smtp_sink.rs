//! A real SMTP server for tests: a tokio listener on an ephemeral loopback port that speaks EHLO/HELO, MAIL, RCPT,
//! DATA, RSET, NOOP and QUIT (RFC 5321, no TLS, no AUTH) and records each accepted message with its envelope.
//! Written here because the embeddable SMTP servers on crates.io pull in OpenSSL, native-tls or aws-lc through
//! rustls' default features, and block a thread forever with no way to stop them.
//! Recipients whose address starts with `khong-ton-tai@` are refused with 550, like a relay refusing an unknown
//! mailbox. `Mail` also decodes what a mail reader would: RFC 2047 headers and base64/quoted-printable bodies.

use std::sync::{Arc, Mutex};

use base64::Engine as _;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One accepted message: the envelope and the raw DATA (dot-unstuffed, CRLF line ends).
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

pub struct SmtpSink {
    pub port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind sink");
        let port = listener.local_addr().expect("sink address").port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let store = mails.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, store.clone()));
            }
        });
        SmtpSink { port, mails, task }
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().expect("sink lock").clone()
    }
}

async fn session(stream: TcpStream, mails: Arc<Mutex<Vec<Mail>>>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let mut reply = async |text: &str| write.write_all(text.as_bytes()).await.is_ok();
    if !reply("220 sink.test ESMTP\r\n").await {
        return;
    }
    let mut from = String::new();
    let mut to = Vec::new();
    while let Ok(Some(line)) = lines.next_line().await {
        let upper = line.to_ascii_uppercase();
        let answer = if upper.starts_with("EHLO") {
            "250-sink.test\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n"
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            "250 OK\r\n"
        } else if upper.starts_with("RSET") {
            from.clear();
            to.clear();
            "250 OK\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            from = address(&line["MAIL FROM:".len()..]);
            to.clear();
            "250 OK\r\n"
        } else if upper.starts_with("RCPT TO:") {
            let rcpt = address(&line["RCPT TO:".len()..]);
            if rcpt.starts_with("khong-ton-tai@") {
                "550 5.1.1 No such mailbox\r\n"
            } else {
                to.push(rcpt);
                "250 OK\r\n"
            }
        } else if upper == "DATA" {
            if to.is_empty() {
                "554 No valid recipients\r\n"
            } else {
                if !reply("354 End data with <CR><LF>.<CR><LF>\r\n").await {
                    return;
                }
                let mut data = String::new();
                loop {
                    match lines.next_line().await {
                        Ok(Some(l)) if l == "." => break,
                        Ok(Some(l)) => {
                            data.push_str(l.strip_prefix('.').unwrap_or(&l));
                            data.push_str("\r\n");
                        }
                        _ => return,
                    }
                }
                mails.lock().expect("sink lock").push(Mail {
                    from: std::mem::take(&mut from),
                    to: std::mem::take(&mut to),
                    data,
                });
                "250 OK queued\r\n"
            }
        } else if upper == "QUIT" {
            let _ = reply("221 Bye\r\n").await;
            return;
        } else {
            "502 Command not implemented\r\n"
        };
        if !reply(answer).await {
            return;
        }
    }
}

/// `<a@b> SIZE=12` → `a@b`.
fn address(rest: &str) -> String {
    let rest = rest.trim();
    let end = rest.find('>').unwrap_or(rest.len());
    rest[..end].trim_start_matches('<').to_owned()
}

impl Mail {
    fn parts(&self) -> (&str, &str) {
        self.data.split_once("\r\n\r\n").unwrap_or((&self.data, ""))
    }

    /// A header's value, unfolded and with its RFC 2047 encoded words decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        let (head, _) = self.parts();
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        let prefix = format!("{}:", name.to_ascii_lowercase());
        unfolded
            .split("\r\n")
            .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map(|l| decode_words(l[prefix.len()..].trim()))
    }

    /// The body as text, decoded by its Content-Transfer-Encoding.
    pub fn text(&self) -> String {
        let (_, body) = self.parts();
        let encoding = self
            .header("Content-Transfer-Encoding")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let bytes = match encoding.as_str() {
            "base64" => base64::engine::general_purpose::STANDARD
                .decode(body.split_whitespace().collect::<String>())
                .expect("base64 body"),
            "quoted-printable" => quoted_printable(body, false),
            _ => body.as_bytes().to_vec(),
        };
        String::from_utf8(bytes)
            .expect("UTF-8 body")
            .replace("\r\n", "\n")
    }
}

/// Decodes `=?charset?B?...?=` and `=?charset?Q?...?=` words (UTF-8 only); the space between two encoded words is
/// dropped, as RFC 2047 section 6.2 says.
fn decode_words(value: &str) -> String {
    let mut out = Vec::new();
    let mut previous_was_word = false;
    for (i, token) in value.split(' ').enumerate() {
        let word = token
            .strip_prefix("=?")
            .and_then(|t| t.strip_suffix("?="))
            .and_then(|t| {
                let mut parts = t.splitn(3, '?');
                Some((parts.next()?, parts.next()?, parts.next()?))
            })
            .filter(|(charset, _, _)| charset.eq_ignore_ascii_case("utf-8"));
        match word {
            Some((_, encoding, text)) => {
                if i > 0 && !previous_was_word {
                    out.push(b' ');
                }
                if encoding.eq_ignore_ascii_case("b") {
                    out.extend(
                        base64::engine::general_purpose::STANDARD
                            .decode(text)
                            .expect("base64 word"),
                    );
                } else {
                    out.extend(quoted_printable(text, true));
                }
                previous_was_word = true;
            }
            None => {
                if i > 0 {
                    out.push(b' ');
                }
                out.extend(token.as_bytes());
                previous_was_word = false;
            }
        }
    }
    String::from_utf8(out).expect("UTF-8 header")
}

/// Quoted-printable (RFC 2045) or, with `q_word`, the Q encoding of headers where `_` is a space.
fn quoted_printable(text: &str, q_word: bool) -> Vec<u8> {
    let text = text.replace("=\r\n", "");
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'=' if i + 3 <= bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
                out.push(u8::from_str_radix(hex, 16).expect("hex digit"));
                i += 3;
            }
            b'_' if q_word => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}
