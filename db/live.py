"""The database files this process has opened through SQLite, kept out of reach of Python's own file functions.

POSIX advisory locks belong to a process and a file: closing *any* descriptor of a file in a process drops
*all* of that process's locks on it. Another process then believes it is the database's last user,
checkpoints and deletes the WAL that our connection still writes into, and the next crash loses every commit
since (SQLite, "How To Corrupt An SQLite Database File", §2.2). So this program never opens, reads, copies,
truncates, replaces or removes a database file, its ``-wal``, ``-shm`` or ``-journal`` with Python once
SQLite may have it open: ``open_db`` checks a file through SQLite and stat alone, copies go through SQLite's
backup API, and every file the program writes for the user is first checked by ``refusal`` against the
files ``open_db`` opened in this process, their backup folders and any SQLite file already there.

No third-party import: the writers of report files use this without loading SQLite's wrappers.
"""

from __future__ import annotations

import enum
import os
import threading
from pathlib import Path

SIDE_FILES = ("-wal", "-shm", "-journal")
SQLITE_MAGIC = b"SQLite format 3\x00"

_lock = threading.Lock()
_opened: dict[tuple[int, int], Path] = {}  # (device, inode) → path of every file open_db opened here, ever
_backup_folders: set[Path] = set()


class Protected(enum.Enum):
    """Why a path must not be written as an output file."""

    DATABASE = "database"  # a database file this process has opened (or a link to it)
    SIDE_FILE = "side_file"  # the -wal, -shm or -journal of a database
    BACKUP_FOLDER = "backup_folder"  # inside a folder of backup copies
    SQLITE_FILE = "sqlite_file"  # an existing SQLite file: another database, a copy
    DIRECTORY = "directory"


def identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of an existing file, by stat alone (stat opens no descriptor); None when missing."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def remember(path: Path, backup_folder: Path | None = None) -> None:
    """Note a database file SQLite now has open in this process (kept for the process's life: an inode that
    was a database stays one for the guard), and where its copies go."""
    found = identity(path)
    with _lock:
        if found is not None:
            _opened[found] = Path(os.path.abspath(path))
        if backup_folder is not None:
            _backup_folders.add(_absolute(backup_folder))


def remember_backup_folder(folder: Path) -> None:
    with _lock:
        _backup_folders.add(_absolute(folder))


def opened_here(path: Path) -> bool:
    """True when ``path`` is (a name of) a file ``open_db`` opened in this process."""
    found = identity(path)
    with _lock:
        return found is not None and found in _opened


def _absolute(path: Path) -> Path:
    try:
        return Path(path).expanduser().resolve()
    except (OSError, RuntimeError):  # a loop of links: compared as written
        return Path(os.path.abspath(path))


def _is_sqlite(path: Path) -> bool:
    """An existing regular file that starts with SQLite's header; read with Python only when this process has
    no SQLite connection on it (a file opened here is a database anyway)."""
    if opened_here(path):
        return True
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def refusal(target: Path) -> tuple[Protected, Path] | None:
    """Why ``target`` must not be written as an output file, with the database or folder concerned; None
    when it may be (a new file, or an existing file that is no database)."""
    path = _absolute(target)
    with _lock:
        opened = dict(_opened)
        folders = set(_backup_folders)
    found = identity(path)
    if found is not None and found in opened:
        return Protected.DATABASE, opened[found]
    known = {_absolute(database) for database in opened.values()}
    if path in known:
        return Protected.DATABASE, path
    for suffix in SIDE_FILES:
        if path.name.endswith(suffix) and len(path.name) > len(suffix):
            main = path.with_name(path.name[: -len(suffix)])
            if main in known or (main.is_file() and _is_sqlite(main)):
                return Protected.SIDE_FILE, main
    for folder in folders:
        if path == folder or path.is_relative_to(folder):
            return Protected.BACKUP_FOLDER, folder
    if path.is_dir():
        return Protected.DIRECTORY, path
    if path.is_file() and _is_sqlite(path):
        return Protected.SQLITE_FILE, path
    return None
