"""The key that signs the audit trail, kept outside the database file (issue 14).

The entries' hashes are HMAC-SHA256 under a key of this install (``<data folder>/khoa/nhat-ky-<id>.key``, 32
random bytes, readable by the OS account only), named by its id in every entry it signs (``k1:<id>:<hex>``).
Someone who has the database file and the sqlite3 tool (a copy carried away, a backup on a USB stick) can
delete or edit entries, but cannot write an entry, or recompute the chain after an edit, that ``cchc check``
accepts: that needs the key. Someone who also has the OS account (and so the key file) can; the anchors kept
outside the file (backup manifests, the seal file, report files) then still show a rewrite of what they
anchor. Entries written before keys existed keep their plain SHA-256.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from pathlib import Path

from db.errors import StorageError, StorageProblem
from db.home import data_dir

FOLDER = "khoa"
PREFIX = "nhat-ky-"
SUFFIX = ".key"
_lock = threading.Lock()


def key_folder() -> Path:
    """``CCHC_KEY_DIR`` when set (another drive, or the tests' one folder), else ``<data folder>/khoa``."""
    chosen = os.environ.get("CCHC_KEY_DIR")
    return Path(chosen) if chosen else data_dir() / FOLDER


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"cchc-audit-key:" + key).hexdigest()[:12]


def current() -> tuple[str, bytes]:
    """This install's key, made (0600, in a 0700 folder) the first time; StorageError(IO) when it can be
    neither read nor made (a read-only profile): the trail would be left unsigned otherwise."""
    folder = key_folder()
    with _lock:
        try:
            found = sorted(folder.glob(f"{PREFIX}*{SUFFIX}")) if folder.is_dir() else []
            if found:
                key = bytes.fromhex(found[0].read_text(encoding="ascii").strip())
                return key_id(key), key
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            key = secrets.token_bytes(32)
            path = folder / f"{PREFIX}{key_id(key)}{SUFFIX}"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(key.hex())
            return key_id(key), key
        except (OSError, ValueError) as exc:
            raise StorageError(StorageProblem.IO, folder, f"audit key: {exc}") from exc


def by_id(wanted: str) -> bytes | None:
    """The key of this install named ``wanted``, if it is here (another machine's is not)."""
    path = key_folder() / f"{PREFIX}{wanted}{SUFFIX}"
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None
    return key if key_id(key) == wanted else None
