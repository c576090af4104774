"""Fees and charges (phí, lệ phí; issue 21): what the catalogue states for a procedure, what the desk collected,
and the totals of a period.

Decisions where the issue is silent:
- «Miễn, giảm» covers a reduction too: an exempted dossier may have paid a part (``amount`` > 0) and still needs
  the reason; the totals count it as exempted, and its amount in the money collected.
- A stated fee is read as a number only from a plain amount («8.000 đồng/bản», «50.000 đồng/hợp đồng, giao
  dịch»), or as 0 from «Không», «Miễn lệ phí», «Không thu»; a rule («2.000 đồng/trang; từ trang thứ ba …»,
  «Theo quy định của HĐND tỉnh») gives no number: the catalogue states no amount then.
- An amount that differs from the stated fee is accepted (several copies pay several times a fee stated per
  copy, a rule of the province may apply) but told, as a note, when it is no whole multiple of it, and when a
  procedure the catalogue says is free was charged (``amount_note``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from cchc_desktop.domain.choices import Choice
from cchc_desktop.domain.periods import Period
from cchc_desktop.formatting import NO_VALUE, money, parse_number
from cchc_desktop.i18n import _
from cchc_desktop.text import clean, fold

MAX_FEE_AMOUNT = 10_000_000_000  # 10 tỷ đồng: far above any fee a commune desk collects for one dossier
MAX_RECEIPT_LENGTH = 100
MAX_REASON_LENGTH = 500


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

    def errors(self) -> dict[str, str]:
        """Every problem, keyed by the field it concerns (``amount``, ``exempt_reason``, ``receipt``)."""
        found: dict[str, str] = {}
        reason = clean(self.exempt_reason)
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            found["amount"] = _("Số tiền phí, lệ phí phải là số nguyên (đồng).")
        elif self.amount < 0:
            found["amount"] = _("Số tiền phí, lệ phí không được âm.")
        elif self.amount > MAX_FEE_AMOUNT:
            found["amount"] = _("Số tiền phí, lệ phí quá lớn (tối đa {n}).").format(n=money(MAX_FEE_AMOUNT))
        elif self.method is not FeeMethod.EXEMPT and self.amount == 0:
            found["amount"] = _("Cần ghi số tiền đã thu (hoặc chọn «Miễn, giảm»).")
        if self.method is FeeMethod.EXEMPT:
            if not reason:
                found["exempt_reason"] = _("Cần ghi lý do miễn, giảm phí, lệ phí.")
        elif reason:
            found["exempt_reason"] = _("Chỉ ghi lý do miễn, giảm khi hồ sơ được miễn, giảm.")
        if len(reason) > MAX_REASON_LENGTH:
            found["exempt_reason"] = _("Lý do miễn, giảm quá dài (tối đa {n} ký tự).").format(n=MAX_REASON_LENGTH)
        if len(clean(self.receipt)) > MAX_RECEIPT_LENGTH:
            found["receipt"] = _("Số biên lai quá dài (tối đa {n} ký tự).").format(n=MAX_RECEIPT_LENGTH)
        return found

    def cleaned(self) -> FeePayment:
        """The payment as stored: texts NFC and stripped, empty ones None."""
        return FeePayment(method=FeeMethod(self.method), amount=self.amount, receipt=clean(self.receipt) or None,
                          exempt_reason=clean(self.exempt_reason) or None)

    @classmethod
    def of_row(cls, method: str | None, amount: int | None, receipt: str | None,
               reason: str | None) -> FeePayment | None:
        """The payment stored in a dossier's columns; None when nothing is recorded."""
        if method is None:
            return None
        return cls(method=FeeMethod(method), amount=amount or 0, receipt=receipt, exempt_reason=reason)


# «8.000 đồng/bản», «50.000 đồng/hợp đồng, giao dịch», «400.000 đ»: one amount, what it is counted per after it.
_PLAIN_AMOUNT = re.compile(r"(\d{1,3}(?:\.\d{3})+|\d+)\s*(?:dong|d|vnd)\b(?:\s*/\s*[a-z ,]+)?")
# «Không», «Không thu», «Miễn lệ phí», «Miễn phí, lệ phí», «0 đồng».
_FREE = re.compile(r"(?:khong|mien)(?: thu)?(?: (?:phi|le phi|phi,? le phi))?|0(?: dong)?")


