"""The audit trail's anchors on a PostgreSQL server (issue 22): each desk keeps the seal of a server's database in its
own data folder (``niem-phong-may-chu/<database id>/``), where the server's owner cannot reach it: sealed at the
window's start, after a report is exported and after a check finds the trail whole. ``cchc check`` compares the
server's trail with them and with the files given (``--anchor``): the owner's cut of the trail's tail, or his
rewrite of an anchored entry, is found."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import psycopg
import pytest

from cchc_desktop.office import open_office
from cchc_desktop.services import anchoring, database
from cchc_desktop.services.reports import ReportService
from db import anchors
from db.connection import open_db
from db.home import data_dir
from tests import postgres
from tests.conftest import DEMO_ADMIN, DEMO_PASSWORD
from tests.unit.test_cli import cchc
from tests.unit.test_reports import finish

pytestmark = pytest.mark.postgres


def server_state(owned: postgres.Owned) -> tuple[str, int]:
    """The database's id and the trail's last entry, as the owner reads them."""
    with psycopg.connect(owned.conninfo(owned.owner)) as conn:
        (database_id,) = conn.execute("SELECT value FROM setting WHERE key = 'audit.database_id'").fetchone()
        (last,) = conn.execute("SELECT max(id) FROM audit_log").fetchone()
    return database_id, last


def seal_lines(database_id: str) -> list[dict[str, object]]:
    path = data_dir() / "niem-phong-may-chu" / database_id / anchors.SEAL_FILE
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.is_file() else []


def as_owner(owned: postgres.Owned, *statements: str) -> None:
    """What the server's owner does behind the program's back: the trail's guards switched off first."""
    with psycopg.connect(owned.conninfo(owned.owner)) as conn:
        conn.execute("ALTER TABLE audit_log DISABLE TRIGGER USER")
        for statement in statements:
            conn.execute(statement.encode())


def guards_back(owned: postgres.Owned) -> None:
    with psycopg.connect(owned.conninfo(owned.owner)) as conn:
        conn.execute("ALTER TABLE audit_log ENABLE TRIGGER USER")


def anchor_problems(report: database.CheckReport) -> list[str]:
    return [problem for problem in report.problems
            if problem.startswith(("nhật ký thay đổi bị cắt", "nhật ký thay đổi bị viết lại"))]


def test_the_window_start_and_a_whole_check_seal_the_servers_trail_on_the_desk(
        moved: postgres.Owned, _private_home: Path) -> None:
    from ui.app import after_start

    url = moved.url(moved.desk)
    database_id, _last = server_state(moved)
    assert data_dir() == _private_home
    assert seal_lines(database_id) == []
    with open_office(url, user="quantri", password=DEMO_PASSWORD) as office:
        assert not office.on_file
        after_start(None, office)  # what the window does once it shows
        folder = anchoring.desk_folder(office.db)
    assert folder == _private_home / "niem-phong-may-chu" / database_id
    _id, last = server_state(moved)  # (the sign-in is in the trail before the seal)
    started = seal_lines(database_id)
    assert [(line["by"], line["last_id"], line["database_id"]) for line in started] == [
        ("mở chương trình", last, database_id)]
    assert (folder / anchors.SEAL_FILE).stat().st_mode & 0o077 == 0

    report = database.check_server(url)
    assert report.ok, report.problems
    assert anchor_problems(report) == []
    checked = seal_lines(database_id)
    assert len(checked) == 2 and checked[-1]["by"] == "kiểm tra" and checked[-1]["last_id"] == last


def test_the_owners_cut_of_the_trails_tail_is_found_against_the_desks_seal(moved: postgres.Owned) -> None:
    url = moved.url(moved.desk)
    assert database.check_server(url).ok  # whole: sealed on this desk
    database_id, last = server_state(moved)
    assert seal_lines(database_id)[-1]["last_id"] == last
    as_owner(moved, f"DELETE FROM audit_log WHERE id > {last - 3}")

    cut = (f"nhật ký thay đổi bị cắt: không còn mục số {last} đã được niêm phong lúc",
           f"({anchors.SEAL_FILE}); mục cuối hiện có là số {last - 3}")
    guardless = database.check_server(url)
    assert not guardless.ok
    said = anchor_problems(guardless)
    assert len(said) == 1 and all(part in said[0] for part in cut), guardless.problems

    guards_back(moved)
    guarded = database.check_server(url)
    said = anchor_problems(guarded)
    assert len(said) == 1 and all(part in said[0] for part in cut), guarded.problems
    assert len(seal_lines(database_id)) == 1  # a check that finds a problem does not seal


def test_the_owners_rewrite_of_an_anchored_entry_is_found(moved: postgres.Owned) -> None:
    url = moved.url(moved.desk)
    assert database.check_server(url).ok
    _id, last = server_state(moved)
    as_owner(moved, f"UPDATE audit_log SET actor = 'ai đó', hash = md5(hash) WHERE id = {last}")
    guards_back(moved)
    report = database.check_server(url)
    said = anchor_problems(report)
    assert len(said) == 1, report.problems
    assert said[0].startswith(f"nhật ký thay đổi bị viết lại: mục số {last} khác với khi được niêm phong lúc")
    assert said[0].endswith(f"({anchors.SEAL_FILE})")


def test_check_anchor_on_a_server_reads_a_reports_anchor(moved: postgres.Owned, tmp_path: Path) -> None:
    url = moved.url(moved.desk)
    report = tmp_path / "bao-cao.json"
    db = open_db(url)
    try:  # a report finished and sent upward, exported at a desk
        service = ReportService(db)
        finish(service, "2024-H1")
        service.export(service.draft(period=service.period("2024-H1"), issued_on=date(2024, 7, 5),
                                     number="45/BC-UBND"), fmt="json", target=report)
    finally:
        db.close()
    anchored = json.loads(report.read_text(encoding="utf-8"))["audit"]
    database_id, last = server_state(moved)
    assert anchored["database_id"] == database_id and anchored["last_id"] > 0
    exported = seal_lines(database_id)  # the export sealed the trail on this desk (the report recorded, after
    assert [(line["by"], line["last_id"]) for line in exported] == [("xuất báo cáo", last)]  # the file's anchor)
    assert last > anchored["last_id"]

    (data_dir() / "niem-phong-may-chu" / database_id / anchors.SEAL_FILE).unlink()  # the desk's seal gone too
    as_owner(moved, f"DELETE FROM audit_log WHERE id > {anchored['last_id'] - 2}")
    guards_back(moved)
    unanchored = cchc("--db", url, *DEMO_ADMIN, "check")
    assert unanchored.returncode == 1 and "bị cắt" not in unanchored.stdout  # nothing on the desk anchors it ...
    found = cchc("--db", url, *DEMO_ADMIN, "check", "--anchor", str(report))
    assert found.returncode == 1  # ... but the report sent upward does
    assert (f"Lỗi: nhật ký thay đổi bị cắt: không còn mục số {anchored['last_id']} đã được niêm phong lúc"
            in found.stdout), found.stdout
    assert "(bao-cao.json)" in found.stdout and "Traceback" not in found.stderr
