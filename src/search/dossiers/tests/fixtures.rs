//! Search layer: the dossier-index test fixtures: eight dossiers of one district office written the way officers
//! and citizens fill them in, with near-misses for each behaviour (Tân/Tấn, a name as applicant and as a mention,
//! two documents of which one matches).

use super::super::{DocumentText, DossierEntry};

/// 2026-11-29 00:00 UTC.
pub(super) const T0: i64 = 1_795_910_400;
pub(super) const DAY: i64 = 86_400;
pub(super) const NOW: i64 = T0 + 10 * DAY;

pub(super) const KTHT: &str = "H40.12.03";
pub(super) const TP: &str = "H40.12.01";

pub(super) const SENTENCE: &str = "Ủy ban nhân dân xã Tân Phước xác nhận hộ ông Lê Đình Khoa đã hoàn thành nghĩa vụ \
                        đóng góp xây dựng đường liên thôn.";

pub(super) fn doc(document_id: i64, file_name: &str, text: &str) -> DocumentText {
    DocumentText {
        document_id,
        file_name: file_name.to_owned(),
        text: text.to_owned(),
    }
}

/// An active dossier received `day` days after T0, its clock running with ten days to go.
pub(super) fn dossier(id: i64, day: i64, applicant: &str, procedure: &str) -> DossierEntry {
    DossierEntry {
        id,
        code: format!(
            "000.00.19.H40-2611{}-{id:04}",
            if day < 1 { 29 } else { 30 }
        ),
        applicant_name: applicant.to_owned(),
        applicant_id_number: format!("0380850{id:05}"),
        procedure_code: format!("1.00{id}612"),
        procedure_name: procedure.to_owned(),
        form_text: String::new(),
        documents: Vec::new(),
        status: 4,
        unit: KTHT.to_owned(),
        assignee: Some(31),
        channel: 1,
        received_at: Some(T0 + day * DAY),
        submitted_at: T0 + day * DAY - 3600,
        due_at: Some(NOW + 10 * DAY),
        running: true,
        active: true,
        archived: false,
    }
}

pub(super) fn fixtures() -> Vec<DossierEntry> {
    let mut khoa = dossier(
        1,
        0,
        "Lê Đình Khoa",
        "Cấp giấy phép xây dựng đối với nhà ở riêng lẻ",
    );
    khoa.form_text =
        "Địa chỉ công trình: thôn Phú Lâm, xã Tân Phước\nDiện tích xây dựng: 86 m2".to_owned();
    khoa.documents = vec![
        doc(
            101,
            "Đơn đề nghị cấp phép.pdf",
            "Kính gửi Ủy ban nhân dân huyện. Tôi đề nghị được cấp giấy phép xây dựng nhà ở riêng lẻ tại thôn Phú Lâm.",
        ),
        doc(102, "Giấy xác nhận của xã.pdf", SENTENCE),
    ];
    let mut lan = dossier(2, 1, "Nguyễn Thị Lan", "Đăng ký khai sinh");
    lan.documents = vec![doc(
        201,
        "Tờ khai.pdf",
        "Tờ khai đăng ký khai sinh cho cháu Nguyễn Minh Anh, sinh tại Trạm y tế xã Tân Phước.",
    )];
    (lan.unit, lan.assignee, lan.channel, lan.status) = (TP.to_owned(), Some(21), 2, 2);
    lan.due_at = Some(NOW - DAY);
    let mut hung = dossier(3, 2, "Trần Văn Hùng", "Chứng thực bản sao từ bản chính");
    (hung.unit, hung.assignee, hung.channel, hung.status) = (String::new(), Some(21), 3, 10);
    (hung.active, hung.running, hung.due_at) = (false, false, None);
    let mut hoa = dossier(
        4,
        3,
        "Phạm Thị Hoa",
        "Cấp giấy phép xây dựng đối với nhà ở riêng lẻ",
    );
    hoa.documents = vec![doc(
        401,
        "Biên bản.pdf",
        "Biên bản họp thôn có ông Trần Văn Hùng làm chứng về ranh giới thửa đất.",
    )];
    hoa.assignee = Some(32);
    hoa.due_at = Some(NOW - 2 * DAY);
    let tan = dossier(5, 4, "Võ Minh Tân", "Đăng ký kết hôn");
    let mut tan2 = dossier(6, 5, "Đỗ Văn Tấn", "Đăng ký kết hôn");
    tan2.unit = TP.to_owned();
    let mut online = dossier(7, 6, "Hoàng Thị Mai", "Đăng ký thường trú");
    (
        online.code,
        online.received_at,
        online.status,
        online.channel,
    ) = (String::new(), None, 1, 2);
    (online.unit, online.assignee, online.running, online.due_at) =
        (String::new(), None, false, None);
    online.form_text = "Nơi thường trú mới: số 12 ngõ 5 phố Lý Thái Tổ".to_owned();
    let mut archived = dossier(
        8,
        -30,
        "Bùi Văn Nam",
        "Cấp giấy phép xây dựng đối với nhà ở riêng lẻ",
    );
    (archived.unit, archived.assignee, archived.status) = (String::new(), Some(33), 10);
    (
        archived.active,
        archived.running,
        archived.archived,
        archived.due_at,
    ) = (false, false, true, None);
    vec![khoa, lan, hung, hoa, tan, tan2, online, archived]
}
