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
        _ => "Giá trị không hợp lệ.",
    }
}
