"""Error messages beside form fields, keyed like ``ValidationError.errors``."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class FieldErrors:
    def __init__(self) -> None:
        self.labels: dict[str, QLabel] = {}

    def __getitem__(self, key: str) -> QLabel:
        return self.labels[key]

    def __contains__(self, key: object) -> bool:
        return key in self.labels

    def add(self, key: str, label: QLabel) -> QLabel:
        label.setObjectName(f"error_{key}")
        label.setProperty("role", "fieldError")
        label.setWordWrap(True)
        label.hide()
        self.labels[key] = label
        return label

    def clear(self, key: str) -> None:
        """The field's message goes as soon as the field is changed (it was left until the next save)."""
        label = self.labels.get(key)
        if label is not None and label.isVisible():
            label.hide()
            label.clear()

    def watch(self, key: str, widget: QWidget) -> None:
        """Hide ``key``'s message as soon as ``widget`` is changed."""
        for name in ("textEdited", "activated", "valueChanged"):
            signal = getattr(widget, name, None)
            if signal is not None:
                signal.connect(lambda *_args, key=key: self.clear(key))

    def line(self, key: str, widget: QWidget) -> QLabel:
        """A full-width error line for a field set in a row of several (under a narrow field, a long message
        was cut top and bottom: a row does not grow for a wrapped label)."""
        self.watch(key, widget)
        return self.add(key, QLabel())

    def wrap(self, key: str, widget: QWidget) -> QWidget:
        """``widget`` with its (hidden) error line under it, hidden again when the field is changed."""
        self.watch(key, widget)
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(self.add(key, QLabel()))
        return holder

    def show(self, errors: Mapping[str, str]) -> list[str]:
        """Show each message beside its field, hide the others; returns the messages that have no field."""
        for key, label in self.labels.items():
            label.setText(errors.get(key, ""))
            label.setVisible(key in errors)
        return [message for key, message in errors.items() if key not in self.labels]
