#!/usr/bin/env python3
"""Generates the printable demo forms (demo/templates/*.docx) referenced by demo/catalogue.json.

Every template key used in the catalogue must have an entry in FORMS below; the script stops with an error otherwise.
The output is deterministic (fixed document properties, fixed zip timestamps and order), so re-running it changes
nothing unless this script or the catalogue changed. DOCX files in demo/templates/ that the catalogue no longer
references are removed.

Requires python-docx (pip install python-docx). Usage: scripts/make-demo-templates.py
"""

import datetime
import io
import json
import os
import sys
import zipfile

try:
    from docx import Document
    from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor
except ImportError:
    sys.exit("python-docx is required: pip install python-docx")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CATALOGUE = os.path.join(ROOT, "demo", "catalogue.json")
OUT_DIR = os.path.join(ROOT, "demo", "templates")
FIXED_TIME = datetime.datetime(2025, 1, 1, 0, 0, 0)
ZIP_TIME = (2025, 1, 1, 0, 0, 0)
MAX_SIZE = 40 * 1024

FONT = "Times New Roman"
TEXT_WIDTH = Cm(16.0)  # A4 (21 cm) minus 3 cm left and 2 cm right margins

# ---- Form content ------------------------------------------------------------------------------------------------
# Items: ("f", label) a labelled dotted line; ("f2", label, label) two on one line; ("h", text) a bold heading;
# ("t", text) a paragraph; ("d", n) n dotted lines; ("c", label, [options]) check boxes; ("tbl", [headers], rows)
# a table with empty rows. "sign" is one signature block title or a list of two.

DATE_LINE = "…………, ngày …… tháng …… năm ……"
COMMIT = ("Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật về cam đoan "
          "của mình.")
REQUESTER = [
    ("h", "Thông tin người yêu cầu"),
    ("f", "Họ, chữ đệm, tên người yêu cầu"),
    ("f2", "Ngày, tháng, năm sinh", "Số điện thoại"),
    ("f", "Số định danh cá nhân"),
    ("f", "Nơi cư trú"),
]


def person(who):
    return [
        ("h", who),
        ("f", "Họ, chữ đệm, tên"),
        ("f2", "Ngày, tháng, năm sinh", "Giới tính"),
        ("f2", "Dân tộc", "Quốc tịch"),
        ("f", "Số định danh cá nhân"),
        ("f", "Nơi cư trú"),
    ]


UBND_XA = "Ủy ban nhân dân ……………………………………"
UBND_HUYEN = "Ủy ban nhân dân huyện Tiên Du"
KD_HUYEN = "Phòng Tài chính - Kế hoạch huyện Tiên Du"
RECEIVE = ("c", "Đề nghị nhận kết quả", ["Trực tiếp", "Qua bưu chính", "Bản điện tử"])

