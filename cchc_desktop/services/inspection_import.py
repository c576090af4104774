"""InspectionImportService: discipline checks and their findings from a CSV file or an .xlsx
(``cchc import inspections``).

One row per finding, or per inspection without findings (DESIGN.md §4, ``INSPECTION_COLUMNS``: «Ngày kiểm
tra», «Đối tượng được kiểm tra» and «Hình thức» must be there). Rows of the same day, subject (ignoring case
and diacritics) and kind are one inspection. The same rules as the other imports: all or nothing by default,
every bad row reported with its line and column; ``skip_invalid`` writes the good rows and puts the bad ones
in ``rejects``. Each row passes the checks of ``InspectionService`` (``check_header``, ``check_finding``).

Decisions where the contract is silent:
- Optional extra columns: «Loại đối tượng» (Bộ phận / Công chức; empty: Bộ phận), «Căn cứ», «Địa điểm»,
  «Đoàn kiểm tra», «Kết luận» (the inspection's), «Thời hạn khắc phục», «Trách nhiệm khắc phục», «Hình thức
  xử lý», «Công chức vi phạm», «Là lãnh đạo» (Có/Không) (the finding's). «Ngày khắc phục» is the finding's
  remedy date. A row with finding columns filled but no «Vấn đề phát hiện» is a bad row.
- The inspection's own columns may be written on one of its rows only; two rows of one inspection with two
  different non-empty values are a bad row. The same finding (same description, ignoring case and
  diacritics) twice in one inspection is a bad row.
- Re-import: the key of an inspection is its day, subject and kind; of a finding, its inspection and its
  description. Nothing is duplicated and nothing is overwritten: a value the database lacks is filled in
  from the file (the usual case: «Ngày khắc phục» written later in the spreadsheet), an empty cell keeps the
  stored value, and a non-empty value different from the stored one is a bad row. The checklist is not
  part of the file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cchc_desktop.domain.inspections import SubjectKind
from cchc_desktop.domain.users import Permission
from cchc_desktop.formatting import short_date
from cchc_desktop.i18n import _
from cchc_desktop.progress import Progress, no_progress
from cchc_desktop.services.inspections import (
    FindingInput,
    InspectionInput,
    check_finding,
    check_header,
)
from cchc_desktop.services.sessions import ActsForSession, requires
from cchc_desktop.services.tables import (
    INSPECTION_COLUMNS,
    INSPECTION_REQUIRED,
    Cell,
    HeaderMapping,
    ImportResult,
    Problems,
    cell_text,
    open_table,
    phrase,
    read_day,
    shown,
    table_format,
)
from cchc_desktop.text import fold
from db.errors import writing
from db.handle import Database
from db.queries import inspections as queries

log = logging.getLogger("cchc.services")

Clock = Callable[[], datetime]

# The services' fields as the file's columns.
_COLUMN_OF = {"inspected_on": "inspected_at", "description": "finding", "remedied_on": "resolved_at"}
_HEADER_FIELDS = ("subject_kind", "basis", "place", "inspectors", "conclusion")
_FINDING_FIELDS = ("remedy_deadline", "responsible", "remedied_on", "measure", "official_name", "official_is_leader")
_YES = {"co", "x", "1", "yes", "true", "dung", "la lanh dao", "lanh dao"}
_NO = {"", "khong", "0", "no", "false", "sai"}


def _column(key: str) -> str:
    return _COLUMN_OF.get(key, key)


def _shown(key: str, value: object) -> str:
    """A stored or read value as quoted in a message."""
    if key == "official_is_leader":
        return _("Có") if value else _("Không")
    if key in ("remedy_deadline", "remedied_on") and value:
        return short_date(date.fromisoformat(str(value)))
    return shown(str(value or ""))


@dataclass
class _Row:
    """A row read and checked on its own: its inspection's key and values, and its finding (or None)."""

    line: int
    key: tuple[str, str, str]
    header: dict[str, Any]
    subject_kind_written: bool
    finding: dict[str, Any] | None


@dataclass
class _Group:
    """The rows of one inspection in the file."""

    rows: list[_Row] = field(default_factory=list)
    header: dict[str, Any] = field(default_factory=dict)  # the inspection's own values, from its rows
    first_line: dict[str, int] = field(default_factory=dict)  # where each of them was written
    findings: dict[str, int] = field(default_factory=dict)  # folded description → line


@dataclass(frozen=True)
class InspectionImportResult(ImportResult):
    """``inserted``: new inspections; ``findings_inserted``: new findings (of new or stored inspections);
    ``updated``: stored inspections or findings given a value they lacked; ``unchanged``: rows already there."""

    findings_inserted: int = 0


