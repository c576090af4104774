"""PlanService: the annual reform plan (Kế hoạch CCHC) with its tasks, and the register of directive documents.

Every write is one transaction whose first statement takes the write lock (``db.queries.plans``), so the
checks against stored data (a duplicate number, a target plan that already has tasks) see the latest data.
Nothing is deleted: a task no longer wanted is set to «Không thực hiện».

Decisions where the issue is silent:
- A plan's decision number and date are optional (a plan copied or imported before its decision is signed),
  but go together; the decision is dated in the plan's year or the year before, and not in the future.
  An empty title becomes «Kế hoạch cải cách hành chính năm <year>».
- A task's deadline is optional; when given it lies in the plan's year. A completion date lies neither
  before the plan's year nor in the future; it may fall after the year (a task finished late).
- Only a «Hoàn thành» task has a completion date: a date with another status is refused. Saving a task as
  done without a date dates it today (``check_task(..., complete_today=False)`` refuses instead: the import).
  Leaving «Hoàn thành» clears the completion date; the evidence and the progress note are kept.
- An empty number gets the next whole number of the plan (after the largest whole number used).
- Copying a plan copies every task except those «Không thực hiện»: status «Chưa thực hiện», no completion
  date, evidence nor progress note, the deadline moved to the same day of the new year (29/02 → 28/02),
  «năm <old year>» in the content becomes «năm <new year>»; number, area, source, lead and cooperating units
  are kept. The target plan is created (without decision) if missing; one that has tasks is refused.
- A directive document is refused when the register already has one of the same number (ignoring case and
  diacritics) issued the same day.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cchc_desktop.domain.plans import (
    DirectiveDocument,
    DirectiveKind,
    Plan,
    PlanTask,
    ReformArea,
    TaskSource,
    TaskStatus,
    natural_key,
    next_number,
    same_day_in,
)
from cchc_desktop.domain.users import Permission
from cchc_desktop.errors import NotFoundError, ValidationError
from cchc_desktop.formatting import short_date
from cchc_desktop.i18n import _
from cchc_desktop.services.sessions import requires
from cchc_desktop.text import clean, fold
from db.errors import writing
from db.handle import Database
from db.queries import plans as queries

log = logging.getLogger("cchc.services")

Clock = Callable[[], datetime]

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100  # the schema's CHECK on plan.year
MAX_LENGTH = {
    "number": 20, "title": 1000, "lead": 300, "cooperating": 300, "evidence": 500, "progress_note": 2000,
    "decision_number": 50, "plan_title": 500, "document_number": 50, "document_title": 1000,
}
_TEXTS = ("title", "lead", "cooperating", "evidence", "progress_note")


def default_plan_title(year: int) -> str:
    return _("Kế hoạch cải cách hành chính năm {year}").format(year=year)


def _sentences(errors: Mapping[str, str]) -> ValidationError:
    """The phrases of ``check_task`` as the fields' sentences: ``tên trống`` → ``Tên trống.``"""
    return ValidationError({key: message[:1].upper() + message[1:] + "." for key, message in errors.items()})


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


# -- data in and out ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskInput:
    """A task as the form (or a row of a file) gives it; an empty ``number`` gets the plan's next number."""

    title: str
    area: ReformArea | int | None
    number: str = ""
    source: TaskSource = TaskSource.PLAN
    lead: str = ""
    cooperating: str = ""
    deadline: date | None = None
    status: TaskStatus = TaskStatus.NOT_STARTED
    completed_on: date | None = None
    evidence: str = ""
    progress_note: str = ""

    @classmethod
    def of(cls, task: PlanTask) -> TaskInput:
        """The stored task as an input, to change some of it (``dataclasses.replace``)."""
        return cls(
            title=task.title, area=task.area, number=task.number, source=task.source, lead=task.lead,
            cooperating=task.cooperating, deadline=task.deadline, status=task.status, completed_on=task.completed_on,
            evidence=task.evidence, progress_note=task.progress_note,
        )


@dataclass(frozen=True)
class DocumentInput:
    """A directive document as the form gives it."""

    number: str
    issued_on: date | None
    kind: DirectiveKind | None
    title: str
    area: ReformArea | int | None = None


@dataclass(frozen=True)
class PlanCopy:
    """What ``copy_plan`` wrote: the target plan (created or not) and the new tasks."""

    from_year: int
    to_year: int
    plan: Plan
    plan_created: bool
    tasks: tuple[PlanTask, ...]
    skipped: int  # tasks «Không thực hiện», not copied


