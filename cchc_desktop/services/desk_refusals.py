"""DeskRefusalService: filings turned away at the desk, before any dossier exists (DOMAIN.md §3).

An incomplete filing gets Mẫu 02 (what to complete); a filing outside the unit's competence or not allowed
gets Mẫu 03 (refusal to receive). Both are recorded and listed, and counted in no dossier total.

Decisions: only the applicant's name, the procedure and the reasons are kept; the address and phone typed
at the desk are printed on the paper handed over but not stored (personal data the commune has no use for
once the citizen has left), so a reprint leaves them blank for the pen. A refusal to receive may name no
procedure (a matter outside the catalogue); a request to complete must name one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from cchc_desktop.domain.dossiers import DeskRefusalKind
from cchc_desktop.domain.papers import BOOKS, FormSet, PaperKind, form_set_for, form_set_of, paper_number
from cchc_desktop.domain.users import Permission
from cchc_desktop.errors import NotFoundError, ValidationError
from cchc_desktop.files import write_atomically
from cchc_desktop.i18n import _
from cchc_desktop.lazy import lazy_import
from cchc_desktop.services.sessions import ActsForSession, requires
from cchc_desktop.services.settings import SettingsService
from cchc_desktop.text import clean
from db.errors import writing
from db.handle import Database
from db.queries import dossiers as queries
from db.queries import papers

forms = lazy_import("cchc_desktop.reports.forms")
forms_2025 = lazy_import("cchc_desktop.reports.forms_2025")

MAX_NAME = 200
MAX_REASONS = 4000
OUTSIDE_CATALOGUE = "Không thuộc danh mục thủ tục của đơn vị"


@dataclass(frozen=True)
class TurnedAway:
    """The desk's note of a filing not received. ``reasons``: one requirement or reason per item."""

    kind: DeskRefusalKind
    applicant_name: str
    reasons: tuple[str, ...]
    procedure_code: str = ""
    address: str = ""  # printed, not stored
    phone: str = ""  # printed, not stored
    id_number: str = ""  # printed, not stored (Mẫu 03 of the 2025 set asks for the số định danh)


@dataclass(frozen=True)
class DeskRefusalRow:
    id: int
    kind: DeskRefusalKind
    at: datetime
    applicant_name: str
    reasons: tuple[str, ...]
    procedure_code: str
    procedure_name: str
    officer_name: str
    form_set: FormSet = FormSet.TT01_2018  # the set its paper was printed in

    @property
    def procedure(self) -> str:
        if not self.procedure_code:
            return _(OUTSIDE_CATALOGUE)
        return f"{self.procedure_name} ({self.procedure_code})"

    @property
    def form(self) -> str:
        return "02" if self.kind is DeskRefusalKind.INCOMPLETE else "03"


@dataclass(frozen=True)
class Recorded:
    refusal: DeskRefusalRow
    pdf: bytes


def _row(row: dict[str, Any]) -> DeskRefusalRow:
    return DeskRefusalRow(
        id=row["id"], kind=DeskRefusalKind(row["kind"]), at=datetime.fromisoformat(row["at"]),
        applicant_name=row["applicant_name"],
        reasons=tuple(line for line in row["reason"].splitlines() if line.strip()),
        procedure_code=row["procedure_code"] or "", procedure_name=row["procedure_name"] or "",
        officer_name=row["officer_name"] or "", form_set=form_set_of(row["form_set"]),
    )


