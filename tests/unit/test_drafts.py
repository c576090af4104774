"""Drafts of forms being typed: kept per form and account, replaced by the next save, gone when discarded,
committed at once (a process killed right after a save leaves its draft in the file), never audited."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from cchc_desktop.domain.users import Role, User
from cchc_desktop.services import sessions
from cchc_desktop.services.accounts import AccountService
from cchc_desktop.services.drafts import Draft, DraftService
from cchc_desktop.services.sessions import Session, SessionMode
from db.connection import open_db

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2024, 6, 4, 9, 30, 15, 123456)
TYPED = {
    "procedure": "1.000689 — Thủ tục đăng ký khai sinh kết hợp",
    "applicant_name": "Nguyễn Thị Ưng",
    "address": "Thôn 3, xã Hoằng Hợp, Đắk Lắk",
    "sets": 2,
    "documents": ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"],
    "scores": {"overall": 4, "1.1": 5},
    "received_on": "2024-06-04",
}


@pytest.fixture
def drafts(db: Database) -> DraftService:
    return DraftService(db, clock=lambda: NOW)


def sign_in(db: Database, user: User) -> None:
    sessions.begin(db, Session(user=user, mode=SessionMode.LOGIN))


def test_a_saved_draft_comes_back_as_typed(drafts: DraftService) -> None:
    assert drafts.load("reception") is None
    saved = drafts.save("reception", TYPED)
    assert saved == Draft(datetime(2024, 6, 4, 9, 30, 15), TYPED)
    assert drafts.load("reception") == saved


def test_saving_again_replaces_the_draft(db: Database, drafts: DraftService) -> None:
    drafts.save("reception", {"applicant_name": "Nguyễn"})
    later = DraftService(db, clock=lambda: datetime(2024, 6, 4, 9, 31))
    later.save("reception", {"applicant_name": "Nguyễn Văn Ấn"})
    assert drafts.load("reception") == Draft(datetime(2024, 6, 4, 9, 31), {"applicant_name": "Nguyễn Văn Ấn"})
    assert db.execute("SELECT count(*) FROM form_draft").fetchone()[0] == 1


def test_each_form_has_its_own_draft_and_discarding_one_leaves_the_other(drafts: DraftService) -> None:
    drafts.save("reception", {"applicant_name": "Trần Thị Bình"})
    drafts.save("survey", {"comment": "Cán bộ nhiệt tình"})
    assert drafts.discard("reception") is True
    assert drafts.discard("reception") is False
    assert drafts.load("reception") is None
    assert drafts.load("survey") is not None and drafts.load("survey").data == {"comment": "Cán bộ nhiệt tình"}


def test_a_draft_belongs_to_the_account_that_typed_it(db: Database, drafts: DraftService) -> None:
    accounts = AccountService(db)
    desk = accounts.create("motcua", "Nguyễn Thị Hương", Role.DESK, "mat-khau-dai-1")
    other = accounts.create("motcua2", "Lê Văn Hùng", Role.DESK, "mat-khau-dai-2")
    drafts.save("reception", {"applicant_name": "không tài khoản"})

    sign_in(db, desk)
    assert drafts.load("reception") is None  # not the draft typed without an account
    drafts.save("reception", {"applicant_name": "của motcua"})
    sign_in(db, other)
    assert drafts.load("reception") is None
    drafts.save("reception", {"applicant_name": "của motcua2"})
    assert drafts.discard("reception") is True

    sign_in(db, desk)
    assert drafts.load("reception").data == {"applicant_name": "của motcua"}
    sessions.begin(db, sessions.LOCAL_ADMIN)
    assert drafts.load("reception").data == {"applicant_name": "không tài khoản"}
    rows = db.execute("SELECT user_key, user_id FROM form_draft ORDER BY user_key").fetchall()
    assert rows == [(0, None), (desk.id, desk.id)]


@pytest.mark.parametrize(("data", "error"), [
    (["not", "a", "mapping"], TypeError),
    ({"when": datetime(2024, 6, 4)}, TypeError),  # dates go in as ISO text
    ({"score": float("nan")}, ValueError),
])
def test_data_that_is_not_json_is_refused_and_nothing_written(db: Database, drafts: DraftService,
                                                             data: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        drafts.save("reception", data)
    assert db.execute("SELECT count(*) FROM form_draft").fetchone()[0] == 0


def test_a_draft_needs_a_form_name(drafts: DraftService) -> None:
    with pytest.raises(ValueError):
        drafts.save("  ", {"comment": "x"})


def test_drafts_are_not_in_the_audit_trail(db: Database, drafts: DraftService) -> None:
    before = db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    drafts.save("reception", {"applicant_name": "Nguyễn Văn Ấn"})
    drafts.save("reception", {"applicant_name": "Nguyễn Văn Ấn Ba"})
    drafts.discard("reception")
    assert db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before


def test_the_schema_keeps_drafts_well_formed(db: Database) -> None:
    insert = "INSERT INTO form_draft (form, user_key, user_id, saved_at, data) VALUES (?, ?, ?, ?, ?)"
    for bad in (["reception", 0, None, "2024-06-04T09:30:00", "{not json"],
                ["reception", 0, None, "2024-06-04T09:30:00", "[1, 2]"],
                ["reception", 7, None, "2024-06-04T09:30:00", "{}"],  # user_key must be the account's id
                ["", 0, None, "2024-06-04T09:30:00", "{}"]):
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            db.execute(insert, bad)
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        db.execute(insert, ["reception", 99, 99, "2024-06-04T09:30:00", "{}"])
    db.execute(insert, ["reception", 0, None, "2024-06-04T09:30:00", "{}"])
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        db.execute(insert, ["reception", 0, None, "2024-06-04T09:31:00", "{}"])
    db.conn.rollback()


def test_a_saved_draft_is_in_the_file_for_another_connection(db: Database, db_path: Path,
                                                             drafts: DraftService) -> None:
    drafts.save("survey", {"dossier_code": "000.21.31.H56-240604-0001"})
    other = open_db(db_path)
    try:
        assert DraftService(other).load("survey").data == {"dossier_code": "000.21.31.H56-240604-0001"}
    finally:
        other.close()


KILLED_WORKER = """
import sys, time
from cchc_desktop.services.drafts import DraftService
from db.connection import open_db

drafts = DraftService(open_db(sys.argv[1]))
for n in range(1, 4):
    drafts.save("reception", {"applicant_name": "Nguyễn Thị Ưng " + str(n), "phone": "0912345678"})
print("SAVED", flush=True)
time.sleep(600)  # typing goes on; the power is cut here
"""


def test_a_draft_survives_a_process_killed_after_saving_it(db_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WORKER, str(db_path)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line == "SAVED\n", line + proc.stderr.read()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    db = open_db(db_path)
    try:
        draft = DraftService(db).load("reception")
    finally:
        db.close()
    assert draft is not None
    assert draft.data == {"applicant_name": "Nguyễn Thị Ưng 3", "phone": "0912345678"}