def _plan(row: Mapping[str, Any]) -> Plan:
    return Plan(id=row["id"], year=row["year"], decision_number=row["decision_number"] or "",
                decision_date=_day(row["decision_date"]), title=row["title"] or "")


def task_of(row: Mapping[str, Any]) -> PlanTask:
    return PlanTask(
        id=row["id"], plan_id=row["plan_id"], number=row["number"], title=row["title"], area=ReformArea(row["area"]),
        source=TaskSource(row["source"]), lead=row["lead"] or "", cooperating=row["cooperating"] or "",
        deadline=_day(row["deadline"]), status=TaskStatus(row["status"]), completed_on=_day(row["completed_on"]),
        evidence=row["evidence"] or "", progress_note=row["progress_note"] or "",
    )


def _document(row: Mapping[str, Any]) -> DirectiveDocument:
    return DirectiveDocument(
        id=row["id"], number=row["number"], issued_on=date.fromisoformat(row["issued_on"]),
        kind=DirectiveKind(row["kind"]), title=row["title"],
        area=ReformArea(row["area"]) if row["area"] is not None else None,
    )


def insert_empty_plan(db: Database, year: int) -> Plan:
    """Inside a transaction: the year's plan without decision (a plan copied or imported before it)."""
    title = default_plan_title(year)
    plan_id = queries.insert_plan(db, {"year": year, "decision_number": None, "decision_date": None, "title": title})
    return Plan(id=plan_id, year=year, title=title)


def sort_tasks(tasks: list[PlanTask]) -> list[PlanTask]:
    """By area, then number in natural order (``2`` before ``10``, ``1.2`` before ``1.10``)."""
    return sorted(tasks, key=lambda task: (task.area, natural_key(task.number), task.id))


def task_values(task: TaskInput, plan_id: int) -> dict[str, object]:
    """The named parameters of ``INSERT_TASK`` for a checked task (``check_task``)."""
    return {
        "plan_id": plan_id, "number": task.number, "title": task.title, "area": int(task.area or 0),
        "source": TaskSource(task.source).value, "lead": task.lead or None, "cooperating": task.cooperating or None,
        "deadline": _iso(task.deadline), "status": TaskStatus(task.status).value,
        "completed_on": _iso(task.completed_on), "evidence": task.evidence or None,
        "progress_note": task.progress_note or None,
    }


# -- the rules of a task -----------------------------------------------------------------------------------


def _choice(value: object, kind: type) -> Any:
    try:
        return kind(value)
    except ValueError:
        return None


def check_task(
    task: TaskInput, *, year: int, today: date, complete_today: bool = True,
) -> tuple[TaskInput, dict[str, str]]:
    """The task cleaned (texts NFC and trimmed, the number without a trailing dot) and what is wrong with it,
    by field of TaskInput, as phrases (``nội dung nhiệm vụ không được để trống``); checks needing the
    database (a duplicate number) are the caller's. A «Hoàn thành» task without a date is dated ``today``,
    or refused when not ``complete_today``."""
    errors: dict[str, str] = {}
    texts: dict[str, Any] = {key: clean(getattr(task, key)) for key in _TEXTS}  # (each field a text)
    number = clean(task.number).rstrip(".").strip()
    for key, value in (("number", number), *texts.items()):
        if len(value) > MAX_LENGTH[key]:
            errors[key] = _("nội dung quá dài (tối đa {n} ký tự)").format(n=MAX_LENGTH[key])
    if not texts["title"]:
        errors["title"] = _("nội dung nhiệm vụ không được để trống")
    area = _choice(task.area, ReformArea) if task.area is not None else None
    if task.area is None:
        errors["area"] = _("chưa chọn lĩnh vực cải cách hành chính")
    elif area is None:
        errors["area"] = _("lĩnh vực «{value}» không có (chọn số từ 0 đến 6)").format(value=task.area)
    source = _choice(task.source, TaskSource)
    if source is None:
        errors["source"] = _("nguồn nhiệm vụ «{value}» không hợp lệ").format(value=task.source)
    status = _choice(task.status, TaskStatus)
    if status is None:
        errors["status"] = _("tình trạng «{value}» không hợp lệ").format(value=task.status)
    if task.deadline is not None and task.deadline.year != year:
        errors["deadline"] = _("thời hạn {day} không thuộc năm kế hoạch {year}").format(
            day=short_date(task.deadline), year=year)
    completed = task.completed_on
    if status is TaskStatus.DONE and completed is None:
        if complete_today:
            completed = today
        else:
            errors["completed_on"] = _("nhiệm vụ «{done}» phải có ngày hoàn thành").format(done=TaskStatus.DONE.label)
    elif completed is not None and status is not TaskStatus.DONE and status is not None:
        errors["completed_on"] = _("chỉ ghi ngày hoàn thành khi tình trạng là «{done}»").format(
            done=TaskStatus.DONE.label)
    if completed is not None and "completed_on" not in errors:
        if completed.year < year:
            errors["completed_on"] = _("ngày hoàn thành {day} trước năm kế hoạch {year}").format(
                day=short_date(completed), year=year)
        elif completed > today:
            errors["completed_on"] = _("ngày hoàn thành {day} ở tương lai").format(day=short_date(completed))
    cleaned = dataclasses.replace(
        task, number=number, area=area, source=source or task.source, status=status or task.status,
        completed_on=completed, **texts,
    )
    return cleaned, errors


