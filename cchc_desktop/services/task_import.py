"""TaskImportService: the tasks of a year's reform plan from a CSV file or an .xlsx (``cchc import tasks``).

The columns are those of DESIGN.md §4 (``TASK_COLUMNS``; «Nội dung nhiệm vụ» and «Lĩnh vực CCHC» must be
there). The same rules as the other imports: all or nothing by default, every bad row reported with its line
and column; ``skip_invalid`` writes the good rows and puts the bad ones in ``rejects``. Each row passes the
checks of ``PlanService`` (``check_task``), so a file cannot store what the form would refuse.

Decisions where the contract is silent:
- The plan's year: ``year`` when given, else the one year the deadlines name; deadlines naming several years
  (or none, or one outside the plans' years) without ``year`` stop the import with one message. The plan is
  created when missing.
- «Thời hạn» takes a date (``dd/mm/yyyy``, ISO, a spreadsheet date, or ``dd/mm`` in the plan's year), a month
  (``Tháng 3``, ``03/2024``: its last day), a quarter (``Quý I``: its last day) or the whole year
  (``Thường xuyên``, ``Cả năm``, ``Trong năm``: 31/12); ``Trước``/``Trước ngày`` before it is ignored.
- «Lĩnh vực CCHC»: the area's number 0–6 or its name, whole or in part (``parse_area``).
- «Nguồn» empty is «Kế hoạch». «Tình trạng» empty (or missing) is «Hoàn thành» when there is a completion
  date, else the stored status (a new task, or a stored one done: «Chưa thực hiện»). «Hoàn thành» without
  «Ngày hoàn thành» is a bad row (the form would date it today); a date with another status too.
- Re-importing updates tasks by «Số TT». A row without a number is the stored task of the same content
  (ignoring case and diacritics) when there is exactly one, else a new task with the plan's next number.
  For a stored task, a column missing from the file keeps its value; an empty cell empties it.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from cchc_desktop.domain.choices import Choice
from cchc_desktop.domain.plans import PlanTask, ReformArea, TaskSource, TaskStatus, next_number, parse_area
from cchc_desktop.domain.users import Permission
from cchc_desktop.errors import ValidationError
from cchc_desktop.i18n import _
from cchc_desktop.progress import Progress, no_progress
from cchc_desktop.services.plans import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    TaskInput,
    check_task,
    insert_empty_plan,
    task_of,
    task_values,
)
from cchc_desktop.services.sessions import requires
from cchc_desktop.services.tables import (
    TASK_COLUMNS,
    TASK_REQUIRED,
    Cell,
    HeaderMapping,
    ImportResult,
    Problems,
    Table,
    cell_text,
    open_table,
    parse_moment,
    shown,
    table_format,
)
from cchc_desktop.text import fold
from db.errors import writing
from db.handle import Database
from db.queries import plans as queries

log = logging.getLogger("cchc.services")

Clock = Callable[[], datetime]
ChoiceT = TypeVar("ChoiceT", bound=Choice)

# The service's fields as the file's columns.
_COLUMN_OF = {"number": "code", "completed_on": "completed_at"}
_FIELD_OF = {column: field for field, column in _COLUMN_OF.items()}
_TEXT_COLUMNS = ("title", "lead", "cooperating", "evidence", "progress_note")
_STATUS_ALIASES = {
    "da hoan thanh": TaskStatus.DONE, "xong": TaskStatus.DONE, "dang trien khai": TaskStatus.IN_PROGRESS,
    "chua trien khai": TaskStatus.NOT_STARTED, "huy": TaskStatus.CANCELLED, "khong trien khai": TaskStatus.CANCELLED,
}
_SOURCE_ALIASES = {"cap tren": TaskSource.HIGHER_LEVEL, "kh": TaskSource.PLAN}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_YEAR = r"(?:\s*(?:/|-|nam)?\s*(\d{4}))?"  # the last group of the patterns below
_BEFORE = re.compile(r"^(?:truoc|den|han)?\s*(?:ngay)?\s*")
_DAY_MONTH = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})")
_MONTH_YEAR = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{4})")
_MONTH = re.compile(r"thang\s*(\d{1,2})" + _YEAR)
_QUARTER = re.compile(r"quy\s*(iv|i{1,3}|[1-4])" + _YEAR)
_WHOLE_YEAR = re.compile(r"(?:thuong xuyen|ca nam|trong nam|hang nam|nam)" + _YEAR)
_DEADLINE_HINT = "dd/mm/yyyy, Tháng 3, Quý I, Thường xuyên"


@dataclass(frozen=True)
class TaskImportResult(ImportResult):
    """What an import of tasks wrote, into the plan of ``year`` (created by the import or not)."""

    year: int = 0
    plan_created: bool = False


@dataclass(frozen=True)
class Deadline:
    """A deadline as written: a day, or the last day of a month; ``year`` None when the cell names none."""

    year: int | None
    month: int
    day: int | None = None

    def on(self, year: int) -> date:
        """The date in the plan's ``year`` (when the cell named none); raises ValueError for 31/02."""
        chosen = self.year if self.year is not None else year
        if self.day is not None:
            return date(chosen, self.month, self.day)
        first_of_next = date(chosen + self.month // 12, self.month % 12 + 1, 1)
        return first_of_next - timedelta(days=1)


def parse_deadline(cell: Cell) -> Deadline:
    """«Thời hạn» as written (see the module's docstring); raises ValueError."""
    if isinstance(cell, date):
        return Deadline(cell.year, cell.month, cell.day)
    try:
        at = parse_moment(cell).at
        return Deadline(at.year, at.month, at.day)
    except ValueError:
        pass
    text = _BEFORE.sub("", fold(cell_text(cell)).rstrip("."))
    try:
        at = parse_moment(text).at
        return Deadline(at.year, at.month, at.day)
    except ValueError:
        pass

    def year_of(match: re.Match[str]) -> int | None:
        written = match.groups()[-1]
        return int(written) if written else None

    if match := _MONTH_YEAR.fullmatch(text):
        found = Deadline(int(match[2]), int(match[1]))
    elif match := _DAY_MONTH.fullmatch(text):
        found = Deadline(None, int(match[2]), int(match[1]))
    elif match := _MONTH.fullmatch(text):
        found = Deadline(year_of(match), int(match[1]))
    elif match := _QUARTER.fullmatch(text):
        found = Deadline(year_of(match), (_ROMAN.get(match[1]) or int(match[1])) * 3)
    elif match := _WHOLE_YEAR.fullmatch(text):
        found = Deadline(year_of(match), 12, 31)
    else:
        raise ValueError(text)
    if not 1 <= found.month <= 12:
        raise ValueError(text)
    found.on(found.year or 2000)  # 31/02 or 30/02 is refused now (2000: a leap year, 29/02 passes)
    return found


def _parse_choice(kind: type[ChoiceT], aliases: Mapping[str, ChoiceT], text: str) -> ChoiceT | None:
    """A member by its key, its label or one of ``aliases`` (folded), or None."""
    try:
        return kind.parse(text)
    except ValueError:
        return aliases.get(fold(text))


def _number(cell: Cell) -> str:
    """«Số TT» as stored: clean, without a trailing dot (``1.`` → ``1``)."""
    return cell_text(cell).rstrip(".").strip()


@dataclass
class _Row:
    """A row whose cells were read: the value of each column present in the file (by service field)."""

    line: int
    values: dict[str, Any]
    deadline: Deadline | None = None
    unreadable: frozenset[str] = frozenset()  # fields whose cell could not be read (already reported)


class TaskImportService:
    """The import of a plan's tasks (``cchc import tasks``; Kế hoạch CCHC → Nhập từ Excel)."""

    def __init__(self, db: Database, *, clock: Clock = datetime.now) -> None:
        self.db = db
        self.clock = clock

    @requires(Permission.IMPORT)
    def import_tasks(
        self, path: Path, *, year: int | None = None, skip_invalid: bool = False, rejects: Path | None = None,
        mapping: HeaderMapping | None = None, progress: Progress = no_progress,
    ) -> TaskImportResult:
        """Import the tasks of ``path`` into the plan of ``year`` (or of the year its deadlines name).

        Raises TableFileError (the file as a whole), ValidationError (``year``: the plan's year is wrong or
        cannot be told) or ImportRejected (bad rows, without ``skip_invalid``); nothing is written then.
        """
        if rejects is not None:
            table_format(rejects)  # a name we cannot write is said before any work
        if year is not None and not EARLIEST_YEAR <= year <= LATEST_YEAR:
            raise ValidationError({"year": _("Năm kế hoạch phải từ {first} đến {last}.").format(
                first=EARLIEST_YEAR, last=LATEST_YEAR)})
        today = self.clock().date()
        rows: list[_Row] = []
        with open_table(path, TASK_COLUMNS, TASK_REQUIRED, mapping=mapping, progress=progress) as table:
            problems = Problems(table, TASK_COLUMNS)
            for line, cells in table.rows():
                row = self._read(table, problems, line, cells)
                number = _number(table.value(cells, "code"))
                if number and (first := problems.earlier(line, "code", number)):
                    problems.add(line, "code", _("số thứ tự «{number}» trùng với dòng {first}").format(
                        number=shown(number), first=first))
                    continue
                rows.append(row)
        year = year if year is not None else self._year(rows)
        with writing(self.db):
            stored_plan = queries.plan_by_year(self.db, year)
            plan_id = stored_plan["id"] if stored_plan else None
            stored = [task_of(row) for row in queries.tasks(self.db, plan_id)] if plan_id else []
            lines = self._check(problems, rows, stored, year=year, today=today)
            problems.finish(path, TASK_REQUIRED, skip_invalid=skip_invalid, rejects=rejects)
            checked = [(task, old) for line, task, old in lines if line not in problems]
            inserts = [task for task, old in checked if old is None]
            created = plan_id is None and bool(inserts)
            if plan_id is None and inserts:
                plan_id = insert_empty_plan(self.db, year).id
            changes = [{**task_values(task, old.plan_id), "id": old.id} for task, old in checked
                       if old is not None and task != TaskInput.of(old)]
            if plan_id is not None:
                queries.insert_tasks(self.db, [task_values(task, plan_id) for task in inserts])
            queries.update_tasks(self.db, changes)
        result = TaskImportResult(
            year=year, plan_created=created, inserted=len(inserts), updated=len(changes),
            unchanged=len(checked) - len(inserts) - len(changes), rejected=len(problems),
            problems=tuple(problems.all()), rejects=rejects,
        )
        log.info("imported tasks of %d from %s: %d new, %d updated, %d unchanged, %d rejected", year, path.name,
                 result.inserted, result.updated, result.unchanged, result.rejected)
        return result

    @staticmethod
    def _read(table: Table, problems: Problems, line: int, cells: list[Cell]) -> _Row:
        """The row's cells as values (by service field); a cell that cannot be read is reported, left out of
        the values and named in ``unreadable``, so that the row's other problems are still found."""
        raw = table.pick(cells)
        values: dict[str, Any] = {}
        unreadable: set[str] = set()

        def bad(key: str, message: str) -> None:
            unreadable.add(_FIELD_OF.get(key, key))
            problems.add(line, key, message)

        if "code" in raw:
            values["number"] = _number(raw["code"])
        for key in _TEXT_COLUMNS:
            if key in raw:
                values[key] = cell_text(raw[key])
        area_text = cell_text(raw.get("area"))
        values["area"] = None
        if area_text:
            try:
                values["area"] = parse_area(area_text)
            except ValueError:
                bad("area", _("lĩnh vực «{value}» không có (ghi số từ 0 đến 6 hoặc tên lĩnh vực, ví dụ: {example})")
                    .format(value=shown(area_text), example=ReformArea.INSTITUTIONS.label))
        if "source" in raw:
            source_text = cell_text(raw["source"])
            values["source"] = (_parse_choice(TaskSource, _SOURCE_ALIASES, source_text) if source_text
                                else TaskSource.PLAN)
            if values["source"] is None:
                bad("source", _("nguồn «{value}» không hợp lệ (ghi một trong: {labels})").format(
                    value=shown(source_text), labels=", ".join(member.label for member in TaskSource)))
        if "completed_at" in raw:
            values["completed_on"] = None
            if cell_text(raw["completed_at"]):
                try:
                    values["completed_on"] = parse_moment(raw["completed_at"]).at.date()
                except ValueError:
                    bad("completed_at", _("ngày không hợp lệ «{value}» (ghi dd/mm/yyyy hoặc yyyy-mm-dd)").format(
                        value=shown(raw["completed_at"])))
        status_text = cell_text(raw.get("status"))
        if status_text:
            values["status"] = _parse_choice(TaskStatus, _STATUS_ALIASES, status_text)
            if values["status"] is None:
                bad("status", _("tình trạng «{value}» không hợp lệ (ghi một trong: {labels})").format(
                    value=shown(status_text), labels=", ".join(member.label for member in TaskStatus)))
        deadline = None
        if "deadline" in raw:
            values["deadline"] = None
            if cell_text(raw["deadline"]):
                try:
                    deadline = parse_deadline(raw["deadline"])
                except ValueError:
                    bad("deadline", _("thời hạn «{value}» không hợp lệ (ví dụ: {examples})").format(
                        value=shown(raw["deadline"]), examples=_DEADLINE_HINT))
        for field in unreadable:
            values.pop(field, None)
        return _Row(line, values, deadline, frozenset(unreadable))

    @staticmethod
    def _year(rows: list[_Row]) -> int:
        """The one year the deadlines name; a ValidationError (``year``) when they name none or several."""
        lines: dict[int, list[int]] = defaultdict(list)
        for row in rows:
            if row.deadline is not None and row.deadline.year is not None:
                lines[row.deadline.year].append(row.line)
        if len(lines) == 1:
            year, numbers = next(iter(lines.items()))
            if EARLIEST_YEAR <= year <= LATEST_YEAR:
                return year
            raise ValidationError({"year": _(
                "Thời hạn của {n} dòng (dòng {first}) thuộc năm {year}, ngoài các năm kế hoạch (từ {earliest} đến "
                "{latest}): hãy sửa cột «Thời hạn» hoặc chọn năm kế hoạch (--year NĂM). Chưa ghi dữ liệu nào."
            ).format(n=len(numbers), first=numbers[0], year=year, earliest=EARLIEST_YEAR, latest=LATEST_YEAR)})
        if not lines:
            raise ValidationError({"year": _(
                "Không xác định được năm của kế hoạch: cột «Thời hạn» không ghi năm nào. Hãy chọn năm kế hoạch "
                "(--year NĂM). Chưa ghi dữ liệu nào.")})
        found = "; ".join(
            _("năm {year}: {n} dòng (dòng {first})").format(year=year, n=len(numbers), first=numbers[0])
            for year, numbers in sorted(lines.items()))
        raise ValidationError({"year": _(
            "Thời hạn của các dòng thuộc nhiều năm ({found}): hãy chọn năm kế hoạch (--year NĂM); các dòng có "
            "thời hạn ngoài năm đó sẽ bị báo lỗi. Chưa ghi dữ liệu nào.").format(found=found)})

    @staticmethod
    def _check(
        problems: Problems, rows: list[_Row], stored: list[PlanTask], *, year: int, today: date,
    ) -> list[tuple[int, TaskInput, PlanTask | None]]:
        """(line, task to store, stored task or None) of every row that passes the service's checks; rows
        without a number get the plan's next numbers, in the file's order."""
        by_number = {task.number: task for task in stored}
        by_title: dict[str, list[PlanTask]] = defaultdict(list)
        for stored_task in stored:
            by_title[fold(stored_task.title)].append(stored_task)
        written = {row.values["number"] for row in rows if row.values.get("number")}
        claimed: set[int] = set()
        checked: list[tuple[int, TaskInput, PlanTask | None]] = []
        for row in rows:
            values = dict(row.values)
            failed = False
            if row.deadline is not None:
                try:
                    values["deadline"] = row.deadline.on(year)
                except ValueError:  # 29/02 of a common year
                    failed = True
                    problems.add(row.line, "deadline", _("ngày «{day}/{month}» không có trong năm {year}").format(
                        day=row.deadline.day, month=row.deadline.month, year=year))
            number = values.get("number", "")
            old = by_number.get(number) if number else None
            if not number:
                same = by_title.get(fold(values.get("title", "")), [])
                if len(same) == 1 and same[0].number not in written and same[0].id not in claimed:
                    old = same[0]
                    values["number"] = old.number
            base = TaskInput.of(old) if old is not None else TaskInput(title="", area=None)
            if "status" not in values:  # not written: a completion date says «Hoàn thành», else the stored status
                done = values.get("completed_on", base.completed_on) is not None
                keep = base.status is not TaskStatus.DONE
                values["status"] = TaskStatus.DONE if done else base.status if keep else TaskStatus.NOT_STARTED
            if values["status"] is not TaskStatus.DONE and "completed_on" not in values:
                values["completed_on"] = None  # leaving «Hoàn thành» clears the stored completion date
            task, errors = check_task(replace(base, **values), year=year, today=today, complete_today=False)
            for key, message in errors.items():
                if key not in row.unreadable:
                    problems.add(row.line, _COLUMN_OF.get(key, key), message)
            if errors or failed or row.unreadable:
                continue
            if old is not None:
                claimed.add(old.id)
            checked.append((row.line, task, old))
        taken = set(by_number) | {task.number for _line, task, _old in checked}
        numbered: list[tuple[int, TaskInput, PlanTask | None]] = []
        for line, task, old in checked:
            if not task.number:
                task = replace(task, number=next_number(taken))
                taken.add(task.number)
            numbered.append((line, task, old))
        return numbered
