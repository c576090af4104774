"""A trap for Python's own file functions on a live database file (issue 13).

While SQLite has a database open in this process, opening any descriptor of the file with Python and closing
it drops every POSIX lock the process holds on it; another process then deletes the WAL we still write into
(``db/live.py``). ``watching(path)`` wraps every function of the standard library that opens, copies, renames
over, truncates or removes a file, and records each call that names the database, its ``-wal``, ``-shm`` or
``-journal`` (through any link to it), with the stack that made it. Drive the window, the services or the
command line inside it, and assert that nothing was recorded.
"""

from __future__ import annotations

import builtins
import io
import os
import shutil
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from db.live import SIDE_FILES


@dataclass
class Trap:
    protected: set[str]
    calls: list[str] = field(default_factory=list)

    def names(self, path: Any) -> bool:
        if isinstance(path, int):  # a descriptor: opened by name first, and that call is the one recorded
            return False
        try:
            return os.path.realpath(os.fspath(path)) in self.protected
        except (TypeError, ValueError, OSError):
            return False

    def report(self) -> str:
        return "\n\n".join(self.calls)


_OPENING = {  # module, function name, which positional arguments are paths
    (builtins, "open"): (0,),
    (io, "open"): (0,),
    (os, "open"): (0,),
    (os, "truncate"): (0,),
    (os, "remove"): (0,),
    (os, "unlink"): (0,),
    (os, "replace"): (0, 1),
    (os, "rename"): (0, 1),
    (os, "link"): (0, 1),
    (shutil, "copyfile"): (0, 1),
    (shutil, "copy"): (0, 1),
    (shutil, "copy2"): (0, 1),
    (shutil, "move"): (0, 1),
}


@contextmanager
def watching(database: Path) -> Iterator[Trap]:
    """Record every Python-level open, copy, rename, truncation or removal of ``database`` and its side files."""
    real = os.path.realpath(database)
    trap = Trap({real, *(real + side for side in SIDE_FILES)})
    patches = pytest.MonkeyPatch()
    try:
        for (module, name), positions in _OPENING.items():
            original = getattr(module, name)

            def wrapper(*args: Any, __original: Any = original, __name: str = name,
                        __positions: tuple[int, ...] = positions, **kwargs: Any) -> Any:
                named = [args[i] for i in __positions if i < len(args)]
                named += [kwargs[k] for k in ("file", "path", "src", "dst") if k in kwargs]
                if any(trap.names(path) for path in named):
                    trap.calls.append(f"{__name}{tuple(map(str, named))}\n" + "".join(traceback.format_stack()[:-1]))
                return __original(*args, **kwargs)

            patches.setattr(module, name, wrapper)
        yield trap
    finally:
        patches.undo()
