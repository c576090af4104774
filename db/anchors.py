"""Anchors of the audit trail kept outside the database file (issue 14).

An anchor is where the trail stood at a moment: the database's id, the last entry's id and its hash. Anyone who
owns the file can rewrite it, drop its last entries or recompute its chain; what they cannot do is change the
anchors already handed out. They are written:

- in a small seal file beside the backups (``niem-phong-nhat-ky.jsonl``, a line each: after every backup, every
  check found whole, every report exported, every start of the window);
- in the manifest beside every backup copy (``<copy>.json``, with the copy's SHA-256);
- in every exported report (the JSON's ``audit`` key, a line at the foot of the PDF's pages).

``verify`` compares a trail with an anchor: the entry it names must still be there with the same hash. An entry
missing means the trail was cut; a different hash, that it was rewritten. Entries written after the newest
anchor are covered only by the chain itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from db.handle import Database

SEAL_FILE = "niem-phong-nhat-ky.jsonl"
SEAL_LINES_KEPT = 2_000  # older lines are dropped when the file is rewritten (the newest anchors matter)
MANIFEST_SCHEMA = "cchc-backup/1"
DATABASE_ID_SETTING = "audit.database_id"


@dataclass(frozen=True)
class Anchor:
    database_id: str
    last_id: int
    head: str
    at: str  # when it was taken (ISO, local time)
    source: str  # where it was found: the seal file, a manifest, a report file

    def as_json(self) -> dict[str, object]:
        return {"database_id": self.database_id, "last_id": self.last_id, "head": self.head, "at": self.at}


@dataclass(frozen=True)
class AnchorProblem:
    anchor: Anchor
    kind: str  # "cut": the entry is gone; "rewritten": it is there with another hash
    last_id_now: int


Reader = sqlite3.Connection | Database  # a file's connection, or the program's handle (a server's database too)


def database_id(conn: Reader) -> str:
    row = conn.execute("SELECT value FROM setting WHERE key = ?", [DATABASE_ID_SETTING]).fetchone()
    return row[0] if row else ""


def current(conn: Reader, source: str = "") -> Anchor:
    """Where the trail stands now (its last entry; an empty trail is 0 and "")."""
    row = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    last_id, head = (row[0], row[1]) if row else (0, "")
    return Anchor(database_id(conn), last_id, head, datetime.now().isoformat(timespec="seconds"), source)


def verify(conn: Reader, anchors: Iterable[Anchor]) -> list[AnchorProblem]:
    """The anchors of this database that the trail no longer matches."""
    mine = database_id(conn)
    last_now = conn.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]
    problems = []
    for anchor in anchors:
        if anchor.database_id != mine or anchor.last_id == 0:
            continue
        row = conn.execute("SELECT hash FROM audit_log WHERE id = ?", [anchor.last_id]).fetchone()
        if row is None:
            problems.append(AnchorProblem(anchor, "cut", last_now))
        elif row[0] != anchor.head:
            problems.append(AnchorProblem(anchor, "rewritten", last_now))
    return problems


# -- the seal file ------------------------------------------------------------------------------------------


def seal(folder: Path, anchor: Anchor, *, by: str) -> None:
    """One line appended to the seal file in ``folder`` (made 0600); a failure to write is the caller's to log:
    a seal is evidence, not a condition for the work."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SEAL_FILE
    line = json.dumps({**anchor.as_json(), "by": by}, ensure_ascii=False) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(line)
    if path.stat().st_size > SEAL_LINES_KEPT * 400:
        _trim(path)


def _trim(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)[-SEAL_LINES_KEPT:]
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.writelines(lines)
    os.replace(temporary, path)


def sealed(folder: Path) -> list[Anchor]:
    """The anchors of the seal file in ``folder`` (none when it is missing; a damaged line is skipped)."""
    path = folder / SEAL_FILE
    return list(_read_lines(path, f"{SEAL_FILE}")) if path.is_file() else []


def _read_lines(path: Path, source: str) -> Iterator[Anchor]:
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            anchor = _anchor(_loads(line), source)
            if anchor is not None:
                yield anchor


def _loads(text: str) -> object:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _anchor(data: object, source: str) -> Anchor | None:
    if not isinstance(data, dict):
        return None
    try:
        return Anchor(str(data["database_id"]), int(data["last_id"]), str(data["head"]), str(data.get("at", "")),
                      source)
    except (KeyError, TypeError, ValueError):
        return None


# -- backup manifests ---------------------------------------------------------------------------------------


def manifest_path(copy: Path) -> Path:
    return copy.with_name(copy.name + ".json")


def write_manifest(copy: Path, anchor: Anchor, *, kind: str) -> Path:
    """The manifest beside a backup copy: where the copy's trail stands and the copy's SHA-256 (the copy is
    not open in this process: it is read with Python)."""
    digest = hashlib.sha256()
    with copy.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    data = {"schema": MANIFEST_SCHEMA, "kind": kind, "file": copy.name, "size": copy.stat().st_size,
            "sha256": digest.hexdigest(), "audit": anchor.as_json()}
    target = manifest_path(copy)
    temporary = target.with_name("." + target.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)
    os.replace(temporary, target)
    return target


def from_file(path: Path) -> list[Anchor]:
    """The anchors a file holds: a backup manifest, a report JSON (its ``audit`` key) or a seal file."""
    if path.name.endswith(".jsonl"):
        return list(_read_lines(path, path.name))
    try:
        if path.stat().st_size > 5 * 1024 * 1024:
            return []
        data = _loads(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return []
    found = _anchor(data.get("audit"), path.name) if isinstance(data, dict) else None
    return [found] if found is not None else []


def in_folder(folder: Path) -> list[Anchor]:
    """Every anchor kept in a backup folder: its seal file and its copies' manifests."""
    if not folder.is_dir():
        return []
    found = sealed(folder)
    for manifest in sorted(folder.glob("*.sqlite3.json")):
        found.extend(from_file(manifest))
    return found
