"""The office object (issue 17): one open register with its session, clock, services and one write transaction;
what the window and the command line are handed instead of a raw database."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from cchc_desktop.errors import CchcError
from cchc_desktop.office import open_office
from cchc_desktop.services import sessions
from cchc_desktop.services.accounts import LoginRefused
from cchc_desktop.services.catalogue import load_reference_catalogue
from cchc_desktop.services.reception import NewDossier
from tests.conftest import DEMO_PASSWORD, ROOT

NOW = datetime(2024, 6, 4, 9, 30)


def test_a_signed_in_office_records_its_officer_and_its_clock(demo_path: Path) -> None:
    with open_office(demo_path, user="motcua", password=DEMO_PASSWORD, clock=lambda: NOW) as office:
        assert office.session.user is not None and office.session.user.username == "motcua"
        saved = office.reception.register(NewDossier(procedure_code="1.001193", applicant_name="Lê Văn An"))
        row = office.db.execute("SELECT received_by, received_at FROM dossier WHERE id = ?",
                                [saved.dossier_id]).fetchone()
        assert office.session.user_id is not None
        assert row == (office.session.user_id, NOW.isoformat(timespec="minutes"))


def test_the_office_clock_moves_every_service_at_once(db_path: Path) -> None:
    with open_office(db_path, clock=lambda: NOW) as office:
        load_reference_catalogue(office.db)
        office.settings.update(name="UBND xã Hoằng Hợp", code="000.21.31.H56")
        first = office.reception.register(NewDossier(procedure_code="1.001193", applicant_name="Lê Văn An"))
        later = datetime(2026, 3, 10, 9, 30)
        office.clock = lambda: later  # a test's fixed day, set once: the services already built follow it
        second = office.reception.register(NewDossier(procedure_code="1.001193", applicant_name="Lê Văn Bình"))
        assert office.reports.today() == later.date() and office.plans.today() == later.date()
        received = [row[0] for row in office.db.execute(
            "SELECT received_at FROM dossier WHERE id IN (?, ?) ORDER BY id", [first.dossier_id, second.dossier_id])]
    assert received == [NOW.isoformat(timespec="minutes"), later.isoformat(timespec="minutes")]


def test_services_are_built_once_and_share_the_connection(db_path: Path) -> None:
    with open_office(db_path) as office:
        assert office.reception is office.reception
        assert office.reception.db is office.db and office.surveys.db is office.db
        assert office.backups.db_path == db_path and office.backups.session is office.db


def test_without_user_it_is_local_admin_until_a_password_exists(db_path: Path, demo_path: Path) -> None:
    with open_office(db_path) as office:
        assert office.session.mode == sessions.SessionMode.LOCAL_ADMIN
    with pytest.raises(CchcError, match="chỉ chạy khi đăng nhập"):
        open_office(demo_path)  # the demo's accounts have passwords: no local admin mode
    with pytest.raises(LoginRefused):
        open_office(demo_path, user="quantri", password="sai mật khẩu")


def test_a_password_callable_is_asked_only_once_the_file_opened(tmp_path: Path) -> None:
    asked: list[str] = []
    broken = tmp_path / "hong.sqlite3"
    broken.write_bytes(b"not a database at all" * 100)
    with pytest.raises(Exception):  # noqa: B017 (a StorageError; which one is test_open_db's business)
        open_office(broken, user="quantri", password=lambda: asked.append("asked") or DEMO_PASSWORD)
    assert asked == []


def test_the_one_write_transaction_rolls_back_all_or_nothing(db_path: Path) -> None:
    with open_office(db_path) as office:
        with pytest.raises(sqlite3.IntegrityError), office.write():
            office.db.execute("INSERT INTO setting (key, value) VALUES ('x.thu', '1')")
            office.db.execute("INSERT INTO setting (key, value) VALUES ('x.thu', '2')")  # the same key again
        assert office.db.execute("SELECT count(*) FROM setting WHERE key = 'x.thu'").fetchone() == (0,)
        assert not office.db.conn.in_transaction


def test_the_window_and_the_command_line_build_no_service_of_their_own() -> None:
    """Done-means of issue 17: pages and commands ask the office (or, for the consolidation of files, which opens
    no register, the office module's ``consolidation()``)."""
    built = re.compile(r"\b\w+Service\(")
    found = []
    for path in [*sorted((ROOT / "ui").rglob("*.py")), ROOT / "cchc_desktop" / "cli.py"]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if built.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_one_transaction_helper_only() -> None:
    """Done-means of issue 17: no bare ``atomic()`` nor no-op lock statement outside ``db.errors.writing``."""
    found = []
    for folder in ("cchc_desktop", "db", "ui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"atomic\(|take_write_lock", line) and not line.lstrip().startswith("def atomic("):
                    found.append(f"{path.relative_to(ROOT)}:{number}")  # (the handle's definition is no use of it)
    assert len(found) == 1 and found[0].startswith("db/errors.py:"), found


def test_one_insert_of_dossiers() -> None:
    """The desk, the import and the demo write dossiers through one statement builder (their columns differ:
    the desk has no result yet, the demo has fees), ``db.queries.insert_dossier_sql``."""
    found = []
    for folder in ("cchc_desktop", "db"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            found += [f"{path.relative_to(ROOT)}"] * len(re.findall(r"INSERT INTO dossier\b(?!_)", text))
    assert found == ["db/queries/__init__.py"]
