"""The statistical appendix of a commune's periodic report (DOMAIN.md §7; seed 002, "Phụ lục 01b") as data:
every row in the printed order, with its number, name, unit of measure, indicator key (DESIGN.md §6) and
whether it is computed from the records (C) or typed in once per period (M).

Names and units follow the seed's Phụ lục, with these changes:
- the channel lines say «trực tuyến một phần / toàn trình» where the seed says «mức độ 3 / mức độ 4»
  (the names since Nghị định 42/2022/NĐ-CP; the glossary of DOMAIN.md), and repeat the unit where the seed
  writes «nt» (như trên);
- 1.3 reads «Thực hiện nhiệm vụ cấp trên giao» for the seed's «… UBND huyện, Chủ tịch UBND huyện giao»:
  since 1 July 2025 a commune may report straight to the province;
- 3.5 reads «Số thư/trường hợp» (the seed's «Số thu/» is a typo) with the unit «Thư»; 7.6 names the quality
  system (TCVN ISO 9001:2015) that the seed's row leaves out;
- 4.1 and 5.4 are headings: the seed writes a figure beside them (17, 0) that repeats a row below.

Rows DOMAIN.md marks C that no service computes yet are typed in (M) until one does: 3.1.1 and 3.1.2
(procedures published / abolished in the period: the catalogue keeps no history of its decisions) and 5.4.1
(a self-check plan exists: the plan does not mark which task or document is that plan).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from cchc_desktop.domain.report import AppendixRow, RowSource, Value
from cchc_desktop.i18n import _


class ValueKind(Enum):
    COUNT = "count"  # a whole number, 0 or more
    PERCENT = "percent"  # 0–100
    CODE = "code"  # one of the row's codes (Không = 0, Có = 1 …)


@dataclass(frozen=True)
class Indicator:
    """One row of the appendix. ``name`` and ``unit`` are message ids (Vietnamese), translated when shown."""

    number: str
    name: str
    unit: str = ""
    key: str = ""  # empty for a heading
    computed: bool = False
    level: int = 0
    kind: ValueKind = ValueKind.COUNT
    codes: tuple[int, ...] = ()

    @property
    def heading(self) -> bool:
        return not self.key

    @property
    def label(self) -> str:
        """``4.1.1 (Tổng số biên chế được giao trong năm)``: how a message names the row."""
        return f"{self.number or self.key} ({_(self.name)})"

    def row(self, value: Value) -> AppendixRow:
        return AppendixRow(
            number=self.number, name=_(self.name), unit=_(self.unit), key=self.key,
            value=None if self.heading else value,
            source=RowSource.MANUAL if self.key and not self.computed else RowSource.COMPUTED,
            level=self.level, percent=self.kind is ValueKind.PERCENT, heading=self.heading,
        )


def _h(number: str, name: str) -> Indicator:
    return Indicator(number, name)


def _c(number: str, name: str, unit: str, *, key: str = "", level: int = 0, kind: ValueKind = ValueKind.COUNT,
       codes: tuple[int, ...] = ()) -> Indicator:
    return Indicator(number, name, unit, key or number, True, level, kind, codes)


def _m(number: str, name: str, unit: str, *, key: str = "", level: int = 0, kind: ValueKind = ValueKind.COUNT,
       codes: tuple[int, ...] = ()) -> Indicator:
    return Indicator(number, name, unit, key or number, False, level, kind, codes)


YES_NO = (0, 1)
_DOSSIERS = "Số lượng hồ sơ"
_TASKS = "Nhiệm vụ"
_PROCEDURES = "Thủ tục"
_DOCUMENTS = "Văn bản"
_PEOPLE = "Người"

APPENDIX: tuple[Indicator, ...] = (
    _h("1", "Công tác chỉ đạo điều hành CCHC"),
    _h("1.1", "Kế hoạch CCHC"),
    _c("1.1.1", "Số nhiệm vụ đề ra trong kế hoạch", _TASKS),
    _c("1.1.2", "Số nhiệm vụ đã hoàn thành", _TASKS),
    _c("1.1.3", "Số văn bản chỉ đạo CCHC đã ban hành", _DOCUMENTS),
    _h("1.2", "Kiểm tra CCHC"),
    _c("1.2.1", "Số bộ phận, công chức chuyên môn cấp xã đã kiểm tra", "Bộ phận, công chức CM"),
    _c("1.2.2", "Số vấn đề phát hiện qua kiểm tra", "Vấn đề"),
    _c("1.2.3", "Số vấn đề phát hiện đã xử lý xong", "Vấn đề"),
    _h("1.3", "Thực hiện nhiệm vụ cấp trên giao"),
    _c("1.3.1", "Tổng số nhiệm vụ được giao", _TASKS),
    _c("1.3.2", "Số nhiệm vụ đã hoàn thành đúng hạn", _TASKS),
    _c("1.3.3", "Số nhiệm vụ đã hoàn thành nhưng quá hạn", _TASKS),
    _h("1.4", "Khảo sát sự hài lòng của người dân, tổ chức"),
    _c("1.4.1", "Số lượng phiếu khảo sát", "Phiếu"),
    _c("1.4.2", "Hình thức khảo sát", "Trực tuyến = 0; Phát phiếu = 1; Kết hợp = 2", kind=ValueKind.CODE,
       codes=(0, 1, 2)),
    _m("1.5", "Tổ chức đối thoại của lãnh đạo với người dân, cộng đồng doanh nghiệp trên địa bàn",
       "Không = 0; Có = 1", kind=ValueKind.CODE, codes=YES_NO),
    _h("2", "Cải cách thể chế"),
    _m("2.1", "Số VBQPPL đã ban hành/tham mưu ban hành", _DOCUMENTS),
    _m("2.2", "Số VBQPPL đã kiểm tra theo thẩm quyền", _DOCUMENTS),
    _m("2.3", "Số VBQPPL đã rà soát", _DOCUMENTS),
    _m("2.4", "Số VBQPPL đã kiến nghị xử lý sau kiểm tra, rà soát", _DOCUMENTS),
    _m("2.5", "Số VBQPPL có kiến nghị xử lý đã được xử lý xong", _DOCUMENTS),
    _h("3", "Cải cách thủ tục hành chính"),
    _h("3.1", "Thống kê TTHC"),
    _m("3.1.1", "Số TTHC/danh mục TTHC thuộc thẩm quyền quản lý công bố mới", _PROCEDURES),
    _m("3.1.2", "Số TTHC thuộc thẩm quyền bãi bỏ, thay thế", _PROCEDURES),
    _c("3.1.3", "Tổng số TTHC đang áp dụng", _PROCEDURES),
    _h("3.2", "Thực hiện cơ chế một cửa, một cửa liên thông"),
    _c("3.2.1", "Số TTHC đưa vào thực hiện theo cơ chế một cửa tại cấp xã", _PROCEDURES),
    _c("3.2.2", "Số TTHC liên thông cùng cấp", _PROCEDURES),
    _c("3.2.3", "Số TTHC liên thông giữa các cấp chính quyền", _PROCEDURES),
    _m("3.2.4", "Tỷ lệ TTHC đã được phê duyệt quy trình nội bộ (theo quy trình ISO)", "%", kind=ValueKind.PERCENT),
    _m("3.2.5", "Tỷ lệ quy trình nội bộ giải quyết TTHC đã được điện tử hóa", "%", kind=ValueKind.PERCENT),
    _m("3.2.6", "Số TTHC đã thực hiện tiếp nhận và giải quyết hồ sơ không phụ thuộc vào địa giới hành chính",
       _PROCEDURES),
    _h("3.3", "Kết quả giải quyết TTHC"),
    _c("3.3.1", "Số lượng hồ sơ đã tiếp nhận", _DOSSIERS),
    _c("", "Tiếp nhận trực tiếp", _DOSSIERS, key="3.3.1.truc_tiep", level=1),
    _c("", "Tiếp nhận qua BCCI", _DOSSIERS, key="3.3.1.bcci", level=1),
    _c("", "Tiếp nhận trực tuyến một phần", _DOSSIERS, key="3.3.1.truc_tuyen_mot_phan", level=1),
    _c("", "Tiếp nhận trực tuyến toàn trình", _DOSSIERS, key="3.3.1.truc_tuyen_toan_trinh", level=1),
    _c("3.3.2", "Số lượng hồ sơ TTHC do UBND cấp xã tiếp nhận được giải quyết đúng hẹn", _DOSSIERS),
    _c("", "Trả trực tiếp", _DOSSIERS, key="3.3.2.truc_tiep", level=1),
    _c("", "Trả qua BCCI", _DOSSIERS, key="3.3.2.bcci", level=1),
    _c("", "Giải quyết trực tuyến một phần", _DOSSIERS, key="3.3.2.truc_tuyen_mot_phan", level=1),
    _c("", "Giải quyết trực tuyến toàn trình", _DOSSIERS, key="3.3.2.truc_tuyen_toan_trinh", level=1),
    _c("3.3.3", "Số lượng hồ sơ TTHC về lĩnh vực đất đai được giải quyết đúng hẹn", _DOSSIERS),
    _c("3.3.4", "Số lượng hồ sơ TTHC về lĩnh vực xây dựng được giải quyết đúng hẹn", _DOSSIERS),
    _h("3.4", "Công khai kết quả giải quyết"),
    _m("3.4.1", "Công khai kết quả giải quyết trên Cổng dịch vụ công của tỉnh", "Số hồ sơ đã giải quyết"),
    _m("3.4.2", "Công khai kết quả giải quyết trên trang TTĐT của đơn vị", "Số hồ sơ đã giải quyết"),
    _m("3.4.3", "Số TTHC đã tích hợp dịch vụ thanh toán trực tuyến trên Cổng dịch vụ công", _PROCEDURES),
    _c("3.5", "Số thư/trường hợp đã công khai xin lỗi", "Thư"),
    _h("4", "Cải cách tổ chức bộ máy hành chính nhà nước"),
    _h("4.1", "Số liệu về biên chế cán bộ, công chức"),
    _m("4.1.1", "Tổng số biên chế được giao trong năm", _PEOPLE),
    _m("4.1.2", "Tổng số biên chế có mặt tại thời điểm báo cáo", _PEOPLE),
    _m("4.1.3", "Số biên chế đã tinh giản trong kỳ báo cáo", _PEOPLE),
    _h("5", "Cải cách chế độ công vụ"),
    _h("5.4", "Thực hiện kỷ luật, kỷ cương hành chính; số liệu về xử lý kỷ luật cán bộ, công chức "
              "(cả về Đảng và chính quyền)"),
    _m("5.4.1", "Xây dựng kế hoạch tự kiểm tra kỷ luật, kỷ cương hành chính",
       "Có ban hành KH = 1; Không ban hành KH = 0", kind=ValueKind.CODE, codes=YES_NO),
    _c("5.4.2", "Số lượng, tỷ lệ đơn vị được kiểm tra kỷ luật, kỷ cương hành chính", "%", kind=ValueKind.PERCENT),
    _c("5.4.5", "Số lãnh đạo cấp xã bị kỷ luật", _PEOPLE),
    _c("5.4.6", "Số lượng công chức cấp xã bị kỷ luật", _PEOPLE),
    _h("6", "Cải cách tài chính công"),
    _m("6.1", "Đơn vị đã thực hiện xây dựng Quy chế chi tiêu nội bộ", "Có ban hành QC = 1; Không ban hành QC = 0",
       kind=ValueKind.CODE, codes=YES_NO),
    _m("6.2", "Đơn vị đã thực hiện Quy chế quản lý tài sản công", "Có ban hành QC = 1; Không ban hành QC = 0",
       kind=ValueKind.CODE, codes=YES_NO),
    _h("7", "Xây dựng và phát triển Chính quyền điện tử"),
    _m("7.1", "Xây dựng và vận hành Hệ thống họp trực tuyến từ UBND tỉnh đến 100% UBND cấp xã",
       "Chưa có = 0; 2 cấp = 1; 3 cấp = 2", kind=ValueKind.CODE, codes=(0, 1, 2)),
    _h("7.2", "Số liệu về trao đổi văn bản điện tử"),
    _m("7.2.1", "Thực hiện kết nối, liên thông các Hệ thống quản lý văn bản điều hành từ tỉnh đến cấp xã",
       "Đã kết nối = 1; Chưa kết nối = 0", kind=ValueKind.CODE, codes=YES_NO),
    _m("7.2.3", "Tổng số văn bản đi giữa các cơ quan nhà nước trên địa bàn xã", _DOCUMENTS),
    _m("", "Tỷ lệ văn bản được gửi hoàn toàn dưới dạng điện tử (sử dụng chữ ký số, chứng thư số và gửi trên "
           "môi trường điện tử)", "%", key="7.2.3.dien_tu", level=1, kind=ValueKind.PERCENT),
    _m("", "Tỷ lệ văn bản được gửi hoàn toàn dưới dạng điện tử và song song với văn bản giấy", "%",
       key="7.2.3.song_song", level=1, kind=ValueKind.PERCENT),
    _h("7.4", "Vận hành Hệ thống thông tin một cửa điện tử"),
    _m("7.4.1", "Kết nối liên thông với Hệ thống một cửa điện tử cấp trên", "Đã kết nối = 1; Chưa kết nối = 0",
       kind=ValueKind.CODE, codes=YES_NO),
    _h("7.5", "Dịch vụ công trực tuyến"),
    _c("7.5.1", "Tổng số TTHC cung cấp dịch vụ công trực tuyến một phần", "TTHC"),
    _c("7.5.2", "Tổng số TTHC cung cấp dịch vụ công trực tuyến toàn trình", "TTHC"),
    _m("7.6", "Thực hiện duy trì, áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015 tại UBND cấp xã",
       "Có thực hiện = 1; Không thực hiện = 0", kind=ValueKind.CODE, codes=YES_NO),
)

BY_KEY: Mapping[str, Indicator] = {row.key: row for row in APPENDIX if row.key}
COMPUTED_KEYS: tuple[str, ...] = tuple(row.key for row in APPENDIX if row.key and row.computed)
MANUAL_KEYS: tuple[str, ...] = tuple(row.key for row in APPENDIX if row.key and not row.computed)


def find(text: str) -> Indicator | None:
    """The row of an indicator key or printed number (``4.1.1``, ``2.3.``, ``7.2.3.dien_tu``)."""
    wanted = (text or "").strip().rstrip(".")
    return BY_KEY.get(wanted)


def value_problem(indicator: Indicator, value: Decimal) -> str | None:
    """What is wrong with ``value`` for the row (a phrase), or None."""
    if indicator.kind is ValueKind.PERCENT:
        return None if 0 <= value <= 100 else _("tỷ lệ phải từ 0 đến 100")
    if indicator.kind is ValueKind.CODE:
        if value in indicator.codes:
            return None
        return _("chỉ nhận một trong các giá trị {codes} ({unit})").format(
            codes=", ".join(str(code) for code in indicator.codes), unit=_(indicator.unit))
    if value < 0 or value != value.to_integral_value():
        return _("phải là số nguyên không âm")
    return None


def stored(value: float | None) -> Value:
    """A stored REAL as the report shows it: whole numbers as ``int`` (``17.0`` → ``17``)."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def rows(values: Mapping[str, Value]) -> tuple[AppendixRow, ...]:
    """Every row of the appendix, in order, with its value from ``values`` (None where absent)."""
    return tuple(indicator.row(values.get(indicator.key)) for indicator in APPENDIX)
