"""ExportService: dossiers to CSV or .xlsx with the columns of DESIGN.md §4, so that an export re-imports
unchanged.

Rows are streamed from one cursor to the file (never all in memory); the file appears only when complete (a
database that cannot be read to the end, a damaged page, is a StorageError and leaves no file). A period
selects the dossiers *received* within it (the register's and the ledger's meaning of "the dossiers of a
period"), oldest first.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from cchc_desktop.domain.dossiers import Channel, DossierStatus
from cchc_desktop.domain.periods import Period
from cchc_desktop.domain.users import DESK_EXPORT_DAYS, Permission
from cchc_desktop.errors import ValidationError
from cchc_desktop.i18n import _
from cchc_desktop.progress import Progress, no_progress
from cchc_desktop.services import sessions
from cchc_desktop.services.register import LIST_COLUMNS, RegisterFilter, RegisterService, display
from cchc_desktop.services.sessions import requires
from cchc_desktop.services.tables import DOSSIER_COLUMNS, Cell, TableFileError, table_format, write_table
from cchc_desktop.text import clean
from db import audit
from db.errors import storage_errors, writing
from db.handle import Database
from db.queries import transfer as queries

log = logging.getLogger("cchc.services")

XLSX_MAX_ROWS = 1_048_575  # a sheet's 1,048,576 rows, less the header


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    period: Period | None


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text[:16]) if text else None


MIN_REASON = 5


class ExportService:
    """Exports of the register (``cchc export``; Sổ theo dõi → Xuất Excel)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @requires(Permission.PERSONAL_EXPORT)
    def export_dossiers(self, target: Path, *, reason: str, period: Period | None = None) -> ExportResult:
        """Write the dossiers (of ``period``, or all) to ``target`` (.csv or .xlsx, by its name).

        The file holds names, ID numbers and phones: ``reason`` is required and the export is audited.
        """
        reason = _checked_reason(reason)
        _within_the_desks_share(self.db, period)
        kind = table_format(target)
        first, before = period.bounds if period else (None, None)
        if kind == "xlsx" and queries.export_count(self.db, first, before) > XLSX_MAX_ROWS:
            raise TableFileError(_(
                "Một trang Excel chỉ chứa được {n} dòng: hãy chọn kỳ ngắn hơn (--period) hoặc xuất ra tệp .csv."
            ).format(n=f"{XLSX_MAX_ROWS:,}".replace(",", ".")))
        channels = {member.value: member.label for member in Channel}
        statuses = {member.value: member.label for member in DossierStatus}
        yes, no = _("Có"), _("Không")
        written = 0
        with storage_errors(self.db), \
                write_table(target, [column.header for column in DOSSIER_COLUMNS], sheet=_("Hồ sơ")) as append:
            for (code, procedure_code, procedure_name, name, applicant_id, phone, address, channel, received, due,
                 resolved, returned, status, withdrawn, digitized, apology, asked,
                 back) in queries.export_rows(self.db, first, before):
                cells: list[Cell] = [
                    code, procedure_code, procedure_name, name, applicant_id, phone, address, channels[channel],
                    _moment(received), _moment(due), _moment(resolved), _moment(returned), statuses[status],
                    _moment(withdrawn), yes if digitized else no, date.fromisoformat(apology) if apology else None,
                    _moment(asked), _moment(back),
                ]
                append(cells)
                written += 1
        log.info("exported %d dossiers to %s", written, target.name)
        result = ExportResult(path=target, rows=written, period=period)
        _audit_export(self.db, result, reason)
        return result


def _within_the_desks_share(db: Database, period: Period | None) -> None:
    """A desk account exports the register of one month at most (``DESK_EXPORT_DAYS``); the whole register, or
    a longer period, needs «Xuất toàn bộ sổ hồ sơ có thông tin cá nhân» (the reform officer, the admin)."""
    session = sessions.current(db)
    if session.may(Permission.PERSONAL_EXPORT_ALL):
        return
    if period is None or (period.date_to - period.date_from).days + 1 > DESK_EXPORT_DAYS:
        raise sessions.PermissionDenied(sessions.missing_right(session, Permission.PERSONAL_EXPORT_ALL) + " " + _(
            "Tài khoản này chỉ xuất được hồ sơ tiếp nhận trong một kỳ không quá {days} ngày (ví dụ --period "
            "2024-05, hoặc một khoảng ngày).").format(days=DESK_EXPORT_DAYS))


def export_list(db: Database, target: Path, wanted: RegisterFilter, *, reason: str, page_size: int = 2000,
                progress: Progress = no_progress) -> ExportResult:
    """A filtered register list as shown on screen (phones and ID numbers masked), page by page to ``target``.

    Names and addresses are personal data: ``reason`` is required and the export is audited. The three steps
    apart serve the window, which writes the file off its thread: ``list_export_reason`` (who may, why),
    ``write_list`` (reads only: a reader connection will do), ``record_export`` (the audit entry)."""
    reason = list_export_reason(db, reason)
    result = write_list(db, target, wanted, page_size=page_size, progress=progress)
    record_export(db, result, reason)
    return result


def list_export_reason(db: Database, reason: str) -> str:
    """The reason of a list export, checked, once the account signed in on ``db`` is known to may export."""
    sessions.require(db, Permission.PERSONAL_EXPORT)
    return _checked_reason(reason)


def write_list(db: Database, target: Path, wanted: RegisterFilter, *, page_size: int = 2000,
               progress: Progress = no_progress) -> ExportResult:
    """Write the list to ``target`` (reading ``db`` only); ``progress("export", rows, total)`` after each page
    may raise ``Cancelled``: the file then never appears."""
    limit = XLSX_MAX_ROWS if table_format(target) == "xlsx" else None  # also refuses an unknown extension
    register = RegisterService(db)
    total = register.count(wanted)
    total = min(total, limit) if limit is not None else total
    written = 0
    progress("export", 0, total)
    with storage_errors(db), \
            write_table(target, [_(header) for _key, header in LIST_COLUMNS], sheet=_("Hồ sơ")) as append:
        cursor = None
        while True:
            page = register.page(wanted, after=cursor, limit=page_size)
            for row in page.rows:
                append([display(row, key) for key, _header in LIST_COLUMNS])
                written += 1
            progress("export", written, max(total, written))
            if not page.more or (limit is not None and written >= limit):
                break
            cursor = page.cursor
    log.info("exported a list of %d dossiers to %s", written, target.name)
    return ExportResult(path=target, rows=written, period=None)


def record_export(db: Database, result: ExportResult, reason: str) -> None:
    """The audit entry of an export of personal data (``reason`` as ``list_export_reason`` returned it)."""
    _audit_export(db, result, reason)


def _checked_reason(reason: str) -> str:
    text = clean(reason)
    if len(text) < MIN_REASON:
        raise ValidationError({"reason": _(
            "Hãy ghi lý do xuất danh sách có thông tin cá nhân (ít nhất {n} ký tự), ví dụ «Báo cáo Công an xã "
            "theo công văn số 12/CAX».").format(n=MIN_REASON)})
    return text


def _audit_export(db: Database, result: ExportResult, reason: str) -> None:
    """The audit entry of an export of personal data: who, when, which file, how many dossiers, why."""
    with writing(db):
        audit.log_entry(db, "export", table_name="dossier", after={
            "tệp": str(result.path), "số hồ sơ": result.rows, "kỳ": result.period.key if result.period else "",
            "lý do": reason,
        })
