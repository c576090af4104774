"""Appendix templates as data (issue 16): the default file and the rows the program uses, the digest that names a
template, hostile files refused with every problem listed and nothing installed, ``cchc template`` end to end,
the template a report records and keeps, the permission to install one, and consolidation by the files' template
(refused across templates; each row by its template's rule)."""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from cchc_desktop.domain import templates
from cchc_desktop.domain.appendix import FORMAT, Rule
from cchc_desktop.domain.periods import parse_period
from cchc_desktop.domain.report import RowSource
from cchc_desktop.domain.templates import MAX_FILE_SIZE, MAX_ROWS, TemplateInvalid, default
from cchc_desktop.domain.users import Role
from cchc_desktop.errors import CchcError, ValidationError
from cchc_desktop.reports.report_json import read_json
from cchc_desktop.services import sessions
from cchc_desktop.services.accounts import AccountService
from cchc_desktop.services.reports import ReportService
from cchc_desktop.services.sessions import PermissionDenied, Session, SessionMode
from cchc_desktop.services.templates import SETTING, TemplateService
from db import audit
from db.connection import open_db
from tests.unit.test_cli import cchc
from tests.unit.test_consolidation import A, B, C, consolidate, problems, report_data, write
from tests.unit.test_reports import configure, finish

NOW = datetime(2024, 6, 30, 16, 0)
Q2 = parse_period("2024-Q2")
OLD_NAME = "Số nhiệm vụ đề ra trong kế hoạch"
NEW_NAME = "Số nhiệm vụ CCHC đề ra trong kế hoạch năm"
PROVINCE = "Phụ lục thống kê CCHC cấp xã của tỉnh Thanh Hóa"
DEFAULT_FILE = templates.reference_dir() / templates.DEFAULT_FILE


def province(**rules: str) -> dict[str, Any]:
    """The default template as a province changes it: its own id and name, row 1.1.1 renamed, and ``rules``
    (key → rule) changed."""
    data = default().data()
    data.update(id="thanh-hoa-2025", name=PROVINCE)
    for row in data["rows"]:
        if row.get("key") == "1.1.1":
            row["name"] = NEW_NAME
        if row.get("key") in rules:
            row["rule"] = rules[row["key"]]
    return data


def file_of(folder: Path, data: object, name: str = "mau.json") -> Path:
    return write(folder, name, data)


def stored_template(db: Database) -> str | None:
    found = db.execute("SELECT value FROM setting WHERE key = ?", [SETTING]).fetchone()
    return found[0] if found else None


def row_named(rows: Any, key: str) -> Any:
    return next(row for row in rows if row.key == key)


# -- the default template ------------------------------------------------------------------------------------------


def test_the_default_file_is_the_default_template() -> None:
    text = DEFAULT_FILE.read_text(encoding="utf-8")
    data = json.loads(text)
    assert (data["format"], data["id"]) == (FORMAT, "phu-luc-01b")
    assert data["name"] == ("Phụ lục 01b: Thống kê số liệu kết quả thực hiện công tác cải cách hành chính của UBND "
                            "cấp xã")
    template = default()
    assert data["rows"] == [row.data() for row in template.rows]
    assert len(template.rows) == 80 and len(template.computed_keys) == 35 and len(template.manual_keys) == 25
    # the file is written the way dumps writes it (one row a line), so an export of the default is the file itself
    assert templates.dumps(template) == text
    assert sum(1 for line in text.splitlines() if line.startswith('    {"number"')) == len(template.rows)
    # the rules the issue names: procedures of the common catalogue are not added up
    assert {key: template.by_key[key].rule for key in ("3.1.3", "3.2.1", "3.2.2", "3.2.3", "7.5.1", "7.5.2")} == \
        dict.fromkeys(("3.1.3", "3.2.1", "3.2.2", "3.2.3", "7.5.1", "7.5.2"), Rule.MAX)
    assert (template.by_key["3.3.1"].rule, template.by_key["1.5"].rule, template.by_key["7.1"].rule,
            template.by_key["1.4.2"].rule, template.by_key["5.4.2"].rule) == (
        Rule.SUM, Rule.YES_COUNT, Rule.MIN, Rule.METHODS, Rule.RECOMPUTE)
    assert template.title == f"{data['name']} (mã {template.digest[:12]})"


def test_dumps_then_loads_gives_the_same_template() -> None:
    template = default()
    again = templates.loads(templates.dumps(template).encode("utf-8"))
    assert again == template and again.digest == template.digest
    # with a byte-order mark, as Notepad saves UTF-8
    assert templates.loads(b"\xef\xbb\xbf" + templates.dumps(template).encode("utf-8")) == template
    changed = templates.parse(province())
    assert templates.loads(templates.dumps(changed).encode("utf-8")).digest == changed.digest


