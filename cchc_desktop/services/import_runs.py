"""One import of any kind, as the window and ``cchc import`` run it: the kind's column contract (for the preview
and the mapping), the run with its options and progress, and the sentence that says what it wrote."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cchc_desktop.collector import collector_paused
from cchc_desktop.domain.mappings import ImportKind
from cchc_desktop.i18n import _
from cchc_desktop.progress import Progress, no_progress
from cchc_desktop.services.tables import (
    DOSSIER_COLUMNS,
    DOSSIER_REQUIRED,
    INSPECTION_COLUMNS,
    INSPECTION_REQUIRED,
    PROCEDURE_COLUMNS,
    PROCEDURE_REQUIRED,
    SURVEY_REQUIRED,
    TASK_COLUMNS,
    TASK_REQUIRED,
    Column,
    HeaderMapping,
    ImportResult,
    Preview,
    preview_table,
)
from db.handle import Database

Clock = Callable[[], datetime]
Contract = tuple[Sequence[Column], Sequence[Sequence[str]]]


@dataclass(frozen=True)
class ImportOptions:
    """How to import: ``skip_invalid`` writes the good rows and leaves the bad ones out (else a bad row writes
    nothing); ``update`` changes stored dossiers the file gives other values; ``rejects`` the file the bad rows go
    to; ``year`` the plan of tasks; ``mapping`` another system's headers (``domain.mappings``)."""

    skip_invalid: bool = False
    update: bool = False
    rejects: Path | None = None
    year: int | None = None
    mapping: HeaderMapping | None = None


class ImportRunner:
    """The imports of every kind on one connection (the window's worker opens its own, ``Office.companion``)."""

    def __init__(self, db: Database, *, clock: Clock = datetime.now) -> None:
        from cchc_desktop.services.imports import ImportService
        from cchc_desktop.services.inspection_import import InspectionImportService
        from cchc_desktop.services.survey_import import SurveyImportService
        from cchc_desktop.services.task_import import TaskImportService

        self.db = db
        self.dossiers = ImportService(db, clock=clock)
        self.surveys = SurveyImportService(db, clock=clock)
        self.inspections = InspectionImportService(db, clock=clock)
        self.tasks = TaskImportService(db, clock=clock)

    def contract(self, kind: ImportKind) -> Contract:
        """The columns a file of ``kind`` is read by, and the groups of which one is required."""
        if kind is ImportKind.SURVEYS:
            from cchc_desktop.services.survey_import import survey_columns
            return survey_columns(self.surveys.surveys.criteria()), SURVEY_REQUIRED
        return {
            ImportKind.DOSSIERS: (DOSSIER_COLUMNS, DOSSIER_REQUIRED),
            ImportKind.PROCEDURES: (PROCEDURE_COLUMNS, PROCEDURE_REQUIRED),
            ImportKind.TASKS: (TASK_COLUMNS, TASK_REQUIRED),
            ImportKind.INSPECTIONS: (INSPECTION_COLUMNS, INSPECTION_REQUIRED),
        }[kind]

    def keys(self, kind: ImportKind) -> dict[str, str]:
        """Column key → its Vietnamese header, in the contract's order: what a source's header may be mapped to."""
        columns, _required = self.contract(kind)
        return {column.key: column.header for column in columns}

    def missing(self, kind: ImportKind, keys: Iterable[str]) -> list[str]:
        """The required columns ``keys`` leave out, as the window says them («Mã thủ tục hoặc Tên thủ tục»)."""
        columns, required = self.contract(kind)
        header = {column.key: column.header for column in columns}
        given = set(keys)
        return [_(" hoặc ").join(header[key] for key in group) for group in required
                if not any(key in given for key in group)]

    def preview(self, kind: ImportKind, path: Path, mapping: HeaderMapping | None = None) -> Preview:
        columns, _required = self.contract(kind)
        return preview_table(path, columns, mapping)

    def run(self, kind: ImportKind, path: Path, options: ImportOptions = ImportOptions(),
            progress: Progress = no_progress) -> ImportResult:
        """Import ``path`` as ``kind`` (each import's own rights and all-or-nothing rules; ``Cancelled`` from
        ``progress`` leaves nothing written)."""
        with collector_paused():  # its full passes over the growing rows stopped the window (``collector``)
            return self._run(kind, path, options, progress)

    def _run(self, kind: ImportKind, path: Path, options: ImportOptions, progress: Progress) -> ImportResult:
        skip, rejects, mapping = options.skip_invalid, options.rejects, options.mapping
        if kind is ImportKind.DOSSIERS:
            return self.dossiers.import_dossiers(path, update=options.update, skip_invalid=skip, rejects=rejects,
                                                 mapping=mapping, progress=progress)
        if kind is ImportKind.PROCEDURES:
            return self.dossiers.import_procedures(path, skip_invalid=skip, rejects=rejects, mapping=mapping,
                                                   progress=progress)
        if kind is ImportKind.SURVEYS:
            return self.surveys.import_surveys(path, skip_invalid=skip, rejects=rejects, mapping=mapping,
                                               progress=progress)
        if kind is ImportKind.INSPECTIONS:
            return self.inspections.import_inspections(path, skip_invalid=skip, rejects=rejects, mapping=mapping,
                                                       progress=progress)
        return self.tasks.import_tasks(path, year=options.year, skip_invalid=skip, rejects=rejects, mapping=mapping,
                                       progress=progress)

def result_message(kind: ImportKind, result: ImportResult) -> str:
    """What the import wrote, in one Vietnamese sentence (the window's and the command line's)."""
    from cchc_desktop.services.inspection_import import InspectionImportResult
    from cchc_desktop.services.task_import import TaskImportResult

    if kind is ImportKind.DOSSIERS:
        if result.updated:
            return _("Đã nhập {n} hồ sơ, cập nhật {u} hồ sơ ({m} bỏ qua vì trùng).").format(
                n=result.inserted, u=result.updated, m=result.unchanged)
        return _("Đã nhập {n} hồ sơ ({m} bỏ qua vì trùng).").format(n=result.inserted, m=result.unchanged)
    if kind is ImportKind.PROCEDURES:
        return _("Đã nhập {n} thủ tục mới, cập nhật {u} thủ tục ({m} không đổi); thêm {f} lĩnh vực mới.").format(
            n=result.inserted, u=result.updated, m=result.unchanged, f=result.fields_created)
    if kind is ImportKind.SURVEYS:
        return _("Đã nhập {n} phiếu khảo sát ({m} bỏ qua vì đã có).").format(n=result.inserted, m=result.unchanged)
    if isinstance(result, InspectionImportResult):
        return _("Đã nhập {n} cuộc kiểm tra mới, {f} vấn đề phát hiện mới; cập nhật {u} bản ghi ({m} dòng đã có, "
                 "không đổi).").format(n=result.inserted, f=result.findings_inserted, u=result.updated,
                                       m=result.unchanged)
    if isinstance(result, TaskImportResult):
        message = _("Đã nhập {n} nhiệm vụ mới, cập nhật {u} nhiệm vụ ({m} không đổi) vào kế hoạch CCHC năm {year}."
                    ).format(n=result.inserted, u=result.updated, m=result.unchanged, year=result.year)
        if result.plan_created:
            message += " " + _("Đã tạo kế hoạch năm {year} (chưa có số, ngày quyết định).").format(year=result.year)
        return message
    raise AssertionError(kind)
