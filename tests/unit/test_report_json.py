"""The JSON report (DESIGN.md §6): written exactly as the contract, read back, and every bad file refused with
a Vietnamese message naming it."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from cchc_desktop.domain.periods import parse_period
from cchc_desktop.domain.records import ReportKind
from cchc_desktop.domain.report import AppendixRow, NarrativeSection, ReportDocument, ReportUnit
from cchc_desktop.domain.templates import default
from cchc_desktop.reports.report_json import ReportFileError, period_of, read_json, to_json, write_json

H1 = parse_period("2024-H1")
PERSONAL = ("Nguyễn Thị Ưng", "0912345678", "038190001234", "Thôn Đông, Hoằng Hợp", "Lê Văn Minh")

INDICATORS = {
    "rate.dung_han": 99 / 100, "3.3.2": 99, "3.3.1": 494, "3.3.1.truc_tiep": 45, "1.1.10": 1, "1.1.2": 19,
    "hs.da_giai_quyet": 100, "1.4.2": None, "5.4.2": 50.0, "4.1.1": 17,
}


def document(**changes: object) -> ReportDocument:
    values: dict[str, object] = {
        "unit": ReportUnit(name="UBND xã Hoằng Hợp", code="000.21.31.H56", parent="UBND huyện Hoằng Hóa",
                           place="Hoằng Hợp", signer_name="Lê Văn Minh", signer_title="PHÓ CHỦ TỊCH"),
        "period": H1, "cutoff": date(2024, 6, 15), "issued_on": date(2024, 6, 18),
        "title": "BÁO CÁO", "subject": "Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024",
        # text an officer typed, with personal data in it: it must never reach the JSON
        "sections": (NarrativeSection("I", "Công tác chỉ đạo", "Bà Nguyễn Thị Ưng (0912345678, CCCD 038190001234, "
                                                               "Thôn Đông, Hoằng Hợp) khen bộ phận một cửa."),),
        "appendix": (AppendixRow("3.3.1", "Số lượng hồ sơ đã tiếp nhận", "Hồ sơ", "3.3.1", 494),),
        "indicators": INDICATORS,
        "sources": {key: "manual" if key == "4.1.1" else "computed" for key in INDICATORS},
        "generated_at": datetime(2024, 6, 18, 9, 30, 12, 345),
        "number": "45", "recipients": ("UBND huyện Hoằng Hóa",),
    }
    values.update(changes)
    return ReportDocument(**values)


def write(tmp_path: Path, data: object, name: str = "bao-cao.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def valid() -> dict[str, object]:
    return to_json(document())


# -- writing ---------------------------------------------------------------------------------------------------


def test_to_json_follows_the_contract() -> None:
    data = to_json(document())
    assert list(data) == ["schema", "unit", "period", "generated_at", "version", "indicators", "sources", "template"]
    # the appendix template the rows follow, with its hash: the higher level adds the rows by its rules (issue 16)
    assert (data["template"]["id"], data["template"]["hash"]) == ("phu-luc-01b", default().digest)
    assert data["template"]["rows"] == default().data()["rows"]
    assert data["schema"] == "cchc-report/1"
    assert data["unit"] == {"name": "UBND xã Hoằng Hợp", "code": "000.21.31.H56", "parent": "UBND huyện Hoằng Hóa"}
    assert data["period"] == {"from": "2024-01-01", "to": "2024-06-30", "cutoff": "2024-06-15",
                              "label": "6 tháng đầu năm 2024"}
    assert data["generated_at"] == "2024-06-18T09:30:12+07:00"
    assert data["version"] == 1
    # row numbers in numeric order, each row before its breakdowns, the named figures last
    assert list(data["indicators"]) == ["1.1.2", "1.1.10", "1.4.2", "3.3.1", "3.3.1.truc_tiep", "3.3.2", "4.1.1",
                                        "5.4.2", "hs.da_giai_quyet", "rate.dung_han"]
    assert data["indicators"]["rate.dung_han"] == 0.99 and data["indicators"]["1.4.2"] is None
    assert list(data["sources"]) == list(data["indicators"]) and data["sources"]["4.1.1"] == "manual"
    assert "communes" not in data


def test_a_consolidation_names_its_communes() -> None:
    data = to_json(document(communes=("UBND xã Hoằng Hợp", "UBND xã Hoằng Đạo"), version=3))
    assert data["communes"] == ["UBND xã Hoằng Hợp", "UBND xã Hoằng Đạo"] and data["version"] == 3


def test_generated_at_is_vietnamese_time() -> None:
    utc = datetime(2024, 6, 18, 2, 30, tzinfo=UTC)
    assert to_json(document(generated_at=utc))["generated_at"] == "2024-06-18T09:30:00+07:00"
    seven = timezone(timedelta(hours=7))
    assert to_json(document(generated_at=datetime(2024, 6, 18, 9, 30, tzinfo=seven)))["generated_at"] == \
        "2024-06-18T09:30:00+07:00"


def test_the_file_is_utf8_with_its_diacritics_and_stable(tmp_path: Path) -> None:
    path = write_json(document(), tmp_path / "out" / "hoang-hop.json")
    text = path.read_bytes().decode("utf-8")
    assert "UBND xã Hoằng Hợp" in text and "\\u" not in text
    assert text.endswith("}\n") and json.loads(text) == to_json(document())
    assert write_json(document(), tmp_path / "again.json").read_bytes() == path.read_bytes()
    assert [item.name for item in path.parent.iterdir()] == ["hoang-hop.json"]  # no temporary file left


def test_nothing_is_written_when_a_value_cannot_be_written(tmp_path: Path) -> None:
    target = tmp_path / "bao-cao.json"
    target.write_text("cũ", encoding="utf-8")
    with pytest.raises(ValueError):
        write_json(document(indicators={"3.3.1": float("nan")}, sources={}), target)
    with pytest.raises(TypeError):
        write_json(document(indicators={"1.5": True}, sources={}), target)
    assert target.read_text(encoding="utf-8") == "cũ"
    assert [item.name for item in tmp_path.iterdir()] == ["bao-cao.json"]


PERSONAL_KEYS = re.compile(r"^(\d+(\.\d+)*(\.[a-z_]+)?|(hs|ks|ktra|rate)\.[a-z_]+)$")


def test_no_personal_data_in_the_file(tmp_path: Path) -> None:
    doc = document(communes=("UBND xã Hoằng Hợp", "UBND xã Hoằng Đạo"))
    text = write_json(doc, tmp_path / "r.json").read_text(encoding="utf-8")
    for item in PERSONAL:
        assert item not in text
    data = json.loads(text)
    assert set(data) <= {"schema", "unit", "period", "generated_at", "version", "communes", "indicators", "sources",
                         "template"}
    # the template holds the template's own words and nothing of the records: the same as the program's default
    assert data.pop("template") == default().data(with_digest=True)
    assert set(data["unit"]) == {"name", "code", "parent"}
    assert set(data["period"]) == {"from", "to", "cutoff", "label"}
    assert all(PERSONAL_KEYS.match(key) for key in data["indicators"])
    assert all(value is None or type(value) in (int, float) for value in data["indicators"].values())
    assert set(data["sources"].values()) <= {"computed", "manual"}
    # the only words: the unit, its parent, the communes, the period's label
    words = {data["schema"], data["generated_at"], *data["unit"].values(), *data["period"].values(),
             *data["communes"]}
    assert words == {"cchc-report/1", "2024-06-18T09:30:12+07:00", "UBND xã Hoằng Hợp", "000.21.31.H56",
                     "UBND huyện Hoằng Hóa", "2024-01-01", "2024-06-30", "2024-06-15", "6 tháng đầu năm 2024",
                     "UBND xã Hoằng Đạo"}


# -- reading ---------------------------------------------------------------------------------------------------


def test_round_trip(tmp_path: Path) -> None:
    doc = document(version=2, communes=("UBND xã A", "UBND xã B"))
    report = read_json(write_json(doc, tmp_path / "r.json"))
    assert report.unit == ReportUnit(name="UBND xã Hoằng Hợp", code="000.21.31.H56", parent="UBND huyện Hoằng Hóa")
    assert report.period == H1 and report.cutoff == date(2024, 6, 15)
    assert report.generated_at == datetime(2024, 6, 18, 9, 30, 12, tzinfo=timezone(timedelta(hours=7)))
    assert dict(report.indicators) == INDICATORS and dict(report.sources) == dict(doc.sources)
    assert (report.version, report.communes) == (2, ("UBND xã A", "UBND xã B"))


@pytest.mark.parametrize(("first", "last", "key", "kind"), [
    ("2024-01-01", "2024-12-31", "2024", ReportKind.YEAR),
    ("2024-07-01", "2024-12-31", "2024-H2", ReportKind.HALF_YEAR),
    ("2024-04-01", "2024-06-30", "2024-Q2", ReportKind.QUARTER),
    ("2024-01-01", "2024-09-30", "2024-9M", ReportKind.NINE_MONTHS),
    ("2024-02-01", "2024-02-29", "2024-02", ReportKind.MONTH),
    ("2024-04-21", "2024-05-20", "2024-04-21:2024-05-20", ReportKind.RANGE),
    ("2023-12-15", "2024-12-14", "2023-12-15:2024-12-14", ReportKind.RANGE),
])
def test_the_period_is_found_from_its_days(first: str, last: str, key: str, kind: ReportKind) -> None:
    period = period_of(date.fromisoformat(first), date.fromisoformat(last))
    assert (period.key, period.kind) == (key, kind)


def test_a_range_keeps_its_label_and_a_calendar_period_its_own(tmp_path: Path) -> None:
    data = valid()
    data["period"] = {"from": "2024-04-21", "to": "2024-05-20", "cutoff": "2024-05-20",
                      "label": "Tháng 5 năm 2024 (từ 21/04 đến 20/05/2024)"}
    assert read_json(write(tmp_path, data)).period.label == "Tháng 5 năm 2024 (từ 21/04 đến 20/05/2024)"
    data["period"] = {"from": "2024-01-01", "to": "2024-06-30", "cutoff": "2024-06-30"}
    assert read_json(write(tmp_path, data)).period == H1


def test_unknown_keys_are_ignored_and_a_bom_is_accepted(tmp_path: Path) -> None:
    data = valid()
    data["note"] = "thêm"
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(data).encode("utf-8"))
    assert read_json(path).unit.name == "UBND xã Hoằng Hợp"


def refused(path: Path) -> str:
    with pytest.raises(ReportFileError) as caught:
        read_json(path)
    assert caught.value.path == path
    return str(caught.value)


def test_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "khong-co.json"
    assert refused(path) == f"Không tìm thấy tệp «{path}»."


def test_not_json(tmp_path: Path) -> None:
    path = write(tmp_path, "{\n  \"schema\": \"cchc-report/1\",\n  oops\n}")
    assert refused(path) == (f"Tệp «{path}» không phải là JSON hợp lệ (dòng 3, cột 3). Hãy chọn tệp .json xuất từ "
                             "CCHC Desktop.")
    binary = tmp_path / "bang.xlsx"
    binary.write_bytes(b"PK\x03\x04\xff\xfe")
    assert "không phải văn bản UTF-8" in refused(binary)
    nan = write(tmp_path, '{"schema": "cchc-report/1", "indicators": {"3.3.1": NaN}}', "nan.json")
    assert refused(nan) == f"Tệp «{nan}» có giá trị «NaN», không phải là số hợp lệ của JSON."


def test_another_schema(tmp_path: Path) -> None:
    data = valid()
    data["schema"] = "cchc-report/2"
    path = write(tmp_path, data)
    assert refused(path) == (f"Tệp «{path}» theo định dạng «cchc-report/2», phiên bản này chỉ đọc được "
                             "«cchc-report/1». Hãy xuất lại báo cáo bằng phiên bản CCHC Desktop cùng định dạng.")
    del data["schema"]
    assert "không có mục «schema»" in refused(write(tmp_path, data))
    assert "không có mục «schema»" in refused(write(tmp_path, [1, 2]))


def test_missing_keys(tmp_path: Path) -> None:
    data = valid()
    del data["sources"], data["generated_at"]
    path = write(tmp_path, data)
    assert refused(path) == f"Tệp «{path}» thiếu mục: generated_at, sources."
    data = valid()
    data["unit"] = {"code": "X"}
    assert "unit.name" in refused(write(tmp_path, data))


def test_indicators_must_be_numbers(tmp_path: Path) -> None:
    data = valid()
    data["indicators"] = {"3.3.1": "494", "1.5": True, "3.3.2": 1, "rate.dung_han": None, "4.1.1": [17]}
    path = write(tmp_path, data)
    assert refused(path) == (f"Tệp «{path}»: giá trị của chỉ tiêu phải là số hoặc null; sai ở «3.3.1»: \"494\"; "
                             "«1.5»: true; «4.1.1»: [17].")
    data["indicators"] = {f"k{n}": "x" for n in range(7)}
    assert refused(write(tmp_path, data)).endswith("«k4»: \"x\" … và 2 chỉ tiêu khác.")
    data["indicators"] = [1]
    assert "indicators" in refused(write(tmp_path, data))


@pytest.mark.parametrize(("period", "expected"), [
    ({"from": "2024-13-01", "to": "2024-06-30", "cutoff": "2024-06-30"},
     "không đọc được kỳ báo cáo: «period.from» phải là ngày dạng YYYY-MM-DD (đang ghi «2024-13-01»)."),
    ({"from": "01/01/2024", "to": "2024-06-30", "cutoff": "2024-06-30"},
     "«period.from» phải là ngày dạng YYYY-MM-DD (đang ghi «01/01/2024»)."),
    ({"from": "2024-01-01", "to": "2024-06-30"}, "«period.cutoff» phải là ngày dạng YYYY-MM-DD (đang ghi «»)."),
    ({"from": "2024-06-30", "to": "2024-01-01", "cutoff": "2024-06-30"},
     "không đọc được kỳ báo cáo: Kỳ «2024-06-30:2024-01-01»: ngày cuối trước ngày đầu."),
    ({"from": "2024-01-01", "to": "2024-06-30", "cutoff": "2023-12-31"},
     "ngày chốt số liệu 31/12/2023 trước ngày đầu kỳ 01/01/2024."),
    ("2024-H1", "mục «period» phải có from, to, cutoff."),
])
def test_a_period_that_cannot_be_read(tmp_path: Path, period: object, expected: str) -> None:
    data = valid()
    data["period"] = period
    path = write(tmp_path, data)
    message = refused(path)
    assert message.startswith(f"Tệp «{path}»") and message.endswith(expected)


def test_other_fields_are_checked(tmp_path: Path) -> None:
    for key, value, expected in (("generated_at", "hôm qua", "generated_at"), ("version", 0, "version"),
                                 ("version", True, "version"), ("communes", "UBND xã A", "communes"),
                                 ("sources", {"3.3.1": 1}, "sources")):
        data = valid()
        data[key] = value
        assert expected in refused(write(tmp_path, data)), key
