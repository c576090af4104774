"""Files that are not our database, or cannot be written, are refused with the reason, and left untouched."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cchc_desktop.errors import user_message
from db.connection import open_db
from db.errors import StorageError, StorageProblem

LOCKER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA locking_mode = EXCLUSIVE")
conn.execute("BEGIN EXCLUSIVE")
conn.execute("CREATE TABLE IF NOT EXISTS held (x INTEGER)")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refused(path: Path, problem: StorageProblem) -> StorageError:
    before = digest(path)
    with pytest.raises(StorageError) as caught:
        open_db(path, busy_timeout_ms=200)
    assert caught.value.problem is problem
    assert digest(path) == before
    assert not Path(f"{path}-wal").exists()
    return caught.value


def test_a_text_file_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_text("Danh sách hồ sơ\n", encoding="utf-8")
    error = refused(path, StorageProblem.NOT_SQLITE)
    assert "không phải là cơ sở dữ liệu SQLite" in user_message(error)


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    path.touch()
    assert "rỗng" in user_message(refused(path, StorageProblem.EMPTY_FILE))


def test_a_corrupt_file_is_refused(db_path: Path) -> None:
    data = bytearray(db_path.read_bytes())
    data[16:100] = b"\xff" * 84  # the header after the magic string
    db_path.write_bytes(bytes(data))
    before = digest(db_path)
    with pytest.raises(StorageError) as caught:
        open_db(db_path, busy_timeout_ms=200)
    assert caught.value.problem in (StorageProblem.NOT_SQLITE, StorageProblem.CORRUPT)
    assert digest(db_path) == before


def test_another_programs_database_is_not_ours(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    assert "không phải của CCHC Desktop" in user_message(refused(path, StorageProblem.NOT_OURS))


def test_a_read_only_file_is_refused(db_path: Path) -> None:
    os.chmod(db_path, 0o444)
    try:
        assert "chỉ cho phép đọc" in user_message(refused(db_path, StorageProblem.READ_ONLY))
    finally:
        os.chmod(db_path, 0o600)


@pytest.fixture
def locked(db_path: Path) -> Iterator[Path]:
    """The database held under an exclusive lock by another process."""
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(db_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdin is not None
    assert holder.stdout.readline().strip() == "locked"
    yield db_path
    holder.stdin.write("\n")
    holder.stdin.close()
    holder.wait(timeout=10)
    holder.stdout.close()


def test_a_database_locked_by_another_program_is_refused(locked: Path) -> None:
    with pytest.raises(StorageError) as caught:
        open_db(locked, busy_timeout_ms=200)
    assert caught.value.problem is StorageProblem.LOCKED
    assert "đang bị một chương trình khác khóa" in user_message(caught.value)


def test_a_missing_folder_is_created_and_the_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "cchc.sqlite3"
    open_db(path).close()
    assert path.exists()
    assert path.stat().st_mode & 0o777 == 0o600


def test_create_false_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(StorageError) as caught:
        open_db(tmp_path / "none.sqlite3", create=False)
    assert caught.value.problem is StorageProblem.NOT_FOUND
    assert not (tmp_path / "none.sqlite3").exists()
