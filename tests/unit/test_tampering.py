"""Each tampering of issue 14's attack, done as someone with the file and the sqlite3 tool or a 20-line Python
script would, and what ``cchc check`` then says (exit 1, naming what changed and since when).

The records are made by the program (the desk, the accounts): records written in bulk without entries (demo
data) are not vouched for by the replay, and are not what these cases tamper with.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from cchc_desktop.domain.users import Role
from cchc_desktop.services import database
from cchc_desktop.services.accounts import AccountService
from cchc_desktop.services.backups import BackupService
from cchc_desktop.services.catalogue import load_reference_catalogue
from cchc_desktop.services.reception import NewDossier, ReceptionService
from cchc_desktop.services.reports import ReportService
from cchc_desktop.services.settings import SettingsService
from db import anchors
from db.connection import backup_folder, open_db
from tests.unit.test_reports import finish

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2024, 6, 4, 9, 30)


@pytest.fixture
def office(db_path: Path) -> Path:
    """A unit with three dossiers registered at the desk and a desk account, all through the program, and a
    check that found it whole (which seals the trail beside the backups)."""
    db = open_db(db_path)
    load_reference_catalogue(db)
    SettingsService(db).update(name="UBND xã Hoằng Hợp", code="000.21.31.H56")
    AccountService(db).create("motcua", "Nguyễn Thị Hương", Role.DESK, "mat-khau-123")
    desk = ReceptionService(db, clock=lambda: NOW)
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Chi"):
        desk.register(NewDossier(procedure_code="1.004873", applicant_name=name, phone="0912345678"))
    db.close()
    assert database.check(db_path).ok
    return db_path


def script(path: Path) -> sqlite3.Connection:
    """Plain sqlite3, as another program: SQL functions of its own where the triggers call ours (the audit
    switched off, entries hashed without the key)."""
    con = sqlite3.connect(path)
    con.create_function("cchc_audit_on", 0, lambda: 0)
    con.create_function("cchc_actor", 0, lambda: "quantri")
    con.create_function("cchc_actor_id", 0, lambda: None)
    con.create_function("cchc_changed", 2, lambda a, b: a)
    con.create_function("cchc_fingerprint", 1, lambda text: text)
    con.create_function("cchc_entry_hash", 8, lambda *parts: hashlib.sha256(
        "\x1f".join("" if part is None else str(part) for part in parts).encode()).hexdigest())
    return con


def attacker(path: Path, *statements: str, functions: bool = True) -> None:
    """``statements`` run and committed by another program (``script``), or by the bare sqlite3 tool."""
    con = script(path) if functions else sqlite3.connect(path)
    with con:
        for statement in statements:
            con.execute(statement)
    con.close()


def checked(path: Path, *anchor_files: Path) -> tuple[int, str]:
    result = subprocess.run([sys.executable, "-m", "cchc_desktop", "check", "--db", str(path),
                             *[part for name in anchor_files for part in ("--anchor", str(name))]],
                            cwd=ROOT, capture_output=True, text=True, check=False, timeout=120)
    return result.returncode, result.stdout + result.stderr


def dossier_id(path: Path, name: str) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT id FROM dossier WHERE applicant_name = ?", [name]).fetchone()[0]
    finally:
        con.close()


def last_entry(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    finally:
        con.close()


GUARDLESS = ("DROP TRIGGER audit_log_no_delete", "DROP TRIGGER audit_log_no_update")


def guards_back() -> tuple[str, ...]:
    from db.audit import GUARDS

    return (GUARDS["audit_log_no_delete"], GUARDS["audit_log_no_update"])


# -- the log cut or rewritten ------------------------------------------------------------------------------


def test_deleting_the_last_entries_is_found_against_the_seal(office: Path) -> None:
    last = last_entry(office)
    attacker(office, *GUARDLESS, f"DELETE FROM audit_log WHERE id > {last - 3}", *guards_back())
    code, said = checked(office)
    assert code == 1
    assert f"nhật ký thay đổi bị cắt: không còn mục số {last} đã được niêm phong lúc" in said
    assert "(niem-phong-nhat-ky.jsonl); mục cuối hiện có là số " + str(last - 3) in said


def test_deleting_the_whole_log_is_found(office: Path) -> None:
    attacker(office, *GUARDLESS, "DELETE FROM audit_log", *guards_back())
    code, said = checked(office)
    assert code == 1 and "nhật ký thay đổi bị cắt" in said


def test_a_cut_is_found_against_a_backup_manifest_and_a_reports_anchor_without_the_seal(office: Path,
                                                                                        tmp_path: Path) -> None:
    db = open_db(office)
    service = ReportService(db)
    finish(service, "2024-H1")  # a report is sent finished, its date and number given
    made = BackupService(office, session=db).backup(folder=office.parent / "backups")
    report = tmp_path / "bao-cao.json"
    service.export(service.draft(period=service.period("2024-H1"), issued_on=date(2024, 7, 5), number="45/BC-UBND"),
                   fmt="json", target=report)
    db.close()
    anchored = json.loads(report.read_text(encoding="utf-8"))["audit"]
    assert anchored["last_id"] > 0 and anchored["head"].startswith("k1:")  # a report carries its anchor
    last = last_entry(office)
    (office.parent / "backups" / anchors.SEAL_FILE).unlink()  # the seal file removed as well
    attacker(office, *GUARDLESS, f"DELETE FROM audit_log WHERE id > {anchored['last_id'] - 2}", *guards_back())
    code, said = checked(office)
    assert code == 1 and f"({made.path.name}.json)" in said  # the copy's manifest still anchors the trail
    anchors.manifest_path(made.path).unlink()
    code, said = checked(office)
    assert code == 1 and "bị cắt" not in said  # no anchor beside the file any more (the records whose entries
    assert "không có trong nhật ký: được thêm ngoài chương trình" in said  # went with the cut still show) ...
    code, said = checked(office, report)  # ... but the report sent upward anchors the trail
    assert code == 1 and f"không còn mục số {anchored['last_id']}" in said and "(bao-cao.json)" in said
    assert last > anchored["last_id"]


def test_an_entry_edited_with_the_chain_recomputed_after_it_is_found(office: Path) -> None:
    """Without the key, recomputing the chain gives plain SHA-256 hashes: unsigned entries after signed ones."""
    con = sqlite3.connect(office)
    rows = con.execute("SELECT id, at, actor, action, table_name, record_id, before, after FROM audit_log"
                       " ORDER BY id").fetchall()
    con.close()
    target = rows[len(rows) // 2][0]
    statements = [*GUARDLESS]
    prev = None
    for entry_id, at, actor, action, table, record_id, before, after in rows:
        if entry_id < target:
            continue
        if entry_id == target:
            actor = "người khác"
            prev_sql = f"(SELECT hash FROM audit_log WHERE id = {entry_id - 1})"
        else:
            prev_sql = f"'{prev}'"
        con = sqlite3.connect(office)
        prev_value = con.execute(f"SELECT {prev_sql}").fetchone()[0] if prev is None else prev
        con.close()
        parts = [prev_value, at, actor, action, table or "", "" if record_id is None else str(record_id),
                 before or "", after or ""]
        digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
        statements.append(f"UPDATE audit_log SET actor = {sql_text(actor)}, prev_hash = {sql_text(prev_value)},"
                          f" hash = '{digest}' WHERE id = {entry_id}")
        prev = digest
    attacker(office, *statements, *guards_back())
    code, said = checked(office)
    assert code == 1 and "chuỗi mã băm đứt" in said and f"(số {target}" in said


def sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def test_a_forged_entry_is_found(office: Path) -> None:
    """An entry appended with the plain chain a script can compute (the program's key is not in the file)."""
    con = sqlite3.connect(office)
    prev = con.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0]
    con.close()
    at, actor, after = "2024-06-04T10:00:00", "quantri (Quản trị)", '{"ghi chú": "đã duyệt"}'
    digest = hashlib.sha256("\x1f".join([prev, at, actor, "other", "", "", "", after]).encode()).hexdigest()
    attacker(office, "INSERT INTO audit_log (at, actor, action, after, prev_hash, hash) VALUES"
                     f" ('{at}', '{actor}', 'other', '{after}', '{prev}', '{digest}')")
    code, said = checked(office)
    assert code == 1 and "chuỗi mã băm đứt" in said and f"(số {last_entry(office)})" in said


