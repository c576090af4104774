"""Hostile numbers: values typed into a report row (``cchc report-value``, the report page) and report files read by
``cchc consolidate`` that are not figures a commune can have: NaN, infinities, 1e308, a number of 400 digits, a rate
of 150 %, every count negated or 10^300, a file of 200,000 ``[`` or larger than any report.

Each is refused with a Vietnamese message naming the row (and what it accepts) or the file (and the indicator),
exit code 1 and nothing written: the typed values of the period stay as they were, no output file appears.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from cchc_desktop import cli
from cchc_desktop.domain.consolidation import MAX_COUNT, figure_problem, key_order
from cchc_desktop.domain.templates import default
from cchc_desktop.errors import ValidationError
from cchc_desktop.formatting import parse_number
from cchc_desktop.reports.report_json import MAX_FILE_SIZE, ReportFileError, read_json
from cchc_desktop.services.consolidation import ConsolidationService
from cchc_desktop.services.reports import ReportService
from db.connection import open_db
from tests.conftest import DEMO_ADMIN
from tests.unit.test_cli import cchc
from tests.unit.test_consolidation import A, B, C, report_data, write
from tests.unit.test_reports import finish

STAFF = "Dòng 4.1.1 (Tổng số biên chế được giao trong năm)"
ISO = "Dòng 3.2.4 (Tỷ lệ TTHC đã được phê duyệt quy trình nội bộ (theo quy trình ISO))"
RULES = "Dòng 6.1 (Đơn vị đã thực hiện xây dựng Quy chế chi tiêu nội bộ)"
COUNT_RANGE = "số nguyên từ 0 đến 10.000.000"
FOUR_HUNDRED = "9" * 400
NOT_A_KEY = "không phải là mã chỉ tiêu (tối đa 64 ký tự: chữ số, chữ cái không dấu, «_» và «.»)"


def typed_values(path: Path) -> list[tuple[object, ...]]:
    """Every typed-in value of every period, as stored."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT period_key, indicator, value, typeof(value) FROM report_manual_value"
                                  " ORDER BY 1, 2").fetchall()
    finally:
        connection.close()


@pytest.fixture
def typed(open_demo_path: Path) -> Path:
    """The demo database (no sign-in needed) with one value typed in already (17 staff in 2024-H1)."""
    db = open_db(open_demo_path)
    ReportService(db).set_manual(period_key="2024-H1", indicator="4.1.1", text="17")
    db.close()
    return open_demo_path


# -- typed into a row ------------------------------------------------------------------------------------------------


def test_parse_number_reads_only_what_is_typed_on_a_form() -> None:
    assert parse_number("1.648") == Decimal(1648) and parse_number("-0") == 0
    for text in ("NaN", "nan", "sNaN", "inf", "-Infinity", "1e308", "1E5", "1e-400", "2e+3"):
        with pytest.raises(ValueError):
            parse_number(text)


