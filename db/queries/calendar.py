"""The unit's calendar overrides: its own days off and make-up working days."""

from __future__ import annotations

from sqlite_utils import Database


def overrides(db: Database) -> list[tuple[str, str]]:
    """(ISO day, kind) of every override, oldest first."""
    return [(day, kind) for day, kind in db.execute("SELECT day, kind FROM calendar_override ORDER BY day")]
