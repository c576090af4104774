"""ImportService: dossiers and the procedure catalogue from a CSV file or an .xlsx (DESIGN.md §3–§4).

All or nothing by default: every row is checked first, and one bad row means nothing is written and every
bad row is reported (line, column, reason in Vietnamese). With ``skip_invalid`` the good rows are written
and the bad ones go, with a «Lý do» column, to the ``rejects`` file. The dossier code is the key: a code
already in the database with the same data is skipped as unchanged; with different data it is a bad row
unless ``update``. The rows are checked and prepared first, then written in short transactions
(``db.queries.staging``): staged, marked ready in one transaction, moved into the register chunk by chunk, so
that the desk never waits long for the write lock; a kill before "ready" leaves nothing, after it the next
opening of the file finishes the import.

Decisions where the contract is silent:
- A date without a time: «Ngày tiếp nhận» is the start of that day (00:00); the other dates are the office's
  closing time that day (the appointment "by the end of the day"), moved just enough to keep the order
  received ≤ resolved ≤ returned on the same day. Date-only values are compared by day. Seconds are dropped;
  a spreadsheet date-time at exactly 00:00 counts as a date alone.
- Empty «Hình thức nộp» is «Trực tiếp» (the reception form's default); empty «Số hóa» is «Không»; empty
  «Trạng thái» is inferred from the dates (rút → Rút hồ sơ, trả → Đã trả kết quả, có kết quả → Đã có kết
  quả, else Đã tiếp nhận).
- A known «Mã thủ tục» wins over «Tên thủ tục»; the name is looked up (ignoring case and diacritics) only
  when the code is empty or unknown.
- Each new dossier gets the events its dates tell, so that its timeline and "last step" are right: received
  (its data ``{"source": "import", "file": …}``), then result_ready or refused, returned, withdrawn and
  apologised where dated. An updated dossier gets one ``corrected`` event naming the columns changed.
- «Ngày xin lỗi» adds an apology letter (reason «Nhập từ tệp …», new date: the result's day if it came
  later, else one working day after the appointment). An import never deletes a letter: an empty cell
  is not a difference.
- For a code already stored, an empty «Ngày hẹn trả» keeps the stored appointment (recomputed only if
  the received time changes).
- An empty «Mã hồ sơ» gets the next code of its day of receipt, in order of receipt time, exactly as the
  demo numbers (the unit's pattern, ``dossier_code_counter``), as the rows are moved in; codes written in the
  file do not move the counter (the desk skips a number already taken, or staged by an import), so a day's
  numbering stays gap-free.
- One import at a time: a second one, while the first runs, is refused with «đang nhập dữ liệu».
- The procedure's abolition date is checked against the day of receipt; an inactive procedure is
  otherwise accepted (old records of procedures since replaced).
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TypeVar

from cchc_desktop.domain import applicants, catalogue, checklists, fees
from cchc_desktop.domain.calendar import WorkCalendar
from cchc_desktop.domain.catalogue import OnlineLevel, SupplementRule, TimeLimitUnit
from cchc_desktop.domain.choices import Choice
from cchc_desktop.domain.dossiers import MAX_LENGTH as DOSSIER_MAX_LENGTH
from cchc_desktop.domain.dossiers import Channel, DossierStatus, code_pattern
from cchc_desktop.domain.papers import form_set_for
from cchc_desktop.domain.supplements import resumed_due
from cchc_desktop.domain.users import Permission
from cchc_desktop.errors import CchcError
from cchc_desktop.formatting import number
from cchc_desktop.i18n import _
from cchc_desktop.progress import Progress, no_progress
from cchc_desktop.services.calendar import load_calendar
from cchc_desktop.services.sessions import ActsForSession, requires
from cchc_desktop.services.settings import SettingsService
from cchc_desktop.services.tables import (
    DOSSIER_COLUMNS,
    DOSSIER_REQUIRED,
    LATEST_YEAR,
    PROCEDURE_COLUMNS,
    PROCEDURE_REQUIRED,
    READ_STEP,
    Cell,
    HeaderMapping,
    ImportRejected,
    ImportResult,
    Problems,
    RowProblem,
    Table,
    When,
    cell_text,
    open_table,
    parse_moment,
    shown,
    table_format,
    too_late,
)
from cchc_desktop.text import clean_lines, fold
from db.errors import writing
from db.handle import Database
from db.queries import bulk, staging
from db.queries import catalogue as catalogue_queries
from db.queries import transfer as queries

__all__ = ["ImportRejected", "ImportResult", "ImportService", "RowProblem", "parse_moment", "parse_time_limit"]

log = logging.getLogger("cchc.services")

Clock = Callable[[], datetime]
ChoiceT = TypeVar("ChoiceT", bound=Choice)
Staged = tuple[str | None, list[object]]  # (code given, prepared row): what ``staging.stage`` takes

EARLIEST_YEAR = 2000  # as at the reception desk: no commune records from before the 2000s
MAX_LENGTH = {
    **DOSSIER_MAX_LENGTH, "code": 100, "procedure_code": 50, "procedure_name": 500, "phone": 30, "name": 500,
    "field": 200, "fee": 500, "published_by": 500, "documents": 20_000,
}
_YES = frozenset({"co", "c", "x", "1", "true", "yes", "da so hoa"})
_NO = frozenset({"", "khong", "k", "0", "false", "no", "chua so hoa"})
_CHANNEL_ALIASES = {"dich vu buu chinh cong ich": Channel.POSTAL, "buu chinh": Channel.POSTAL,
                    "buu chinh cong ich": Channel.POSTAL, "bcci (dich vu buu chinh cong ich)": Channel.POSTAL}
_ONLINE_ALIASES = {"muc do 3": OnlineLevel.PARTIAL, "muc 3": OnlineLevel.PARTIAL, "mot phan": OnlineLevel.PARTIAL,
                   "muc do 4": OnlineLevel.FULL, "muc 4": OnlineLevel.FULL, "toan trinh": OnlineLevel.FULL}
_NOT_ONLINE = frozenset({"", "khong", "cung cap thong tin", "muc do 2", "muc 2"})
_KEEP: Any = object()  # a procedure column absent from the file: the stored value stays
# Columns whose values repeat from row to row: their cleaned text is remembered.
_REPEATED = frozenset({"procedure_code", "procedure_name", "channel", "status", "digitized", "address"})
_OPEN = (DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS, DossierStatus.WAITING_SUPPLEMENT)
_RESOLVED = (DossierStatus.RESULT_READY, DossierStatus.REFUSED, DossierStatus.RETURNED)


# -- reading cells -----------------------------------------------------------------------------------------


def parse_time_limit(cell: Cell) -> tuple[int, TimeLimitUnit]:
    """A cell's time limit as the national catalogue writes it (``domain.catalogue.parse_time_limit``)."""
    return catalogue.parse_time_limit(cell_text(cell))


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def _json(data: dict[str, object]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


# -- the dossier rows --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Procedure:
    id: int
    code: str
    limit: int
    unit: TimeLimitUnit
    cutoff: time | None
    abolished_on: str | None
    supplement_rule: SupplementRule = SupplementRule.RESTART


@dataclass(slots=True)
class _Dossier:
    """A row that passed the checks, as it will be stored."""

    line: int
    code: str
    procedure: _Procedure
    applicant_name: str
    applicant_id: str | None
    phone: str | None
    address: str | None
    channel: Channel
    status: DossierStatus
    digitized: int
    received: When
    due: When | None
    resolved: When | None
    returned: When | None
    withdrawn: When | None
    apology: date | None
    asked: When | None = None  # the last supplement request («Ngày yêu cầu bổ sung»)
    back: When | None = None  # the receipt of that supplement («Ngày nhận bổ sung»)
    # set by ``_settle``: what is stored
    received_at: str = ""
    due_at: str = ""
    resolved_at: str | None = None
    returned_at: str | None = None
    withdrawn_at: str | None = None
    outcome: str | None = None
    due_moment: datetime | None = None
    resolved_moment: datetime | None = None
    asked_at: str | None = None
    back_at: str | None = None
    due_first: str | None = None  # the appointment before the supplement moved it (the receipt's)


@dataclass(frozen=True)
class _Context:
    """What every row is checked against, read once per import."""

    by_code: dict[str, _Procedure]
    by_name: dict[str, list[_Procedure]]
    calendar: WorkCalendar
    unit_code: str
    pattern: str
    signer: str | None
    form_set: str  # the unit's set for new dossiers (domain.papers.form_set_for)
    now: datetime
    memo: dict[tuple[type, str], Any]
    texts: dict[str, str]  # cleaned texts of the columns in _REPEATED

    def choice(self, kind: type[ChoiceT], text: str) -> ChoiceT:
        """``kind.parse(text)`` remembered: a column holds a handful of distinct values (ValueError if none)."""
        key = (kind, text)
        if key not in self.memo:
            try:
                self.memo[key] = kind.parse(text)
            except ValueError:
                self.memo[key] = None
        found = self.memo[key]
        if found is None:
            raise ValueError(text)
        return found

    def fold(self, text: str) -> str:
        """``fold(text)`` remembered (the same people come back to the desk)."""
        key = (str, text)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = fold(text)
        return found


def _before_receipt(key: str) -> str:
    """The problem of a date earlier than the receipt (translated only when a row has it)."""
    return {
        "due_at": _("ngày hẹn trả trước ngày tiếp nhận"),
        "resolved_at": _("ngày có kết quả trước ngày tiếp nhận"),
        "returned_at": _("ngày trả kết quả trước ngày tiếp nhận"),
        "withdrawn_at": _("ngày rút hồ sơ trước ngày tiếp nhận"),
        "supplement_requested_at": _("ngày yêu cầu bổ sung trước ngày tiếp nhận"),
    }[key]


def _check_supplement(asked: When | None, back: When | None, resolved: When | None, withdrawn: When | None,
                      bad: Callable[[str, str], None]) -> None:
    """The supplement round's dates in order: asked, then back, then the result (or the withdrawal)."""
    if back is not None and asked is None:
        bad("supplement_received_at", _("có ngày nhận bổ sung mà không có ngày yêu cầu bổ sung"))
    if asked is None:
        return
    if back is not None and back.before(asked):
        bad("supplement_received_at", _("ngày nhận bổ sung trước ngày yêu cầu bổ sung"))
    for key, when in (("resolved_at", resolved), ("withdrawn_at", withdrawn)):
        if when is not None and when.before(back or asked):
            bad(key, _("ngày có kết quả trước ngày yêu cầu hoặc nhận bổ sung") if key == "resolved_at" else
                _("ngày rút hồ sơ trước ngày yêu cầu hoặc nhận bổ sung"))


class ImportService(ActsForSession):
    """Imports of dossiers and procedures (``cchc import``; Danh mục → Nhập từ Excel)."""

    def __init__(self, db: Database, *, clock: Clock = datetime.now, user_id: int | None = None) -> None:
        self.db = db
        self.clock = clock
        self.user_id = user_id

    # -- dossiers ----------------------------------------------------------------------------------------

    @requires(Permission.IMPORT)
    def import_dossiers(
        self, path: Path, *, skip_invalid: bool = False, update: bool = False, rejects: Path | None = None,
        mapping: HeaderMapping | None = None, progress: Progress = no_progress,
    ) -> ImportResult:
        """Import the dossiers of ``path`` (see the module's docstring).

        Raises TableFileError (the file as a whole) or ImportRejected (bad rows, without ``skip_invalid``);
        nothing is written then.
        """
        if rejects is not None:
            table_format(rejects)  # a name we cannot write is said before any work
        context = self._context()
        rows: list[_Dossier] = []
        with open_table(path, DOSSIER_COLUMNS, DOSSIER_REQUIRED, mapping=mapping, progress=progress) as table:
            problems = Problems(table, DOSSIER_COLUMNS)
            for line, cells in table.rows():
                row = self._check(table, problems, context, line, cells)
                code = row.code if row else cell_text(table.value(cells, "code"))
                if code and (first := problems.earlier(line, "code", code)):
                    problems.add(line, "code", _("mã hồ sơ «{code}» trùng với dòng {first}").format(
                        code=shown(code), first=first))
                    continue
                if row is not None:
                    rows.append(row)
        staging.recover(self.db)  # an import of this file that a crash or a failure left: discarded or finished
        staging.refuse_while_running(self.db)
        # Read against the register as it is now; the codes are checked again when the batch is marked ready.
        inserts, updates, unchanged = self._classify(table, problems, rows, update=update)
        for row in inserts:
            self._settle(problems, row, None, context)
        for row, old in updates:
            self._settle(problems, row, old, context)
        inserts = [row for row in inserts if row.line not in problems]
        updates = [(row, old) for row, old in updates if row.line not in problems]
        problems.finish(path, DOSSIER_REQUIRED, skip_invalid=skip_invalid, rejects=rejects)
        self._write(inserts, updates, context, path.name, progress)
        result = ImportResult(
            inserted=len(inserts), updated=len(updates), unchanged=unchanged, rejected=len(problems),
            problems=tuple(problems.all()), rejects=rejects,
        )
        log.info("imported dossiers from %s: %d new, %d updated, %d unchanged, %d rejected", path.name,
                 result.inserted, result.updated, result.unchanged, result.rejected)
        return result

    def _context(self) -> _Context:
        by_code: dict[str, _Procedure] = {}
        by_name: dict[str, list[_Procedure]] = defaultdict(list)
        for row in queries.procedures(self.db):
            cutoff = row["afternoon_cutoff"]
            procedure = _Procedure(
                id=row["id"], code=row["code"], limit=row["time_limit"], unit=TimeLimitUnit(row["time_limit_unit"]),
                cutoff=time.fromisoformat(cutoff) if cutoff else None, abolished_on=row["abolished_on"],
                supplement_rule=SupplementRule(row["supplement_rule"]),
            )
            by_code[row["code"]] = procedure
            by_name[row["name_folded"]].append(procedure)
        settings = SettingsService(self.db).load()
        now = self.clock()
        now = now.astimezone().replace(tzinfo=None) if now.tzinfo else now
        return _Context(
            by_code=by_code, by_name=dict(by_name), calendar=load_calendar(self.db), unit_code=settings.code,
            pattern=code_pattern(settings.dossier_code_pattern), signer=settings.signer_name or None,
            form_set=settings.form_set, now=now,
            memo={}, texts={},
        )

    def _check(
        self, table: Table, problems: Problems, context: _Context, line: int, cells: list[Cell],
    ) -> _Dossier | None:
        """The row checked column by column; every problem goes to ``problems``."""
        raw = table.pick(cells)
        repeated = context.texts
        failed = False

        def bad(key: str, message: str) -> None:
            nonlocal failed
            failed = True
            problems.add(line, key, message)

        def text(key: str) -> str:
            cell = raw.get(key)
            if key in _REPEATED and isinstance(cell, str) and len(cell) <= 200:
                result = repeated.get(cell)
                if result is None:
                    result = repeated[cell] = cell_text(cell)
            else:
                result = cell_text(cell)
            if len(result) > 30 and len(result) > MAX_LENGTH.get(key, 1000):  # 30: the smallest limit
                bad(key, _("nội dung quá dài (tối đa {n} ký tự)").format(n=MAX_LENGTH.get(key, 1000)))
            return result

        def moment(key: str, *, required: bool = False, future: bool = False) -> When | None:
            cell = raw.get(key)
            if cell is None or (isinstance(cell, str) and not cell.strip()):
                if required:
                    bad(key, _("ngày tiếp nhận không được để trống"))  # the one date every row must give
                return None
            try:
                when = parse_moment(cell)
            except ValueError:
                bad(key, _("ngày không hợp lệ «{value}» (ghi dd/mm/yyyy, dd/mm/yyyy HH:MM hoặc yyyy-mm-dd)").format(
                    value=shown(cell)))
                return None
            if when.at.year < EARLIEST_YEAR:
                bad(key, _("ngày «{value}» trước năm {year}").format(value=shown(cell), year=EARLIEST_YEAR))
                return None
            if when.at.year > LATEST_YEAR:  # an appointment may be in the future, not in the year 9999
                bad(key, too_late(cell))
                return None
            if not future and ((when.at > context.now) if when.timed else (when.at.date() > context.now.date())):
                bad(key, _("ngày «{value}» ở tương lai").format(value=shown(cell)))
                return None
            return when

        code = text("code")
        if not code and not context.unit_code:
            bad("code", _("chưa có mã hồ sơ mà đơn vị chưa cài đặt mã định danh (Cài đặt → Mã định danh) nên "
                          "không tự cấp được mã"))
        procedure = self._procedure(text("procedure_code"), text("procedure_name"), table, bad, context)
        name = text("applicant_name")
        if not name:
            bad("applicant_name", _("họ tên chủ hồ sơ không được để trống"))
        applicant_id, fine = applicants.id_number(text("applicant_id"))
        if not fine:
            bad("applicant_id", _("số giấy tờ tùy thân «{value}» phải gồm 9 hoặc 12 chữ số").format(
                value=shown(applicant_id or "")))
        phone, fine = applicants.phone(text("phone"))  # the desk's rule: an import stores no phone it would refuse
        if not fine:
            bad("phone", _("số điện thoại «{value}» phải gồm 10 hoặc 11 chữ số").format(value=shown(text("phone"))))
        channel: Channel | None = Channel.DIRECT
        channel_text = text("channel")
        if channel_text:
            try:
                channel = context.choice(Channel, channel_text)
            except ValueError:
                channel = _CHANNEL_ALIASES.get(fold(channel_text))
                if channel is None:
                    bad("channel", _("hình thức nộp «{value}» không hợp lệ (ghi một trong: {labels})").format(
                        value=shown(channel_text), labels=", ".join(member.label for member in Channel)))
        digitized_text = context.fold(text("digitized"))
        if digitized_text not in _YES and digitized_text not in _NO:
            bad("digitized", _("giá trị «{value}» không hợp lệ (ghi Có hoặc Không)").format(
                value=shown(raw.get("digitized"))))
        received = moment("received_at", required=True)
        due = moment("due_at", future=True)
        resolved, returned, withdrawn = moment("resolved_at"), moment("returned_at"), moment("withdrawn_at")
        apology_when = moment("apology_at")
        apology = apology_when.at.date() if apology_when else None
        asked, back = moment("supplement_requested_at"), moment("supplement_received_at")
        if received is not None:
            for key, when in (("due_at", due), ("resolved_at", resolved), ("returned_at", returned),
                              ("withdrawn_at", withdrawn), ("supplement_requested_at", asked)):
                if when is not None and when.before(received):
                    bad(key, _before_receipt(key))
            if apology is not None and apology < received.at.date():
                bad("apology_at", _("ngày xin lỗi trước ngày tiếp nhận"))
        _check_supplement(asked, back, resolved, withdrawn, bad)
        if resolved is not None and returned is not None and returned.before(resolved):
            bad("returned_at", _("ngày trả kết quả trước ngày có kết quả"))
        status = self._status(context, text("status"), resolved, returned, withdrawn, bad, asked, back)
        if procedure is not None and received is not None and procedure.abolished_on \
                and procedure.abolished_on <= received.at.date().isoformat():
            bad("procedure_code" if table.has("procedure_code") else "procedure_name",
                _("thủ tục «{code}» đã bãi bỏ từ {day}, trước ngày tiếp nhận").format(
                    code=procedure.code, day=date.fromisoformat(procedure.abolished_on).strftime("%d/%m/%Y")))
        if failed or procedure is None or received is None or status is None or channel is None:
            return None
        return _Dossier(
            line=line, code=code, procedure=procedure, applicant_name=name, applicant_id=applicant_id or None,
            phone=phone or None, address=text("address") or None, channel=channel, status=status,
            digitized=1 if digitized_text in _YES else 0, received=received, due=due, resolved=resolved,
            returned=returned, withdrawn=withdrawn, apology=apology, asked=asked, back=back,
        )

    @staticmethod
    def _procedure(
        code: str, name: str, table: Table, bad: Callable[[str, str], None], context: _Context,
    ) -> _Procedure | None:
        if code and code in context.by_code:
            return context.by_code[code]
        if name:
            found = context.by_name.get(context.fold(name), [])
            if len(found) == 1:
                return found[0]
            key = "procedure_code" if code else "procedure_name"
            if len(found) > 1:
                bad(key, _("có {n} thủ tục tên «{name}»: hãy ghi mã thủ tục").format(n=len(found), name=shown(name)))
            elif code:
                bad(key, _("không có thủ tục mã «{code}» trong danh mục, cũng không có thủ tục tên «{name}»").format(
                    code=shown(code), name=shown(name)))
            else:
                bad(key, _("không có thủ tục «{name}» trong danh mục").format(name=shown(name)))
            return None
        if code:
            bad("procedure_code", _("không có thủ tục mã «{code}» trong danh mục").format(code=shown(code)))
        else:
            bad("procedure_code" if table.has("procedure_code") else "procedure_name",
                _("chưa ghi mã thủ tục (hoặc tên thủ tục)"))
        return None

    @staticmethod
    def _status(
        context: _Context, text: str, resolved: When | None, returned: When | None, withdrawn: When | None,
        bad: Callable[[str, str], None], asked: When | None = None, back: When | None = None,
    ) -> DossierStatus | None:
        """The status written (or inferred from the dates), checked against the dates."""
        waiting = asked is not None and back is None  # asked for a supplement that has not come
        if not text:
            if withdrawn is not None:
                return DossierStatus.WITHDRAWN
            if returned is not None:
                return DossierStatus.RETURNED
            if resolved is not None:
                return DossierStatus.RESULT_READY
            if asked is not None:  # asked for a supplement: waiting for it, or handled again since it came
                return DossierStatus.WAITING_SUPPLEMENT if waiting else DossierStatus.IN_PROGRESS
            return DossierStatus.RECEIVED
        try:
            status = context.choice(DossierStatus, text)
        except ValueError:
            bad("status", _("trạng thái «{value}» không hợp lệ (ghi một trong: {labels})").format(
                value=shown(text), labels=", ".join(member.label for member in DossierStatus)))
            return None
        label = status.label
        ok = True
        if status is DossierStatus.WITHDRAWN:
            if withdrawn is None:
                bad("withdrawn_at", _("hồ sơ «{status}» phải có ngày rút").format(status=label))
                ok = False
            if resolved is not None or returned is not None:
                bad("status", _("hồ sơ «{status}» không có ngày có kết quả, ngày trả kết quả").format(status=label))
                ok = False
            return status if ok else None
        if withdrawn is not None:
            bad("withdrawn_at", _("chỉ hồ sơ «{withdrawn}» mới có ngày rút (trạng thái đang ghi: «{status}»)").format(
                withdrawn=DossierStatus.WITHDRAWN.label, status=label))
            ok = False
        if status is DossierStatus.WAITING_SUPPLEMENT and back is not None:
            bad("supplement_received_at", _("hồ sơ «{status}» chưa nhận hồ sơ bổ sung nhưng có ngày nhận bổ sung")
                .format(status=label))
            ok = False
        elif status in (DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS) and waiting:
            bad("status", _("hồ sơ đã yêu cầu bổ sung mà chưa có ngày nhận bổ sung thì trạng thái là «{waiting}», "
                            "không phải «{status}»").format(waiting=DossierStatus.WAITING_SUPPLEMENT.label,
                                                          status=label))
            ok = False
        if status in _OPEN:
            if resolved is not None or returned is not None:
                bad("status", _("hồ sơ «{status}» chưa có kết quả nhưng có ngày có kết quả hoặc ngày trả kết quả")
                    .format(status=label))
                ok = False
        else:
            if resolved is None:
                bad("resolved_at", _("hồ sơ «{status}» phải có ngày có kết quả").format(status=label))
                ok = False
            if status is DossierStatus.RETURNED and returned is None:
                bad("returned_at", _("hồ sơ «{status}» phải có ngày trả kết quả").format(status=label))
                ok = False
            if status is not DossierStatus.RETURNED and returned is not None:
                bad("status", _("hồ sơ có ngày trả kết quả thì trạng thái là «{returned}», không phải «{status}»")
                    .format(returned=DossierStatus.RETURNED.label, status=label))
                ok = False
        return status if ok else None

    def _classify(
        self, table: Table, problems: Problems, rows: list[_Dossier], *, update: bool,
    ) -> tuple[list[_Dossier], list[tuple[_Dossier, dict[str, Any]]], int]:
        """New rows, rows that change a stored dossier, and how many are already stored unchanged."""
        existing = queries.dossiers_by_code(self.db, [row.code for row in rows if row.code])
        inserts: list[_Dossier] = []
        updates: list[tuple[_Dossier, dict[str, Any]]] = []
        unchanged = 0
        for row in rows:
            old = existing.get(row.code) if row.code else None
            if old is None:
                inserts.append(row)
                continue
            changed = _differences(row, old)
            if not changed:
                unchanged += 1
            elif update:
                updates.append((row, old))
            else:
                columns = ", ".join(f"«{table.header(key, DOSSIER_COLUMNS)}»" for key in changed)
                problems.add(row.line, "code", _(
                    "hồ sơ «{code}» đã có trong cơ sở dữ liệu với dữ liệu khác ở cột {columns}; muốn ghi đè thì "
                    "nhập lại với tùy chọn cập nhật (--update)").format(code=row.code, columns=columns))
        return inserts, updates, unchanged

    def _settle(self, problems: Problems, row: _Dossier, old: dict[str, Any] | None, context: _Context) -> None:
        """The values to store: dates placed on the clock, the appointment computed where empty; then the
        order the schema requires, checked on those values (a last line of defence)."""
        calendar = context.calendar
        closing = calendar.office_hours.afternoon_end

        def place(when: When | None, lower: datetime | None, upper: datetime | None = None) -> datetime | None:
            """A timed value as is; a day alone at its closing time, kept within [lower, upper] that day."""
            if when is None:
                return None
            if when.timed:
                return when.at
            day = when.at.date()
            moment = calendar.closing_time(day) if calendar.is_working_day(day) else datetime.combine(day, closing)
            if upper is not None and upper.date() == day and upper < moment:
                moment = upper
            if lower is not None and lower.date() == day and lower > moment:
                moment = lower
            return moment

        received = row.received.at
        returned_timed = row.returned.at if row.returned and row.returned.timed else None
        resolved = place(row.resolved, received, returned_timed)
        returned = place(row.returned, resolved or received)
        withdrawn = place(row.withdrawn, received)
        procedure = row.procedure
        asked = place(row.asked, received)
        back = place(row.back, asked)
        # the appointment the receipt gave, which a supplement received moved (as the desk computes both)
        receipt_due = calendar.due_moment(received, procedure.limit, procedure.unit, procedure.cutoff) \
            if row.due is None or back is not None else None
        if row.due is not None:
            due = place(row.due, received)
        elif old is not None and old["received_at"][:16] == _iso(received):
            due = datetime.fromisoformat(old["due_at"])
        elif back is not None and asked is not None and receipt_due is not None:
            due = resumed_due(calendar, rule=procedure.supplement_rule, limit=procedure.limit, unit=procedure.unit,
                              cutoff=procedure.cutoff, back=back, requested_at=asked, due_before=receipt_due).at
        else:
            due = receipt_due
        assert due is not None
        row.asked_at, row.back_at = (_iso(asked) if asked else None), (_iso(back) if back else None)
        row.due_first = _iso(receipt_due if back is not None and receipt_due is not None else due)
        if row.status is DossierStatus.REFUSED:
            row.outcome = "refused"
        elif row.status is DossierStatus.RETURNED and old is not None and old["outcome"]:
            row.outcome = old["outcome"]
        elif row.status in _RESOLVED:
            row.outcome = "granted"
        row.received_at, row.due_at = _iso(received), _iso(due)
        row.resolved_at = _iso(resolved) if resolved else None
        row.returned_at = _iso(returned) if returned else None
        row.withdrawn_at = _iso(withdrawn) if withdrawn else None
        row.due_moment, row.resolved_moment = due, resolved
        for key, stored in (("due_at", row.due_at), ("resolved_at", row.resolved_at),
                            ("withdrawn_at", row.withdrawn_at)):
            if stored is not None and stored < row.received_at:
                problems.add(row.line, key, _before_receipt(key))  # (translated only for a row that has it)
        if row.returned_at is not None and row.resolved_at is not None and row.returned_at < row.resolved_at:
            problems.add(row.line, "returned_at", _("ngày trả kết quả trước ngày có kết quả"))

    def _write(
        self, inserts: list[_Dossier], updates: list[tuple[_Dossier, dict[str, Any]]], context: _Context,
        file_name: str, progress: Progress = no_progress,
    ) -> None:
        """Every new dossier with its events (and apology letter), then the updates, in short transactions
        (``db.queries.staging``): staged, marked ready, moved in. New dossiers without a code get the next codes
        of their day of receipt as they are moved in, in order of receipt time."""
        if not inserts and not updates:
            return
        source = _json({"source": "import", "file": file_name})
        batch = staging.begin(self.db, file=file_name, unit_code=context.unit_code, pattern=context.pattern,
                              source=source)
        try:
            with staging.checkpoint_at_end(self.db):
                self._stage_and_move(batch, inserts, updates, context, file_name, progress)
        finally:
            staging.release(batch)

    def _stage_and_move(self, batch: int, inserts: list[_Dossier], updates: list[tuple[_Dossier, dict[str, Any]]],
                        context: _Context, file_name: str, progress: Progress) -> None:
        """Staged (``progress`` told, and ``Cancelled`` from it discarding the batch), then moved in whole."""
        total = len(inserts) + len(updates)
        payloads = self._payloads(inserts, updates, context, file_name)
        try:
            staging.stage(self.db, batch, _told(payloads, progress, total))
            taken = staging.mark_ready(self.db, batch)
        except BaseException:
            with contextlib.suppress(Exception):  # else the next opening discards it
                staging.discard(self.db, batch)
            raise
        if taken:
            staging.discard(self.db, batch)
            shown_codes = ", ".join(taken[:10]) + (" …" if len(taken) > 10 else "")
            raise CchcError(_(
                "Không ghi dữ liệu nào: trong lúc nhập, {n} mã hồ sơ của tệp đã được cấp cho hồ sơ khác ({codes}). "
                "Hãy nhập lại tệp."
            ).format(n=len(taken), codes=shown_codes))
        staging.move(self.db, batch)  # the import is done for its user: a failure now, the next opening ends it

    def _payloads(
        self, inserts: list[_Dossier], updates: list[tuple[_Dossier, dict[str, Any]]], context: _Context,
        file_name: str,
    ) -> Iterator[tuple[str | None, list[object]]]:
        """(code given, prepared row) of each row to stage (``staging.new_row``, ``changed_row``): the new dossiers
        with a code in the file's order, those without one in order of receipt time, then the changed ones."""
        user = self.user_id
        reason = _("Nhập từ tệp «{file}»").format(file=file_name)
        waiting = sorted((row for row in inserts if not row.code), key=lambda row: (row.received.at, row.line))
        for row in [*(row for row in inserts if row.code), *waiting]:
            values: list[object] = [
                row.procedure.id, row.applicant_name, context.fold(row.applicant_name), row.applicant_id, row.phone,
                row.address, row.channel.value, row.received_at, user, row.due_at, row.resolved_at, row.returned_at,
                row.outcome, row.withdrawn_at, row.status.value, row.digitized,
                form_set_for(row.received.at.date(), context.form_set).value]
            rounds = [list(event[1:]) for event in self._supplement_events(0, row, reason, file_name)]
            if row.apology is None:
                yield row.code or None, staging.new_row(values, events=rounds)
                continue
            letter = self._apology(0, row, context, reason)
            yield row.code or None, staging.new_row(values, list(letter[1:]),
                                                    list(self._apology_event(0, row, letter, reason)[1:]),
                                                    events=rounds)
        now = _iso(context.now.replace(second=0, microsecond=0))
        for row, old in updates:
            events: list[list[object]] = [[
                old["id"], "corrected", now, user, old["status"], row.status.value, reason, old["due_at"], row.due_at,
                _json({"source": "import", "file": file_name, "changed": _differences(row, old)})]]
            if not old["supplement_events"]:  # a round the stored history lacks (never one it already has)
                events.extend(list(event) for event in self._supplement_events(old["id"], row, reason, file_name))
            values = [row.procedure.id, row.applicant_name, context.fold(row.applicant_name), row.applicant_id,
                      row.phone, row.address, row.channel.value, row.received_at, row.due_at, row.resolved_at,
                      row.returned_at, row.outcome, row.withdrawn_at, row.status.value, row.digitized, old["id"]]
            if row.apology is not None and old["apology_id"] is None:
                letter = self._apology(old["id"], row, context, reason)
                events.append(list(self._apology_event(old["id"], row, letter, reason)))
                yield None, staging.changed_row(values, events, letter=list(letter))
            elif row.apology is not None and row.apology.isoformat() != old["apology_at"]:
                yield None, staging.changed_row(values, events,
                                                letter_date=[row.apology.isoformat(), old["apology_id"]])
            else:
                yield None, staging.changed_row(values, events)

    def _supplement_events(
        self, dossier_id: int, row: _Dossier, reason: str, file_name: str,
    ) -> list[tuple[object, ...]]:
        """The supplement round the file dates, as the desk records it: the request (the clock stops), and the
        receipt of the supplement with the appointment it replaced and the new one."""
        if row.asked_at is None:
            return []
        data = _json({"source": "import", "file": file_name})
        first = row.due_first
        events: list[tuple[object, ...]] = [(dossier_id, "supplement_requested", row.asked_at, self.user_id,
                                             DossierStatus.IN_PROGRESS.value, DossierStatus.WAITING_SUPPLEMENT.value,
                                             reason, first, first, data)]
        if row.back_at is not None:
            events.append((dossier_id, "supplement_received", row.back_at, self.user_id,
                           DossierStatus.WAITING_SUPPLEMENT.value, DossierStatus.IN_PROGRESS.value, reason, first,
                           row.due_at, data))
        return events

    def _apology(self, dossier_id: int, row: _Dossier, context: _Context, reason: str) -> tuple[object, ...]:
        """Mẫu 04 as the file dates it: the new appointment is the result's day when it came later, else one
        working day after the appointment (the letter's new date must be after the old one)."""
        assert row.apology is not None and row.due_moment is not None
        calendar = context.calendar
        due, resolved = row.due_moment, row.resolved_moment
        new_due = None
        if resolved is not None and resolved > due:
            day = resolved.date()
            new_due = max(calendar.closing_time(day), resolved) if calendar.is_working_day(day) else resolved
        if new_due is None or new_due <= due:
            new_due = calendar.add_working_days(due, 1)
        return (dossier_id, row.apology.isoformat(), reason, row.due_at, _iso(new_due), context.signer,
                self.user_id)

    def _apology_event(
        self, dossier_id: int, row: _Dossier, letter: tuple[object, ...], reason: str,
    ) -> tuple[object, ...]:
        assert row.apology is not None
        at = max(datetime.combine(row.apology, time(16, 0)), row.received.at)
        return (dossier_id, "apologised", _iso(at), self.user_id, None, None, reason, letter[3], letter[4], None)

    # -- procedures --------------------------------------------------------------------------------------

    @requires(Permission.IMPORT)
    def import_procedures(
        self, path: Path, *, skip_invalid: bool = False, rejects: Path | None = None,
        mapping: HeaderMapping | None = None, progress: Progress = no_progress,
    ) -> ImportResult:
        """Import the procedure catalogue of ``path``: new codes are added, known codes updated (columns
        missing from the file, and an empty «Khi bổ sung» or «Thời hạn giải quyết», keep their value);
        a field named for the first time is created. Same all-or-nothing rules as the dossiers."""
        if rejects is not None:
            table_format(rejects)
        with open_table(path, PROCEDURE_COLUMNS, PROCEDURE_REQUIRED, mapping=mapping, progress=progress) as table:
            problems = Problems(table, PROCEDURE_COLUMNS)
            rows: list[dict[str, Any]] = []
            for line, cells in table.rows():
                row = self._check_procedure(table, problems, line, cells)
                code = row["code"] if row else cell_text(table.value(cells, "code"))
                if code and (first := problems.earlier(line, "code", code)):
                    problems.add(line, "code", _("mã thủ tục «{code}» trùng với dòng {first}").format(
                        code=shown(code), first=first))
                    continue
                if row is not None and line not in problems:
                    rows.append(row)
        with writing(self.db):
            stored = {row["code"]: row for row in queries.procedures(self.db)}
            for row in rows:
                if row["code"] not in stored and row["time_limit"] is None:
                    problems.add(row["line"], "time_limit",
                                 _("thủ tục mới phải có thời hạn giải quyết"))
            rows = [row for row in rows if row["line"] not in problems]
            problems.finish(path, PROCEDURE_REQUIRED, skip_invalid=skip_invalid, rejects=rejects)
            fields = {fold(name): field_id for field_id, name in queries.field_ids(self.db)}
            created = 0
            inserts: list[tuple[object, ...]] = []
            updates: list[tuple[object, ...]] = []
            unchanged = 0
            for row in rows:
                folded = fold(row["field"])
                if folded not in fields:
                    fields[folded] = queries.insert_field(self.db, row["field"], folded)
                    created += 1
                values = _procedure_values(row, stored.get(row["code"]), fields[folded])
                old = stored.get(row["code"])
                if old is None:
                    inserts.append((row["code"], *values))
                elif values != (old["name"], old["name_folded"], old["field_id"], old["time_limit"],
                                old["time_limit_unit"], old["supplement_rule"], old["online_level"], old["fee"],
                                old["published_by"], old["fee_amount"], old["online_payment"]):
                    updates.append((*values, old["id"]))
                else:
                    unchanged += 1
            bulk.executemany(self.db, queries.INSERT_PROCEDURE, inserts)
            bulk.executemany(self.db, queries.UPDATE_PROCEDURE, updates)
            updated = {values[-1] for values in updates}
            ids = catalogue_queries.procedure_ids(self.db)
            for row in rows:
                if row["documents"] is _KEEP:
                    continue
                listed = checklists.document_rows(row["documents"])
                if catalogue_queries.checklist(self.db, ids[row["code"]]) != listed:
                    catalogue_queries.replace_checklist(self.db, ids[row["code"]], listed)
                    if row["code"] in stored and stored[row["code"]]["id"] not in updated:
                        updated.add(stored[row["code"]]["id"])
                        unchanged -= 1
        result = ImportResult(
            inserted=len(inserts), updated=len(updated), unchanged=unchanged, rejected=len(problems),
            problems=tuple(problems.all()), rejects=rejects, fields_created=created,
        )
        log.info("imported procedures from %s: %d new, %d updated, %d unchanged, %d rejected, %d new fields",
                 path.name, result.inserted, result.updated, result.unchanged, result.rejected, created)
        return result

    @staticmethod
    def _check_procedure(table: Table, problems: Problems, line: int, cells: list[Cell]) -> dict[str, Any] | None:
        failed = False

        def bad(key: str, message: str) -> None:
            nonlocal failed
            failed = True
            problems.add(line, key, message)

        def text(key: str) -> str:
            result = cell_text(table.value(cells, key))
            if len(result) > MAX_LENGTH.get(key, 1000):
                bad(key, _("nội dung quá dài (tối đa {n} ký tự)").format(n=MAX_LENGTH.get(key, 1000)))
            return result

        row: dict[str, Any] = {"line": line, "code": text("code"), "name": text("name"),
                               "field": text("field")}
        for key, message in (("code", _("mã thủ tục không được để trống")),
                             ("name", _("tên thủ tục không được để trống")),
                             ("field", _("lĩnh vực không được để trống"))):
            if not row[key]:
                bad(key, message)
        row["time_limit"] = None
        limit = text("time_limit")
        if limit:
            row["time_limit"] = _procedure_time_limit(table.value(cells, "time_limit"), limit, bad)
        row["published_by"] = (text("published_by") or _KEEP) if table.has("published_by") else _KEEP
        row["online_level"] = _KEEP
        if table.has("online_level"):
            online = fold(text("online_level"))
            if online in _NOT_ONLINE:
                row["online_level"] = None
            elif online in _ONLINE_ALIASES:
                row["online_level"] = _ONLINE_ALIASES[online].value
            else:
                bad("online_level", _("mức độ «{value}» không hợp lệ (ghi Một phần, Toàn trình hoặc để trống)")
                    .format(value=shown(table.value(cells, "online_level"))))
        row["supplement_rule"] = None
        rule = text("supplement_rule")
        if rule:
            try:
                row["supplement_rule"] = SupplementRule.parse(rule).value
            except ValueError:
                bad("supplement_rule", _("giá trị «{value}» không hợp lệ (ghi Tính lại hoặc Tạm dừng)").format(
                    value=shown(rule)))
        row["fee"] = (text("fee") or None) if table.has("fee") else _KEEP
        row["fee_amount"] = _KEEP  # the column's number, else what «Phí, lệ phí» states (_procedure_values)
        if table.has("fee_amount"):
            try:
                row["fee_amount"] = fees.parse_amount(text("fee_amount"))
            except ValueError:
                bad("fee_amount", _("mức phí, lệ phí «{value}» không hợp lệ: ghi số đồng, ví dụ 8.000, hoặc «Không "
                                    "thu»").format(value=shown(table.value(cells, "fee_amount"))))
            if row["fee_amount"] is None:
                row["fee_amount"] = _KEEP
        row["online_payment"] = _KEEP
        if table.has("online_payment"):
            paid_online = fold(text("online_payment"))
            if paid_online not in _YES and paid_online not in _NO:
                bad("online_payment", _("giá trị «{value}» không hợp lệ (ghi Có hoặc Không)").format(
                    value=shown(table.value(cells, "online_payment"))))
            row["online_payment"] = 1 if paid_online in _YES else 0
        row["documents"] = _KEEP
        if text("documents"):  # an empty cell keeps the stored checklist, as an absent column does
            listed = table.value(cells, "documents")
            try:
                row["documents"] = checklists.read_documents(clean_lines(listed) if isinstance(listed, str) else "")
            except checklists.ChecklistError as exc:
                where = _("dòng {n} của ô: ").format(n=exc.line) if exc.line else ""
                bad("documents", _("{where}{problem} (mỗi dòng một giấy tờ, ví dụ «Giấy chứng sinh (bản chính)»)")
                    .format(where=where, problem=exc.problem))
        return None if failed else row


def _procedure_time_limit(
    cell: Cell, limit: str, bad: Callable[[str, str], None],
) -> tuple[int, TimeLimitUnit] | None:
    """The limit of a procedure's cell, read as the national catalogue writes it, in a word or a sentence (a
    cell's lines are kept apart: one line per channel); a limit that cannot be read honestly is a bad row."""
    try:
        return catalogue.read_time_limit(clean_lines(cell) if isinstance(cell, str) else limit)
    except catalogue.UnreadableTimeLimit as exc:
        if exc.kind == exc.NO_UNIT:
            bad("time_limit", _("thời hạn «{value}» không nêu đơn vị (ngày làm việc, ngày, giờ làm việc hay trong "
                                "ngày): ghi rõ, ví dụ «3 ngày làm việc»").format(value=shown(limit)))
        elif exc.kind == exc.SEVERAL:
            bad("time_limit", _("thời hạn «{value}» ghi nhiều thời hạn khác nhau ({limits}): mỗi thủ tục ghi một "
                                "thời hạn").format(value=shown(limit), limits="; ".join(
                                    catalogue.time_limit_text(amount, unit) for amount, unit in exc.found)))
        else:
            bad("time_limit", _("thời hạn «{value}» không hợp lệ (ví dụ: 3 ngày làm việc, 30 ngày, 04 giờ làm "
                                "việc, Trong ngày, hoặc cả câu như «30 ngày kể từ ngày nhận đủ hồ sơ hợp lệ»; một "
                                "số không kèm đơn vị là ngày làm việc)").format(value=shown(limit)))
        return None


def _procedure_values(row: dict[str, Any], old: dict[str, Any] | None, field_id: int) -> tuple[object, ...]:
    """(name, name_folded, field_id, time_limit, unit, supplement_rule, online_level, fee, published_by, fee_amount,
    online_payment) to store; the decision that published the procedure («Quyết định công bố») is kept when the
    file has none for it. The fee as a number is the «Mức phí, lệ phí» column's, else the amount the «Phí, lệ
    phí» text of the file states (a plain amount, or free: ``domain.fees.stated_amount``), else the stored one."""
    if row["time_limit"] is not None:
        limit, unit = row["time_limit"][0], row["time_limit"][1].value
    else:
        assert old is not None  # a new procedure without a time limit is a bad row
        limit, unit = old["time_limit"], old["time_limit_unit"]
    rule = row["supplement_rule"] or (old["supplement_rule"] if old else SupplementRule.RESTART.value)
    online = row["online_level"] if row["online_level"] is not _KEEP else (old["online_level"] if old else None)
    fee = row["fee"] if row["fee"] is not _KEEP else (old["fee"] if old else None)
    published = row["published_by"] if row["published_by"] is not _KEEP else (old["published_by"] if old else None)
    amount = row["fee_amount"]
    if amount is _KEEP:  # what the file's «Phí, lệ phí» states, if it has the column
        amount = fees.stated_amount(fee) if row["fee"] is not _KEEP else None
    if amount is None and old is not None:
        amount = old["fee_amount"]
    paid_online = row["online_payment"] if row["online_payment"] is not _KEEP else (
        old["online_payment"] if old else 0)
    return (row["name"], fold(row["name"]), field_id, limit, unit, rule, online, fee, published, amount, paid_online)


def _told(payloads: Iterator[Staged], progress: Progress, total: int) -> Iterator[Staged]:
    """``payloads`` with ``progress`` told of every ``READ_STEP`` of them (the staging's pace)."""
    for done, payload in enumerate(payloads):
        if done % READ_STEP == 0:
            progress(_("Đang ghi hồ sơ: {n}/{total}").format(n=number(done), total=number(total)), done, total)
        yield payload


def _same(when: When | None, stored: str | None) -> bool:
    if when is None or stored is None:
        return when is None and stored is None
    if when.timed:
        return _iso(when.at) == stored[:16]
    return when.at.date().isoformat() == stored[:10]


def _differences(row: _Dossier, old: dict[str, Any]) -> list[str]:
    """The contract's columns whose value differs from the stored dossier (keys, in contract order)."""
    changed = []
    if row.procedure.id != old["procedure_id"]:
        changed.append("procedure_code")
    for key in ("applicant_name", "applicant_id", "phone", "address"):
        if getattr(row, key) != old[key]:
            changed.append(key)
    if row.channel.value != old["channel"]:
        changed.append("channel")
    if not _same(row.received, old["received_at"]):
        changed.append("received_at")
    if row.due is not None and not _same(row.due, old["due_at"]):
        changed.append("due_at")
    for key, when in (("resolved_at", row.resolved), ("returned_at", row.returned)):
        if not _same(when, old[key]):
            changed.append(key)
    if row.status.value != old["status"]:
        changed.append("status")
    if not _same(row.withdrawn, old["withdrawn_at"]):
        changed.append("withdrawn_at")
    if row.digitized != old["digitized"]:
        changed.append("digitized")
    if row.apology is not None and row.apology.isoformat() != old["apology_at"]:
        changed.append("apology_at")
    if row.asked is not None and not old["supplement_events"]:
        changed.append("supplement_requested_at")
    return changed
