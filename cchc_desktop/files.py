"""Files written whole or not at all: builders write beside the target and rename, so a reader (the PDF viewer,
a district's import) never sees half a file. No third-party import: the JSON report writer uses it too."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")  # open() honours the umask; mkstemp: 0600
    try:
        with tmp.open("xb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
