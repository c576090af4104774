"""The audit trail: every change of a record with who, when, before and after, chained by hashes."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from cchc_desktop.domain.records import AuditAction
from cchc_desktop.domain.users import Role
from cchc_desktop.errors import ValidationError
from cchc_desktop.services import database, sessions
from cchc_desktop.services.accounts import AccountService
from cchc_desktop.services.audit_trail import AuditFilter, AuditService, record_label
from cchc_desktop.services.catalogue import load_reference_catalogue
from cchc_desktop.services.imports import ImportService
from cchc_desktop.services.reception import NewDossier, ReceptionService
from cchc_desktop.services.settings import SettingsService
from db import audit
from db.connection import open_db
from tests.tampering import tamper
from tests.unit.test_import_export import row, write_csv

ROOT = Path(__file__).resolve().parents[2]
PROCEDURE = "1.000689"


@pytest.fixture
def desk(db: Database) -> ReceptionService:
    load_reference_catalogue(db)
    SettingsService(db).update(name="UBND xã Hoằng Hợp", code="000.21.31.H56")
    accounts = AccountService(db)
    accounts.create("motcua", "Nguyễn Thị Hương", Role.DESK, "mat-khau-an-toan")
    accounts.sign_in("motcua", "mat-khau-an-toan")
    return ReceptionService(db, clock=lambda: datetime(2025, 3, 3, 9, 0))


def entries(db: Database, **wanted: object) -> list:
    return AuditService(db).page(AuditFilter(**wanted))


def test_a_registration_and_a_status_change_are_logged_with_who_and_what(desk: ReceptionService,
                                                                         db: Database) -> None:
    saved = desk.register(NewDossier(procedure_code=PROCEDURE, applicant_name="Nguyễn Văn Ấn", phone="0912345678"))
    inserted = entries(db, record=saved.code)
    assert [entry.action for entry in inserted] == [AuditAction.INSERT]
    after = json.loads(inserted[0].after)
    assert after["code"] == saved.code and after["applicant_name"] == "Nguyễn Văn Ấn"
    assert inserted[0].actor == "motcua (Nguyễn Thị Hương)"
    assert record_label(inserted[0]) == f"Hồ sơ #{after['id']}"

    desk.correct(saved.code, changes={"phone": "0987654321"}, reason="Người dân đọc nhầm số")
    update = entries(db, record=saved.code, action=AuditAction.UPDATE)[0]
    changed = {name: (before, after) for name, before, after in update.changes}
    assert changed["phone"] == ("0912345678", "0987654321")
    assert "applicant_name" not in changed  # only what changed


def test_an_import_logs_each_new_dossier_as_a_registration_does(desk: ReceptionService, db: Database,
                                                                tmp_path: Path) -> None:
    """The import writes its entries in one pass after the rows, not by the trigger: the same entries."""
    registered = desk.register(NewDossier(procedure_code=PROCEDURE, applicant_name="Nguyễn Văn Ấn"))
    accounts = AccountService(db)
    sessions.begin(db, sessions.LOCAL_ADMIN)
    accounts.create("cchc", "Đỗ Văn Tùng", Role.OFFICER, "mat-khau-an-toan")
    accounts.sign_in("cchc", "mat-khau-an-toan")
    names = ["Trần Thị Bình", "Lê Văn Chí", "Phạm Thị Dung"]
    source = write_csv(tmp_path / "hoso.csv", [row(applicant_name=name, received_at="03/03/2025 08:15")
                                               for name in names])
    ImportService(db, clock=lambda: datetime(2025, 3, 4, 9, 0)).import_dossiers(source)

    logged = {entry.record_id: entry for entry in entries(db, kind="dossier", action=AuditAction.INSERT)}
    stored = {row_id: json.loads(after) for row_id, after in db.execute(
        f"SELECT id, {audit._row_json('dossier', audit._columns(db.conn, 'dossier'), 'dossier')} FROM dossier")}
    assert sorted(logged) == sorted(stored)  # one entry for each dossier, the registered and the imported ones
    registered_id = db.execute("SELECT id FROM dossier WHERE code = ?", [registered.code]).fetchone()[0]
    first = json.loads(logged[registered_id].after)
    for record_id, entry in logged.items():
        after = json.loads(entry.after)
        assert after == stored[record_id] and after.keys() == first.keys()
    assert sorted(json.loads(entry.after)["applicant_name"] for record_id, entry in logged.items()
                  if record_id != registered_id) == sorted(names)
    assert {entry.actor for record_id, entry in logged.items() if record_id != registered_id} == {
        "cchc (Đỗ Văn Tùng)"}
    assert list(audit.broken_links(db.conn)) == []


def test_a_refused_change_leaves_no_entry(desk: ReceptionService, db: Database) -> None:
    count = db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    with pytest.raises(ValidationError):
        desk.register(NewDossier(procedure_code=PROCEDURE, applicant_name="  "))
    assert db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == count


def test_the_log_cannot_be_changed_through_the_program_and_the_chain_holds(desk: ReceptionService,
                                                                          db: Database) -> None:
    desk.register(NewDossier(procedure_code=PROCEDURE, applicant_name="Trần Thị Bình"))
    assert AuditService(db).broken_links() == []
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE audit_log SET actor = 'ai đó' WHERE id = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM audit_log WHERE id = 1")


def test_a_program_without_the_audit_functions_cannot_write_a_record(db_path: Path) -> None:
    plain = sqlite3.connect(db_path)
    try:
        with pytest.raises(sqlite3.OperationalError, match="no such function: cchc_audit_on"):
            plain.execute("INSERT INTO setting (key, value) VALUES ('x', 'y')")
    finally:
        plain.close()




@pytest.mark.parametrize(("sql", "broken"), [
    ("UPDATE audit_log SET actor = 'người khác' WHERE id = 3", 3),
    ("UPDATE audit_log SET after = json_object('value', 'sửa lén') WHERE id = 3", 3),
    ("DELETE FROM audit_log WHERE id = 3", 4),  # the entry after a removed one no longer follows
], ids=["actor", "after", "removed"])
def test_cchc_check_finds_an_edit_of_the_log(desk: ReceptionService, db: Database, db_path: Path,
                                             sql: str, broken: int) -> None:
    for name in ("An", "Bình", "Chi"):
        desk.register(NewDossier(procedure_code=PROCEDURE, applicant_name=f"Nguyễn Văn {name}"))
    db.close()
    assert database.check(db_path).ok
    tamper(db_path, sql)
    report = database.check(db_path)
    assert not report.ok
    assert any("chuỗi mã băm đứt" in problem and f"(số {broken})" in problem
               for problem in report.problems), report.problems
    result = subprocess.run([sys.executable, "-m", "cchc_desktop", "check", "--db", str(db_path)], cwd=ROOT,
                            capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 1 and "nhật ký thay đổi bị sửa ngoài chương trình" in result.stdout + result.stderr


def test_demo_data_is_one_summary_entry_not_one_per_record(demo_path: Path) -> None:
    db = open_db(demo_path)
    try:
        assert db.execute("SELECT count(*) FROM audit_log WHERE table_name = 'dossier'").fetchone()[0] == 0
        summary = db.execute("SELECT after FROM audit_log WHERE after LIKE '%dữ liệu mẫu%'").fetchone()[0]
        assert json.loads(summary)["dữ liệu mẫu"]["hồ sơ"] == 300
        assert AuditService(db).broken_links() == []
    finally:
        db.close()


def test_triggers_follow_the_columns_and_are_restored_when_missing(db_path: Path) -> None:
    db = open_db(db_path)
    expected = audit.expected_triggers(db.conn)
    assert len(expected) == 3 * len(audit.AUDITED_TABLES)
    db.execute("DROP TRIGGER audit_dossier_update")  # a program killed half-way, or a hand edit
    db.close()
    db = open_db(db_path)  # every opening puts them right
    try:
        present = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert set(expected) <= present
        assert audit.sync_triggers(db.conn) == []
    finally:
        db.close()
