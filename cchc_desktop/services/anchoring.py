"""The audit trail's anchors outside the database file (``db.anchors``): taken at every backup, every check found
whole, every report exported and every start of the window; compared by ``cchc check`` with the trail.

The anchors looked at: the seal file and the backups' manifests of the database's backup folder (and of
``backups/`` beside the file, where the folder was moved), and any file given (``cchc check --anchor F``: a
report's JSON, a manifest, a seal file from elsewhere). A PostgreSQL server's database is sealed on each desk
machine, in the user's data folder (``niem-phong-may-chu/<database id>/``): evidence the server's owner cannot
reach. Anchors taken before a restore recorded in the trail
describe the trail that restore replaced, and are passed over.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from cchc_desktop.i18n import _
from db import anchors
from db.connection import backup_folder
from db.errors import StorageError
from db.handle import Database
from db.home import data_dir

log = logging.getLogger("cchc.services")

SERVER_SEALS = "niem-phong-may-chu"  # under the data folder: a folder per server database this desk has opened
Location = Path | str  # a file's path, or a server's URL (``Office.location``)


def on_server(db: Database) -> bool:
    return db.dialect != "sqlite"


def desk_folder(db: Database) -> Path:
    """Where this machine keeps the seal of a server's database: ``<data>/niem-phong-may-chu/<database id>/``."""
    name = re.sub(r"[^0-9A-Za-z_-]", "_", anchors.database_id(db)) or "_"
    return data_dir() / SERVER_SEALS / name


def seal_folder(db: Database, location: Location) -> Path:
    """The folder whose seal file a new anchor goes to: a file's backup folder, a server's desk folder."""
    return desk_folder(db) if on_server(db) else backup_folder(Path(location), db)


def folders(db: Database, location: Location) -> list[Path]:
    """Where the anchors of the database are kept: a file's backup folder and ``backups/`` beside it; a server's
    desk folder on this machine."""
    found = [seal_folder(db, location)]
    if not on_server(db):
        found.append(Path(location).parent / "backups")
    return list(dict.fromkeys(path.resolve() if path.exists() else path for path in found))


def seal(db: Database, location: Location, *, by: str) -> anchors.Anchor | None:
    """Where the trail stands now, appended to the seal file of ``seal_folder``; None when it cannot be
    written (logged: the work that asked for it goes on)."""
    try:
        anchor = anchors.current(db, source=anchors.SEAL_FILE)
        anchors.seal(seal_folder(db, location), anchor, by=by)
    except (OSError, sqlite3.Error, StorageError) as exc:
        log.warning("could not seal the audit trail of %s: %s", _named(db, location), exc)
        return None
    return anchor


def _named(db: Database, location: Location) -> str:
    """The database in a log line (a server's without its URL's account or password)."""
    return str(getattr(db, "where", "PostgreSQL")) if on_server(db) else str(location)


def _restored_at(db: Database) -> str:
    """The time of the last restore the trail records (anchors before it describe the trail it replaced)."""
    row = db.execute("SELECT max(at) FROM audit_log WHERE action = 'other' AND table_name IS NULL"
                     " AND after LIKE '%khôi phục từ bản sao%'").fetchone()
    return row[0] or ""


def problems(db: Database, location: Location, extra: Iterable[Path] = ()) -> list[str]:
    """What the anchors say of the trail, one message each: cut (the entry they name is gone) or rewritten
    (it is there with another hash), with where and when the anchor was taken."""
    found: list[anchors.Anchor] = []
    for folder in folders(db, location):
        found.extend(anchors.in_folder(folder))
    for path in extra:
        found.extend(anchors.from_file(path))
    restored = _restored_at(db)
    current = [anchor for anchor in found if not restored or anchor.at > restored]
    messages = []
    for problem in anchors.verify(db, current):
        anchor = problem.anchor
        when = _when(anchor.at)
        if problem.kind == "cut":
            messages.append(_(
                "nhật ký thay đổi bị cắt: không còn mục số {id} đã được niêm phong lúc {at} ({source}); mục cuối "
                "hiện có là số {last}").format(id=anchor.last_id, at=when, source=anchor.source,
                                               last=problem.last_id_now))
        else:
            messages.append(_(
                "nhật ký thay đổi bị viết lại: mục số {id} khác với khi được niêm phong lúc {at} ({source})").format(
                id=anchor.last_id, at=when, source=anchor.source))
    return list(dict.fromkeys(messages))


def _when(at: str) -> str:
    try:
        return datetime.fromisoformat(at).strftime("%H:%M:%S %d/%m/%Y")
    except ValueError:
        return at


def anchor_of(db: Database) -> dict[str, object]:
    """The anchor a report carries (its JSON ``audit`` key, the PDF's foot line)."""
    return anchors.current(db).as_json()
