"""Storage layer of CCHC Desktop: the SQLite file, its migrations and all SQL text."""

import sys as _sys

# sqlite-utils imports numpy (present for the charts) to map numpy scalars to SQL types; this program never
# writes numpy values, and that import alone costs ~60 ms of every start. Import sqlite-utils without it.
if "sqlite_utils" not in _sys.modules and "numpy" not in _sys.modules:
    _sys.modules["numpy"] = None  # type: ignore[assignment]  # (None is Python's documented "do not import" mark)
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del _sys.modules["numpy"]