def test_the_digest_follows_the_rows_not_the_layout() -> None:
    template = default()
    data = template.data()
    layouts = [
        json.dumps(data, ensure_ascii=False),
        json.dumps(data, ensure_ascii=True, indent=4),
        json.dumps({"rows": data["rows"], "name": data["name"], "id": data["id"], "format": FORMAT},
                   separators=(",", ":")),
        json.dumps({**data, "rows": [dict(reversed(list(row.items()))) for row in data["rows"]]}),
        "\r\n\t" + json.dumps(data, indent="\t").replace("\n", "\r\n") + "\r\n\r\n",
    ]
    assert {templates.loads(text.encode("utf-8")).digest for text in layouts} == {template.digest}
    # the template's id and name are not its rows
    renamed = templates.parse({**data, "id": "khac", "name": "Tên khác"})
    assert renamed.digest == template.digest and renamed != template
    # defaults written out are the same rows as defaults left out
    explicit = json.loads(json.dumps(data))
    for row in explicit["rows"]:
        if "key" in row:
            row.setdefault("level", 0)
            row.setdefault("kind", "count")
    assert templates.parse(explicit).digest == template.digest
    # names typed decomposed (as a Mac writes them) or with extra spaces are the same words
    retyped = json.loads(json.dumps(data))
    for row in retyped["rows"]:
        row["name"] = "  " + unicodedata.normalize("NFD", row["name"]).replace(" ", "   ") + "\t"
    assert templates.parse(retyped).digest == template.digest
    # a row's name, unit or rule is another template, and so is a row made a heading
    digests = {template.digest}
    for field, value in (("name", NEW_NAME), ("unit", "Việc"), ("rule", "max")):
        changed = json.loads(json.dumps(data))
        next(row for row in changed["rows"] if row.get("key") == "1.1.1")[field] = value
        digests.add(templates.parse(changed).digest)
    headed = [{"number": row["number"], "name": row["name"]} if row.get("key") == "4.1.1" else row
              for row in data["rows"]]
    digests.add(templates.parse({**data, "rows": headed}).digest)
    assert len(digests) == 5
    # a row moved is another template
    moved = json.loads(json.dumps(data))
    moved["rows"][2], moved["rows"][3] = moved["rows"][3], moved["rows"][2]
    assert templates.parse(moved).digest != template.digest


# -- hostile files ----------------------------------------------------------------------------------------------


def hostile() -> dict[str, Any]:
    """Every kind of mistake at once: the wrong format, an unknown rule, a number and a key used twice, a computed
    row of a figure the program does not count, a percentage with codes, a typed-in row of a figure it counts."""
    data = default().data()
    data["format"] = "cchc-appendix-template/2"
    rows = {row["number"]: row for row in data["rows"]}
    rows["1.1.1"]["rule"] = "average"
    rows["1.1.2"]["number"] = "1.1.1"
    rows["1.1.3"]["key"] = "1.1.1"
    data["rows"] += [
        {"number": "8", "name": "Chỉ tiêu riêng của tỉnh"},
        {"number": "8.1", "name": "Số cuộc họp giao ban CCHC", "unit": "Cuộc", "key": "8.1", "source": "C",
         "rule": "sum"},
        {"number": "8.2", "name": "Tỷ lệ hồ sơ điện tử", "unit": "%", "key": "8.2", "source": "M", "kind": "percent",
         "codes": [0, 1], "rule": "none"},
        {"number": "8.3", "name": "Số hồ sơ quá hạn (gõ tay)", "unit": "Hồ sơ", "key": "hs.qua_han", "source": "M",
         "rule": "sum"},
    ]
    return data


