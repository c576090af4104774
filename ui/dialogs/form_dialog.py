"""A record's form in a dialog: labelled fields, each with its error line; «Lưu» calls the service and the
dialog stays open, every problem shown beside its field, until the service accepts.

Subclasses add their fields with ``add_field`` and implement ``submit`` (one service call that returns the
saved record or raises ValidationError). A ``DateField`` whose text is not a day is reported under its key.
Any other CchcError (PermissionDenied: the account may not make the change) is said in a message box and the
dialog stays open, to be cancelled.
"""

from __future__ import annotations

from typing import Any, TypeVar

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QVBoxLayout, QWidget

from cchc_desktop.errors import CchcError, ValidationError, user_message
from cchc_desktop.i18n import _
from ui import messages
from ui.widgets.buttons import translate
from ui.widgets.date_field import DateField
from ui.widgets.field_errors import FieldErrors

W = TypeVar("W", bound=QWidget)


class FormDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(620)
        self.errors = FieldErrors()
        self.form = QFormLayout()
        self.dates: dict[str, DateField] = {}
        self.saved: Any = None
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        self.buttons = translate(QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                                  | QDialogButtonBox.StandardButton.Cancel))
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def add_field(self, key: str, label: str, widget: W) -> W:
        widget.setObjectName(key)
        if isinstance(widget, DateField):
            self.dates[key] = widget
        self.form.addRow(label, self.errors.wrap(key, widget))
        return widget

    def days(self) -> dict[str, Any]:
        """Every date field's day; raises ValidationError naming each one that is not a day."""
        days, errors = {}, {}
        for key, field in self.dates.items():
            try:
                days[key] = field.day()
            except ValueError as exc:
                errors[key] = str(exc)
        if errors:
            raise ValidationError(errors)
        return days

    def submit(self) -> Any:
        raise NotImplementedError

    def save(self) -> None:
        try:
            saved = self.submit()
        except ValidationError as exc:
            others = self.errors.show(exc.errors)
            if others:
                messages.error(self, "\n".join(others))
            return
        except CchcError as exc:  # not the input: a right the account lacks, a record gone meanwhile
            messages.error(self, user_message(exc))
            return
        self.errors.show({})
        self.saved = saved
        self.accept()

    @classmethod
    def run(cls, dialog: FormDialog) -> Any:
        """Show ``dialog`` until saved or cancelled; the saved record or None."""
        dialog.exec()
        return dialog.saved


def required(label: str) -> str:
    return _("{label} (*)").format(label=label)