# -- records changed behind the trail ---------------------------------------------------------------------


def test_a_dropped_trigger_and_the_edit_made_meanwhile_are_found_and_the_opening_keeps_the_evidence(
        office: Path) -> None:
    record = dossier_id(office, "Trần Thị Bình")
    attacker(office, "DROP TRIGGER audit_dossier_update",
             f"UPDATE dossier SET applicant_name = 'Người Khác' WHERE id = {record}", functions=False)
    code, said = checked(office)
    assert code == 1
    assert "trình kích hoạt của nhật ký bị thay đổi ngoài chương trình: thiếu audit_dossier_update" in said
    assert f"bản ghi dossier số {record} bị sửa ngoài chương trình: applicant_name là «Người Khác», nhật ký ghi " \
           "«Trần Thị Bình»" in said
    reopened = open_db(office)  # the window's start: the trigger put back, and that written into the trail first
    assert database.repaired_at_open(reopened) == {"thiếu": ["audit_dossier_update"]}
    reopened.close()
    code, said = checked(office)
    assert code == 1  # the edit is still there, still unaccounted for ...
    assert "thiếu audit_dossier_update" in said and "đã phát hiện trình kích hoạt bị thay đổi" in said  # ... noted
    assert f"bản ghi dossier số {record} bị sửa ngoài chương trình" in said


def test_an_edit_with_the_trigger_dropped_and_put_back_by_the_intruder_is_found(office: Path) -> None:
    from db.audit import expected_triggers

    con = sqlite3.connect(office)
    trigger = expected_triggers(con)["audit_dossier_update"]
    con.close()
    record = dossier_id(office, "Nguyễn Văn An")
    attacker(office, "DROP TRIGGER audit_dossier_update",
             f"UPDATE dossier SET phone = '0999999999' WHERE id = {record}", trigger, functions=False)
    code, said = checked(office)
    assert code == 1 and "trình kích hoạt" not in said  # the schema looks right again ...
    assert f"bản ghi dossier số {record} bị sửa ngoài chương trình: phone là «0999999999», nhật ký ghi " \
           "«0912345678»" in said  # ... the record does not


