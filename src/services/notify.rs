//! Services: the messages an applicant receives about a dossier (Decree 61/2018 and Circular 01/2018: receipt,
//! supplement request, refusal, payment, the apology with a new date, result ready, processing stopped). They are
//! queued inside the transaction of the change they announce, so a message exists exactly when the change does;
//! `jobs::notifier` delivers them afterwards, with retries.

use std::sync::Arc;

use time::OffsetDateTime;
use tokio::sync::Notify;

use crate::domain::text::nfc;
use crate::store::notifications::{self, Channel, NewNotification, Notification};
use crate::store::{Db, StoreError, format_time};

use super::ServiceError;

/// Longest SMS text: two parts of ASCII text (or five of Unicode), which gateways still deliver as one message.
pub const SMS_MAX_CHARS: usize = 320;

/// The event the applicant is told about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// The dossier was received (Form 01: receipt and appointment for the result).
    Received,
    /// The dossier must be supplemented (Form 02); `detail` lists what is missing.
    SupplementRequested,
    /// The office will not take or process the dossier (Form 03); `detail` says why.
    Refused,
    /// Fees or charges must be paid before processing goes on; `detail` says what and how much.
    PaymentRequested,
    /// The result will be late: the office apologises and gives a new date (Form 04); `detail` is the date.
    Extended,
    /// The result is ready; `detail` says where or how to collect it.
    ResultReady,
    /// Processing stopped (withdrawn by the applicant, or no supplement in time); `detail` says why.
    Stopped,
}

impl NoticeKind {
    /// Every kind, so tests and previews can walk them all.
    pub const ALL: [NoticeKind; 7] = [
        Self::Received,
        Self::SupplementRequested,
        Self::Refused,
        Self::PaymentRequested,
        Self::Extended,
        Self::ResultReady,
        Self::Stopped,
    ];

    /// What follows "Hồ sơ <code>" in the subject.
    fn headline(self) -> &'static str {
        match self {
            Self::Received => "đã được tiếp nhận",
            Self::SupplementRequested => "cần bổ sung, hoàn thiện",
            Self::Refused => "bị từ chối tiếp nhận, giải quyết",
            Self::PaymentRequested => "cần nộp phí, lệ phí",
            Self::Extended => "được hẹn lại ngày trả kết quả",
            Self::ResultReady => "đã có kết quả",
            Self::Stopped => "đã dừng giải quyết",
        }
    }

    /// The first paragraph of the e-mail.
    fn lead(self, agency: &str) -> String {
        match self {
            Self::Received => format!("{agency} đã tiếp nhận hồ sơ của Ông/Bà."),
            Self::SupplementRequested => {
                "Hồ sơ của Ông/Bà cần được bổ sung, hoàn thiện để được tiếp tục giải quyết."
                    .to_owned()
            }
            Self::Refused => {
                format!("{agency} không thể tiếp nhận, giải quyết hồ sơ của Ông/Bà.")
            }
            Self::PaymentRequested => {
                "Xin Ông/Bà nộp phí, lệ phí để hồ sơ được tiếp tục giải quyết.".to_owned()
            }
            Self::Extended => format!(
                "{agency} xin lỗi Ông/Bà vì hồ sơ chưa được giải quyết đúng hẹn và xin hẹn lại ngày trả kết quả."
            ),
            Self::ResultReady => "Hồ sơ của Ông/Bà đã có kết quả giải quyết.".to_owned(),
            Self::Stopped => "Hồ sơ của Ông/Bà đã dừng giải quyết.".to_owned(),
        }
    }

    /// The label in front of `detail`.
    fn detail_label(self) -> &'static str {
        match self {
            Self::Received => "Ngày hẹn trả kết quả",
            Self::SupplementRequested => "Nội dung cần bổ sung, hoàn thiện",
            Self::Refused | Self::Stopped => "Lý do",
            Self::PaymentRequested => "Khoản cần nộp",
            Self::Extended => "Ngày hẹn trả kết quả mới",
            Self::ResultReady => "Nhận kết quả",
        }
    }
}

