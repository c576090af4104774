"""PrintingService: a dossier's papers as PDF, in the set of forms the dossier was received under.

A paper is asked for by its kind (``domain.papers.PaperKind``) or by its number in the dossier's own set
(``kind_for_number``): the 2018 set (Thông tư 01/2018) for the dossiers received under it, reprinted as they
were, the 2025 set (Thông tư 03/2025) for the others, whose numbered papers take their «Số» from the desk's
yearly books when first printed and keep it on every reprint. Each print is recorded: the receipt's version in
``dossier_form`` (a new version after a correction voided the old one, marked "BẢN THAY THẾ") and a ``printed``
event in the dossier's history.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from cchc_desktop.domain.dossiers import STEP_OF_PAPER, DossierStatus, EventKind, Timeliness, timeliness
from cchc_desktop.domain.papers import (
    BOOKS,
    FormSet,
    PaperKind,
    ResultDelivery,
    form_number,
    form_set_for,
    form_set_of,
    kind_of_number,
    paper_number,
)
from cchc_desktop.domain.unit import DESK_2018, UnitSettings
from cchc_desktop.domain.users import Permission
from cchc_desktop.errors import ValidationError
from cchc_desktop.files import write_atomically
from cchc_desktop.i18n import _
from cchc_desktop.lazy import lazy_import
from cchc_desktop.services.reception import DossierView, ReceptionService, TimelineEntry
from cchc_desktop.services.sessions import ActsForSession, requires
from cchc_desktop.services.settings import SettingsService
from cchc_desktop.text import fold
from db.errors import writing
from db.handle import Database
from db.queries import dossiers as queries
from db.queries import papers as books
from db.queries import transfer

# The PDF builders (reportlab) load when the first paper is printed, not at start-up.
forms = lazy_import("cchc_desktop.reports.forms")
if TYPE_CHECKING:  # (the types only: the modules themselves load when a paper is printed)
    from cchc_desktop.reports.forms import Applicant
    from cchc_desktop.reports.tracking import ControlSheet, LedgerBook, LedgerRow
forms_2025 = lazy_import("cchc_desktop.reports.forms_2025")
tracking = lazy_import("cchc_desktop.reports.tracking")

RECEIPT_FORM = "01"  # dossier_form.form of a receipt (its versions), whatever the set

# Who holds the dossier after each step, for the control sheet: (gives, takes, whose side recorded the step).
APPLICANT, DESK, HANDLER = "applicant", "desk", "handler"
GIVER, TAKER = 0, 1
HAND_OVERS = {
    EventKind.RECEIVED: (APPLICANT, DESK, TAKER),
    EventKind.TRANSFERRED: (DESK, HANDLER, GIVER),
    EventKind.SUPPLEMENT_REQUESTED: (HANDLER, APPLICANT, GIVER),
    EventKind.SUPPLEMENT_RECEIVED: (APPLICANT, HANDLER, TAKER),
    EventKind.RESULT_READY: (HANDLER, DESK, TAKER),
    EventKind.REFUSED: (HANDLER, DESK, TAKER),
    EventKind.RETURNED: (DESK, APPLICANT, GIVER),
    EventKind.WITHDRAWN: (DESK, APPLICANT, GIVER),
}
LATE_2025 = "Quá hạn"  # the 2025 control sheet's word for a late result (the 2018 sheet said «Trễ hạn»)

# What a paper needs in the dossier's history before it can be printed, and what is said when it is missing.
NEEDS = {kind: (STEP_OF_PAPER[kind], message) for kind, message in (
    (PaperKind.SUPPLEMENT, "Hồ sơ {code} chưa có yêu cầu bổ sung."),
    (PaperKind.REFUSAL_NOTICE, "Hồ sơ {code} không bị từ chối giải quyết."),
    (PaperKind.STOP, "Hồ sơ {code} chưa rút (chưa dừng giải quyết)."),
)}


@dataclass(frozen=True)
class Printed:
    code: str
    kind: PaperKind
    form_set: FormSet
    version: int
    pdf: bytes
    number: str = ""  # «Số: …» of a numbered paper of the 2025 set

    @property
    def form(self) -> str | None:
        """The paper's Mẫu number in its set (None: the unit's own letter, no form of the set)."""
        return form_number(self.kind, self.form_set)

    @property
    def title(self) -> str:
        number = self.form
        return _("Mẫu {form}").format(form=number) if number else self.kind.label


def _applicant(view: DossierView) -> Applicant:
    dossier = view.dossier
    return forms.Applicant(name=dossier.applicant_name, address=dossier.address or "", phone=dossier.phone or "",
                           email=dossier.email or "", id_number=dossier.applicant_id or "")


def _procedure(view: DossierView) -> str:
    return f"{view.procedure.name} ({view.procedure.code})"


def _last(view: DossierView, kind: EventKind) -> TimelineEntry | None:
    return next((entry for entry in reversed(view.history) if entry.kind is kind), None)


def reasons_of(text: str) -> tuple[str, ...]:
    """A reason typed on several lines as its items (the papers list them)."""
    return tuple(line.strip() for line in text.splitlines() if line.strip()) or ((text.strip(),) if text else ())


def lookup_address(unit: UnitSettings, code: str) -> str:
    """The province's lookup page of the dossier (the receipt's QR), or the code when none is set."""
    return unit.lookup_url.replace("{code}", quote(code, safe="")) if unit.lookup_url.strip() else code


class PrintingService(ActsForSession):
    def __init__(self, db: Database, *, clock: Callable[[], datetime] = datetime.now,
                 user_id: int | None = None) -> None:
        self.db = db
        self.clock = clock
        self.user_id = user_id
        self.reception = ReceptionService(db, clock=clock, user_id=user_id)

    # -- which paper -------------------------------------------------------------------------------------

    def kind_for_number(self, code: str, number: str) -> PaperKind:
        """The kind Mẫu ``number`` is in the dossier's own set (``cchc receipt --form 05``)."""
        form_set = form_set_of(self.reception.get(code).form_set)
        kind = kind_of_number(number, form_set)
        if kind is None or kind is PaperKind.LEDGER:
            raise ValidationError({"form": _("Bộ biểu mẫu {set} của hồ sơ {code} không có Mẫu {number} in cho một hồ "
                                             "sơ.").format(set=form_set.label, code=code, number=number.strip())})
        return kind

    def papers(self, view: DossierView) -> list[PaperKind]:
        """The papers this dossier has now, in the order of its life (the page's print buttons)."""
        form_set = form_set_of(view.form_set)
        kinds = {entry.kind for entry in view.history}
        out = [PaperKind.RECEIPT]
        for kind in (PaperKind.SUPPLEMENT, PaperKind.REFUSAL_NOTICE, PaperKind.STOP):
            needed, _message = NEEDS[kind]
            if needed in kinds and (kind is PaperKind.REFUSAL_NOTICE or form_number(kind, form_set)):
                out.append(kind)
        if view.apologies:
            out.append(PaperKind.APOLOGY)
        out.append(PaperKind.CONTROL)
        return out

    def _resolve(self, view: DossierView, kind: PaperKind, form_set: FormSet) -> PaperKind:
        if kind is PaperKind.REFUSAL:  # Mẫu 03 is the desk's refusal to receive; a dossier's is the unit's letter
            kind = PaperKind.REFUSAL_NOTICE
        if kind is PaperKind.LEDGER:
            raise ValidationError({"form": _("Sổ theo dõi hồ sơ in theo khoảng thời gian (cchc ledger), không theo "
                                             "một hồ sơ.")})
        if kind is not PaperKind.REFUSAL_NOTICE and form_number(kind, form_set) is None:
            raise ValidationError({"form": _("Hồ sơ {code} được tiếp nhận theo {set}, bộ biểu mẫu này không có "
                                             "«{paper}».").format(code=view.code, set=form_set.label,
                                                                  paper=kind.label)})
        if kind in NEEDS and _last(view, NEEDS[kind][0]) is None:
            raise ValidationError({"form": _(NEEDS[kind][1]).format(code=view.code)})
        if kind is PaperKind.APOLOGY and not view.apologies:
            raise ValidationError({"form": _("Hồ sơ {code} chưa có phiếu xin lỗi.").format(code=view.code)})
        return kind

    # -- printing ----------------------------------------------------------------------------------------

    @requires(Permission.DOSSIERS)
    def print_paper(self, code: str, kind: PaperKind, target: Path | None = None) -> Printed:
        """Build the paper's PDF in the dossier's set (written to ``target`` when given) and record the print:
        its number from the desk's book when first printed (2025 set), the receipt's version, the event. One
        transaction; ``kind`` «refusal» of a dossier is the unit's refusal letter."""
        unit = SettingsService(self.db).load()
        now = self.clock().replace(second=0, microsecond=0, tzinfo=None)
        with writing(self.db):
            view = self.reception.get(code)
            form_set = form_set_of(view.form_set)
            kind = self._resolve(view, kind, form_set)
            number = self._number(view, kind, form_set, unit, now)
            version = 1
            if kind is PaperKind.RECEIPT:
                last = queries.last_form(self.db, view.dossier.id, RECEIPT_FORM)
                version = 1 if last is None else last["version"] + (1 if last["voided_at"] else 0)
                if last is None or last["voided_at"]:
                    queries.insert_form(self.db, dossier_id=view.dossier.id, form=RECEIPT_FORM, version=version,
                                        issued_at=now.isoformat(timespec="minutes"), user_id=self.user_id)
                pdf = self._receipt_pdf(view, version, last, unit, form_set, number)
            else:
                pdf = self._pdf(view, kind, unit, form_set, number)
            printed = Printed(code=view.code, kind=kind, form_set=form_set, version=version, pdf=pdf, number=number)
            queries.insert_event(self.db, {
                "dossier_id": view.dossier.id, "kind": EventKind.PRINTED.value,
                "at": now.isoformat(timespec="minutes"), "user_id": self.user_id,
                "from_status": view.status.value, "to_status": view.status.value,
                "reason": _("In {paper}").format(paper=printed.title),
                "due_before": None, "due_after": None,
                "data": json.dumps({"form": printed.form, "kind": kind.value, "set": form_set.value,
                                    "version": version, "number": number or None}, ensure_ascii=False),
            })
            if target is not None:
                write_atomically(Path(target), pdf)
        return printed

    def _number(self, view: DossierView, kind: PaperKind, form_set: FormSet, unit: UnitSettings,
                now: datetime) -> str:
        """«07/TN-TTPVHCC»: the paper's number in its book (2025 set), taken when first printed; "" otherwise."""
        if form_set is not FormSet.TT03_2025 or kind not in BOOKS:
            return ""
        ref = 0
        if kind is PaperKind.SUPPLEMENT:
            entry = _last(view, EventKind.SUPPLEMENT_REQUESTED)
            ref = entry.id if entry else 0
        elif kind is PaperKind.APOLOGY:
            ref = view.apologies[-1].id
        number, _year = books.paper_number(self.db, kind=kind.value, book=BOOKS[kind], dossier_id=view.dossier.id,
                                           ref=ref, issued_at=now.isoformat(timespec="minutes"),
                                           user_id=self.user_id)
        return paper_number(kind, number, unit.desk_code)

    def _receipt_pdf(self, view: DossierView, version: int, last: dict | None, unit: UnitSettings,
                     form_set: FormSet, number: str) -> bytes:
        dossier = view.dossier
        place = view.ledger
        common = {
            "code": dossier.code, "applicant": _applicant(view), "procedure": _procedure(view),
            "received_at": dossier.received_at, "due_at": dossier.due_at, "time_limit": view.procedure.time_limit,
            "time_limit_unit": view.procedure.time_limit_unit, "documents": dossier.documents, "sets": dossier.sets,
            "received_by": view.received_by_name or "", "version": version,
            "void_reason": (last or {}).get("void_reason") or "" if version > 1 else "",
            "ledger_book": f"{place.number:02d}/{place.year}" if place else "",
            "ledger_line": str(place.line) if place else "",
        }
        delivery = dossier.result_delivery
        if form_set is FormSet.TT01_2018:  # the desk's own name when taken there, as this receipt always said
            where = "" if delivery in (None, ResultDelivery.DESK) else delivery.label
            return forms.receipt_pdf(forms.ReceiptForm(**common, result_place=where), unit)
        return forms_2025.receipt_pdf(forms.ReceiptForm(
            **common, number=number, desk=unit.desk, proxy=dossier.proxy,
            result_place=delivery.place(unit.desk) if delivery else "", qr_value=lookup_address(unit, dossier.code),
        ), unit)

    def _pdf(self, view: DossierView, kind: PaperKind, unit: UnitSettings, form_set: FormSet, number: str) -> bytes:
        new = form_set is FormSet.TT03_2025
        if kind is PaperKind.SUPPLEMENT:
            entry = _last(view, EventKind.SUPPLEMENT_REQUESTED)
            assert entry is not None
            extra = {"number": number, "desk": unit.desk, "contact_name": unit.desk_contact_name,
                     "contact_phone": unit.desk_contact_phone, "guide_name": entry.user_name or ""} if new else {}
            return forms.supplement_request_pdf(forms.SupplementRequestForm(
                applicant=_applicant(view), procedure=_procedure(view), issued_at=entry.at,
                requirements=reasons_of(entry.reason or ""), code=view.code, **extra), unit)
        if kind is PaperKind.CONTROL:
            sheet = self._control_sheet(view, unit, form_set, number)
            return (tracking.control_sheet_2025_pdf if new else tracking.control_sheet_pdf)(sheet, unit)
        if kind is PaperKind.REFUSAL_NOTICE:
            entry = _last(view, EventKind.REFUSED)
            assert entry is not None
            return forms_2025.refusal_notice_pdf(forms_2025.RefusalNoticeForm(
                code=view.code, applicant=_applicant(view), procedure=_procedure(view),
                received_at=view.dossier.received_at, refused_at=entry.at, reasons=reasons_of(entry.reason or "")),
                unit)
        if kind is PaperKind.STOP:
            entry = _last(view, EventKind.WITHDRAWN)
            assert entry is not None
            return forms_2025.stop_notice_pdf(forms_2025.StopNoticeForm(
                code=view.code, applicant=_applicant(view), procedure=_procedure(view),
                received_at=view.dossier.received_at, stopped_at=entry.at, reason=entry.reason or "",
                number=number), unit)
        letter = view.apologies[-1]
        if new:
            return forms_2025.apology_pdf(forms.ApologyForm(
                code=view.code, applicant=_applicant(view), procedure=_procedure(view),
                received_at=view.dossier.received_at, old_due_at=letter.old_due_at, new_due_at=letter.new_due_at,
                reason=letter.reason, issued_on=letter.issued_on, number=number), unit)
        return forms.apology_pdf(forms.ApologyForm(
            code=view.code, applicant=_applicant(view), procedure=_procedure(view),
            received_at=view.dossier.received_at, old_due_at=letter.old_due_at, new_due_at=letter.new_due_at,
            reason=letter.reason, issued_on=letter.issued_on), unit)

    def _control_sheet(self, view: DossierView, unit: UnitSettings, form_set: FormSet,
                       number: str) -> ControlSheet:
        """Each hand-over with its two sides, the person of each where known (the officer who recorded the step
        on the side that did it, the citizen on theirs), and the result against the appointment."""
        dossier = view.dossier
        new = form_set is FormSet.TT03_2025
        handler = dossier.handling_unit or _("Cơ quan, bộ phận giải quyết")
        sides = {APPLICANT: _("Người nộp hồ sơ"), DESK: unit.desk if new else _(DESK_2018), HANDLER: handler}
        steps = []
        for entry in view.history:
            if entry.kind not in HAND_OVERS:
                continue
            gives, takes, recorder = HAND_OVERS[entry.kind]
            people = ["", ""]
            people[recorder] = entry.user_name or ""
            people[1 - recorder] = dossier.applicant_name if APPLICANT in (gives, takes) else ""
            result = ""
            if entry.kind in (EventKind.RESULT_READY, EventKind.REFUSED):
                found = timeliness(entry.at, dossier.due_at)
                result = _(LATE_2025) if new and found is Timeliness.LATE else found.label
            steps.append(tracking.ControlStep(handed_by=sides[gives], received_by=sides[takes], at=entry.at,
                                              result=result, note=entry.reason or "", giver=people[0],
                                              taker=people[1]))
        return tracking.ControlSheet(
            code=dossier.code, applicant=dossier.applicant_name, procedure=_procedure(view),
            received_at=dossier.received_at, due_at=dossier.due_at, handling_unit=handler, steps=tuple(steps),
            number=number,
        )

    # -- the ledger --------------------------------------------------------------------------------------

    def ledger(self, *, first: date, last: date, fields: Sequence[str] = (), target: Path | None = None) -> bytes:
        """The ledger of the dossiers received from ``first`` to ``last`` (inclusive), of the given fields (all
        when none): Mẫu 07, one book per field, when the 2025 set was in force on ``first`` and the unit uses it;
        else Mẫu 06 of the 2018 set over the whole period."""
        if last < first:
            raise ValidationError({"period": _("Ngày kết thúc phải sau ngày bắt đầu.")})
        known = {fold(name): (field_id, name) for field_id, name in transfer.field_ids(self.db)}
        wanted = [name for name in fields if name.strip()]
        missing = [name for name in wanted if fold(name) not in known]
        if missing:
            raise ValidationError({"field": _("Không có lĩnh vực «{names}» trong danh mục. Các lĩnh vực: {known}.")
                                   .format(names="», «".join(missing),
                                           known=", ".join(name for _id, name in known.values()))})
        field_ids = [known[fold(name)][0] for name in wanted]
        rows = queries.ledger(self.db, received_from=first.isoformat(),
                              received_before=(last + timedelta(days=1)).isoformat(), field_ids=field_ids)
        unit = SettingsService(self.db).load()
        out = str(target) if target else None
        if form_set_for(first, unit.form_set) is FormSet.TT01_2018:
            lines = [self._ledger_row(row, number) for number, row in enumerate(rows, start=1)]
            return tracking.ledger_pdf(lines, unit, first=first, last=last, target=out)
        return tracking.ledger_2025_pdf(self._books(rows, unit), unit, first=first, last=last, target=out)

    @staticmethod
    def _ledger_row(row: dict, number: int | None) -> LedgerRow:
        moment = datetime.fromisoformat
        delivery = row["result_delivery"]
        return tracking.LedgerRow(
            number=number, code=row["code"], procedure=row["procedure_name"], sets=row["sets"],
            applicant=row["applicant_name"],
            address_phone=", ".join(part for part in (row["address"], row["phone"]) if part),
            handling_unit=row["handling_unit"] or "", received_at=moment(row["received_at"]),
            due_at=moment(row["due_at"]),
            transferred_at=moment(row["transferred_at"]) if row["transferred_at"] else None,
            result_at=moment(row["resolved_at"]) if row["resolved_at"] else None,
            returned_at=moment(row["returned_at"]) if row["returned_at"] else None,
            note=DossierStatus(row["status"]).label if row["status"] in ("withdrawn", "refused") else "",
            delivery=_delivery_label(delivery),
        )

    def _books(self, rows: list[dict], unit: UnitSettings) -> list[LedgerBook]:
        """The period's rows by book (year and field), in the order of the books' numbers; a field's dossiers
        received before the books were kept come after, in their own section."""
        grouped: dict[tuple[int, int | None], list[dict]] = {}
        for row in rows:
            grouped.setdefault((row["field_id"], row["ledger_book"]), []).append(row)
        known = {book_id: place for book_id, place in (
            (book_id, books.ledger_place(self.db, book_id, 1)) for _field, book_id in grouped if book_id is not None)}
        out = []
        for (_field_id, book_id), members in grouped.items():
            place = known.get(book_id) if book_id is not None else None
            members.sort(key=lambda row: (row["ledger_line"] or 0, row["received_at"]))
            out.append(tracking.LedgerBook(
                field=members[0]["field_name"], year=place.year if place else int(members[0]["received_at"][:4]),
                number=place.number if place else None,
                paper_number=paper_number(PaperKind.LEDGER, place.number if place else None, unit.desk_code),
                rows=tuple(self._ledger_row(row, row["ledger_line"]) for row in members)))
        out.sort(key=lambda book: (book.number is None, book.year, book.number or 0, book.field))
        return out


def _delivery_label(value: str | None) -> str:
    return ResultDelivery(value).label if value else ""
