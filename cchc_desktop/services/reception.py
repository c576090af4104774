"""ReceptionService: the reception desk (Tiếp nhận hồ sơ) from receipt to return, headless.

Registering a dossier validates the form (every problem at once), gives it the next code of the day and its
appointment from the unit's working calendar; later steps follow the state machine of
``cchc_desktop.domain.dossiers``. Every write is one transaction whose first statement takes SQLite's write
lock (see ``db.queries.dossiers``), and leaves an event in the dossier's history: who, when, why, and the
appointment before and after. Times are naive local times, stored to the minute (``2024-04-26T10:00``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from cchc_desktop.domain import applicants
from cchc_desktop.domain.calendar import DueDate, WorkCalendar
from cchc_desktop.domain.catalogue import SupplementRule, TimeLimitUnit
from cchc_desktop.domain.checklists import ChecklistError, check_documents
from cchc_desktop.domain.dossier_record import ApologyLetter, Dossier
from cchc_desktop.domain.dossiers import (
    MAX_LENGTH,
    STEP_OF_PAPER,
    Channel,
    DocumentKind,
    DossierDocument,
    DossierStatus,
    EventKind,
    Outcome,
    Timeliness,
    allowed_events,
    dossier_code,
    in_office_hours,
    next_status,
    timeliness,
    working_seconds_between,
)
from cchc_desktop.domain.fees import FeePayment, amount_note, payment_text
from cchc_desktop.domain.papers import (
    FormSet,
    PaperKind,
    Proxy,
    ResultDelivery,
    form_set_for,
    form_set_of,
)
from cchc_desktop.domain.supplements import resumed_due
from cchc_desktop.domain.users import Permission
from cchc_desktop.errors import NotFoundError, ValidationError
from cchc_desktop.formatting import date_time
from cchc_desktop.i18n import _
from cchc_desktop.services.calendar import load_calendar
from cchc_desktop.services.sessions import ActsForSession, requires
from cchc_desktop.services.settings import SettingsService
from cchc_desktop.text import clean, clean_lines, fold
from db.errors import writing
from db.handle import Database
from db.queries import dossiers as queries
from db.queries.papers import LedgerLines, LedgerPlace, ledger_place

log = logging.getLogger("cchc.services")

Clock = Callable[[], datetime]


# What each step is called inside a sentence ("Không thể trả kết quả khi ...").
_ACTIONS = {
    EventKind.RECEIVED: "tiếp nhận hồ sơ",
    EventKind.TRANSFERRED: "chuyển xử lý",
    EventKind.SUPPLEMENT_REQUESTED: "yêu cầu bổ sung",
    EventKind.SUPPLEMENT_RECEIVED: "nhận hồ sơ bổ sung",
    EventKind.RESULT_READY: "ghi nhận có kết quả",
    EventKind.REFUSED: "từ chối giải quyết",
    EventKind.RETURNED: "trả kết quả",
    EventKind.WITHDRAWN: "rút hồ sơ",
    EventKind.APOLOGISED: "xin lỗi, hẹn lại ngày trả",
    EventKind.CORRECTED: "sửa thông tin",
    EventKind.PRINTED: "in phiếu",
    EventKind.NOTE: "ghi chú",
}
# Steps whose reason is required, with what to write.
_REASON_REQUIRED = {
    EventKind.SUPPLEMENT_REQUESTED: "Hãy ghi rõ những giấy tờ cần bổ sung, hoàn thiện.",
    EventKind.REFUSED: "Hãy ghi rõ lý do từ chối giải quyết.",
    EventKind.WITHDRAWN: "Hãy ghi rõ lý do rút hồ sơ.",
    EventKind.NOTE: "Nội dung ghi chú không được để trống.",
}
# The applicant fields a correction may change.
CORRECTABLE = ("applicant_name", "applicant_id", "phone", "address", "email", "sets", "note")
RECEIPT_FORM = "01"
EARLIEST_YEAR = 2000  # the schema stores years 1000–2999; no commune records from before the 2000s


def action_name(event: EventKind) -> str:
    """The step as a verb phrase: ``trả kết quả``."""
    return _(_ACTIONS[event])


# -- data in and out -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewDossier:
    """The reception form. ``received_at`` None means now; empty optional texts are stored as NULL."""

    procedure_code: str
    applicant_name: str
    applicant_id: str = ""
    phone: str = ""
    address: str = ""
    email: str = ""
    sets: int = 1
    channel: Channel = Channel.DIRECT
    received_at: datetime | None = None
    documents: tuple[DossierDocument, ...] = ()
    note: str = ""
    digitized: bool = False
    result_delivery: ResultDelivery = ResultDelivery.DESK  # «Đăng ký nhận kết quả tại»
    proxy: Proxy | None = None  # who files for the applicant, with the authorisation
    fee: FeePayment | None = None  # the fee collected at reception (None: nothing recorded)
    home_commune: str | None = None  # the applicant's commune when another one (None or empty: a resident here)


@dataclass(frozen=True)
class ProcedureChoice:
    """A catalogue procedure as the desk picks it."""

    id: int
    code: str
    name: str
    field_name: str
    time_limit: int
    time_limit_unit: TimeLimitUnit
    supplement_rule: SupplementRule
    afternoon_cutoff: time | None = None
    fee_amount: int | None = None  # the catalogue's fee in VND (None: not stated as one amount; 0: free)
    online_payment: bool = False  # the fee can be paid online

    @property
    def time_limit_label(self) -> str:
        """``3 ngày làm việc``, ``4 giờ làm việc``, ``Trong ngày``."""
        if self.time_limit_unit is TimeLimitUnit.SAME_DAY:
            return _("Trong ngày")
        return f"{self.time_limit} {self.time_limit_unit.label}"


@dataclass(frozen=True)
class Preview:
    """What the form would save: the would-be code and appointment, and what is wrong so far."""

    code: str | None
    due: DueDate | None
    procedure: ProcedureChoice | None
    errors: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Registered:
    dossier_id: int
    code: str
    due_at: datetime
    explanation: str
    notes: tuple[str, ...] = ()  # saved, but worth a look (an amount that differs from the catalogue's fee)


@dataclass(frozen=True)
class FeeRecorded:
    """What ``record_fee`` stored: the payment now (None: cleared) and a note on its amount, if any."""

    dossier_id: int
    code: str
    payment: FeePayment | None
    note: str | None = None


UNDO_MINUTES = 10
UNDO_WINDOW = timedelta(minutes=UNDO_MINUTES)  # how long the last step of a dossier can be undone


def _recorded_at(step: Mapping[str, Any]) -> datetime:
    """When a step was written (its ``at`` may be dated back to a step done on paper)."""
    return datetime.fromisoformat(json.loads(step["data"])["recorded_at"])


@dataclass(frozen=True)
class UndoOffer:
    """The last step of a dossier, which the account signed in may undo until ``until``."""

    event: EventKind
    at: datetime
    until: datetime


@dataclass(frozen=True)
class Transitioned:
    dossier_id: int
    code: str
    event_id: int
    event: EventKind
    from_status: DossierStatus
    to_status: DossierStatus
    at: datetime
    due_before: datetime
    due_at: datetime
    explanation: str = ""  # why the appointment moved (supplement received)

    @property
    def due_changed(self) -> bool:
        return self.due_at != self.due_before


@dataclass(frozen=True)
class Apologised:
    dossier_id: int
    code: str
    letter_id: int
    event_id: int
    original_due_at: datetime
    new_due_at: datetime


@dataclass(frozen=True)
class Corrected:
    dossier_id: int
    code: str
    event_id: int
    changed: tuple[str, ...]
    voided_forms: int


@dataclass(frozen=True)
class TimelineEntry:
    """One step of the history."""

    id: int
    kind: EventKind
    at: datetime
    user_id: int | None
    user_name: str | None
    from_status: DossierStatus | None
    to_status: DossierStatus | None
    reason: str | None
    due_before: datetime | None
    due_after: datetime | None
    data: Mapping[str, Any] = field(default_factory=dict)
    undoes: int | None = None  # an undo: the step it undid
    undone: bool = False  # a step undone afterwards

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def stands(self) -> bool:
        """Part of the history the papers and the figures read: neither undone nor an undo."""
        return not self.undone and self.kind is not EventKind.UNDONE


@dataclass(frozen=True)
class DossierView:
    """A dossier as its page shows it: fields, procedure, documents, history (oldest first), letters."""

    dossier: Dossier
    procedure: ProcedureChoice
    form_set: str
    received_by_name: str | None
    events: tuple[TimelineEntry, ...]
    apologies: tuple[ApologyLetter, ...]
    ledger: LedgerPlace | None = None  # its line in its field's ledger (None: received before the books)

    @property
    def code(self) -> str:
        return self.dossier.code

    @property
    def history(self) -> tuple[TimelineEntry, ...]:
        """The steps that stand (``TimelineEntry.stands``), oldest first: what the papers read."""
        return tuple(entry for entry in self.events if entry.stands)

    @property
    def status(self) -> DossierStatus:
        return self.dossier.status

    @property
    def status_label(self) -> str:
        return self.dossier.status.label

    @property
    def allowed(self) -> tuple[EventKind, ...]:
        """The steps the page may offer (printing and notes included)."""
        return tuple(allowed_events(self.dossier.status))

    @property
    def promised_at(self) -> datetime:
        """The appointment the citizen holds: the apology's new date, if any, else the due date."""
        return self.apologies[-1].new_due_at if self.apologies else self.dossier.due_at

    @property
    def timeliness(self) -> Timeliness | None:
        """Early / on time / late against ``due_at`` once resolved (an apology does not change it)."""
        resolved = self.dossier.resolved_at
        return timeliness(resolved, self.dossier.due_at) if resolved else None


