"""RegisterService: the dossier register (Sổ theo dõi hồ sơ) as filtered, sorted, keyset-paged lists."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from cchc_desktop import formatting
from cchc_desktop.domain.dossiers import Channel, DossierStatus
from cchc_desktop.i18n import _
from cchc_desktop.text import fold
from db.handle import Database
from db.queries import register as queries

PAGE_SIZE = 200


class SortKey(StrEnum):
    RECEIVED_AT = "received_at"
    CODE = "code"
    APPLICANT = "applicant"
    DUE_AT = "due_at"


@dataclass(frozen=True)
class RegisterFilter:
    """What the officer asked to see. ``text`` searches codes, names (with or without diacritics), phones, IDs."""

    text: str = ""
    statuses: tuple[DossierStatus, ...] = ()
    channel: Channel | None = None
    procedure_id: int | None = None
    field_id: int | None = None
    received_from: date | None = None
    received_to: date | None = None  # inclusive
    overdue: bool = False  # open, not waiting for a supplement (its clock is stopped), due before now
    due_from: datetime | None = None  # open dossiers not waiting for a supplement, due in [due_from, due_before)
    due_before: datetime | None = None
    boundary_free: bool = False  # «Hồ sơ không phụ thuộc địa giới»: filed by a resident of another commune
    transferred: bool = False  # «Đã chuyển đơn vị khác»: handed to another unit to handle
    sort: SortKey = SortKey.RECEIVED_AT
    descending: bool = True


@dataclass(frozen=True)
class RegisterRow:
    id: int
    code: str
    applicant_name: str
    procedure_code: str
    procedure_name: str
    channel: Channel
    received_at: datetime
    due_at: datetime
    status: DossierStatus
    phone: str | None
    applicant_id: str | None
    resolved_at: datetime | None
    returned_at: datetime | None
    cursor: tuple[Any, int]  # where the next page starts
    overdue_days: int | None = None  # running (its clock not stopped) and past its appointment: days late (1 at least)


@dataclass(frozen=True)
class RegisterPage:
    rows: tuple[RegisterRow, ...]
    more: bool

    @property
    def cursor(self) -> tuple[Any, int] | None:
        return self.rows[-1].cursor if self.rows else None


_PHONE_LIKE = re.compile(r"^[\d\s.\-]+$")
# A whole dossier code (``<unit code>-<yymmdd>-<sequence>``): looked up by its unique index, not by words.
_WHOLE_CODE = re.compile(r"^[0-9A-Z.]+-\d{6}-\d{3,}$")


def search_words(text: str) -> tuple[str, ...]:
    """The words searched for what was typed (each must begin a word of a dossier: see db/queries/register.py).

    "nguyen van an", "Nguyễn Văn Ấn" and "NGUYEN VAN AN" give the same words; a phone or ID number typed with
    spaces or dots ("0912 345 678") is searched as one number.
    """
    folded = fold(text)
    if _PHONE_LIKE.match(folded) and sum(ch.isdigit() for ch in folded) >= 6 and " " in folded.strip():
        folded = re.sub(r"\D", "", folded)
    return tuple(re.findall(r"[0-9a-z]+", folded))


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class RegisterService:
    def __init__(self, db: Database, *, clock: Callable[[], datetime] = datetime.now) -> None:
        self.db = db
        self.clock = clock

    def _query(self, wanted: RegisterFilter) -> queries.RegisterQuery:
        typed = wanted.text.strip().upper()
        whole_code = typed if _WHOLE_CODE.match(typed) else None
        return queries.RegisterQuery(
            words=() if whole_code else search_words(wanted.text),
            code=whole_code,
            statuses=tuple(status.value for status in wanted.statuses),
            channel=wanted.channel.value if wanted.channel else None,
            procedure_id=wanted.procedure_id,
            field_id=wanted.field_id,
            received_from=wanted.received_from.isoformat() if wanted.received_from else None,
            received_before=(wanted.received_to + timedelta(days=1)).isoformat() if wanted.received_to else None,
            overdue_at=self.clock().isoformat(timespec="minutes") if wanted.overdue else None,
            due_between=(
                (wanted.due_from.isoformat(timespec="minutes"), wanted.due_before.isoformat(timespec="minutes"))
                if wanted.due_from and wanted.due_before else None
            ),
            boundary_free=wanted.boundary_free,
            transferred=wanted.transferred,
            sort=wanted.sort.value,
            descending=wanted.descending,
        )

    def page(self, wanted: RegisterFilter, *, after: tuple[Any, int] | None = None,
             limit: int = PAGE_SIZE) -> RegisterPage:
        """One page of the register, after the ``cursor`` of the previous page's last row."""
        query = self._query(wanted)
        rows = queries.page(self.db, query, after=after, limit=limit + 1)
        listed = [self._row(row, query.sort) for row in rows[:limit]]
        now = self.clock()
        for index, row in enumerate(listed):
            if row.status in RUNNING and row.due_at < now:  # days on the wall calendar: what a reader of dates sees
                listed[index] = replace(row, overdue_days=max(1, (now.date() - row.due_at.date()).days))
        return RegisterPage(rows=tuple(listed), more=len(rows) > limit)

    def count(self, wanted: RegisterFilter) -> int:
        return queries.count(self.db, self._query(wanted))

    @staticmethod
    def _row(row: dict[str, Any], sort: str) -> RegisterRow:
        return RegisterRow(
            id=row["id"],
            code=row["code"],
            applicant_name=row["applicant_name"],
            procedure_code=row["procedure_code"],
            procedure_name=row["procedure_name"],
            channel=Channel(row["channel"]),
            received_at=datetime.fromisoformat(row["received_at"]),
            due_at=datetime.fromisoformat(row["due_at"]),
            status=DossierStatus(row["status"]),
            phone=row["phone"],
            applicant_id=row["applicant_id"],
            resolved_at=_moment(row["resolved_at"]),
            returned_at=_moment(row["returned_at"]),
            cursor=(queries.sort_value(row, sort), row["id"]),
        )


# The register's columns as a list shows them (the window's table and the exported list): key, header.
# The status and the appointment come right after the name: on a 1366-pixel screen they show without scrolling.
LIST_COLUMNS: list[tuple[str, str]] = [
    ("code", "Mã hồ sơ"),
    ("applicant", "Chủ hồ sơ"),
    ("status", "Trạng thái"),
    ("due_at", "Ngày hẹn trả"),
    ("procedure", "Thủ tục"),
    ("channel", "Hình thức nộp"),
    ("received_at", "Ngày tiếp nhận"),
    ("phone", "Điện thoại"),
    ("applicant_id", "Số giấy tờ"),
]
RUNNING = frozenset(DossierStatus(status) for status in queries.RUNNING_STATUSES)  # the overdue filter's


def display(row: RegisterRow, key: str) -> str:
    """A cell of a listed dossier as shown: dates formatted, phone and ID masked (only the last 3 digits)."""
    values = {
        "code": lambda: row.code,
        "applicant": lambda: row.applicant_name,
        "procedure": lambda: row.procedure_name,
        "channel": lambda: row.channel.label,
        "received_at": lambda: formatting.date_time(row.received_at),
        "due_at": lambda: formatting.date_time(row.due_at) + (
            "" if row.overdue_days is None
            else " — " + _("quá hạn {n} ngày").format(n=row.overdue_days)),
        "status": lambda: row.status.label,
        "phone": lambda: formatting.masked(row.phone),
        "applicant_id": lambda: formatting.masked(row.applicant_id),
    }
    return values[key]()
