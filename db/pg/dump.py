"""Backing up and restoring a server's database with PostgreSQL's own tools (issue 22): ``pg_dump`` in its custom
format, checked with ``pg_restore --list`` before it takes a backup's name, and ``pg_restore`` into a new or emptied
database in one transaction, after the same check. The tools read the password from libpq's password file, as the
program does: nothing is passed on their command line but the connection string the caller gave (which holds none).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from db.errors import StorageError, StorageProblem

# What every dump of the program's database lists (pg_restore --list): its migrations' record and its trail.
EXPECTED = ("TABLE DATA public schema_migration", "TABLE DATA public audit_log", "TABLE DATA public dossier")
TIMEOUT_S = 6 * 3600  # a dump of a large register over a slow network: hours, not forever


def tool(name: str) -> Path:
    """``pg_dump`` or ``pg_restore``: on the PATH, else in the newest PostgreSQL installed where Debian and the
    Windows installer put it. StorageError IO naming the tool when none is found."""
    found = shutil.which(name)
    if found:
        return Path(found)
    roots = [Path("/usr/lib/postgresql")]
    if sys.platform == "win32":
        roots.append(Path(os.environ.get("PROGRAMFILES", r"C:\Program Files")) / "PostgreSQL")
    suffix = ".exe" if sys.platform == "win32" else ""
    candidates = [path for root in roots for path in root.glob(f"*/bin/{name}{suffix}") if path.is_file()]
    if not candidates:
        raise StorageError(StorageProblem.IO, name, "not found: install PostgreSQL's client programs")
    return max(candidates, key=lambda path: int("".join(ch for ch in path.parent.parent.name if ch.isdigit()) or 0))


def _run(args: list[str], where: str) -> str:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT_S, check=False,
                              env={**os.environ, "PGCONNECT_TIMEOUT": os.environ.get("PGCONNECT_TIMEOUT", "10")})
    except (OSError, subprocess.SubprocessError) as exc:
        raise StorageError(StorageProblem.IO, where, str(exc)) from exc
    if done.returncode != 0:
        raise StorageError(StorageProblem.IO, where, (done.stderr.strip().splitlines() or ["?"])[-1])
    return done.stdout


def listed(path: Path) -> str:
    """The dump's table of contents; StorageError CORRUPT when ``path`` is no whole custom-format dump of the
    program's database."""
    try:
        contents = _run([str(tool("pg_restore")), "--list", str(path)], str(path))
    except StorageError as exc:
        raise StorageError(StorageProblem.CORRUPT, path, exc.detail) from exc
    missing = [entry for entry in EXPECTED if entry not in contents]
    if missing:
        raise StorageError(StorageProblem.CORRUPT, path, "not a dump of CCHC Desktop: no " + ", ".join(missing))
    return contents


def dump(url: str, target: Path, where: str) -> Path:
    """The database ``url`` names, dumped to ``target`` (readable by the account only): written beside it under a
    partial name, checked, then renamed; nothing under ``target``'s name otherwise."""
    partial = target.with_name(target.name + ".partial")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        _run([str(tool("pg_dump")), "--format=custom", "--no-password", f"--file={partial}", f"--dbname={url}"],
             where)
        os.chmod(partial, 0o600)
        listed(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def restore(url: str, source: Path, where: str) -> None:
    """The dump ``source`` (checked first) restored into the database ``url`` names, which must hold no table,
    in one transaction: all of it or nothing. Its objects become the restoring owner's, without the dumped
    database's rights (other roles may own that one): the desks are granted theirs again afterwards."""
    listed(source)
    _run([str(tool("pg_restore")), "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction", "--no-password",
          f"--dbname={url}", str(source)], where)
