//! Vietnamese text for the stable error codes of the domain and services.

/// The sentence shown beside a field for a validation code.
pub fn field_message(code: &str) -> &'static str {
    match code {
        "username.too_short" => "Tên đăng nhập cần ít nhất 3 ký tự.",
        "username.too_long" => "Tên đăng nhập dài quá 64 ký tự.",
        "username.invalid" => "Tên đăng nhập chỉ gồm chữ thường không dấu, chữ số và các dấu . _ -",
        "username.taken" => "Tên đăng nhập này đã có người dùng.",
        "full_name.required" => "Vui lòng nhập họ và tên.",
        "full_name.too_long" => "Họ và tên dài quá 120 ký tự.",
        "full_name.invalid" => "Họ và tên có ký tự không hợp lệ.",
        "role.required" => "Chọn ít nhất một vai trò.",
        "role.invalid" => "Vai trò không hợp lệ.",
        "unit.required" => "Cán bộ (trừ quản trị) phải thuộc một đơn vị.",
        "unit.unknown" | "unit_code.invalid" | "unit_code.required" => "Đơn vị không tồn tại.",
        "password.too_short" => "Mật khẩu quá ngắn.",
        "password.too_long" => "Mật khẩu dài quá 128 ký tự.",
        "password.too_common" => "Mật khẩu quá dễ đoán; hãy chọn mật khẩu khác.",
        "password.mismatch" => "Hai lần nhập mật khẩu mới không khớp.",
        "password.wrong" => "Mật khẩu hiện tại không đúng.",
        "agency_code.invalid" | "agency_code.required" | "agency_code.too_long" => {
            "Mã định danh cơ quan không hợp lệ."
        }
        "token_name.invalid" | "token_name.taken" => "Tên mã truy cập không hợp lệ hoặc đã dùng.",
        "token_scope.invalid" => "Phạm vi mã truy cập không hợp lệ.",
        // Administrative-unit catalogue: import (shown as "Dòng N: …") and the move to the 2025 units.
        "era.invalid" => "Chọn thời kỳ của danh mục: trước hoặc từ 01/7/2025.",
        "unit_import.empty" => "Chưa có dữ liệu: hãy chọn tệp CSV/JSON hoặc dán nội dung tệp.",
        "upload.too_large" => "Tệp quá lớn để gửi lên.",
        "unit_import.not_utf8" => "Tệp phải được mã hóa UTF-8.",
        "unit_import.unreadable" => "Không đọc được dữ liệu: sai cú pháp CSV hoặc JSON.",
        "unit_import.header" => {
            "Dòng tiêu đề phải có các cột era, code, name, kind, level, parent_code."
        }
        "unit_import.era_mismatch" => "Cột era khác thời kỳ đã chọn.",
        "unit_import.code_invalid" => "Mã đơn vị phải gồm 1 đến 10 chữ số.",
        "unit_import.name_required" => "Thiếu tên đơn vị.",
        "unit_import.name_too_long" => "Tên đơn vị dài quá 200 ký tự.",
        "unit_import.kind_required" => "Thiếu loại đơn vị (hoặc dài quá 60 ký tự).",
        "unit_import.text_invalid" => "Tên hoặc loại đơn vị chứa ký tự điều khiển.",
        "unit_import.level_unknown" => {
            "Cấp không hợp lệ: chỉ dùng province, district hoặc commune."
        }
        "unit_import.level_not_in_era" => "Từ 01/7/2025 không còn cấp huyện (district).",
        "unit_import.parent_required" => "Thiếu mã đơn vị cấp trên.",
        "unit_import.parent_not_found" => {
            "Không tìm thấy đơn vị cấp trên trong danh mục hoặc trong tệp."
        }
        "unit_import.parent_level" => {
            "Đơn vị cấp trên không đúng cấp (tỉnh không có cấp trên; xã thuộc huyện trước 01/7/2025, thuộc tỉnh từ 01/7/2025)."
        }
        "unit_import.duplicate_code" => "Mã đơn vị trùng với một dòng trước đó trong tệp.",
        "unit_move.already_moved" => {
            "Cơ quan đã chuyển sang đơn vị hành chính từ 01/7/2025; không chuyển lại lần nữa."
        }
        "unit_move.unconfirmed" => {
            "Xã này được chia cho nhiều xã mới: hãy đánh dấu ít nhất một xã mới cơ quan sẽ phục vụ."
        }
        "unit_move.not_proposed" => "Có xã được chọn không nằm trong danh sách đề xuất.",
        "unit_move.unmapped" => {
            "Không tìm thấy xã mới nào nhận xã này trong bảng sắp xếp; hãy cập nhật danh mục trước."
        }
        // Shared code lists (services::catalogue) and portal pages (services::pages).
        "sector_code.invalid" => {
            "Mã lĩnh vực phải có dạng MX1X2-LV: mã cơ quan cấp 1, dấu gạch ngang, mã lĩnh vực (ví dụ H40-HT)."
        }
        "code.invalid" => {
            "Mã chỉ gồm chữ in hoa không dấu, chữ số và các dấu . - _ (tối đa 40 ký tự)."
        }
        "code.duplicate" => "Mã này đã xuất hiện ở một dòng trước đó trong tệp.",
        "name.required" => "Vui lòng nhập tên.",
        "name.too_long" => "Tên quá dài (lĩnh vực tối đa 200 ký tự, mục khác tối đa 300 ký tự).",
        "name.invalid" => "Tên chứa ký tự không hợp lệ.",
        "amount.invalid" => {
            "Mức thu phải là số tiền nguyên tính bằng đồng, ví dụ 50000 hoặc 50.000; để trống nếu mức thu thay đổi."
        }
        "note.required" => "Mức thu thay đổi: vui lòng ghi rõ cách tính trong phần ghi chú.",
        "note.too_long" | "legal_basis.too_long" => "Nội dung dài quá 1000 ký tự.",
        "note.invalid" | "legal_basis.invalid" => "Nội dung chứa ký tự không hợp lệ.",
        "demo.invalid" => "Cột demo chỉ nhận true, false, 1, 0 hoặc để trống.",
        "catalogue.in_use" => {
            "mục này đang được thủ tục hành chính sử dụng. Hãy sửa các thủ tục đó trước."
        }
        "file.required" => "Vui lòng chọn tệp CSV hoặc JSON để nhập.",
        "import.encoding" => "Tệp phải được mã hóa UTF-8.",
        "import.csv" => "Tệp CSV không đọc được.",
        "import.csv_fields" => "Số cột của dòng không khớp với dòng tiêu đề.",
        "import.json" => "Tệp JSON không đúng cú pháp hoặc không phải một mảng.",
        "import.json_object" => "Mỗi phần tử của mảng JSON phải là một đối tượng.",
        "import.column_unknown" => "Cột không thuộc danh mục này.",
        "import.column_duplicate" => "Cột bị lặp lại.",
        "import.column_missing" => "Thiếu cột bắt buộc (code và name).",
        "import.row" => "Dòng không hợp lệ.",
        "slug.invalid" => {
            "Đường dẫn chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang, tối đa 80 ký tự."
        }
        "kind.invalid" => "Loại trang phải là hướng dẫn hoặc hỏi đáp.",
        "title.required" => "Vui lòng nhập tiêu đề.",
        "title.too_long" => "Tiêu đề dài quá 300 ký tự.",
        "title.invalid" => "Tiêu đề chứa ký tự không hợp lệ.",
        "body.required" => "Vui lòng nhập nội dung.",
        "body.too_long" => "Nội dung dài quá 100.000 ký tự.",
        "position.invalid" => "Thứ tự phải là một số nguyên.",
        // Agencies and units (services::agencies): forms, import lines ("Dòng N, cột C: …") and deletion.
        "org.code_required" => "Vui lòng nhập mã.",
        "org.agency_code_invalid" => {
            "Mã định danh cơ quan phải theo Quyết định 20/2020/QĐ-TTg: tối đa 35 ký tự gồm chữ in hoa không dấu, chữ số và dấu chấm; nhóm đầu là một chữ cái từ A đến Y và hai chữ số, các nhóm sau là số (ví dụ H40.12)."
        }
        "org.name_required" => "Vui lòng nhập tên.",
        "org.name_too_long" => "Tên dài quá 200 ký tự.",
        "org.text_invalid" => "Nội dung chứa ký tự không hợp lệ.",
        "org.text_too_long" => {
            "Nội dung quá dài (địa chỉ tối đa 300 ký tự, điện thoại 50 ký tự, thư điện tử 254 ký tự)."
        }
        "org.email_invalid" => "Địa chỉ thư điện tử không hợp lệ (ví dụ motcua@tiendu.gov.vn).",
        "org.level_invalid" => {
            "Cấp chỉ nhận province (cấp tỉnh), district (cấp huyện) hoặc commune (cấp xã)."
        }
        "org.parent_unknown" => {
            "Không tìm thấy cơ quan cấp trên có mã này trong danh mục hoặc trong tệp."
        }
        "org.parent_level" => {
            "Cơ quan cấp trên không được ở cấp thấp hơn cơ quan này (thứ tự: tỉnh, huyện, xã)."
        }
        "org.parent_cycle" => {
            "Cơ quan cấp trên không được là chính cơ quan này hoặc một cơ quan trực thuộc nó."
        }
        "org.children_level" => "Cơ quan này có cơ quan trực thuộc ở cấp cao hơn cấp vừa chọn.",
        "org.admin_unit_unknown" => {
            "Mã đơn vị hành chính không có trong danh mục đơn vị hành chính mà cơ quan đang áp dụng."
        }
        "org.code_taken_by_unit" => "Mã này đã là mã của một đơn vị trực thuộc.",
        "org.code_taken_by_agency" => "Mã này đã là mã của một cơ quan.",
        "org.agency_unknown" => {
            "Không tìm thấy cơ quan chủ quản có mã này; hãy thêm hoặc nhập cơ quan trước."
        }
        "org.unit_code_invalid" => {
            "Mã đơn vị phải là mã định danh theo Quyết định 20/2020/QĐ-TTg: mã cơ quan chủ quản, dấu chấm và số thứ tự (ví dụ H40.12.7)."
        }
        "org.unit_not_under_agency" => {
            "Mã đơn vị phải là mã của cơ quan chủ quản thêm một nhóm số (ví dụ H40.12.7 thuộc cơ quan H40.12)."
        }
        "org.kind_invalid" => {
            "Loại đơn vị chỉ nhận one_stop (bộ phận một cửa), specialist (phòng chuyên môn) hoặc leadership (lãnh đạo cơ quan)."
        }
        "org.in_use" => {
            "đang được sử dụng (đơn vị trực thuộc, cơ quan cấp dưới, xã thuộc địa bàn, tài khoản cán bộ, quy trình thủ tục, hoặc đó là cơ quan của hệ thống). Hãy chuyển hoặc xóa các mục đó trước."
        }
        "org.column_missing" => "Thiếu cột bắt buộc.",
        "org.json_text" => "Giá trị phải là chuỗi ký tự hoặc null.",
        // Dossiers: intake and actions.
        "required" => "Vui lòng nhập thông tin này.",
        "too_long" => "Nội dung quá dài.",
        "applicant_name.required" => "Vui lòng nhập họ tên người nộp hoặc tên tổ chức.",
        "applicant_name.invalid" => "Tên người nộp có ký tự không hợp lệ hoặc dài quá 200 ký tự.",
        "applicant_kind.invalid" => "Chọn cá nhân hoặc tổ chức.",
        "id_number.invalid" => {
            "Số định danh cá nhân gồm 12 chữ số (hoặc CMND 9 chữ số, hộ chiếu 1 chữ cái và 7 chữ số)."
        }
        "tax_code.invalid" => "Mã số thuế gồm 10 chữ số, hoặc 10 chữ số, dấu gạch và 3 chữ số.",
        "phone.invalid" => "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0.",
        "email.invalid" => "Địa chỉ thư điện tử không hợp lệ.",
        "channel.invalid" => "Chọn hình thức nộp: trực tiếp, trực tuyến hoặc bưu chính công ích.",
        "channel.not_offered" => "Thủ tục này không tiếp nhận hồ sơ theo hình thức đã chọn.",
        "channel.online_by_applicant" => "Hồ sơ trực tuyến do người nộp gửi qua Cổng Dịch vụ công.",
        "procedure.unknown" => "Chọn một thủ tục đang được công bố.",
        "agency.unknown" => "Cơ quan tiếp nhận không có trong danh mục.",
        "delivery.invalid" => "Chọn hình thức nhận kết quả.",
        "sets.invalid" => "Số bộ hồ sơ từ 1 đến 99.",
        "form_data.invalid" => "Dữ liệu tờ khai không hợp lệ.",
        "action.unknown" => "Thao tác không hợp lệ.",
        "payment_amount.invalid" => "Số tiền phải là số nguyên dương (đồng).",
        "due.invalid" => "Thời hạn phải là một ngày sau thời điểm hiện tại.",
        "new_due.not_later" => "Ngày hẹn mới phải sau ngày hẹn hiện tại.",
        "assignee.invalid" => "Chọn một chuyên viên của đơn vị đang giữ hồ sơ.",
        "date.invalid" => "Ngày phải viết dạng năm-tháng-ngày, ví dụ 2027-02-05.",
        // The processing report's filters.
        "date.required" => "Vui lòng chọn ngày.",
        "procedure_code.invalid" => "Mã thủ tục không hợp lệ.",
        "report.period_reversed" => "Ngày kết thúc kỳ báo cáo phải từ ngày bắt đầu trở đi.",
        "report.period_too_long" => "Kỳ báo cáo dài nhất 10 năm.",
        "report.agency_unknown" => "Không có cơ quan với mã này.",
        "report.unit_unknown" => "Không có đơn vị với mã này.",
        "report.sector_unknown" => "Không có lĩnh vực với mã này.",
        "report.procedure_unknown" => "Không có thủ tục với mã này.",
        "report.figure_unknown" => "Chỉ tiêu báo cáo không hợp lệ.",
        "report.cursor_invalid" => {
            "Vị trí trang không hợp lệ; hãy mở lại danh sách từ trang báo cáo."
        }
        "report.group_by_invalid" => {
            "Bảng chi tiết chỉ theo đơn vị (unit) hoặc theo thủ tục (procedure)."
        }
        "day_override.invalid" => "Chọn ngày nghỉ hoặc ngày làm việc bù.",
        "office_hours.invalid" => "Giờ làm việc viết dạng 07:30-11:30,13:00-17:00.",
        "media_type" => {
            "Loại tệp không được chấp nhận (chỉ nhận PDF, JPEG, PNG, DOCX, ODT, XLSX, văn bản); loại tệp được nhận biết theo nội dung, không theo tên tệp."
        }
        "template.invalid" => "Mẫu in có lỗi cú pháp hoặc không hiển thị được với dữ liệu mẫu.",
        "form_set.unknown" => "Bộ biểu mẫu không tồn tại.",
        "document_kind.invalid" => "Loại tệp đính kèm không hợp lệ.",
        "file.empty" => "Chưa chọn tệp, hoặc tệp rỗng.",
        "file.too_large" => {
            "Tệp vượt quá dung lượng tối đa cho mỗi tệp (ghi bên cạnh ô chọn tệp). Vui lòng nén hoặc quét lại với độ phân giải thấp hơn."
        }
        "document.certify_kind" => {
            "Chỉ bản quét giấy tờ hoặc bản quét kết quả mới được xác nhận là bản sao điện tử khớp bản gốc."
        }
        "file.mismatch" => {
            "Nội dung tệp không khớp với phần mở rộng của tên tệp (ví dụ tệp tên .pdf nhưng không phải PDF). Vui lòng chọn đúng tệp."
        }
        "component.unknown" => "Thành phần hồ sơ không tồn tại.",
        "json.invalid" => "Nội dung gửi lên không phải JSON hợp lệ.",
        "cursor.invalid" => "Con trỏ trang không hợp lệ.",
        "idempotency.invalid" => "Khóa Idempotency-Key không hợp lệ.",
        // E-forms (domain::eform::answers): one message per code, shown beside the input it names.
        "eform.required" => "Vui lòng điền thông tin này.",
        "eform.invalid" => "Dữ liệu của mục này không hợp lệ.",
        "eform.text" => "Nội dung chứa ký tự không hợp lệ.",
        "eform.too_long" => "Nội dung dài quá số ký tự cho phép.",
        "eform.too_short" => "Nội dung ngắn hơn số ký tự tối thiểu.",
        "eform.number" => "Vui lòng nhập một số, ví dụ 3 hoặc 12,5.",
        "eform.below_min" => "Giá trị nhỏ hơn mức tối thiểu cho phép.",
        "eform.above_max" => "Giá trị lớn hơn mức tối đa cho phép.",
        "eform.money" => "Số tiền phải là số nguyên đồng, không âm, ví dụ 1.500.000.",
        "eform.date" => {
            "Ngày không có thật hoặc sai dạng; hãy nhập ngày/tháng/năm, ví dụ 05/02/2027."
        }
        "eform.choice" => "Vui lòng chọn một trong các lựa chọn có sẵn.",
        "eform.yesno" => "Vui lòng chọn Có hoặc Không.",
        "eform.id_number" => {
            "Số định danh cá nhân gồm 12 chữ số, in trên thẻ Căn cước (ví dụ 027095001234)."
        }
        "eform.phone" => "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0, ví dụ 0912 345 678.",
        "eform.email" => "Địa chỉ thư điện tử không hợp lệ, ví dụ ten@example.vn.",
        "eform.address" => {
            "Địa chỉ không hợp lệ; hãy chọn tỉnh, thành phố và xã, phường trong danh sách."
        }
        "eform.province" => "Vui lòng chọn tỉnh, thành phố.",
        "eform.commune" => "Vui lòng chọn xã, phường.",
        "eform.rows_min" => "Chưa đủ số dòng tối thiểu; hãy bấm «Thêm dòng» và điền tiếp.",
        "eform.rows_max" => "Nhiều dòng hơn số dòng tối đa cho phép; hãy xoá bớt.",
        // Citizen accounts and online submission.
        "citizen.exists" => {
            "Số định danh này đã có tài khoản. Hãy đăng nhập, hoặc dùng “Quên mật khẩu”."
        }
        "citizen_id.format" => "Số định danh cá nhân gồm đúng 12 chữ số, in trên thẻ Căn cước.",
        "citizen_id.province" => {
            "Ba chữ số đầu của số định danh không phải mã tỉnh, thành phố nào; vui lòng kiểm tra lại."
        }
        "citizen_id.century" => {
            "Chữ số thứ tư của số định danh (thế kỷ và giới tính) không hợp lệ."
        }
        "citizen_id.birth_year" => "Năm sinh trong số định danh không khớp với ngày sinh đã nhập.",
        "place.unknown" => "Vui lòng chọn tỉnh, thành phố và xã, phường trong danh sách.",
        "component.required" => "Thành phần hồ sơ bắt buộc này chưa có tệp đính kèm.",
        "rating.overall_required" => "Vui lòng chọn mức độ hài lòng chung.",
        "rating.level" => "Vui lòng chọn một trong ba mức: Rất hài lòng, Hài lòng, Chưa hài lòng.",
        "rating.score" => "Điểm mỗi chỉ số chỉ là 0, 1 hoặc 2.",
        other
            if other.starts_with("dossier.")
                || other.starts_with("rating.")
                || other.starts_with("submission.")
                || other.starts_with("citizen.") =>
        {
            refusal_message(other)
        }
        _ => "Giá trị không hợp lệ.",
    }
}