REFUSED_ROWS = [
    ("4.1.1", "NaN", f"{STAFF}: «NaN» không phải là số; hãy nhập {COUNT_RANGE}."),
    ("4.1.1", "sNaN", f"{STAFF}: «sNaN» không phải là số; hãy nhập {COUNT_RANGE}."),
    ("4.1.1", "inf", f"{STAFF}: «inf» không phải là số; hãy nhập {COUNT_RANGE}."),
    ("4.1.1", "-Infinity", f"{STAFF}: «-Infinity» không phải là số; hãy nhập {COUNT_RANGE}."),
    ("4.1.1", "1e308", f"{STAFF}: «1e308» không phải là số; hãy nhập {COUNT_RANGE}."),
    ("4.1.1", "1e-400", f"{STAFF}: «1e-400» không phải là số; hãy nhập {COUNT_RANGE}."),
    ("4.1.1", "99999999999999999999999", f"{STAFF}: phải là {COUNT_RANGE}."),
    ("4.1.1", FOUR_HUNDRED, f"{STAFF}: phải là {COUNT_RANGE}."),
    ("4.1.1", "10.000.001", f"{STAFF}: phải là {COUNT_RANGE}."),
    ("4.1.1", "-5", f"{STAFF}: phải là {COUNT_RANGE}."),
    ("4.1.1", "12,5", f"{STAFF}: phải là {COUNT_RANGE}."),
    ("4.1.1", "x" * 500, f"{STAFF}: «{'x' * 37}…» không phải là số; hãy nhập {COUNT_RANGE}."),
    ("3.2.4", "150", f"{ISO}: tỷ lệ phải từ 0 đến 100."),
    ("3.2.4", "-5", f"{ISO}: tỷ lệ phải từ 0 đến 100."),
    ("3.2.4", "NaN", f"{ISO}: «NaN» không phải là số; hãy nhập tỷ lệ từ 0 đến 100."),
    ("3.2.4", "1e-400", f"{ISO}: «1e-400» không phải là số; hãy nhập tỷ lệ từ 0 đến 100."),
    ("3.2.4", "0," + "0" * 400 + "1", f"{ISO}: tỷ lệ ghi tối đa 2 chữ số thập phân."),
    ("3.2.4", "99,255", f"{ISO}: tỷ lệ ghi tối đa 2 chữ số thập phân."),
    ("6.1", "inf", f"{RULES}: «inf» không phải là số; hãy nhập một trong các giá trị 0, 1 (Có ban hành QC = 1; "
                   "Không ban hành QC = 0)."),
]


@pytest.mark.parametrize(("row", "text", "message"), REFUSED_ROWS)
def test_a_hostile_value_is_refused_naming_the_row_and_the_range(typed: Path, row: str, text: str,
                                                                 message: str) -> None:
    before = typed_values(typed)
    db = open_db(typed)
    try:
        with pytest.raises(ValidationError) as caught:
            ReportService(db).set_manual(period_key="2024-H1", indicator=row, text=text)
    finally:
        db.close()
    assert caught.value.errors == {row: message}
    assert typed_values(typed) == before


def test_the_edges_that_are_figures(typed: Path) -> None:
    db = open_db(typed)
    try:
        service = ReportService(db)
        assert service.set_manual(period_key="2024-H1", indicator="4.1.1", text="-0") == 0
        assert service.set_manual(period_key="2024-H1", indicator="4.1.2", text="10.000.000") == MAX_COUNT
        assert service.set_manual(period_key="2024-H1", indicator="3.2.4", text="99,25") == 99.25
        assert service.set_manual(period_key="2024-H1", indicator="3.2.5", text="-0") == 0
    finally:
        db.close()
    assert typed_values(typed) == [("2024-H1", "3.2.4", 99.25, "real"), ("2024-H1", "3.2.5", 0.0, "real"),
                                   ("2024-H1", "4.1.1", 0.0, "real"), ("2024-H1", "4.1.2", 10_000_000.0, "real")]


@pytest.mark.parametrize(("row", "text", "message"), [
    ("4.1.1", "NaN", f"{STAFF}: «NaN» không phải là số; hãy nhập {COUNT_RANGE}."),
    ("4.1.1", "1e308", f"{STAFF}: «1e308» không phải là số; hãy nhập {COUNT_RANGE}."),
    ("4.1.1", "99999999999999999999999", f"{STAFF}: phải là {COUNT_RANGE}."),
    ("4.1.1", "inf", f"{STAFF}: «inf» không phải là số; hãy nhập {COUNT_RANGE}."),
    ("4.1.1", "1e-400", f"{STAFF}: «1e-400» không phải là số; hãy nhập {COUNT_RANGE}."),
    ("4.1.1", FOUR_HUNDRED, f"{STAFF}: phải là {COUNT_RANGE}."),
    ("3.2.4", "150", f"{ISO}: tỷ lệ phải từ 0 đến 100."),
    ("3.2.4", "-5", f"{ISO}: tỷ lệ phải từ 0 đến 100."),
])
def test_cchc_report_value_refuses_and_writes_nothing(typed: Path, capsys: pytest.CaptureFixture[str], row: str,
                                                      text: str, message: str) -> None:
    before = typed_values(typed)
    code = cli.main(["report-value", "--db", str(typed), "--period", "2024-H1", "--row", row, "--value", text])
    out, err = capsys.readouterr()
    assert (code, out, err) == (1, "", f"Lỗi: {message}\n")
    assert typed_values(typed) == before


