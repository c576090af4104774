"""Nothing opens the live database file with Python (issue 13): every command of ``cchc``, run in the process
that already has the database open (as the window has), the day's backup thread, a backup and a restore,
inside the trap of ``tests/live_guard.py``. The window's own pages are driven in ``tests/ui/test_live_file.py``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cchc_desktop import cli
from cchc_desktop.office import Office
from cchc_desktop.services import sessions
from cchc_desktop.services.backups import BackupService
from cchc_desktop.services.reports import ReportService
from db.connection import open_db
from tests.conftest import DEMO_ADMIN
from tests.live_guard import watching
from tests.unit.test_reports import finish
from ui.app import start_daily_backup


def test_the_trap_sees_what_open_db_did_before(db_path: Path) -> None:
    """The trap can fail: the header read that lost dossiers (an ``open()`` of the file while connected)."""
    db = open_db(db_path)
    try:
        with watching(db_path) as trap:
            with open(db_path, "rb") as handle:
                handle.read(16)
            Path(f"{db_path}-wal").exists()  # a stat is no descriptor: not recorded
        assert len(trap.calls) == 1 and "test_live_file.py" in trap.calls[0]
    finally:
        db.close()


def _code(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT code FROM dossier ORDER BY id LIMIT 1").fetchone()[0]
    finally:
        con.close()


def _inspection(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return str(con.execute("SELECT min(id) FROM inspection").fetchone()[0])
    finally:
        con.close()


def test_no_command_opens_the_live_file_with_python(demo_path: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    window = open_db(demo_path)  # the window's connection, open throughout
    sessions.begin(window, sessions.LOCAL_ADMIN)
    finish(ReportService(window), "2024-H1")  # the report written in the window, then sent from the command line
    code, inspection = _code(demo_path), _inspection(demo_path)
    out = tmp_path / "out"
    out.mkdir()
    db = ["--db", str(demo_path), *DEMO_ADMIN]
    commands = [
        ["check"], ["migrate", "--list"], ["migrate"], ["audit", "--limit", "5"], ["user", "list"],
        ["plan", "show", "--year", "2024"],
        ["backup"], ["backup", "--to", str(out / "usb")],
        *(["report", "--period", "2024-H1", "--format", fmt, "--out", str(out / f"bc.{fmt}"), "--date", "05/07/2024",
           "--number", "45/BC-UBND"] for fmt in ("json", "pdf", "xlsx", "docx")),
        ["report-value", "--period", "2024-H1", "--row", "4.1.1", "--value", "17"],
        ["export", "dossiers", str(out / "hoso.csv"), "--reason", "kiểm thử dữ liệu"],
        ["export", "dossiers", str(out / "hoso.xlsx"), "--reason", "kiểm thử dữ liệu", "--period", "2024-Q1"],
        ["receipt", code, "--out", str(out / "mau01.pdf")], ["receipt", code, "--form", "05", "--out",
                                                             str(out / "mau05.pdf")],
        ["ledger", "--from", "01/01/2024", "--to", "31/01/2024", "--out", str(out / "so.pdf")],
        ["inspection-record", inspection, "--out", str(out / "bienban.pdf")],
        ["turn-away", "--kind", "incomplete", "--applicant", "Lê Thị Hà", "--procedure", "1.001193",
         "--reason", "Thiếu tờ khai",
         "--out", str(out / "mau02.pdf")],
        ["import", "dossiers", str(out / "hoso.csv")],  # the same dossiers again: nothing new, nothing lost
        ["consolidate", str(out / "bc.json"), "--out", str(out / "tonghop.json")],
        # outputs aimed at the database and its side files: refused without a Python open of either
        ["receipt", code, "--out", str(demo_path)], ["report", "--period", "2024", "--format", "json", "--out",
                                                     f"{demo_path}-wal"],
        ["export", "dossiers", str(demo_path), "--reason", "kiểm thử dữ liệu"],
    ]
    with watching(demo_path) as trap:
        codes = [(command[0], cli.main([*command, *db])) for command in commands]
        start_daily_backup(Office(window, demo_path)).join()
        copy = BackupService(demo_path).backup().path
        BackupService(demo_path).restore(copy)
        window.execute("SELECT count(*) FROM dossier").fetchone()  # the window reads on
    errors = capsys.readouterr().err
    window.close()
    assert trap.calls == [], trap.report()
    assert [name for name, exit_code in codes[:-3] if exit_code != 0] == [], errors
    assert [exit_code for _name, exit_code in codes[-3:]] == [1, 1, 1], errors
