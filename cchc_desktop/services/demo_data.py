"""Vocabulary of the demo data: names, staff, the procedure mix, reasons, plan tasks, directives.

Plain data, kept apart from the generator so that either can be read on its own. Everything here is
invented for the demonstration; only the shape follows real commune reports (seeds 000 and 002).
"""

from __future__ import annotations

from datetime import date

from cchc_desktop.domain.unit import UnitSettings

# A commune of the two-level local government (since 1 July 2025): it reports to the province; no district.
DEMO_UNIT = UnitSettings(
    name="UBND xã Hoằng Hợp",
    place="Hoằng Hợp",
    code="000.21.31.H56",
    parent="UBND tỉnh Thanh Hóa",
    province="Thanh Hóa",
    address="Thôn 4, xã Hoằng Hợp, tỉnh Thanh Hóa",
    phone="0237 3865 123",
    chair_name="Nguyễn Văn Thành",
    signer_name="Lê Văn Minh",
    signer_title="PHÓ CHỦ TỊCH",
    desk_contact_name="Nguyễn Thị Hương",
    desk_contact_phone="0237 3865 124",
    report_recipients="UBND tỉnh Thanh Hóa (qua Sở Nội vụ)\nThường trực Đảng ủy xã\nThường trực HĐND xã",
)