def test_a_hostile_template_lists_every_problem_in_vietnamese(tmp_path: Path) -> None:
    with pytest.raises(TemplateInvalid) as caught:
        templates.parse(hostile())
    found = caught.value.problems
    assert found[:6] == (
        '«format» phải là "cchc-appendix-template/1" (đang ghi "cchc-appendix-template/2").',
        'Dòng 3 trong «rows» (1.1.1): «rule» (cách tổng hợp) phải là một trong sum, max, min, đang ghi "average".',
        "Dòng 4 trong «rows» (1.1.1): số thứ tự «1.1.1» trùng với Dòng 3 trong «rows» (1.1.1).",
        'Dòng 5 trong «rows» (1.1.3): «key» "1.1.1" trùng với Dòng 3 trong «rows» (1.1.1).',
        "Dòng 82 trong «rows» (8.1): chương trình không tính chỉ tiêu «8.1» từ dữ liệu; dòng nhập tay mỗi kỳ hãy ghi "
        '«source»: "M".',
        'Dòng 83 trong «rows» (8.2): chỉ dòng «kind»: "code" mới ghi «codes».',
    )
    assert found[6:] == (
        "Dòng 84 trong «rows» (8.3): chỉ tiêu «hs.qua_han» được tính từ dữ liệu, không nhập tay: hãy ghi «source»: "
        '"C".',
        "Các chỉ tiêu chương trình tính được từ dữ liệu: 1.1.1, 1.1.2, 1.1.3, 1.2.1, 1.2.2, 1.2.3, 1.3.1, 1.3.2, "
        "1.3.3, 1.4.1, 1.4.2, 3.1.3, 3.2.1, 3.2.2, 3.2.3, 3.2.6, 3.3.1, 3.3.1.bcci, 3.3.1.truc_tiep, "
        "3.3.1.truc_tuyen_mot_phan, 3.3.1.truc_tuyen_toan_trinh, 3.3.2, 3.3.2.bcci, 3.3.2.dung_han, 3.3.2.tre_han, "
        "3.3.2.truc_tiep, 3.3.2.truc_tuyen_mot_phan, 3.3.2.truc_tuyen_toan_trinh, 3.3.2.truoc_han, 3.3.3, 3.3.4, "
        "3.4.3, 3.5, 5.4.2, 5.4.5, 5.4.6, 7.5.1, 7.5.2, hs.cho_bo_sung, hs.chua_den_han, hs.chuyen_don_vi_khac, "
        "hs.da_giai_quyet, hs.dang_giai_quyet, hs.khong_dia_gioi, hs.ky_truoc, hs.phai_giai_quyet, hs.qua_han, "
        "hs.rut, hs.so_hoa, ks.hai_long, ktra.don_vi, ktra.don_vi_kiem_tra.",
    )
    assert str(caught.value).splitlines() == [f"Mẫu phụ lục không dùng được, có {len(found)} lỗi:",
                                              *(f"- {problem}" for problem in found)]


@pytest.mark.parametrize(("raw", "problem"), [
    (b'{"format": "cchc-appendix-template/1", "rows": [', "Tệp không phải là JSON hợp lệ (dòng 1, cột 49)."),
    (b"Stt;Chi tieu;Don vi\n1;Ke hoach;Nhiem vu\n", "Tệp không phải là JSON hợp lệ (dòng 1, cột 1)."),
    (b"", "Tệp không phải là JSON hợp lệ (dòng 1, cột 1)."),
    ("{\"name\": \"Đơn\"}".encode("cp1258"), "Tệp không phải là văn bản UTF-8."),
    (b'{"format": NaN}', "Tệp có giá trị không phải là số hợp lệ của JSON."),
    (b'{"format": ' + b"9" * 5000 + b"}", "Tệp có giá trị không phải là số hợp lệ của JSON."),
    (b"[" * 100_000, "Tệp có các mục lồng nhau quá sâu, không phải là mẫu phụ lục."),
    (b'["rows"]', "Tệp phải là một mục JSON {…} có format, id, name, rows."),
    (b" " * MAX_FILE_SIZE + b"{}", "Tệp lớn hơn 1 MB, không phải là mẫu phụ lục."),
])
def test_a_file_that_is_no_template(raw: bytes, problem: str) -> None:
    with pytest.raises(TemplateInvalid) as caught:
        templates.loads(raw)
    assert caught.value.problems == (problem,)
    assert str(caught.value) == f"Mẫu phụ lục không dùng được, có 1 lỗi:\n- {problem}"


def test_too_many_rows_and_too_many_problems() -> None:
    rows = [{"number": str(n), "name": f"Mục {n}"} for n in range(1, MAX_ROWS + 2)]
    data = {"format": FORMAT, "id": "dai", "name": "Mẫu dài", "rows": rows}
    with pytest.raises(TemplateInvalid) as caught:
        templates.parse(data)
    assert caught.value.problems == (f"Mẫu có {MAX_ROWS + 1} dòng, nhiều hơn {MAX_ROWS} dòng.",)
    # within the limit, every row wrong: each problem counted, the first 30 shown
    data["rows"] = [{"number": "1", "name": "", "key": "x y", "source": "X", "rule": "sum"}] * 40
    with pytest.raises(TemplateInvalid) as caught:
        templates.parse(data)
    lines = str(caught.value).splitlines()
    assert lines[0] == f"Mẫu phụ lục không dùng được, có {len(caught.value.problems)} lỗi:"
    assert len(lines) == 1 + 30 + 1
    assert lines[-1] == f"- … và {len(caught.value.problems) - 30} lỗi khác."
    assert "Dòng 1 trong «rows» (1): chưa có tên chỉ tiêu («name»)." in caught.value.problems


