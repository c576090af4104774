"""``cchc move --to postgresql://…`` (issue 22): a commune's SQLite file copied into an empty PostgreSQL database,
all or nothing, with the proof of it; the file is left as it was."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pytest

from cchc_desktop.office import open_office
from cchc_desktop.services import database
from cchc_desktop.services.attachments import AttachmentService
from cchc_desktop.services.sessions import PermissionDenied
from db import audit
from db.connection import open_db
from db.errors import StorageError, StorageProblem
from db.pg import audit as pg_audit
from db.pg import migrations as pgm
from db.pg import move
from tests import postgres
from tests.conftest import DEMO_ADMIN, DEMO_PASSWORD
from tests.unit.test_cli import cchc

if os.environ.get("CCHC_REQUIRE_POSTGRES") == "1":  # CI: a missing driver fails the run
    import psycopg
else:
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[test]')")

pytestmark = pytest.mark.postgres


def file_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        tables = move._sqlite_tables(conn)
        return {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}


def server_counts(url: str, tables: list[str]) -> dict[str, int]:
    db = open_db(url)
    try:
        return {table: db[table].count for table in tables}
    finally:
        db.close()


def test_the_command_moves_every_row_and_says_the_counts(postgres_cluster: postgres.Cluster, demo_path: Path) -> None:
    owned = postgres.make_owned(postgres_cluster)

    result = cchc("--db", str(demo_path), *DEMO_ADMIN, "move", "--to", owned.url(owned.owner))

    assert result.returncode == 0, result.stderr
    expected = file_counts(demo_path)  # (the sign-in's own entry is in the file, and so in the copy)
    assert expected["dossier"] == 300 and expected["audit_log"] > 1
    assert "Đã chuyển toàn bộ dữ liệu sang" in result.stdout
    assert f"  dossier: {expected['dossier']}" in result.stdout.splitlines()
    assert f"  audit_log: {expected['audit_log']}" in result.stdout.splitlines()
    # every row copied, and one entry more: the move's own, after the file's trail (whose entries the triggers
    # did not write again), naming the server upgrade's entry it replaced
    assert server_counts(owned.url(owned.owner), list(expected)) == {**expected,
                                                                     "audit_log": expected["audit_log"] + 1}
    with psycopg.connect(owned.url(owned.owner)) as conn:
        assert pg_audit.check_chain(conn) == audit.check_chain(sqlite3.connect(demo_path))
        assert pg_audit.check_chain(conn).broken == ()
        actor, after = conn.execute("SELECT actor, after FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert actor.startswith("quantri") and json.loads(after)["thay nhật ký nâng cấp của máy chủ"] == [
        migration.name for migration in pgm.MIGRATIONS]
    assert json.loads(after)["số dòng"]["dossier"] == 300
    server = open_db(owned.url(owned.owner))
    try:  # the trail replayed against the records on the server: every record as its entries say
        assert audit.replay_problems(server) == [] == audit.replay_problems(sqlite3.connect(demo_path))
    finally:
        server.close()
    # ids continue after the copied ones: the next row a desk adds does not collide
    db = open_db(owned.url(owned.desk))
    try:
        next_id = db.execute("INSERT INTO field (name, name_folded) VALUES ('Lĩnh vực mới', 'linh vuc moi')"
                             " RETURNING id").fetchone()[0]
        assert next_id == max(row["id"] for row in db["field"].rows_where("name <> 'Lĩnh vực mới'")) + 1
    finally:
        db.close()


def test_a_target_holding_records_is_refused_and_left_as_it_was(postgres_cluster: postgres.Cluster,
                                                                 demo_path: Path) -> None:
    owned = postgres.make_owned(postgres_cluster)
    assert cchc("--db", str(demo_path), *DEMO_ADMIN, "move", "--to", owned.url(owned.owner)).returncode == 0
    counts = server_counts(owned.url(owned.owner), ["dossier", "audit_log", "setting"])

    again = cchc("--db", str(demo_path), *DEMO_ADMIN, "move", "--to", owned.url(owned.owner))

    assert again.returncode == 1
    assert "đã có dữ liệu" in again.stderr and "Không có gì bị thay đổi" in again.stderr
    assert "Traceback" not in again.stderr
    assert server_counts(owned.url(owned.owner), ["dossier", "audit_log", "setting"]) == counts


def test_only_the_servers_owner_moves(postgres_cluster: postgres.Cluster, demo_path: Path) -> None:
    owned = postgres.make_owned(postgres_cluster)

    result = cchc("--db", str(demo_path), *DEMO_ADMIN, "move", "--to", owned.url(owned.desk))

    assert result.returncode == 1
    assert "không phải chủ sở hữu" in result.stderr
    assert server_counts(owned.url(owned.owner), ["dossier", "user"]) == {"dossier": 0, "user": 0}


def test_a_password_in_the_url_is_refused_before_connecting(demo_path: Path) -> None:
    result = cchc("--db", str(demo_path), *DEMO_ADMIN, "move", "--to", "postgresql://chu:bimat@127.0.0.1:9/cchc")

    assert result.returncode == 1
    assert "bimat" not in result.stderr + result.stdout
    assert "mật khẩu" in result.stderr


def test_a_move_broken_off_midway_leaves_the_server_as_it_was(postgres_cluster: postgres.Cluster,
                                                              demo_path: Path) -> None:
    owned = postgres.make_owned(postgres_cluster)
    tables = list(file_counts(demo_path))
    before = server_counts(owned.url(owned.owner), tables)

    def stop_in_the_dossiers(table: str, done: int, total: int) -> None:
        if table == "dossier_event" and done > 0:
            raise KeyboardInterrupt  # the officer presses Ctrl+C while the history is being copied

    with open_office(demo_path, user="quantri", password=DEMO_PASSWORD) as office, \
            pytest.raises(KeyboardInterrupt):
        database.move_to_postgresql(office.db, office.db_path, owned.url(owned.owner), progress=stop_in_the_dossiers)

    after = server_counts(owned.url(owned.owner), tables)
    assert after == before  # the seeded rows and the upgrade's entry are back too
    assert before["dossier"] == 0 and before["audit_log"] == 1 and before["survey_criterion"] == 22


def test_a_desk_account_may_not_move(postgres_cluster: postgres.Cluster, demo_path: Path) -> None:
    owned = postgres.make_owned(postgres_cluster)
    with open_office(demo_path, user="motcua", password=DEMO_PASSWORD) as office, \
            pytest.raises(PermissionDenied, match="Cài đặt đơn vị"):
        database.move_to_postgresql(office.db, office.db_path, owned.url(owned.owner))
    assert server_counts(owned.url(owned.owner), ["dossier"]) == {"dossier": 0}


def test_a_server_not_migrated_yet_is_said_so(postgres_cluster: postgres.Cluster, demo_path: Path) -> None:
    owned = postgres.make_owned(postgres_cluster, migrate=False)
    with open_office(demo_path, user="quantri", password=DEMO_PASSWORD) as office, \
            pytest.raises(StorageError) as refused:
        database.move_to_postgresql(office.db, office.db_path, owned.url(owned.owner))
    assert refused.value.problem is StorageProblem.OUTDATED


def test_the_report_is_the_same_before_and_after_the_move(postgres_cluster: postgres.Cluster,
                                                          demo_path: Path) -> None:
    """The half-year report as its JSON file writes it (report_json.dumps of the drafted document: every figure of
    the appendix, the narrative written from them), from the file and then from the server it was moved to."""
    from datetime import datetime

    from cchc_desktop.domain.periods import parse_period
    from cchc_desktop.reports.report_json import dumps

    owned = postgres.make_owned(postgres_cluster)

    def report(location: Path | str) -> str:
        with open_office(location, user="quantri", password=DEMO_PASSWORD,
                         clock=lambda: datetime(2024, 7, 5, 9, 0)) as office:
            return dumps(office.reports.draft(period=parse_period("2024-H1")))

    before = report(demo_path)
    with open_office(demo_path, user="quantri", password=DEMO_PASSWORD) as office:
        database.move_to_postgresql(office.db, office.db_path, owned.url(owned.owner))
    after = report(owned.url(owned.desk))
    assert json.loads(before)["indicators"]["3.3.1"] > 0  # a half year with dossiers in it
    assert after == before


def attach_on_file(demo_path: Path, tmp_path: Path) -> dict[str, bytes]:
    """Two scans attached to the results of two returned dossiers of the file (the first on both): their bytes by
    their SHA-256."""
    from tests.unit.test_attachments import scan

    with sqlite3.connect(demo_path) as conn:
        codes = [row[0] for row in conn.execute(
            "SELECT code FROM dossier WHERE status = 'returned' ORDER BY id LIMIT 2")]
    first, second = scan(tmp_path, "quyết định.pdf"), scan(tmp_path, "giấy phép.png", "png")
    for code, file in ((codes[0], first), (codes[1], first), (codes[1], second)):
        done = cchc("--db", str(demo_path), "--user", "motcua", "attach", code, str(file), "--result")
        assert done.returncode == 0, done.stderr
    return {hashlib.sha256(path.read_bytes()).hexdigest(): path.read_bytes() for path in (first, second)}


def test_the_move_carries_the_scans_beside_the_file(postgres_cluster: postgres.Cluster, demo_path: Path,
                                                    tmp_path: Path) -> None:
    owned = postgres.make_owned(postgres_cluster)
    scans = attach_on_file(demo_path, tmp_path)

    result = cchc("--db", str(demo_path), *DEMO_ADMIN, "move", "--to", owned.url(owned.owner))

    assert result.returncode == 0, result.stderr
    assert "  attachment: 3" in result.stdout.splitlines()
    assert "  attachment_content: 2" in result.stdout.splitlines()
    with psycopg.connect(owned.url(owned.owner)) as conn:
        assert dict(conn.execute("SELECT sha256, content FROM attachment_content").fetchall()) == scans
        after = conn.execute("SELECT after FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert json.loads(after)["số dòng"]["attachment_content"] == 2
    assert not [p for p in database.check_server(owned.url(owned.desk)).problems if "tệp đính kèm" in p]
    desk = open_db(owned.url(owned.desk))  # a desk of the server opens them, with no folder beside anything
    try:
        service = AttachmentService(desk, owned.url(owned.desk))
        codes = [row[0] for row in desk.execute("SELECT DISTINCT d.code FROM dossier d"
                                                " JOIN attachment a ON a.dossier_id = d.id ORDER BY d.code")]
        opened = {a.sha256: service.path(a).read_bytes() for code in codes for a in service.of_dossier(code)}
        assert opened == scans
    finally:
        desk.close()


def test_a_scan_lost_beside_the_file_stops_the_move_and_leaves_the_server_as_it_was(
        postgres_cluster: postgres.Cluster, demo_path: Path, tmp_path: Path) -> None:
    from cchc_desktop.services.attachments import store_folder

    owned = postgres.make_owned(postgres_cluster)
    scans = attach_on_file(demo_path, tmp_path)
    lost = next(iter(sorted(scans)))
    [path] = store_folder(demo_path).rglob(f"{lost}.*")
    path.unlink()

    result = cchc("--db", str(demo_path), *DEMO_ADMIN, "move", "--to", owned.url(owned.owner))

    assert result.returncode == 1
    assert "Chưa chuyển được" in result.stderr and "bị mất khỏi thư mục" in result.stderr
    assert "Traceback" not in result.stderr
    assert server_counts(owned.url(owned.owner), ["dossier", "attachment", "attachment_content"]) == {
        "dossier": 0, "attachment": 0, "attachment_content": 0}
