"""Backups: consistent copies while the database is open, one automatic copy a day with rotation, copies
by hand kept, restore after a check with the current database copied first, and the command line."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlite_utils import Database

from cchc_desktop.domain.backups import to_keep, to_remove
from cchc_desktop.errors import CchcError, StorageError
from cchc_desktop.services.backups import BackupKind, BackupService
from db.connection import open_db
from tests.unit.test_cli import cchc

NOW = datetime(2024, 6, 4, 9, 30)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def count(path: Path, table: str = "setting") -> int:
    """Rows of ``table`` (of the settings: those typed in, not the audit trail's own)."""
    con = sqlite3.connect(path)
    try:
        where = " WHERE key NOT LIKE 'audit.%'" if table == "setting" else ""
        return con.execute(f"SELECT count(*) FROM {table}{where}").fetchone()[0]
    finally:
        con.close()


def test_a_copy_while_the_database_is_open_is_whole_and_private(db: Database, db_path: Path) -> None:
    db.execute("INSERT INTO setting (key, value) VALUES ('unit.name', 'UBND xã Hoằng Hợp')")
    db.conn.commit()
    made = BackupService(db_path, clock=lambda: NOW).backup()
    assert made.path.name == "cchc-thu-cong-20240604-093000.sqlite3" and made.kind is BackupKind.MANUAL
    assert made.path.parent == db_path.parent / "backups"
    assert count(made.path) == count(db_path) == 1
    assert stat.S_IMODE(os.stat(made.path).st_mode) == 0o600
    assert not list(made.path.parent.glob("*.part"))


def test_one_automatic_copy_a_day_and_the_rotation(db: Database, db_path: Path) -> None:
    clock = Clock(datetime(2024, 1, 1, 8, 0))
    service = BackupService(db_path, clock=clock)
    manual = service.backup()
    for _day in range(60):
        assert service.daily() is not None
        assert service.daily() is None  # already made today
        clock.now += timedelta(days=1)
    automatic = [b for b in service.backups() if b.kind is BackupKind.AUTOMATIC]
    days = sorted(b.at.date() for b in automatic)
    assert len(automatic) <= 7 + 4 + 12 and days[-1] == datetime(2024, 2, 29).date()
    assert len({d for d in days if d >= datetime(2024, 2, 23).date()}) == 7  # the last 7 days all kept
    assert manual.path.exists()  # a copy made by hand is never rotated away


@given(st.lists(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)), max_size=200))
def test_rotation_keeps_the_newest_and_at_most_its_share(moments: list[datetime]) -> None:
    kept = to_keep(moments)
    assert kept <= set(moments) and len(kept) <= 7 + 4 + 12
    if moments:
        assert max(moments) in kept
    assert set(to_remove(moments)) == set(moments) - kept


def test_the_folder_chosen_by_the_admin(db_path: Path, tmp_path: Path, db: Database) -> None:
    service = BackupService(db_path, clock=lambda: NOW)
    chosen = service.set_folder(tmp_path / "usb" / "sao-luu")
    assert service.folder() == chosen
    assert service.backup().path.parent == chosen
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    with pytest.raises(CchcError, match="Không ghi được vào thư mục sao lưu"):
        service.set_folder(blocked)
    assert service.folder() == chosen


def test_restore_checks_the_copy_and_keeps_the_current_database(db: Database, db_path: Path,
                                                                tmp_path: Path) -> None:
    db.execute("INSERT INTO setting (key, value) VALUES ('unit.name', 'Bản cũ')")
    db.conn.commit()
    clock = Clock(NOW)
    service = BackupService(db_path, clock=clock)
    old = service.backup()
    db.execute("UPDATE setting SET value = 'Bản mới' WHERE key = 'unit.name'")
    db.conn.commit()
    db.close()
    clock.now += timedelta(minutes=5)
    restored = service.restore(old.path)
    reopened = open_db(db_path)
    assert reopened.execute("SELECT value FROM setting WHERE key = 'unit.name'").fetchone()[0] == "Bản cũ"
    reopened.close()
    before = sqlite3.connect(restored.previous)
    assert before.execute("SELECT value FROM setting WHERE key = 'unit.name'").fetchone()[0] == "Bản mới"
    before.close()

    broken = tmp_path / "hong.sqlite3"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises((CchcError, StorageError)):
        service.restore(broken)
    not_ours = tmp_path / "khac.sqlite3"
    other = sqlite3.connect(not_ours)
    other.execute("CREATE TABLE t (x)")
    other.commit()
    other.close()
    with pytest.raises(CchcError, match=f"Tệp {not_ours} là cơ sở dữ liệu SQLite nhưng không phải của CCHC Desktop"):
        service.restore(not_ours)
    with pytest.raises(CchcError, match="chính là cơ sở dữ liệu đang dùng"):
        service.restore(db_path)
    reopened = open_db(db_path)
    assert reopened.execute("SELECT value FROM setting WHERE key = 'unit.name'").fetchone()[0] == "Bản cũ"
    reopened.close()


def test_the_command_line_twins(db_path: Path, tmp_path: Path) -> None:
    made = cchc("backup", "--to", str(tmp_path / "bk"), "--db", str(db_path))
    assert made.returncode == 0 and made.stdout.startswith("Đã sao lưu vào ")
    copy = next((tmp_path / "bk").glob("cchc-thu-cong-*.sqlite3"))
    restored = cchc("restore", str(copy), "--db", str(db_path))
    assert restored.returncode == 0 and restored.stdout.startswith(f"Đã khôi phục từ {copy}.")
    missing = cchc("restore", str(tmp_path / "khong-co.sqlite3"), "--db", str(db_path))
    assert missing.returncode == 1 and missing.stderr.startswith("Lỗi: ")