def test_a_bad_file_installs_nothing(db: Database, tmp_path: Path) -> None:
    service = TemplateService(db)
    installed = service.install(file_of(tmp_path, province(), "tinh.json"))
    assert installed.changed and installed.now.template.name == PROVINCE
    before = stored_template(db)
    assert before is not None and PROVINCE in before
    bad_files = {
        "hostile.json": json.dumps(hostile(), ensure_ascii=False),
        "broken.json": "{",
        "huge.json": " " * (MAX_FILE_SIZE + 1),
        "many.json": json.dumps({"format": FORMAT, "id": "dai", "name": "Dài", "rows": [
            {"number": str(n), "name": "x"} for n in range(MAX_ROWS + 1)]}),
    }
    for name, text in bad_files.items():
        path = file_of(tmp_path, text, name)
        with pytest.raises(TemplateInvalid) as caught:
            service.install(path)
        assert str(caught.value).startswith(
            f"Tệp «{path}» không phải là mẫu phụ lục dùng được, có {len(caught.value.problems)} lỗi; chưa cài gì:\n- ")
        assert stored_template(db) == before, name
        assert service.current().name == PROVINCE and service.current().by_key["1.1.1"].name == NEW_NAME
    hostile_path = tmp_path / "hostile.json"
    with pytest.raises(TemplateInvalid) as caught:
        service.install(hostile_path)
    assert len(caught.value.problems) == 8
    # not a template at all: a folder, the database itself, a file that is not there
    with pytest.raises(CchcError) as caught_error:
        service.install(tmp_path)
    assert str(caught_error.value) == f"«{tmp_path}» là một thư mục, không phải là tệp mẫu phụ lục (.json)."
    db_file = Path(db.execute("PRAGMA database_list").fetchone()[2])
    with pytest.raises(CchcError) as caught_error:
        service.install(db_file)
    assert str(caught_error.value) == (f"Tệp «{db_file}» là cơ sở dữ liệu (hoặc tệp đi kèm của nó), không phải là "
                                       "mẫu phụ lục (.json); chưa cài gì.")
    with pytest.raises(CchcError) as caught_error:
        service.install(tmp_path / "khong-co.json")
    assert str(caught_error.value) == f"Không tìm thấy tệp «{tmp_path / 'khong-co.json'}»."
    assert stored_template(db) == before


def test_a_template_broken_inside_the_database_is_named_and_can_be_replaced(db: Database, tmp_path: Path) -> None:
    with audit.suspended(db), db.atomic():
        db.execute("INSERT INTO setting (key, value) VALUES (?, ?)", [SETTING, '{"format": "x"}'])
    with pytest.raises(CchcError) as caught:
        TemplateService(db).in_use()
    assert str(caught.value).startswith("Mẫu phụ lục đã cài trong cơ sở dữ liệu bị hỏng («format» phải là ")
    assert str(caught.value).endswith("Hãy cài lại mẫu: cchc template install TỆP (hoặc --default để dùng mẫu mặc "
                                      "định).")
    # as the message says, installing again mends it: a file, or the default
    installed = TemplateService(db).install(file_of(tmp_path, province(), "tinh.json"))
    assert installed.changed and installed.now.template.name == PROVINCE
    assert installed.before.description == "mẫu đã cài bị hỏng trong cơ sở dữ liệu"
    with audit.suspended(db), db.atomic():
        db.execute("UPDATE setting SET value = '{' WHERE key = ?", [SETTING])
    installed = TemplateService(db).install_default()
    assert installed.changed and installed.now.default and installed.now.template == default()
    assert stored_template(db) is None and TemplateService(db).in_use().default


# -- the command line --------------------------------------------------------------------------------------------