FORMS = {
    "to-khai-khai-sinh": dict(
        title="TỜ KHAI ĐĂNG KÝ KHAI SINH", to=UBND_XA,
        items=REQUESTER + [("f", "Quan hệ với người được khai sinh"),
                           ("h", "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây"),
                           ("f", "Họ, chữ đệm, tên"),
                           ("f", "Ngày, tháng, năm sinh"),
                           ("f", "Ngày, tháng, năm sinh (ghi bằng chữ)"),
                           ("f2", "Giới tính", "Dân tộc"),
                           ("f2", "Quốc tịch", "Quê quán"),
                           ("f", "Nơi sinh"),
                           ] + person("Thông tin người mẹ") + person("Thông tin người cha") + [
                           ("c", "Đề nghị liên thông đăng ký thường trú, cấp thẻ bảo hiểm y tế", ["Có", "Không"]),
                           ("f", "Đề nghị cấp bản sao trích lục khai sinh (số bản)"),
                           ("t", COMMIT)],
        sign="NGƯỜI YÊU CẦU"),
    "to-khai-ket-hon": dict(
        title="TỜ KHAI ĐĂNG KÝ KẾT HÔN", to=UBND_XA,
        items=[("tbl", ["Thông tin", "Bên nữ", "Bên nam"],
                [["Họ, chữ đệm, tên", "", ""], ["Ngày, tháng, năm sinh", "", ""], ["Dân tộc", "", ""],
                 ["Quốc tịch", "", ""], ["Nơi cư trú", "", ""], ["Giấy tờ tùy thân", "", ""],
                 ["Kết hôn lần thứ mấy", "", ""]]),
               ("t", "Chúng tôi cam đoan những lời khai trên đây là đúng sự thật, việc kết hôn của chúng tôi là tự "
                     "nguyện, không vi phạm quy định của Luật Hôn nhân và gia đình Việt Nam. Chúng tôi chịu trách "
                     "nhiệm trước pháp luật về cam đoan của mình."),
               ("t", "Đề nghị Quý cơ quan đăng ký.")],
        sign=["BÊN NỮ", "BÊN NAM"]),
    "to-khai-khai-tu": dict(
        title="TỜ KHAI ĐĂNG KÝ KHAI TỬ", to=UBND_XA,
        items=REQUESTER + [("f", "Quan hệ với người đã chết"),
                           ("h", "Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây"),
                           ("f", "Họ, chữ đệm, tên"),
                           ("f2", "Ngày, tháng, năm sinh", "Giới tính"),
                           ("f2", "Dân tộc", "Quốc tịch"),
                           ("f", "Số định danh cá nhân"),
                           ("f", "Nơi cư trú cuối cùng"),
                           ("f", "Đã chết vào lúc: …… giờ …… phút, ngày …… tháng …… năm"),
                           ("f", "Nơi chết"),
                           ("f", "Nguyên nhân chết"),
                           ("f", "Giấy báo tử/Giấy tờ thay thế Giấy báo tử số"),
                           ("f2", "Ngày cấp", "Cơ quan cấp"),
                           ("t", COMMIT)],
        sign="NGƯỜI YÊU CẦU"),
    "to-khai-nhan-cha-me-con": dict(
        title="TỜ KHAI ĐĂNG KÝ NHẬN CHA, MẸ, CON", to=UBND_XA,
        items=person("Người nhận") + person("Người được nhận") + [
            ("f", "Quan hệ: người nhận là …………… của người được nhận"),
            ("f", "Chứng cứ chứng minh quan hệ cha, mẹ, con kèm theo"),
            ("t", "Chúng tôi cam đoan việc nhận cha, mẹ, con nêu trên là đúng sự thật, tự nguyện, không có tranh "
                  "chấp và chịu trách nhiệm trước pháp luật về cam đoan của mình."),
        ],
        sign=["NGƯỜI NHẬN", "NGƯỜI ĐƯỢC NHẬN"]),
    "to-khai-ban-sao-trich-luc": dict(
        title="TỜ KHAI CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH", to=UBND_XA,
        items=REQUESTER + [("f", "Quan hệ với người được cấp bản sao trích lục"),
                           ("h", "Đề nghị cấp bản sao trích lục hộ tịch cho người có tên dưới đây"),
                           ("f", "Họ, chữ đệm, tên"),
                           ("f2", "Ngày, tháng, năm sinh", "Giới tính"),
                           ("f", "Nơi cư trú"),
                           ("c", "Loại việc hộ tịch", ["Khai sinh", "Kết hôn", "Khai tử", "Nhận cha, mẹ, con", "Khác"]),
                           ("f2", "Số đăng ký", "Ngày đăng ký"),
                           ("f", "Cơ quan đã đăng ký"),
                           ("f2", "Số lượng bản sao đề nghị cấp", "Mục đích sử dụng"),
                           RECEIVE,
                           ("t", COMMIT)],
        sign="NGƯỜI YÊU CẦU"),
    "to-khai-dang-ky-lai-khai-sinh": dict(
        title="TỜ KHAI ĐĂNG KÝ LẠI KHAI SINH", to=UBND_XA,
        items=REQUESTER + [("f", "Quan hệ với người được đăng ký lại khai sinh"),
                           ("h", "Đề nghị cơ quan đăng ký lại khai sinh cho người có tên dưới đây"),
                           ("f", "Họ, chữ đệm, tên"),
                           ("f2", "Ngày, tháng, năm sinh", "Giới tính"),
                           ("f2", "Dân tộc", "Quốc tịch"),
                           ("f", "Nơi sinh"),
                           ("f", "Quê quán"),
                           ("f", "Họ, chữ đệm, tên người mẹ"),
                           ("f", "Họ, chữ đệm, tên người cha"),
                           ("f", "Đã đăng ký khai sinh tại"),
                           ("f2", "Số đăng ký (nếu biết)", "Ngày đăng ký"),
                           ("f", "Các giấy tờ nộp kèm theo"),
                           ("d", 2),
                           ("t", "Tôi cam đoan người có tên trên đã được đăng ký khai sinh nhưng Sổ hộ tịch và bản "
                                 "chính Giấy khai sinh đều bị mất; những nội dung khai trên đây là đúng sự thật và "
                                 "chịu trách nhiệm trước pháp luật về cam đoan của mình.")],
        sign="NGƯỜI YÊU CẦU"),
    "to-khai-xac-nhan-tthn": dict(
        title="TỜ KHAI CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", to=UBND_XA,
        items=REQUESTER + [("f2", "Giới tính", "Dân tộc"),
                           ("f", "Quốc tịch"),
                           ("f", "Trong thời gian cư trú tại …………… từ ngày …… đến ngày"),
                           ("c", "Tình trạng hôn nhân", ["Chưa kết hôn với ai", "Đang có vợ/chồng", "Đã ly hôn",
                                                         "Vợ/chồng đã chết"]),
                           ("f", "Mục đích sử dụng Giấy xác nhận tình trạng hôn nhân"),
                           ("f", "Nếu để đăng ký kết hôn, ghi họ tên người dự định kết hôn"),
                           ("f2", "Ngày sinh", "Quốc tịch"),
                           ("f", "Giấy tờ tùy thân của người dự định kết hôn"),
                           ("f", "Nơi dự định đăng ký kết hôn"),
                           ("f", "Số lượng Giấy xác nhận đề nghị cấp"),
                           ("t", COMMIT)],
        sign="NGƯỜI YÊU CẦU"),
    "to-khai-thay-doi-cai-chinh": dict(
        title="TỜ KHAI ĐĂNG KÝ THAY ĐỔI, CẢI CHÍNH, BỔ SUNG THÔNG TIN HỘ TỊCH", to=UBND_XA,
        items=REQUESTER + [("f", "Quan hệ với người được thay đổi, cải chính, bổ sung"),
                           ("h", "Đề nghị cơ quan đăng ký việc thay đổi, cải chính, bổ sung hộ tịch cho người dưới đây"),
                           ("f", "Họ, chữ đệm, tên"),
                           ("f2", "Ngày, tháng, năm sinh", "Giới tính"),
                           ("f", "Số định danh cá nhân"),
                           ("f", "Đã đăng ký tại"),
                           ("f2", "Theo giấy tờ số", "ngày cấp"),
                           ("f", "Nội dung đề nghị: từ"),
                           ("f", "thành"),
                           ("f", "Lý do"),
                           ("d", 2),
                           ("t", COMMIT)],
        sign="NGƯỜI YÊU CẦU"),
    "phieu-yeu-cau-chung-thuc": dict(
        title="PHIẾU YÊU CẦU CHỨNG THỰC HỢP ĐỒNG, GIAO DỊCH", to=UBND_XA,
        items=[("f", "Họ, chữ đệm, tên người nộp phiếu"),
               ("f", "Địa chỉ liên hệ"),
               ("f2", "Số điện thoại", "Thư điện tử"),
               ("f", "Yêu cầu chứng thực về (tên hợp đồng, giao dịch)"),
               ("d", 1),
               ("f", "Các giấy tờ nộp kèm theo phiếu này"),
               ("d", 3),
               ("c", "Đề nghị chứng thực ngoài trụ sở", ["Có", "Không"]),
               ("f", "Lý do chứng thực ngoài trụ sở (nếu có)"),
               ("f", "Số bản chứng thực"),
               ("t", "Tôi cam đoan các giấy tờ nộp kèm theo phiếu này là hợp pháp và chịu trách nhiệm trước pháp "
                     "luật về tính hợp pháp của các giấy tờ đó."),
               ("t", "Thời gian nhận phiếu: …… giờ …… phút, ngày …… tháng …… năm ………")],
        sign="NGƯỜI YÊU CẦU"),
    "giay-de-nghi-dang-ky-hkd": dict(
        title="GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH", to=KD_HUYEN,
        items=[("f", "Tôi là (ghi họ tên bằng chữ in hoa)"),
               ("f2", "Ngày, tháng, năm sinh", "Giới tính"),
               ("f2", "Dân tộc", "Quốc tịch"),
               ("f", "Số định danh cá nhân"),
               ("f", "Nơi cư trú"),
               ("f2", "Điện thoại", "Thư điện tử"),
               ("t", "Đăng ký hộ kinh doanh do tôi là chủ hộ với các nội dung sau:"),
               ("f", "1. Tên hộ kinh doanh (ghi bằng chữ in hoa)"),
               ("f", "2. Địa chỉ trụ sở hộ kinh doanh"),
               ("f2", "Điện thoại", "Thư điện tử"),
               ("h", "3. Ngành, nghề kinh doanh"),
               ("tbl", ["STT", "Tên ngành", "Mã ngành", "Ngành chính"], [["1", "", "", ""], ["2", "", "", ""], ["3", "", "", ""]]),
               ("f", "4. Vốn kinh doanh (bằng số; VNĐ)"),
               ("f", "5. Số lượng lao động dự kiến"),
               ("h", "6. Thông tin về các thành viên hộ gia đình tham gia thành lập hộ kinh doanh (nếu có)"),
               ("tbl", ["STT", "Họ và tên", "Ngày sinh", "Số định danh cá nhân", "Nơi cư trú", "Chữ ký"],
                [["1", "", "", "", "", ""], ["2", "", "", "", "", ""]]),
               ("t", "Tôi cam kết: bản thân không thuộc diện pháp luật cấm kinh doanh; không đồng thời là chủ hộ kinh "
                     "doanh khác; trụ sở hộ kinh doanh thuộc quyền sở hữu, quyền sử dụng hợp pháp; chịu trách nhiệm "
                     "trước pháp luật về tính hợp pháp, chính xác, trung thực của nội dung đăng ký trên.")],
        sign="CHỦ HỘ KINH DOANH"),
    "thong-bao-thay-doi-hkd": dict(
        title="THÔNG BÁO THAY ĐỔI NỘI DUNG ĐĂNG KÝ HỘ KINH DOANH", to=KD_HUYEN,
        items=[("f", "Tên hộ kinh doanh (ghi bằng chữ in hoa)"),
               ("f", "Mã số hộ kinh doanh / Số Giấy chứng nhận đăng ký hộ kinh doanh"),
               ("f2", "Ngày cấp", "Nơi cấp"),
               ("f", "Địa chỉ trụ sở hộ kinh doanh"),
               ("c", "Đăng ký thay đổi", ["Tên hộ kinh doanh", "Địa chỉ trụ sở", "Ngành, nghề kinh doanh",
                                          "Vốn kinh doanh", "Chủ hộ kinh doanh", "Thông tin chủ hộ"]),
               ("f", "Nội dung đã đăng ký"),
               ("d", 2),
               ("f", "Nội dung đăng ký thay đổi"),
               ("d", 2),
               ("t", "Chủ hộ kinh doanh cam kết chịu trách nhiệm trước pháp luật về tính hợp pháp, chính xác, trung "
                     "thực của nội dung Thông báo này.")],
        sign="CHỦ HỘ KINH DOANH"),
    "thong-bao-tam-ngung-hkd": dict(
        title="THÔNG BÁO VỀ VIỆC TẠM NGỪNG KINH DOANH / TIẾP TỤC KINH DOANH TRƯỚC THỜI HẠN ĐÃ THÔNG BÁO",
        to=KD_HUYEN,
        items=[("f", "Tên hộ kinh doanh (ghi bằng chữ in hoa)"),
               ("f", "Mã số hộ kinh doanh / Số Giấy chứng nhận đăng ký hộ kinh doanh"),
               ("f", "Địa chỉ trụ sở hộ kinh doanh"),
               ("c", "Thông báo", ["Tạm ngừng kinh doanh", "Tiếp tục kinh doanh trước thời hạn đã thông báo"]),
               ("f", "Thời gian tạm ngừng: từ ngày …… tháng …… năm …… đến ngày …… tháng …… năm"),
               ("f", "Thời gian tiếp tục kinh doanh: từ ngày …… tháng …… năm"),
               ("f", "Lý do"),
               ("d", 1),
               ("t", "Chủ hộ kinh doanh cam kết về tính trung thực, chính xác của nội dung Thông báo này.")],
        sign="CHỦ HỘ KINH DOANH"),
    "thong-bao-cham-dut-hkd": dict(
        title="THÔNG BÁO VỀ VIỆC CHẤM DỨT HOẠT ĐỘNG HỘ KINH DOANH", to=KD_HUYEN,
        items=[("f", "Tên hộ kinh doanh (ghi bằng chữ in hoa)"),
               ("f", "Mã số hộ kinh doanh / Số Giấy chứng nhận đăng ký hộ kinh doanh"),
               ("f2", "Ngày cấp", "Nơi cấp"),
               ("f", "Địa chỉ trụ sở hộ kinh doanh"),
               ("f", "Thông báo chấm dứt hoạt động kể từ ngày …… tháng …… năm"),
               ("f", "Lý do chấm dứt"),
               ("t", "Hộ kinh doanh cam kết đã hoàn thành thủ tục chấm dứt hiệu lực mã số thuế, thanh toán đầy đủ "
                     "các khoản nợ, nghĩa vụ thuế và chịu trách nhiệm trước pháp luật về tính hợp pháp, chính xác, "
                     "trung thực của nội dung Thông báo này.")],
        sign="CHỦ HỘ KINH DOANH"),
    "giay-de-nghi-cap-lai-hkd": dict(
        title="GIẤY ĐỀ NGHỊ CẤP LẠI GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH", to=KD_HUYEN,
        items=[("f", "Tên hộ kinh doanh (ghi bằng chữ in hoa)"),
               ("f", "Mã số hộ kinh doanh / Số Giấy chứng nhận đăng ký hộ kinh doanh"),
               ("f2", "Ngày cấp", "Nơi cấp"),
               ("f", "Địa chỉ trụ sở hộ kinh doanh"),
               ("f", "Họ, chữ đệm, tên chủ hộ kinh doanh"),
               ("c", "Lý do đề nghị cấp lại", ["Bị mất", "Bị cháy", "Bị rách, nát", "Bị tiêu hủy dưới hình thức khác"]),
               ("t", "Chủ hộ kinh doanh cam kết chịu trách nhiệm trước pháp luật về tính hợp pháp, chính xác, trung "
                     "thực của nội dung đề nghị này.")],
        sign="CHỦ HỘ KINH DOANH"),
    "don-de-nghi-cap-gpxd": dict(
        title="ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG",
        subtitle="(Sử dụng cho công trình cấp III, cấp IV và nhà ở riêng lẻ: xây dựng mới, sửa chữa, cải tạo, điều chỉnh)",
        to=UBND_HUYEN,
        items=[("h", "1. Thông tin về chủ đầu tư"),
               ("f", "Họ, chữ đệm, tên chủ đầu tư"),
               ("f", "Người đại diện (nếu có)"),
               ("f", "Địa chỉ liên hệ"),
               ("f2", "Số định danh cá nhân", "Số điện thoại"),
               ("h", "2. Thông tin công trình"),
               ("f", "Địa điểm xây dựng"),
               ("f2", "Lô đất số", "Diện tích (m²)"),
               ("f2", "Thửa đất số", "Tờ bản đồ số"),
               ("f", "Giấy tờ về quyền sử dụng đất"),
               ("h", "3. Tổ chức, cá nhân lập, thẩm tra thiết kế xây dựng"),
               ("f", "Tên tổ chức, cá nhân thiết kế"),
               ("f2", "Chủ nhiệm, chủ trì thiết kế", "Số chứng chỉ hành nghề"),
               ("h", "4. Nội dung đề nghị cấp phép"),
               ("c", "Loại giấy phép", ["Xây dựng mới", "Sửa chữa, cải tạo", "Điều chỉnh giấy phép"]),
               ("f2", "Cấp công trình", "Diện tích xây dựng tầng 1 (m²)"),
               ("f2", "Tổng diện tích sàn (m²)", "Chiều cao công trình (m)"),
               ("f2", "Số tầng", "Số tầng hầm (nếu có)"),
               ("f", "Nội dung sửa chữa, cải tạo hoặc điều chỉnh (nếu có)"),
               ("d", 1),
               ("f", "5. Dự kiến thời gian hoàn thành công trình (tháng)"),
               ("f", "6. Tài liệu gửi kèm"),
               ("d", 2),
               ("t", "Tôi xin cam đoan làm theo đúng giấy phép được cấp, nếu sai tôi xin hoàn toàn chịu trách nhiệm "
                     "và bị xử lý theo quy định của pháp luật.")],
        sign="NGƯỜI LÀM ĐƠN"),
    "don-de-nghi-gia-han-cap-lai-gpxd": dict(
        title="ĐƠN ĐỀ NGHỊ GIA HẠN / CẤP LẠI GIẤY PHÉP XÂY DỰNG", to=UBND_HUYEN,
        items=[("h", "1. Thông tin về chủ đầu tư"),
               ("f", "Họ, chữ đệm, tên chủ đầu tư"),
               ("f", "Địa chỉ liên hệ"),
               ("f2", "Số định danh cá nhân", "Số điện thoại"),
               ("h", "2. Thông tin công trình"),
               ("f", "Địa điểm xây dựng"),
               ("f2", "Thửa đất số", "Tờ bản đồ số"),
               ("h", "3. Giấy phép xây dựng đã được cấp"),
               ("f2", "Số giấy phép", "Ngày cấp"),
               ("f", "Cơ quan cấp"),
               ("c", "Đề nghị", ["Gia hạn giấy phép xây dựng", "Cấp lại giấy phép xây dựng"]),
               ("f", "4. Lý do đề nghị gia hạn / cấp lại"),
               ("d", 2),
               ("t", "Tôi xin cam đoan làm theo đúng giấy phép được cấp, nếu sai tôi xin hoàn toàn chịu trách nhiệm "
                     "và bị xử lý theo quy định của pháp luật.")],
        sign="NGƯỜI LÀM ĐƠN"),
    "don-dang-ky-dat-dai": dict(
        title="ĐƠN ĐĂNG KÝ ĐẤT ĐAI, TÀI SẢN GẮN LIỀN VỚI ĐẤT", to=UBND_HUYEN,
        items=[("h", "1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất"),
               ("f", "Họ, chữ đệm, tên"),
               ("f2", "Năm sinh", "Số định danh cá nhân"),
               ("f", "Địa chỉ"),
               ("f", "Người cùng sử dụng đất (vợ/chồng, thành viên khác)"),
               ("h", "2. Đề nghị"),
               ("c", "", ["Đăng ký quyền sử dụng đất", "Đăng ký quyền sở hữu tài sản gắn liền với đất",
                          "Cấp Giấy chứng nhận"]),
               ("h", "3. Thửa đất đăng ký"),
               ("f2", "Thửa đất số", "Tờ bản đồ số"),
               ("f", "Địa chỉ thửa đất"),
               ("f2", "Diện tích (m²)", "Sử dụng chung / riêng (m²)"),
               ("f", "Mục đích sử dụng"),
               ("f2", "Thời điểm bắt đầu sử dụng", "Thời hạn sử dụng"),
               ("f", "Nguồn gốc sử dụng"),
               ("h", "4. Tài sản gắn liền với đất (nếu có)"),
               ("f2", "Loại tài sản", "Diện tích xây dựng (m²)"),
               ("f2", "Diện tích sàn (m²)", "Số tầng"),
               ("f", "5. Giấy tờ nộp kèm theo"),
               ("d", 2),
               ("f", "6. Có nhu cầu ghi nợ nghĩa vụ tài chính (nếu có)"),
               ("t", "Tôi xin cam đoan nội dung kê khai trên đơn là đúng sự thật, nếu sai tôi hoàn toàn chịu trách "
                     "nhiệm trước pháp luật.")],
        sign="NGƯỜI VIẾT ĐƠN"),
    "don-dang-ky-bien-dong": dict(
        title="ĐƠN ĐĂNG KÝ BIẾN ĐỘNG ĐẤT ĐAI, TÀI SẢN GẮN LIỀN VỚI ĐẤT",
        to="Chi nhánh Văn phòng đăng ký đất đai huyện Tiên Du",
        items=[("h", "1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất"),
               ("f", "Họ, chữ đệm, tên"),
               ("f2", "Năm sinh", "Số định danh cá nhân"),
               ("f", "Địa chỉ"),
               ("h", "2. Giấy chứng nhận đã cấp"),
               ("f2", "Số vào sổ cấp Giấy chứng nhận", "Số phát hành"),
               ("f", "Ngày cấp"),
               ("h", "3. Thửa đất có thay đổi"),
               ("f2", "Thửa đất số", "Tờ bản đồ số"),
               ("f2", "Địa chỉ thửa đất", "Diện tích (m²)"),
               ("h", "4. Nội dung biến động"),
               ("c", "", ["Chuyển đổi", "Chuyển nhượng", "Thừa kế", "Tặng cho", "Góp vốn", "Cấp đổi Giấy chứng nhận"]),
               ("f", "Nội dung trên Giấy chứng nhận trước khi biến động"),
               ("d", 1),
               ("f", "Nội dung sau khi biến động"),
               ("d", 1),
               ("f", "5. Lý do biến động"),
               ("f", "6. Giấy tờ nộp kèm theo"),
               ("d", 2),
               ("c", "Đề nghị cấp Giấy chứng nhận mới", ["Có", "Không"]),
               ("t", "Tôi xin cam đoan nội dung kê khai trên đơn là đúng sự thật, nếu sai tôi hoàn toàn chịu trách "
                     "nhiệm trước pháp luật.")],
        sign="NGƯỜI VIẾT ĐƠN"),
    "don-yeu-cau-hoa-giai": dict(
        title="ĐƠN YÊU CẦU HÒA GIẢI TRANH CHẤP ĐẤT ĐAI", to=UBND_XA,
        items=REQUESTER + [("h", "Người có tranh chấp với tôi"),
                           ("f", "Họ, chữ đệm, tên"),
                           ("f", "Nơi cư trú"),
                           ("h", "Thửa đất tranh chấp"),
                           ("f2", "Thửa đất số", "Tờ bản đồ số"),
                           ("f2", "Địa chỉ thửa đất", "Diện tích tranh chấp (m²)"),
                           ("f", "Nội dung tranh chấp"),
                           ("d", 3),
                           ("f", "Yêu cầu cụ thể"),
                           ("d", 2),
                           ("f", "Giấy tờ, tài liệu kèm theo"),
                           ("d", 1)],
        sign="NGƯỜI LÀM ĐƠN"),
    "to-khai-tro-giup-xa-hoi": dict(
        title="TỜ KHAI ĐỀ NGHỊ TRỢ GIÚP XÃ HỘI",
        subtitle="(Áp dụng đối với đối tượng quy định tại Điều 5 Nghị định số 20/2021/NĐ-CP)",
        to=UBND_XA,
        items=[("h", "Phần 1. Thông tin của đối tượng"),
               ("f", "Họ, chữ đệm, tên"),
               ("f2", "Ngày, tháng, năm sinh", "Giới tính"),
               ("f2", "Dân tộc", "Số định danh cá nhân"),
               ("f", "Nơi cư trú"),
               ("c", "Nhóm đối tượng", ["Trẻ em", "Người cao tuổi", "Người khuyết tật", "Người đơn thân nghèo nuôi con",
                                        "Người nhiễm HIV/AIDS", "Khác"]),
               ("c", "Đang hưởng chế độ", ["Không", "Lương hưu, trợ cấp BHXH", "Trợ cấp người có công", "Khác"]),
               ("f", "Mức độ khuyết tật (nếu có)"),
               ("h", "Phần 2. Thông tin người khai thay (người giám hộ, người thân, người nuôi dưỡng)"),
               ("f", "Họ, chữ đệm, tên"),
               ("f2", "Số định danh cá nhân", "Quan hệ với đối tượng"),
               ("f", "Nơi cư trú"),
               ("c", "Hình thức nhận trợ cấp", ["Tiền mặt", "Chuyển khoản"]),
               ("f2", "Số tài khoản", "Ngân hàng"),
               ("t", COMMIT)],
        sign="NGƯỜI KHAI"),
    "to-khai-ho-tro-mai-tang": dict(
        title="TỜ KHAI ĐỀ NGHỊ HỖ TRỢ CHI PHÍ MAI TÁNG", to=UBND_XA,
        items=[("h", "I. Thông tin người đã chết"),
               ("f", "Họ, chữ đệm, tên"),
               ("f2", "Ngày, tháng, năm sinh", "Giới tính"),
               ("f", "Nơi cư trú trước khi chết"),
               ("f2", "Ngày chết", "Nguyên nhân chết"),
               ("f", "Thuộc diện đối tượng"),
               ("h", "II. Thông tin cơ quan, tổ chức, cá nhân đứng ra tổ chức mai táng"),
               ("f", "Họ, chữ đệm, tên (hoặc tên cơ quan, tổ chức)"),
               ("f2", "Số định danh cá nhân", "Quan hệ với người đã chết"),
               ("f", "Nơi cư trú / địa chỉ"),
               ("f2", "Số điện thoại", "Số tài khoản (nếu có)"),
               ("t", COMMIT)],
        sign="NGƯỜI KHAI"),
    "don-xac-dinh-khuyet-tat": dict(
        title="ĐƠN ĐỀ NGHỊ XÁC ĐỊNH, XÁC ĐỊNH LẠI MỨC ĐỘ KHUYẾT TẬT VÀ CẤP GIẤY XÁC NHẬN KHUYẾT TẬT",
        to="Chủ tịch Ủy ban nhân dân ……………………………………",
        items=[("h", "Phần 1. Thông tin người được đề nghị xác định mức độ khuyết tật"),
               ("f", "Họ, chữ đệm, tên"),
               ("f2", "Ngày, tháng, năm sinh", "Giới tính"),
               ("f", "Số định danh cá nhân"),
               ("f", "Nơi cư trú"),
               ("h", "Phần 2. Thông tin người đại diện hợp pháp (nếu có)"),
               ("f", "Họ, chữ đệm, tên"),
               ("f2", "Quan hệ với người khuyết tật", "Số điện thoại"),
               ("f", "Nơi cư trú"),
               ("h", "Phần 3. Nội dung đề nghị"),
               ("c", "", ["Xác định mức độ khuyết tật", "Xác định lại mức độ khuyết tật", "Cấp đổi Giấy xác nhận",
                          "Cấp lại Giấy xác nhận"]),
               ("f", "Lý do"),
               ("f", "Hồ sơ, giấy tờ kèm theo (nếu có)"),
               ("d", 2)],
        sign="NGƯỜI VIẾT ĐƠN"),
    "to-khai-mai-tang-phi-ncc": dict(
        title="TỜ KHAI ĐỀ NGHỊ HƯỞNG TRỢ CẤP MAI TÁNG PHÍ, TRỢ CẤP MỘT LẦN KHI NGƯỜI CÓ CÔNG VỚI CÁCH MẠNG TỪ TRẦN",
        to=UBND_XA,
        items=[("h", "I. Thông tin người có công với cách mạng đã từ trần"),
               ("f", "Họ, chữ đệm, tên"),
               ("f2", "Ngày, tháng, năm sinh", "Giới tính"),
               ("f2", "Diện người có công", "Số hồ sơ"),
               ("f", "Nơi cư trú trước khi từ trần"),
               ("f2", "Ngày từ trần", "Trích lục khai tử số"),
               ("h", "II. Thông tin người khai (thân nhân hoặc người tổ chức mai táng)"),
               ("f", "Họ, chữ đệm, tên"),
               ("f2", "Số định danh cá nhân", "Quan hệ với người có công"),
               ("f", "Nơi cư trú"),
               ("h", "III. Thân nhân của người có công"),
               ("tbl", ["STT", "Họ và tên", "Năm sinh", "Quan hệ", "Nơi cư trú"],
                [["1", "", "", "", ""], ["2", "", "", "", ""], ["3", "", "", "", ""]]),
               ("t", COMMIT)],
        sign="NGƯỜI KHAI"),
    "don-uu-dai-giao-duc": dict(
        title="ĐƠN ĐỀ NGHỊ HƯỞNG ƯU ĐÃI TRONG GIÁO DỤC ĐÀO TẠO",
        to="Phòng Lao động - Thương binh và Xã hội huyện Tiên Du",
        items=[("f", "Họ, chữ đệm, tên người đề nghị"),
               ("f2", "Ngày, tháng, năm sinh", "Số định danh cá nhân"),
               ("f", "Nơi cư trú"),
               ("c", "Là", ["Người có công với cách mạng", "Con của người có công với cách mạng"]),
               ("f", "Họ, chữ đệm, tên người có công"),
               ("f2", "Diện người có công", "Số hồ sơ"),
               ("f", "Hiện đang học tại trường"),
               ("f2", "Lớp / ngành học", "Năm học"),
               ("f", "Thời gian khóa học: từ …………… đến"),
               ("h", "Xác nhận của cơ sở giáo dục nơi đang theo học"),
               ("d", 3)],
        sign="NGƯỜI LÀM ĐƠN"),
    "bao-cao-thon-van-hoa": dict(
        title="BÁO CÁO THÀNH TÍCH ĐỀ NGHỊ XÉT TẶNG DANH HIỆU “THÔN VĂN HÓA”, “TỔ DÂN PHỐ VĂN HÓA”",
        to="Chủ tịch Ủy ban nhân dân ……………………………………",
        items=[("f", "Tên thôn, tổ dân phố"),
               ("f2", "Số hộ gia đình", "Số nhân khẩu"),
               ("h", "I. Kết quả thực hiện các tiêu chuẩn"),
               ("f", "1. Đời sống kinh tế ổn định và từng bước phát triển"),
               ("d", 2),
               ("f", "2. Đời sống văn hóa, tinh thần lành mạnh, phong phú"),
               ("d", 2),
               ("f", "3. Môi trường cảnh quan sạch - đẹp - an toàn"),
               ("d", 2),
               ("f", "4. Chấp hành chủ trương, chính sách, pháp luật; an ninh, trật tự"),
               ("d", 2),
               ("f", "5. Tỷ lệ hộ gia đình đạt danh hiệu “Gia đình văn hóa” (%)"),
               ("h", "II. Đề nghị"),
               ("d", 2)],
        sign="TRƯỞNG THÔN / TỔ TRƯỞNG TỔ DÂN PHỐ"),
    "don-de-nghi-karaoke": dict(
        title="ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP ĐỦ ĐIỀU KIỆN KINH DOANH DỊCH VỤ KARAOKE", to=UBND_HUYEN,
        items=[("f", "1. Tên doanh nghiệp / hộ kinh doanh (viết chữ in hoa)"),
               ("f", "2. Địa chỉ trụ sở"),
               ("f2", "Điện thoại", "Thư điện tử"),
               ("f", "3. Giấy chứng nhận đăng ký doanh nghiệp / hộ kinh doanh số"),
               ("f2", "Ngày cấp", "Nơi cấp"),
               ("f", "4. Họ, chữ đệm, tên người đại diện theo pháp luật"),
               ("f2", "Số định danh cá nhân", "Chức danh"),
               ("f", "5. Địa điểm kinh doanh"),
               ("f", "6. Số lượng phòng hát"),
               ("tbl", ["STT", "Tên / số phòng", "Diện tích sử dụng (m²)"], [["1", "", ""], ["2", "", ""], ["3", "", ""]]),
               ("t", "Chúng tôi cam kết thực hiện đúng các quy định tại Nghị định số 54/2019/NĐ-CP và các quy định "
                     "của pháp luật có liên quan; nếu vi phạm xin chịu trách nhiệm trước pháp luật.")],
        sign="NGƯỜI ĐẠI DIỆN THEO PHÁP LUẬT"),
    "don-xin-chuyen-truong": dict(
        title="ĐƠN XIN CHUYỂN TRƯỜNG",
        to="Hiệu trưởng trường …………………… và Hiệu trưởng trường ……………………",
        items=[("f", "Họ, chữ đệm, tên cha/mẹ/người giám hộ"),
               ("f2", "Số định danh cá nhân", "Số điện thoại"),
               ("f", "Nơi cư trú"),
               ("f", "Là cha/mẹ/người giám hộ của học sinh"),
               ("f2", "Ngày, tháng, năm sinh", "Giới tính"),
               ("f2", "Hiện đang học lớp", "Năm học"),
               ("f", "Tại trường"),
               ("f", "Xin chuyển đến học tại trường"),
               ("f", "Lý do"),
               ("d", 2),
               ("h", "Ý kiến tiếp nhận của Hiệu trưởng trường nơi đến"),
               ("d", 2),
               ("h", "Ý kiến của Hiệu trưởng trường nơi đi"),
               ("d", 2)],
        sign="NGƯỜI LÀM ĐƠN"),
    "don-cap-ban-sao-van-bang": dict(
        title="ĐƠN ĐỀ NGHỊ CẤP BẢN SAO VĂN BẰNG, CHỨNG CHỈ TỪ SỔ GỐC",
        to="Phòng Giáo dục và Đào tạo huyện Tiên Du",
        items=REQUESTER + [("c", "Người yêu cầu là", ["Người được cấp văn bằng", "Người được ủy quyền", "Thân nhân"]),
                           ("f", "Họ, chữ đệm, tên người được cấp văn bằng"),
                           ("f2", "Ngày, tháng, năm sinh", "Nơi sinh"),
                           ("f", "Loại văn bằng, chứng chỉ"),
                           ("f2", "Số hiệu", "Số vào sổ gốc"),
                           ("f2", "Năm tốt nghiệp", "Trường"),
                           ("f2", "Số bản sao đề nghị cấp", "Mục đích sử dụng"),
                           RECEIVE],
        sign="NGƯỜI ĐỀ NGHỊ"),
    "don-ho-tro-thien-tai": dict(
        title="ĐƠN ĐỀ NGHỊ HỖ TRỢ KHÔI PHỤC SẢN XUẤT DO THIÊN TAI", to=UBND_XA,
        items=REQUESTER + [("f2", "Loại thiên tai", "Thời gian xảy ra"),
                           ("f", "Địa điểm sản xuất bị thiệt hại"),
                           ("h", "Thiệt hại"),
                           ("tbl", ["STT", "Loại cây trồng, vật nuôi, thủy sản", "Diện tích / số lượng", "Mức độ thiệt hại (%)"],
                            [["1", "", "", ""], ["2", "", "", ""], ["3", "", "", ""]]),
                           ("c", "Đề nghị hỗ trợ bằng", ["Tiền", "Giống cây trồng", "Giống vật nuôi, thủy sản"]),
                           ("f2", "Số tài khoản (nếu có)", "Ngân hàng"),
                           ("t", COMMIT),
                           ("h", "Xác nhận của Trưởng thôn / Tổ trưởng tổ dân phố"),
                           ("d", 2)],
        sign="NGƯỜI LÀM ĐƠN"),
    "van-ban-dang-ky-moi-truong": dict(
        title="VĂN BẢN ĐĂNG KÝ MÔI TRƯỜNG", to=UBND_XA,
        items=[("h", "1. Thông tin chung"),
               ("f", "Tên dự án đầu tư / cơ sở"),
               ("f", "Tên chủ dự án / chủ cơ sở"),
               ("f", "Địa chỉ"),
               ("f2", "Người đại diện", "Điện thoại"),
               ("f", "Địa điểm thực hiện"),
               ("f2", "Loại hình sản xuất, kinh doanh", "Quy mô, công suất"),
               ("f", "Nhu cầu nguyên liệu, nhiên liệu, điện, nước"),
               ("h", "2. Chất thải phát sinh và biện pháp xử lý"),
               ("tbl", ["Loại chất thải", "Khối lượng / lưu lượng", "Biện pháp thu gom, xử lý"],
                [["Nước thải", "", ""], ["Bụi, khí thải", "", ""], ["Chất thải rắn sinh hoạt", "", ""],
                 ["Chất thải rắn công nghiệp thông thường", "", ""], ["Chất thải nguy hại", "", ""]]),
               ("h", "3. Cam kết"),
               ("t", "Chúng tôi cam kết thực hiện đúng các biện pháp bảo vệ môi trường đã đăng ký và chịu trách nhiệm "
                     "trước pháp luật nếu vi phạm các quy định về bảo vệ môi trường.")],
        sign="CHỦ DỰ ÁN / CHỦ CƠ SỞ"),
    "van-ban-de-nghi-gpmt": dict(
        title="VĂN BẢN ĐỀ NGHỊ CẤP GIẤY PHÉP MÔI TRƯỜNG", to=UBND_HUYEN,
        items=[("f", "Tên chủ dự án đầu tư / cơ sở"),
               ("f", "Địa chỉ trụ sở"),
               ("f2", "Người đại diện", "Điện thoại"),
               ("f", "Mã số doanh nghiệp / giấy tờ pháp lý"),
               ("f", "Tên dự án đầu tư / cơ sở đề nghị cấp phép"),
               ("f", "Địa điểm thực hiện"),
               ("f", "Quy mô, công suất"),
               ("h", "Nội dung đề nghị cấp phép"),
               ("c", "", ["Xả nước thải", "Xả bụi, khí thải", "Tiếng ồn, độ rung", "Quản lý chất thải"]),
               ("f", "Thời hạn giấy phép đề nghị (năm)"),
               ("f", "Hồ sơ gửi kèm"),
               ("d", 2),
               ("t", "Chúng tôi cam kết về độ trung thực, chính xác của các thông tin, số liệu trong hồ sơ và thực hiện "
                     "đầy đủ các yêu cầu về bảo vệ môi trường theo quy định của pháp luật.")],
        sign="CHỦ DỰ ÁN / CHỦ CƠ SỞ"),
    "van-ban-dang-ky-tin-nguong": dict(
        title="VĂN BẢN ĐĂNG KÝ HOẠT ĐỘNG TÍN NGƯỠNG", to=UBND_XA,
        items=[("f", "Họ, chữ đệm, tên người đại diện / Trưởng ban quản lý"),
               ("f2", "Số định danh cá nhân", "Số điện thoại"),
               ("f", "Nơi cư trú"),
               ("f", "Tên cơ sở tín ngưỡng"),
               ("f", "Địa chỉ cơ sở tín ngưỡng"),
               ("f", "Đăng ký hoạt động tín ngưỡng năm"),
               ("tbl", ["STT", "Tên hoạt động", "Thời gian", "Quy mô", "Nội dung, hình thức"],
                [["1", "", "", "", ""], ["2", "", "", "", ""], ["3", "", "", "", ""]]),
               ("t", "Chúng tôi cam kết tổ chức hoạt động tín ngưỡng đúng nội dung đã đăng ký và tuân thủ các quy "
                     "định của pháp luật về tín ngưỡng, tôn giáo.")],
        sign="NGƯỜI ĐẠI DIỆN"),
    "van-ban-de-nghi-sinh-hoat-tg": dict(
        title="VĂN BẢN ĐỀ NGHỊ ĐĂNG KÝ SINH HOẠT TÔN GIÁO TẬP TRUNG", to=UBND_XA,
        items=[("f", "Họ, chữ đệm, tên người đại diện nhóm"),
               ("f2", "Ngày, tháng, năm sinh", "Số định danh cá nhân"),
               ("f", "Nơi cư trú"),
               ("f", "Tên tôn giáo"),
               ("f", "Tên tổ chức tôn giáo (nếu có)"),
               ("f", "Địa điểm sinh hoạt tôn giáo tập trung"),
               ("f2", "Số lượng người tham gia", "Thời gian sinh hoạt"),
               ("f", "Nội dung sinh hoạt tôn giáo"),
               ("d", 2),
               ("f", "Hồ sơ gửi kèm"),
               ("d", 2),
               ("t", "Chúng tôi cam kết thực hiện đúng quy định của pháp luật về tín ngưỡng, tôn giáo.")],
        sign="NGƯỜI ĐẠI DIỆN"),
    "bao-cao-thanh-tich": dict(
        title="BÁO CÁO THÀNH TÍCH ĐỀ NGHỊ KHEN THƯỞNG",
        subtitle="(Dùng cho tập thể, cá nhân)",
        to=None,
        items=[("h", "I. Sơ lược lý lịch / đặc điểm, tình hình"),
               ("f", "Họ, chữ đệm, tên (hoặc tên tập thể)"),
               ("f2", "Ngày, tháng, năm sinh", "Giới tính"),
               ("f", "Chức vụ, đơn vị công tác"),
               ("f", "Quá trình công tác / chức năng, nhiệm vụ"),
               ("d", 2),
               ("h", "II. Thành tích đạt được"),
               ("d", 5),
               ("h", "III. Các hình thức đã được khen thưởng"),
               ("tbl", ["Năm", "Hình thức khen thưởng", "Số, ngày quyết định", "Cơ quan ban hành"],
                [["", "", "", ""], ["", "", "", ""]])],
        sign=["XÁC NHẬN CỦA ĐƠN VỊ", "NGƯỜI BÁO CÁO"]),
    "to-trinh-khen-thuong": dict(
        title="TỜ TRÌNH ĐỀ NGHỊ KHEN THƯỞNG", to="Chủ tịch Ủy ban nhân dân ……………………………………",
        items=[("f", "Cơ quan, đơn vị trình"),
               ("f", "Căn cứ"),
               ("d", 2),
               ("f", "Đề nghị tặng Giấy khen cho"),
               ("tbl", ["STT", "Tập thể / cá nhân", "Chức vụ, đơn vị", "Tóm tắt thành tích"],
                [["1", "", "", ""], ["2", "", "", ""], ["3", "", "", ""]]),
               ("f", "Hồ sơ kèm theo"),
               ("d", 1)],
        sign="THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"),
}