/// What the dossier service knows when it announces a change. Empty `email` or `phone` means that channel is not
/// used for this applicant.
#[derive(Debug, Clone)]
pub struct NoticeInput<'a> {
    /// `None` for a message about no stored dossier (tests, a refusal before anything was recorded).
    pub dossier_id: Option<i64>,
    /// The dossier code, once issued (a dossier refused at the counter may have none).
    pub code: Option<&'a str>,
    pub procedure_name: &'a str,
    pub applicant_name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub kind: NoticeKind,
    /// The reason, the missing items, the amount or the new date, as staff wrote it; may be empty.
    pub detail: &'a str,
    pub agency_name: &'a str,
    /// An absolute link to the dossier's look-up page (see `NotifyConfig::link`).
    pub lookup_url: Option<&'a str>,
}

/// A notice rendered for both channels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeText {
    pub subject: String,
    pub body: String,
    /// At most [`SMS_MAX_CHARS`] characters; ASCII when asked for.
    pub sms: String,
}

/// Renders the subject, e-mail body and SMS text of a notice (NFC).
pub fn compose(n: &NoticeInput<'_>, sms_ascii: bool) -> NoticeText {
    let code = n.code.map(str::trim).filter(|c| !c.is_empty());
    let procedure = one_line(n.procedure_name);
    let agency = one_line(n.agency_name);
    let detail = n.detail.trim();
    let label = n.kind.detail_label();
    let subject = match code {
        Some(code) => format!("Hồ sơ {code} {}", n.kind.headline()),
        None => format!("Hồ sơ của Ông/Bà {}", n.kind.headline()),
    };

    let mut body = format!(
        "Kính gửi: {}\n\n{}\n\n",
        one_line(n.applicant_name),
        n.kind.lead(&agency)
    );
    if let Some(code) = code {
        body.push_str(&format!("Mã hồ sơ: {code}\n"));
    }
    body.push_str(&format!("Thủ tục: {procedure}\n"));
    if !detail.is_empty() {
        let sep = if detail.contains('\n') { "\n" } else { " " };
        body.push_str(&format!("{label}:{sep}{detail}\n"));
    }
    if let Some(url) = n.lookup_url {
        body.push_str(&format!("Tra cứu hồ sơ: {url}\n"));
    }
    body.push_str(&format!(
        "\nThư này được gửi tự động, xin Ông/Bà không trả lời thư này.\n{agency}\n"
    ));

    let sms = sms_text(n, code, &procedure, &agency, sms_ascii);
    NoticeText {
        subject: nfc(&subject),
        body: nfc(&body),
        sms,
    }
}

