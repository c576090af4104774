"""A large import in short transactions (issue 13, db.queries.staging): the desk keeps registering while it
runs, a second import and a desk kept waiting are told «đang nhập dữ liệu», and a process killed while staging
or while moving leaves an import the next opening discards or finishes, never half of one."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from cchc_desktop.errors import StorageError, StorageProblem, user_message
from cchc_desktop.services.imports import ImportService
from cchc_desktop.services.reception import NewDossier, ReceptionService
from db import audit
from db.connection import open_db, open_reader
from db.errors import writing
from db.queries import bulk, staging
from tests.postgres import Cluster, make_owned
from tests.unit.test_import_export import NOW, ROOT, prepare, row, write_csv

pytestmark = pytest.mark.backends

ROWS = 5_000


class Killed(BaseException):
    """What a SIGKILL does to the import: nothing after it runs (no discard, no move)."""


def many(path: Path, count: int, *, codes: bool = False) -> Path:
    return write_csv(path, [row(applicant_name=f"Nguyễn Văn {n}", code=f"NHAP-{n:06d}" if codes else "",
                                received_at=f"{1 + n % 28:02d}/05/2024 08:{n % 60:02d}") for n in range(count)])


def counts(location: Path | str) -> tuple[int, int, int]:
    """(dossiers, staged rows, batches) as a reader sees the database (no opening that would finish an import)."""
    reader = open_reader(location)
    try:
        return tuple(reader.execute(sql).fetchone()[0] for sql in (
            "SELECT count(*) FROM dossier", "SELECT coalesce(sum(rows), 0) FROM import_chunk",
            "SELECT count(*) FROM import_batch"))
    finally:
        reader.close()


def audited(location: Path | str) -> int:
    """The audit entries of new dossiers."""
    reader = open_reader(location)
    try:
        return int(reader.execute(
            "SELECT count(*) FROM audit_log WHERE table_name = 'dossier' AND action = 'insert'").fetchone()[0])
    finally:
        reader.close()


@pytest.fixture
def ready_location(db: Database, db_location: Path | str) -> Path | str:
    prepare(db)
    return db_location


def test_a_killed_import_still_staging_is_discarded_by_the_next_opening(
        ready_location: Path | str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = open_db(ready_location)

    def killed(*args: object) -> list[str]:
        raise Killed

    monkeypatch.setattr(staging, "mark_ready", killed)
    monkeypatch.setattr(staging, "discard", lambda *args: None)
    with pytest.raises(Killed):
        ImportService(db, clock=lambda: NOW).import_dossiers(many(tmp_path / "a.csv", ROWS))
    db.close()
    assert counts(ready_location) == (0, ROWS, 1)  # staged, not ready: the import failed for its user
    assert audited(ready_location) == 0
    monkeypatch.undo()
    open_db(ready_location).close()  # the next opening (the window, any command)
    assert counts(ready_location) == (0, 0, 0)


def killed_once_ready(location: Path | str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An import by «cchc (Lê Thị Hoa)» killed after its batch was ready and its first chunk moved in."""
    db = open_db(location)
    audit.set_actor(db, "cchc (Lê Thị Hoa)", None)
    real_move = staging.move

    def one_chunk_then_killed(database: Database, batch_id: int) -> int:
        with staging.writing(database):
            staging._move_chunk(database, batch_id)
        raise Killed

    monkeypatch.setattr(staging, "move", one_chunk_then_killed)
    with pytest.raises(Killed):
        ImportService(db, clock=lambda: NOW).import_dossiers(many(tmp_path / "a.csv", ROWS))
    db.close()
    monkeypatch.setattr(staging, "move", real_move)


