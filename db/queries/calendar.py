"""The unit's calendar overrides: its own days off and make-up working days."""

from __future__ import annotations

from db.handle import Database


def overrides(db: Database) -> list[tuple[str, str]]:
    """(ISO day, kind) of every override, oldest first."""
    return [(day, kind) for day, kind in db.execute("SELECT day, kind FROM calendar_override ORDER BY day")]


def overrides_of_year(db: Database, year: int) -> list[tuple[str, str, str | None]]:
    """(ISO day, kind, note) of the year's overrides."""
    return list(db.execute(
        "SELECT day, kind, note FROM calendar_override WHERE day >= ? AND day < ? ORDER BY day",
        [f"{year:04d}-01-01", f"{year + 1:04d}-01-01"],
    ).fetchall())


def put_override(db: Database, day: str, kind: str, note: str | None) -> None:
    db.execute(
        "INSERT INTO calendar_override (day, kind, note) VALUES (?, ?, ?)"
        " ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, note = excluded.note",
        [day, kind, note],
    )


def delete_override(db: Database, day: str) -> int:
    return db.execute("DELETE FROM calendar_override WHERE day = ?", [day]).rowcount