/// The SMS: "<agency>: Hồ sơ <code> (<procedure>) <headline>. <label>: <detail>. Tra cứu: <url>". When that is too
/// long the procedure goes first, then the detail is shortened; the link is kept whole as long as possible.
fn sms_text(
    n: &NoticeInput<'_>,
    code: Option<&str>,
    procedure: &str,
    agency: &str,
    ascii: bool,
) -> String {
    let detail = n
        .detail
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    let build = |with_procedure: bool, detail: &str| {
        let reference = match (code, with_procedure) {
            (Some(code), true) => format!("{code} ({procedure})"),
            (Some(code), false) => code.to_owned(),
            (None, true) => format!("({procedure})"),
            (None, false) => "của Ông/Bà".to_owned(),
        };
        let mut text = format!("{agency}: Hồ sơ {reference} {}.", n.kind.headline());
        if !detail.is_empty() {
            text.push_str(&format!(" {}: {detail}", n.kind.detail_label()));
            if !detail.ends_with(['.', '…']) {
                text.push('.');
            }
        }
        if let Some(url) = n.lookup_url {
            text.push_str(&format!(" Tra cứu: {url}"));
        }
        let text = nfc(&text);
        if ascii { sms_ascii(&text) } else { text }
    };
    let fits = |s: &String| s.chars().count() <= SMS_MAX_CHARS;
    let full = build(true, &detail);
    if fits(&full) {
        return full;
    }
    let short = build(false, &detail);
    if fits(&short) {
        return short;
    }
    let over = short.chars().count() - SMS_MAX_CHARS;
    let keep = detail.chars().count().saturating_sub(over + 3);
    if keep >= 10 {
        let cut: String = detail.chars().take(keep).collect();
        // End at a word boundary when there is one, so no word is left half-written.
        let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
        let cut = cut.trim_end_matches([' ', ';', ',']);
        let shortened = build(false, &format!("{cut}…"));
        if fits(&shortened) {
            return shortened;
        }
    }
    let mut hard: String = short.chars().take(SMS_MAX_CHARS - 3).collect();
    hard.push_str(if ascii { "..." } else { "…" });
    hard
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Vietnamese text as plain ASCII for SMS, keeping case, digits and punctuation ("Đăng ký" → "Dang ky");
/// unlike `domain::text::fold_ascii`, which lower-cases for search. Characters with no ASCII form become `?`.
pub fn sms_ascii(input: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let mut out = String::with_capacity(input.len());
    for c in input.nfd().filter(|c| !is_combining_mark(*c)) {
        match c {
            'đ' => out.push('d'),
            'Đ' => out.push('D'),
            '–' | '—' | '‐' | '−' => out.push('-'),
            '‘' | '’' => out.push('\''),
            '“' | '”' | '«' | '»' => out.push('"'),
            '…' => out.push_str("..."),
            c if c.is_ascii() => out.push(c),
            c if c.is_whitespace() => out.push(' '),
            _ => out.push('?'),
        }
    }
    out
}

/// Inside the caller's write transaction: queues one e-mail when the applicant has an address and one SMS when
/// they have a phone number; returns how many messages were queued. Wake the notifier after the commit.
pub fn enqueue_notice(
    conn: &rusqlite::Connection,
    n: &NoticeInput<'_>,
    now: OffsetDateTime,
    sms_ascii: bool,
) -> Result<usize, StoreError> {
    let at = format_time(now);
    let text = compose(n, sms_ascii);
    let mut queued = 0;
    for (channel, recipient, body) in [
        (Channel::Email, n.email.trim(), &text.body),
        (Channel::Sms, n.phone.trim(), &text.sms),
    ] {
        if recipient.is_empty() {
            continue;
        }
        notifications::enqueue(
            conn,
            &NewNotification {
                dossier_id: n.dossier_id,
                channel,
                recipient,
                subject: &text.subject,
                body,
            },
            &at,
        )?;
        queued += 1;
    }
    Ok(queued)
}

/// Messages whose next attempt is due.
pub async fn due(
    db: &Db,
    now: OffsetDateTime,
    limit: usize,
) -> Result<Vec<Notification>, ServiceError> {
    let now = format_time(now);
    db.read(move |c| notifications::due(c, &now, limit).map_err(ServiceError::from))
        .await
}

/// The outcome of one delivery attempt, as the notifier decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// Try again at `at`.
    Retry {
        at: OffsetDateTime,
        error: String,
    },
    /// Give up; the error stays on the row for staff.
    Failed {
        error: String,
    },
}

/// Records what happened to message `id` after `attempts` attempts.
pub async fn record_delivery(
    db: &Db,
    id: i64,
    attempts: u32,
    delivery: Delivery,
    now: OffsetDateTime,
) -> Result<(), ServiceError> {
    db.write(move |tx| {
        match &delivery {
            Delivery::Sent => notifications::mark_sent(tx, id, attempts, &format_time(now))?,
            Delivery::Retry { at, error } => {
                notifications::mark_retry(tx, id, attempts, &format_time(*at), error)?
            }
            Delivery::Failed { error } => notifications::mark_failed(tx, id, attempts, error)?,
        }
        Ok(())
    })
    .await
}

/// Wakes the notifier right after a message is queued instead of waiting for its next poll.
#[derive(Clone, Default)]
pub struct NotifierWake(Arc<Notify>);

impl NotifierWake {
    /// Call after the transaction that queued messages has committed; a wake-up while the notifier is busy is
    /// kept, so none is lost.
    pub fn wake(&self) {
        self.0.notify_one();
    }

    /// Resolves at the next wake-up (or at once if a wake-up came while nobody waited).
    pub async fn notified(&self) {
        self.0.notified().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::is_nfc;

    fn input(kind: NoticeKind) -> NoticeInput<'static> {
        NoticeInput {
            dossier_id: Some(1),
            code: Some("H40.12-261129-0001"),
            procedure_name: "Đăng ký khai sinh",
            applicant_name: "Nguyễn Thị Hoà",
            email: "hoa@example.vn",
            phone: "0912345678",
            kind,
            detail: "05/12/2026",
            agency_name: "UBND huyện Thử",
            lookup_url: Some("https://dichvucong.example.gov.vn/tra-cuu?ma=H40.12-261129-0001"),
        }
    }

