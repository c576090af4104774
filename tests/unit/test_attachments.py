"""Scanned files of dossiers (issue 21): attached once by content, the digitisation flags they set, bad files
refused with nothing written, ``cchc check`` naming a file missing or altered on disk, and backups and restores
that carry every file byte for byte."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import stat
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from cchc_desktop.domain.dossiers import DossierDocument, EventKind
from cchc_desktop.errors import CchcError, ValidationError
from cchc_desktop.progress import Cancelled
from cchc_desktop.services import attachments as attachments_module
from cchc_desktop.services import database
from cchc_desktop.services.attachments import BACKUP_STORE, AttachmentService, store_folder
from cchc_desktop.services.backups import BackupService
from cchc_desktop.services.catalogue import load_reference_catalogue
from cchc_desktop.services.reception import NewDossier, ReceptionService
from cchc_desktop.services.settings import SettingsService
from tests.unit.test_cli import cchc

NOW = datetime(2025, 9, 15, 9, 30)


def scan(folder: Path, name: str, kind: str = "pdf", salt: str = "") -> Path:
    """A small file of the given kind, its bytes made distinct by ``salt``."""
    heads = {"pdf": b"%PDF-1.4\n", "png": b"\x89PNG\r\n\x1a\n", "jpeg": b"\xff\xd8\xff\xe0"}
    path = folder / name
    path.write_bytes(heads[kind] + f"bản quét {name} {salt}".encode() + os.urandom(64) + b"\n%%EOF\n")
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(autouse=True)
def _unit(db: Database) -> None:
    """The reference catalogue and the unit's code: what the desk needs to receive a dossier."""
    load_reference_catalogue(db)
    SettingsService(db).update(name="UBND xã Hoằng Hợp", code="000.21.31.H56", signer_name="Lê Văn Minh")


def register(db: Database, documents: int = 2, *, result: bool = True) -> str:
    """A dossier with ``documents`` papers listed, its result ready unless ``result`` is False."""
    papers = tuple(DossierDocument(f"Giấy tờ số {n}") for n in range(1, documents + 1))
    desk = ReceptionService(db, clock=lambda: NOW)
    code = desk.register(NewDossier(procedure_code="1.000689", applicant_name="Đặng Thị Hồng", documents=papers)).code
    if result:
        desk.transition(code, EventKind.TRANSFERRED)
        desk.transition(code, EventKind.RESULT_READY)
    return code


def flags(db: Database, code: str) -> tuple[int, int]:
    return db.execute("SELECT digitized, result_digitized FROM dossier WHERE code = ?", [code]).fetchone()


def store_files(db_path: Path) -> list[Path]:
    folder = store_folder(db_path)
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def kept_bytes(db: Database, db_path: Path) -> dict[str, bytes]:
    """The scans' bytes the database's store keeps, by the name they are kept under: the folder beside the file,
    or the server's ``attachment_content``."""
    if getattr(db, "dialect", "sqlite") == "postgresql":
        return {sha256: bytes(content) for sha256, content in db.execute(
            "SELECT sha256, content FROM attachment_content").fetchall()}
    return {path.name.split(".")[0]: path.read_bytes() for path in store_files(db_path)}


@pytest.mark.backends
def test_documents_and_result_attached_set_the_flags_and_the_bytes_are_kept_once(
        db: Database, db_path: Path, tmp_path: Path, backend: str) -> None:
    service = AttachmentService(db, db_path, clock=lambda: NOW)
    code, other = register(db), register(db)
    first, second, result = scan(tmp_path, "to-khai.pdf"), scan(tmp_path, "cccd.png", "png"), scan(
        tmp_path, "ket qua.jpg", "jpeg")
    service.attach(code, first, document=1)
    assert flags(db, code) == (0, 0)  # one of two documents
    service.attach(code, second, document=2)
    assert flags(db, code) == (1, 0)
    attached = service.attach(code, result)
    assert flags(db, code) == (1, 1) and attached.is_result and attached.name == "ket qua.jpg"
    service.attach(other, first, document=1)  # the same scan on another dossier: stored once
    kept = kept_bytes(db, db_path)
    assert sorted(kept.values()) == sorted(path.read_bytes() for path in (first, second, result))
    assert all(name == hashlib.sha256(content).hexdigest() for name, content in kept.items())
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in store_files(db_path))
    assert (store_files(db_path) == []) == (backend == "postgresql")  # on a server: no folder beside anything
    listed = service.described(code)
    assert [(a.name, of) for a, of, _by in listed] == [
        ("to-khai.pdf", "Giấy tờ số 1"), ("cccd.png", "Giấy tờ số 2"), ("ket qua.jpg", "Kết quả giải quyết")]
    opened = service.path(listed[0][0])  # on a server: a copy in this machine's cache, readable by its owner only
    assert opened.read_bytes() == first.read_bytes() and stat.S_IMODE(opened.stat().st_mode) == 0o600
    entries = db.execute("SELECT count(*) FROM audit_log WHERE table_name = 'attachment'").fetchone()[0]
    assert entries == 4  # each attachment is in the audit trail
    service.detach(listed[1][0].id)
    assert flags(db, code) == (0, 1)