def stated_amount(text: str | None) -> int | None:
    """The amount a catalogue's fee text states: ``8000`` for «8.000 đồng/bản», 0 for «Không» or «Miễn lệ phí»,
    None for a rule that gives no one number («2.000 đồng/trang; từ trang thứ ba …», «Theo quy định của HĐND
    tỉnh») or no text."""
    folded = fold(text).rstrip(".")
    if not folded:
        return None
    if _FREE.fullmatch(folded):
        return 0
    match = _PLAIN_AMOUNT.fullmatch(folded)
    if match is None:
        return None
    amount = int(match[1].replace(".", ""))
    return amount if amount <= MAX_FEE_AMOUNT else None


_UNIT_SUFFIX = re.compile(r"\s*(?:dong|d|vnd)\s*$")


def parse_amount(text: str | None) -> int | None:
    """An amount typed or read from a file, in đồng: «8.000», «8000», «8.000 đồng»; «Không», «Miễn», «0» are 0;
    None for an empty text. ValueError for anything else (a fraction, a negative or too large amount, words)."""
    folded = fold(text)
    if not folded:
        return None
    if _FREE.fullmatch(folded):
        return 0
    try:
        value = parse_number(_UNIT_SUFFIX.sub("", folded))
    except ValueError:
        raise ValueError(text) from None
    if value != value.to_integral_value() or not 0 <= value <= MAX_FEE_AMOUNT:
        raise ValueError(text)
    return int(value)


def amount_note(stated: int | None, payment: FeePayment) -> str | None:
    """What is worth telling the desk about an amount recorded against the catalogue's fee (None: nothing): a
    charge for a procedure stated free, or an amount that is no whole multiple of the stated fee."""
    if payment.amount <= 0 or stated is None:
        return None
    if stated == 0:
        return _("Danh mục ghi thủ tục này không thu phí, lệ phí, nhưng đã ghi thu {amount}: hãy kiểm tra lại."
                 ).format(amount=money(payment.amount))
    if payment.amount % stated:
        return _("Danh mục ghi phí, lệ phí {stated}; số tiền đã ghi thu {amount} không phải là bội số của mức này: "
                 "hãy kiểm tra lại.").format(stated=money(stated), amount=money(payment.amount))
    return None


# -- the totals of a period ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeeCounts:
    """The fees recorded on the dossiers received in a period, of one field (``field`` "") or all of them."""

    field: str
    recorded: int = 0  # dossiers with a fee recorded (paid, or exempted)
    paid: int = 0  # of those, with an amount collected (> 0)
    amount: int = 0  # VND collected
    exempted: int = 0  # recorded as «Miễn, giảm»
    desk: int = 0  # paid at the desk
    online: int = 0  # paid online

    @property
    def payments(self) -> int:
        """The base of the online-payment share: the dossiers paid at the desk or online (exempted ones left
        out: nothing was paid, or how is not recorded)."""
        return self.desk + self.online

    @property
    def online_share(self) -> float | None:
        """Online payments over ``payments``; None when nothing was paid (never 0 %)."""
        return self.online / self.payments if self.payments else None


@dataclass(frozen=True)
class FeeTotals:
    """The fees of the dossiers received in a period: by field (the catalogue's order) and overall."""

    period: Period
    counted_to: date  # the last day counted: the period's last day or the cut-off, whichever is first
    fields: tuple[FeeCounts, ...]

    @property
    def total(self) -> FeeCounts:
        rows = self.fields
        return FeeCounts(field="", recorded=sum(r.recorded for r in rows), paid=sum(r.paid for r in rows),
                         amount=sum(r.amount for r in rows), exempted=sum(r.exempted for r in rows),
                         desk=sum(r.desk for r in rows), online=sum(r.online for r in rows))


def payment_text(payment: FeePayment | None) -> str:
    """The payment in words: «50.000 đồng, nộp tại Bộ phận Một cửa, biên lai số 0012», «Miễn, giảm: Hộ nghèo»,
    «—» when nothing is recorded."""
    if payment is None:
        return NO_VALUE
    if payment.method is FeeMethod.EXEMPT:
        text = _("Miễn, giảm: {reason}").format(reason=payment.exempt_reason or "")
        if payment.amount:
            text += _(" (đã thu {amount})").format(amount=money(payment.amount))
    else:
        text = f"{money(payment.amount)}, {payment.method.label[:1].lower()}{payment.method.label[1:]}"
    if payment.receipt:
        text += _(", biên lai số {number}").format(number=payment.receipt)
    return text