    #[test]
    fn every_notice_names_the_dossier_procedure_detail_and_link_in_nfc_vietnamese() {
        for kind in NoticeKind::ALL {
            let t = compose(&input(kind), false);
            assert!(t.subject.starts_with("Hồ sơ H40.12-261129-0001 "), "{t:?}");
            for part in [
                "Kính gửi: Nguyễn Thị Hoà",
                "Mã hồ sơ: H40.12-261129-0001",
                "Thủ tục: Đăng ký khai sinh",
                ": 05/12/2026",
                "Tra cứu hồ sơ: https://dichvucong.example.gov.vn/tra-cuu?ma=H40.12-261129-0001",
            ] {
                assert!(t.body.contains(part), "{kind:?} lacks {part}: {}", t.body);
            }
            assert!(is_nfc(&t.subject) && is_nfc(&t.body) && is_nfc(&t.sms));
            assert!(t.sms.chars().count() <= SMS_MAX_CHARS);
        }
        assert_eq!(
            compose(&input(NoticeKind::Received), false).subject,
            "Hồ sơ H40.12-261129-0001 đã được tiếp nhận"
        );
    }

    #[test]
    fn the_sms_is_folded_to_ascii_keeping_case_and_digits() {
        let t = compose(&input(NoticeKind::Received), true);
        assert_eq!(
            t.sms,
            "UBND huyen Thu: Ho so H40.12-261129-0001 (Dang ky khai sinh) da duoc tiep nhan. \
             Ngay hen tra ket qua: 05/12/2026. Tra cuu: https://dichvucong.example.gov.vn/tra-cuu?ma=H40.12-261129-0001"
        );
        assert_eq!(
            sms_ascii("ĐƯỜNG Lý “Thái” Tổ – số 1…"),
            "DUONG Ly \"Thai\" To - so 1..."
        );
    }

    #[test]
    fn a_long_sms_drops_the_procedure_then_shortens_the_detail_but_keeps_the_link() {
        let long_name = "Cấp giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất \
                         lần đầu cho hộ gia đình, cá nhân đã được cấp giấy chứng nhận";
        let items = "Bản sao giấy tờ về quyền sử dụng đất có chứng thực\nSơ đồ nhà ở, công trình xây dựng\n\
                     Chứng từ thực hiện nghĩa vụ tài chính\nVăn bản ủy quyền có công chứng hoặc chứng thực\n\
                     Giấy tờ chứng minh nhân thân của người được ủy quyền";
        let n = NoticeInput {
            procedure_name: long_name,
            detail: items,
            kind: NoticeKind::SupplementRequested,
            ..input(NoticeKind::SupplementRequested)
        };
        for ascii in [true, false] {
            let sms = compose(&n, ascii).sms;
            assert!(sms.chars().count() <= SMS_MAX_CHARS, "{sms}");
            assert!(
                !sms.contains("Cấp giấy") && !sms.contains("Cap giay"),
                "{sms}"
            );
            assert!(
                sms.ends_with(
                    "Tra cuu: https://dichvucong.example.gov.vn/tra-cuu?ma=H40.12-261129-0001"
                ) || sms.ends_with(
                    "Tra cứu: https://dichvucong.example.gov.vn/tra-cuu?ma=H40.12-261129-0001"
                ),
                "{sms}"
            );
            assert!(sms.contains('…') || sms.contains("..."), "{sms}");
        }
        let body = compose(&n, true).body;
        assert!(body.contains("Nội dung cần bổ sung, hoàn thiện:\nBản sao giấy tờ"));
    }

    #[test]
    fn a_notice_without_a_code_or_link_still_reads_well() {
        let n = NoticeInput {
            code: None,
            lookup_url: None,
            detail: "",
            ..input(NoticeKind::Refused)
        };
        let t = compose(&n, true);
        assert_eq!(
            t.subject,
            "Hồ sơ của Ông/Bà bị từ chối tiếp nhận, giải quyết"
        );
        assert!(!t.body.contains("Mã hồ sơ") && !t.body.contains("Lý do"));
        assert_eq!(
            t.sms,
            "UBND huyen Thu: Ho so (Dang ky khai sinh) bi tu choi tiep nhan, giai quyet."
        );
    }
}
