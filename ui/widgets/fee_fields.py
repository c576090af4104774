"""The fee collected for a dossier, on one row: how (none recorded, at the desk, online, exempted), the amount,
the receipt's number, and the reason of an exemption (shown only then). The reception form and the dossier's «Phí,
lệ phí» dialog both use it; the rules are the service's (``domain.fees.FeePayment``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from cchc_desktop import formatting
from cchc_desktop.domain.fees import FeeMethod, FeePayment, parse_amount
from cchc_desktop.errors import ValidationError
from cchc_desktop.i18n import _
from ui.widgets.field_errors import FieldErrors

KEYS = ("fee_method", "fee_amount", "fee_receipt", "fee_exempt_reason")


class FeeFields(QWidget):
    """``payment()`` is what the fields say (None: nothing recorded); ``fill`` puts a payment back, ``prefill``
    offers the catalogue's fee for a procedure. Error messages (``fee_…`` keys) go to ``errors``' lines under the
    row."""

    def __init__(self, errors: FieldErrors, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.method = QComboBox()
        self.method.setObjectName("feeMethod")
        self.method.addItem(_("Không thu / chưa ghi"), None)
        for method in FeeMethod:
            self.method.addItem(method.label, method.value)
        self.amount = QLineEdit()
        self.amount.setObjectName("feeAmount")
        self.amount.setPlaceholderText(_("Số tiền (đồng)"))
        self.receipt = QLineEdit()
        self.receipt.setObjectName("feeReceipt")
        self.receipt.setPlaceholderText(_("Số biên lai"))
        self.reason = QLineEdit()
        self.reason.setObjectName("feeExemptReason")
        self.reason.setPlaceholderText(_("Lý do miễn, giảm, ví dụ: Hộ nghèo"))
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.method, 2)
        row.addWidget(self.amount, 1)
        row.addWidget(self.receipt, 1)
        row.addWidget(self.reason, 2)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(row)
        for key, widget in zip(KEYS, (self.method, self.amount, self.receipt, self.reason), strict=True):
            column.addWidget(errors.line(key, widget))
        self.method.currentIndexChanged.connect(self._method_changed)
        self.amount.editingFinished.connect(self._tidy_amount)
        self._method_changed()

    def edits(self) -> tuple[QLineEdit, ...]:
        return self.amount, self.receipt, self.reason

    def chosen(self) -> FeeMethod | None:
        value = self.method.currentData()
        return FeeMethod(value) if value else None

    def _method_changed(self) -> None:
        """Nothing recorded: no amount nor receipt to type (Tab passes them); the reason only for an exemption."""
        method = self.chosen()
        self.amount.setEnabled(method is not None)
        self.receipt.setEnabled(method is not None)
        self.reason.setVisible(method is FeeMethod.EXEMPT)

    def _tidy_amount(self) -> None:
        """«50000» reads «50.000» once typed (left as typed when it is no amount: the save says why)."""
        try:
            amount = parse_amount(self.amount.text())
        except ValueError:
            return
        if amount is not None:
            self.amount.setText(formatting.number(amount))

    def payment(self) -> FeePayment | None:
        """What the fields say; ValidationError (``fee_amount``) for an amount that is no sum of đồng."""
        method = self.chosen()
        if method is None:
            return None
        try:
            amount = parse_amount(self.amount.text())
        except ValueError:
            raise ValidationError({"fee_amount": _("Số tiền «{text}» không hợp lệ: ghi số đồng, ví dụ 50.000.").format(
                text=self.amount.text().strip())}) from None
        return FeePayment(method=method, amount=amount or 0, receipt=self.receipt.text() or None,
                          exempt_reason=self.reason.text() if method is FeeMethod.EXEMPT else None)

    def set_method(self, method: FeeMethod | None) -> None:
        self.method.setCurrentIndex(max(0, self.method.findData(method.value if method else None)))

    def fill(self, payment: FeePayment | None) -> None:
        self.set_method(payment.method if payment else None)
        self.amount.setText(formatting.number(payment.amount) if payment and payment.amount else "")
        self.receipt.setText(payment.receipt or "" if payment else "")
        self.reason.setText(payment.exempt_reason or "" if payment else "")

    def prefill(self, fee_amount: int | None, *, online: bool = False) -> None:
        """The catalogue's fee of the procedure picked: a fee to pay, at the desk (online when the procedure can be
        paid online and the dossier was filed online); nothing recorded for a free procedure or one whose fee the
        catalogue states as no one amount."""
        if fee_amount:
            self.fill(FeePayment(method=FeeMethod.ONLINE if online else FeeMethod.DESK, amount=fee_amount))
        else:
            self.fill(None)

    def data(self) -> dict[str, Any]:
        """The fields as typed (a form's draft)."""
        return {"method": self.method.currentData(), "amount": self.amount.text(), "receipt": self.receipt.text(),
                "reason": self.reason.text()}

    def restore(self, data: Mapping[str, Any]) -> None:
        self.method.setCurrentIndex(max(0, self.method.findData(data.get("method"))))
        self.amount.setText(str(data.get("amount") or ""))
        self.receipt.setText(str(data.get("receipt") or ""))
        self.reason.setText(str(data.get("reason") or ""))

    def typed(self) -> bool:
        """Whether anything was typed (the draft is kept from the first key)."""
        return any(edit.text().strip() for edit in self.edits())