# ---- Document building -------------------------------------------------------------------------------------------


def set_font(run, size=13, bold=False, italic=False):
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def para(container, text="", size=13, bold=False, italic=False, align=None, before=0, after=2):
    p = container.add_paragraph()
    pf = p.paragraph_format
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    pf.line_spacing = 1.05
    if align is not None:
        p.alignment = align
    if text:
        set_font(p.add_run(text), size, bold, italic)
    return p


def dotted(doc, text, stops):
    """A line of label(s) followed by dots up to each tab stop."""
    p = para(doc)
    for pos in stops:
        p.paragraph_format.tab_stops.add_tab_stop(pos, WD_TAB_ALIGNMENT.LEFT, WD_TAB_LEADER.DOTS)
    set_font(p.add_run(text))
    return p


def no_borders(table):
    tbl_pr = table._tbl.tblPr
    borders = tbl_pr.makeelement(qn("w:tblBorders"), {})
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(borders.makeelement(qn(f"w:{edge}"), {qn("w:val"): "nil"}))
    tbl_pr.append(borders)


def widths(table, cms):
    table.autofit = False
    for column, w in zip(table.columns, cms):
        column.width = Cm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, cms):
            cell.width = Cm(w)


def keep_row_together(row):
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(tr_pr.makeelement(qn("w:cantSplit"), {}))