def test_cchc_template_export_edit_install_and_back(db_path: Path, tmp_path: Path) -> None:
    exported = tmp_path / "mau.json"
    result = cchc("template", "export", str(exported), "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Đã ghi mẫu phụ lục {default().title} vào {exported}."
    assert exported.read_text(encoding="utf-8") == DEFAULT_FILE.read_text(encoding="utf-8")

    data = json.loads(exported.read_text(encoding="utf-8"))
    data.update(id="thanh-hoa-2025", name=PROVINCE)
    next(row for row in data["rows"] if row.get("key") == "1.1.1")["name"] = NEW_NAME
    exported.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    ours = templates.loads(exported.read_bytes())
    result = cchc("template", "install", str(exported), "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"Đã cài mẫu phụ lục {PROVINCE} (mã {ours.short_digest}), mẫu đã cài: 80 dòng, 25 dòng nhập tay; dùng cho "
        f"các báo cáo lập từ nay (báo cáo đã xuất giữ mẫu đã dùng). Mẫu trước: {default().title}, mẫu mặc định.")
    assert ours.short_digest != default().short_digest

    shown = cchc("template", "show", "--db", str(db_path))
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[:2] == [f"Mẫu phụ lục đang dùng: {PROVINCE} (mã {ours.short_digest}), mẫu đã cài.",
                         "80 dòng: 35 tính từ dữ liệu (C), 25 nhập tay (M)."]
    assert f"1.1.1\t{NEW_NAME}\tNhiệm vụ\t1.1.1\tC\tsum" in lines
    assert "3.1.3\tTổng số TTHC đang áp dụng\tThủ tục\t3.1.3\tC\tmax" in lines
    assert not any(OLD_NAME in line for line in lines)

    # the same file again: nothing changes
    again = cchc("template", "install", str(exported), "--db", str(db_path))
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == (f"Mẫu phụ lục đang dùng đã là {PROVINCE} (mã {ours.short_digest}), mẫu đã cài: "
                                    "không thay đổi gì.")

    # a report drafted now has the new row
    db = open_db(db_path)
    try:
        configure(db)
        document = ReportService(db, clock=lambda: NOW).draft(period=Q2)
        assert row_named(document.appendix, "1.1.1").name == NEW_NAME
        assert document.template == ours
    finally:
        db.close()

    back = cchc("template", "install", "--default", "--db", str(db_path))
    assert back.returncode == 0, back.stderr
    assert back.stdout.strip() == (
        f"Đã cài mẫu phụ lục {default().title}, mẫu mặc định: 80 dòng, 25 dòng nhập tay; dùng cho các báo cáo lập từ "
        f"nay (báo cáo đã xuất giữ mẫu đã dùng). Mẫu trước: {PROVINCE} (mã {ours.short_digest}), mẫu đã cài.")
    shown = cchc("template", "show", "--db", str(db_path)).stdout.splitlines()
    assert shown[0] == f"Mẫu phụ lục đang dùng: {default().title}, mẫu mặc định."
    assert f"1.1.1\t{OLD_NAME}\tNhiệm vụ\t1.1.1\tC\tsum" in shown
    again = cchc("template", "install", "--default", "--db", str(db_path))
    assert again.stdout.strip() == f"Mẫu phụ lục đang dùng đã là {default().title}, mẫu mặc định: không thay đổi gì."
    # the default file itself, installed over the default, changes nothing either
    again = cchc("template", "install", str(DEFAULT_FILE), "--db", str(db_path))
    assert again.returncode == 0 and "không thay đổi gì" in again.stdout
    db = open_db(db_path)
    try:
        assert stored_template(db) is None
        assert row_named(ReportService(db, clock=lambda: NOW).draft(period=Q2).appendix, "1.1.1").name == OLD_NAME
    finally:
        db.close()


def test_cchc_template_install_refuses_a_bad_file(db_path: Path, tmp_path: Path) -> None:
    path = file_of(tmp_path, hostile(), "hostile.json")
    result = cchc("template", "install", str(path), "--db", str(db_path))
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == f"Lỗi: Tệp «{path}» không phải là mẫu phụ lục dùng được, có 8 lỗi; chưa cài gì:"
    assert lines[1:3] == ['- «format» phải là "cchc-appendix-template/1" (đang ghi "cchc-appendix-template/2").',
                          '- Dòng 3 trong «rows» (1.1.1): «rule» (cách tổng hợp) phải là một trong sum, max, min, '
                          'đang ghi "average".']
    assert len(lines) == 9
    shown = cchc("template", "show", "--db", str(db_path))
    assert shown.stdout.splitlines()[0] == f"Mẫu phụ lục đang dùng: {default().title}, mẫu mặc định."
    # no file and no --default is a usage error
    usage = cchc("template", "install", "--db", str(db_path))
    assert usage.returncode == 2 and "Lỗi:" in usage.stderr


def test_installing_needs_the_settings_right(db: Database, tmp_path: Path, demo_path: Path) -> None:
    path = file_of(tmp_path, province(), "tinh.json")
    assert TemplateService.install.permission is sessions.Permission.SETTINGS
    assert TemplateService.install_default.permission is sessions.Permission.SETTINGS
    accounts = AccountService(db)
    officer = accounts.create("cchc", "Lê Thị Thu", Role.OFFICER, "mat-khau-dai-1")
    sessions.begin(db, Session(user=officer, mode=SessionMode.LOGIN))
    service = TemplateService(db)
    with pytest.raises(PermissionDenied) as caught:
        service.install(path)
    assert str(caught.value) == ("Tài khoản cchc (Công chức phụ trách CCHC) không có quyền «Cài đặt đơn vị, sao lưu, "
                                 "khôi phục». Hãy đăng nhập bằng tài khoản có quyền này hoặc đề nghị quản trị hệ "
                                 "thống cấp quyền.")
    with pytest.raises(PermissionDenied):
        service.install_default()
    assert stored_template(db) is None and service.in_use().default  # reading is open to everyone
    assert service.export(tmp_path / "doc.json") == default()
    sessions.begin(db, sessions.LOCAL_ADMIN)
    assert service.install(path).changed

    # the command line: the reform officer of the demo is refused, its admin installs
    refused = cchc("template", "install", str(path), "--db", str(demo_path), "--user", "cchc")
    assert refused.returncode == 1
    assert refused.stderr.startswith("Lỗi: Tài khoản cchc (") and "«Cài đặt đơn vị, sao lưu, khôi phục»" in \
        refused.stderr
    assert "mẫu mặc định" in cchc("template", "show", "--db", str(demo_path), "--user", "cchc").stdout
    allowed = cchc("template", "install", str(path), "--db", str(demo_path), "--user", "quantri")
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.startswith(f"Đã cài mẫu phụ lục {PROVINCE} (mã ")


# -- reports record their template -------------------------------------------------------------------------------


def test_a_report_keeps_the_template_it_was_sent_with(db: Database, tmp_path: Path) -> None:
    configure(db)
    service = ReportService(db, clock=lambda: NOW, user_id=None)
    finish(service, "2024-Q2")
    document = service.draft(period=Q2, number="45/BC-UBND")
    assert document.template == default()
    first = service.export(document, fmt="json", target=tmp_path / "v1.json")
    data = json.loads((tmp_path / "v1.json").read_text(encoding="utf-8"))
    assert data["template"] == default().data(with_digest=True)
    assert (data["template"]["id"], data["template"]["hash"]) == ("phu-luc-01b", default().digest)

    ours = TemplateService(db).install(file_of(tmp_path, province(**{"3.1.3": "sum"}), "tinh.json")).now.template
    # the report sent keeps its rows and its template
    reopened = service.reopen(first.id)
    assert reopened.template == default()
    assert reopened.appendix == document.appendix
    assert row_named(reopened.appendix, "1.1.1").name == OLD_NAME
    # a draft now follows the new template: another report, so the next version
    fresh = service.draft(period=Q2, number="45/BC-UBND")
    assert fresh.template == ours and row_named(fresh.appendix, "1.1.1").name == NEW_NAME
    assert fresh.indicators == document.indicators and fresh.version == 2
    second = service.export(fresh, fmt="json", target=tmp_path / "v2.json")
    assert second.version == 2
    data = json.loads((tmp_path / "v2.json").read_text(encoding="utf-8"))
    assert (data["template"]["id"], data["template"]["name"], data["template"]["hash"]) == (
        "thanh-hoa-2025", PROVINCE, ours.digest)
    assert read_json(tmp_path / "v2.json").template == ours
    assert read_json(tmp_path / "v1.json").template == default()
    assert [record.version for record in service.history("2024-Q2")] == [2, 1]
    # the first version, reopened and exported again, is still the first, with its template
    again = service.export(service.reopen(first.id), fmt="json", target=tmp_path / "again.json")
    assert again.version == 1
    assert json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))["template"]["hash"] == default().digest
    assert service.reopen(second.id).template == ours

    # back to the default: the same report as version 1 again, not a third
    TemplateService(db).install_default()
    assert service.draft(period=Q2, number="45/BC-UBND").version == 1