def test_cchc_report_value_minus_zero_is_zero(typed: Path) -> None:
    """In a real process: ``-0`` is the number 0 (stored as 0, not -0.0), the next value replaces it."""
    result = cchc("report-value", "--db", str(typed), "--period", "2024-H1", "--row", "4.1.1", "--value", "-0")
    assert (result.returncode, result.stdout) == (
        0, "Đã ghi dòng 4.1.1 (Tổng số biên chế được giao trong năm), kỳ 6 tháng đầu năm 2024: 0.\n")
    result = cchc("report-value", "--db", str(typed), "--period", "2024-H1", "--row", "4.1.1", "--value", "NaN")
    assert (result.returncode, result.stderr) == (1, f"Lỗi: {STAFF}: «NaN» không phải là số; hãy nhập {COUNT_RANGE}.\n")
    assert typed_values(typed) == [("2024-H1", "4.1.1", 0.0, "real")]
    assert str(typed_values(typed)[0][2]) == "0.0"


# -- report files added up -------------------------------------------------------------------------------------------


def consolidate(paths: list[Path]):
    service = ConsolidationService(clock=lambda: datetime(2024, 6, 20, 10, 0))
    return service.consolidate(paths, issued_on=date(2024, 6, 20))


def refused(paths: list[Path]) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        consolidate(paths)
    return list(caught.value.errors.values())


@pytest.fixture
def good(tmp_path: Path) -> list[Path]:
    return [write(tmp_path, f"{n}.json", report_data(name)) for n, name in zip("ab", (A, B), strict=True)]


def hostile(tmp_path: Path, name: str, changes: dict[str, object]) -> Path:
    """C's report with some figures changed or added."""
    data = report_data(C)
    data["indicators"] = {**data["indicators"], **changes}
    return write(tmp_path, name, data)


def test_a_file_with_every_figure_negated_is_refused(tmp_path: Path, good: list[Path]) -> None:
    data = report_data(C)
    data["indicators"] = {key: -value if isinstance(value, int | float) and value else value
                          for key, value in data["indicators"].items()}
    negated = write(tmp_path, "am.json", data)
    [message] = refused([*good, negated])
    assert message == (
        f"Tệp «{negated}»: số liệu không dùng được: «1.4.1» = -5 (phải là {COUNT_RANGE}); «ks.hai_long» = -1 (phải là "
        f"{COUNT_RANGE}); «1.5» = -1 (chỉ nhận một trong các giá trị 0, 1 (Không = 0; Có = 1)); «7.1» = -2 (chỉ nhận "
        "một trong các giá trị 0, 1, 2 (Chưa có = 0; 2 cấp = 1; 3 cấp = 2)); «ktra.don_vi_kiem_tra» = -1 (phải là "
        f"{COUNT_RANGE}) … và 6 chỉ tiêu khác. Hãy đề nghị đơn vị kiểm tra lại số liệu và gửi lại báo cáo.")