/// Why a dossier action was refused, for the stable codes of `ServiceError::Refused`.
pub fn refusal_message(code: &str) -> &'static str {
    match code {
        "dossier.invalid_transition" => "Hồ sơ đang ở bước không cho phép thao tác này.",
        "dossier.result_not_digitised" => {
            "Kết quả chưa được số hoá. Hãy tải bản quét hoặc bản điện tử của kết quả lên mục «Tệp đính kèm» (loại «Kết quả giải quyết») trước khi trả (Nghị định 107/2021/NĐ-CP)."
        }
        "archive.still_open" => {
            "Hồ sơ chưa kết thúc (chưa trả kết quả, chưa bị từ chối, rút hoặc dừng xử lý) nên chưa thể nộp lưu trữ."
        }
        "archive.already_archived" => "Hồ sơ này đã được ghi nhận nộp lưu trữ trước đó.",
        "archive.file_damaged" => {
            "Một tệp của hồ sơ bị thiếu hoặc không khớp mã băm đã lưu nên chưa tạo được gói lưu trữ. Vui lòng báo quản trị hệ thống kiểm tra kho tệp (motcua doctor)."
        }
        "evaluation.period_open" => {
            "Kỳ đánh giá chưa kết thúc; chỉ công bố kết quả khi hết quý hoặc hết năm."
        }
        "rating.not_finished" => "Chỉ đánh giá được khi hồ sơ đã được giải quyết xong.",
        "rating.period_closed" => {
            "Kỳ đánh giá của hồ sơ này đã kết thúc nên không thể đánh giá hoặc sửa đánh giá."
        }
        "submission.not_online" => "Thủ tục này chưa được cung cấp trực tuyến.",
        "submission.too_many_drafts" => {
            "Ông/Bà đang có quá nhiều hồ sơ nháp; hãy nộp hoặc huỷ bớt hồ sơ nháp trước khi khai hồ sơ mới."
        }
        "withdraw.unconfirmed" => "Vui lòng đánh dấu xác nhận rút hồ sơ.",
        "citizen.reset_expired" => "Liên kết đặt lại mật khẩu không đúng, đã dùng hoặc đã hết hạn.",
        "dossier.already_extended" => {
            "Hồ sơ đã được gia hạn một lần; theo Nghị định 61/2018 chỉ được hẹn lại ngày trả kết quả một lần."
        }
        "dossier.supplement_once" => {
            "Đã yêu cầu bổ sung một lần ở bước tiếp nhận; yêu cầu bổ sung phải đầy đủ trong một lần."
        }
        "dossier.supplement_window_closed" => {
            "Đã quá 03 ngày làm việc kể từ ngày tiếp nhận; xác nhận yêu cầu bổ sung muộn nếu vẫn cần."
        }
        "dossier.early_return_not_notified" => {
            "Trả kết quả trước hạn cần báo trước cho người nộp hồ sơ; hãy ghi nhận việc thông báo trước."
        }
        "dossier.not_immediate" => "Thủ tục này không phải thủ tục trả kết quả ngay.",
        "dossier.components_missing" => {
            "Hồ sơ còn thiếu thành phần bắt buộc; hãy yêu cầu bổ sung hoặc đánh dấu đã nhận đủ."
        }
        "dossier.agency_code_invalid" => "Mã định danh của cơ quan tiếp nhận không hợp lệ.",
        "dossier.code_exhausted" => "Đã hết số thứ tự hồ sơ trong ngày (9999).",
        "result.not_ready" => {
            "Chỉ phát hành kết quả điện tử khi hồ sơ đã được ký duyệt, đang chờ trả hoặc đã trả kết quả."
        }
        "idempotency.key_reused" => {
            "Khóa Idempotency-Key này đã được dùng cho một yêu cầu có nội dung khác."
        }
        // Citizen sign-in through the identity provider (services::citizens::oidc), shown on the sign-in page.
        "oidc.disabled" => "Cổng chưa bật đăng nhập bằng tài khoản định danh điện tử.",
        "oidc.denied" => {
            "Việc đăng nhập bằng tài khoản định danh điện tử đã bị hủy. Ông/Bà có thể thử lại hoặc đăng nhập bằng số định danh cá nhân và mật khẩu."
        }
        "oidc.provider_error" => {
            "Hệ thống định danh điện tử báo lỗi khi xác thực. Vui lòng thử lại sau ít phút hoặc đăng nhập bằng mật khẩu."
        }
        "oidc.state" => {
            "Yêu cầu đăng nhập không khớp với phiên làm việc trên trình duyệt này nên không được chấp nhận. Vui lòng bấm đăng nhập lại từ đầu."
        }
        "oidc.expired" => {
            "Phiên đăng nhập bằng tài khoản định danh điện tử đã hết hạn hoặc không còn hợp lệ. Vui lòng đăng nhập lại."
        }
        "oidc.unavailable" => {
            "Chưa kết nối được với hệ thống định danh điện tử. Vui lòng thử lại sau ít phút hoặc đăng nhập bằng mật khẩu."
        }
        "oidc.token_invalid" => {
            "Không xác minh được thông tin đăng nhập do hệ thống định danh điện tử gửi về, nên chưa đăng nhập. Vui lòng thử lại."
        }
        "oidc.no_id_number" => {
            "Hệ thống định danh điện tử không cung cấp số định danh cá nhân nên chưa tạo được tài khoản. Vui lòng đăng ký tài khoản bằng số định danh cá nhân."
        }
        "oidc.subject_conflict" => {
            "Số định danh cá nhân này đã gắn với một tài khoản định danh điện tử khác. Vui lòng liên hệ Bộ phận Tiếp nhận và Trả kết quả."
        }
        _ => "Thao tác không được thực hiện.",
    }
}