def test_a_report_frozen_before_templates_followed_the_default(db: Database, tmp_path: Path) -> None:
    configure(db)
    service = ReportService(db, clock=lambda: NOW, user_id=None)
    finish(service, "2024-Q2")
    document = service.draft(period=Q2, number="45/BC-UBND")
    first = service.export(document, fmt="json", target=tmp_path / "v1.json")
    with audit.suspended(db), db.atomic():
        db.execute("UPDATE report SET figures = json_remove(figures, '$.template')")
    assert "template" not in json.loads(db.execute("SELECT figures FROM report").fetchone()[0])
    reopened = service.reopen(first.id)
    assert reopened.template == default() and reopened.appendix == document.appendix
    assert service.draft(period=Q2, number="45/BC-UBND").version == 1


def test_a_new_typed_in_row_and_a_row_left_out(db: Database, tmp_path: Path) -> None:
    """A row the province adds is typed in and must be filled before sending; a row it drops keeps the value
    typed for it, which comes back with the default."""
    configure(db)
    service = ReportService(db, clock=lambda: NOW, user_id=None)
    finish(service, "2024-Q2")
    service.set_manual(period_key="2024-Q2", indicator="4.1.1", text="17")
    data = default().data()
    data.update(id="thanh-hoa-2025", name=PROVINCE)
    data["rows"] = [row for row in data["rows"] if row.get("key") != "4.1.1"] + [
        {"number": "8", "name": "Chỉ tiêu riêng của tỉnh"},
        {"number": "8.1", "name": "Số cuộc họp giao ban CCHC", "unit": "Cuộc", "key": "8.1", "source": "M",
         "rule": "sum"},
    ]
    TemplateService(db).install(file_of(tmp_path, data, "tinh.json"))
    draft = service.draft(period=Q2, number="45/BC-UBND")
    new_row = row_named(draft.appendix, "8.1")
    assert (new_row.name, new_row.source, new_row.value) == ("Số cuộc họp giao ban CCHC", RowSource.MANUAL, None)
    assert not any(row.key == "4.1.1" for row in draft.appendix)
    assert [gap.text for gap in service.gaps(draft)] == [
        "Dòng 8.1 (Số cuộc họp giao ban CCHC): chưa nhập số liệu."]
    with pytest.raises(ValidationError) as caught:
        service.set_manual(period_key="2024-Q2", indicator="4.1.1", text="18")
    assert caught.value.errors == {"indicator": "Phụ lục không có dòng «4.1.1»."}
    assert service.set_manual(period_key="2024-Q2", indicator="8.1", text="4") == 4
    assert row_named(service.draft(period=Q2).appendix, "8.1").value == 4
    TemplateService(db).install_default()
    assert row_named(service.draft(period=Q2).appendix, "4.1.1").value == 17