def test_a_file_of_ten_to_the_300_is_refused(tmp_path: Path, good: list[Path]) -> None:
    data = report_data(C)
    data["indicators"] = {key: 10 ** 300 for key in data["indicators"]}
    huge = write(tmp_path, "lon.json", data)
    [message] = refused([*good, huge])
    assert message.startswith(f"Tệp «{huge}»: số liệu không dùng được: «3.3.1» = 1000000000000000000000000000000000"
                              f"000000… (phải là {COUNT_RANGE}); ")
    assert message.endswith(" … và 24 chỉ tiêu khác. Hãy đề nghị đơn vị kiểm tra lại số liệu và gửi lại báo cáo.")
    data["indicators"] = {key: 1e300 for key in data["indicators"]}
    assert refused([*good, write(tmp_path, "lon.json", data)])[0].startswith(
        f"Tệp «{huge}»: số liệu không dùng được: «3.3.1» = 1e+300 (phải là {COUNT_RANGE}); ")


@pytest.mark.parametrize(("changes", "expected"), [
    ({"3.3.1": 10.5}, f"«3.3.1» = 10.5 (phải là {COUNT_RANGE})"),
    ({"3.3.1": 10_000_001}, f"«3.3.1» = 10000001 (phải là {COUNT_RANGE})"),
    ({"rate.dung_han": 1.5}, "«rate.dung_han» = 1.5 (tỷ lệ phải từ 0 đến 1)"),
    ({"rate.khac": -0.1}, "«rate.khac» = -0.1 (tỷ lệ phải từ 0 đến 1)"),
    ({"5.4.2": 150.0}, "«5.4.2» = 150.0 (tỷ lệ phải từ 0 đến 100)"),
    ({"3.2.4": -5}, "«3.2.4» = -5 (tỷ lệ phải từ 0 đến 100)"),
    ({"1.4.2": 3}, "«1.4.2» = 3 (chỉ nhận một trong các giá trị 0, 1, 2 (Trực tuyến = 0; Phát phiếu = 1; Kết hợp "
                   "= 2))"),
    ({"7.1": 0.5}, "«7.1» = 0.5 (chỉ nhận một trong các giá trị 0, 1, 2 (Chưa có = 0; 2 cấp = 1; 3 cấp = 2))"),
    ({"1.5": 2}, "«1.5» = 2 (chỉ nhận một trong các giá trị 0, 1 (Không = 0; Có = 1))"),
    ({"hs.moi": -1}, f"«hs.moi» = -1 (phải là {COUNT_RANGE})"),
    ({"3.3.²": 1}, f"«3.3.²»: {NOT_A_KEY}"),
    ({"1" * 5000: 1}, f"«{'1' * 40}…»: {NOT_A_KEY}"),
])
def test_an_impossible_figure_is_refused_naming_the_file_and_the_indicator(
        tmp_path: Path, good: list[Path], changes: dict[str, object], expected: str) -> None:
    bad = hostile(tmp_path, "c.json", changes)
    assert refused([*good, bad]) == [
        f"Tệp «{bad}»: số liệu không dùng được: {expected}. Hãy đề nghị đơn vị kiểm tra lại số liệu và gửi lại "
        "báo cáo."]


def test_the_limits_of_a_district_file_are_its_communes(tmp_path: Path, good: list[Path]) -> None:
    """A consolidated file may count MAX_COUNT for each of its communes and name each yes/no once."""
    from cchc_desktop.reports.report_json import write_json

    district = tmp_path / "huyen.json"
    write_json(consolidate(good).document, district)
    data = json.loads(district.read_text(encoding="utf-8"))
    data["communes"].append(A)  # a name given twice is one commune
    data["indicators"].update({"3.3.1": 2 * MAX_COUNT, "1.5": 2})
    write(tmp_path, "huyen.json", data)
    assert read_json(district).indicators["3.3.1"] == 2 * MAX_COUNT
    data["indicators"].update({"3.3.1": 2 * MAX_COUNT + 1, "1.5": 3})
    write(tmp_path, "huyen.json", data)
    with pytest.raises(ReportFileError) as caught:
        read_json(district)
    assert str(caught.value) == (
        f"Tệp «{district}»: số liệu không dùng được: «1.5» = 3 (phải là số đơn vị có (mã 1), từ 0 đến 2); «3.3.1» = "
        "20000001 (phải là số nguyên từ 0 đến 20.000.000). Hãy đề nghị đơn vị kiểm tra lại số liệu và gửi lại báo "
        "cáo.")


