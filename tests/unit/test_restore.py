"""Restore (issue 13): the copy restored from is only read, write-protected and small-page copies restore, a
copy whose audit chain is broken needs an explicit acceptance, a half-written or looping source gets a clear
message, and the restore writes an audit entry naming the source, its chain head and the copy taken first."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from cchc_desktop.errors import CchcError
from cchc_desktop.services.backups import BackupService, BrokenAuditChain
from db import audit
from db.connection import copy_database, open_db
from tests.tampering import tamper
from tests.unit.test_cli import cchc

NOW = datetime(2024, 6, 4, 9, 30)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def unit_name(path: Path) -> str:
    db = open_db(path, migrate=False)
    try:
        return db.execute("SELECT value FROM setting WHERE key = 'unit.name'").fetchone()[0]
    finally:
        db.close()


def set_name(db: Database, name: str) -> None:
    with db.atomic():
        db.execute("INSERT INTO setting (key, value) VALUES ('unit.name', ?) ON CONFLICT (key) DO UPDATE SET"
                   " value = excluded.value", [name])


@pytest.fixture
def copy(db: Database, db_path: Path, tmp_path: Path) -> Path:
    """A backup holding «Bản cũ», made by the program; the database then says «Bản mới»."""
    set_name(db, "Bản cũ")
    made = BackupService(db_path, clock=lambda: NOW).backup(folder=tmp_path / "usb")
    set_name(db, "Bản mới")
    return made.path


def last_entry(path: Path) -> dict[str, object]:
    con = sqlite3.connect(path)
    try:
        actor, after = con.execute("SELECT actor, after FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        con.close()
    return {"actor": actor, **json.loads(after)}


def test_the_copy_restored_from_is_never_written(db: Database, db_path: Path, copy: Path) -> None:
    before = digest(copy)
    header = copy.read_bytes()[18:20]
    assert header == b"\x01\x01"  # a rollback-journal copy
    restored = BackupService(db_path, clock=lambda: NOW).restore(copy)
    assert digest(copy) == before and copy.read_bytes()[18:20] == header
    # no -wal, -shm or -journal beside it; only its manifest (an anchor of its audit trail and its SHA-256)
    assert sorted(p.name for p in copy.parent.iterdir()) == [copy.name, f"{copy.name}.json"]
    assert unit_name(db_path) == "Bản cũ"
    assert db.execute("SELECT value FROM setting WHERE key = 'unit.name'").fetchone()[0] == "Bản cũ"  # the window
    assert unit_name(restored.previous) == "Bản mới"


def test_a_write_protected_copy_restores(db: Database, db_path: Path, copy: Path) -> None:
    os.chmod(copy, 0o400)
    os.chmod(copy.parent, 0o500)
    try:
        before = digest(copy)
        BackupService(db_path, clock=lambda: NOW).restore(copy)
        assert digest(copy) == before
    finally:
        os.chmod(copy.parent, 0o700)
        os.chmod(copy, 0o600)
    assert unit_name(db_path) == "Bản cũ"


def test_a_copy_with_small_pages_restores(db: Database, db_path: Path, tmp_path: Path) -> None:
    set_name(db, "Trang nhỏ")
    small = tmp_path / "nho.sqlite3"
    out = sqlite3.connect(small)
    out.execute("PRAGMA page_size = 1024")
    db.conn.backup(out)
    out.execute("PRAGMA journal_mode = DELETE")
    out.execute("VACUUM")
    assert out.execute("PRAGMA page_size").fetchone()[0] == 1024
    out.close()
    set_name(db, "Bản mới")
    BackupService(db_path, clock=lambda: NOW).restore(small)
    assert unit_name(db_path) == "Trang nhỏ"
    assert db.execute("PRAGMA page_size").fetchone()[0] == 4096


def test_the_restore_writes_an_entry_naming_the_source_and_both_chain_heads(
        db: Database, db_path: Path, copy: Path) -> None:
    source = sqlite3.connect(copy)
    copied_head = audit.chain_head(source)
    source.close()
    entries_before = audit.chain_head(db.conn)[0]
    audit.set_actor(db, "motcua (Nguyễn Thị Hương)", None)  # the session asking
    restored = BackupService(db_path, session=db, clock=lambda: NOW).restore(copy)
    entry = last_entry(db_path)
    assert entry["actor"] == "motcua (Nguyễn Thị Hương)"
    assert entry["khôi phục từ bản sao"] == str(copy)
    assert entry["nhật ký của bản sao"] == {"số mục": copied_head[0], "mã băm cuối": copied_head[1]}
    previous = sqlite3.connect(restored.previous)
    before_copy = audit.chain_head(previous)  # the database as it was, copied first
    previous.close()
    assert before_copy[0] == entries_before
    replaced = entry["nhật ký được thay thế"]
    assert replaced["số mục"] == entries_before + 1  # ... and the entry of that copy, written after it
    assert entry["bản sao trước khi khôi phục"] == str(restored.previous)
    assert list(audit.broken_links(db.conn)) == []  # the entry continues the copy's chain


def test_a_copy_with_a_broken_chain_is_refused_unless_accepted(db: Database, db_path: Path, copy: Path) -> None:
    tamper(copy, "UPDATE audit_log SET actor = 'ai đó' WHERE id = (SELECT min(id) FROM audit_log)")
    service = BackupService(db_path, clock=lambda: NOW)
    with pytest.raises(BrokenAuditChain, match="--accept-broken-chain") as refused:
        service.restore(copy)
    assert refused.value.broken
    assert unit_name(db_path) == "Bản mới"
    assert not list((db_path.parent / "backups").glob("*truoc-khoi-phuc*"))  # refused before any copy

    restored = service.restore(copy, accept_broken_chain=True)
    assert restored.broken_links == refused.value.broken
    assert unit_name(db_path) == "Bản cũ"
    assert last_entry(db_path)["chấp nhận chuỗi nhật ký bị đứt tại các mục"] == list(refused.value.broken)


def test_a_half_written_copy_is_refused(db: Database, db_path: Path, copy: Path) -> None:
    Path(f"{copy}-journal").write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + b"\x00" * 512)
    with pytest.raises(CchcError, match="bị hỏng hoặc chưa ghi xong"):
        BackupService(db_path, clock=lambda: NOW).restore(copy)
    assert unit_name(db_path) == "Bản mới"


def test_a_loop_of_links_and_a_missing_file_get_a_message(db_path: Path, tmp_path: Path) -> None:
    loop = tmp_path / "vong.sqlite3"
    loop.symlink_to(tmp_path / "vong2.sqlite3")
    (tmp_path / "vong2.sqlite3").symlink_to(loop)
    result = cchc("restore", str(loop), "--db", str(db_path))
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(f"Lỗi: Không đọc được bản sao lưu {loop}"), result.stderr
    missing = cchc("restore", str(tmp_path / "khong-co.sqlite3"), "--db", str(db_path))
    assert missing.returncode == 1
    assert missing.stderr.startswith("Lỗi: Không tìm thấy bản sao lưu"), missing.stderr


def test_the_command_line_accepts_a_broken_chain_only_when_told(db: Database, db_path: Path, copy: Path) -> None:
    tamper(copy, "DELETE FROM audit_log WHERE id = (SELECT min(id) FROM audit_log)")
    refused = cchc("restore", str(copy), "--db", str(db_path))
    assert refused.returncode == 1 and "--accept-broken-chain" in refused.stderr
    assert unit_name(db_path) == "Bản mới"
    accepted = cchc("restore", str(copy), "--db", str(db_path), "--accept-broken-chain")
    assert accepted.returncode == 0, accepted.stderr
    assert "Lưu ý: đã khôi phục bản sao có nhật ký bị sửa" in accepted.stderr
    assert unit_name(db_path) == "Bản cũ"
    assert last_entry(db_path)["actor"].startswith("quản trị cục bộ")


def test_a_killed_backup_leaves_no_partial_copy_after_the_next_one(db: Database, db_path: Path,
                                                                   tmp_path: Path) -> None:
    folder = tmp_path / "copies"
    folder.mkdir()
    dead = 2 ** 22 + 12345  # above Linux's default pid_max: no process has it
    stale = [folder / f".cchc-thu-cong-20240101-000000.sqlite3.{dead}.part",
             folder / f".cchc-thu-cong-20240101-000000.sqlite3.{dead}.part-journal"]
    legacy = [folder / "cchc-tu-dong-20240101-000000.sqlite3.part",
              folder / "cchc-tu-dong-20240101-000000.sqlite3.part-journal"]
    running = folder / f".cchc-thu-cong-20240101-000001.sqlite3.{os.getppid()}.part"  # a writer still alive
    for path in [*stale, *legacy, running]:
        path.write_bytes(b"x" * 100)
    old = datetime(2024, 1, 1).timestamp()
    for path in legacy:
        os.utime(path, (old, old))
    made = BackupService(db_path, clock=lambda: NOW).backup(folder=folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted([made.path.name, f"{made.path.name}.json",
                                                               running.name])


def test_a_copy_is_written_under_a_hidden_partial_name(db: Database, db_path: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real_backup = sqlite3.Connection.backup

    class Spy:
        def backup(self, target: sqlite3.Connection, **kwargs: object) -> None:
            seen.extend(name for name in os.listdir(tmp_path / "copies"))
            real_backup(db.conn, target)

    copy_database(Spy(), tmp_path / "copies" / "cchc-thu-cong-20240604-093000.sqlite3")
    assert seen == [f".cchc-thu-cong-20240604-093000.sqlite3.{os.getpid()}.part"]
