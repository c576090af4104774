"""Adding communes up (issue 6): rates recomputed from their parts, codes combined by kind, every bad set of files
refused naming the file, the table of communes, and ``cchc consolidate`` end to end."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from cchc_desktop.domain.appendix import Rule
from cchc_desktop.domain.consolidation import Part, add_up, combine_of, recompute_rates, survey_method
from cchc_desktop.domain.periods import parse_period
from cchc_desktop.domain.report import ReportUnit
from cchc_desktop.domain.unit import UnitSettings
from cchc_desktop.errors import ValidationError
from cchc_desktop.reports.report_json import read_json
from cchc_desktop.services.consolidation import (
    ConsolidationService,
    consolidating_unit,
    place_of,
    read_reports,
)
from cchc_desktop.services.statistics import StatisticsService
from db.connection import open_db
from tests.unit.test_cli import cchc

HUYEN = "UBND huyện Hoằng Hóa"
A, B, C = "UBND xã Hoằng Hợp", "UBND xã Hoằng Đạo", "UBND xã Hoằng Phong"

# A: 99 of 100 resolved on time; B: 1 of 2; C: nothing resolved.
FIGURES = {
    A: {"3.3.1": 100, "3.3.1.truc_tiep": 40, "3.3.1.bcci": 0, "3.3.1.truc_tuyen_mot_phan": 30,
        "3.3.1.truc_tuyen_toan_trinh": 30, "3.3.2": 99, "hs.da_giai_quyet": 100, "hs.co_ket_qua": 100,
        "hs.mau_so_truc_tuyen": 100,
        "hs.mau_so_toan_trinh": 100, "hs.so_hoa": 80,
        "1.4.1": 10, "ks.hai_long": 9, "1.4.2": 1, "1.5": 1, "7.1": 2, "3.2.4": 100, "ktra.don_vi_kiem_tra": 2,
        "ktra.don_vi": 4, "5.4.2": 50.0, "1.1.1": 38, "1.1.2": 19, "3.5": 1, "4.1.1": 17,
        "rate.dung_han": 0.99, "rate.truc_tuyen": 0.6, "rate.toan_trinh": 0.3, "rate.so_hoa": 0.8,
        "rate.hai_long": 0.9},
    B: {"3.3.1": 2, "3.3.1.truc_tiep": 2, "3.3.1.bcci": 0, "3.3.1.truc_tuyen_mot_phan": 0,
        "3.3.1.truc_tuyen_toan_trinh": 0, "3.3.2": 1, "hs.da_giai_quyet": 2, "hs.co_ket_qua": 2,
        "hs.mau_so_truc_tuyen": 2,
        "hs.mau_so_toan_trinh": 2, "hs.so_hoa": 0,
        "1.4.1": 0, "ks.hai_long": 0, "1.4.2": None, "1.5": 0, "7.1": 1, "3.2.4": 80, "ktra.don_vi_kiem_tra": 0,
        "ktra.don_vi": 0, "5.4.2": None, "1.1.1": 20, "1.1.2": 5, "3.5": 0, "4.1.1": None,
        "rate.dung_han": 0.5, "rate.truc_tuyen": 0.0, "rate.toan_trinh": 0.0, "rate.so_hoa": 0.0,
        "rate.hai_long": None},
    C: {"3.3.1": 0, "3.3.1.truc_tiep": 0, "3.3.1.bcci": 0, "3.3.1.truc_tuyen_mot_phan": 0,
        "3.3.1.truc_tuyen_toan_trinh": 0, "3.3.2": 0, "hs.da_giai_quyet": 0, "hs.co_ket_qua": 0,
        "hs.mau_so_truc_tuyen": 0,
        "hs.mau_so_toan_trinh": 0, "hs.so_hoa": 0,
        "1.4.1": 5, "ks.hai_long": 1, "1.4.2": 0, "1.5": 1, "7.1": 2, "3.2.4": None, "ktra.don_vi_kiem_tra": 1,
        "ktra.don_vi": 1, "5.4.2": 100.0, "1.1.1": 10, "1.1.2": 10, "3.5": 0, "4.1.1": 12,
        "rate.dung_han": None, "rate.truc_tuyen": None, "rate.toan_trinh": None, "rate.so_hoa": None,
        "rate.hai_long": 0.2},
}
CODES = {A: "000.21.31.H56", B: "000.22.31.H56", C: "000.23.31.H56"}
MANUAL = {"1.5", "7.1", "3.2.4", "4.1.1"}


def report_data(name: str, **changes: object) -> dict[str, object]:
    indicators = dict(FIGURES.get(name, FIGURES[A]))
    data: dict[str, object] = {
        "schema": "cchc-report/1",
        "unit": {"name": name, "code": CODES.get(name, ""), "parent": HUYEN},
        "period": {"from": "2024-01-01", "to": "2024-06-30", "cutoff": "2024-06-15", "label": "6 tháng đầu năm 2024"},
        "generated_at": "2024-06-16T08:00:00+07:00",
        "indicators": indicators,
        "sources": {key: "manual" if key in MANUAL else "computed" for key in indicators},
    }
    data.update(changes)
    return data


def write(folder: Path, name: str, data: object) -> Path:
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    return [write(tmp_path, f"{n}.json", report_data(name)) for n, name in zip("abc", (A, B, C), strict=True)]


def consolidate(paths: list[Path], **options: object):
    service = ConsolidationService(clock=lambda: datetime(2024, 6, 20, 10, 0))
    return service.consolidate(paths, issued_on=date(2024, 6, 20), **options)


def problems(paths: list[Path], **options: object) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        consolidate(paths, **options)
    return list(caught.value.errors.values())


# -- the sum -----------------------------------------------------------------------------------------------------


def test_three_communes_added_up(files: list[Path]) -> None:
    result = consolidate(files)
    values = result.document.indicators
    assert (values["3.3.1"], values["3.3.2"], values["hs.da_giai_quyet"], values["1.1.1"], values["3.5"]) == \
        (102, 100, 102, 68, 1)
    # rates from their parts, not the mean of the communes' rates
    assert values["rate.dung_han"] == pytest.approx(100 / 102)
    assert values["rate.dung_han"] != pytest.approx((0.99 + 0.5) / 2)
    assert values["rate.truc_tuyen"] == pytest.approx(60 / 102)
    assert values["rate.toan_trinh"] == pytest.approx(30 / 102)
    assert values["rate.so_hoa"] == pytest.approx(80 / 102)
    assert values["rate.hai_long"] == pytest.approx(10 / 15)
    assert values["5.4.2"] == 60.0  # 3 units inspected of 5, not the mean of 50 % and 100 %
    # codes: yes/no → communes with «1»; the survey methods together; the lowest meeting level
    assert (values["1.5"], values["1.4.2"], values["7.1"]) == (2, 2, 1)
    # a percentage typed in without its parts is not averaged
    assert values["3.2.4"] is None and result.not_added == ("3.2.4",)
    # a manual row missing in one commune: added over the others, and said so
    assert values["4.1.1"] == 29 and result.missing == {"4.1.1": (B,)}
    assert result.notes == (
        f"Chỉ tiêu 4.1.1: chưa có số liệu của {B}; tổng chỉ gồm các đơn vị có số liệu.",
        "Chỉ tiêu tỷ lệ nhập tay 3.2.4: không có số thành phần nên không tổng hợp được (để trống, không lấy "
        "trung bình).",
    )
    sources = result.document.sources
    assert (sources["4.1.1"], sources["1.5"], sources["3.3.1"], sources["rate.dung_han"]) == \
        ("manual", "manual", "computed", "computed")


def test_the_document_of_the_higher_level(files: list[Path]) -> None:
    document = consolidate(files).document
    assert document.unit == ReportUnit(name=HUYEN, place="Hoằng Hóa")
    assert document.communes == (A, B, C)
    assert document.period == parse_period("2024-H1") and document.cutoff == date(2024, 6, 15)
    assert document.issued_on == date(2024, 6, 20) and document.generated_at == datetime(2024, 6, 20, 10, 0)
    assert document.subject == ("Tổng hợp kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024 "
                                "của các đơn vị cấp xã")
    text = document.sections[0].text
    assert text.startswith(f"Tổng hợp số liệu từ báo cáo của 3 đơn vị: {A}, {B}, {C}.\n")
    assert "Tổng số hồ sơ đã tiếp nhận: 102 hồ sơ; đã giải quyết 102 hồ sơ, trong đó đúng hạn 100 hồ sơ; tỷ lệ " \
           "giải quyết đúng hạn đạt 98,0%" in text
    rows = {row.key: row for row in document.appendix if row.key}
    assert rows["3.3.1"].value == 102 and rows["3.3.1.truc_tuyen_mot_phan"].value == 30
    assert (rows["1.5"].value, rows["1.5"].unit) == (2, "Số đơn vị")
    assert rows["1.4.2"].unit.startswith("Trực tuyến = 0") and rows["5.4.2"].percent
    assert rows["4.1.1"].source.value == "manual"


def test_the_table_of_communes(files: list[Path]) -> None:
    table = consolidate(files).table
    assert table.header == ("Đơn vị", "Hồ sơ tiếp nhận (3.3.1)", "Giải quyết đúng hạn (3.3.2)", "Tỷ lệ đúng hạn",
                            "Tỷ lệ trực tuyến", "Tỷ lệ hài lòng", "Nhiệm vụ kế hoạch (1.1.1)",
                            "Nhiệm vụ hoàn thành (1.1.2)", "Thư xin lỗi (3.5)")
    assert table.keys == ("3.3.1", "3.3.2", "rate.dung_han", "rate.truc_tuyen", "rate.hai_long", "1.1.1", "1.1.2",
                          "3.5")
    assert table.rows[0] == (A, 100, 99, 0.99, 0.6, 0.9, 38, 19, 1)
    assert table.text_rows() == (
        (A, "100", "99", "99,0%", "60,0%", "90,0%", "38", "19", "1"),
        (B, "2", "1", "50,0%", "0,0%", "—", "20", "5", "0"),
        (C, "0", "0", "—", "—", "20,0%", "10", "10", "0"),
        ("Tổng cộng", "102", "100", "98,0%", "58,8%", "66,7%", "68", "34", "1"),
    )


def test_a_district_file_is_added_as_its_communes(tmp_path: Path, files: list[Path]) -> None:
    district = consolidate(files[:2])
    path = tmp_path / "huyen.json"
    from cchc_desktop.reports.report_json import write_json

    write_json(district.document, path)
    assert read_json(path).communes == (A, B)
    again = consolidate([path, files[2]], name="UBND tỉnh Thanh Hóa")
    assert again.document.communes == (A, B, C)
    assert again.document.indicators["1.5"] == 2  # A's 1 and B's 0 counted in the district, then C's 1
    assert again.document.indicators["rate.dung_han"] == pytest.approx(100 / 102)
    # a commune already inside the district's file is refused
    [message] = problems([path, files[0]], name="UBND tỉnh Thanh Hóa")
    assert message == (f"Tệp «{files[0]}» và tệp «{path}» cùng có số liệu của «{A}»: mỗi đơn vị chỉ được tổng hợp "
                       "một lần.")


def test_kinds_and_codes() -> None:
    assert combine_of("3.3.1") is Rule.SUM and combine_of("hs.qua_han") is Rule.SUM
    assert combine_of("hs.tu_choi") is combine_of("hs.mau_so_truc_tuyen") is Rule.SUM
    assert combine_of("rate.dung_han") is combine_of("5.4.2") is Rule.RECOMPUTE
    assert {combine_of(key) for key in ("1.5", "5.4.1", "6.1", "6.2", "7.2.1", "7.4.1", "7.6")} == {Rule.YES_COUNT}
    assert (combine_of("1.4.2"), combine_of("7.1")) == (Rule.METHODS, Rule.MIN)
    assert {combine_of(key) for key in ("3.2.4", "3.2.5", "7.2.3.dien_tu", "rate.khac")} == {Rule.NONE}
    # the procedures of the catalogue every commune applies are not added up (issue 16)
    assert {combine_of(key) for key in ("3.1.3", "3.2.1", "3.2.2", "3.2.3", "7.5.1")} == {Rule.MAX}
    assert [survey_method(codes) for codes in ([], [0], [1, 1], [0, 1], [1, 2], [0, 0])] == [None, 0, 1, 2, 2, 0]


def test_a_rate_missing_a_part_anywhere_is_left_empty() -> None:
    parts = [Part("A", {"1.4.1": 10, "ks.hai_long": 9}, {}), Part("B", {"1.4.1": 4}, {})]
    totals = add_up(parts)
    assert totals.indicators["1.4.1"] == 14 and totals.indicators["rate.hai_long"] is None
    assert totals.missing == {"ks.hai_long": ("B",)}


def test_the_rates_are_the_statistics_own(demo_path: Path) -> None:
    """The parts in Figures.indicators() give back the rates StatisticsService computes itself."""
    db = open_db(demo_path)
    try:
        service = StatisticsService(db, clock=lambda: datetime(2024, 12, 31, 17, 0))
        for key in ("2024-H1", "2024-Q3"):
            values = service.figures(period=parse_period(key)).indicators()
            recomputed = recompute_rates(values)
            for rate_key, value in recomputed.items():
                assert value == pytest.approx(values[rate_key]), (key, rate_key)
            assert values["rate.dung_han"] is not None and values["rate.hai_long"] is not None
    finally:
        db.close()


# -- refusals ------------------------------------------------------------------------------------------------------


def test_no_file() -> None:
    assert problems([]) == ["Chưa chọn tệp báo cáo JSON nào để tổng hợp."]


def test_another_period_is_refused(tmp_path: Path, files: list[Path]) -> None:
    q2 = write(tmp_path, "q2.json", report_data("UBND xã Hoằng Lộc", period={
        "from": "2024-04-01", "to": "2024-06-30", "cutoff": "2024-06-15", "label": "Quý II năm 2024"}))
    assert problems([*files, q2]) == [
        f"Tệp «{q2}» là báo cáo Quý II năm 2024 (01/04/2024 – 30/06/2024), khác kỳ của tệp «{files[0]}» (6 tháng "
        "đầu năm 2024, 01/01/2024 – 30/06/2024): chỉ tổng hợp được các báo cáo cùng kỳ."]


def test_another_cutoff_is_refused(tmp_path: Path, files: list[Path]) -> None:
    late = write(tmp_path, "late.json", report_data("UBND xã Hoằng Lộc", period={
        "from": "2024-01-01", "to": "2024-06-30", "cutoff": "2024-06-30"}))
    assert problems([*files, late]) == [
        f"Tệp «{late}» chốt số liệu đến ngày 30/06/2024, khác tệp «{files[0]}» (chốt đến ngày 15/06/2024): chỉ tổng "
        "hợp được các báo cáo cùng ngày chốt số liệu. Hãy đề nghị đơn vị xuất lại báo cáo với ngày chốt 15/06/2024."]


def test_bad_files_are_all_reported(tmp_path: Path, files: list[Path]) -> None:
    v2 = write(tmp_path, "v2.json", report_data("UBND xã Hoằng Lộc", schema="cchc-report/2"))
    broken = write(tmp_path, "broken.json", "{")
    assert problems([files[0], v2, broken]) == [
        f"Tệp «{v2}» theo định dạng «cchc-report/2», phiên bản này chỉ đọc được «cchc-report/1». Hãy xuất lại báo "
        "cáo bằng phiên bản CCHC Desktop cùng định dạng.",
        f"Tệp «{broken}» không phải là JSON hợp lệ (dòng 1, cột 2). Hãy chọn tệp .json xuất từ CCHC Desktop.",
    ]


def test_the_same_commune_twice_is_refused(tmp_path: Path, files: list[Path]) -> None:
    same_code = write(tmp_path, "renamed.json", report_data("UBND xã Hoằng Hợp mới", unit={
        "name": "UBND xã Hoằng Hợp mới", "code": CODES[A], "parent": HUYEN}))
    same_name = write(tmp_path, "upper.json", report_data(A, unit={"name": "UBND  Xã Hoằng Hợp", "parent": HUYEN}))
    assert problems([files[0], same_code]) == [
        f"Tệp «{same_code}» và tệp «{files[0]}» cùng có số liệu của «UBND xã Hoằng Hợp mới»: mỗi đơn vị chỉ được "
        "tổng hợp một lần."]
    assert len(problems([files[0], same_name])) == 1
    assert problems([files[0], files[1], files[0]]) == [f"Tệp «{files[0]}» được chọn hai lần."]
    # a tone mark makes another commune
    other = write(tmp_path, "hoang.json", report_data("UBND xã Hoàng Hợp", unit={"name": "UBND xã Hoàng Hợp",
                                                                                 "parent": HUYEN}))
    assert consolidate([files[0], other]).document.communes == (A, "UBND xã Hoàng Hợp")


def test_the_consolidating_unit(tmp_path: Path, files: list[Path]) -> None:
    _paths, reports = read_reports(files)
    assert consolidating_unit(reports).name == HUYEN
    settings = UnitSettings(name="UBND huyện Hoằng Hóa", code="000.00.31.H56", parent="UBND tỉnh Thanh Hóa",
                            signer_name="Lê Văn Minh", signer_title="PHÓ CHỦ TỊCH", place="Hoằng Hóa")
    unit = consolidating_unit(reports, settings=settings, signer_name="Trần Văn Bình")
    assert unit == ReportUnit(name=HUYEN, code="000.00.31.H56", parent="UBND tỉnh Thanh Hóa", place="Hoằng Hóa",
                              signer_name="Trần Văn Bình", signer_title="PHÓ CHỦ TỊCH",
                              signer_authority="KT. CHỦ TỊCH")  # Nghị định 30: a vice-chair signs on behalf
    elsewhere = write(tmp_path, "d.json", report_data("UBND xã Quảng Hợp", unit={
        "name": "UBND xã Quảng Hợp", "parent": "UBND huyện Quảng Xương"}))
    _paths, mixed = read_reports([*files, elsewhere])
    with pytest.raises(ValidationError) as caught:
        consolidating_unit(mixed)
    assert caught.value.errors == {"unit_name": "Chưa biết đơn vị tổng hợp: các tệp không ghi cùng một cơ quan cấp "
                                                "trên. Hãy ghi tên đơn vị, ví dụ --unit-name \"UBND tỉnh Thanh Hóa\"."}
    assert consolidating_unit(mixed, settings=settings).name == HUYEN
    assert problems(files, name=A) == [
        f"Đơn vị tổng hợp «{A}» cũng là một đơn vị có trong các tệp được tổng hợp. Hãy ghi tên đơn vị cấp trên bằng "
        "--unit-name."]
    assert (place_of("UBND huyện Hoằng Hóa"), place_of("Ủy ban nhân dân thị xã Nghi Sơn"), place_of("Sở Nội vụ")) \
        == ("Hoằng Hóa", "Nghi Sơn", "")


def test_a_wrong_output_is_refused_before_reading(tmp_path: Path, files: list[Path]) -> None:
    service = ConsolidationService()
    result = consolidate(files)
    with pytest.raises(ValidationError) as caught:
        service.export(result, tmp_path / "tonghop.csv")
    assert caught.value.errors == {"out": "Chỉ ghi được tệp .json, .xlsx, .pdf hoặc .docx (không ghi được "
                                          "«tonghop.csv»)."}
    with pytest.raises(ValidationError) as caught:
        service.export(result, files[1])
    assert "trùng với một tệp báo cáo được tổng hợp" in caught.value.errors["out"]
    assert read_json(files[1]).unit.name == B


# -- exports -------------------------------------------------------------------------------------------------------


def test_json_export_round_trips(tmp_path: Path, files: list[Path]) -> None:
    result = consolidate(files)
    path = ConsolidationService().export(result, tmp_path / "tonghop.json")
    back = read_json(path)
    assert back.unit.name == HUYEN and back.communes == (A, B, C)
    assert back.indicators == result.document.indicators
    text = path.read_text(encoding="utf-8")
    assert "Hoằng Đạo" in text and "Lê Văn" not in text


def test_xlsx_export_has_the_table_of_communes(tmp_path: Path, files: list[Path]) -> None:
    from openpyxl import load_workbook

    path = ConsolidationService().export(consolidate(files), tmp_path / "tonghop.xlsx")
    book = load_workbook(path)
    try:
        assert book.sheetnames == ["Phụ lục", "Các đơn vị"]
        rows = list(book["Các đơn vị"].iter_rows(values_only=True))
        assert rows[0] == ("Đơn vị", "Hồ sơ tiếp nhận (3.3.1)", "Giải quyết đúng hạn (3.3.2)", "Tỷ lệ đúng hạn (%)",
                           "Tỷ lệ trực tuyến (%)", "Tỷ lệ hài lòng (%)", "Nhiệm vụ kế hoạch (1.1.1)",
                           "Nhiệm vụ hoàn thành (1.1.2)", "Thư xin lỗi (3.5)")
        assert rows[1:] == [(A, 100, 99, 99.0, 60.0, 90.0, 38, 19, 1), (B, 2, 1, 50.0, 0.0, "—", 20, 5, 0),
                            (C, 0, 0, "—", "—", 20.0, 10, 10, 0), ("Tổng cộng", 102, 100, 98.0, 58.8, 66.7, 68, 34, 1)]
        appendix = {row[0]: row for row in book["Phụ lục"].iter_rows(values_only=True) if row[0]}
        assert 102 in appendix["3.3.1"] and 2 in appendix["1.5"] and "Số đơn vị" in appendix["1.5"]
    finally:
        book.close()


def test_pdf_and_docx_exports(tmp_path: Path, files: list[Path]) -> None:
    import subprocess

    from docx import Document

    service = ConsolidationService()
    result = consolidate(files, signer_name="Lê Văn Minh")
    path = service.export(result, tmp_path / "tonghop.pdf")
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(text.split())
    for expected in ("HUYỆN HOẰNG HÓA", "Hoằng Hóa, ngày 20 tháng 6 năm 2024", "Tổng hợp số liệu của 3 đơn vị",
                     "tỷ lệ giải quyết đúng hạn đạt 98,0%", "Lê Văn Minh",
                     f"{C}: tiếp nhận 0 hồ sơ, giải quyết đúng hạn 0 hồ sơ (tỷ lệ đúng hạn —)"):
        assert expected in text, expected
    docx = Document(str(service.export(result, tmp_path / "tonghop.docx")))
    paragraphs = "\n".join(paragraph.text for paragraph in docx.paragraphs)
    cells = " ".join(cell.text for table in docx.tables for row in table.rows for cell in row.cells)
    assert f"- {A}: tiếp nhận 100 hồ sơ" in paragraphs and "Lê Văn Minh" in cells


# -- the command ---------------------------------------------------------------------------------------------------


def test_cchc_consolidate_json(tmp_path: Path, files: list[Path]) -> None:
    out = tmp_path / "ra" / "tonghop.json"
    result = cchc("consolidate", *map(str, files), "--out", str(out), "--db", str(tmp_path / "none.sqlite3"),
                  "--signer", "Lê Văn Minh")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (f"Đã tổng hợp báo cáo 6 tháng đầu năm 2024 của 3 đơn vị vào {out} (đơn vị tổng "
                                     f"hợp: {HUYEN}).")
    assert result.stderr.splitlines() == [
        f"Lưu ý: Chỉ tiêu 4.1.1: chưa có số liệu của {B}; tổng chỉ gồm các đơn vị có số liệu.",
        "Lưu ý: Chỉ tiêu tỷ lệ nhập tay 3.2.4: không có số thành phần nên không tổng hợp được (để trống, không lấy "
        "trung bình).",
    ]
    back = read_json(out)
    assert back.communes == (A, B, C) and back.indicators["rate.dung_han"] == pytest.approx(100 / 102)
    assert not (tmp_path / "none.sqlite3").exists()  # no database needed, none created


def test_cchc_consolidate_unit_from_the_options(tmp_path: Path, files: list[Path]) -> None:
    out = tmp_path / "tonghop.json"
    result = cchc("consolidate", *map(str, files), "--out", str(out), "--unit-name", "UBND tỉnh Thanh Hóa",
                  "--unit-code", "000.00.00.H56", "--db", str(tmp_path / "none.sqlite3"))
    assert result.returncode == 0, result.stderr
    assert read_json(out).unit == ReportUnit(name="UBND tỉnh Thanh Hóa", code="000.00.00.H56")


def test_cchc_consolidate_refuses_and_writes_nothing(tmp_path: Path, files: list[Path]) -> None:
    q2 = write(tmp_path, "q2.json", report_data("UBND xã Hoằng Lộc", period={
        "from": "2024-04-01", "to": "2024-06-30", "cutoff": "2024-06-15"}))
    out = tmp_path / "tonghop.json"
    result = cchc("consolidate", *map(str, files), str(q2), "--out", str(out), "--db", str(tmp_path / "x.sqlite3"))
    assert result.returncode == 1
    assert result.stderr.startswith(f"Lỗi: Tệp «{q2}» là báo cáo Quý II năm 2024")
    assert result.stdout == "" and not out.exists()
    result = cchc("consolidate", str(files[0]), "--out", str(tmp_path / "x.csv"), "--db", str(tmp_path / "x.sqlite3"))
    assert result.returncode == 1 and "Chỉ ghi được tệp .json, .xlsx, .pdf hoặc .docx" in result.stderr
    result = cchc("consolidate", "--out", str(out))
    assert result.returncode == 2 and "thiếu tham số bắt buộc: BÁO_CÁO.json" in result.stderr
    assert sorted(item.name for item in tmp_path.iterdir()) == ["a.json", "b.json", "c.json", "q2.json"]