def test_every_file_is_checked_and_named(tmp_path: Path, good: list[Path]) -> None:
    negative = hostile(tmp_path, "am.json", {"3.5": -1})
    text = report_data("UBND xã Hoằng Lộc")
    text["indicators"]["3.5"] = "1"
    word = write(tmp_path, "chu.json", text)
    assert refused([good[0], negative, word]) == [
        f"Tệp «{negative}»: số liệu không dùng được: «3.5» = -1 (phải là {COUNT_RANGE}). Hãy đề nghị đơn vị kiểm tra "
        "lại số liệu và gửi lại báo cáo.",
        f"Tệp «{word}»: giá trị của chỉ tiêu phải là số hoặc null; sai ở «3.5»: \"1\".",
    ]


def test_1e999_is_not_read_as_infinity(tmp_path: Path, good: list[Path]) -> None:
    data = json.dumps(report_data(C)).replace('"3.3.1": 0,', '"3.3.1": 1e999,')
    assert "1e999" in data
    path = write(tmp_path, "c.json", data)
    assert refused([*good, path]) == [f"Tệp «{path}» có số «1e999» quá lớn, không phải là số liệu dùng được."]
    data = json.dumps(report_data(C)).replace('"3.3.1": 0,', '"3.3.1": -1e999,')
    assert refused([*good, write(tmp_path, "c.json", data)]) == [
        f"Tệp «{path}» có số «-1e999» quá lớn, không phải là số liệu dùng được."]


def test_an_integer_of_5000_digits(tmp_path: Path, good: list[Path]) -> None:
    data = json.dumps(report_data(C)).replace('"3.3.1": 0,', '"3.3.1": 1' + "0" * 5000 + ",")
    path = write(tmp_path, "c.json", data)
    assert refused([*good, path]) == [
        f"Tệp «{path}» có số «1{'0' * 39}…» quá lớn (5001 chữ số), không phải là số liệu dùng được."]


def test_deep_nesting_is_refused(tmp_path: Path, good: list[Path]) -> None:
    path = write(tmp_path, "sau.json", "[" * 200_000)
    assert refused([*good, path]) == [
        f"Tệp «{path}» có các mục lồng nhau quá sâu, không phải là báo cáo JSON của CCHC Desktop."]
    for depth in (5000, 50):  # beyond the parser's recursion, and within it but deeper than any report
        data = json.dumps(report_data(C)).replace('"3.3.1": 0,', '"3.3.1": ' + "[" * depth + "]" * depth + ",")
        assert refused([*good, write(tmp_path, "sau.json", data)]) == [
            f"Tệp «{path}» có các mục lồng nhau quá sâu, không phải là báo cáo JSON của CCHC Desktop."]
    data = report_data(C)
    data["indicators"]["3.3.1"] = [[[[[17]]]]]
    assert refused([*good, write(tmp_path, "sau.json", data)]) == [
        f"Tệp «{path}»: giá trị của chỉ tiêu phải là số hoặc null; sai ở «3.3.1»: [[[[[17]]]]]."]