def cell_text(cell, text, size=12, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.CENTER):
    p = cell.paragraphs[0]
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    if text:
        set_font(p.add_run(text), size, bold, italic)
    return p


def build(key, name, spec):
    doc = Document()
    # Drop parts that only add weight (thumbnail, stylesWithEffects, customXml, webSettings).
    pkg = doc.part.package
    for rid, rel in list(pkg.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del pkg.rels[rid]
    for rid, rel in list(doc.part.rels.items()):
        if any(s in rel.reltype for s in ("stylesWithEffects", "customXml", "webSettings")):
            del doc.part.rels[rid]

    cp = doc.core_properties
    cp.title = name
    cp.subject = "Mẫu minh hoạ của motcua"
    cp.author = "motcua"
    cp.last_modified_by = "motcua"
    cp.comments = "Dữ liệu minh hoạ, không phải biểu mẫu chính thức"
    cp.keywords = key
    cp.category = "Biểu mẫu thủ tục hành chính"
    cp.revision = 1
    cp.created = FIXED_TIME
    cp.modified = FIXED_TIME
    cp.last_printed = FIXED_TIME

    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin, sec.right_margin = Cm(3.0), Cm(2.0)
    sec.top_margin, sec.bottom_margin = Cm(2.0), Cm(2.0)
    fp = sec.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = fp.add_run("Mẫu minh hoạ của motcua — không phải biểu mẫu chính thức")
    set_font(run, 8, italic=True)
    run.font.color.rgb = RGBColor(0x66, 0x66, 0x66)

    para(doc, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    para(doc, "Độc lập - Tự do - Hạnh phúc", 14, True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    para(doc, "_______________________", 13, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    para(doc, spec["title"], 14, True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0 if spec.get("subtitle") else 6)
    if spec.get("subtitle"):
        para(doc, spec["subtitle"], 12, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
    if spec.get("to"):
        p = para(doc, align=WD_ALIGN_PARAGRAPH.CENTER, after=9)
        set_font(p.add_run("Kính gửi: "), 13, italic=True)
        set_font(p.add_run(spec["to"]), 13)

    half = Cm(9.0)
    for item in spec["items"]:
        kind = item[0]
        if kind == "f":
            dotted(doc, f"{item[1]}: \t", [TEXT_WIDTH])
        elif kind == "f2":
            dotted(doc, f"{item[1]}: \t {item[2]}: \t", [half, TEXT_WIDTH])
        elif kind == "h":
            para(doc, item[1], 13, True, before=6)
        elif kind == "t":
            p = para(doc, item[1], before=3)
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        elif kind == "d":
            for _ in range(item[1]):
                dotted(doc, "\t", [TEXT_WIDTH])
        elif kind == "c":
            label, options = item[1], item[2]
            p = para(doc)
            if label:
                set_font(p.add_run(f"{label}: "))
            set_font(p.add_run("    ".join(f"☐ {o}" for o in options)))
        elif kind == "tbl":
            headers, rows = item[1], item[2]
            table = doc.add_table(rows=1 + len(rows), cols=len(headers))
            table.style = doc.styles["Table Grid"]
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for c, h in enumerate(headers):
                cell_text(table.rows[0].cells[c], h, bold=True)
            for r, row in enumerate(rows, start=1):
                table.rows[r].height = Cm(0.8)
                table.rows[r].height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
                for c, v in enumerate(row):
                    cell_text(table.rows[r].cells[c], v, align=WD_ALIGN_PARAGRAPH.LEFT)
            first = 1.2 if headers[0] == "STT" else 4.6
            rest = (16.0 - first) / (len(headers) - 1)
            widths(table, [first] + [rest] * (len(headers) - 1))
            para(doc, after=0)
        else:
            raise ValueError(f"{key}: unknown item kind {kind!r}")

    signers = spec["sign"] if isinstance(spec["sign"], list) else [spec["sign"]]
    para(doc, after=0).paragraph_format.keep_with_next = True
    if len(signers) == 1:
        table = doc.add_table(rows=1, cols=2)
        no_borders(table)
        widths(table, [6.0, 10.0])
        keep_row_together(table.rows[0])
        cell = table.rows[0].cells[1]
        cell_text(cell, DATE_LINE, italic=True)
        p = cell.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_font(p.add_run(signers[0]), 13, True)
        p = cell.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(42)
        set_font(p.add_run("(Ký, ghi rõ họ, chữ đệm, tên)"), 12, italic=True)
    else:
        para(doc, DATE_LINE, 13, italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT, after=3).paragraph_format.keep_with_next = True
        table = doc.add_table(rows=1, cols=len(signers))
        no_borders(table)
        widths(table, [8.0, 8.0])
        keep_row_together(table.rows[0])
        for cell, who in zip(table.rows[0].cells, signers):
            cell_text(cell, who, 13, True)
            p = cell.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_after = Pt(42)
            set_font(p.add_run("(Ký, ghi rõ họ, chữ đệm, tên)"), 12, italic=True)

    raw = io.BytesIO()
    doc.save(raw)
    # Re-pack with fixed timestamps and order so the output is byte-for-byte reproducible.
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        names = src.namelist()
        order = ["[Content_Types].xml", "_rels/.rels"] + sorted(n for n in names if n not in ("[Content_Types].xml", "_rels/.rels"))
        for n in order:
            info = zipfile.ZipInfo(n, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(n), compresslevel=9)
    return out.getvalue()


def main():
    with open(CATALOGUE, encoding="utf-8") as fh:
        catalogue = json.load(fh)
    wanted = {}
    for proc in catalogue["procedures"]:
        for t in proc.get("templates", []):
            if "file" not in t:
                continue
            prev = wanted.setdefault(t["file"], (t["key"], t["name"]))
            if prev[0] != t["key"]:
                sys.exit(f"{t['file']} is used by two template keys: {prev[0]} and {t['key']}")
    missing = sorted(k for k, _ in wanted.values() if k not in FORMS)
    if missing:
        sys.exit("no form content in scripts/make-demo-templates.py for: " + ", ".join(missing))

    os.makedirs(OUT_DIR, exist_ok=True)
    written = unchanged = 0
    for file_name, (key, name) in sorted(wanted.items()):
        data = build(key, name, FORMS[key])
        if len(data) >= MAX_SIZE:
            sys.exit(f"{file_name} is {len(data)} bytes, over the 40 KB limit")
        path = os.path.join(OUT_DIR, file_name)
        if os.path.exists(path):
            with open(path, "rb") as fh:
                if fh.read() == data:
                    unchanged += 1
                    continue
        with open(path, "wb") as fh:
            fh.write(data)
        written += 1
    removed = 0
    for name in sorted(os.listdir(OUT_DIR)):
        if name.endswith(".docx") and name not in wanted:
            os.remove(os.path.join(OUT_DIR, name))
            removed += 1
    unused = sorted(set(FORMS) - {k for k, _ in wanted.values()})
    print(f"{len(wanted)} templates: {written} written, {unchanged} unchanged, {removed} stale removed")
    if unused:
        print("form content not used by the catalogue: " + ", ".join(unused))
    return 0


if __name__ == "__main__":
    sys.exit(main())
