"""Editing the audit log behind the program's back, as an intruder with the sqlite3 tool would."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def tamper(path: Path, sql: str) -> None:
    """Drop the log's guards, run ``sql``, put the guards back: what ``cchc check`` must then detect."""
    plain = sqlite3.connect(path)
    guards = [row[0] for row in plain.execute(
        "SELECT sql FROM sqlite_master WHERE name IN ('audit_log_no_update', 'audit_log_no_delete')")]
    with plain:
        plain.execute("DROP TRIGGER audit_log_no_update")
        plain.execute("DROP TRIGGER audit_log_no_delete")
        plain.execute(sql)
        for guard in guards:
            plain.execute(guard)
    plain.close()
