"""The ``cchc`` command: a thin skin over the services (DESIGN.md §3). No Qt is imported here.

Exit codes: 0 success, 1 a user error (Vietnamese message on stderr saying what to do), 2 a usage error.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import logging
import os
import re
import signal
import sqlite3
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, cast

from cchc_desktop import __version__
from cchc_desktop.errors import CchcError, StorageError, ValidationError, user_message
from cchc_desktop.i18n import _, set_language
from cchc_desktop.logs import LEVELS, setup_logging
from cchc_desktop.paths import given_db, is_postgresql, resolve_db_path
from cchc_desktop.progress import TerminalLine
from db.errors import classify, from_environment

if TYPE_CHECKING:
    from cchc_desktop.domain.periods import Period
    from cchc_desktop.office import Office
    from cchc_desktop.services.tables import RowProblem

log = logging.getLogger("cchc.cli")

EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE = 0, 1, 2

# argparse speaks English; its usage errors are put into Vietnamese here.
_ARGPARSE_ERRORS = [
    (r"the following arguments are required: (.*)", "thiếu tham số bắt buộc: {0}"),
    (r"unrecognized arguments: (.*)", "không hiểu tham số: {0}"),
    (r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)",
     "{0}: lựa chọn không hợp lệ {1} (chọn một trong: {2})"),
    (r"argument (\S+): invalid (\w+) value: (.*)", "{0}: giá trị không hợp lệ {2}"),
    (r"argument (\S+): expected one argument", "{0}: cần một giá trị"),
    (r"argument (\S+): not allowed with argument (\S+)", "{0} không dùng cùng {1}"),
    (r"one of the arguments (.*) is required", "cần một trong các tham số: {0}"),
    (r"argument (\S+): (.*)", "{0}: {1}"),
]


def _translate_usage_error(message: str) -> str:
    for pattern, template in _ARGPARSE_ERRORS:
        match = re.fullmatch(pattern, message)
        if match:
            return template.format(*match.groups())
    return message


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix=_("Cách dùng: ") if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Vietnamese and exits 2 on a usage error."""

    def __init__(self, *args: Any, help_option: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = _("tham số")
        self._optionals.title = _("tùy chọn")
        if help_option:  # (not on the options every command shares: each has its own)
            self.add_argument("-h", "--help", action="help", help=_("hiện hướng dẫn này rồi thoát"))

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, _("Lỗi: {message}").format(message=_translate_usage_error(message)) + "\n")


