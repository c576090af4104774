"""Which automatic backups to keep: the newest of each of the last 7 days, of each of the last 4 weeks and of
each of the last 12 months (a copy may count for a day, its week and its month at once). Pure: no I/O.
Copies made by hand, before a migration or before a restore are never removed by rotation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

KEEP_DAYS, KEEP_WEEKS, KEEP_MONTHS = 7, 4, 12


def to_keep(moments: Iterable[datetime], *, days: int = KEEP_DAYS, weeks: int = KEEP_WEEKS,
            months: int = KEEP_MONTHS) -> set[datetime]:
    """The moments (of automatic backups) that rotation keeps."""
    newest_first = sorted(set(moments), reverse=True)
    kept: set[datetime] = set()
    for bucket, limit in ((lambda m: m.date(), days),
                          (lambda m: m.isocalendar()[:2], weeks),
                          (lambda m: (m.year, m.month), months)):
        seen: list[object] = []
        for moment in newest_first:
            key = bucket(moment)
            if key in seen:
                continue
            if len(seen) == limit:
                break
            seen.append(key)
            kept.add(moment)
    return kept


def to_remove(moments: Sequence[datetime], **limits: int) -> list[datetime]:
    kept = to_keep(moments, **limits)
    return sorted(moment for moment in set(moments) if moment not in kept)