def test_a_file_larger_than_any_report_is_not_parsed(tmp_path: Path, good: list[Path],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    data = report_data(C)
    data["padding"] = " " * MAX_FILE_SIZE
    path = write(tmp_path, "to.json", data)
    loads = json.loads

    def only_small(text: str, **options: object) -> object:
        assert len(text) <= MAX_FILE_SIZE, "the large file was parsed"
        return loads(text, **options)

    monkeypatch.setattr(json, "loads", only_small)
    assert refused([*good, path]) == [
        f"Tệp «{path}» lớn hơn 5,0 MB, không phải là báo cáo JSON của CCHC Desktop (một báo cáo chỉ vài KB). Hãy "
        "chọn tệp .json xuất từ CCHC Desktop."]


def test_the_real_reports_still_read(tmp_path: Path, demo_path: Path) -> None:
    """Every row of the appendix at its largest accepted value reads back, as does the demo's own report."""
    from cchc_desktop.domain.appendix import ValueKind

    largest = {row.key: 100 if row.kind is ValueKind.PERCENT else max(row.codes) if row.codes else MAX_COUNT
               for row in default().rows if row.key}
    assert all(figure_problem(key, value) is None for key, value in largest.items())
    assert figure_problem("rate.dung_han", 1.0) is None and figure_problem("hs.qua_han", 0) is None
    assert key_order("3.3.²") == ((0, 3), (0, 3), (1, "²"))
    out = tmp_path / "h1.json"
    db = open_db(demo_path)
    finish(ReportService(db), "2024-H1")
    db.close()
    result = cchc("report", "--db", str(demo_path), *DEMO_ADMIN, "--period", "2024-H1", "--format", "json",
                  "--out", str(out), "--date", "05/07/2024", "--number", "45/BC-UBND")
    assert result.returncode == 0, result.stderr
    assert read_json(out).indicators["3.3.1"] > 0


@pytest.mark.parametrize("name", ["neg", "huge", "inf", "deep", "key"])
def test_cchc_consolidate_refuses_hostile_files_and_writes_nothing(tmp_path: Path, good: list[Path],
                                                                   capsys: pytest.CaptureFixture[str],
                                                                   name: str) -> None:
    if name == "neg":
        bad, expected = hostile(tmp_path, "c.json", {"3.3.1": -100}), f"«3.3.1» = -100 (phải là {COUNT_RANGE})"
    elif name == "huge":
        bad, expected = hostile(tmp_path, "c.json", {"3.3.1": 10 ** 300}), "«3.3.1» = 1000000000000000000000000"
    elif name == "inf":
        bad = write(tmp_path, "c.json", json.dumps(report_data(C)).replace('"3.3.1": 0,', '"3.3.1": 1e999,'))
        expected = "có số «1e999» quá lớn"
    elif name == "deep":
        bad, expected = write(tmp_path, "c.json", "[" * 200_000), "có các mục lồng nhau quá sâu"
    else:
        bad, expected = hostile(tmp_path, "c.json", {"3.3.²": 1}), "«3.3.²»: không phải là mã chỉ tiêu"
    out = tmp_path / "tonghop.json"
    code = cli.main(["consolidate", *map(str, good), str(bad), "--out", str(out), "--db", str(tmp_path / "x.db")])
    stdout, stderr = capsys.readouterr()
    assert (code, stdout) == (1, "")
    assert stderr.startswith(f"Lỗi: Tệp «{bad}»") and expected in stderr and stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr and not out.exists() and not (tmp_path / "x.db").exists()
    assert sorted(item.name for item in tmp_path.iterdir()) == ["a.json", "b.json", "c.json"]


def test_cchc_consolidate_in_a_real_process(tmp_path: Path, good: list[Path]) -> None:
    bad = write(tmp_path, "c.json", json.dumps(report_data(C)).replace('"3.3.1": 0,', '"3.3.1": 1e999,'))
    deep = write(tmp_path, "d.json", "[" * 200_000)
    out = tmp_path / "tonghop.xlsx"
    result = cchc("consolidate", *map(str, good), str(bad), str(deep), "--out", str(out), "--db",
                  str(tmp_path / "x.db"))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        f"Lỗi: Tệp «{bad}» có số «1e999» quá lớn, không phải là số liệu dùng được.",
        f"Lỗi: Tệp «{deep}» có các mục lồng nhau quá sâu, không phải là báo cáo JSON của CCHC Desktop.",
    ]
    assert not out.exists()


def test_read_json_alone(tmp_path: Path) -> None:
    path = write(tmp_path, "c.json", json.dumps(report_data(C)).replace('"3.3.1": 0,', '"3.3.1": NaN,'))
    with pytest.raises(ReportFileError):
        read_json(path)
