"""A dossier read back whole, as the reception's services hand it to the desk (its page, its papers), and the
apology letters written for it. Apart from ``domain.dossiers`` (the states, channels and events every list needs):
the window opens on a list without building these records' classes (~2 ms of a start)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from cchc_desktop.domain.dossiers import Channel, DossierDocument, DossierStatus, Outcome

if TYPE_CHECKING:
    from cchc_desktop.domain.fees import FeePayment  # (a field's type only: the fees' rules load where fees are met)
    from cchc_desktop.domain.papers import Proxy, ResultDelivery


@dataclass(frozen=True)
class Dossier:
    id: int
    code: str
    procedure_id: int
    applicant_name: str
    channel: Channel
    received_at: datetime
    due_at: datetime
    status: DossierStatus
    applicant_id: str | None = None
    phone: str | None = None
    address: str | None = None
    email: str | None = None
    sets: int = 1
    received_by: int | None = None
    handling_unit: str | None = None
    resolved_at: datetime | None = None
    returned_at: datetime | None = None
    outcome: Outcome | None = None
    withdrawn_at: datetime | None = None
    digitized: bool = False
    fee: str | None = None
    note: str | None = None
    documents: tuple[DossierDocument, ...] = field(default_factory=tuple)
    result_delivery: ResultDelivery | None = None  # None: received before the program asked
    proxy: Proxy | None = None
    fee_payment: FeePayment | None = None  # the fee collected (None: nothing recorded)
    home_commune: str | None = None  # the applicant's commune when another one (Nghị định 118/2025); None: here
    transferred_to: str | None = None  # the unit the dossier was handed to, when another one


@dataclass(frozen=True)
class ApologyLetter:
    id: int
    dossier_id: int
    issued_on: date
    reason: str
    old_due_at: datetime
    new_due_at: datetime
    signer_name: str | None = None
