"""InspectionService: administrative-discipline checks (Kiểm tra kỷ luật, kỷ cương hành chính, DOMAIN.md §5):
each inspection with its checklist and findings, the remedy of a finding recorded later, and the inspection
record (biên bản kiểm tra) as PDF. The figures of the inspections are StatisticsService's.

Every write is one transaction whose first statement takes the write lock (``db.queries.inspections``).
Nothing is deleted.

Decisions where the issue is silent:
- An inspection needs its date (not in the future, not before 2000), its kind and its subject; the basis,
  place, inspectors and conclusion are free text. ``inspectors``: one member per line (or separated by
  «;»), «Họ tên - chức vụ»; the record's team leader is the member marked «Trưởng đoàn», else the first.
- ``checks`` are keyed by the criterion's id or code; criteria may be left out (not checked), inactive ones
  may be checked; each check keeps the criterion's wording of the moment it was recorded.
- A finding needs a description; its remedy deadline and remedy date are not before the inspection, and the
  remedy date is not in the future. A disciplinary measure may name the official (counted by name in the
  figures, DOMAIN.md §5).
- Error keys: the input's field names; a check's ``checks.<code>``; a finding's ``findings.<i>.<field>`` with
  ``i`` its 0-based index in ``InspectionInput.findings`` (the message names it from 1: «Vấn đề thứ 1»).
- The whole inspection is written once (``record``); afterwards findings are added (``add_finding``) and
  changed (``update_finding``: its remedy, measure, deadline...), never deleted.
- The departments and officials of the commune to inspect (``declare_subjects``, issue 16): the base of appendix
  row 5.4.2 (the share inspected in the period). A list the reform officer keeps (the right to record
  inspections), one name a line, stored as one text in the ``setting`` table (key ``inspection.subjects``): a
  dozen departments and some tens of officials with nothing to record beside their names, which a table and a
  migration would not serve better; the audit trail keeps each version. It is the list as declared now: a report
  recomputed for an old period divides by today's list (the report as sent is kept in its history).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cchc_desktop.domain.choices import Choice
from cchc_desktop.domain.inspections import (
    MAX_SUBJECT_LENGTH,
    MAX_SUBJECTS,
    CheckResult,
    Finding,
    Inspection,
    InspectionCheck,
    InspectionCriterion,
    InspectionKind,
    Measure,
    SubjectKind,
    subject_lines,
)
from cchc_desktop.domain.periods import LAST_YEAR, Period, parse_period
from cchc_desktop.domain.users import Permission
from cchc_desktop.errors import NotFoundError, ValidationError
from cchc_desktop.formatting import short_date
from cchc_desktop.i18n import _
from cchc_desktop.lazy import lazy_import
from cchc_desktop.services.sessions import ActsForSession, requires
from cchc_desktop.services.settings import SettingsService
from cchc_desktop.text import clean, fold
from db.errors import writing
from db.handle import Database
from db.queries import inspections as queries
from db.queries import settings as setting_queries

log = logging.getLogger("cchc.services")

record_pdf = lazy_import("cchc_desktop.reports.inspection_record")

Clock = Callable[[], datetime]

EARLIEST_YEAR = 2000
SUBJECTS_KEY = "inspection.subjects"  # the setting holding the declared list (5.4.2)
MAX_LENGTH = {
    "subject": 300, "basis": 1000, "place": 300, "inspectors": 2000, "conclusion": 4000, "note": 1000,
    "description": 2000, "responsible": 300, "official_name": 200,
}


# -- data in and out ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInput:
    """The result of one criterion of the checklist, with its note."""

    result: CheckResult | str
    note: str = ""


@dataclass(frozen=True)
class FindingInput:
    """A finding as the form (or a row of a file) gives it."""

    description: str
    remedy_deadline: date | None = None
    responsible: str = ""
    remedied_on: date | None = None
    measure: Measure | str | None = None
    official_name: str = ""
    official_is_leader: bool = False

    @classmethod
    def of(cls, finding: Finding) -> FindingInput:
        """The stored finding as an input, to change some of it (``dataclasses.replace``)."""
        return cls(description=finding.description, remedy_deadline=finding.remedy_deadline,
                   responsible=finding.responsible, remedied_on=finding.remedied_on, measure=finding.measure,
                   official_name=finding.official_name, official_is_leader=finding.official_is_leader)


@dataclass(frozen=True)
class InspectionInput:
    """An inspection as the form gives it. ``checks``: criterion id or code → result (with a note)."""

    inspected_on: date | None
    kind: InspectionKind | str | None
    subject: str
    subject_kind: SubjectKind | str = SubjectKind.UNIT
    basis: str = ""
    place: str = ""
    inspectors: str = ""
    conclusion: str = ""
    checks: Mapping[int | str, CheckInput | CheckResult | str] = field(default_factory=dict)
    findings: tuple[FindingInput, ...] = ()


@dataclass(frozen=True)
class InspectionSummary:
    """One line of the list of inspections; ``overdue``: findings open past their remedy deadline today."""

    id: int
    inspected_on: date
    kind: InspectionKind
    subject: str
    subject_kind: SubjectKind
    findings: int
    remedied: int
    overdue: int

    @property
    def open(self) -> int:
        return self.findings - self.remedied


LATEST_YEAR = LAST_YEAR  # as in the imports: a later date is a typing slip


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _choice(value: object, kind: type[Choice]) -> Any:
    """The member by its key or its label (ignoring case and diacritics), or None."""
    try:
        return kind.parse(str(value))
    except ValueError:
        return None


def _too_long(key: str, value: str, errors: dict[str, str], label: str) -> None:
    if len(value) > MAX_LENGTH[key]:
        errors[key] = _("{label} quá dài (tối đa {n} ký tự).").format(label=label, n=MAX_LENGTH[key])


def criterion_of(row: Mapping[str, Any]) -> InspectionCriterion:
    return InspectionCriterion(id=row["id"], code=row["code"], text=row["text"], position=row["position"],
                               active=bool(row["active"]))


def finding_of(row: Mapping[str, Any]) -> Finding:
    return Finding(
        id=row["id"], inspection_id=row["inspection_id"], description=row["description"],
        remedy_deadline=_day(row["remedy_deadline"]), responsible=row["responsible"] or "",
        remedied_on=_day(row["remedied_on"]), measure=Measure(row["measure"]) if row["measure"] else None,
        official_name=row["official_name"] or "", official_is_leader=bool(row["official_is_leader"]),
    )


# -- the rules -----------------------------------------------------------------------------------------------


def check_header(inspection: InspectionInput, *, today: date) -> tuple[dict[str, Any], dict[str, str]]:
    """The inspection's own fields as the row to store, and what is wrong with them (sentences by field)."""
    errors: dict[str, str] = {}
    day = inspection.inspected_on
    if day is None:
        errors["inspected_on"] = _("Hãy ghi ngày kiểm tra.")
    elif day.year < EARLIEST_YEAR:
        errors["inspected_on"] = _("Ngày kiểm tra {day} trước năm {year}.").format(
            day=short_date(day), year=EARLIEST_YEAR)
    elif day > today:
        errors["inspected_on"] = _("Ngày kiểm tra {day} ở tương lai.").format(day=short_date(day))
    kind = _choice(inspection.kind, InspectionKind) if inspection.kind is not None else None
    kinds = ", ".join(member.label for member in InspectionKind)
    if inspection.kind is None or inspection.kind == "":
        errors["kind"] = _("Hãy chọn hình thức kiểm tra (một trong: {labels}).").format(labels=kinds)
    elif kind is None:
        errors["kind"] = _("Hình thức kiểm tra «{value}» không hợp lệ (chọn một trong: {labels}).").format(
            value=inspection.kind, labels=kinds)
    subject_kind = _choice(inspection.subject_kind, SubjectKind)
    if subject_kind is None:
        errors["subject_kind"] = _("Loại đối tượng «{value}» không hợp lệ (chọn một trong: {labels}).").format(
            value=inspection.subject_kind, labels=", ".join(member.label for member in SubjectKind))
    texts = {key: clean(getattr(inspection, key)) for key in ("subject", "basis", "place", "conclusion")}
    texts["inspectors"] = "\n".join(line for line in (clean(part) for part in inspection.inspectors.splitlines())
                                    if line)
    labels = {"subject": _("Đối tượng được kiểm tra"), "basis": _("Căn cứ kiểm tra"), "place": _("Địa điểm"),
              "inspectors": _("Thành phần đoàn kiểm tra"), "conclusion": _("Kết luận")}
    for key, value in texts.items():
        _too_long(key, value, errors, labels[key])
    if not texts["subject"]:
        errors["subject"] = _("Hãy ghi đối tượng được kiểm tra (bộ phận hoặc họ tên công chức).")
    values = {
        "inspected_on": _iso(day), "kind": kind.value if kind else None,
        "subject_kind": subject_kind.value if subject_kind else None,
        **{key: value or None for key, value in texts.items()}, "subject": texts["subject"],
    }
    return values, errors


