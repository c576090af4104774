"""PrintingService: a dossier's forms as PDF (Mẫu 01 receipt, 02 supplement request, 03 refusal, 04 apology).

Each print is recorded: the receipt's version in ``dossier_form`` (a new version after a correction voided
the old one, marked "BẢN THAY THẾ") and a ``printed`` event in the dossier's history.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from sqlite_utils import Database

from cchc_desktop.domain.dossiers import DossierStatus, EventKind, timeliness
from cchc_desktop.domain.users import Permission
from cchc_desktop.errors import ValidationError
from cchc_desktop.files import write_atomically
from cchc_desktop.i18n import _
from cchc_desktop.lazy import lazy_import
from cchc_desktop.services.reception import DossierView, ReceptionService
from cchc_desktop.services.sessions import requires
from cchc_desktop.services.settings import SettingsService
from db.queries import dossiers as queries

# The PDF builders (reportlab) load when the first paper is printed, not at start-up.
forms = lazy_import("cchc_desktop.reports.forms")
tracking = lazy_import("cchc_desktop.reports.tracking")


class DossierForm(StrEnum):
    RECEIPT = "01"
    SUPPLEMENT_REQUEST = "02"
    REFUSAL = "03"
    APOLOGY = "04"
    CONTROL_SHEET = "05"


# Who holds the dossier after each step, for the control sheet (Mẫu 05): (gives, takes).
DESK = "Bộ phận Tiếp nhận và Trả kết quả"
APPLICANT = "Người nộp hồ sơ"
HANDLER = "Cơ quan, bộ phận giải quyết"
HAND_OVERS = {
    EventKind.RECEIVED: (APPLICANT, DESK),
    EventKind.TRANSFERRED: (DESK, HANDLER),
    EventKind.SUPPLEMENT_REQUESTED: (HANDLER, APPLICANT),
    EventKind.SUPPLEMENT_RECEIVED: (APPLICANT, HANDLER),
    EventKind.RESULT_READY: (HANDLER, DESK),
    EventKind.REFUSED: (HANDLER, DESK),
    EventKind.RETURNED: (DESK, APPLICANT),
    EventKind.WITHDRAWN: (DESK, APPLICANT),
}


@dataclass(frozen=True)
class Printed:
    code: str
    form: DossierForm
    version: int
    pdf: bytes


def _applicant(view: DossierView) -> forms.Applicant:
    dossier = view.dossier
    return forms.Applicant(name=dossier.applicant_name, address=dossier.address or "", phone=dossier.phone or "",
                           email=dossier.email or "")


def _procedure(view: DossierView) -> str:
    return f"{view.procedure.name} ({view.procedure.code})"


def _last_reason(view: DossierView, kind: EventKind) -> tuple[datetime, str] | None:
    for entry in reversed(view.events):
        if entry.kind is kind:
            return entry.at, entry.reason or ""
    return None


class PrintingService:
    def __init__(self, db: Database, *, clock: Callable[[], datetime] = datetime.now,
                 user_id: int | None = None) -> None:
        self.db = db
        self.clock = clock
        self.user_id = user_id
        self.reception = ReceptionService(db, clock=clock, user_id=user_id)

    @requires(Permission.DOSSIERS)
    def print_form(self, code: str, form: DossierForm, target: Path | None = None) -> Printed:
        """Build the form's PDF (written to ``target`` when given) and record the print; one transaction."""
        unit = SettingsService(self.db).load()
        now = self.clock().replace(second=0, microsecond=0)
        with self.db.atomic():
            view = self.reception.get(code)
            version = 1
            if form is DossierForm.RECEIPT:
                last = queries.last_form(self.db, view.dossier.id, form.value)
                version = 1 if last is None else last["version"] + (1 if last["voided_at"] else 0)
                pdf = forms.receipt_pdf(self._receipt(view, version, last), unit)
                if last is None or last["voided_at"]:
                    queries.insert_form(self.db, dossier_id=view.dossier.id, form=form.value, version=version,
                                        issued_at=now.isoformat(timespec="minutes"), user_id=self.user_id)
            elif form is DossierForm.SUPPLEMENT_REQUEST:
                pdf = forms.supplement_request_pdf(self._supplement(view), unit)
            elif form is DossierForm.REFUSAL:
                pdf = forms.refusal_pdf(self._refusal(view), unit)
            elif form is DossierForm.CONTROL_SHEET:
                pdf = tracking.control_sheet_pdf(self._control_sheet(view), unit)
            else:
                pdf = forms.apology_pdf(self._apology(view), unit)
            queries.insert_event(self.db, {
                "dossier_id": view.dossier.id, "kind": EventKind.PRINTED.value,
                "at": now.isoformat(timespec="minutes"), "user_id": self.user_id,
                "from_status": view.status.value, "to_status": view.status.value,
                "reason": _("In Mẫu {form}").format(form=form.value), "due_before": None, "due_after": None,
                "data": json.dumps({"form": form.value, "version": version}),
            })
            if target is not None:
                write_atomically(Path(target), pdf)
        return Printed(code=view.code, form=form, version=version, pdf=pdf)

    def _receipt(self, view: DossierView, version: int, last: dict | None) -> forms.ReceiptForm:
        dossier = view.dossier
        return forms.ReceiptForm(
            code=dossier.code, applicant=_applicant(view), procedure=_procedure(view),
            received_at=dossier.received_at, due_at=dossier.due_at, time_limit=view.procedure.time_limit,
            time_limit_unit=view.procedure.time_limit_unit, documents=dossier.documents, sets=dossier.sets,
            received_by=view.received_by_name or "", version=version,
            void_reason=(last or {}).get("void_reason") or "" if version > 1 else "",
        )

    def _control_sheet(self, view: DossierView) -> tracking.ControlSheet:
        dossier = view.dossier
        steps = []
        for entry in view.events:
            if entry.kind not in HAND_OVERS:
                continue
            gives, takes = HAND_OVERS[entry.kind]
            who = f" ({entry.user_name})" if entry.user_name else ""
            result = ""
            if entry.kind in (EventKind.RESULT_READY, EventKind.REFUSED):
                result = timeliness(entry.at, dossier.due_at).label
            steps.append(tracking.ControlStep(handed_by=_(gives), received_by=_(takes) + who, at=entry.at,
                                              result=result, note=entry.reason or ""))
        return tracking.ControlSheet(
            code=dossier.code, applicant=dossier.applicant_name, procedure=_procedure(view),
            received_at=dossier.received_at, due_at=dossier.due_at,
            handling_unit=dossier.handling_unit or _(HANDLER), steps=tuple(steps),
        )

    def ledger(self, *, first: date, last: date, target: Path | None = None) -> bytes:
        """Mẫu 06, the tracking ledger of the dossiers received from ``first`` to ``last`` (inclusive)."""
        if last < first:
            raise ValidationError({"period": _("Ngày kết thúc phải sau ngày bắt đầu.")})
        rows = queries.ledger(self.db, received_from=first.isoformat(),
                              received_before=(last + timedelta(days=1)).isoformat())
        moment = datetime.fromisoformat
        lines = [
            tracking.LedgerRow(
                number=number, code=row["code"], procedure=row["procedure_name"], sets=row["sets"],
                applicant=row["applicant_name"],
                address_phone=", ".join(part for part in (row["address"], row["phone"]) if part),
                handling_unit=row["handling_unit"] or "", received_at=moment(row["received_at"]),
                due_at=moment(row["due_at"]),
                transferred_at=moment(row["transferred_at"]) if row["transferred_at"] else None,
                result_at=moment(row["resolved_at"]) if row["resolved_at"] else None,
                returned_at=moment(row["returned_at"]) if row["returned_at"] else None,
                note=DossierStatus(row["status"]).label if row["status"] in ("withdrawn", "refused") else "",
            )
            for number, row in enumerate(rows, start=1)
        ]
        return tracking.ledger_pdf(lines, SettingsService(self.db).load(), first=first, last=last,
                                   target=str(target) if target else None)

    def _supplement(self, view: DossierView) -> forms.SupplementRequestForm:
        found = _last_reason(view, EventKind.SUPPLEMENT_REQUESTED)
        if found is None:
            raise ValidationError({"form": _("Hồ sơ {code} chưa có yêu cầu bổ sung.").format(code=view.code)})
        at, reason = found
        return forms.SupplementRequestForm(
            applicant=_applicant(view), procedure=_procedure(view), issued_at=at,
            requirements=tuple(line.strip() for line in reason.splitlines() if line.strip()) or (reason,),
            code=view.code,
        )

    def _refusal(self, view: DossierView) -> forms.RefusalForm:
        found = _last_reason(view, EventKind.REFUSED)
        if found is None:
            raise ValidationError({"form": _("Hồ sơ {code} không bị từ chối giải quyết.").format(code=view.code)})
        at, reason = found
        return forms.RefusalForm(applicant=_applicant(view), procedure=_procedure(view), issued_at=at,
                                 reasons=tuple(line.strip() for line in reason.splitlines() if line.strip()))

    def _apology(self, view: DossierView) -> forms.ApologyForm:
        if not view.apologies:
            raise ValidationError({"form": _("Hồ sơ {code} chưa có phiếu xin lỗi.").format(code=view.code)})
        letter = view.apologies[-1]
        return forms.ApologyForm(
            code=view.code, applicant=_applicant(view), procedure=_procedure(view),
            received_at=view.dossier.received_at, old_due_at=letter.old_due_at, new_due_at=letter.new_due_at,
            reason=letter.reason, issued_on=letter.issued_on,
        )
