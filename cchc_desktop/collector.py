"""Python's cyclic garbage collector held off while long work builds many long-lived objects (an import's 100,000
checked rows). Each of its full passes walks the whole heap holding the interpreter lock: while a 100,000-row
import read its file on a worker thread, the passes stopped the window's thread for up to 1.25 s (the window's
longest wait, ``benchmarks.window_jobs``). Reference counting still frees everything that has no cycle; the
collector runs again when the work ends."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection until the outermost of the nested or concurrent uses ends; then as it was before."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
