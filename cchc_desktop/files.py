"""Files written for the user, whole or not at all, and never over the database.

Builders write beside the target and rename, so a reader (the PDF viewer, a district's import) never sees half
a file, and the target is never truncated first. Before that, ``check_output`` refuses a target that is the
database in use (or a link to it), its ``-wal``/``-shm``/``-journal``, a file in a folder of backup copies, any
existing SQLite file (another database, a copy) or a folder: a mistyped ``--out`` or a wrong click in a save
dialog must not turn the register into a PDF. No third-party import: the JSON report writer uses it too.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cchc_desktop.errors import CchcError
from cchc_desktop.i18n import _
from db.live import Protected, refusal

PRIVATE = 0o600  # every file written for the user: papers, lists and exports hold citizens' personal data
_BINARY = getattr(os, "O_BINARY", 0)


class OutputRefused(CchcError):
    """The file chosen to write would destroy the database, a copy of it, or another database."""


def check_output(path: Path | str) -> Path:
    """``path`` as given when a file may be written there; OutputRefused (in Vietnamese, saying why and that
    nothing was changed) when it is the database, a file beside it that SQLite uses, a backup or a folder."""
    path = Path(path)
    found = refusal(path)
    if found is None:
        return path
    why, concerned = found
    reasons = {
        Protected.DATABASE: _("đó là tệp cơ sở dữ liệu đang dùng"),
        Protected.SIDE_FILE: _("đó là tệp đi kèm của cơ sở dữ liệu {database}").format(database=concerned),
        Protected.BACKUP_FOLDER: _("tệp nằm trong thư mục sao lưu {folder}").format(folder=concerned),
        Protected.SQLITE_FILE: _("đó là một tệp cơ sở dữ liệu SQLite (cơ sở dữ liệu hoặc bản sao lưu)"),
        Protected.DIRECTORY: _("đó là một thư mục"),
    }
    raise OutputRefused(_(
        "Không ghi vào «{path}»: {reason}. Hãy chọn tên tệp khác hoặc thư mục khác; không có gì bị thay đổi."
    ).format(path=path, reason=reasons[why]))


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename: a reader never sees half a file. ``path`` is
    checked first (``check_output``); the file is readable by its owner only (0600)."""
    check_output(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, PRIVATE), "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