def test_a_killed_import_once_ready_is_finished_by_the_next_opening(
        ready_location: Path | str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    killed_once_ready(ready_location, tmp_path, monkeypatch)
    assert counts(ready_location) == (staging.CHUNK_ROWS, ROWS - staging.CHUNK_ROWS, 1)
    reopened = open_db(ready_location)
    try:
        assert counts(ready_location) == (ROWS, 0, 0)
        codes = [r[0] for r in reopened.execute("SELECT code FROM dossier ORDER BY received_at, id")]
        assert len(set(codes)) == ROWS and codes[0].startswith("000.21.31.H56-240501-")
    finally:
        reopened.close()


def test_the_entries_of_an_import_finished_by_the_next_opening_name_who_imported(
        ready_location: Path | str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    killed_once_ready(ready_location, tmp_path, monkeypatch)
    assert audited(ready_location) == staging.CHUNK_ROWS
    reopened = open_db(ready_location)
    try:
        assert audited(ready_location) == ROWS
        actors = {r[0] for r in reopened.execute("SELECT DISTINCT actor FROM audit_log WHERE table_name = 'dossier'")}
        assert actors == {"cchc (Lê Thị Hoa)"}  # the entries moved by the reopening name who imported
        assert list(audit.broken_links(reopened)) == []
    finally:
        reopened.close()


def test_a_second_import_meanwhile_is_told_an_import_is_under_way(ready_location: Path | str, tmp_path: Path) -> None:
    first = open_db(ready_location)
    batch = staging.begin(first, file="hoso-thang-5.csv", unit_code="000.21.31.H56", pattern="{unit}-{seq}",
                          source="{}")
    second = open_db(ready_location)
    try:
        with pytest.raises(StorageError) as caught:
            ImportService(second, clock=lambda: NOW).import_dossiers(many(tmp_path / "b.csv", 10))
        assert caught.value.problem is StorageProblem.IMPORTING
        assert "Chương trình đang nhập dữ liệu" in user_message(caught.value)
        assert "«hoso-thang-5.csv»" in user_message(caught.value)
    finally:
        staging.discard(first, batch)
        staging.release(batch)
        first.close()
        second.close()


def test_an_import_on_another_host_is_under_way_while_it_beats_by_the_databases_clock(
        ready_location: Path | str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The desks sharing a server have clocks of their own: an import is silent, hence gone, by the database's
    clock, not by the difference between the importing host's clock and this one's."""
    db = open_db(ready_location)
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - 3_600)  # the importing host's clock an hour behind
    batch = staging.begin(db, file="hoso.csv", unit_code="000.21.31.H56", pattern="{unit}-{seq}", source="{}")
    monkeypatch.setattr(time, "time", real_time)
    staging.release(batch)
    try:
        with writing(db):
            db.execute("UPDATE import_batch SET host = 'may-quay-2' WHERE id = ?", [batch])
        under_way = staging.running(db)
        assert under_way is not None and under_way.id == batch
        with writing(db):  # silent for longer than SILENT_S: its process is gone
            db.execute("UPDATE import_batch SET beat_at = beat_at - ? WHERE id = ?", [staging.SILENT_S + 1, batch])
        assert staging.running(db) is None
    finally:
        staging.discard(db, batch)
        db.close()


def test_a_desk_kept_waiting_by_an_import_is_told_so(ready_location: Path | str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    importer = open_db(ready_location)
    batch = staging.begin(importer, file="hoso.csv", unit_code="000.21.31.H56", pattern="{unit}-{seq}", source="{}")
    monkeypatch.setenv("CCHC_BUSY_TIMEOUT_MS", "100")
    desk_db = open_db(ready_location)
    desk = ReceptionService(desk_db, clock=lambda: datetime(2024, 6, 4, 9, 30))
    try:
        with writing(importer):  # a chunk being moved in, holding what it writes
            bulk.hold(importer, *staging.HELD)
            with pytest.raises(StorageError) as caught:
                desk.register(NewDossier(procedure_code="1.004873", applicant_name="Trần Văn Bình"))
        assert caught.value.problem is StorageProblem.IMPORTING
        desk.register(NewDossier(procedure_code="1.004873", applicant_name="Trần Văn Bình"))  # between chunks
    finally:
        staging.discard(importer, batch)
        staging.release(batch)
        importer.close()
        desk_db.close()


IMPORTER = """
import sys
from datetime import datetime
from pathlib import Path

from cchc_desktop.services.imports import ImportService
from db.connection import open_db

db = open_db(sys.argv[1])
print(ImportService(db, clock=lambda: datetime(2025, 1, 15, 9, 0)).import_dossiers(Path(sys.argv[2])).inserted)
db.close()
"""


def test_the_desk_registers_while_a_large_import_runs(ready_location: Path | str, tmp_path: Path) -> None:
    """The import in another process, the desk registering here until it ends: every registration succeeds
    (the desk's default wait), every row arrives, and no code is given twice."""
    source = many(tmp_path / "lon.csv", 20_000, codes=True)
    importer = subprocess.Popen([sys.executable, "-c", IMPORTER, str(ready_location), str(source)], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    db = open_db(ready_location)
    desk = ReceptionService(db, clock=lambda: datetime(2024, 6, 4, 9, 30))
    registered = 0
    while importer.poll() is None or registered < 3:
        desk.register(NewDossier(procedure_code="1.004873", applicant_name=f"Trần Văn Bình {registered}"))
        registered += 1
        time.sleep(0.05)  # a desk's pace (a person takes a minute a dossier), not a loop that never lets go
    out, err = importer.communicate(timeout=300)
    assert importer.returncode == 0, err
    assert out.strip() == "20000"
    assert db.execute("SELECT count(*) FROM dossier").fetchone()[0] == 20_000 + registered
    assert db.execute("SELECT count(DISTINCT code) FROM dossier").fetchone()[0] == 20_000 + registered
    assert db.execute("SELECT count(*) FROM import_batch").fetchone()[0] == 0
    db.close()


@pytest.mark.postgres
def test_a_desks_role_on_a_server_imports_and_registers_after(postgres_cluster: Cluster, tmp_path: Path) -> None:
    """A desk's role has a desk's rights only (db/pg/roles.py): its import holds the tables and takes its ids,
    and its next registration comes after the imported dossiers."""
    owned = make_owned(postgres_cluster)
    db = open_db(owned.url(owned.desk))
    try:
        prepare(db)
        result = ImportService(db, clock=lambda: NOW).import_dossiers(many(tmp_path / "a.csv", 30))
        assert result.inserted == 30
        registered = ReceptionService(db, clock=lambda: datetime(2024, 6, 4, 9, 30)).register(
            NewDossier(procedure_code="1.004873", applicant_name="Trần Văn Bình"))
        assert db.execute("SELECT count(*), max(id) FROM dossier").fetchone() == (31, registered.dossier_id)
    finally:
        db.close()