# -- consolidation ---------------------------------------------------------------------------------------------


def with_template(name: str, template: Any, **figures: object) -> dict[str, object]:
    data = report_data(name)
    if template is not None:
        data["template"] = template.data(with_digest=True)
    data["indicators"].update(figures)
    data["sources"].update(dict.fromkeys(figures, "computed"))
    return data


def test_files_of_different_templates_are_refused(tmp_path: Path) -> None:
    ours = templates.parse(province())
    a = write(tmp_path, "a.json", with_template(A, default()))
    b = write(tmp_path, "b.json", with_template(B, ours))
    c = write(tmp_path, "c.json", with_template(C, None))  # made before templates: the default
    assert problems([a, b, c]) == [
        f"Tệp «{b}» lập theo mẫu phụ lục «{PROVINCE} (mã {ours.short_digest})», khác mẫu của tệp «{a}» "
        f"(«{default().title}»): chỉ tổng hợp được các báo cáo cùng mẫu phụ lục. Hãy đề nghị đơn vị cài đúng mẫu "
        "phụ lục (cchc template install) rồi xuất lại báo cáo."]
    # a file without «template» is read as the default, and adds up with files that name it
    assert read_json(c).template == default()
    result = consolidate([a, c])
    assert result.document.communes == (A, C) and result.document.template == default()
    # the same rows under another name are the same template
    renamed = templates.parse({**default().data(), "id": "ban-sao", "name": "Bản sao của Phụ lục 01b"})
    d = write(tmp_path, "d.json", with_template(B, renamed))
    assert consolidate([a, d, c]).document.communes == (A, B, C)
    # a template whose rows were changed after its hash was written is refused
    tampered = with_template(B, ours)
    tampered["template"]["rows"][2]["rule"] = "max"
    e = write(tmp_path, "e.json", tampered)
    [message] = problems([a, e])
    assert message == (f"Tệp «{e}»: mẫu phụ lục («template») không dùng được: Mã băm «hash» của mẫu không khớp với các "
                       "dòng: mẫu đã bị sửa sau khi lập. Hãy đề nghị đơn vị xuất lại báo cáo.")


def test_a_max_row_takes_the_largest_and_says_so(tmp_path: Path) -> None:
    paths = [write(tmp_path, f"{name}.json", with_template(unit, None, **{"3.1.3": count, "7.5.2": 30}))
             for name, unit, count in (("a", A, 207), ("b", B, 205), ("c", C, 207))]
    result = consolidate(paths)
    values = result.document.indicators
    assert (values["3.1.3"], values["7.5.2"]) == (207, 30)  # not 619 and 90
    assert values["3.3.1"] == 102  # a count is still added up
    assert (result.combined["3.1.3"], result.combined["3.3.1"]) == (Rule.MAX, Rule.SUM)
    assert result.spread == {"3.1.3": (205, 207)}
    assert ("Chỉ tiêu 3.1.3: các đơn vị báo cáo khác nhau (từ 205 đến 207); đây là số thủ tục theo danh mục chung "
            "nên lấy số lớn nhất (207), không cộng.") in result.notes
    assert row_named(result.document.appendix, "3.1.3").value == 207


