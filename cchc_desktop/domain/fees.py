"""Fees and charges (phí, lệ phí; issue 21): what the catalogue states for a procedure, what the desk collected."""

from __future__ import annotations

from dataclasses import dataclass

from cchc_desktop.domain.choices import Choice
from cchc_desktop.i18n import _


class FeeMethod(Choice):
    DESK = "desk", "Nộp tại Bộ phận Một cửa"
    ONLINE = "online", "Thanh toán trực tuyến"
    EXEMPT = "exempt", "Miễn, giảm"


@dataclass(frozen=True)
class FeePayment:
    """What a dossier's applicant paid: ``amount`` in VND (0 when exempted), the receipt's number, how."""

    method: FeeMethod
    amount: int = 0
    receipt: str | None = None
    exempt_reason: str | None = None

    def problems(self) -> list[str]:
        found = []
        if self.amount < 0:
            found.append(_("Số tiền phí, lệ phí không được âm."))
        if self.method is FeeMethod.EXEMPT:
            if not (self.exempt_reason or "").strip():
                found.append(_("Cần ghi lý do miễn, giảm phí, lệ phí."))
        elif self.exempt_reason:
            found.append(_("Chỉ ghi lý do miễn, giảm khi hồ sơ được miễn, giảm."))
        if self.method is not FeeMethod.EXEMPT and self.amount == 0:
            found.append(_("Cần ghi số tiền đã thu (hoặc chọn «Miễn, giảm»)."))
        return found