# -- the service -------------------------------------------------------------------------------------------


class PlanService:
    """The annual plan page (Kế hoạch CCHC): plans, tasks, copying a plan, directive documents."""

    def __init__(self, db: Database, *, clock: Clock = datetime.now) -> None:
        self.db = db
        self.clock = clock

    def today(self) -> date:
        return self.clock().date()

    # -- plans ---------------------------------------------------------------------------------------------

    def plans(self) -> list[Plan]:
        """Every plan, the newest year first."""
        return [_plan(row) for row in queries.plans(self.db)]

    def plan(self, year: int) -> Plan | None:
        row = queries.plan_by_year(self.db, year)
        return _plan(row) if row else None

    @requires(Permission.PLAN)
    def save_plan(
        self, *, year: int, decision_number: str = "", decision_date: date | None = None, title: str = "",
    ) -> Plan:
        """Create the year's plan, or change its decision and title (every problem at once)."""
        errors = self._check_year(year, "year")
        number, title = clean(decision_number), clean(title) or default_plan_title(year)
        if len(number) > MAX_LENGTH["decision_number"]:
            errors["decision_number"] = _("Số quyết định quá dài (tối đa {n} ký tự).").format(
                n=MAX_LENGTH["decision_number"])
        if len(title) > MAX_LENGTH["plan_title"]:
            errors["title"] = _("Tên kế hoạch quá dài (tối đa {n} ký tự).").format(n=MAX_LENGTH["plan_title"])
        if number and decision_date is None:
            errors["decision_date"] = _("Hãy ghi ngày của quyết định ban hành kế hoạch.")
        elif decision_date is not None and not number:
            errors["decision_number"] = _("Hãy ghi số quyết định ban hành kế hoạch.")
        if decision_date is not None and not errors.get("year"):
            if not year - 1 <= decision_date.year <= year:
                errors["decision_date"] = _(
                    "Quyết định ban hành kế hoạch năm {year} phải đề ngày trong năm {year} hoặc năm {before} "
                    "(đang ghi {day})."
                ).format(year=year, before=year - 1, day=short_date(decision_date))
            elif decision_date > self.today():
                errors["decision_date"] = _("Ngày quyết định {day} ở tương lai.").format(day=short_date(decision_date))
        if errors:
            raise ValidationError(errors)
        values = {"year": year, "decision_number": number or None, "decision_date": _iso(decision_date),
                  "title": title}
        with writing(self.db):
            stored = queries.plan_by_year(self.db, year)
            if stored is None:
                plan_id = queries.insert_plan(self.db, values)
            else:
                plan_id = stored["id"]
                queries.update_plan(self.db, plan_id, values)
        log.info("saved the plan of %d", year)
        return Plan(id=plan_id, year=year, decision_number=number, decision_date=decision_date, title=title)

    @staticmethod
    def _check_year(year: int, key: str) -> dict[str, str]:
        if not EARLIEST_YEAR <= year <= LATEST_YEAR:
            return {key: _("Năm kế hoạch phải từ {first} đến {last}.").format(first=EARLIEST_YEAR, last=LATEST_YEAR)}
        return {}

    # -- tasks ---------------------------------------------------------------------------------------------

    def tasks(self, year: int, *, area: ReformArea | None = None) -> list[PlanTask]:
        """The year's tasks (of one area when given), by area then number in natural order; none without a plan."""
        row = queries.plan_by_year(self.db, year)
        if row is None:
            return []
        rows = queries.tasks(self.db, row["id"], None if area is None else int(area))
        return sort_tasks([task_of(task) for task in rows])

    def task(self, task_id: int) -> PlanTask:
        row = queries.task(self.db, task_id)
        if row is None:
            raise NotFoundError(_("Không tìm thấy nhiệm vụ số {id}.").format(id=task_id))
        return task_of(row)

    @requires(Permission.PLAN)
    def add_task(self, *, year: int, task: TaskInput) -> PlanTask:
        """Add a task to the year's plan (which must exist); every problem at once."""
        cleaned, errors = check_task(task, year=year, today=self.today())
        with writing(self.db):
            plan = queries.plan_by_year(self.db, year)
            if plan is None:
                errors["year"] = _("chưa có kế hoạch CCHC năm {year}: hãy tạo kế hoạch trước").format(year=year)
            else:
                numbers = queries.task_ids_by_number(self.db, plan["id"])
                if not cleaned.number:
                    cleaned = dataclasses.replace(cleaned, number=next_number(numbers))
                self._check_number(cleaned.number, numbers, None, year, errors)
            if errors:
                raise _sentences(errors)
            assert plan is not None
            task_id = queries.insert_task(self.db, task_values(cleaned, plan["id"]))
        log.info("added task %s to the plan of %d", cleaned.number, year)
        return self.task(task_id)

    @requires(Permission.PLAN)
    def update_task(self, task_id: int, *, task: TaskInput) -> PlanTask:
        """Save the whole task as given (its plan does not change); every problem at once."""
        with writing(self.db):
            stored = queries.task(self.db, task_id)
            if stored is None:
                raise NotFoundError(_("Không tìm thấy nhiệm vụ số {id}.").format(id=task_id))
            year = stored["year"]
            cleaned, errors = check_task(task, year=year, today=self.today())
            numbers = queries.task_ids_by_number(self.db, stored["plan_id"])
            if not cleaned.number:
                cleaned = dataclasses.replace(cleaned, number=stored["number"])
            self._check_number(cleaned.number, numbers, task_id, year, errors)
            if errors:
                raise _sentences(errors)
            queries.update_tasks(self.db, [{**task_values(cleaned, stored["plan_id"]), "id": task_id}])
        log.info("updated task %d", task_id)
        return self.task(task_id)

    @requires(Permission.PLAN)
    def set_status(
        self, task_id: int, *, status: TaskStatus, completed_on: date | None = None,
        progress_note: str | None = None,
    ) -> PlanTask:
        """Change a task's status: «Hoàn thành» takes ``completed_on`` (when None: the date it has, else today);
        any other status clears the completion date. ``progress_note`` None keeps the note."""
        current = TaskInput.of(self.task(task_id))
        if status is TaskStatus.DONE and completed_on is None:
            completed_on = current.completed_on
        changed = dataclasses.replace(
            current, status=status, completed_on=completed_on,
            progress_note=current.progress_note if progress_note is None else progress_note,
        )
        return self.update_task(task_id, task=changed)

    @staticmethod
    def _check_number(number: str, numbers: Mapping[str, int], task_id: int | None, year: int,
                      errors: dict[str, str]) -> None:
        if "number" not in errors and numbers.get(number, task_id) != task_id:
            errors["number"] = _("số thứ tự «{number}» đã có trong kế hoạch năm {year}").format(
                number=number, year=year)

    # -- copying a plan ------------------------------------------------------------------------------------

    @requires(Permission.PLAN)
    def copy_plan(self, *, from_year: int, to_year: int) -> PlanCopy:
        """Start ``to_year``'s plan from ``from_year``'s tasks (see the module's docstring)."""
        errors = {**self._check_year(from_year, "from_year"), **self._check_year(to_year, "to_year")}
        if not errors and from_year == to_year:
            errors["to_year"] = _("Năm sao chép đến phải khác năm {year}.").format(year=from_year)
        if errors:
            raise ValidationError(errors)
        with writing(self.db):
            source = queries.plan_by_year(self.db, from_year)
            tasks = sort_tasks([task_of(row) for row in queries.tasks(self.db, source["id"])]) if source else []
            if not tasks:
                errors["from_year"] = _("Kế hoạch năm {year} chưa có nhiệm vụ nào để sao chép.").format(year=from_year)
            target = queries.plan_by_year(self.db, to_year)
            existing = queries.task_count(self.db, target["id"]) if target else 0
            if existing:
                errors["to_year"] = _(
                    "Kế hoạch năm {year} đã có {n} nhiệm vụ: chỉ sao chép vào kế hoạch chưa có nhiệm vụ."
                ).format(year=to_year, n=existing)
            if errors:
                raise ValidationError(errors)
            created = target is None
            plan = insert_empty_plan(self.db, to_year) if target is None else _plan(target)
            kept = [task for task in tasks if task.status is not TaskStatus.CANCELLED]
            year_words = re.compile(rf"(?i)\b(năm\s+){from_year}\b")
            copies = [
                task_values(TaskInput(
                    title=year_words.sub(rf"\g<1>{to_year}", task.title), area=task.area, number=task.number,
                    source=task.source, lead=task.lead, cooperating=task.cooperating,
                    deadline=same_day_in(task.deadline, to_year) if task.deadline else None,
                ), plan.id)
                for task in kept
            ]
            ids = queries.insert_tasks(self.db, copies)
        log.info("copied %d tasks of the plan of %d to %d", len(ids), from_year, to_year)
        new_tasks = {task.id: task for task in self.tasks(to_year)}
        return PlanCopy(
            from_year=from_year, to_year=to_year, plan=plan, plan_created=created,
            tasks=tuple(new_tasks[task_id] for task_id in ids), skipped=len(tasks) - len(kept),
        )

    # -- directive documents -------------------------------------------------------------------------------

    def documents(self, year: int | None = None) -> list[DirectiveDocument]:
        """The register of directive documents in order of issue; of one year when given."""
        return [_document(row) for row in queries.documents(self.db, year)]

    def document(self, document_id: int) -> DirectiveDocument:
        row = queries.document(self.db, document_id)
        if row is None:
            raise NotFoundError(_("Không tìm thấy văn bản số {id}.").format(id=document_id))
        return _document(row)

    @requires(Permission.PLAN)
    def add_document(self, *, document: DocumentInput) -> DirectiveDocument:
        """Register a directive document; every problem at once."""
        values, errors = self._check_document(document)
        with writing(self.db):
            self._check_duplicate(values, None, errors)
            if errors:
                raise ValidationError(errors)
            document_id = queries.insert_document(self.db, values)
        log.info("registered directive document %s", values["number"])
        return self.document(document_id)

    @requires(Permission.PLAN)
    def update_document(self, document_id: int, *, document: DocumentInput) -> DirectiveDocument:
        """Save the whole document as given; every problem at once."""
        values, errors = self._check_document(document)
        with writing(self.db):
            if queries.document(self.db, document_id) is None:
                raise NotFoundError(_("Không tìm thấy văn bản số {id}.").format(id=document_id))
            self._check_duplicate(values, document_id, errors)
            if errors:
                raise ValidationError(errors)
            queries.update_document(self.db, document_id, values)
        log.info("updated directive document %d", document_id)
        return self.document(document_id)

    def _check_document(self, document: DocumentInput) -> tuple[dict[str, Any], dict[str, str]]:
        errors: dict[str, str] = {}
        number, title = clean(document.number), clean(document.title)
        if not number:
            errors["number"] = _("Số, ký hiệu văn bản không được để trống.")
        elif len(number) > MAX_LENGTH["document_number"]:
            errors["number"] = _("Số, ký hiệu văn bản quá dài (tối đa {n} ký tự).").format(
                n=MAX_LENGTH["document_number"])
        issued = document.issued_on
        if issued is None:
            errors["issued_on"] = _("Hãy ghi ngày ban hành văn bản.")
        elif issued.year < EARLIEST_YEAR:
            errors["issued_on"] = _("Ngày ban hành {day} trước năm {year}.").format(
                day=short_date(issued), year=EARLIEST_YEAR)
        elif issued > self.today():
            errors["issued_on"] = _("Ngày ban hành {day} ở tương lai.").format(day=short_date(issued))
        kind = _choice(document.kind, DirectiveKind) if document.kind is not None else None
        if kind is None:
            errors["kind"] = _("Hãy chọn loại văn bản.")
        if not title:
            errors["title"] = _("Trích yếu nội dung văn bản không được để trống.")
        elif len(title) > MAX_LENGTH["document_title"]:
            errors["title"] = _("Trích yếu quá dài (tối đa {n} ký tự).").format(n=MAX_LENGTH["document_title"])
        area = _choice(document.area, ReformArea) if document.area is not None else None
        if document.area is not None and area is None:
            errors["area"] = _("Lĩnh vực «{value}» không có (chọn số từ 0 đến 6).").format(value=document.area)
        values = {"number": number, "issued_on": _iso(issued), "kind": kind.value if kind else None, "title": title,
                  "area": int(area) if area is not None else None}
        return values, errors

    def _check_duplicate(self, values: Mapping[str, Any], document_id: int | None, errors: dict[str, str]) -> None:
        if "number" in errors or values["issued_on"] is None:
            return
        wanted = fold(values["number"])
        for row in queries.documents_of_day(self.db, values["issued_on"]):
            if row["id"] != document_id and fold(row["number"]) == wanted:
                errors["number"] = _("Sổ đã có văn bản số {number} ngày {day}.").format(
                    number=row["number"], day=short_date(date.fromisoformat(values["issued_on"])))
                return
