//! The ten national dossier statuses (shown to everyone) and the finer internal stages under them.

use std::fmt;

/// The public status of a dossier: exactly the ten codes of the National Public Service Portal (regulation.md
/// §2.1). The strings are compared byte for byte by integrators, so they are written once, here, in NFC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Registered = 1,
    Received = 2,
    NotReceived = 3,
    Processing = 4,
    SupplementRequested = 5,
    PaymentRequested = 6,
    Withdrawn = 7,
    Stopped = 8,
    Completed = 9,
    Returned = 10,
}

impl Status {
    pub const ALL: [Status; 10] = [
        Self::Registered,
        Self::Received,
        Self::NotReceived,
        Self::Processing,
        Self::SupplementRequested,
        Self::PaymentRequested,
        Self::Withdrawn,
        Self::Stopped,
        Self::Completed,
        Self::Returned,
    ];

    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(code: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|s| i64::from(s.code()) == code)
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Registered => "Mới đăng ký",
            Self::Received => "Được tiếp nhận",
            Self::NotReceived => "Không được tiếp nhận",
            Self::Processing => "Đang xử lý",
            Self::SupplementRequested => "Yêu cầu bổ sung giấy tờ",
            Self::PaymentRequested => "Yêu cầu thực hiện nghĩa vụ tài chính",
            Self::Withdrawn => "Công dân yêu cầu rút hồ sơ",
            Self::Stopped => "Dừng xử lý",
            Self::Completed => "Đã xử lý xong",
            Self::Returned => "Đã trả kết quả",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a dossier is inside the office. Several stages share one public status (everything between transfer and
/// the signed result is "Đang xử lý"); the stage is what staff queues and the allowed actions depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// Submitted online (or opened at the counter), not yet received by the one-stop section.
    Registered,
    /// Received with a code, waiting at the one-stop section to be transferred.
    Received,
    /// Refused at receipt (Form 03). Terminal.
    Refused,
    /// Transferred to a specialist unit, waiting for the head to assign it.
    AtUnit,
    /// Assigned to a specialist who examines and appraises it (thẩm định).
    Appraising,
    /// Waiting for other bodies' opinions (lấy ý kiến).
    Consulting,
    /// At another agency of an inter-agency procedure (liên thông).
    InterAgency,
    /// Submitted for the head's or leader's signature (trình ký).
    Signing,
    /// Signed; the result is being produced.
    Approved,
    /// The applicant was asked to supplement; the clock is stopped.
    Supplement,
    /// The applicant must pay a fee or tax; the clock is paused.
    Payment,
    /// Withdrawn at the applicant's request. Terminal.
    Withdrawn,
    /// Processing stopped. Terminal.
    Stopped,
    /// The result is at the one-stop section, waiting to be returned (chờ trả).
    ResultReady,
    /// The result was returned. Terminal.
    Returned,
}

impl Stage {
    pub const ALL: [Stage; 15] = [
        Self::Registered,
        Self::Received,
        Self::Refused,
        Self::AtUnit,
        Self::Appraising,
        Self::Consulting,
        Self::InterAgency,
        Self::Signing,
        Self::Approved,
        Self::Supplement,
        Self::Payment,
        Self::Withdrawn,
        Self::Stopped,
        Self::ResultReady,
        Self::Returned,
    ];

    /// The spelling stored in the database and shown in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registered => "registered",
            Self::Received => "received",
            Self::Refused => "refused",
            Self::AtUnit => "at_unit",
            Self::Appraising => "appraising",
            Self::Consulting => "consulting",
            Self::InterAgency => "inter_agency",
            Self::Signing => "signing",
            Self::Approved => "approved",
            Self::Supplement => "supplement",
            Self::Payment => "payment",
            Self::Withdrawn => "withdrawn",
            Self::Stopped => "stopped",
            Self::ResultReady => "result_ready",
            Self::Returned => "returned",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// The national status this stage is displayed as.
    pub fn status(self) -> Status {
        match self {
            Self::Registered => Status::Registered,
            Self::Received => Status::Received,
            Self::Refused => Status::NotReceived,
            Self::AtUnit
            | Self::Appraising
            | Self::Consulting
            | Self::InterAgency
            | Self::Signing
            | Self::Approved => Status::Processing,
            Self::Supplement => Status::SupplementRequested,
            Self::Payment => Status::PaymentRequested,
            Self::Withdrawn => Status::Withdrawn,
            Self::Stopped => Status::Stopped,
            Self::ResultReady => Status::Completed,
            Self::Returned => Status::Returned,
        }
    }

    /// The internal step as staff name it (Appendix I's finer states).
    pub fn label(self) -> &'static str {
        match self {
            Self::Registered => "Chờ tiếp nhận",
            Self::Received => "Chờ chuyển xử lý",
            Self::Refused => "Từ chối tiếp nhận",
            Self::AtUnit => "Chờ phân công",
            Self::Appraising => "Thẩm định",
            Self::Consulting => "Lấy ý kiến",
            Self::InterAgency => "Liên thông",
            Self::Signing => "Trình ký",
            Self::Approved => "Đã phê duyệt",
            Self::Supplement => "Chờ bổ sung",
            Self::Payment => "Chờ thực hiện nghĩa vụ tài chính",
            Self::Withdrawn => "Đã rút hồ sơ",
            Self::Stopped => "Dừng xử lý",
            Self::ResultReady => "Chờ trả kết quả",
            Self::Returned => "Đã trả kết quả",
        }
    }

    /// Still in the office's hands (not refused, withdrawn, stopped or returned).
    pub fn is_active(self) -> bool {
        !matches!(
            self,
            Self::Refused | Self::Withdrawn | Self::Stopped | Self::Returned
        )
    }

    /// The statutory clock runs: received and not yet finished, not waiting for the applicant.
    pub fn clock_runs(self) -> bool {
        matches!(
            self,
            Self::Received
                | Self::AtUnit
                | Self::Appraising
                | Self::Consulting
                | Self::InterAgency
                | Self::Signing
                | Self::Approved
        )
    }
}

/// How the dossier reached the office (Decree 61 Art. 16), with the national channel codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    Counter = 1,
    Online = 2,
    Postal = 3,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Self::Counter, Self::Online, Self::Postal];

    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(code: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|c| i64::from(c.code()) == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Counter => "Trực tiếp",
            Self::Online => "Trực tuyến",
            Self::Postal => "Bưu chính công ích",
        }
    }
}

/// Whether a finished dossier met its appointment (kept for reports): finished on an earlier day, on the due day
/// before the due time, or after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Early,
    OnTime,
    Late,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Early => "early",
            Self::OnTime => "on_time",
            Self::Late => "late",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Early, Self::OnTime, Self::Late]
            .into_iter()
            .find(|o| o.as_str() == raw)
    }

    /// "Trước hạn" / "Đúng hạn" / "Quá hạn", the words of Form 05.
    pub fn label(self) -> &'static str {
        match self {
            Self::Early => "Trước hạn",
            Self::OnTime => "Đúng hạn",
            Self::Late => "Quá hạn",
        }
    }

    /// Compares a finish moment with the due moment, both in office-local time.
    pub fn of(finished: time::PrimitiveDateTime, due: time::PrimitiveDateTime) -> Self {
        if finished > due {
            Self::Late
        } else if finished.date() < due.date() {
            Self::Early
        } else {
            Self::OnTime
        }
    }
}
