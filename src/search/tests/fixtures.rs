//! Search layer test fixtures: sixteen procedures written the way the national catalogue words them, chosen so
//! that near-misses exist for every behaviour under test (bàn/bán, "khai … sinh" apart, names vs text).

use super::super::ProcedureEntry;

fn entry(
    code: &str,
    name: &str,
    sector: &str,
    level: &str,
    service_level: &str,
    text: &[&str],
) -> ProcedureEntry {
    ProcedureEntry {
        code: code.to_owned(),
        name: name.to_owned(),
        text: text.join("\n"),
        sector: sector.to_owned(),
        level: level.to_owned(),
        service_level: service_level.to_owned(),
    }
}

#[rustfmt::skip]
pub(super) fn catalogue() -> Vec<ProcedureEntry> {
    vec![
        entry("DEMO-XD-01", "Cấp giấy phép xây dựng đối với nhà ở riêng lẻ", "H40-XD", "district", "partial", &[
            "Bước 1: Chủ đầu tư nộp hồ sơ tại Bộ phận một cửa", "Đơn đề nghị cấp giấy phép xây dựng",
            "Bản sao giấy tờ chứng minh quyền sử dụng đất", "Bản vẽ thiết kế xây dựng",
            "Nộp trực tiếp hoặc qua dịch vụ công trực tuyến", "Giấy phép xây dựng", "Hộ gia đình, cá nhân",
            "Ủy ban nhân dân cấp huyện", "Luật Xây dựng số 50/2014/QH13", "Xây dựng"]),
        entry("DEMO-XD-02", "Thông báo khởi công xây dựng công trình", "H40-XD", "district", "full", &[
            "Văn bản thông báo ngày khởi công", "Bản sao giấy phép xây dựng", "Chủ đầu tư",
            "Ủy ban nhân dân cấp huyện", "Xây dựng"]),
        entry("DEMO-HT-01", "Đăng ký khai sinh", "H40-HT", "commune", "full", &[
            "Tờ khai đăng ký khai sinh theo mẫu", "Giấy chứng sinh do cơ sở y tế cấp",
            "Cha, mẹ hoặc người thân thích của trẻ", "Ủy ban nhân dân cấp xã", "Trích lục khai sinh",
            "Luật Hộ tịch 2014", "Hộ tịch"]),
        entry("DEMO-HT-02", "Đăng ký khai tử", "H40-HT", "commune", "full", &[
            "Tờ khai đăng ký khai tử", "Giấy báo tử hoặc giấy tờ thay thế giấy báo tử",
            "Người thân thích của người chết", "Trích lục khai tử", "Luật Hộ tịch 2014", "Hộ tịch"]),
        entry("DEMO-HT-03", "Đăng ký kết hôn", "H40-HT", "commune", "partial", &[
            "Tờ khai đăng ký kết hôn", "Giấy xác nhận tình trạng hôn nhân", "Hai bên nam, nữ",
            "Giấy chứng nhận kết hôn", "Luật Hôn nhân và gia đình", "Hộ tịch"]),
        entry("DEMO-HT-04", "Cấp bản sao trích lục hộ tịch", "H40-HT", "commune", "full", &[
            "Tờ khai cấp bản sao trích lục", "Họ tên, ngày sinh, nơi sinh của người được cấp",
            "Bản sao trích lục hộ tịch", "Hộ tịch"]),
        entry("DEMO-CT-01", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "H40-TP", "commune", "full", &[
            "Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao", "Bản sao cần chứng thực",
            "Cá nhân, tổ chức", "Ủy ban nhân dân cấp xã", "Nghị định 23/2015/NĐ-CP", "Tư pháp"]),
        entry("DEMO-KD-01", "Đăng ký thành lập hộ kinh doanh", "H40-KH", "district", "full", &[
            "Giấy đề nghị đăng ký hộ kinh doanh", "Bản sao giấy tờ pháp lý của cá nhân",
            "Giấy chứng nhận đăng ký hộ kinh doanh", "Phòng Tài chính - Kế hoạch",
            "Nghị định 01/2021/NĐ-CP", "Kế hoạch và Đầu tư"]),
        entry("DEMO-TS-01", "Bán đấu giá tài sản", "H40-TP", "province", "none", &[
            "Hợp đồng dịch vụ đấu giá tài sản", "Danh mục tài sản bán đấu giá", "Tổ chức đấu giá tài sản",
            "Luật Đấu giá tài sản 2016", "Tư pháp"]),
        entry("DEMO-TS-02", "Bàn giao tài sản công cho địa phương quản lý", "H40-TC", "province", "none", &[
            "Văn bản đề nghị bàn giao tài sản", "Biên bản bàn giao, tiếp nhận tài sản", "Sở Tài chính",
            "Luật Quản lý, sử dụng tài sản công 2017", "Tài chính"]),
        entry("DEMO-DD-01", "Đăng ký đất đai lần đầu", "H40-TN", "district", "partial", &[
            "Đơn đăng ký đất đai, tài sản gắn liền với đất", "Giấy tờ về quyền sử dụng đất",
            "Văn phòng đăng ký đất đai", "Luật Đất đai 2024", "Đất đai"]),
        entry("DEMO-DD-02", "Cấp đổi giấy chứng nhận quyền sử dụng đất", "H40-TN", "district", "partial", &[
            "Đơn đề nghị cấp đổi giấy chứng nhận", "Bản gốc giấy chứng nhận đã cấp",
            "Văn phòng đăng ký đất đai", "Đất đai"]),
        entry("1.001193", "Đăng ký thường trú", "H40-CA", "commune", "full", &[
            "Tờ khai thay đổi thông tin cư trú", "Giấy tờ chứng minh chỗ ở hợp pháp", "Công an cấp xã",
            "Luật Cư trú 2020", "Công an"]),
        entry("DEMO-LD-01", "Cấp giấy phép lao động cho người lao động nước ngoài", "H40-LD", "province", "full", &[
            "Văn bản đề nghị cấp giấy phép lao động",
            "Giấy chứng nhận đăng ký kinh doanh của người sử dụng lao động",
            "Sở Lao động - Thương binh và Xã hội", "Lao động"]),
        entry("DEMO-GT-01", "Cấp đổi giấy phép lái xe", "H40-GT", "province", "full", &[
            "Đơn đề nghị đổi giấy phép lái xe", "Bản sao giấy phép lái xe", "Sở Giao thông vận tải",
            "Giao thông vận tải"]),
        entry("DEMO-LS-01", "Đăng ký hoạt động của văn phòng luật sư & công ty luật", "H40-TP", "province", "partial", &[
            "Giấy đề nghị đăng ký hoạt động", "Sở Tư pháp", "Luật Luật sư", "Tư pháp"]),
    ]
}
