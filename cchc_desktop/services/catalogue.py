"""The reference catalogue of commune-level procedures (``db/reference/procedures.csv``) and its loader.

The file is the 2025 commune catalogue (issue 16): hộ tịch (with the foreign-element procedures moved to communes on
1 July 2025), chứng thực, the land procedures a commune handles, household business registration, social
protection and the other fields a commune desk receives. Each row gives its time limit as published, with its unit
(«N ngày» is calendar days), ``published_by`` the decision that published the procedure where it is known (empty
otherwise: never guessed), ``checked`` whether the row was checked against a public copy of the national catalogue
(«đã đối chiếu» / «chưa đối chiếu») and ``checked_against`` where, or for a row not checked where its limit comes
from (the law's article, or the previous catalogue's value kept).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time

from cchc_desktop.domain.catalogue import InterAgency, OnlineLevel, SupplementRule, TimeLimitUnit
from cchc_desktop.domain.checklists import ChecklistError, check_documents, document_rows, read_documents
from cchc_desktop.domain.dossiers import DocumentKind, DossierDocument
from cchc_desktop.domain.fees import MAX_FEE_AMOUNT, stated_amount
from cchc_desktop.domain.users import Permission
from cchc_desktop.errors import ValidationError
from cchc_desktop.formatting import NO_VALUE, money
from cchc_desktop.i18n import _
from cchc_desktop.services.sessions import requires
from cchc_desktop.text import clean, fold
from db.errors import writing
from db.handle import Database
from db.migrations import read_reference
from db.queries import catalogue as queries

REFERENCE_FILE = "procedures.csv"
REFERENCE_CHECKLISTS = "procedure_documents.csv"
CHECKED = "đã đối chiếu"
NOT_CHECKED = "chưa đối chiếu"


@dataclass(frozen=True)
class ReferenceProcedure:
    """One row of the reference catalogue, typed."""

    code: str
    name: str
    field: str
    time_limit: int
    time_limit_unit: TimeLimitUnit
    online_level: OnlineLevel | None
    supplement_rule: SupplementRule
    fee: str
    inter_agency: InterAgency
    afternoon_cutoff: time | None
    published_by: str | None = None
    checked: bool = False
    checked_against: str = ""

    @property
    def fee_amount(self) -> int | None:
        """The fee as a number where the text states one amount (``domain.fees.stated_amount``)."""
        return stated_amount(self.fee)


@dataclass(frozen=True)
class CatalogueLoad:
    """What ``load_reference_catalogue`` wrote."""

    fields: int
    procedures: int


def read_reference_procedures() -> list[ReferenceProcedure]:
    """The reference catalogue as shipped; a malformed row raises ValueError (it is our own data)."""
    procedures = []
    for line, row in enumerate(read_reference(REFERENCE_FILE), start=2):
        try:
            cutoff = row["afternoon_cutoff"].strip()
            checked = clean(row["checked"])
            if checked not in (CHECKED, NOT_CHECKED):
                raise ValueError(f"checked must be «{CHECKED}» or «{NOT_CHECKED}», not {checked!r}")
            if not clean(row["checked_against"]):
                raise ValueError("checked_against is empty: say where the row was checked, or where its limit is from")
            procedures.append(ReferenceProcedure(
                code=clean(row["code"]),
                name=clean(row["name"]),
                field=clean(row["field"]),
                time_limit=int(row["time_limit"]),
                time_limit_unit=TimeLimitUnit(row["time_limit_unit"]),
                online_level=OnlineLevel(row["online_level"]) if row["online_level"] else None,
                supplement_rule=SupplementRule(row["supplement_rule"]),
                fee=clean(row["fee"]),
                inter_agency=InterAgency(row["inter_agency"]),
                afternoon_cutoff=time.fromisoformat(cutoff) if cutoff else None,
                published_by=clean(row["published_by"]) or None,
                checked=checked == CHECKED,
                checked_against=clean(row["checked_against"]),
            ))
        except (KeyError, ValueError) as exc:
            raise ValueError(f"{REFERENCE_FILE}, line {line}: {exc}") from exc
    return procedures


def load_reference_catalogue(db: Database) -> CatalogueLoad:
    """Insert the reference fields and procedures that are not in the database yet (by name / code).

    Idempotent: procedures already there, even edited by the unit, are left as they are, except that the decision
    which published one is recorded where none is yet, and the fee as a number where none is yet and the fee's text
    is still the reference's (``domain.fees.stated_amount``: a plain amount, 0 for a free one). A database from
    before m0013 (no ``published_by``, no limit
    in calendar days) gets the procedures its schema can hold.
    """
    procedures = read_reference_procedures()
    current = queries.knows_published_by(db)
    if not current:
        procedures = [p for p in procedures if p.time_limit_unit is not TimeLimitUnit.CALENDAR_DAYS]
    with writing(db):
        existing = queries.field_ids(db)
        position = queries.last_field_position(db)
        new_fields = []
        for name in dict.fromkeys(procedure.field for procedure in procedures):
            if name not in existing:
                position += 1
                new_fields.append((name, fold(name), position))
        fields_written = queries.insert_fields(db, new_fields) if new_fields else 0
        field_ids = queries.field_ids(db)
        known = queries.procedure_ids(db)
        rows = [
            (
                p.code, p.name, fold(p.name), field_ids[p.field], p.time_limit, p.time_limit_unit.value,
                p.afternoon_cutoff.strftime("%H:%M") if p.afternoon_cutoff else None, p.supplement_rule.value,
                p.online_level.value if p.online_level else None, p.fee or None, 1, p.inter_agency.value,
                p.published_by,
            )
            for p in procedures if p.code not in known
        ]
        procedures_written = queries.insert_procedures(db, rows, published_by=current) if rows else 0
        decisions = [(p.published_by, p.code) for p in procedures if p.published_by and p.code in known]
        if decisions and current:
            queries.fill_published_by(db, decisions)
        amounts = [(p.fee_amount, p.code, p.fee or None) for p in procedures if p.fee_amount is not None]
        if amounts and queries.knows_fees(db):
            queries.fill_fee_amounts(db, amounts)
        if queries.knows_checklists(db):
            _load_reference_checklists(db)
    return CatalogueLoad(fields=fields_written, procedures=procedures_written)


def read_reference_checklists() -> dict[str, list[DossierDocument]]:
    """The shipped checklists by procedure code (``procedure_documents.csv``: each line names its legal ground)."""
    checklists: dict[str, list[DossierDocument]] = {}
    for line, row in enumerate(read_reference(REFERENCE_CHECKLISTS), start=2):
        try:
            if not clean(row["source"]):
                raise ValueError("source is empty: say where the document is required")
            checklists.setdefault(clean(row["code"]), []).append(DossierDocument(
                name=clean(row["name"]), kind=DocumentKind(row["kind"]), count=int(row["count"])))
        except (KeyError, ValueError) as exc:
            raise ValueError(f"{REFERENCE_CHECKLISTS}, line {line}: {exc}") from exc
    return checklists


def _load_reference_checklists(db: Database) -> None:
    """The shipped checklists, for the procedures of the catalogue that have none yet."""
    has = queries.checklist_counts(db)
    ids = queries.procedure_ids(db)
    for code, documents in read_reference_checklists().items():
        if code in ids and ids[code] not in has:
            queries.replace_checklist(db, ids[code], document_rows(documents))


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    name: str
    field: str
    time_limit: str
    online_level: str
    supplement_rule: str
    active: bool
    published_by: str = ""
    documents: int = 0  # the lines of its checklist
    fee: str = ""  # the catalogue's words
    fee_amount: int | None = None  # VND; None: not stated as one amount, 0: free
    online_payment: bool = False

    @property
    def fee_label(self) -> str:
        """«8.000 đồng», «Không thu», or the catalogue's words (or «—») when no amount is stated."""
        if self.fee_amount is None:
            return self.fee or NO_VALUE
        return money(self.fee_amount) if self.fee_amount else _("Không thu")