@pytest.mark.parametrize(("name", "content", "says"), [
    ("ghi-chu.txt", b"day khong phai ban quet", "không phải PDF, JPEG hay PNG"),
    ("rong.pdf", b"", "rỗng (0 byte)"),
    ("gia.pdf", b"PK\x03\x04 a zip named .pdf", "không phải PDF, JPEG hay PNG"),
])
@pytest.mark.backends
def test_a_file_that_is_not_a_scan_is_refused_and_nothing_is_written(
        db: Database, db_path: Path, tmp_path: Path, name: str, content: bytes, says: str) -> None:
    service = AttachmentService(db, db_path)
    code = register(db)
    (tmp_path / name).write_bytes(content)
    with pytest.raises(CchcError, match=re.escape(says)):
        service.attach(code, tmp_path / name, document=1)
    assert db.execute("SELECT count(*) FROM attachment").fetchone()[0] == 0
    assert store_files(db_path) == [] and kept_bytes(db, db_path) == {}  # not even a temporary file


@pytest.mark.backends
def test_the_database_a_folder_a_missing_file_and_a_huge_file_are_refused(
        db: Database, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    service = AttachmentService(db, db_path)
    code = register(db)
    if not db_path.exists():  # (on a server: a database file of this machine all the same)
        sqlite3.connect(db_path).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(CchcError, match="không phải PDF, JPEG hay PNG"):
        service.attach(code, db_path, document=1)  # the database itself (SQLite's header)
    with pytest.raises(CchcError, match="hoặc đó là một thư mục"):
        service.attach(code, tmp_path, document=1)
    with pytest.raises(CchcError, match="Không tìm thấy tệp"):
        service.attach(code, tmp_path / "khong-co.pdf", document=1)
    monkeypatch.setattr(attachments_module, "MAX_ATTACHMENT_BYTES", 100)
    with pytest.raises(CchcError, match="quá giới hạn"):
        service.attach(code, scan(tmp_path, "lon.pdf", salt="x" * 200), document=1)
    assert db.execute("SELECT count(*) FROM attachment").fetchone()[0] == 0 and store_files(db_path) == []
    assert kept_bytes(db, db_path) == {}


@pytest.mark.backends
def test_a_wrong_document_number_a_second_copy_and_an_unknown_dossier_are_told(
        db: Database, db_path: Path, tmp_path: Path) -> None:
    service = AttachmentService(db, db_path)
    code, bare = register(db), register(db, documents=0)
    with pytest.raises(ValidationError, match="có 2 thành phần; không có thành phần số 3"):
        service.attach(code, scan(tmp_path, "a.pdf"), document=3)
    with pytest.raises(ValidationError, match="chưa có danh sách thành phần hồ sơ"):
        service.attach(bare, scan(tmp_path, "b.pdf"), document=1)
    service.attach(code, tmp_path / "a.pdf", document=1)
    with pytest.raises(ValidationError, match="đã được đính kèm vào thành phần số 1"):
        service.attach(code, tmp_path / "a.pdf", document=1)
    running = register(db, result=False)
    with pytest.raises(ValidationError, match="chưa có kết quả giải quyết"):
        service.attach(running, tmp_path / "a.pdf")
    with pytest.raises(CchcError, match="Không tìm thấy hồ sơ có mã «KHONG-CO»"):
        service.attach("KHONG-CO", tmp_path / "a.pdf")
    assert db.execute("SELECT count(*) FROM attachment").fetchone()[0] == 1


def test_check_names_a_file_altered_and_a_file_lost_on_disk(db: Database, db_path: Path, tmp_path: Path) -> None:
    service = AttachmentService(db, db_path)
    code = register(db)
    kept = service.attach(code, scan(tmp_path, "to-khai.pdf"), document=1)
    altered = service.attach(code, scan(tmp_path, "cccd.pdf"), document=2)
    lost = service.attach(code, scan(tmp_path, "ket-qua.pdf"))
    assert database.check(db_path).problems == ()
    path = service.store.path(altered.sha256, altered.media)
    path.write_bytes(path.read_bytes().replace(b"%%EOF", b"%%EOX"))  # one byte changed, same size
    service.store.path(lost.sha256, lost.media).unlink()
    problems = database.check(db_path).problems
    assert len(problems) == 2
    assert any("«cccd.pdf» của hồ sơ " + code in p and "bị thay đổi ngoài chương trình" in p for p in problems)
    assert any("«ket-qua.pdf» của hồ sơ " + code in p and "bị mất" in p for p in problems)
    assert not any("to-khai.pdf" in p for p in problems)
    with pytest.raises(CchcError, match="đã bị thay đổi ngoài chương trình"):
        service.path(altered)
    assert service.path(kept).exists()
    db.close()
    result = cchc("--db", str(db_path), "check")
    assert result.returncode == 1 and "cccd.pdf" in result.stdout and "ket-qua.pdf" in result.stdout
    assert "attachment: 3" in result.stdout


def test_backup_then_restore_keeps_every_attachment_byte_identical(
        db: Database, db_path: Path, tmp_path: Path) -> None:
    service = AttachmentService(db, db_path)
    code = register(db)
    originals = [scan(tmp_path, "to-khai.pdf"), scan(tmp_path, "cccd.png", "png"), scan(tmp_path, "kq.jpg", "jpeg")]
    for number, path in enumerate(originals[:2], start=1):
        service.attach(code, path, document=number)
    service.attach(code, originals[2])
    usb = tmp_path / "usb"
    made = BackupService(db_path, clock=lambda: NOW).backup(folder=usb)
    assert made.missing_files == ()
    assert sorted(p.name for p in (usb / BACKUP_STORE).rglob("*.*")) == sorted(
        f"{sha(p)}{p.suffix}" for p in originals)
    # After the copy: one file deleted, one altered, one attachment removed from the record.
    listed = service.of_dossier(code)
    service.store.path(listed[0].sha256, listed[0].media).unlink()
    broken = service.store.path(listed[1].sha256, listed[1].media)
    broken.write_bytes(broken.read_bytes()[:-3] + b"zzz")
    service.detach(listed[2].id)
    assert len(database.check(db_path).problems) == 2
    db.close()
    restored = BackupService(db_path, clock=lambda: NOW).restore(made.path)
    assert restored.missing_files == ()
    again = Database(db_path)
    try:
        back = AttachmentService(again, db_path)
        files = {a.name: back.path(a).read_bytes() for a in back.of_dossier(code)}
        assert files == {p.name: p.read_bytes() for p in originals}
        assert flags(again, code) == (1, 1)
    finally:
        again.close()
    assert database.check(db_path).problems == ()


def test_copying_the_database_folder_carries_the_files(db: Database, db_path: Path, tmp_path: Path) -> None:
    service = AttachmentService(db, db_path)
    code = register(db)
    service.attach(code, scan(tmp_path, "kq.pdf"))
    db.close()
    moved = tmp_path / "may-moi" / "du-lieu"
    shutil.copytree(db_path.parent, moved, ignore=shutil.ignore_patterns("may-moi", "kq.pdf"))
    assert database.check(moved / db_path.name).problems == ()


def test_a_backup_cancelled_while_copying_files_leaves_no_copy(db: Database, db_path: Path, tmp_path: Path) -> None:
    service = AttachmentService(db, db_path)
    code = register(db)
    service.attach(code, scan(tmp_path, "a.pdf"), document=1)
    service.attach(code, scan(tmp_path, "b.pdf"), document=2)

    def cancel_at_files(stage: str, done: int, total: int) -> None:
        if stage.startswith("Đang chép tệp đính kèm") and done == 1:
            raise Cancelled()

    usb = tmp_path / "usb"
    with pytest.raises(Cancelled):
        BackupService(db_path, clock=lambda: NOW).backup(folder=usb, progress=cancel_at_files)
    assert list(usb.glob("*.sqlite3")) == []


@pytest.mark.backends
def test_the_command_line_attaches_lists_and_refuses_the_chair(demo_location: Path | str, tmp_path: Path) -> None:
    from db.connection import open_db

    db = open_db(demo_location)
    try:
        code = db.execute("SELECT code FROM dossier WHERE status = 'returned' ORDER BY id LIMIT 1").fetchone()[0]
    finally:
        db.close()
    where = str(demo_location)
    file = scan(tmp_path, "quyết định đã ký.pdf")
    refused = cchc("--db", where, "--user", "chutich", "attach", code, str(file), "--result")
    assert refused.returncode == 1 and "Tiếp nhận và xử lý hồ sơ" in refused.stderr
    done = cchc("--db", where, "--user", "motcua", "attach", code, str(file), "--result")
    assert done.returncode == 0, done.stderr
    assert "Đã đính kèm quyết định đã ký.pdf" in done.stdout and f"kết quả của hồ sơ {code}" in done.stdout
    listed = cchc("--db", where, "--user", "chutich", "attach", code, "--list")
    assert listed.returncode == 0 and "Kết quả giải quyết: quyết định đã ký.pdf" in listed.stdout
    no_papers = cchc("--db", where, "--user", "motcua", "attach", code, str(file), "--document", "1")
    assert no_papers.returncode == 1 and "chưa có danh sách thành phần hồ sơ" in no_papers.stderr
    neither = cchc("--db", where, "--user", "motcua", "attach", code, str(file))
    assert neither.returncode == 1 and "--document SỐ hoặc --result" in neither.stderr
    hostile = tmp_path / "virus.pdf"
    hostile.write_bytes(b"MZ\x90\x00 not a scan")
    refused_file = cchc("--db", where, "--user", "motcua", "attach", code, str(hostile), "--result")
    assert refused_file.returncode == 1 and "không phải PDF, JPEG hay PNG" in refused_file.stderr
    db = open_db(demo_location)
    try:
        assert db.execute("SELECT count(*) FROM attachment").fetchone()[0] == 1
        if isinstance(demo_location, str):  # on a server: the bytes there, the one scan attached
            assert db.execute("SELECT content FROM attachment_content").fetchall() == [(file.read_bytes(),)]
        else:
            assert [path.read_bytes() for path in store_files(demo_location)] == [file.read_bytes()]
    finally:
        db.close()


def test_a_file_lost_before_the_backup_is_said_by_the_backup_and_by_the_restore(
        db: Database, db_path: Path, tmp_path: Path) -> None:
    service = AttachmentService(db, db_path)
    code = register(db)
    kept = scan(tmp_path, "a.pdf")
    service.attach(code, kept, document=1)
    lost = service.attach(code, scan(tmp_path, "b.pdf"), document=2)
    service.store.path(lost.sha256, lost.media).unlink()
    made = BackupService(db_path, clock=lambda: NOW).backup(folder=tmp_path / "usb")
    assert made.missing_files == (lost.sha256,)
    assert "1 tệp đính kèm không tìm thấy nguyên vẹn" in attachments_module.missing_note(made.missing_files)
    db.close()
    shutil.rmtree(store_folder(db_path))  # the folder beside the database gone too: the copies' store serves
    restored = BackupService(db_path, clock=lambda: NOW).restore(made.path)
    assert restored.missing_files == (lost.sha256,)
    problems = database.check(db_path).problems
    assert len(problems) == 1 and "«b.pdf»" in problems[0] and "bị mất" in problems[0]
    again = Database(db_path)
    try:
        first = AttachmentService(again, db_path).of_dossier(code)[0]
        assert AttachmentService(again, db_path).path(first).read_bytes() == kept.read_bytes()
    finally:
        again.close()


def test_a_file_swapped_with_its_record_rewritten_outside_the_program_is_caught_by_the_trail(
        db: Database, db_path: Path, tmp_path: Path) -> None:
    """Someone with the sqlite3 tool puts another scan in the store and points the record at it: the files are
    whole, but the attachment's record no longer matches its audit entries."""
    from cchc_desktop.services.attachments import AttachmentStore
    from tests.unit.test_tampering import script

    service = AttachmentService(db, db_path)
    code = register(db)
    attached = service.attach(code, scan(tmp_path, "quyet-dinh.pdf"))
    db.close()
    forged = AttachmentStore(store_folder(db_path)).put(scan(tmp_path, "gia-mao.pdf"))
    conn = script(db_path)  # another program, the audit switched off in its connection
    conn.execute("UPDATE attachment SET sha256 = ?, size = ? WHERE id = ?", [forged.sha256, forged.size, attached.id])
    conn.commit()
    conn.close()
    problems = database.check(db_path).problems
    assert any(f"bản ghi attachment số {attached.id} bị sửa ngoài chương trình" in p and "sha256" in p
               for p in problems), problems


# On a PostgreSQL server (issue 22): the bytes in the server's database, seen by every desk ------------------------

@pytest.mark.postgres
def test_a_scan_attached_at_one_desk_is_opened_at_another(
        postgres_cluster: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two machines, each its desk's own connection with the desk's role and its own data folder: the second opens
    the very bytes the first attached, from the server (not from a folder of the first)."""
    from db.connection import open_db
    from tests import postgres

    owned = postgres.make_owned(postgres_cluster)
    url = owned.url(owned.desk)
    monkeypatch.setenv("CCHC_HOME", str(tmp_path / "may-1"))
    first = open_db(url)
    try:
        load_reference_catalogue(first)
        SettingsService(first).update(name="UBND xã Hoằng Hợp", code="000.21.31.H56", signer_name="Lê Văn Minh")
        code = register(first)
        original = scan(tmp_path, "to-khai.pdf")
        attached = AttachmentService(first, url).attach(code, original, document=1)
    finally:
        first.close()
    monkeypatch.setenv("CCHC_HOME", str(tmp_path / "may-2"))
    second = open_db(url)
    try:
        service = AttachmentService(second, url)
        [found] = service.of_dossier(code)
        assert (found.sha256, found.name) == (attached.sha256, "to-khai.pdf")
        opened = service.path(found)
        assert opened.is_relative_to(tmp_path / "may-2") and opened.read_bytes() == original.read_bytes()
        opened.write_bytes(b"%PDF-1.4 doi tren may nay")  # the machine's copy changed: the next opening mends it
        assert service.path(found).read_bytes() == original.read_bytes()
        assert flags(second, code) == (0, 0) and service.problems() == []
        # The machine keeps its copies for a day (scans hold personal data): an older one is gone at the next
        # start of the store, a newer one stays, and opening the scan again copies it from the server.
        stale = opened.with_name("cu" + opened.name)
        stale.write_bytes(b"%PDF-1.4 ban sao cu")
        os.utime(stale, (time.time() - 2 * 86400, time.time() - 2 * 86400))
        AttachmentService(second, url)  # (its store, made, clears the cache)
        assert not stale.exists() and opened.exists()
        os.utime(opened, (time.time() - 2 * 86400, time.time() - 2 * 86400))
        again = AttachmentService(second, url)
        assert not opened.exists()
        assert again.path(found).read_bytes() == original.read_bytes()
    finally:
        second.close()
    assert not (tmp_path / "may-1").exists() or not any((tmp_path / "may-1").rglob("*.pdf"))


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_check_server_names_a_scan_altered_and_a_scan_lost_on_the_server(
        db: Database, db_location: str, tmp_path: Path, backend: str) -> None:
    """Someone with the owner's rights lifts the guards and changes one scan's bytes, removes another: the check
    of the server names both, with their dossiers, in Vietnamese; the window refuses to open them."""
    import psycopg

    service = AttachmentService(db, db_location)
    code = register(db)
    kept = service.attach(code, scan(tmp_path, "to-khai.pdf"), document=1)
    altered = service.attach(code, scan(tmp_path, "cccd.pdf"), document=2)
    lost = service.attach(code, scan(tmp_path, "ket-qua.pdf"))
    assert database.check_server(db_location).problems == ()
    with psycopg.connect(db_location) as owner:
        owner.execute("ALTER TABLE attachment_content DISABLE TRIGGER USER")
        owner.execute("UPDATE attachment_content SET content = overlay(content placing 'X'::bytea from 3)"
                      " WHERE sha256 = %s", [altered.sha256])  # one byte changed, same size
        owner.execute("DELETE FROM attachment_content WHERE sha256 = %s", [lost.sha256])
        owner.execute("ALTER TABLE attachment_content ENABLE TRIGGER USER")
    problems = database.check_server(db_location).problems
    assert len(problems) == 2, problems
    assert any("«cccd.pdf» của hồ sơ " + code in p and "bị thay đổi ngoài chương trình" in p and
               altered.sha256 in p for p in problems)
    assert any("«ket-qua.pdf» của hồ sơ " + code in p and "bị mất khỏi cơ sở dữ liệu trên máy chủ" in p
               for p in problems)
    assert not any("to-khai.pdf" in p for p in problems)
    with pytest.raises(CchcError, match="đã bị thay đổi ngoài chương trình"):
        service.path(altered)
    with pytest.raises(CchcError, match="không còn trong cơ sở dữ liệu trên máy chủ"):
        service.path(lost)
    assert service.path(kept).exists()
    result = cchc("--db", db_location, "check")
    assert result.returncode == 1 and "cccd.pdf" in result.stdout and "ket-qua.pdf" in result.stdout