def _common_options() -> _Parser:
    """Options accepted both before and after the subcommand (``cchc --db X check``, ``cchc check --db X``)."""
    common = _Parser(help_option=False)
    common.add_argument(
        "--db", metavar="TỆP", default=argparse.SUPPRESS,
        help=_("tệp cơ sở dữ liệu (mặc định: biến CCHC_DB hoặc thư mục dữ liệu của người dùng)"),
    )
    common.add_argument(
        "--user", metavar="TÊN", default=argparse.SUPPRESS,
        help=_("làm việc bằng tài khoản này (mật khẩu hỏi khi chạy, hoặc biến CCHC_PASSWORD); không có "
               "--user là chế độ quản trị cục bộ, được ghi vào nhật ký"),
    )
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help=_("in chi tiết lỗi (traceback) khi có lỗi"))
    common.add_argument("--log-level", choices=LEVELS, default=argparse.SUPPRESS,
                        help=_("mức ghi nhật ký (mặc định INFO)"))
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common_options()
    parser = _Parser(
        prog="cchc",
        parents=[common],
        description=_(
            "CCHC Desktop — quản lý công tác cải cách hành chính cấp xã: hồ sơ thủ tục hành chính, "
            "khảo sát hài lòng, kiểm tra kỷ luật kỷ cương, kế hoạch CCHC và báo cáo định kỳ."
        ),
        epilog=_(
            "Ví dụ:\n"
            "  cchc init --unit-name \"UBND xã Hoằng Hợp\" --unit-code 000.21.31.H56\n"
            "  cchc demo --year 2025 --dossiers 5000\n"
            "  cchc check\n\n"
            "Mã thoát: 0 thành công; 1 lỗi dữ liệu hoặc tệp (có hướng dẫn); 2 sai cú pháp lệnh."
        ),
    )
    parser.add_argument("--version", action="version", version=f"cchc {__version__}",
                        help=_("in phiên bản rồi thoát"))
    commands = parser.add_subparsers(dest="command", metavar=_("LỆNH"), title=_("các lệnh"), parser_class=_Parser)
    commands.required = True

    init = commands.add_parser("init", parents=[common], help=_("tạo cơ sở dữ liệu và khai báo đơn vị"),
                               description=_("Tạo cơ sở dữ liệu (nếu chưa có) và lưu thông tin đơn vị."))
    init.add_argument("--unit-name", required=True, metavar="TÊN", help=_("tên đơn vị, ví dụ \"UBND xã Hoằng Hợp\""))
    init.add_argument("--unit-code", metavar="MÃ", help=_("mã định danh, ví dụ 000.21.31.H56"))
    init.add_argument("--place", metavar="ĐỊA DANH", help=_("địa danh ghi ở dòng ngày tháng, ví dụ \"Hoằng Hợp\""))
    init.add_argument("--parent", metavar="TÊN", help=_("cơ quan cấp trên nhận báo cáo, ví dụ \"UBND tỉnh Thanh Hóa\""))
    init.add_argument("--province", metavar="TÊN", help=_("tỉnh, thành phố, ví dụ \"Thanh Hóa\""))
    init.add_argument("--signer", metavar="HỌ TÊN", help=_("họ tên người ký"))
    init.add_argument("--signer-title", metavar="CHỨC DANH", help=_("chức danh người ký, ví dụ \"PHÓ CHỦ TỊCH\" (ký "
                                                                   "«KT. CHỦ TỊCH»)"))
    init.add_argument("--signer-authority", metavar="THẨM QUYỀN",
                      help=_("thẩm quyền ký nếu khác mặc định theo chức danh: \"TL. CHỦ TỊCH\", \"TUQ. CHỦ TỊCH\", "
                             "\"TM. ỦY BAN NHÂN DÂN; KT. CHỦ TỊCH\""))
    init.add_argument("--desk-name", metavar="TÊN",
                      help=_("tên bộ phận một cửa (mặc định: Trung tâm Phục vụ hành chính công xã …)"))
    init.add_argument("--desk-contact", metavar="HỌ TÊN", help=_("người hướng dẫn bổ sung hồ sơ (Mẫu 02)"))
    init.add_argument("--desk-phone", metavar="SỐ", help=_("điện thoại hướng dẫn"))
    init.add_argument("--lookup-url", metavar="ĐỊA CHỈ",
                      help=_("trang tra cứu hồ sơ của tỉnh, {code} ở chỗ mã hồ sơ (mã QR trên giấy tiếp nhận)"))
    init.set_defaults(handler=_cmd_init)

    demo = commands.add_parser("demo", parents=[common], help=_("tạo dữ liệu mẫu của một năm"),
                               description=_("Ghi dữ liệu mẫu (danh mục, hồ sơ, khảo sát, kiểm tra, kế hoạch) "
                                             "vào một cơ sở dữ liệu chưa có hồ sơ."))
    demo.add_argument("--year", type=int, default=2025, metavar="NĂM",
                      help=_("năm của dữ liệu mẫu (mặc định 2025: sáu tháng đầu theo Thông tư 01/2018, từ 01/7 theo "
                             "Thông tư 03/2025)"))
    demo.add_argument("--dossiers", type=int, default=5000, metavar="SỐ", help=_("số hồ sơ (mặc định 5000)"))
    demo.add_argument("--seed", type=int, default=1, metavar="SỐ", help=_("hạt giống ngẫu nhiên (mặc định 1)"))
    demo.set_defaults(handler=_cmd_demo)

    migrate = commands.add_parser("migrate", parents=[common], help=_("nâng cấp cấu trúc cơ sở dữ liệu"),
                                  description=_("Áp dụng các bản nâng cấp còn thiếu (sao lưu trước khi nâng cấp)."))
    migrate.add_argument("--list", action="store_true", help=_("chỉ liệt kê các bản nâng cấp, không áp dụng"))
    migrate.add_argument("--as-owner", action="store_true",
                         help=_("cơ sở dữ liệu trên máy chủ PostgreSQL (--db postgresql://…): nâng cấp bằng tài khoản "
                                "chủ sở hữu (mật khẩu trong tệp pgpass hoặc tệp dịch vụ, không trong chuỗi kết nối)"))
    migrate.add_argument("--grant-desk", action="append", default=[], metavar="TÀI_KHOẢN",
                         help=_("với --as-owner: sau khi nâng cấp, cấp cho tài khoản PostgreSQL của một quầy (đã tạo "
                                "bằng CREATE ROLE … LOGIN) quyền đọc, ghi dữ liệu nhưng không sửa cấu trúc; lặp lại "
                                "cho mỗi quầy"))
    migrate.set_defaults(handler=_cmd_migrate)

    check = commands.add_parser("check", parents=[common], help=_("kiểm tra tính toàn vẹn của cơ sở dữ liệu"),
                                description=_("Kiểm tra toàn vẹn, khóa ngoại và phiên bản cấu trúc; không sửa tệp."))
    check.add_argument("--anchor", action="append", default=[], metavar="TỆP",
                       help=_("so thêm nhật ký với mốc niêm phong trong tệp này: báo cáo JSON đã gửi, tệp kê khai "
                              "của bản sao lưu (.sqlite3.json) hoặc tệp niêm phong (lặp lại được)"))
    check.set_defaults(handler=_cmd_check)
    receipt = commands.add_parser(
        "receipt", parents=[common], help=_("in giấy tiếp nhận hoặc phiếu khác của một hồ sơ ra PDF"),
        description=_("Tạo PDF một phiếu của hồ sơ, theo bộ biểu mẫu hồ sơ được tiếp nhận (Thông tư 03/2025 hoặc "
                      "01/2018). --kind gọi phiếu theo loại, không phụ thuộc bộ biểu mẫu: receipt giấy tiếp nhận và "
                      "hẹn trả kết quả, supplement phiếu yêu cầu bổ sung, refusal văn bản từ chối giải quyết, apology "
                      "phiếu xin lỗi, stop thông báo dừng giải quyết (chỉ bộ 2025), control phiếu kiểm soát quá "
                      "trình giải quyết. --form gọi theo số mẫu trong bộ của hồ sơ (bộ 2025: 05 thông báo dừng, 06 "
                      "phiếu kiểm soát; bộ 2018: 05 phiếu kiểm soát)."))
    receipt.add_argument("code", metavar="MÃ_HỒ_SƠ", help=_("mã hồ sơ"))
    receipt.add_argument("--out", required=True, metavar="TỆP.pdf", help=_("tệp PDF cần tạo"))
    which = receipt.add_mutually_exclusive_group()
    which.add_argument("--kind", choices=PAPER_KINDS, help=_("loại phiếu (mặc định receipt)"))
    which.add_argument("--form", metavar="SỐ", help=_("số mẫu trong bộ biểu mẫu của hồ sơ, ví dụ 01, 05"))
    receipt.set_defaults(handler=_cmd_receipt)

    attach = commands.add_parser(
        "attach", parents=[common], help=_("đính kèm bản quét (PDF, JPEG, PNG) vào thành phần hồ sơ hoặc kết quả"),
        description=_("Số hóa hồ sơ: tệp được lưu một lần theo mã băm SHA-256 trong thư mục «<tên>-tep-dinh-kem» bên "
                      "cạnh tệp cơ sở dữ liệu (trên máy chủ PostgreSQL: ngay trong cơ sở dữ liệu), được sao lưu cùng "
                      "và được «cchc check» kiểm tra. Một thành phần có tệp "
                      "là đã số hóa; hồ sơ đã số hóa khi mọi thành phần đều có tệp; kết quả đã số hóa khi có tệp kết "
                      "quả."),
        epilog=_("Ví dụ:\n"
                 "  cchc attach UBND-241015-0001 --list\n"
                 "  cchc attach UBND-241015-0001 to-khai.pdf --document 1\n"
                 "  cchc attach UBND-241015-0001 giay-khai-sinh.pdf --result"),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    attach.add_argument("code", metavar="MÃ_HỒ_SƠ", help=_("mã hồ sơ"))
    attach.add_argument("file", nargs="?", metavar="TỆP", help=_("tệp PDF, JPEG hoặc PNG cần đính kèm"))
    target = attach.add_mutually_exclusive_group()
    target.add_argument("--document", type=int, metavar="SỐ",
                        help=_("thành phần hồ sơ số mấy (đếm từ 1, theo thứ tự trong --list)"))
    target.add_argument("--result", action="store_true", help=_("tệp là kết quả giải quyết"))
    target.add_argument("--list", action="store_true", help=_("liệt kê thành phần hồ sơ và các tệp đã đính kèm"))
    attach.set_defaults(handler=_cmd_attach)

    ledger = commands.add_parser(
        "ledger", parents=[common], help=_("in Sổ theo dõi hồ sơ ra PDF"),
        description=_("Sổ theo dõi các hồ sơ tiếp nhận trong khoảng ngày đã cho: theo Thông tư 03/2025 (Mẫu 07) mỗi "
                      "lĩnh vực một quyển; kỳ bắt đầu trước 01/7/2025 theo Mẫu 06 của Thông tư 01/2018."))
    ledger.add_argument("--from", dest="first", required=True, metavar="dd/mm/yyyy", help=_("từ ngày"))
    ledger.add_argument("--to", dest="last", required=True, metavar="dd/mm/yyyy", help=_("đến ngày"))
    ledger.add_argument("--field", action="append", default=[], metavar="LĨNH_VỰC",
                        help=_("chỉ in sổ của lĩnh vực này, ví dụ \"Hộ tịch\" (lặp lại được cho một nhóm lĩnh vực)"))
    ledger.add_argument("--out", required=True, metavar="TỆP.pdf", help=_("tệp PDF cần tạo"))
    ledger.set_defaults(handler=_cmd_ledger)

    summary = commands.add_parser(
        "dashboard", parents=[common], help=_("in tóm tắt một trang các chỉ tiêu của kỳ (trang Tổng quan) ra PDF"),
        description=_("Tóm tắt cho lãnh đạo: các chỉ tiêu chính với cơ sở tính và so với kỳ trước, hồ sơ và mức độ "
                      "hài lòng theo tháng, tiến độ kế hoạch CCHC, tiêu chí thấp điểm nhất, kiểm tra kỷ luật; chỉ số "
                      "liệu tổng hợp."),
        epilog=_("Ví dụ:\n  cchc dashboard --period 2024 --out tomtat-2024.pdf"),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    summary.add_argument("--period", required=True, type=_period, metavar="KỲ",
                         help=_("kỳ: 2024, 2024-H1, 2024-9M, 2024-Q2, 2024-05"))
    summary.add_argument("--out", required=True, metavar="TỆP.pdf", help=_("tệp PDF cần tạo"))
    summary.set_defaults(handler=_cmd_dashboard)

    score = commands.add_parser(
        "score", parents=[common], help=_("chỉ số 766 tự đánh giá của xã cho một kỳ và việc nên làm để tăng điểm"),
        description=_("Tính điểm Bộ chỉ số 766 (Quyết định 766/QĐ-TTg) từ sổ hồ sơ, phiếu khảo sát và danh mục: "
                      "từng nhóm và chỉ tiêu tính được, tổng điểm, so với kỳ trước, và danh sách việc làm tăng điểm "
                      "nhiều nhất. Chỉ tiêu không tính được từ sổ của xã ghi «—». Mọi tài khoản đều xem được; chỉ "
                      "đọc, không ghi gì."),
        epilog=_("Ví dụ:\n  cchc score --period 2025\n  cchc score --period 2025-Q4 --format json > chiso766.json"))
    score.add_argument("--period", required=True, type=_period, metavar="KỲ",
                       help=_("kỳ: 2025, 2025-H1, 2025-9M, 2025-Q2, 2025-05 hoặc 2025-01-01:2025-06-30"))
    score.add_argument("--format", choices=["text", "json"], default="text", dest="fmt",
                       help=_("text: bảng tiếng Việt (mặc định); json: cấu trúc cchc-score-766/1"))
    score.set_defaults(handler=_cmd_score)

    turn_away = commands.add_parser(
        "turn-away", parents=[common], help=_("ghi một hồ sơ không tiếp nhận tại quầy và in Mẫu 02 hoặc Mẫu 03"),
        description=_("Hồ sơ chưa đầy đủ: in Phiếu yêu cầu bổ sung, hoàn thiện (Mẫu 02); hồ sơ không thuộc "
                      "thẩm quyền hoặc không được phép: in Phiếu từ chối tiếp nhận (Mẫu 03). Được ghi sổ, "
                      "không tính vào số hồ sơ tiếp nhận."),
        epilog=_("Ví dụ:\n"
                 "  cchc turn-away --kind incomplete --procedure 1.001193 --applicant \"Nguyễn Văn An\" \\\n"
                 "      --reason \"Thiếu giấy chứng sinh\" --out mau02.pdf"))
    turn_away.add_argument("--kind", required=True, choices=["incomplete", "not_accepted"],
                           help=_("incomplete (chưa đầy đủ, Mẫu 02) hoặc not_accepted (từ chối, Mẫu 03)"))
    turn_away.add_argument("--applicant", required=True, metavar="HỌ_TÊN", help=_("họ tên người nộp"))
    turn_away.add_argument("--procedure", default="", metavar="MÃ", help=_("mã thủ tục"))
    turn_away.add_argument("--reason", action="append", default=[], metavar="NỘI_DUNG",
                           help=_("một nội dung cần bổ sung hoặc một lý do; lặp lại cho nhiều dòng"))
    turn_away.add_argument("--out", metavar="TỆP.pdf", help=_("tệp PDF của phiếu cần tạo"))
    turn_away.set_defaults(handler=_cmd_turn_away)

    fee = commands.add_parser(
        "fee", parents=[common], help=_("ghi phí, lệ phí đã thu của một hồ sơ (hoặc miễn, giảm)"),
        description=_("Ghi số tiền phí, lệ phí đã thu của hồ sơ, số biên lai và cách nộp (tại Bộ phận Một cửa, trực "
                      "tuyến), hoặc hồ sơ được miễn, giảm kèm lý do; --clear bỏ thông tin đã ghi. Việc ghi được lưu "
                      "vào quá trình xử lý hồ sơ và nhật ký thay đổi."),
        epilog=_("Ví dụ:\n"
                 "  cchc fee 000.21.31.H56-250603-0007 --method desk --amount 50.000 --receipt 0001234\n"
                 "  cchc fee 000.21.31.H56-250603-0008 --method exempt --reason \"Hộ nghèo\"\n"
                 "  cchc fee 000.21.31.H56-250603-0008 --clear"))
    fee.add_argument("code", metavar="MÃ_HỒ_SƠ", help=_("mã hồ sơ"))
    fee_method = fee.add_mutually_exclusive_group(required=True)
    fee_method.add_argument("--method", choices=["desk", "online", "exempt"],
                            help=_("desk (nộp tại Bộ phận Một cửa), online (thanh toán trực tuyến) hoặc exempt (miễn, "
                                   "giảm)"))
    fee_method.add_argument("--clear", action="store_true", help=_("bỏ thông tin phí, lệ phí đã ghi của hồ sơ"))
    fee.add_argument("--amount", default="", metavar="SỐ_TIỀN",
                     help=_("số tiền đã thu (đồng), ví dụ 50.000; miễn, giảm: bỏ trống hoặc phần đã thu"))
    fee.add_argument("--receipt", default="", metavar="SỐ", help=_("số biên lai thu phí, lệ phí"))
    fee.add_argument("--reason", default="", metavar="LÝ_DO", help=_("lý do miễn, giảm (bắt buộc với exempt)"))
    fee.set_defaults(handler=_cmd_fee)

    fee_totals = commands.add_parser(
        "fees", parents=[common], help=_("tổng hợp phí, lệ phí đã thu của một kỳ theo lĩnh vực"),
        description=_("Các hồ sơ tiếp nhận trong kỳ có ghi phí, lệ phí: theo lĩnh vực, số hồ sơ đã thu, số tiền, số "
                      "hồ sơ miễn, giảm; tỷ lệ thanh toán trực tuyến (hồ sơ thanh toán trực tuyến trên số hồ sơ đã "
                      "nộp phí, lệ phí). Chỉ số liệu tổng hợp."),
        epilog=_("Kỳ: 2024, 2024-H1, 2024-H2, 2024-Q1 … 2024-Q4, 2024-9M, 2024-05 hoặc 2024-01-01:2024-06-30.\n"
                 "Ví dụ:\n  cchc fees --period 2025-Q3\n  cchc fees --period 2025 --format json"))
    fee_totals.add_argument("--period", required=True, type=_period, metavar="KỲ", help=_("kỳ"))
    fee_totals.add_argument("--format", choices=["text", "json"], default="text", dest="fmt",
                            help=_("text (bảng, mặc định) hoặc json"))
    fee_totals.set_defaults(handler=_cmd_fees)

    import_ = commands.add_parser(
        "import", parents=[common],
        help=_("nhập hồ sơ, danh mục thủ tục, phiếu khảo sát, cuộc kiểm tra hoặc nhiệm vụ kế hoạch CCHC từ tệp CSV "
               "hoặc Excel (.xlsx)"),
        description=_(
            "Nhập từ tệp CSV (UTF-8, phân cách bằng dấu phẩy hoặc chấm phẩy) hoặc trang đầu của tệp .xlsx; "
            "dòng tiêu đề ghi tên cột tiếng Việt hoặc mã cột (không phân biệt hoa thường, dấu).\n"
            "Mặc định: nếu có dòng sai thì không ghi dòng nào và liệt kê mọi dòng sai (dòng, cột, lý do)."),
        epilog=_(
            "Ví dụ:\n"
            "  cchc import dossiers hoso.csv\n"
            "  cchc import dossiers hoso.xlsx --skip-invalid --rejects loi.csv\n"
            "  cchc import procedures thutuc.xlsx\n"
            "  cchc import tasks kehoach2024.xlsx --year 2024\n"
            "  cchc import surveys phieukhaosat.xlsx\n"
            "  cchc import inspections kiemtra.csv --skip-invalid --rejects loi.csv\n"
            "  cchc import dossiers xuat-tu-tinh.xlsx --mapping \"Hệ thống một cửa tỉnh\""))
    import_.add_argument("kind", choices=["dossiers", "procedures", "tasks", "surveys", "inspections"], metavar="LOẠI",
                         help=_("dossiers (hồ sơ), procedures (danh mục thủ tục hành chính), tasks (nhiệm vụ kế "
                                "hoạch CCHC), surveys (phiếu khảo sát hài lòng) hoặc inspections (kiểm tra kỷ luật, "
                                "kỷ cương)"))
    import_.add_argument("file", metavar="TỆP", help=_("tệp .csv hoặc .xlsx cần nhập"))
    import_.add_argument("--skip-invalid", action="store_true",
                         help=_("vẫn nhập các dòng đúng, bỏ qua các dòng sai (cần --rejects)"))
    import_.add_argument("--rejects", metavar="TỆP",
                         help=_("ghi các dòng sai kèm cột «Lý do» vào tệp này (.csv hoặc .xlsx)"))
    import_.add_argument("--update", action="store_true",
                         help=_("hồ sơ đã có (cùng mã) mà dữ liệu khác thì cập nhật thay vì báo lỗi"))
    import_.add_argument("--mapping", metavar="TÊN",
                         help=_("đọc các cột theo cách ghép cột đã lưu với tên này (tệp xuất từ hệ thống khác, "
                                "tiêu đề cột khác; lưu trong cửa sổ Tệp › Nhập dữ liệu…)"))
    import_.add_argument("--year", type=int, metavar="NĂM",
                         help=_("tasks: năm của kế hoạch (mặc định: năm ghi ở cột «Thời hạn»)"))
    import_.set_defaults(handler=_cmd_import)

    plan = commands.add_parser("plan", parents=[common], help=_("kế hoạch CCHC năm: sao chép, xem nhiệm vụ"),
                               description=_("Kế hoạch cải cách hành chính năm và các nhiệm vụ của nó."))
    actions = plan.add_subparsers(dest="action", metavar=_("VIỆC"), title=_("các việc"), parser_class=_Parser)
    actions.required = True
    copy = actions.add_parser(
        "copy", parents=[common], help=_("lấy nhiệm vụ của kế hoạch một năm làm khởi đầu cho năm khác"),
        description=_("Sao chép nhiệm vụ (trừ nhiệm vụ «Không thực hiện») sang kế hoạch chưa có nhiệm vụ: tình trạng "
                      "«Chưa thực hiện», không có ngày hoàn thành, văn bản/kết quả, ghi chú; thời hạn dời sang cùng "
                      "ngày của năm mới (29/02 thành 28/02)."),
        epilog=_("Ví dụ:\n  cchc plan copy --from 2024 --to 2025"))
    copy.add_argument("--from", dest="from_year", type=int, required=True, metavar="NĂM",
                      help=_("năm của kế hoạch được sao chép"))
    copy.add_argument("--to", dest="to_year", type=int, required=True, metavar="NĂM", help=_("năm của kế hoạch mới"))
    copy.set_defaults(handler=_cmd_plan_copy)
    show = actions.add_parser("show", parents=[common], help=_("in các nhiệm vụ của kế hoạch một năm"),
                              description=_("In các nhiệm vụ theo lĩnh vực CCHC và số thứ tự."))
    show.add_argument("--year", type=int, required=True, metavar="NĂM", help=_("năm của kế hoạch"))
    show.set_defaults(handler=_cmd_plan_show)

    record = commands.add_parser(
        "inspection-record", parents=[common], help=_("in biên bản kiểm tra kỷ luật, kỷ cương hành chính ra PDF"),
        description=_("Tạo PDF biên bản kiểm tra của một cuộc kiểm tra đã ghi (số của cuộc kiểm tra: xem trang "
                      "Kiểm tra kỷ luật, kỷ cương)."),
        epilog=_("Ví dụ:\n  cchc inspection-record 12 --out bienban12.pdf"))
    record.add_argument("id", type=int, metavar="SỐ", help=_("số của cuộc kiểm tra"))
    record.add_argument("--out", required=True, metavar="TỆP.pdf", help=_("tệp PDF cần tạo"))
    record.set_defaults(handler=_cmd_inspection_record)

    kiosk_pin = commands.add_parser(
        "kiosk-pin", parents=[common], help=_("đặt mã PIN của cán bộ để thoát chế độ kiosk"),
        description=_("Mã PIN (4–8 chữ số) được hỏi khi gõ trên bàn phím, hoặc đọc từ dòng đầu của đầu vào "
                      "chuẩn; chỉ lưu dạng băm, không lưu các chữ số."))
    kiosk_pin.set_defaults(handler=_cmd_kiosk_pin)

    user = commands.add_parser(
        "user", parents=[common], help=_("tài khoản cán bộ: liệt kê, thêm, đặt lại mật khẩu, khóa, mở"),
        description=_("Quản lý tài khoản (cần quyền quản trị). Mật khẩu được hỏi khi gõ trên bàn phím, hoặc "
                      "đọc từ dòng đầu của đầu vào chuẩn; không bao giờ in ra hay ghi nhật ký."),
        epilog=_("Ví dụ:\n"
                 "  cchc user add motcua --name \"Nguyễn Thị Hương\" --role desk\n"
                 "  cchc user reset-password motcua\n"
                 "  cchc user single-user on     # một máy, một người: không hỏi đăng nhập"))
    user.add_argument("action", choices=["list", "add", "reset-password", "disable", "enable", "single-user",
                                         "recover-admin"],
                      metavar="VIỆC", help=_("list | add | reset-password | disable | enable | single-user | "
                                            "recover-admin (quên mật khẩu quản trị: chạy trên máy, bằng tài khoản "
                                            "máy sở hữu tệp dữ liệu, không cần --user; được ghi vào nhật ký)"))
    user.add_argument("username", nargs="?", metavar="TÊN", help=_("tên đăng nhập (single-user: on hoặc off)"))
    user.add_argument("--name", metavar="HỌ_TÊN", help=_("họ và tên (khi thêm)"))
    user.add_argument("--role", choices=["desk", "officer", "chair", "admin"], default="desk",
                      help=_("vai trò: desk (một cửa), officer (CCHC), chair (lãnh đạo), admin (quản trị)"))
    user.add_argument("--title", default="", metavar="CHỨC_VỤ", help=_("chức vụ"))
    user.set_defaults(handler=_cmd_user)

    audit_log = commands.add_parser(
        "audit", parents=[common], help=_("xem nhật ký thay đổi (ai, khi nào, sửa gì)"),
        description=_("Các mục nhật ký mới nhất trước; `cchc check` kiểm tra chuỗi mã băm của nhật ký."))
    audit_log.add_argument("--record", default="", metavar="MÃ", help=_("mã hồ sơ hoặc số bản ghi"))
    audit_log.add_argument("--kind", default="", metavar="BẢNG", help=_("loại bản ghi, ví dụ dossier, plan_task"))
    audit_log.add_argument("--actor", default="", metavar="TÊN", help=_("người thực hiện (một phần tên)"))
    audit_log.add_argument("--from", dest="first", metavar="dd/mm/yyyy", help=_("từ ngày"))
    audit_log.add_argument("--to", dest="last", metavar="dd/mm/yyyy", help=_("đến ngày"))
    audit_log.add_argument("--limit", type=int, default=50, metavar="SỐ", help=_("số mục tối đa (mặc định 50)"))
    audit_log.set_defaults(handler=_cmd_audit)

    backup = commands.add_parser(
        "backup", parents=[common], help=_("sao lưu cơ sở dữ liệu ngay (bản sao nhất quán, chương trình vẫn chạy)"),
        description=_("Sao lưu vào thư mục đã chọn (mặc định: thư mục backups cạnh tệp dữ liệu)."))
    backup.add_argument("--to", metavar="THƯ_MỤC", help=_("sao lưu vào thư mục này thay vì thư mục đã chọn"))
    backup.set_defaults(handler=_cmd_backup)
    move = commands.add_parser(
        "move", parents=[common], help=_("chuyển toàn bộ dữ liệu của tệp sang cơ sở dữ liệu trên máy chủ PostgreSQL"),
        description=_("Sao chép mọi bảng của tệp (--db) vào một cơ sở dữ liệu PostgreSQL trống, đã nâng cấp bằng "
                      "«cchc migrate --as-owner», trong một giao dịch: xong hết hoặc không thay đổi gì. Chạy bằng "
                      "tài khoản chủ sở hữu của máy chủ; tệp không bị thay đổi."))
    move.add_argument("--to", required=True, metavar="POSTGRESQL_URL",
                      help=_("cơ sở dữ liệu đích, ví dụ postgresql://cchc_chu@may-chu/cchc (không ghi mật khẩu)"))
    move.set_defaults(handler=_cmd_move)
    restore = commands.add_parser(
        "restore", parents=[common], help=_("khôi phục cơ sở dữ liệu từ một bản sao lưu"),
        description=_("Bản sao lưu được kiểm tra trước; cơ sở dữ liệu hiện tại được sao lưu trước khi thay."))
    restore.add_argument("file", metavar="TỆP", help=_("bản sao lưu (.sqlite3)"))
    restore.add_argument("--accept-broken-chain", action="store_true",
                         help=_("vẫn khôi phục khi nhật ký thay đổi của bản sao bị sửa ngoài chương trình (chuỗi "
                                "mã băm đứt); việc chấp nhận được ghi vào nhật ký"))
    restore.set_defaults(handler=_cmd_restore)

    export = commands.add_parser(
        "export", parents=[common], help=_("xuất hồ sơ ra tệp CSV hoặc Excel (.xlsx)"),
        description=_("Xuất hồ sơ với đúng các cột của tệp nhập (tiêu đề tiếng Việt), nhập lại được ngay. "
                      "CSV ghi theo UTF-8 có BOM; ô bắt đầu bằng = + - @ được thêm dấu ' để Excel không chạy "
                      "như công thức."),
        epilog=_("Kỳ: 2024, 2024-H1, 2024-H2, 2024-Q1 … 2024-Q4, 2024-9M, 2024-05 hoặc 2024-01-01:2024-06-30."))
    export.add_argument("kind", choices=["dossiers"], metavar="LOẠI", help=_("dossiers (hồ sơ)"))
    export.add_argument("file", metavar="TỆP", help=_("tệp .csv hoặc .xlsx cần tạo"))
    export.add_argument("--reason", metavar="LÝ_DO",
                        help=_("lý do xuất (bắt buộc: tệp có họ tên, số giấy tờ, điện thoại; được ghi vào nhật ký)"))
    export.add_argument("--period", type=_period, metavar="KỲ",
                        help=_("chỉ các hồ sơ tiếp nhận trong kỳ (mặc định: tất cả)"))
    export.set_defaults(handler=_cmd_export)

    consolidate = commands.add_parser(
        "consolidate", parents=[common], help=_("tổng hợp báo cáo JSON của các đơn vị cấp xã cho cấp trên"),
        description=_("Cộng số liệu các báo cáo JSON (cchc-report/1) cùng kỳ, cùng ngày chốt của các đơn vị: tỷ lệ "
                      "được tính lại từ các số thành phần, không lấy trung bình; kèm bảng các đơn vị × chỉ tiêu "
                      "chính. Có tệp sai, khác kỳ hoặc trùng đơn vị thì không ghi gì."),
        epilog=_("Ví dụ:\n"
                 "  cchc consolidate hoanghop.json hoangdao.json --out tonghop.xlsx \\\n"
                 "      --unit-name \"UBND tỉnh Thanh Hóa\" --signer \"Lê Văn Minh\""))
    consolidate.add_argument("files", nargs="+", metavar="BÁO_CÁO.json", help=_("các tệp báo cáo JSON"))
    consolidate.add_argument("--out", required=True, metavar="TỆP",
                             help=_("tệp cần tạo: .json, .xlsx, .pdf hoặc .docx"))
    consolidate.add_argument("--unit-name", default="", metavar="TÊN",
                             help=_("đơn vị tổng hợp (mặc định: cơ quan cấp trên ghi trong các tệp)"))
    consolidate.add_argument("--unit-code", default="", metavar="MÃ", help=_("mã định danh của đơn vị tổng hợp"))
    consolidate.add_argument("--parent", default="", metavar="TÊN", help=_("cơ quan nhận báo cáo tổng hợp"))
    consolidate.add_argument("--place", default="", metavar="ĐỊA DANH", help=_("địa danh ghi ở dòng ngày tháng"))
    consolidate.add_argument("--signer", default="", metavar="HỌ TÊN", help=_("họ tên người ký"))
    consolidate.add_argument("--signer-title", default="", metavar="CHỨC DANH", help=_("chức danh người ký"))
    consolidate.add_argument("--date", default="", metavar="dd/mm/yyyy", help=_("ngày ký báo cáo (mặc định hôm nay)"))
    consolidate.set_defaults(handler=_cmd_consolidate)

    report = commands.add_parser(
        "report", parents=[common], help=_("xuất báo cáo định kỳ công tác CCHC ra PDF, Word, Excel hoặc JSON"),
        description=_("Lập báo cáo kết quả thực hiện công tác cải cách hành chính của kỳ: phụ lục thống kê tính từ "
                      "dữ liệu (và các dòng đã nhập tay), phần nội dung viết sẵn từ số liệu (hoặc như đã sửa). Báo cáo "
                      "đã xuất được lưu lại; xuất lại đúng nội dung đó không tạo phiên bản mới."),
        epilog=_("Kỳ: 2024, 2024-H1, 2024-H2, 2024-Q1 … 2024-Q4, 2024-9M, 2024-05 (theo ngày chốt số liệu hằng tháng "
                 "của đơn vị, nếu có) hoặc 2024-01-01:2024-06-30.\n"
                 "Ví dụ:\n"
                 "  cchc report --period 2024-H1 --format pdf --out baocao.pdf --cutoff 2024-06-04 \\\n"
                 "      --number 45/BC-UBND"))
    report.add_argument("--period", required=True, metavar="KỲ", help=_("kỳ báo cáo"))
    report.add_argument("--format", required=True, choices=["pdf", "xlsx", "docx", "json"], dest="fmt",
                        help=_("định dạng tệp: pdf, xlsx, docx hoặc json"))
    report.add_argument("--out", required=True, metavar="TỆP", help=_("tệp cần tạo"))
    report.add_argument("--cutoff", metavar="NGÀY", help=_("ngày chốt số liệu (mặc định: hôm nay, hoặc ngày cuối kỳ)"))
    report.add_argument("--date", metavar="NGÀY", help=_("ngày ban hành báo cáo (mặc định: hôm nay)"))
    report.add_argument("--number", default="", metavar="SỐ", help=_("số báo cáo, ví dụ 45/BC-UBND"))
    report.add_argument("--draft", action="store_true",
                        help=_("xuất bản nháp dù còn chỗ chưa hoàn chỉnh: mỗi trang có dấu «DỰ THẢO», không lưu phiên "
                               "bản (không dùng cho json)"))
    report.set_defaults(handler=_cmd_report)

    report_value = commands.add_parser(
        "report-value", parents=[common], help=_("nhập tay số liệu một dòng của phụ lục báo cáo cho một kỳ"),
        description=_("Ghi số liệu của một dòng nhập tay (M) trong phụ lục thống kê, ví dụ biên chế, văn bản QPPL; "
                      "giá trị rỗng thì xóa số đã nhập. Số ghi theo kiểu Việt Nam: 1.648; 3,5; tỷ lệ 99,2."),
        epilog=_("Ví dụ:\n  cchc report-value --period 2024-H1 --row 4.1.1 --value 17"))
    report_value.add_argument("--period", required=True, metavar="KỲ", help=_("kỳ báo cáo"))
    report_value.add_argument("--row", required=True, metavar="DÒNG", help=_("số thứ tự của dòng, ví dụ 4.1.1"))
    report_value.add_argument("--value", required=True, metavar="SỐ", help=_("giá trị (rỗng: xóa)"))
    report_value.set_defaults(handler=_cmd_report_value)

    template = commands.add_parser(
        "template", parents=[common], help=_("mẫu phụ lục thống kê của báo cáo: cài mẫu của tỉnh, xem, xuất ra tệp"),
        description=_("Mẫu phụ lục liệt kê các dòng của phụ lục thống kê (số thứ tự, chỉ tiêu, đơn vị tính, tính từ "
                      "dữ liệu hay nhập tay, cách tổng hợp lên cấp trên). Mặc định là Phụ lục 01b; tỉnh có mẫu "
                      "riêng thì cài bằng tệp .json, không cần sửa chương trình."))
    template_actions = template.add_subparsers(dest="action", metavar=_("VIỆC"), title=_("các việc"),
                                               parser_class=_Parser)
    template_actions.required = True
    install = template_actions.add_parser(
        "install", parents=[common], help=_("cài mẫu phụ lục từ tệp .json (hoặc trở về mẫu mặc định)"),
        description=_("Tệp được kiểm tra toàn bộ trước; có lỗi thì liệt kê mọi lỗi và không cài gì. Mẫu mới dùng "
                      "cho các báo cáo lập từ nay; báo cáo đã xuất giữ mẫu đã dùng."),
        epilog=_("Ví dụ:\n  cchc template export mau.json      # lấy mẫu đang dùng làm gốc để sửa\n"
                 "  cchc template install mau-thanh-hoa.json\n  cchc template install --default"))
    which_template = install.add_mutually_exclusive_group(required=True)
    which_template.add_argument("file", nargs="?", metavar="TỆP", help=_("tệp mẫu phụ lục (.json)"))
    which_template.add_argument("--default", action="store_true", help=_("trở về mẫu mặc định (Phụ lục 01b)"))
    install.set_defaults(handler=_cmd_template_install)
    show_template = template_actions.add_parser("show", parents=[common], help=_("in mẫu phụ lục đang dùng"),
                                                description=_("Tên, mã băm và các dòng của mẫu phụ lục đang dùng."))
    show_template.set_defaults(handler=_cmd_template_show)
    export_template = template_actions.add_parser(
        "export", parents=[common], help=_("ghi mẫu phụ lục đang dùng ra tệp .json (làm gốc cho mẫu của tỉnh)"),
        description=_("Ghi mẫu đang dùng ra tệp .json, mỗi dòng của phụ lục một dòng của tệp."))
    export_template.add_argument("file", metavar="TỆP", help=_("tệp .json cần tạo"))
    export_template.set_defaults(handler=_cmd_template_export)
    return parser


PAPER_KINDS = ["receipt", "supplement", "refusal", "apology", "stop", "control"]  # domain.papers.PaperKind
PROBLEMS_SHOWN = 50  # bad rows printed by ``cchc import``; the rejects file has them all


def _period(text: str) -> Period:
    """argparse ``type``: a period of DESIGN.md §3 (a bad one is a usage error, in Vietnamese)."""
    from cchc_desktop.domain.periods import PeriodError, parse_period

    try:
        return parse_period(text)
    except PeriodError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _print_problems(problems: Sequence[RowProblem], rejects: str | None) -> None:
    """The problems by cause (``tables.summarise``), at most ``PROBLEMS_SHOWN`` lines; the rejects file has each."""
    from cchc_desktop.services.tables import summarise

    lines = summarise(problems)
    for line in lines[:PROBLEMS_SHOWN]:
        print(line, file=sys.stderr)
    if len(lines) > PROBLEMS_SHOWN:
        more = len(lines) - PROBLEMS_SHOWN
        where = _("xem tệp {path}").format(path=rejects) if rejects else _("dùng --rejects TỆP để có đủ danh sách")
        print(_("… và {n} nhóm lỗi khác ({where}).").format(n=more, where=where), file=sys.stderr)


def _cmd_import(args: argparse.Namespace, db_path: Path) -> int:
    from cchc_desktop.domain.mappings import ImportKind
    from cchc_desktop.services.import_runs import ImportOptions, result_message
    from cchc_desktop.services.imports import ImportRejected

    if args.skip_invalid and not args.rejects:
        print(_("Lỗi: --skip-invalid cần --rejects TỆP (nơi ghi các dòng bị bỏ qua)."), file=sys.stderr)
        return EXIT_USAGE
    if args.year is not None and args.kind != "tasks":
        print(_("Lỗi: --year chỉ dùng khi nhập tasks."), file=sys.stderr)
        return EXIT_USAGE
    source = Path(args.file)
    if not source.is_file():
        raise CchcError(_("Không tìm thấy tệp «{path}».").format(path=source))
    rejects = Path(args.rejects) if args.rejects else None
    kind = ImportKind(args.kind)
    with _open(db_path) as office:
        mapping = office.mappings.named(kind, args.mapping).headers if args.mapping else None
        options = ImportOptions(skip_invalid=args.skip_invalid, update=args.update, rejects=rejects, year=args.year,
                                mapping=mapping)
        try:
            with TerminalLine(sys.stderr) as progress:
                result = office.import_runner.run(kind, source, options, progress)
        except ImportRejected as exc:
            _print_problems(exc.problems, args.rejects)
            print(_("Không ghi dữ liệu nào: có {n} dòng lỗi.").format(n=exc.bad_rows), file=sys.stderr)
            if rejects is not None:
                print(_("Các dòng lỗi đã ghi vào {path} (cột «Lý do»).").format(path=rejects), file=sys.stderr)
            print(_("Hãy sửa các dòng trên rồi nhập lại, hoặc dùng --skip-invalid --rejects TỆP để chỉ nhập các "
                    "dòng đúng."), file=sys.stderr)
            return EXIT_USER_ERROR
    if result.problems:
        _print_problems(result.problems, args.rejects)
    _out(result_message(kind, result))
    if result.rejected:
        _out(_("Bỏ qua {n} dòng lỗi, đã ghi vào {path}.").format(n=result.rejected, path=rejects))
    return EXIT_OK


def _cmd_plan_copy(args: argparse.Namespace, db_path: Path) -> int:
    with _open(db_path) as office:
        copied = office.plans.copy_plan(from_year=args.from_year, to_year=args.to_year)
    _out(_("Đã sao chép {n} nhiệm vụ của kế hoạch năm {source} sang kế hoạch năm {target}.").format(
        n=len(copied.tasks), source=copied.from_year, target=copied.to_year))
    if copied.skipped:
        _out(_("Bỏ qua {n} nhiệm vụ «Không thực hiện».").format(n=copied.skipped))
    if copied.plan_created:
        _out(_("Đã tạo kế hoạch năm {year}: hãy ghi số, ngày quyết định ban hành.").format(year=copied.to_year))
    return EXIT_OK


def _cmd_plan_show(args: argparse.Namespace, db_path: Path) -> int:
    from cchc_desktop.domain.plans import ReformArea, TaskSource, TaskStatus
    from cchc_desktop.errors import NotFoundError
    from cchc_desktop.formatting import short_date

    with _open(db_path) as office:
        service = office.plans
        plan, tasks = service.plan(args.year), service.tasks(args.year)
    if plan is None:
        raise NotFoundError(_("Chưa có kế hoạch CCHC năm {year}.").format(year=args.year))
    heading = plan.title
    if plan.decision_number and plan.decision_date:
        heading += " — " + _("Quyết định số {number} ngày {day}").format(
            number=plan.decision_number, day=short_date(plan.decision_date))
    _out(heading)
    counts = ", ".join(f"{sum(task.status is status for task in tasks)} {status.label.lower()}"
                       for status in TaskStatus)
    _out(_("{n} nhiệm vụ: {counts}.").format(n=len(tasks), counts=counts))
    widths = (6, 10, 15, 15, 24)
    header = (_("Số TT"), _("Thời hạn"), _("Tình trạng"), _("Ngày hoàn thành"), _("Chủ trì"), _("Nội dung nhiệm vụ"))
    for area in ReformArea:
        chosen = [task for task in tasks if task.area is area]
        if not chosen:
            continue
        _out("")
        _out(f"{int(area)}. {area.label}")
        _out("  " + " ".join(text.ljust(width) for text, width in zip(header, (*widths, 0), strict=True)))
        for task in chosen:
            lead = task.lead if len(task.lead) <= widths[4] else task.lead[:widths[4] - 1] + "…"
            title = task.title + (f" [{task.source.label}]" if task.source is TaskSource.HIGHER_LEVEL else "")
            cells = (task.number, short_date(task.deadline), task.status.label, short_date(task.completed_on), lead,
                     title)
            _out("  " + " ".join(text.ljust(width) for text, width in zip(cells, (*widths, 0), strict=True)))
    return EXIT_OK


def _cmd_inspection_record(args: argparse.Namespace, db_path: Path) -> int:
    with _open(db_path) as office:
        office.inspections.print_record(args.id, Path(args.out))
    _out(_("Đã tạo {path} (biên bản kiểm tra số {id}).").format(path=args.out, id=args.id))
    return EXIT_OK


def _cmd_export(args: argparse.Namespace, db_path: Path) -> int:
    with _open(db_path) as office:
        result = office.exports.export_dossiers(Path(args.file), period=args.period, reason=args.reason or "")
    if result.period is not None:
        _out(_("Đã xuất {n} hồ sơ ({period}) ra {path}.").format(n=result.rows, period=result.period.label,
                                                                 path=result.path))
    else:
        _out(_("Đã xuất {n} hồ sơ ra {path}.").format(n=result.rows, path=result.path))
    return EXIT_OK


def _cmd_consolidate(args: argparse.Namespace, db_path: Path) -> int:
    from cchc_desktop.office import consolidation
    from cchc_desktop.services.consolidation import check_target, saved_settings

    target = Path(args.out)
    check_target(target, [Path(file) for file in args.files])
    issued_on = _parse_day(args.date, "date") if args.date else None
    service = consolidation()
    result = service.consolidate(
        args.files, issued_on=issued_on, settings=saved_settings(db_path), name=args.unit_name, code=args.unit_code,
        parent=args.parent, place=args.place, signer_name=args.signer, signer_title=args.signer_title)
    service.export(result, target)
    for note in result.notes:
        print(_("Lưu ý: {note}").format(note=note), file=sys.stderr)
    document = result.document
    _out(_("Đã tổng hợp báo cáo {period} của {n} đơn vị vào {path} (đơn vị tổng hợp: {unit}).").format(
        period=document.period.label, n=len(document.communes), path=target, unit=document.unit.name))
    return EXIT_OK


def _cmd_report(args: argparse.Namespace, db_path: Path) -> int:
    from cchc_desktop.services.reports import ReportIncomplete

    cutoff = _parse_day(args.cutoff, "cutoff") if args.cutoff else None
    issued_on = _parse_day(args.date, "date") if args.date else None
    with _open(db_path) as office:
        service = office.reports
        document = service.draft(period=service.period(args.period), cutoff=cutoff, issued_on=issued_on,
                                 number=args.number)
        try:
            record = service.export(document, fmt=args.fmt, target=Path(args.out), draft=args.draft)
        except ValidationError as exc:
            if "issued_on" not in exc.errors:
                raise
            hint = _("Ví dụ: --date {today}").format(today=f"{service.today():%d/%m/%Y}")
            raise ValidationError({**exc.errors, "issued_on": f"{exc.errors['issued_on']} {hint}"}) from None
        except ReportIncomplete as exc:
            print(_("Lỗi: {heading}").format(heading=exc.heading), file=sys.stderr)
            for gap in exc.gaps:
                print(f"  - {gap.text}", file=sys.stderr)
            print(_("Hoàn thiện các chỗ trên rồi xuất lại, hoặc thêm --draft để xuất bản nháp (có dấu «DỰ THẢO» trên "
                    "mỗi trang, không lưu phiên bản)."), file=sys.stderr)
            return EXIT_USER_ERROR
    if record is None:
        _out(_("Đã tạo bản nháp {path}: báo cáo {period} (số liệu đến ngày {cutoff}), dấu «DỰ THẢO» trên mỗi trang; "
               "không lưu phiên bản.").format(path=args.out, period=document.period.label,
                                              cutoff=f"{document.cutoff:%d/%m/%Y}"))
        return EXIT_OK
    _out(_("Đã tạo {path}: báo cáo {period} (số liệu đến ngày {cutoff}), phiên bản {version}.").format(
        path=args.out, period=document.period.label, cutoff=f"{record.cutoff:%d/%m/%Y}", version=record.version))
    return EXIT_OK


def _cmd_report_value(args: argparse.Namespace, db_path: Path) -> int:
    from cchc_desktop.formatting import number

    with _open(db_path) as office:
        service = office.reports
        period = service.period(args.period)
        value = service.set_manual(period_key=period.key, indicator=args.row, text=args.value)
        row = service.templates.current().find(args.row)
    label = row.label if row else args.row
    if value is None:
        _out(_("Đã xóa số liệu dòng {row}, kỳ {period}.").format(row=label, period=period.label))
    else:
        _out(_("Đã ghi dòng {row}, kỳ {period}: {value}.").format(row=label, period=period.label,
                                                                  value=number(value)))
    return EXIT_OK


def _cmd_template_install(args: argparse.Namespace, db_path: Path) -> int:
    with _open(db_path) as office:
        service = office.templates
        installed = service.install_default() if args.default else service.install(Path(args.file))
    now = installed.now
    if not installed.changed:
        _out(_("Mẫu phụ lục đang dùng đã là {template}: không thay đổi gì.").format(template=now.description))
        return EXIT_OK
    _out(_("Đã cài mẫu phụ lục {template}: {rows} dòng, {typed} dòng nhập tay; dùng cho các báo cáo lập từ nay "
           "(báo cáo đã xuất giữ mẫu đã dùng). Mẫu trước: {before}.").format(
        template=now.description, rows=len(now.template.rows), typed=len(now.template.manual_keys),
        before=installed.before.description))
    return EXIT_OK


def _cmd_template_show(args: argparse.Namespace, db_path: Path) -> int:
    with _open(db_path) as office:
        in_use = office.templates.in_use()
    template = in_use.template
    _out(_("Mẫu phụ lục đang dùng: {template}.").format(template=in_use.description))
    _out(_("{rows} dòng: {computed} tính từ dữ liệu (C), {typed} nhập tay (M).").format(
        rows=len(template.rows), computed=len(template.computed_keys), typed=len(template.manual_keys)))
    for row in template.rows:
        figure = "" if row.heading else f"{row.key}\t{'C' if row.computed else 'M'}\t{row.rule.value}"
        _out(f"{row.number or '-'}\t{row.name}\t{row.unit}\t{figure}".rstrip("\t"))
    return EXIT_OK


def _cmd_template_export(args: argparse.Namespace, db_path: Path) -> int:
    with _open(db_path) as office:
        template = office.templates.export(Path(args.file))
    _out(_("Đã ghi mẫu phụ lục {template} vào {path}.").format(template=template.title, path=args.file))
    return EXIT_OK

def _cmd_receipt(args: argparse.Namespace, db_path: Path) -> int:
    from cchc_desktop.domain.papers import PaperKind

    with _open(db_path) as office:
        printing = office.printing
        code = args.code.strip().upper()
        kind = printing.kind_for_number(code, args.form) if args.form else PaperKind(args.kind or "receipt")
        printed = printing.print_paper(code, kind, Path(args.out))
    _out(_("Đã tạo {path} ({paper}, hồ sơ {code}, {set}).").format(
        path=args.out, paper=f"{printed.title} — {printed.kind.label}" if printed.form else printed.kind.label,
        code=printed.code, set=printed.form_set.label))
    return EXIT_OK


def _cmd_attach(args: argparse.Namespace, db_path: Path) -> int:
    from cchc_desktop import formatting

    if not args.list and (args.file is None or (args.document is None and not args.result)):
        raise CchcError(_("Cần tên tệp và nơi đính kèm: --document SỐ hoặc --result (hoặc --list để xem)."))
    with _open(db_path) as office:
        service = office.attachments
        if args.list:
            for number, document in enumerate(service.documents(args.code), start=1):
                _out(f"{number}. {document['name']}")
            for attachment, of, by in service.described(args.code):
                _out(_("  {of}: {name} ({size}, {at}{by})").format(
                    of=of, name=attachment.name, size=formatting.file_size(attachment.size),
                    at=formatting.date_time(attachment.added_at), by=f", {by}" if by else ""))
            return EXIT_OK
        attached = service.attach(args.code, Path(args.file), document=None if args.result else args.document)
    _out(_("Đã đính kèm {name} ({size}) vào {what} của hồ sơ {code}.").format(
        name=attached.name, size=formatting.file_size(attached.size), code=args.code.strip().upper(),
        what=_("kết quả") if attached.is_result else _("thành phần số {n}").format(n=args.document)))
    return EXIT_OK


def _missing_files(missing: tuple[str, ...]) -> None:
    from cchc_desktop.services.attachments import missing_note

    if missing:
        print(missing_note(missing), file=sys.stderr)


def _cmd_turn_away(args: argparse.Namespace, db_path: Path) -> int:
    from cchc_desktop.domain.dossiers import DeskRefusalKind
    from cchc_desktop.services.desk_refusals import TurnedAway

    filing = TurnedAway(kind=DeskRefusalKind(args.kind), applicant_name=args.applicant,
                        reasons=tuple(args.reason), procedure_code=args.procedure)
    with _open(db_path) as office:
        recorded = office.desk_refusals.record(filing, Path(args.out) if args.out else None)
    message = _("Đã ghi sổ hồ sơ không tiếp nhận số {id} (Mẫu {form}).").format(
        id=recorded.refusal.id, form=recorded.refusal.form)
    if args.out:
        message += " " + _("Phiếu: {path}.").format(path=args.out)
    _out(message)
    return EXIT_OK


def _cmd_fee(args: argparse.Namespace, db_path: Path) -> int:
    from cchc_desktop.domain.fees import FeeMethod, FeePayment, parse_amount, payment_text

    payment = None
    if args.clear:
        if args.amount or args.receipt or args.reason:
            raise ValidationError({"clear": _("--clear bỏ thông tin đã ghi: không ghi kèm --amount, --receipt, "
                                              "--reason.")})
    else:
        try:
            amount = parse_amount(args.amount) or 0
        except ValueError:
            raise ValidationError({"fee_amount": _("Số tiền «{text}» không hợp lệ: ghi số đồng, ví dụ 50.000.").format(
                text=args.amount)}) from None
        payment = FeePayment(method=FeeMethod(args.method), amount=amount, receipt=args.receipt or None,
                             exempt_reason=args.reason or None)
    with _open(db_path) as office:
        recorded = office.reception.record_fee(args.code, payment)
    if recorded.payment is None:
        _out(_("Đã bỏ thông tin phí, lệ phí của hồ sơ {code}.").format(code=recorded.code))
    else:
        _out(_("Đã ghi phí, lệ phí của hồ sơ {code}: {payment}.").format(
            code=recorded.code, payment=payment_text(recorded.payment)))
    if recorded.note:
        print(_("Lưu ý: {note}").format(note=recorded.note), file=sys.stderr)
    return EXIT_OK


def _cmd_fees(args: argparse.Namespace, db_path: Path) -> int:
    import json

    from cchc_desktop.domain.fees import FeeCounts
    from cchc_desktop.formatting import money, number, percent, short_date

    with _open(db_path) as office:
        totals = office.statistics.fees(period=args.period)
    total = totals.total
    if args.fmt == "json":
        def counts(row: FeeCounts) -> dict[str, object]:
            return {"recorded": row.recorded, "paid": row.paid, "amount": row.amount, "exempted": row.exempted,
                    "desk": row.desk, "online": row.online, "online_share": row.online_share}

        _out(json.dumps({
            "period": {"key": totals.period.key, "label": totals.period.label,
                       "from": totals.period.date_from.isoformat(), "to": totals.counted_to.isoformat()},
            "fields": [{"field": row.field, **counts(row)} for row in totals.fields],
            "total": counts(total),
        }, ensure_ascii=False, indent=2))
        return EXIT_OK
    _out(_("Phí, lệ phí của các hồ sơ tiếp nhận {period} ({first} – {last}):").format(
        period=totals.period.label, first=short_date(totals.period.date_from), last=short_date(totals.counted_to)))
    header = (_("Lĩnh vực"), _("Đã thu"), _("Số tiền"), _("Miễn, giảm"), _("Trực tuyến"))
    lines = [(row.field, number(row.paid), money(row.amount), number(row.exempted), percent(row.online_share))
             for row in totals.fields]
    lines.append((_("Tổng cộng"), number(total.paid), money(total.amount), number(total.exempted),
                  percent(total.online_share)))
    widths = [max(len(line[column]) for line in (header, *lines)) for column in range(len(header))]
    for line in (header, *lines):
        _out("  ".join(line[0].ljust(widths[0]) if column == 0 else text.rjust(widths[column])
                       for column, text in enumerate(line)).rstrip())
    _out(_("Tỷ lệ thanh toán trực tuyến: {share} ({online}/{base} hồ sơ đã nộp phí, lệ phí).").format(
        share=percent(total.online_share), online=number(total.online), base=number(total.payments)))
    return EXIT_OK


def _secret(prompt: str) -> str:
    """A password or PIN: asked without echo at a terminal, else the first line of standard input."""
    return getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline().rstrip("\r\n")


def _cmd_user(args: argparse.Namespace, db_path: Path) -> int:
    if args.action != "list" and not args.username:
        raise ValidationError({"username": _("Hãy ghi tên đăng nhập (hoặc on/off cho single-user).")})
    if args.action == "recover-admin":
        return _recover_admin(args.username, db_path)
    with _open(db_path) as office:
        service = office.accounts
        if args.action == "list":
            for account in service.accounts():
                state = _("đang dùng") if account.active else _("đã khóa")
                locked = _(", tạm khóa do sai mật khẩu") if service.is_locked(account.username) else ""
                _out(f"{account.username}\t{account.full_name}\t{account.role.label}\t{state}{locked}")
            _out(_("Yêu cầu đăng nhập: {answer}").format(answer=_("có") if service.login_required() else _("không")))
        elif args.action == "add":
            account = service.create(args.username, args.name or "", args.role, _secret(_("Mật khẩu: ")),
                                     title=args.title)
            _out(_("Đã thêm tài khoản {user} ({role}).").format(user=account.username, role=account.role.label))
        elif args.action == "reset-password":
            service.reset_password(args.username, _secret(_("Mật khẩu mới: ")))
            _out(_("Đã đặt lại mật khẩu của {user}.").format(user=args.username))
        elif args.action in ("disable", "enable"):
            service.update(args.username, active=args.action == "enable")
            _out(_("Đã {what} tài khoản {user}.").format(
                what=_("mở") if args.action == "enable" else _("khóa"), user=args.username))
        else:
            if args.username not in ("on", "off"):
                raise ValidationError({"username": _("single-user cần on hoặc off.")})
            service.set_single_user(args.username == "on")
            _out(_("Chế độ một người dùng: {state}.").format(state=_("bật") if args.username == "on" else _("tắt")))
    return EXIT_OK


def _recover_admin(username: str, db_path: Path) -> int:
    """No sign-in (the password is what was forgotten): the service checks the OS account owns the file."""
    from cchc_desktop.office import Office
    from cchc_desktop.services.database import open_database

    password = _secret(_("Mật khẩu mới của {user}: ").format(user=username))
    with Office(open_database(db_path), db_path) as office:
        account = office.accounts.recover_admin(username, password)
    _out(_("Đã đặt lại mật khẩu quản trị của {user}; việc này đã được ghi vào nhật ký thay đổi.").format(
        user=account.username))
    return EXIT_OK


def _cmd_audit(args: argparse.Namespace, db_path: Path) -> int:
    from cchc_desktop.domain.records import AuditAction
    from cchc_desktop.formatting import date_time
    from cchc_desktop.services.audit_trail import AuditFilter, record_label

    wanted = AuditFilter(
        kind=args.kind, record=args.record, actor=args.actor,
        first=_parse_day(args.first, "--from") if args.first else None,
        last=_parse_day(args.last, "--to") if args.last else None,
    )
    with _open(db_path) as office:
        entries = office.audit.page(wanted, limit=max(1, args.limit))
    for entry in entries:
        changes = "; ".join(f"{name}: {after!r}" if entry.action is AuditAction.INSERT else
                            f"{name}: {before!r} → {after!r}" for name, before, after in entry.changes)
        _out(f"{entry.id}\t{date_time(entry.at, seconds=True)}\t{entry.actor}\t{entry.action.label}\t"
             f"{record_label(entry)}\t{changes}")
    if not entries:
        _out(_("Không có mục nhật ký nào khớp."))
    return EXIT_OK


def _cmd_kiosk_pin(args: argparse.Namespace, db_path: Path) -> int:
    pin = _secret(_("Mã PIN mới: "))
    with _open(db_path) as office:
        office.kiosk.set_pin(pin)
    _out(_("Đã đặt mã PIN thoát kiosk."))
    return EXIT_OK


def _cmd_backup(args: argparse.Namespace, db_path: Path) -> int:
    # the right is the session's, and the copy is written into the audit trail under it
    if is_postgresql(str(db_path)):
        from cchc_desktop.services import database

        if not args.to:
            raise CchcError(_("Sao lưu cơ sở dữ liệu trên máy chủ cần thư mục đích: --to THƯ_MỤC."))
        with _open(db_path) as office:
            dumped = database.backup_server(office.db, str(db_path), Path(args.to), now=office.now())
        _out(_("Đã sao lưu vào {path} (pg_dump, định dạng custom).").format(path=dumped))
        return EXIT_OK
    with _open(db_path) as office, TerminalLine(sys.stderr) as progress:
        made = office.backups.backup(folder=Path(args.to) if args.to else None, progress=progress)
    _missing_files(made.missing_files)
    _out(_("Đã sao lưu vào {path}.").format(path=made.path))
    return EXIT_OK


def _cmd_move(args: argparse.Namespace, db_path: Path) -> int:
    from cchc_desktop.services import database

    with _open(db_path) as office, TerminalLine(sys.stderr) as progress:  # the right is the session's
        moved = database.move_to_postgresql(office.db, office.db_path, args.to, progress=progress)
    _out(_("Đã chuyển toàn bộ dữ liệu sang {target}; số dòng từng bảng khớp với tệp:").format(target=moved.target))
    for table, count in moved.counts.items():
        _out(f"  {table}: {count}")
    return EXIT_OK


def _cmd_restore(args: argparse.Namespace, db_path: Path) -> int:
    if is_postgresql(str(db_path)):  # (the server's owner restores, into a new or emptied database)
        from cchc_desktop.services import database

        where = database.restore_server(str(db_path), Path(args.file))
        _out(_("Đã khôi phục {source} vào {target}. Tiếp theo: cấp quyền cho các quầy bằng «cchc migrate --as-owner "
               "--grant-desk QUẦY», rồi chạy «cchc check» để kiểm tra nhật ký.").format(source=args.file, target=where))
        return EXIT_OK
    with _open(db_path) as office:  # the right is the session's, and its name goes into the restore's entry
        service = office.backups
        with TerminalLine(sys.stderr) as progress:
            restored = service.restore(Path(args.file), accept_broken_chain=args.accept_broken_chain,
                                       progress=progress)
    if restored.broken_links:
        print(_("Lưu ý: đã khôi phục bản sao có nhật ký bị sửa ngoài chương trình ({n} mục); việc này đã được ghi "
                "vào nhật ký.").format(n=len(restored.broken_links)), file=sys.stderr)
    _missing_files(restored.missing_files)
    _out(_("Đã khôi phục từ {source}. Cơ sở dữ liệu trước khi khôi phục được lưu tại {previous}.").format(
        source=restored.source, previous=restored.previous))
    return EXIT_OK


def _parse_day(text: str, field: str) -> date:
    from cchc_desktop import formatting

    try:
        day = formatting.parse_day(text)
    except ValueError as exc:
        raise ValidationError({field: str(exc)}) from None
    if day is None:
        raise ValidationError({field: _("Chưa ghi ngày.")})
    return day


def _cmd_ledger(args: argparse.Namespace, db_path: Path) -> int:
    first, last = _parse_day(args.first, "from"), _parse_day(args.last, "to")
    with _open(db_path) as office:
        office.printing.ledger(first=first, last=last, fields=args.field, target=Path(args.out))
    _out(_("Đã tạo {path}.").format(path=args.out))
    return EXIT_OK


def _cmd_dashboard(args: argparse.Namespace, db_path: Path) -> int:
    with _open(db_path) as office:
        office.dashboard.summary(args.period, Path(args.out))
    _out(_("Đã tạo {path}: tóm tắt {period}.").format(path=args.out, period=args.period.label))
    return EXIT_OK


def _cmd_score(args: argparse.Namespace, db_path: Path) -> int:
    import json

    from cchc_desktop.services.score766 import as_text

    with _open(db_path) as office:
        service = office.score766
        view = service.build(args.period)
        _out(json.dumps(service.as_json(view), ensure_ascii=False, indent=2) if args.fmt == "json" else as_text(view))
    return EXIT_OK


EXIT_INTERRUPTED = 130  # the shell's code for a command stopped by Ctrl+C (128 + SIGINT)


def _out(text: str) -> None:
    print(text, file=sys.stdout)


def _cmd_init(args: argparse.Namespace, db_path: Path) -> int:
    from cchc_desktop.domain.unit import place_of

    changes = {
        key: value
        for key, value in {
            "name": args.unit_name, "code": args.unit_code, "place": args.place,
            "parent": args.parent, "province": args.province, "signer_name": args.signer,
            "signer_title": args.signer_title, "signer_authority": args.signer_authority,
            "desk_name": args.desk_name, "desk_contact_name": args.desk_contact, "desk_contact_phone": args.desk_phone,
            "lookup_url": args.lookup_url,
        }.items()
        if value is not None
    }
    if "signer_title" in changes:  # a new title signs under the authority it calls for, unless told otherwise
        changes.setdefault("signer_authority", "")
    with _open(db_path) as office:
        service = office.settings
        if "place" not in changes and not service.load().place:
            changes["place"] = place_of(args.unit_name)
        saved = service.update(**changes)
    _out(_("Đã khởi tạo cơ sở dữ liệu {path} cho đơn vị «{name}».").format(path=db_path, name=saved.name))
    return EXIT_OK


def demo_stages() -> dict[str, str]:
    """The stages ``generate_demo`` reports, as the terminal's progress line says them."""
    return {"catalogue": _("Dữ liệu mẫu: danh mục thủ tục"), "dossiers": _("Dữ liệu mẫu: đang ghi hồ sơ"),
            "surveys": _("Dữ liệu mẫu: đang ghi phiếu khảo sát"), "indexes": _("Dữ liệu mẫu: đang lập chỉ mục"),
            "done": _("Dữ liệu mẫu: xong")}


def _cmd_demo(args: argparse.Namespace, db_path: Path) -> int:
    from cchc_desktop.services.demo import generate_demo

    if args.dossiers < 0:
        raise ValidationError({"dossiers": _("Số hồ sơ phải là số không âm.")})
    with _open(db_path) as office, TerminalLine(sys.stderr, names=demo_stages()) as progress:
        summary = generate_demo(office.db, year=args.year, dossiers=args.dossiers, seed=args.seed,
                                progress=progress)
    _out(_("Đã tạo dữ liệu mẫu năm {year} trong {path}:").format(year=args.year, path=db_path))
    for label, value in summary.lines():
        _out(f"  {label}: {value}")
    return EXIT_OK


def _cmd_migrate(args: argparse.Namespace, db_path: Path) -> int:
    from cchc_desktop.services import database

    target = given_db(getattr(args, "db", None))
    if is_postgresql(target):
        if not args.as_owner:
            raise CchcError(_("Cơ sở dữ liệu trên máy chủ PostgreSQL chỉ được nâng cấp bằng tài khoản chủ sở hữu: "
                              "chạy «cchc migrate --as-owner» với tài khoản đó."))
        if args.list and args.grant_desk:
            raise CchcError(_("--grant-desk cấp quyền sau khi nâng cấp: không dùng cùng --list."))
        pg_before, pg_after = database.migrate_postgresql(target, apply=not args.list, desks=args.grant_desk)
        applied, pending, version = pg_before.applied, pg_before.pending, pg_after.version
    elif args.as_owner or args.grant_desk:
        raise CchcError(_("--as-owner và --grant-desk chỉ dùng cho cơ sở dữ liệu trên máy chủ PostgreSQL "
                          "(--db postgresql://…); tệp SQLite được nâng cấp bằng «cchc migrate»."))
    else:
        before, after = (database.migration_status(db_path), None) if args.list else database.migrate(db_path)
        applied, pending, version = before.applied, before.pending, (after or before).version
    if args.list:
        for name in applied:
            _out(_("  [đã áp dụng]   {name}").format(name=name))
        for name in pending:
            _out(_("  [chưa áp dụng] {name}").format(name=name))
        return EXIT_OK
    if not pending:
        _out(_("Cơ sở dữ liệu đã ở phiên bản mới nhất ({version}).").format(version=version))
    else:
        _out(_("Đã nâng cấp cơ sở dữ liệu lên phiên bản {version}: {names}.").format(
            version=version, names=", ".join(pending)))
    for desk in args.grant_desk:
        _out(_("Đã cấp quyền của quầy cho tài khoản «{desk}».").format(desk=desk))
    return EXIT_OK


def _cmd_check(args: argparse.Namespace, db_path: Path) -> int:
    from cchc_desktop.services import database

    on_server = is_postgresql(str(db_path))
    given = [Path(name) for name in args.anchor]
    report = database.check_server(str(db_path), given) if on_server else database.check(db_path, given)
    _out((_("Cơ sở dữ liệu: {path}") if on_server else _("Tệp: {path}")).format(path=report.path))
    _out(_("Phiên bản cấu trúc: {version}/{known}").format(version=report.schema.version, known=report.known))
    for table, count in report.counts.items():
        _out(f"  {table}: {count}")
    for problem in report.problems:
        _out(_("Lỗi: {problem}").format(problem=problem))
    for note in report.notes:
        _out(_("Lưu ý: {note}").format(note=note))
    if report.schema.pending:
        _out(_("Còn {n} bản nâng cấp chưa áp dụng: hãy chạy «cchc migrate».").format(n=len(report.schema.pending)))
    if report.ok:
        _out(_("Kết quả: cơ sở dữ liệu toàn vẹn."))
        return EXIT_OK
    print(_("Kết quả: cơ sở dữ liệu có vấn đề (xem các dòng trên)."), file=sys.stderr)
    return EXIT_USER_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    set_language()
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = getattr(args, "debug", False)
    setup_logging(getattr(args, "log_level", "INFO"))
    db_path = resolve_db_path(getattr(args, "db", None))
    global _signed_in_as
    _signed_in_as = getattr(args, "user", None)
    handler: Callable[[argparse.Namespace, Path], int] = args.handler
    target = given_db(getattr(args, "db", None))
    if is_postgresql(target):  # never echoed nor logged: it names an account
        if args.command in FILE_ONLY_COMMANDS:
            print(_("Lỗi: Lệnh «cchc {command}» làm trên tệp cơ sở dữ liệu của máy, không làm với cơ sở dữ liệu trên "
                    "máy chủ PostgreSQL.{hint}").format(command=args.command,
                                                        hint=_(FILE_ONLY_COMMANDS[args.command])), file=sys.stderr)
            return EXIT_USER_ERROR
        db_path = cast(Path, target)  # (the server's URL as given: a Path would fold its «//»; _open takes either)
    try:
        return _interruptible(handler, args, db_path)
    except ValidationError as exc:
        for message in exc.errors.values():
            print(_("Lỗi: {message}").format(message=message), file=sys.stderr)
        return EXIT_USER_ERROR
    except (StorageError, CchcError) as exc:
        log.warning("%s: %s", args.command, exc)
        print(_("Lỗi: {message}").format(message=user_message(exc)), file=sys.stderr)
        if debug:
            traceback.print_exc()
        return EXIT_USER_ERROR
    except sqlite3.Error as exc:
        if not from_environment(exc):  # a bug in a query: below
            return _unexpected(args, debug)
        log.warning("%s: %s", args.command, exc)  # the file, not the program: locked, full, damaged
        print(_("Lỗi: {message}").format(message=user_message(classify(exc, db_path))), file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:  # Ctrl+C: every write is one transaction, every file written whole or not at all
        print(_("Đã hủy (Ctrl+C): lệnh dừng trước khi xong, chưa ghi dữ liệu nào."), file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader of the output went away (``cchc … | head``): nothing to say to anyone
        with contextlib.suppress(OSError):  # Python would complain again when it flushes stdout at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception:
        return _unexpected(args, debug)


_signed_in_as: str | None = None  # --user of this run
# Commands that work on the database's file itself, refused on a server's database, with what to do there instead.
FILE_ONLY_COMMANDS = {
    "init": (" Cơ sở dữ liệu trên máy chủ được tạo bằng «cchc migrate --as-owner», rồi khai báo đơn vị trong cửa sổ "
              "hoặc chuyển dữ liệu lên bằng «cchc move»."),
    "demo": (" Dữ liệu mẫu chỉ tạo trong một tệp riêng."),
    "move": (" «cchc move» chuyển từ một tệp (--db TỆP) sang máy chủ (--to)."),
}


def _open(db_path: Path) -> Office:
    """The office of this run: --user's session (the password from CCHC_PASSWORD, else asked once the file has
    opened), else local admin mode — which the office refuses once an account has a password."""
    from cchc_desktop.office import open_office

    def password() -> str:
        given = os.environ.get("CCHC_PASSWORD")
        return given if given is not None else _secret(_("Mật khẩu của {user}: ").format(user=_signed_in_as))

    return open_office(db_path, user=_signed_in_as, password=password)


_ctrl_c_pressed = False  # during this run


def _on_ctrl_c(signum: int, frame: object) -> NoReturn:
    global _ctrl_c_pressed
    _ctrl_c_pressed = True
    raise KeyboardInterrupt


def _interruptible(handler: Callable[[argparse.Namespace, Path], int], args: argparse.Namespace,
                   db_path: Path) -> int:
    """Run the command; Ctrl+C ends it as interrupted wherever it came. Python raises KeyboardInterrupt where the
    program is, and where that is one of the audit trail's functions that SQLite calls from a trigger, SQLite
    turns it into «user-defined function raised exception»: the statement and its transaction are undone all the
    same, and the command must end as stopped by Ctrl+C, not as a bug."""
    global _ctrl_c_pressed
    _ctrl_c_pressed = False
    ours = (threading.current_thread() is threading.main_thread()  # (only there can a handler be set)
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler)  # (not a host's own: a test's)
    if ours:
        signal.signal(signal.SIGINT, _on_ctrl_c)
    try:
        return handler(args, db_path)
    except Exception as exc:
        if _ctrl_c_pressed:
            raise KeyboardInterrupt from exc
        raise
    finally:
        if ours:
            signal.signal(signal.SIGINT, signal.default_int_handler)


def _unexpected(args: argparse.Namespace, debug: bool) -> int:
    """A bug: logged with its traceback (shown with --debug)."""
    log.exception("unexpected error in %s", args.command)
    if debug:
        traceback.print_exc()
    else:
        print(_("Lỗi không mong đợi của chương trình; chi tiết trong tệp nhật ký. Chạy lại với --debug "
                "để xem chi tiết."), file=sys.stderr)
    return EXIT_USER_ERROR