def test_the_files_template_decides_how_a_row_adds_up(tmp_path: Path) -> None:
    """A province whose template adds 3.1.3 up: the sum follows the files' template, not the program's default."""
    ours = templates.parse(province(**{"3.1.3": "sum"}))
    paths = [write(tmp_path, f"{name}.json", with_template(unit, ours, **{"3.1.3": count}))
             for name, unit, count in (("a", A, 207), ("b", B, 205), ("c", C, 207))]
    result = consolidate(paths)
    assert result.document.indicators["3.1.3"] == 619 and result.spread == {}
    assert result.document.template == ours
    assert row_named(result.document.appendix, "1.1.1").name == NEW_NAME
    # the district's file carries the province's template on
    from cchc_desktop.reports.report_json import write_json

    district = write_json(result.document, tmp_path / "huyen.json")
    assert read_json(district).template == ours


# -- the default template against seed 002's printed appendix (issue 16, part 6) --------------------------------

SEED_ROWS = Path(__file__).resolve().parents[1] / "data" / "seed_002_appendix.tsv"
# Where the default template words a row otherwise than the seed, and why (domain/appendix.py says the same):
# the two-level local government since 1/7/2025 (no district: «cấp trên»), the names of Nghị định 42/2022 for the
# online levels, a unit where the seed writes «nt» or none, the seed's typo «Số thu/» and its unnamed quality
# system. Punctuation, case and the «;» between codes are not differences.
CHANGED_FROM_SEED = {
    ("1.3", "name"): "Thực hiện nhiệm vụ cấp trên giao",
    ("1.4.1", "unit"): "Phiếu",
    ("3.3.1.truc_tuyen_mot_phan", "name"): "Tiếp nhận trực tuyến một phần",
    ("3.3.1.truc_tuyen_toan_trinh", "name"): "Tiếp nhận trực tuyến toàn trình",
    **{(f"3.3.2.{part}", "unit"): "Số lượng hồ sơ" for part in ("truc_tiep", "bcci", "truc_tuyen_mot_phan",
                                                                 "truc_tuyen_toan_trinh")},
    ("3.3.2.truc_tuyen_mot_phan", "name"): "Giải quyết trực tuyến một phần",
    ("3.3.2.truc_tuyen_toan_trinh", "name"): "Giải quyết trực tuyến toàn trình",
    ("3.5", "name"): "Số thư/trường hợp đã công khai xin lỗi",
    ("3.5", "unit"): "Thư",
    ("7.2", "unit"): "",  # a heading: its unit belongs to its rows
    ("7.2.1", "name"): "Thực hiện kết nối, liên thông các Hệ thống quản lý văn bản điều hành từ tỉnh đến cấp xã",
    ("7.4.1", "name"): "Kết nối liên thông với Hệ thống một cửa điện tử cấp trên",
    ("7.5.1", "name"): "Tổng số TTHC cung cấp dịch vụ công trực tuyến một phần",
    ("7.5.2", "name"): "Tổng số TTHC cung cấp dịch vụ công trực tuyến toàn trình",
    ("7.6", "name"): "Thực hiện duy trì, áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015 tại UBND cấp xã",
}


def _words(text: str) -> str:
    """A label without case, punctuation or spacing (its diacritics kept: «thu» is not «thư»)."""
    text = unicodedata.normalize("NFC", text).lower().replace("/", " ")
    return " ".join(text.translate(str.maketrans("", "", ",.;:()")).split())


def test_the_default_template_is_seed_002s_appendix_row_by_row() -> None:
    """Numbering, labels and units of every row against the seed as printed: the same 80 rows in the same order,
    and no difference but the ones named (a row renamed by mistake, or a unit dropped, fails here)."""
    seed = [line.split("\t") for line in SEED_ROWS.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    ours = default().rows
    assert [number for number, _name, _unit in seed] == [row.number for row in ours]
    found = {}
    for (_number, name, unit), row in zip(seed, ours, strict=True):
        where = row.key or row.number
        if _words(name) != _words(row.name):
            found[where, "name"] = row.name
        if _words(unit) != _words(row.unit):
            found[where, "unit"] = row.unit
    assert found == CHANGED_FROM_SEED
    # the figures the seed's commune typed in (no record gives them) are the template's typed-in rows, by name
    assert [row.label for row in ours if row.key and not row.computed][:4] == [
        "1.5 (Tổ chức đối thoại của lãnh đạo với người dân, cộng đồng doanh nghiệp trên địa bàn)",
        "2.1 (Số VBQPPL đã ban hành/tham mưu ban hành)", "2.2 (Số VBQPPL đã kiểm tra theo thẩm quyền)",
        "2.3 (Số VBQPPL đã rà soát)"]
    assert {"4.1.1", "4.1.2", "4.1.3", "3.1.1", "3.1.2", "5.4.1", "7.2.3"} <= set(default().manual_keys)