class InspectionImportService(ActsForSession):
    """The import of discipline checks (``cchc import inspections``)."""

    def __init__(self, db: Database, *, clock: Clock = datetime.now, user_id: int | None = None) -> None:
        self.db = db
        self.clock = clock
        self.user_id = user_id

    @requires(Permission.IMPORT)
    def import_inspections(
        self, path: Path, *, skip_invalid: bool = False, rejects: Path | None = None,
        mapping: HeaderMapping | None = None, progress: Progress = no_progress,
    ) -> InspectionImportResult:
        """Import the inspections and findings of ``path``.

        Raises TableFileError (the file as a whole) or ImportRejected (bad rows, without ``skip_invalid``);
        nothing is written then.
        """
        if rejects is not None:
            table_format(rejects)  # a name we cannot write is said before any work
        today = self.clock().date()
        rows: list[_Row] = []
        with open_table(path, INSPECTION_COLUMNS, INSPECTION_REQUIRED, mapping=mapping,
                        progress=progress) as table:
            problems = Problems(table, INSPECTION_COLUMNS)
            for line, cells in table.rows():
                row = self._read(problems, line, table.pick(cells), today)
                if row is not None:
                    rows.append(row)
        groups = self._group(problems, rows)
        with writing(self.db):
            plan = self._against_stored(problems, groups)
            problems.finish(path, INSPECTION_REQUIRED, skip_invalid=skip_invalid, rejects=rejects)
            result = self._write(problems, groups, plan)
        result = InspectionImportResult(**{**result.__dict__, "rejected": len(problems),
                                           "problems": tuple(problems.all()), "rejects": rejects})
        log.info("imported inspections from %s: %d new, %d new findings, %d updated, %d unchanged, %d rejected",
                 path.name, result.inserted, result.findings_inserted, result.updated, result.unchanged,
                 result.rejected)
        return result

    # -- each row on its own -------------------------------------------------------------------------------

    @staticmethod
    def _read(problems: Problems, line: int, raw: dict[str, Cell], today: date) -> _Row | None:
        """The row's inspection and finding, checked by the service's rules; None (reported) when bad."""
        bad_columns: set[str] = set()

        def bad(key: str, message: str) -> None:
            bad_columns.add(key)
            problems.add(line, key, message)

        def day(key: str) -> date | None:
            try:
                return read_day(raw.get(key))
            except ValueError as exc:
                bad(key, str(exc))
                return None

        text = {key: cell_text(raw.get(key)) for key in (
            "subject", "subject_kind", "kind", "basis", "place", "inspectors", "conclusion", "finding", "responsible",
            "measure", "official_name", "official_is_leader")}
        inspected_on, deadline, remedied = day("inspected_at"), day("remedy_deadline"), day("resolved_at")
        leader = fold(text["official_is_leader"])
        if leader not in _YES | _NO:
            bad("official_is_leader", _("«{value}» không hợp lệ (ghi Có hoặc Không)").format(
                value=shown(text["official_is_leader"])))
        inspection = InspectionInput(
            inspected_on=inspected_on, kind=text["kind"] or None, subject=text["subject"],
            subject_kind=text["subject_kind"] or SubjectKind.UNIT, basis=text["basis"], place=text["place"],
            inspectors=text["inspectors"], conclusion=text["conclusion"],
        )
        header, errors = check_header(inspection, today=today)
        for key, message in errors.items():
            if _column(key) not in bad_columns:
                bad(_column(key), phrase(message))
        finding = None
        finding_given = (text["finding"] or deadline or remedied or text["responsible"] or text["measure"]
                         or text["official_name"] or leader in _YES)
        if finding_given:
            finding, errors = check_finding(FindingInput(
                description=text["finding"], remedy_deadline=deadline, responsible=text["responsible"],
                remedied_on=remedied, measure=text["measure"] or None, official_name=text["official_name"],
                official_is_leader=leader in _YES,
            ), inspected_on=inspected_on if "inspected_at" not in bad_columns else None, today=today)
            for key, message in errors.items():
                if _column(key) not in bad_columns:
                    bad(_column(key), message)
        if bad_columns:
            return None
        group = (header["inspected_on"], fold(header["subject"]), header["kind"])
        return _Row(line, group, header, bool(text["subject_kind"]), finding)

    # -- the rows of one inspection together -----------------------------------------------------------------

    @staticmethod
    def _group(problems: Problems, rows: list[_Row]) -> dict[tuple[str, str, str], _Group]:
        """The rows by inspection; a row disagreeing with an earlier one of its inspection is reported."""
        groups: dict[tuple[str, str, str], _Group] = {}
        for row in rows:
            group = groups.setdefault(row.key, _Group())
            failed = False
            for name in _HEADER_FIELDS:
                value = row.header[name]
                if not value or (name == "subject_kind" and not row.subject_kind_written):
                    continue
                if name in group.header and group.header[name] != value:
                    problems.add(row.line, name, _("khác với dòng {line} của cùng cuộc kiểm tra («{value}»)").format(
                        line=group.first_line[name], value=_shown(name, group.header[name])))
                    failed = True
            if row.finding is not None:
                folded = fold(row.finding["description"])
                if folded in group.findings:
                    problems.add(row.line, "finding", _("vấn đề này đã có ở dòng {line} của cùng cuộc kiểm tra").format(
                        line=group.findings[folded]))
                    failed = True
            if failed:
                continue
            for name in _HEADER_FIELDS:
                if row.header[name] and (name != "subject_kind" or row.subject_kind_written):
                    group.header.setdefault(name, row.header[name])
                    group.first_line.setdefault(name, row.line)
            if row.finding is not None:
                group.findings[fold(row.finding["description"])] = row.line
            group.rows.append(row)
        return groups

    # -- against the database ----------------------------------------------------------------------------------

    def _against_stored(self, problems: Problems, groups: dict[tuple[str, str, str], _Group]) -> _Plan:
        """What each row changes in the database; rows contradicting stored values are reported."""
        plan = _Plan()
        if not groups:
            return plan
        days = [key[0] for key in groups]
        stored: dict[tuple[str, str, str], dict[str, Any]] = {}
        for stored_row in sorted(queries.inspections_between(self.db, first=min(days), last=max(days)),
                                 key=lambda found: found["id"]):
            stored.setdefault((stored_row["inspected_on"], fold(stored_row["subject"]), stored_row["kind"]),
                              stored_row)
        findings: dict[tuple[int, str], dict[str, Any]] = {}
        for stored_row in queries.findings_between(self.db, first=min(days), last=max(days)):
            findings.setdefault((stored_row["inspection_id"], fold(stored_row["description"])), stored_row)
        for key, group in groups.items():
            old = stored.get(key)
            if old is None:
                continue
            plan.inspection_ids[key] = old["id"]
            for row in group.rows:
                changes, conflicts = _fill(old, row.header, _HEADER_FIELDS, skip=() if row.subject_kind_written
                                           else ("subject_kind",))
                if row.finding is not None:
                    stored_finding = findings.get((old["id"], fold(row.finding["description"])))
                    if stored_finding is not None:
                        finding_changes, finding_conflicts = _fill(stored_finding, row.finding, _FINDING_FIELDS)
                        conflicts.update(finding_conflicts)
                        if finding_changes:
                            plan.changes.setdefault(row.line, {})[("finding", stored_finding["id"])] = finding_changes
                        plan.stored_findings.add(row.line)
                for name, value in conflicts.items():
                    problems.add(row.line, _column(name), _("đã ghi «{stored}», khác với «{value}» trong tệp").format(
                        stored=_shown(name, value[0]), value=_shown(name, value[1])))
                if changes:
                    plan.changes.setdefault(row.line, {})[("inspection", old["id"])] = changes
        return plan

    def _write(self, problems: Problems, groups: dict[tuple[str, str, str], _Group], plan: _Plan) -> ImportResult:
        """Write the good rows; what was written, as counts."""
        inserted = unchanged = 0
        new_findings: list[dict[str, Any]] = []
        for key, group in groups.items():
            good = [row for row in group.rows if row.line not in problems]
            if not good:
                continue
            inspection_id = plan.inspection_ids.get(key)
            if inspection_id is None:
                values = {**good[0].header, "user_id": self.user_id}
                for name in _HEADER_FIELDS:  # the rows agree (``_group``): the first one written
                    written = [row.header[name] for row in good
                               if row.header[name] and (name != "subject_kind" or row.subject_kind_written)]
                    if written:
                        values[name] = written[0]
                inspection_id = queries.insert_inspection(self.db, values)
                inserted += 1
            for row in good:
                if row.finding is not None and row.line not in plan.stored_findings:
                    new_findings.append({**row.finding, "inspection_id": inspection_id})
                elif key in plan.inspection_ids and row.line not in plan.changes:
                    unchanged += 1
        updated: set[tuple[str, int]] = set()
        for line, changes in plan.changes.items():
            if line in problems:
                continue
            for (table, record_id), values in changes.items():
                if table == "inspection":
                    queries.update_inspection(self.db, record_id, values)
                else:
                    queries.update_finding(self.db, record_id, values)
                updated.add((table, record_id))
        queries.insert_findings(self.db, new_findings)
        return InspectionImportResult(inserted=inserted, findings_inserted=len(new_findings), updated=len(updated),
                                      unchanged=unchanged)


@dataclass
class _Plan:
    """What the good rows change in stored records."""

    inspection_ids: dict[tuple[str, str, str], int] = field(default_factory=dict)  # the stored inspections
    stored_findings: set[int] = field(default_factory=set)  # lines whose finding is stored
    # line → {("inspection" or "finding", id): the values it fills in}
    changes: dict[int, dict[tuple[str, int], dict[str, Any]]] = field(default_factory=dict)


def _fill(
    stored: Mapping[str, Any], given: Mapping[str, Any], names: tuple[str, ...], *, skip: tuple[str, ...] = (),
) -> tuple[dict[str, Any], dict[str, tuple[Any, Any]]]:
    """(the values the stored record lacks, {name: (stored, given)} where both have different values)."""
    changes: dict[str, Any] = {}
    conflicts: dict[str, tuple[Any, Any]] = {}
    for name in names:
        value, old = given.get(name), stored.get(name)
        if name in skip or not value or value == old:
            continue
        if old:
            conflicts[name] = (old, value)
        else:
            changes[name] = value
    return changes, conflicts