# Family names with rough national frequencies (per mille).
SURNAMES: tuple[tuple[str, int], ...] = (
    ("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 70), ("Hoàng", 50), ("Vũ", 39), ("Phan", 35),
    ("Đặng", 21), ("Bùi", 20), ("Đỗ", 14), ("Hồ", 13), ("Ngô", 13), ("Dương", 10), ("Lý", 5), ("Trịnh", 9),
    ("Mai", 7), ("Đinh", 6), ("Lương", 5), ("Tạ", 3), ("Cao", 4), ("Hà", 4), ("Lưu", 3), ("Đào", 4),
    ("Tống", 3), ("Văn", 2), ("Thiều", 2), ("Kiều", 2), ("Quách", 2),
)
MALE_MIDDLE = ("Văn", "Văn", "Văn", "Đức", "Hữu", "Minh", "Quang", "Xuân", "Ngọc", "Thành", "Công", "Đình",
               "Trọng", "Mạnh", "Tiến", "Duy", "Anh", "Hồng", "Bá", "Viết")
FEMALE_MIDDLE = ("Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Hồng", "Mai", "Phương", "Thúy",
                 "Minh", "Khánh", "Bảo", "Diệu", "Hải")
MALE_GIVEN = ("Hùng", "Dũng", "Nam", "Tuấn", "Minh", "Hải", "Long", "Quân", "Sơn", "Thắng", "Cường", "Hiếu",
              "Trung", "Phong", "Tài", "Đạt", "Khánh", "Huy", "Hoàng", "Thành", "Bình", "An", "Lộc", "Phúc",
              "Tú", "Việt", "Vinh", "Tùng", "Kiên", "Lâm", "Quý", "Hưng", "Thịnh", "Toàn", "Nghĩa", "Đức",
              "Tâm", "Trường", "Hòa", "Chiến", "Thanh", "Ngọc", "Khôi", "Bảo", "Duy", "Hậu", "Lợi", "Tiến")
FEMALE_GIVEN = ("Lan", "Hương", "Hoa", "Mai", "Linh", "Trang", "Huyền", "Thảo", "Hằng", "Ngọc", "Nga", "Hà",
                "Thủy", "Yến", "Loan", "Dung", "Nhung", "Oanh", "Phương", "Anh", "Vân", "Tâm", "Liên", "Hạnh",
                "Quỳnh", "Giang", "Hiền", "Thu", "Hồng", "Nhàn", "Lý", "Chi", "Vy", "My", "Ngân", "Thơ", "Xuân",
                "Hậu", "Duyên", "Trinh", "Ánh", "Nhi", "Thư", "Uyên")
PHONE_PREFIXES = ("098", "097", "096", "091", "094", "088", "086", "089", "036", "035", "033", "039", "038",
                  "037", "034", "032", "081", "082", "083", "084", "085", "093", "090", "079")
NEIGHBOURS = ("xã Hoằng Đạo", "xã Hoằng Quý", "xã Hoằng Phú", "xã Hoằng Kim", "xã Hoằng Trung",
              "xã Hoằng Xuân", "xã Hoằng Giang", "xã Hoằng Trinh", "xã Hoằng Tiến", "xã Hoằng Đức")
PROVINCE_ID_CODE = "038"  # Thanh Hóa, first digits of a CCCD
OLD_ID_PREFIX = "17"      # Thanh Hóa, first digits of a 9-digit CMND

# Relative frequency of each procedure at the desk (chứng thực and hộ tịch dominate, as in real communes).
PROCEDURE_WEIGHTS: dict[str, float] = {
    "2.000815": 430, "2.000884": 150, "1.001193": 55, "2.000635": 60, "1.004873": 40, "1.000656": 25,
    "1.000894": 20, "1.004859": 12, "2.001035": 30, "2.000913": 3, "2.000927": 2, "2.000942": 4,
    "2.001019": 3, "2.001016": 4, "2.001406": 5, "2.000908": 8, "1.001022": 3, "1.000689": 3,
    "1.004884": 4, "1.005461": 1, "1.004746": 1, "1.004837": 1, "1.004845": 0.5, "1.000593": 0.5,
    "1.000419": 0.5, "2.001263": 0.5, "1.002211": 0.6, "2.000950": 0.3, "2.000930": 0.2, "1.001776": 10,
    "1.001731": 3, "1.001699": 3, "1.001653": 1, "1.011607": 2, "1.011608": 2, "1.010833": 2,
    "1.012783": 6, "1.012784": 5, "1.012786": 2, "1.012812": 1.5, "1.013225": 4, "1.013226": 0.5,
    "1.013227": 0.5, "1.013228": 0.3, "1.001662": 0.5, "1.008004": 1, "1.012592": 0.2, "1.012591": 0.1,
    "1.012590": 0.2, "2.000794": 0.3, "2.000346": 0.5, "2.000305": 0.2,
    # The 2025 catalogue: foreign-element civil status and household businesses, the commune's since 1 July 2025.
    "2.000528": 0.4, "2.000806": 0.4, "2.002189": 0.2, "1.001612": 6, "1.003622": 0.2,
}
# Procedures a commune handles only since the reform of 1 July 2025 (Nghị định 120/2025/NĐ-CP for the foreign
# element in civil status, Nghị định 168/2025/NĐ-CP for household businesses): no dossier of theirs before.
PROCEDURE_SINCE: dict[str, date] = {
    "2.000528": date(2025, 7, 1), "2.000806": date(2025, 7, 1), "2.002189": date(2025, 7, 1),
    "1.001612": date(2025, 7, 1),
}

# Who handles each field (a short label stored on every dossier) and the staff account who signs for it.
HANDLERS: dict[str, tuple[str, str]] = {
    "Hộ tịch": ("Tư pháp - Hộ tịch", "tuphap"),
    "Chứng thực": ("Tư pháp - Hộ tịch", "tuphap"),
    "Nuôi con nuôi": ("Tư pháp - Hộ tịch", "tuphap"),
    "Hòa giải cơ sở": ("Tư pháp - Hộ tịch", "tuphap"),
    "Bảo trợ xã hội": ("Văn hóa - Xã hội", "vanhoa"),
    "Giảm nghèo": ("Văn hóa - Xã hội", "vanhoa"),
    "Người có công": ("Văn hóa - Xã hội", "vanhoa"),
    "Tín ngưỡng, tôn giáo": ("Văn hóa - Xã hội", "vanhoa"),
    "Thể dục thể thao": ("Văn hóa - Xã hội", "vanhoa"),
    "Đất đai": ("Địa chính - Xây dựng", "diachinh"),
    "Xây dựng": ("Địa chính - Xây dựng", "diachinh"),
    "Tài nguyên nước": ("Địa chính - Xây dựng", "diachinh"),
    "Trồng trọt": ("Địa chính - Xây dựng", "diachinh"),
    "Thi đua, khen thưởng": ("Văn phòng - Thống kê", "cchc"),
    "Văn hóa": ("Văn hóa - Xã hội", "vanhoa"),
    "Đăng ký hộ kinh doanh": ("Văn phòng - Thống kê", "cchc"),
}
DEFAULT_HANDLER = ("Văn phòng - Thống kê", "cchc")

DEMO_PASSWORD = "demo1234"  # every demo account's password (README, the login window of a demo database)
# username, full name, title, role
STAFF: tuple[tuple[str, str, str, str], ...] = (
    ("motcua", "Nguyễn Thị Hương", "Công chức Văn phòng - Thống kê, Bộ phận Một cửa", "desk"),
    ("tuphap", "Trần Văn Nam", "Công chức Tư pháp - Hộ tịch", "desk"),
    ("tuphap2", "Lê Thị Thu Hà", "Công chức Tư pháp - Hộ tịch", "desk"),
    ("diachinh", "Phạm Văn Đức", "Công chức Địa chính - Xây dựng", "officer"),
    ("vanhoa", "Hoàng Thị Lan", "Công chức Văn hóa - Xã hội", "officer"),
    ("cchc", "Đỗ Văn Tùng", "Công chức Văn phòng - Thống kê (phụ trách CCHC)", "officer"),
    ("chutich", "Nguyễn Văn Thành", "Chủ tịch UBND xã", "chair"),
    ("phochutich", "Lê Văn Minh", "Phó Chủ tịch UBND xã", "chair"),
    ("quantri", "Quản trị hệ thống", "Quản trị phần mềm", "admin"),
)
DESK_USERS = ("motcua", "motcua", "tuphap", "tuphap2")

# Fees (issue 21): who is exempted from a fee or charge (Thông tư 85/2019/TT-BTC and the province's resolutions),
# the share of the paid dossiers exempted, and of those paid for a procedure payable online, the share paid online.
FEE_EXEMPT_REASONS = ("Hộ nghèo", "Người có công với cách mạng", "Người khuyết tật", "Hộ cận nghèo",
                      "Trẻ em dưới 6 tuổi")
FEE_EXEMPT_SHARE = 0.02
FEE_UNRECORDED_SHARE = 0.03  # paid, but the desk recorded nothing (a dossier of before, an oversight)
ONLINE_PAYMENT_SHARE = 0.3
# Results issued with their scan attached (result_digitized, issue 21): a few before the 2025 reform, most since.
RESULT_DIGITIZED_SHARE = {2025: 0.62, 2026: 0.7}
RESULT_DIGITIZED_BEFORE = 0.2
# Filings by residents of the neighbouring communes (Nghị định 118/2025): of the dossiers of a person living in one,
# the share filed here as a boundary-free dossier, and of those the share handed to that commune to handle.
BOUNDARY_FREE_SHARE = 0.5
TRANSFERRED_SHARE = 0.4

SUPPLEMENT_REASONS = (
    "Thiếu bản sao giấy tờ chứng minh nơi cư trú",
    "Tờ khai chưa ghi đầy đủ thông tin, cần kê khai lại",
    "Thiếu giấy tờ chứng minh quan hệ nhân thân",
    "Bản vẽ, sơ đồ thửa đất chưa đúng hiện trạng",
    "Cần bổ sung văn bản ủy quyền có chứng thực",
)
WITHDRAW_REASONS = (
    "Người nộp xin rút hồ sơ để bổ sung giấy tờ",
    "Người nộp đổi ý, không tiếp tục thực hiện thủ tục",
    "Nộp nhầm thủ tục, xin rút để nộp lại",
)
REFUSAL_REASONS = (
    "Không đủ điều kiện theo quy định",
    "Giấy tờ cung cấp có dấu hiệu tẩy xóa, sửa chữa",
    "Đối tượng không thuộc diện được hưởng chính sách",
)
APOLOGY_REASONS = (
    "Hồ sơ phải lấy ý kiến của cơ quan liên quan nên chưa có kết quả đúng hẹn",
    "Phải xác minh thêm thông tin hộ tịch tại nơi cư trú trước đây",
    "Công chức thụ lý đi công tác đột xuất",
    "Hệ thống phần mềm một cửa điện tử gặp sự cố",
    "Chờ kết quả đo đạc, xác minh thực địa",
)
SURVEY_COMMENTS = (
    "Cán bộ hướng dẫn nhiệt tình, chu đáo.",
    "Thủ tục nhanh gọn, trả kết quả đúng hẹn.",
    "Đề nghị bố trí thêm ghế ngồi chờ.",
    "Đề nghị niêm yết rõ hơn mức phí, lệ phí.",
    "Nộp hồ sơ trực tuyến thuận tiện.",
    "Nên có thêm máy tra cứu hồ sơ tại bộ phận một cửa.",
    "Phải chờ lâu vào buổi sáng thứ Hai.",
)

INSPECTION_UNITS = (
    "Bộ phận Tiếp nhận và Trả kết quả", "Công chức Tư pháp - Hộ tịch", "Công chức Địa chính - Xây dựng",
    "Công chức Văn hóa - Xã hội", "Công chức Văn phòng - Thống kê", "Công chức Tài chính - Kế toán",
    "Ban Chỉ huy Quân sự xã", "Công an xã",
)
INSPECTION_OFFICIALS = (
    ("Trần Văn Nam", "Công chức Tư pháp - Hộ tịch"), ("Phạm Văn Đức", "Công chức Địa chính - Xây dựng"),
    ("Hoàng Thị Lan", "Công chức Văn hóa - Xã hội"), ("Nguyễn Thị Hương", "Công chức Văn phòng - Thống kê"),
    ("Vũ Thị Mai", "Công chức Tài chính - Kế toán"),
)
# (criterion code of the default checklist, what was found)
FINDINGS: tuple[tuple[str, str], ...] = (
    ("1", "Một số công chức đến muộn 10–15 phút so với giờ làm việc quy định"),
    ("1", "Công chức vắng mặt buổi chiều không báo cáo lãnh đạo"),
    ("2", "Sử dụng máy tính cơ quan vào việc riêng trong giờ làm việc"),
    ("3", "Chưa đeo thẻ công chức trong giờ làm việc"),
    ("4", "Có ý kiến phản ánh công chức hướng dẫn chưa rõ ràng, phải đi lại nhiều lần"),
    ("5", "Sổ theo dõi hồ sơ ghi chưa đầy đủ ngày trả kết quả"),
    ("5", "Một số hồ sơ trễ hạn chưa có phiếu xin lỗi kịp thời"),
    ("6", "Chưa ghi biên bản đầy đủ các cuộc họp giao ban tuần"),
    ("7", "Niêm yết thủ tục hành chính chưa cập nhật các thủ tục mới công bố"),
    ("7", "Hòm thư góp ý chưa được mở định kỳ theo quy định"),
    ("8", "Máy photocopy của cơ quan dùng in tài liệu cá nhân"),
)

# (area, title, source, lead, cooperating, deadline "MM-DD", evidence)
PLAN_TASKS: tuple[tuple[int, str, str, str, str, str, str], ...] = (
    (0, "Ban hành Kế hoạch cải cách hành chính năm {year}", "plan", "Văn phòng - Thống kê",
     "Các bộ phận chuyên môn", "01-15", "Quyết định số 01/QĐ-UBND ngày 02/01/{year}"),
    (0, "Ban hành Kế hoạch tự kiểm tra việc thực hiện kỷ luật, kỷ cương hành chính năm {year}", "plan",
     "Văn phòng - Thống kê", "", "01-31", "Kế hoạch số 02/KH-UBND ngày 04/01/{year}"),
    (0, "Ban hành Kế hoạch tuyên truyền cải cách hành chính năm {year}", "plan", "Văn hóa - Xã hội",
     "Đài truyền thanh xã", "02-28", "Kế hoạch tuyên truyền CCHC năm {year}"),
    (0, "Kiểm tra công tác cải cách hành chính, kỷ luật, kỷ cương hành chính tại các bộ phận chuyên môn",
     "plan", "Văn phòng - Thống kê", "Các bộ phận chuyên môn", "11-30", "Biên bản kiểm tra"),
    (0, "Báo cáo định kỳ công tác cải cách hành chính (quý, 6 tháng, 9 tháng, năm) đúng thời hạn",
     "higher_level", "Văn phòng - Thống kê", "Các bộ phận chuyên môn", "12-15", "Các báo cáo định kỳ"),
    (0, "Khảo sát mức độ hài lòng của người dân đối với sự phục vụ của Bộ phận Một cửa", "plan",
     "Văn phòng - Thống kê", "Bộ phận Một cửa", "10-31", "Báo cáo kết quả khảo sát"),
    (0, "Tuyên truyền cải cách hành chính trên hệ thống truyền thanh xã và trang thông tin điện tử", "plan",
     "Văn hóa - Xã hội", "Đài truyền thanh xã", "12-31", "Tin, bài tuyên truyền"),
    (0, "Triển khai sáng kiến, mô hình mới trong cải cách hành chính tại Bộ phận Một cửa", "plan",
     "Văn phòng - Thống kê", "Tư pháp - Hộ tịch", "09-30", "Mô hình «Thứ Bảy không nghỉ» hỗ trợ dịch vụ công"),
    (0, "Tổ chức đối thoại giữa Chủ tịch UBND xã với Nhân dân về thủ tục hành chính", "higher_level",
     "Văn phòng - Thống kê", "MTTQ và các đoàn thể", "08-31", "Biên bản hội nghị đối thoại"),
    (1, "Rà soát, hệ thống hóa văn bản quy phạm pháp luật do HĐND, UBND xã ban hành", "higher_level",
     "Tư pháp - Hộ tịch", "Văn phòng - Thống kê", "03-31", "Báo cáo kết quả rà soát"),
    (1, "Theo dõi tình hình thi hành pháp luật trên địa bàn xã", "plan", "Tư pháp - Hộ tịch",
     "Các bộ phận chuyên môn", "12-15", "Báo cáo theo dõi thi hành pháp luật"),
    (1, "Phổ biến, giáo dục pháp luật cho cán bộ, công chức và Nhân dân", "plan", "Tư pháp - Hộ tịch",
     "Các thôn", "11-30", "Kế hoạch và báo cáo PBGDPL"),
    (1, "Kiểm tra, xử lý văn bản quy phạm pháp luật theo quy định", "plan", "Tư pháp - Hộ tịch", "",
     "12-15", "Báo cáo công tác kiểm tra văn bản"),
    (2, "Niêm yết công khai đầy đủ, kịp thời thủ tục hành chính tại Bộ phận Một cửa và trang thông tin điện tử",
     "plan", "Văn phòng - Thống kê", "Bộ phận Một cửa", "03-31", "Danh mục TTHC niêm yết"),
    (2, "Rà soát, đánh giá thủ tục hành chính thuộc thẩm quyền giải quyết của UBND xã", "higher_level",
     "Tư pháp - Hộ tịch", "Các bộ phận chuyên môn", "06-30", "Báo cáo rà soát TTHC"),
    (2, "Tiếp nhận, xử lý phản ánh, kiến nghị của cá nhân, tổ chức về quy định hành chính", "plan",
     "Văn phòng - Thống kê", "", "12-31", "Sổ theo dõi phản ánh, kiến nghị"),
    (2, "Thực hiện công khai xin lỗi đối với hồ sơ giải quyết trễ hạn", "plan", "Bộ phận Một cửa",
     "Các bộ phận chuyên môn", "12-31", "Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
    (2, "Giải quyết hồ sơ thủ tục hành chính đúng hạn đạt trên 98%", "higher_level", "Bộ phận Một cửa",
     "Các bộ phận chuyên môn", "12-31", "Số liệu trên Hệ thống thông tin giải quyết TTHC"),
    (2, "Cập nhật, đồng bộ 100% hồ sơ thủ tục hành chính lên Hệ thống thông tin giải quyết TTHC của tỉnh",
     "higher_level", "Bộ phận Một cửa", "", "12-31", "Báo cáo thống kê hồ sơ"),
    (2, "Triển khai Đề án 06 về phát triển ứng dụng dữ liệu dân cư, định danh và xác thực điện tử",
     "higher_level", "Công an xã", "Tư pháp - Hộ tịch", "12-31", "Báo cáo kết quả thực hiện Đề án 06"),
    (2, "Duy trì, áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015", "plan",
     "Văn phòng - Thống kê", "Các bộ phận chuyên môn", "12-31", "Quyết định công bố hệ thống QLCL"),
    (3, "Kiện toàn Bộ phận Tiếp nhận và Trả kết quả của UBND xã", "plan", "Văn phòng - Thống kê", "",
     "02-28", "Quyết định kiện toàn Bộ phận Một cửa"),
    (3, "Rà soát chức năng, nhiệm vụ của các bộ phận chuyên môn thuộc UBND xã", "plan", "Văn phòng - Thống kê",
     "", "06-30", "Báo cáo rà soát"),
    (3, "Sửa đổi, bổ sung Quy chế làm việc của UBND xã", "plan", "Văn phòng - Thống kê", "", "03-31",
     "Quyết định ban hành Quy chế làm việc"),
    (4, "Đánh giá, xếp loại chất lượng cán bộ, công chức năm {year}", "higher_level", "Văn phòng - Thống kê",
     "", "12-31", "Quyết định xếp loại chất lượng cán bộ, công chức"),
    (4, "Cử cán bộ, công chức tham gia đào tạo, bồi dưỡng chuyên môn, nghiệp vụ", "plan",
     "Văn phòng - Thống kê", "", "10-31", "Danh sách cử đi bồi dưỡng"),
    (4, "Tăng cường kỷ luật, kỷ cương hành chính và văn hóa công sở", "plan", "Văn phòng - Thống kê",
     "Các bộ phận chuyên môn", "12-31", "Chỉ thị, công văn chấn chỉnh"),
    (4, "Thực hiện chế độ, chính sách đối với cán bộ, công chức và người hoạt động không chuyên trách", "plan",
     "Tài chính - Kế toán", "Văn phòng - Thống kê", "12-31", "Bảng lương, quyết định nâng lương"),
    (4, "Kê khai tài sản, thu nhập hằng năm theo quy định", "higher_level", "Văn phòng - Thống kê", "",
     "12-31", "Bản kê khai tài sản, thu nhập"),
    (5, "Xây dựng và thực hiện Quy chế chi tiêu nội bộ năm {year}", "plan", "Tài chính - Kế toán", "",
     "01-31", "Quyết định ban hành Quy chế chi tiêu nội bộ"),
    (5, "Công khai dự toán, quyết toán ngân sách xã theo quy định", "higher_level", "Tài chính - Kế toán", "",
     "04-30", "Thông báo công khai ngân sách"),
    (5, "Quản lý, sử dụng tài sản công đúng mục đích, tiết kiệm", "plan", "Tài chính - Kế toán", "",
     "12-31", "Sổ theo dõi tài sản công"),
    (5, "Chi trả không dùng tiền mặt các khoản chi an sinh xã hội", "plan", "Văn hóa - Xã hội",
     "Tài chính - Kế toán", "12-31", "Danh sách chi trả qua tài khoản"),
    (6, "Sử dụng văn bản điện tử, chữ ký số trong gửi, nhận văn bản (trừ văn bản mật)", "higher_level",
     "Văn phòng - Thống kê", "", "12-31", "Số liệu trên hệ thống quản lý văn bản"),
    (6, "Nâng tỷ lệ hồ sơ nộp trực tuyến và thanh toán trực tuyến phí, lệ phí", "higher_level",
     "Bộ phận Một cửa", "Tổ công nghệ số cộng đồng", "12-31", "Báo cáo kết quả dịch vụ công trực tuyến"),
    (6, "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính theo chỉ tiêu được giao", "higher_level",
     "Bộ phận Một cửa", "", "12-31", "Số liệu số hóa trên Hệ thống thông tin giải quyết TTHC"),
    (6, "Duy trì hoạt động của Tổ công nghệ số cộng đồng tại các thôn", "plan", "Văn hóa - Xã hội",
     "Các thôn", "12-31", "Báo cáo hoạt động Tổ công nghệ số cộng đồng"),
    (6, "Cập nhật thông tin lên trang thông tin điện tử của xã", "plan", "Văn phòng - Thống kê", "",
     "12-31", "Tin, bài đăng tải"),
    (6, "Bảo đảm an toàn thông tin mạng tại cơ quan", "plan", "Văn phòng - Thống kê", "", "12-31",
     "Báo cáo an toàn thông tin"),
    (6, "Triển khai Kế hoạch chuyển đổi số năm {year}", "plan", "Văn phòng - Thống kê",
     "Các bộ phận chuyên môn", "03-31", "Kế hoạch chuyển đổi số năm {year}"),
)

# (kind, number suffix, "MM-DD", title, area); the plan decision "01/QĐ-UBND" of 02/01 is always issued.
DIRECTIVES: tuple[tuple[str, str, str, str, int], ...] = (
    ("decision", "QĐ-UBND", "01-02", "Quyết định ban hành Kế hoạch cải cách hành chính năm {year}", 0),
    ("plan", "KH-UBND", "01-04", "Kế hoạch tự kiểm tra việc thực hiện kỷ luật, kỷ cương hành chính năm {year}", 0),
    ("plan", "KH-UBND", "01-20", "Kế hoạch tuyên truyền cải cách hành chính năm {year}", 0),
    ("plan", "KH-UBND", "02-05", "Kế hoạch kiểm soát thủ tục hành chính năm {year}", 2),
    ("decision", "QĐ-UBND", "02-15", "Quyết định kiện toàn Bộ phận Tiếp nhận và Trả kết quả của UBND xã", 3),
    ("plan", "KH-UBND", "03-01", "Kế hoạch chuyển đổi số năm {year}", 6),
    ("report", "BC-UBND", "03-14", "Báo cáo kết quả công tác cải cách hành chính quý I năm {year}", 0),
    ("official_letter", "UBND-VP", "04-10",
     "Công văn về việc đẩy mạnh dịch vụ công trực tuyến và số hóa hồ sơ, kết quả giải quyết TTHC", 6),
    ("plan", "KH-UBND", "05-06",
     "Kế hoạch khảo sát mức độ hài lòng của người dân đối với sự phục vụ của cơ quan hành chính năm {year}", 0),
    ("report", "BC-UBND", "06-04", "Báo cáo kết quả công tác cải cách hành chính 6 tháng đầu năm {year}", 0),
    ("directive", "CT-UBND", "07-08",
     "Chỉ thị về tăng cường kỷ luật, kỷ cương hành chính trong giải quyết thủ tục hành chính", 4),
    ("official_letter", "UBND-VP", "08-12", "Công văn chấn chỉnh giờ giấc làm việc và văn hóa công sở", 4),
    ("report", "BC-UBND", "09-13", "Báo cáo kết quả công tác cải cách hành chính 9 tháng năm {year}", 0),
    ("notice", "TB-UBND", "10-21", "Thông báo kết luận kiểm tra công vụ, kỷ luật, kỷ cương hành chính", 4),
    ("report", "BC-UBND", "12-10", "Báo cáo kết quả công tác cải cách hành chính năm {year}", 0),
)