def list_procedures(db: Database) -> list[CatalogueEntry]:
    """The catalogue as the Danh mục page lists it (tens of rows, not a large list)."""
    entries = []
    counts = queries.checklist_counts(db)
    for (code, name, field, limit, unit, online, rule, active, published_by, proc_id, fee, fee_amount,
         online_payment) in queries.procedures(db):
        unit = TimeLimitUnit(unit)
        entries.append(CatalogueEntry(
            code=code, name=name, field=field,
            time_limit=_("Trong ngày") if unit is TimeLimitUnit.SAME_DAY else f"{limit} {unit.label}",
            online_level=OnlineLevel(online).label if online else "",
            supplement_rule=SupplementRule(rule).label, active=bool(active), published_by=published_by or "",
            documents=counts.get(proc_id, 0), fee=fee or "", fee_amount=fee_amount,
            online_payment=bool(online_payment),
        ))
    return entries


class CatalogueService:
    """The catalogue as the Danh mục page and the desk read it, and each procedure's document checklist."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def procedures(self) -> list[CatalogueEntry]:
        return list_procedures(self.db)

    def checklist(self, code: str) -> tuple[DossierDocument, ...]:
        """The documents a dossier of procedure ``code`` holds, in order; () for a procedure without a checklist
        or not in the catalogue."""
        found = queries.procedure_id(self.db, code)
        if found is None:
            return ()
        return tuple(DossierDocument(name=name, kind=DocumentKind(kind), count=count)
                     for name, kind, count in queries.checklist(self.db, found))

    @requires(Permission.CATALOGUE)
    def set_checklist(self, code: str, documents: str | Iterable[DossierDocument]) -> tuple[DossierDocument, ...]:
        """Replace the checklist of procedure ``code`` with ``documents``, given as documents or as text one a line
        («Giấy chứng sinh (bản chính)», ``domain.checklists``); an empty list removes it. ValidationError
        (``documents``, ``code``) says what is wrong and nothing is changed."""
        found = queries.procedure_id(self.db, clean(code))
        if found is None:
            raise ValidationError({"code": _("Không có thủ tục mã «{code}» trong danh mục.").format(code=code)})
        try:
            checked = read_documents(documents) if isinstance(documents, str) else check_documents(documents)
        except ChecklistError as exc:
            raise ValidationError({"documents": exc.sentence()}) from None
        with writing(self.db):
            queries.replace_checklist(self.db, found, document_rows(checked))
        return checked

    @requires(Permission.CATALOGUE)
    def set_fee(self, code: str, *, amount: int | None, online_payment: bool) -> CatalogueEntry:
        """The fee of procedure ``code`` as a number (VND; 0 free, None not stated as one amount: the catalogue's
        words say it) and whether it can be paid online (row 3.4.3). ValidationError (``code``, ``fee_amount``)
        says what is wrong and nothing is changed. The procedure's text «Phí, lệ phí» is left as it is."""
        found = queries.procedure_id(self.db, clean(code))
        errors = {}
        if found is None:
            errors["code"] = _("Không có thủ tục mã «{code}» trong danh mục.").format(code=code)
        if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int)
                                   or not 0 <= amount <= MAX_FEE_AMOUNT):
            errors["fee_amount"] = _("Mức phí, lệ phí phải là số đồng từ 0 (không thu) đến {n}.").format(
                n=money(MAX_FEE_AMOUNT))
        if errors:
            raise ValidationError(errors)
        assert found is not None
        with writing(self.db):
            queries.set_fee(self.db, found, amount=amount, online_payment=online_payment)
        return next(entry for entry in self.procedures() if entry.code == clean(code))