def check_finding(
    finding: FindingInput, *, inspected_on: date | None, today: date,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The finding as the row to store (without its inspection) and what is wrong with it, by field, as
    phrases to be put after the finding's name (``vấn đề phát hiện không được để trống``)."""
    errors: dict[str, str] = {}
    texts = {key: clean(getattr(finding, key)) for key in ("description", "responsible", "official_name")}
    if not texts["description"]:
        errors["description"] = _("chưa ghi nội dung vấn đề phát hiện")
    for key, label in (("description", _("nội dung")), ("responsible", _("người chịu trách nhiệm khắc phục")),
                       ("official_name", _("họ tên công chức"))):
        if len(texts[key]) > MAX_LENGTH[key]:
            errors[key] = _("{label} quá dài (tối đa {n} ký tự)").format(label=label, n=MAX_LENGTH[key])
    deadline, remedied = finding.remedy_deadline, finding.remedied_on
    if inspected_on is not None and deadline is not None and deadline < inspected_on:
        errors["remedy_deadline"] = _("thời hạn khắc phục {day} trước ngày kiểm tra {inspected}").format(
            day=short_date(deadline), inspected=short_date(inspected_on))
    elif deadline is not None and deadline.year > LATEST_YEAR:
        errors["remedy_deadline"] = _("thời hạn khắc phục {day} sau năm {year}").format(
            day=short_date(deadline), year=LATEST_YEAR)
    if remedied is not None:
        if inspected_on is not None and remedied < inspected_on:
            errors["remedied_on"] = _("ngày khắc phục {day} trước ngày kiểm tra {inspected}").format(
                day=short_date(remedied), inspected=short_date(inspected_on))
        elif remedied > today:
            errors["remedied_on"] = _("ngày khắc phục {day} ở tương lai").format(day=short_date(remedied))
    measure = _choice(finding.measure, Measure) if finding.measure not in (None, "") else None
    if finding.measure not in (None, "") and measure is None:
        errors["measure"] = _("hình thức xử lý «{value}» không hợp lệ (chọn một trong: {labels})").format(
            value=finding.measure, labels=", ".join(member.label for member in Measure))
    values = {
        **{key: value or None for key, value in texts.items()}, "description": texts["description"],
        "remedy_deadline": _iso(deadline), "remedied_on": _iso(remedied), "measure": measure.value if measure else None,
        "official_is_leader": int(bool(finding.official_is_leader)),
    }
    return values, errors


def finding_sentence(number: int, phrase: str) -> str:
    """``Vấn đề thứ 2: chưa ghi nội dung vấn đề phát hiện.``"""
    return _("Vấn đề thứ {n}: {phrase}.").format(n=number, phrase=phrase)


def check_checks(
    checks: Mapping[int | str, CheckInput | CheckResult | str], criteria: list[InspectionCriterion],
) -> tuple[list[tuple[int, str, str | None, str]], dict[str, str]]:
    """(criterion id, result, note, wording) of each check in the checklist's order, and the problems."""
    by_id = {criterion.id: criterion for criterion in criteria}
    by_code = {fold(criterion.code): criterion for criterion in criteria}
    errors: dict[str, str] = {}
    found: dict[int, tuple[int, str, str | None, str]] = {}
    for key, given in checks.items():
        check = given if isinstance(given, CheckInput) else CheckInput(given)
        criterion = by_id.get(key) if isinstance(key, int) and not isinstance(key, bool) else by_code.get(
            fold(str(key)))
        if criterion is None:
            errors[f"checks.{key}"] = _("Không có tiêu chí kiểm tra «{key}».").format(key=key)
            continue
        result = _choice(check.result, CheckResult)
        note = clean(check.note)
        if result is None:
            errors[f"checks.{criterion.code}"] = _(
                "Tiêu chí {code}: kết quả «{value}» không hợp lệ (chọn một trong: {labels}).").format(
                code=criterion.code, value=check.result, labels=", ".join(member.label for member in CheckResult))
        elif len(note) > MAX_LENGTH["note"]:
            errors[f"checks.{criterion.code}"] = _("Tiêu chí {code}: ghi chú quá dài (tối đa {n} ký tự).").format(
                code=criterion.code, n=MAX_LENGTH["note"])
        else:
            found[criterion.id] = (criterion.id, result.value, note or None, criterion.text)
    order = {criterion.id: index for index, criterion in enumerate(criteria)}
    return sorted(found.values(), key=lambda row: order[row[0]]), errors


# -- the service -------------------------------------------------------------------------------------------


class InspectionService(ActsForSession):
    """The discipline-check page: inspections, findings and their remedy, the printed record."""

    def __init__(self, db: Database, *, clock: Clock = datetime.now, user_id: int | None = None) -> None:
        self.db = db
        self.clock = clock
        self.user_id = user_id

    def today(self) -> date:
        return self.clock().date()

    def subjects_to_inspect(self) -> tuple[str, ...]:
        """The declared departments and officials to inspect (5.4.2's base), as entered."""
        return subject_lines(setting_queries.read(self.db, SUBJECTS_KEY))

    @requires(Permission.INSPECTIONS)
    def declare_subjects(self, subjects: str | Sequence[str]) -> tuple[str, ...]:
        """Replace the list of departments and officials to inspect (one a line, or a sequence); blank lines are
        dropped. ValidationError ``subjects`` names every problem: a name too long, a name given twice (without
        case or diacritics), too many names."""
        lines = subjects.splitlines() if isinstance(subjects, str) else list(subjects)
        cleaned = [clean(line) for line in lines]
        cleaned = [line for line in cleaned if line]
        problems: list[str] = []
        seen: dict[str, str] = {}
        for line in cleaned:
            if len(line) > MAX_SUBJECT_LENGTH:
                problems.append(_("«{name}…» dài quá {n} ký tự").format(name=line[:40], n=MAX_SUBJECT_LENGTH))
            key = fold(line)
            if key in seen:
                problems.append(_("«{name}» ghi hai lần").format(name=line))
            seen.setdefault(key, line)
        if len(cleaned) > MAX_SUBJECTS:
            problems.append(_("danh sách có {n} dòng, tối đa {limit}").format(n=len(cleaned), limit=MAX_SUBJECTS))
        if problems:
            raise ValidationError({"subjects": _("Danh sách bộ phận, công chức thuộc diện kiểm tra: {problems}.")
                                   .format(problems="; ".join(problems))})
        with writing(self.db):
            setting_queries.write_many(self.db, {SUBJECTS_KEY: "\n".join(cleaned)})
        log.info("declared %d departments and officials to inspect", len(cleaned))
        return tuple(cleaned)

    def checklist(self) -> list[InspectionCriterion]:
        """The active criteria of the checklist, in order."""
        return [criterion_of(row) for row in queries.criteria(self.db, active_only=True)]

    @requires(Permission.INSPECTIONS)
    def record(self, inspection: InspectionInput) -> Inspection:
        """Save an inspection with its checks and findings (one transaction); every problem at once."""
        today = self.today()
        values, errors = check_header(inspection, today=today)
        inspected_on = inspection.inspected_on if "inspected_on" not in errors else None
        findings = []
        for index, finding in enumerate(inspection.findings):
            row, problems = check_finding(finding, inspected_on=inspected_on, today=today)
            findings.append(row)
            errors.update({f"findings.{index}.{key}": finding_sentence(index + 1, phrase)
                           for key, phrase in problems.items()})
        with writing(self.db):
            criteria = [criterion_of(row) for row in queries.criteria(self.db, active_only=False)]
            checks, problems = check_checks(inspection.checks, criteria)
            errors.update(problems)
            if errors:
                raise ValidationError(errors)
            inspection_id = queries.insert_inspection(self.db, {**values, "user_id": self.user_id})
            queries.insert_checks(self.db, [(inspection_id, *check) for check in checks])
            queries.insert_findings(self.db, [{**row, "inspection_id": inspection_id} for row in findings])
        log.info("recorded inspection %d with %d findings", inspection_id, len(findings))
        return self.get(inspection_id)

    def get(self, inspection_id: int) -> Inspection:
        """The inspection with its checks and findings."""
        row = queries.inspection(self.db, inspection_id)
        if row is None:
            raise NotFoundError(_("Không có cuộc kiểm tra số {id}.").format(id=inspection_id))
        checks = tuple(
            InspectionCheck(criterion_id=check["criterion_id"], result=CheckResult(check["result"]),
                            note=check["note"] or "", criterion_text=check["criterion_text"])
            for check in queries.checks(self.db, inspection_id))
        return Inspection(
            id=row["id"], inspected_on=date.fromisoformat(row["inspected_on"]), kind=InspectionKind(row["kind"]),
            subject=row["subject"], subject_kind=SubjectKind(row["subject_kind"]), basis=row["basis"] or "",
            place=row["place"] or "", inspectors=row["inspectors"] or "", conclusion=row["conclusion"] or "",
            checks=checks, findings=tuple(finding_of(finding) for finding in queries.findings(self.db, inspection_id)),
        )

    def inspections(self, *, period: Period | None = None, year: int | None = None) -> list[InspectionSummary]:
        """The inspections of ``period`` (or of ``year``; of every year when neither is given), oldest first."""
        if period is None and year is not None:
            period = parse_period(str(year))
        start, before = period.bounds if period is not None else ("0000-00-00", "9999-99-99")
        return [
            InspectionSummary(
                id=row["id"], inspected_on=date.fromisoformat(row["inspected_on"]), kind=InspectionKind(row["kind"]),
                subject=row["subject"], subject_kind=SubjectKind(row["subject_kind"]), findings=row["findings"],
                remedied=row["remedied"], overdue=row["overdue"] or 0,
            )
            for row in queries.summaries(self.db, start=start, before=before, today=self.today().isoformat())
        ]

    def finding(self, finding_id: int) -> Finding:
        row = queries.finding(self.db, finding_id)
        if row is None:
            raise NotFoundError(_("Không có vấn đề phát hiện số {id}.").format(id=finding_id))
        return finding_of(row)

    @requires(Permission.INSPECTIONS)
    def add_finding(self, inspection_id: int, *, finding: FindingInput) -> Finding:
        """Add a finding to a recorded inspection; every problem at once (keys: FindingInput's fields)."""
        with writing(self.db):
            stored = queries.inspection(self.db, inspection_id)
            if stored is None:
                raise NotFoundError(_("Không có cuộc kiểm tra số {id}.").format(id=inspection_id))
            values = self._checked(finding, date.fromisoformat(stored["inspected_on"]))
            finding_id = queries.insert_finding(self.db, {**values, "inspection_id": inspection_id})
        log.info("added finding %d to inspection %d", finding_id, inspection_id)
        return self.finding(finding_id)

    @requires(Permission.INSPECTIONS)
    def update_finding(self, finding_id: int, *, finding: FindingInput) -> Finding:
        """Save the whole finding as given (its remedy date, measure, deadline...); every problem at once."""
        with writing(self.db):
            stored = queries.finding(self.db, finding_id)
            if stored is None:
                raise NotFoundError(_("Không có vấn đề phát hiện số {id}.").format(id=finding_id))
            values = self._checked(finding, date.fromisoformat(stored["inspected_on"]))
            queries.update_finding(self.db, finding_id, values)
        log.info("updated finding %d", finding_id)
        return self.finding(finding_id)

    def _checked(self, finding: FindingInput, inspected_on: date) -> dict[str, Any]:
        values, errors = check_finding(finding, inspected_on=inspected_on, today=self.today())
        if errors:
            raise ValidationError({key: phrase[:1].upper() + phrase[1:] + "." for key, phrase in errors.items()})
        return values

    def print_record(self, inspection_id: int, target: Path | None = None) -> bytes:
        """The inspection record (biên bản kiểm tra) as PDF, written to ``target`` when given."""
        inspection = self.get(inspection_id)
        unit = SettingsService(self.db).load()
        return record_pdf.inspection_record_pdf(inspection, unit, target)