def test_a_dossier_inserted_without_its_trigger_is_found(office: Path) -> None:
    attacker(office, "DROP TRIGGER audit_dossier_insert",
             "INSERT INTO dossier (code, procedure_id, applicant_name, applicant_folded, channel, received_at, due_at,"
             " status) VALUES ('000.21.31.H56-240604-0099', 1, 'Ma', 'ma', 'direct', '2024-06-04T09:00',"
             " '2024-06-07T17:00', 'received')", functions=False)
    code, said = checked(office)
    assert code == 1 and "không có trong nhật ký: được thêm ngoài chương trình" in said


def test_the_audit_switched_off_by_a_redefined_function_does_not_hide_a_new_admin(office: Path) -> None:
    attacker(office, "UPDATE user SET role = 'admin' WHERE username = 'motcua'")  # cchc_audit_on() → 0
    code, said = checked(office)
    assert code == 1 and "bản ghi user số " in said and "role là «admin», nhật ký ghi «desk»" in said


def test_the_dossiers_history_is_append_only_and_its_guards_are_watched(office: Path) -> None:
    con = script(office)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("DELETE FROM dossier_event WHERE id = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("UPDATE dossier_event SET reason = 'sửa' WHERE id = 1")
    con.close()
    attacker(office, "DROP TRIGGER dossier_event_no_delete", "DELETE FROM dossier_event WHERE id = 2")
    code, said = checked(office)
    assert code == 1 and "thiếu dossier_event_no_delete" in said
    assert "bản ghi dossier_event số 2 bị xóa ngoài chương trình" in said


def test_dropping_the_logs_guards_is_found_and_not_put_back_silently(office: Path) -> None:
    attacker(office, *GUARDLESS, functions=False)
    code, said = checked(office)
    assert code == 1 and "thiếu audit_log_no_delete, audit_log_no_update" in said
    reopened = open_db(office)
    assert database.repaired_at_open(reopened) == {"thiếu": ["audit_log_no_delete", "audit_log_no_update"]}
    reopened.close()
    code, said = checked(office)
    assert code == 0, said  # put back, nothing else changed meanwhile; the evidence stays in the trail:
    assert "đã phát hiện trình kích hoạt bị thay đổi ngoài chương trình và đặt lại: thiếu audit_log_no_delete" \
           in said


def test_an_exported_pdf_carries_the_trails_anchor_on_every_page(office: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    db = open_db(office)
    service = ReportService(db)
    target = tmp_path / "bao-cao.pdf"
    finish(service, "2024-H1")
    service.export(service.draft(period=service.period("2024-H1"), issued_on=date(2024, 7, 5), number="45/BC-UBND"),
                   fmt="pdf", target=target)
    anchor = anchors.current(db.conn)
    seal = backup_folder(office, db) / anchors.SEAL_FILE
    db.close()
    pages = [" ".join((page.extract_text() or "").split()) for page in PdfReader(target).pages]
    assert len(pages) >= 2
    line = f"Nhật ký thay đổi đến mục số {anchor.last_id - 1} — mã …"  # the export's own entry came after it
    assert all(line in text for text in pages), pages[0][-300:]
    # the export sealed the trail beside the file's backups, with the report's own entry
    last = json.loads(seal.read_text(encoding="utf-8").splitlines()[-1])
    assert (last["last_id"], last["by"]) == (anchor.last_id, "xuất báo cáo")


def test_an_imported_event_edited_outside_the_program_is_found_by_its_ranges_digest(office: Path,
                                                                                     tmp_path: Path) -> None:
    """An import's events follow from its dossiers' dates: one entry anchors them all by their digest."""
    from cchc_desktop.services.imports import ImportService
    from tests.unit.test_import_export import row, write_csv

    source = write_csv(tmp_path / "hoso.csv", [
        row(applicant_name=f"Phạm Văn {n}", received_at="03/05/2024 08:15", resolved_at="06/05/2024 10:00",
            returned_at="07/05/2024 09:00", status="Đã trả kết quả") for n in range(20)])
    db = open_db(office)
    ImportService(db, clock=lambda: NOW).import_dossiers(source)
    db.close()
    assert database.check(office).ok
    con = sqlite3.connect(office)
    event = con.execute("SELECT max(id) FROM dossier_event WHERE kind = 'returned'").fetchone()[0]
    con.close()
    attacker(office, "DROP TRIGGER dossier_event_no_update",
             f"UPDATE dossier_event SET at = '2024-05-06T16:00' WHERE id = {event}",
             "CREATE TRIGGER dossier_event_no_update BEFORE UPDATE ON dossier_event\nBEGIN\n"
             "    SELECT RAISE(ABORT, 'dossier_event is append-only');\nEND")
    code, said = checked(office)
    assert code == 1 and "các bản ghi dossier_event số " in said and "không còn khớp với mã băm" in said