# -- small helpers ---------------------------------------------------------------------------------------


def _late_or_nearly(calendar: WorkCalendar, moment: datetime, due: datetime) -> bool:
    """Late at ``moment``, or at most one working day before ``due``: when an apology may be written."""
    return working_seconds_between(calendar, moment, due) <= calendar.day_seconds


def _day_ahead(calendar: WorkCalendar, moment: datetime, due: datetime) -> bool:
    """At least one working day before ``due``: when the 2025 rule still allows the apology without a reason."""
    return working_seconds_between(calendar, moment, due) >= calendar.day_seconds


def _naive(moment: datetime) -> datetime:
    """Local naive time (an aware datetime is converted to the local zone)."""
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment


def _minute(moment: datetime) -> datetime:
    return _naive(moment).replace(second=0, microsecond=0)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def _parse(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _json(data: Mapping[str, object]) -> str | None:
    return json.dumps(data, ensure_ascii=False, sort_keys=True) if data else None


def _procedure(row: Mapping[str, Any]) -> ProcedureChoice:
    cutoff = row["afternoon_cutoff"]
    return ProcedureChoice(
        id=row["id"], code=row["code"], name=row["name"], field_name=row["field_name"], time_limit=row["time_limit"],
        time_limit_unit=TimeLimitUnit(row["time_limit_unit"]), supplement_rule=SupplementRule(row["supplement_rule"]),
        afternoon_cutoff=time.fromisoformat(cutoff) if cutoff else None, fee_amount=row["fee_amount"],
        online_payment=bool(row["online_payment"]),
    )


HOME_COMMUNE_LENGTH = 200  # «phường Đông Hải, tỉnh Thanh Hóa» and more; the unit's name has the same room
UNIT_LENGTH = 300  # the unit a dossier is handed to


def _fee_values(payment: FeePayment | None, errors: dict[str, str]) -> dict[str, object]:
    """The dossier's fee columns for ``payment`` (all None: nothing recorded); its problems go to ``errors`` under
    ``fee_…`` keys (``FeePayment.errors``)."""
    if payment is None:
        return dict.fromkeys(queries.FEE_COLUMNS)
    try:
        cleaned = payment.cleaned()
    except ValueError:
        errors["fee_method"] = _("Cách nộp phí, lệ phí không hợp lệ (tại Bộ phận Một cửa, trực tuyến, miễn, giảm).")
        return dict.fromkeys(queries.FEE_COLUMNS)
    errors.update({f"fee_{key}": message for key, message in cleaned.errors().items()})
    return {"fee_paid": cleaned.amount, "fee_receipt": cleaned.receipt, "fee_method": cleaned.method.value,
            "fee_exempt_reason": cleaned.exempt_reason}


def _unit_name(text: str | None, key: str, errors: dict[str, str], *, what: str, limit: int) -> str | None:
    """A commune's or a unit's name as stored (None when empty); too long a name goes to ``errors``."""
    name = clean(text)
    if len(name) > limit:
        errors[key] = _("{what} quá dài (tối đa {n} ký tự).").format(what=what, n=limit)
    return name or None


# The longest texts the forms take (the import's limits): a longer one would not fit on the receipt.


def _clean_fields(values: Mapping[str, object], errors: dict[str, str]) -> dict[str, object]:
    """The applicant fields present in ``values`` cleaned for storage; problems go to ``errors``."""
    out: dict[str, object] = {}
    if "applicant_name" in values:
        name = clean(str(values["applicant_name"] or ""))
        if not name:
            errors["applicant_name"] = _("Họ tên người nộp không được để trống.")
        elif len(name) > MAX_LENGTH["applicant_name"]:
            errors["applicant_name"] = _("Họ tên người nộp quá dài (tối đa {n} ký tự).").format(
                n=MAX_LENGTH["applicant_name"])
        out["applicant_name"] = name
    if "applicant_id" in values:
        out["applicant_id"], fine = applicants.id_number(str(values["applicant_id"] or ""))
        if not fine:
            errors["applicant_id"] = _("Số giấy tờ tùy thân phải gồm 9 hoặc 12 chữ số.")
    if "phone" in values:
        out["phone"], fine = applicants.phone(str(values["phone"] or ""))
        if not fine:
            errors["phone"] = _("Số điện thoại phải gồm 10 hoặc 11 chữ số (có thể viết cách bằng dấu cách, dấu chấm).")
    if "address" in values:
        address = clean(str(values["address"] or ""))
        out["address"] = address or None
        if len(address) > MAX_LENGTH["address"]:
            errors["address"] = _("Địa chỉ quá dài (tối đa {n} ký tự).").format(n=MAX_LENGTH["address"])
    if "email" in values:
        out["email"], fine = applicants.email(clean(str(values["email"] or "")))
        if not fine:
            errors["email"] = _("Địa chỉ thư điện tử không hợp lệ (ví dụ đúng: ten@example.vn).")
    if "sets" in values:
        sets = values["sets"]
        if not isinstance(sets, int) or isinstance(sets, bool) or sets < 1:
            errors["sets"] = _("Số bộ hồ sơ phải là số nguyên từ 1 trở lên.")
        out["sets"] = sets
    if "note" in values:
        note = clean(str(values["note"] or ""))
        out["note"] = note or None
        if len(note) > MAX_LENGTH["note"]:
            errors["note"] = _("Ghi chú quá dài (tối đa {n} ký tự).").format(n=MAX_LENGTH["note"])
    return out


def _clean_documents(documents: tuple[DossierDocument, ...], errors: dict[str, str]) -> list[DossierDocument]:
    try:
        return list(check_documents(documents))
    except ChecklistError as exc:
        where = _("Thành phần hồ sơ thứ {n}: ").format(n=exc.line) if exc.line else _("Thành phần hồ sơ: ")
        errors["documents"] = f"{where}{exc.problem}."
        return []


PROXY_PAPER_LENGTH = 300


def _clean_proxy(proxy: Proxy | None, errors: dict[str, str]) -> str | None:
    """The authorised person as stored (JSON), or None when no field is filled; problems go to ``errors`` under
    ``proxy_…`` keys, said of the authorised person."""
    if proxy is None or not any(clean(str(value or "")) for value in vars(proxy).values()):
        return None
    found: dict[str, str] = {}
    cleaned = _clean_fields({"applicant_name": proxy.name, "applicant_id": proxy.id_number, "phone": proxy.phone,
                             "address": proxy.address, "email": proxy.email}, found)
    paper = clean(proxy.paper)
    if found.pop("applicant_name", None):
        found["name"] = (_("Chưa ghi họ tên người được ủy quyền.") if not cleaned["applicant_name"]
                         else _("Họ tên người được ủy quyền quá dài (tối đa {n} ký tự).").format(
                             n=MAX_LENGTH["applicant_name"]))
    if len(paper) > PROXY_PAPER_LENGTH:
        found["paper"] = _("Giấy tờ ủy quyền ghi quá dài (tối đa {n} ký tự).").format(n=PROXY_PAPER_LENGTH)
    keys = {"applicant_id": "id_number"}
    for key, message in found.items():
        errors[f"proxy_{keys.get(key, key)}"] = message if key in ("name", "paper") else _(
            "Người được ủy quyền: {problem}").format(problem=message)
    return Proxy(name=str(cleaned["applicant_name"]), id_number=str(cleaned["applicant_id"] or ""),
                 address=str(cleaned["address"] or ""), phone=str(cleaned["phone"] or ""),
                 email=str(cleaned["email"] or ""), paper=paper).to_json()


@dataclass(frozen=True)
class _Checked:
    """A reception form that passed (or partly passed) validation."""

    fields: dict[str, object]
    procedure: ProcedureChoice | None
    received_at: datetime
    channel: Channel | None
    documents: list[DossierDocument]
    unit_code: str
    pattern: str
    due: DueDate | None
    form_set: str


def dossier_row(db: Database, code: str, *, lock: bool = False) -> dict[str, Any]:
    """The dossier whose code is ``code`` as typed, or in capitals (a code typed in lower case); with ``lock``,
    inside a transaction, once its write lock is taken. NotFoundError, in Vietnamese, when there is none."""
    wanted = clean(code)
    for candidate in dict.fromkeys((wanted, wanted.upper())):
        if candidate and (not lock or queries.lock_dossier(db, candidate)):
            row = queries.dossier_by_code(db, candidate)
            if row is not None:
                return row
    raise NotFoundError(_("Không tìm thấy hồ sơ có mã «{code}».").format(code=wanted))


# -- the service -----------------------------------------------------------------------------------------


class ReceptionService(ActsForSession):
    """The reception desk: register, move along, apologise, correct, look up."""

    def __init__(self, db: Database, *, clock: Clock = datetime.now, user_id: int | None = None) -> None:
        self.db = db
        self.clock = clock
        self.user_id = user_id

    def _now(self) -> datetime:
        return _naive(self.clock())

    # -- the form ----------------------------------------------------------------------------------------

    def find_procedures(self, text: str, *, limit: int = 20) -> list[ProcedureChoice]:
        """Active procedures by code prefix or by name, ignoring case and diacritics, best match first.

        Every word typed must appear in the name ("khai sinh", "Khái Sinh", "sinh khai" find "Thủ tục đăng ký
        khai sinh"); "1.001193" finds it by code. Nothing typed finds nothing.
        """
        phrase = fold(text)
        if not phrase:
            return []
        rows = queries.search_procedures(
            self.db, code_prefix=clean(text), words=phrase.split(), phrase=phrase, limit=max(1, limit)
        )
        return [_procedure(row) for row in rows]

    def _check(self, new: NewDossier, now: datetime) -> tuple[_Checked, dict[str, str]]:
        """The form cleaned as far as it goes, and every problem found."""
        errors: dict[str, str] = {}
        fields = _clean_fields({
            "applicant_name": new.applicant_name, "applicant_id": new.applicant_id, "phone": new.phone,
            "address": new.address, "email": new.email, "sets": new.sets, "note": new.note,
        }, errors)
        try:
            fields["result_delivery"] = ResultDelivery(new.result_delivery).value
        except ValueError:
            errors["result_delivery"] = _("Cách nhận kết quả không hợp lệ (tại Trung tâm, qua bưu chính, trực tuyến).")
        fields["proxy"] = _clean_proxy(new.proxy, errors)
        fields["home_commune"] = _unit_name(new.home_commune, "home_commune", errors, limit=HOME_COMMUNE_LENGTH,
                                            what=_("Tên xã, phường nơi người nộp thường trú"))
        fields.update(_fee_values(new.fee, errors))
        try:
            channel: Channel | None = Channel(new.channel)
        except ValueError:
            channel = None
            errors["channel"] = _("Hình thức nộp hồ sơ không hợp lệ.")
        received_at = _minute(new.received_at) if new.received_at is not None else _minute(now)
        if received_at > now:
            errors["received_at"] = _("Thời điểm tiếp nhận không được sau thời điểm hiện tại.")
        elif received_at.year < EARLIEST_YEAR:
            errors["received_at"] = _("Thời điểm tiếp nhận không hợp lệ (trước năm {year}).").format(year=EARLIEST_YEAR)
        procedure = None
        code = clean(new.procedure_code)
        if not code:
            errors["procedure_code"] = _("Hãy chọn thủ tục hành chính.")
        else:
            row = queries.procedure_by_code(self.db, code)
            if row is None:
                errors["procedure_code"] = _("Không tìm thấy thủ tục «{code}» trong danh mục.").format(code=code)
            elif not row["active"] or (row["abolished_on"] and row["abolished_on"] <= received_at.date().isoformat()):
                errors["procedure_code"] = _("Thủ tục «{code}» đã ngừng áp dụng.").format(code=code)
            else:
                procedure = _procedure(row)
        documents = _clean_documents(tuple(new.documents), errors)
        settings = SettingsService(self.db).load()
        if not settings.code:
            errors["unit_code"] = _(
                "Chưa cài đặt mã định danh của đơn vị (Cài đặt → Mã định danh) nên chưa cấp được mã hồ sơ."
            )
        due = None
        if procedure is not None and "received_at" not in errors:
            due = load_calendar(self.db).due_at(
                received_at, procedure.time_limit, procedure.time_limit_unit, procedure.afternoon_cutoff
            )
        checked = _Checked(
            fields=fields, procedure=procedure, received_at=received_at, channel=channel, documents=documents,
            unit_code=settings.code, pattern=settings.dossier_code_pattern, due=due, form_set=settings.form_set,
        )
        return checked, errors

    def preview(self, new: NewDossier) -> Preview:
        """The code and appointment the form would get if saved now, and its problems; writes nothing.

        The code is indicative: another window may take that number first.
        """
        checked, errors = self._check(new, self._now())
        code = None
        if checked.unit_code:
            day = checked.received_at.date()
            seq = queries.peek_code_seq(self.db, checked.unit_code, day.isoformat()) + 1
            code = dossier_code(checked.pattern, unit=checked.unit_code, day=day, seq=seq)
        return Preview(code=code, due=checked.due, procedure=checked.procedure, errors=errors)

    @requires(Permission.DOSSIERS)
    def register(self, new: NewDossier) -> Registered:
        """Validate (every problem at once), then save the dossier, its documents and its receipt event.

        The code is ``<unit code>-<yymmdd>-<seq:04d>`` (the settings' pattern), the sequence counted per day
        of receipt without gaps; a number already used by an imported dossier is skipped. The fee collected (``fee``)
        is checked as ``record_fee`` checks it (problems under ``fee_…`` keys); an amount that differs from the
        catalogue's fee is saved and told in ``notes``.
        """
        now = self._now()
        checked, errors = self._check(new, now)
        if errors:
            raise ValidationError(errors)
        assert checked.procedure and checked.due and checked.channel  # guaranteed when there is no error
        received_at, due, day = checked.received_at, checked.due, checked.received_at.date()
        data: dict[str, object] = {"explanation": due.explanation}
        if received_at != _minute(now):
            data["recorded_at"] = _iso(_minute(now))
        with writing(self.db):
            # The counter write comes first: it takes the write lock (see db.queries.dossiers).
            while True:
                seq = queries.next_code_seq(self.db, checked.unit_code, day.isoformat())
                code = dossier_code(checked.pattern, unit=checked.unit_code, day=day, seq=seq)
                if not queries.code_exists(self.db, code):
                    break
            ledger = LedgerLines(self.db)
            place = ledger.place(checked.procedure.id, _iso(received_at))
            ledger.save()
            dossier_id = queries.insert_dossier(self.db, {
                **checked.fields,
                "code": code, "procedure_id": checked.procedure.id,
                "applicant_folded": fold(str(checked.fields["applicant_name"])),
                "channel": checked.channel.value, "received_at": _iso(received_at), "received_by": self.user_id,
                "due_at": _iso(due.at), "status": DossierStatus.RECEIVED.value,
                "digitized": 1 if new.digitized else 0, "form_set": form_set_for(day, checked.form_set).value,
                "ledger_book": place.book_id, "ledger_line": place.line,
            })
            queries.insert_documents(
                self.db, [(dossier_id, doc.name, doc.kind.value, doc.count) for doc in checked.documents]
            )
            queries.insert_event(self.db, {
                "dossier_id": dossier_id, "kind": EventKind.RECEIVED.value, "at": _iso(received_at),
                "user_id": self.user_id, "from_status": None, "to_status": DossierStatus.RECEIVED.value,
                "reason": None, "due_before": None, "due_after": _iso(due.at), "data": _json(data),
            })
        log.info("registered dossier %s", code)
        note = amount_note(checked.procedure.fee_amount, new.fee) if new.fee is not None else None
        return Registered(dossier_id=dossier_id, code=code, due_at=due.at, explanation=due.explanation,
                          notes=(note,) if note else ())

    # -- moving a dossier along --------------------------------------------------------------------------

    def _locked(self, code: str) -> dict[str, Any]:
        """Inside a transaction: take the write lock on the dossier, then read it (NotFoundError if none)."""
        return dossier_row(self.db, code, lock=True)

    @staticmethod
    def _refuse(event: EventKind, status: DossierStatus) -> ValidationError:
        return ValidationError({"event": _("Không thể {action} khi hồ sơ đang ở trạng thái «{status}».").format(
            action=action_name(event), status=status.label)})

    def _moment(
        self, event: EventKind, at: datetime | None, now: datetime, row: Mapping[str, Any], errors: dict[str, str],
        *, after_last_step: bool = True,
    ) -> datetime:
        """The step's time to the minute (now by default): not in the future, not before the previous step."""
        moment = _minute(at) if at is not None else _minute(now)
        action = action_name(event)
        received_at = datetime.fromisoformat(row["received_at"])
        last = _parse(queries.last_step_at(self.db, row["id"])) if after_last_step else None
        if moment > now:
            errors["at"] = _("Thời điểm {action} không được sau thời điểm hiện tại.").format(action=action)
        elif moment < received_at:
            errors["at"] = _("Thời điểm {action} không được trước thời điểm tiếp nhận hồ sơ ({at}).").format(
                action=action, at=date_time(received_at))
        elif last is not None and moment < last:
            errors["at"] = _("Thời điểm {action} không được trước bước xử lý trước đó ({at}).").format(
                action=action, at=date_time(last))
        return moment

    @requires(Permission.DOSSIERS)
    def transition(
        self,
        code: str,
        event: EventKind,
        *,
        at: datetime | None = None,
        reason: str = "",
        new_due_at: datetime | None = None,
        outcome: Outcome | None = None,
        transferred_to: str = "",
    ) -> Transitioned:
        """Move the dossier by ``event`` (the table of ``domain.dossiers``) and record the step.

        ``at`` (default now) may be earlier, to record a step done on paper, but not before the previous step
        nor in the future. Result ready and refusal set ``resolved_at`` (and the outcome); return sets
        ``returned_at``; withdrawal ``withdrawn_at``. A reason is required to request a supplement (what to
        complete), to refuse and to withdraw. On receiving a supplement the appointment is recomputed by the
        procedure's rule: ``restart``, the full time limit from the receipt of the supplement; ``pause``, the
        working time that was left when it was requested (stored in that event's data), counted from the
        receipt. ``new_due_at`` overrides that computed date (kept in the event's data). ``transferred_to``, with
        the transfer only: the dossier is handed to another unit to handle (a filing received here for another
        commune, Nghị định 118/2025), whose name is kept on the dossier (``transferred_to``, the register's filter
        «Đã chuyển đơn vị khác») and in the step's reason. Apologies and corrections have their own methods.
        """
        if event in (EventKind.RECEIVED, EventKind.APOLOGISED, EventKind.CORRECTED):
            raise ValueError(f"{event} is recorded by register(), apologise() or correct()")
        now = self._now()
        reason = clean_lines(reason)  # a supplement's requirements, a refusal's reasons: one a line, listed
        calendar = load_calendar(self.db) if event in (
            EventKind.SUPPLEMENT_REQUESTED, EventKind.SUPPLEMENT_RECEIVED) else None
        with writing(self.db):
            row = self._locked(code)
            current = DossierStatus(row["status"])
            target = next_status(current, event)
            if target is None:
                raise self._refuse(event, current)
            errors: dict[str, str] = {}
            moment = self._moment(event, at, now, row, errors)
            if event in _REASON_REQUIRED and not reason:
                errors["reason"] = _(_REASON_REQUIRED[event])
            expected_outcome = {EventKind.RESULT_READY: Outcome.GRANTED, EventKind.REFUSED: Outcome.REFUSED}.get(event)
            if outcome is not None and outcome != expected_outcome:
                errors["outcome"] = _("Kết quả «{outcome}» không phù hợp với thao tác {action}.").format(
                    outcome=Outcome(outcome).label, action=action_name(event))
            if new_due_at is not None and event is not EventKind.SUPPLEMENT_RECEIVED:
                errors["new_due_at"] = _(
                    "Chỉ đặt lại ngày hẹn trả khi nhận hồ sơ bổ sung; hồ sơ sắp trễ hoặc đã trễ hạn thì lập phiếu "
                    "xin lỗi và hẹn lại ngày trả.")
            unit = _unit_name(transferred_to, "transferred_to", errors, what=_("Tên đơn vị nhận hồ sơ"),
                              limit=UNIT_LENGTH)
            if unit is not None and event is not EventKind.TRANSFERRED:
                errors["transferred_to"] = _("Chỉ ghi đơn vị nhận hồ sơ khi chuyển xử lý.")
            due_before = datetime.fromisoformat(row["due_at"])
            due_after = due_before
            changes: dict[str, object] = {"status": target.value}
            data: dict[str, object] = {}
            explanation = ""
            if unit is not None:
                changes["transferred_to"] = unit
                reason = _("Chuyển {unit} giải quyết").format(unit=unit) + (f". {reason}" if reason else "")
            if event is EventKind.SUPPLEMENT_REQUESTED:
                assert calendar is not None
                data["remaining_seconds"] = working_seconds_between(calendar, moment, due_before)
            elif event is EventKind.SUPPLEMENT_RECEIVED:
                assert calendar is not None
                due_after, explanation, data = self._resumed_due(row, calendar, moment)
                if new_due_at is not None:
                    manual = _minute(new_due_at)
                    if manual < moment:
                        errors["new_due_at"] = _(
                            "Ngày hẹn trả mới không được trước thời điểm nhận hồ sơ bổ sung.")
                    data["computed_due_at"] = _iso(due_after)
                    due_after = manual
                    explanation = _("Ngày hẹn trả đặt lại khi nhận hồ sơ bổ sung: {at}.").format(at=date_time(manual))
                data["explanation"] = explanation
                changes["due_at"] = _iso(due_after)
            elif event is EventKind.RESULT_READY:
                changes.update(resolved_at=_iso(moment), outcome=Outcome.GRANTED.value)
            elif event is EventKind.REFUSED:
                changes.update(resolved_at=_iso(moment), outcome=Outcome.REFUSED.value)
            elif event is EventKind.RETURNED:
                changes["returned_at"] = _iso(moment)
            elif event is EventKind.WITHDRAWN:
                changes["withdrawn_at"] = _iso(moment)
            if errors:
                raise ValidationError(errors)
            # What an undo puts back, and from when its few minutes count (a step dated back on paper included).
            data.update(before={key: row[key] for key in changes}, recorded_at=now.isoformat(timespec="seconds"))
            queries.update_dossier(self.db, row["id"], changes)
            event_id = queries.insert_event(self.db, {
                "dossier_id": row["id"], "kind": event.value, "at": _iso(moment), "user_id": self.user_id,
                "from_status": current.value, "to_status": target.value, "reason": reason or None,
                "due_before": _iso(due_before),
                "due_after": _iso(due_after) if due_after != due_before else None, "data": _json(data),
            })
        log.info("dossier %s: %s → %s", row["code"], current.value, target.value)
        return Transitioned(
            dossier_id=row["id"], code=row["code"], event_id=event_id, event=event, from_status=current,
            to_status=target, at=moment, due_before=due_before, due_at=due_after, explanation=explanation,
        )

    def undo_offer(self, code: str) -> UndoOffer | None:
        """The dossier's last step if the account signed in may still undo it now (``undo``), else None."""
        row = queries.dossier_by_code(self.db, clean(code))
        if row is None:
            return None
        step = queries.last_step(self.db, row["id"])
        if step is None or self._undo_problem(step) is not None:
            return None
        at = datetime.fromisoformat(step["at"])
        return UndoOffer(event=EventKind(step["kind"]), at=at, until=_recorded_at(step) + UNDO_WINDOW)

    @requires(Permission.DOSSIERS)
    def undo(self, code: str) -> Transitioned:
        """Undo the dossier's last step, within ``UNDO_WINDOW`` of it and by whoever recorded it: the dossier's
        fields go back to what they were before it and an 'undone' event naming it is appended (the history stays
        append-only; the figures read it without both, ``dossier_history``). ValidationError («undo») says why
        not: nothing to undo, too late, someone else's step, a numbered paper issued for it."""
        with writing(self.db):
            row = self._locked(code)
            step = queries.last_step(self.db, row["id"])
            if step is None:
                raise ValidationError({"undo": _("Hồ sơ chưa có bước nào để hoàn tác.")})
            problem = self._undo_problem(step)
            if problem is not None:
                raise ValidationError({"undo": problem})
            event = EventKind(step["kind"])
            before = json.loads(step["data"])["before"]
            current = DossierStatus(row["status"])
            restored = DossierStatus(before.get("status", step["from_status"]))
            due_now = datetime.fromisoformat(row["due_at"])
            queries.update_dossier(self.db, row["id"], before)
            due_then = datetime.fromisoformat(before.get("due_at", row["due_at"]))
            moment = _minute(self._now())
            event_id = queries.insert_event(self.db, {
                "dossier_id": row["id"], "kind": EventKind.UNDONE.value, "at": _iso(moment), "user_id": self.user_id,
                "from_status": current.value, "to_status": restored.value,
                "reason": _("Hoàn tác bước «{step}» ghi lúc {at}").format(
                    step=event.label, at=date_time(datetime.fromisoformat(step["at"]))),
                "due_before": _iso(due_now), "due_after": _iso(due_then) if due_then != due_now else None,
                "data": None, "undoes": step["id"],
            })
        log.info("dossier %s: %s undone (%s → %s)", row["code"], event.value, current.value, restored.value)
        return Transitioned(dossier_id=row["id"], code=row["code"], event_id=event_id, event=EventKind.UNDONE,
                            from_status=current, to_status=restored, at=moment, due_before=due_now, due_at=due_then)

    def _undo_problem(self, step: Mapping[str, Any]) -> str | None:
        """Why the account signed in may not undo ``step`` now (None: it may)."""
        event = EventKind(step["kind"])
        data = json.loads(step["data"]) if step["data"] else {}
        if event is EventKind.RECEIVED:
            return _("Hồ sơ chưa có bước nào sau tiếp nhận để hoàn tác (hồ sơ nhận nhầm thì ghi rút hồ sơ hoặc sửa "
                     "thông tin).")
        if "before" not in data or "recorded_at" not in data:
            return _("Bước «{step}» được ghi trước khi có chức năng hoàn tác.").format(step=event.label)
        if self._now() > _recorded_at(step) + UNDO_WINDOW:
            return _("Đã quá {n} phút kể từ khi ghi bước «{step}»: không hoàn tác được nữa.").format(
                n=UNDO_MINUTES, step=event.label)
        if step["user_id"] != self.user_id:
            return _("Chỉ người đã ghi bước «{step}» mới hoàn tác được.").format(step=event.label)
        for printed in queries.printed_since(self.db, step["dossier_id"], step["id"]):
            paper = json.loads(printed) if printed else {}
            kind = next((k for k in PaperKind if k.value == paper.get("kind")), None)
            if kind is not None and STEP_OF_PAPER.get(kind) is event:
                number = _(" số {number}").format(number=paper["number"]) if paper.get("number") else ""
                return _("Đã in {paper}{number} cho bước «{step}»: không hoàn tác được.").format(
                    paper=kind.label, number=number, step=event.label)
        return None

    def _resumed_due(
        self, row: Mapping[str, Any], calendar: WorkCalendar, back: datetime,
    ) -> tuple[datetime, str, dict[str, object]]:
        """(new appointment, reasoning, event data) when the supplement is received at ``back``, by the procedure's
        rule (``domain.supplements.resumed_due``: restart, or pause from what was left at the request)."""
        request = queries.last_event(self.db, row["id"], EventKind.SUPPLEMENT_REQUESTED.value)
        asked = json.loads(request["data"]) if request and request["data"] else {}
        resumed = resumed_due(
            calendar, rule=SupplementRule(row["supplement_rule"]), limit=row["time_limit"],
            unit=TimeLimitUnit(row["time_limit_unit"]),
            cutoff=time.fromisoformat(row["afternoon_cutoff"]) if row["afternoon_cutoff"] else None, back=back,
            requested_at=_parse(request["at"]) if request else None,
            due_before=_parse(request["due_before"] if request else None) or datetime.fromisoformat(row["due_at"]),
            remaining=asked.get("remaining_seconds"),  # None for a request recorded without it (imported, demo)
        )
        return resumed.at, resumed.explanation, resumed.data

    def may_apologise(self, view: DossierView) -> bool:
        """Whether ``apologise`` would accept a letter for this dossier now (the page offers it only then); a
        2025-set dossier past the letter's deadline also needs the reason it comes late (``apology_late``)."""
        if next_status(view.status, EventKind.APOLOGISED) is None or view.apologies:
            return False
        if form_set_of(view.form_set) is FormSet.TT03_2025:
            return True
        return _late_or_nearly(load_calendar(self.db), self._now(), view.dossier.due_at)

    def apology_late(self, view: DossierView) -> bool:
        """A 2025-set dossier whose apology would now come later than one working day before its appointment."""
        return (form_set_of(view.form_set) is FormSet.TT03_2025
                and not _day_ahead(load_calendar(self.db), self._now(), view.dossier.due_at))

    @requires(Permission.DOSSIERS)
    def apologise(
        self, code: str, *, reason: str, new_due_at: datetime, at: datetime | None = None, late_reason: str = "",
    ) -> Apologised:
        """Issue the apology letter (Mẫu 04) with a new appointment date.

        Allowed while the dossier is open (received, in progress, waiting for a supplement), once per dossier.
        When: a dossier of the 2025 set gets it no later than one working day before its appointment (Thông tư
        03/2025/TT-VPCP); a later one is refused with that rule, unless ``late_reason`` says why it is written
        late anyway (kept in the event). A dossier of the 2018 set gets it once late or due within one working
        day, as then. The new date must be after the current appointment and a moment within office hours of a
        working day.
        ``due_at`` is NOT changed: the dossier is still judged against its original appointment (DOMAIN.md:
        "the dossier still counts as late"); the new date lives in the letter and in the event's
        ``due_after``, and ``DossierView.promised_at`` shows it.
        """
        now = self._now()
        reason = clean(reason)
        calendar = load_calendar(self.db)
        signer = SettingsService(self.db).load().signer_name or None
        with writing(self.db):
            row = self._locked(code)
            current = DossierStatus(row["status"])
            if next_status(current, EventKind.APOLOGISED) is None:
                raise self._refuse(EventKind.APOLOGISED, current)
            due = datetime.fromisoformat(row["due_at"])
            if queries.apologies(self.db, row["id"]):
                raise ValidationError({"event": _(
                    "Hồ sơ đã có phiếu xin lỗi và hẹn lại ngày trả; chỉ được hẹn lại một lần.")})
            errors: dict[str, str] = {}
            moment = self._moment(EventKind.APOLOGISED, at, now, row, errors, after_last_step=False)
            late_reason = clean(late_reason)
            late = False
            if "at" in errors:
                pass
            elif form_set_of(row["form_set"]) is FormSet.TT03_2025:
                late = not _day_ahead(calendar, moment, due)
                if late and not late_reason:
                    errors["late_reason"] = _(
                        "Phiếu xin lỗi phải gửi chậm nhất 01 ngày làm việc trước ngày hẹn trả kết quả (Thông tư "
                        "03/2025/TT-VPCP); hồ sơ này hẹn trả {due}, đã quá hạn lập phiếu. Nếu vẫn phải lập phiếu, "
                        "hãy ghi lý do lập muộn.").format(due=date_time(due))
            elif not _late_or_nearly(calendar, moment, due):
                errors["event"] = _(
                    "Chỉ lập phiếu xin lỗi khi hồ sơ đã trễ hạn hoặc còn không quá 1 ngày làm việc đến hạn "
                    "(hẹn trả: {due}).").format(due=date_time(due))
            if not reason:
                errors["reason"] = _("Hãy ghi rõ lý do chậm trả kết quả.")
            new_due = _minute(new_due_at)
            if new_due <= due:
                errors["new_due_at"] = _("Ngày hẹn trả mới phải sau ngày hẹn trả cũ ({due}).").format(
                    due=date_time(due))
            elif new_due <= moment:
                errors["new_due_at"] = _("Ngày hẹn trả mới phải sau thời điểm lập phiếu xin lỗi.")
            elif not in_office_hours(calendar, new_due):
                errors["new_due_at"] = _("Ngày hẹn trả mới phải là một ngày làm việc, trong giờ làm việc.")
            if errors:
                raise ValidationError(errors)
            letter_id = queries.insert_apology(self.db, {
                "dossier_id": row["id"], "issued_on": moment.date().isoformat(), "reason": reason,
                "old_due_at": row["due_at"], "new_due_at": _iso(new_due), "signer_name": signer,
                "user_id": self.user_id,
            })
            event_id = queries.insert_event(self.db, {
                "dossier_id": row["id"], "kind": EventKind.APOLOGISED.value, "at": _iso(moment),
                "user_id": self.user_id, "from_status": current.value, "to_status": current.value, "reason": reason,
                "due_before": row["due_at"], "due_after": _iso(new_due),
                "data": _json({"letter_id": letter_id, **({"late_reason": late_reason} if late else {})}),
            })
        log.info("dossier %s: apology letter %s", row["code"], letter_id)
        return Apologised(dossier_id=row["id"], code=row["code"], letter_id=letter_id, event_id=event_id,
                          original_due_at=due, new_due_at=new_due)

    @requires(Permission.DOSSIERS)
    def correct(self, code: str, *, changes: Mapping[str, object], reason: str) -> Corrected:
        """Correct applicant fields after the receipt was printed (``CORRECTABLE``); a reason is required.

        The same rules as at reception apply. The event keeps the values before and after; the printed
        receipt (Mẫu 01) still valid is marked void so that a new version is printed.
        """
        now = _minute(self._now())
        reason = clean(reason)
        with writing(self.db):
            row = self._locked(code)
            current = DossierStatus(row["status"])
            if next_status(current, EventKind.CORRECTED) is None:
                raise self._refuse(EventKind.CORRECTED, current)
            errors: dict[str, str] = {}
            for name in changes:
                if name not in CORRECTABLE:
                    errors[name] = _("Không sửa được trường «{name}» bằng thao tác sửa thông tin.").format(name=name)
            cleaned = _clean_fields({k: v for k, v in changes.items() if k in CORRECTABLE}, errors)
            if not reason:
                errors["reason"] = _("Hãy ghi rõ lý do sửa thông tin.")
            after = {name: value for name, value in cleaned.items() if value != row[name]}
            if not after and not errors:
                errors["changes"] = _("Không có thông tin nào thay đổi.")
            if errors:
                raise ValidationError(errors)
            before = {name: row[name] for name in after}
            update = dict(after)
            if "applicant_name" in after:
                update["applicant_folded"] = fold(str(after["applicant_name"]))
            queries.update_dossier(self.db, row["id"], update)
            voided = queries.void_forms(self.db, row["id"], RECEIPT_FORM, _iso(now), reason)
            event_id = queries.insert_event(self.db, {
                "dossier_id": row["id"], "kind": EventKind.CORRECTED.value, "at": _iso(now), "user_id": self.user_id,
                "from_status": current.value, "to_status": current.value, "reason": reason,
                "due_before": row["due_at"], "due_after": None,
                "data": _json({"before": before, "after": after, "voided_forms": voided}),
            })
        log.info("dossier %s corrected: %s", row["code"], ", ".join(sorted(after)))
        return Corrected(dossier_id=row["id"], code=row["code"], event_id=event_id, changed=tuple(after),
                         voided_forms=voided)

    @requires(Permission.DOSSIERS)
    def record_fee(self, code: str, payment: FeePayment | None) -> FeeRecorded:
        """Record the fee collected for the dossier (``payment``: the amount, the receipt's number, paid at the desk
        or online, or exempted with the reason), or clear what was recorded (None). Any status: the fee may be
        paid at reception or when the result is taken. ValidationError (``fee_amount``, ``fee_exempt_reason``,
        ``fee_receipt``, ``fee_method``) says every problem and nothing is written. The step is noted in the
        dossier's history («Ghi chú»: who, when, what) and the change is in the audit trail; an amount that
        differs from the catalogue's fee is recorded and told (``FeeRecorded.note``)."""
        now = _minute(self._now())
        with writing(self.db):
            row = self._locked(code)
            errors: dict[str, str] = {}
            values = _fee_values(payment, errors)
            if errors:
                raise ValidationError(errors)
            before = {key: row[key] for key in queries.FEE_COLUMNS}
            if values == before:
                raise ValidationError({"fee": _("Thông tin phí, lệ phí không thay đổi.")})
            stored = payment.cleaned() if payment is not None else None
            queries.update_dossier(self.db, row["id"], values)
            status = row["status"]
            queries.insert_event(self.db, {
                "dossier_id": row["id"], "kind": EventKind.NOTE.value, "at": _iso(now), "user_id": self.user_id,
                "from_status": status, "to_status": status,
                "reason": _("Phí, lệ phí: {payment}").format(payment=payment_text(stored)) if stored
                else _("Phí, lệ phí: bỏ thông tin đã ghi"),
                "due_before": row["due_at"], "due_after": None,
                "data": _json({"fee": {"before": before, "after": values}}),
            })
        log.info("dossier %s: fee %s", row["code"], values["fee_method"] or "cleared")
        note = amount_note(row["fee_amount"], stored) if stored is not None else None
        return FeeRecorded(dossier_id=row["id"], code=row["code"], payment=stored, note=note)

    def home_communes(self, *, limit: int = 50) -> list[str]:
        """The communes other communes' residents came from lately, the most frequent first (the form's
        completion)."""
        return queries.recent_home_communes(self.db, recent=5000, limit=limit)

    # -- reading -----------------------------------------------------------------------------------------

    def get(self, code: str) -> DossierView:
        """The dossier with its procedure, documents, history (oldest first) and apology letters."""
        row = dossier_row(self.db, code)
        documents = tuple(
            DossierDocument(name=doc["name"], kind=DocumentKind(doc["kind"]), count=doc["count"])
            for doc in queries.documents(self.db, row["id"])
        )
        dossier = Dossier(
            id=row["id"], code=row["code"], procedure_id=row["procedure_id"], applicant_name=row["applicant_name"],
            channel=Channel(row["channel"]), received_at=datetime.fromisoformat(row["received_at"]),
            due_at=datetime.fromisoformat(row["due_at"]), status=DossierStatus(row["status"]),
            applicant_id=row["applicant_id"], phone=row["phone"], address=row["address"], email=row["email"],
            sets=row["sets"], received_by=row["received_by"], handling_unit=row["handling_unit"],
            resolved_at=_parse(row["resolved_at"]), returned_at=_parse(row["returned_at"]),
            outcome=Outcome(row["outcome"]) if row["outcome"] else None, withdrawn_at=_parse(row["withdrawn_at"]),
            digitized=bool(row["digitized"]), fee=row["fee"], note=row["note"], documents=documents,
            result_delivery=ResultDelivery(row["result_delivery"]) if row["result_delivery"] else None,
            proxy=Proxy.from_json(row["proxy"]),
            fee_payment=FeePayment.of_row(row["fee_method"], row["fee_paid"], row["fee_receipt"],
                                          row["fee_exempt_reason"]),
            home_commune=row["home_commune"], transferred_to=row["transferred_to"],
        )
        procedure = _procedure({
            **row, "id": row["procedure_id"], "code": row["procedure_code"], "name": row["procedure_name"]})
        rows = queries.events(self.db, row["id"])
        undone = {event["undoes"] for event in rows if event["undoes"] is not None}
        events = tuple(
            TimelineEntry(
                id=event["id"], kind=EventKind(event["kind"]), at=datetime.fromisoformat(event["at"]),
                user_id=event["user_id"], user_name=event["user_name"],
                from_status=DossierStatus(event["from_status"]) if event["from_status"] else None,
                to_status=DossierStatus(event["to_status"]) if event["to_status"] else None,
                reason=event["reason"], due_before=_parse(event["due_before"]), due_after=_parse(event["due_after"]),
                data=json.loads(event["data"]) if event["data"] else {},
                undoes=event["undoes"], undone=event["id"] in undone,
            )
            for event in rows
        )
        letters = tuple(
            ApologyLetter(
                id=letter["id"], dossier_id=row["id"], issued_on=date.fromisoformat(letter["issued_on"]),
                reason=letter["reason"], old_due_at=datetime.fromisoformat(letter["old_due_at"]),
                new_due_at=datetime.fromisoformat(letter["new_due_at"]), signer_name=letter["signer_name"],
            )
            for letter in queries.apologies(self.db, row["id"])
        )
        return DossierView(
            dossier=dossier, procedure=procedure, form_set=row["form_set"], received_by_name=row["received_by_name"],
            events=events, apologies=letters, ledger=ledger_place(self.db, row["ledger_book"], row["ledger_line"]),
        )