class DeskRefusalService(ActsForSession):
    def __init__(self, db: Database, *, clock: Callable[[], datetime] = datetime.now,
                 user_id: int | None = None) -> None:
        self.db = db
        self.clock = clock
        self.user_id = user_id

    def _check(self, filing: TurnedAway) -> tuple[dict[str, object], dict[str, str]]:
        errors: dict[str, str] = {}
        name = clean(filing.applicant_name)
        if not name:
            errors["applicant_name"] = _("Chưa nhập họ tên người nộp.")
        elif len(name) > MAX_NAME:
            errors["applicant_name"] = _("Họ tên dài quá {n} ký tự.").format(n=MAX_NAME)
        reasons = [clean(reason) for reason in filing.reasons]
        reasons = [reason for reason in reasons if reason]
        if not reasons:
            errors["reasons"] = (_("Chưa ghi nội dung cần bổ sung, hoàn thiện.")
                                 if filing.kind is DeskRefusalKind.INCOMPLETE
                                 else _("Chưa ghi lý do từ chối tiếp nhận."))
        elif sum(len(reason) + 1 for reason in reasons) > MAX_REASONS:
            errors["reasons"] = _("Nội dung dài quá {n} ký tự.").format(n=MAX_REASONS)
        code = clean(filing.procedure_code).upper()
        procedure_id = None
        if code:
            found = queries.procedure_by_code(self.db, code)
            if found is None:
                errors["procedure_code"] = _("Không có thủ tục mã «{code}» trong danh mục.").format(code=code)
            else:
                procedure_id = found["id"]
        elif filing.kind is DeskRefusalKind.INCOMPLETE:
            errors["procedure_code"] = _("Chưa chọn thủ tục cần hướng dẫn bổ sung.")
        values = {"kind": filing.kind.value, "procedure_id": procedure_id, "applicant_name": name,
                  "reason": "\n".join(reasons), "user_id": self.user_id}
        return values, errors

    @requires(Permission.DOSSIERS)
    def record(self, filing: TurnedAway, target: Path | None = None) -> Recorded:
        """Record the filing turned away and build its paper (Mẫu 02 or 03); one transaction."""
        values, errors = self._check(filing)
        if errors:
            raise ValidationError(errors)
        now = self.clock().replace(second=0, microsecond=0, tzinfo=None)
        form_set = form_set_for(now.date(), SettingsService(self.db).load().form_set)
        with writing(self.db):
            refusal_id = queries.insert_desk_refusal(self.db, {**values, "at": now.isoformat(timespec="minutes"),
                                                              "form_set": form_set.value})
            refusal = self.get(refusal_id)
            pdf = self._pdf(refusal, address=clean(filing.address), phone=clean(filing.phone),
                            id_number=clean(filing.id_number))
            if target is not None:
                write_atomically(Path(target), pdf)
        return Recorded(refusal, pdf)

    def get(self, refusal_id: int) -> DeskRefusalRow:
        row = queries.desk_refusal(self.db, refusal_id)
        if row is None:
            raise NotFoundError(_("Không có phiếu không tiếp nhận số {id}.").format(id=refusal_id))
        return _row(row)

    def between(self, *, first: date, last: date) -> list[DeskRefusalRow]:
        """The filings turned away from ``first`` to ``last`` (inclusive), in order of time."""
        if last < first:
            raise ValidationError({"period": _("Ngày kết thúc phải sau ngày bắt đầu.")})
        rows = queries.desk_refusals(self.db, at_from=first.isoformat(),
                                     at_before=(last + timedelta(days=1)).isoformat())
        return [_row(row) for row in rows]

    def reprint(self, refusal_id: int, target: Path | None = None) -> bytes:
        """The paper again, in the set and with the number it was first printed with."""
        pdf = self._pdf(self.get(refusal_id))
        if target is not None:
            write_atomically(Path(target), pdf)
        return pdf

    def _pdf(self, refusal: DeskRefusalRow, *, address: str = "", phone: str = "", id_number: str = "") -> bytes:
        unit = SettingsService(self.db).load()
        applicant = forms.Applicant(name=refusal.applicant_name, address=address, phone=phone, id_number=id_number)
        kind = PaperKind.SUPPLEMENT if refusal.kind is DeskRefusalKind.INCOMPLETE else PaperKind.REFUSAL
        if refusal.form_set is FormSet.TT03_2025:
            number = papers.issued_number(self.db, kind=kind.value, dossier_id=None, ref=refusal.id)
            if number is None:  # the first print (in the recording transaction)
                number, _year = papers.paper_number(self.db, kind=kind.value, book=BOOKS[kind], dossier_id=None,
                                                    ref=refusal.id, issued_at=refusal.at.isoformat(timespec="minutes"),
                                                    user_id=self.user_id)
            shown = paper_number(kind, number, unit.desk_code)
            if kind is PaperKind.SUPPLEMENT:
                return forms.supplement_request_pdf(forms.SupplementRequestForm(
                    applicant=applicant, procedure=refusal.procedure, issued_at=refusal.at,
                    requirements=refusal.reasons, guide_name=refusal.officer_name, number=shown, desk=unit.desk,
                    contact_name=unit.desk_contact_name, contact_phone=unit.desk_contact_phone), unit)
            return forms_2025.refusal_pdf(forms.RefusalForm(
                applicant=applicant, procedure=refusal.procedure, issued_at=refusal.at, reasons=refusal.reasons,
                officer_name=refusal.officer_name, number=shown), unit)
        if kind is PaperKind.SUPPLEMENT:
            return forms.supplement_request_pdf(forms.SupplementRequestForm(
                applicant=applicant, procedure=refusal.procedure, issued_at=refusal.at,
                requirements=refusal.reasons, guide_name=refusal.officer_name), unit)
        return forms.refusal_pdf(forms.RefusalForm(
            applicant=applicant, procedure=refusal.procedure, issued_at=refusal.at, reasons=refusal.reasons,
            officer_name=refusal.officer_name), unit)
