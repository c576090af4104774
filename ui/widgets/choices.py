"""A combo box of a domain choice (stored key as data, Vietnamese label shown)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox


def choice_box(kind: type, current: object = None) -> QComboBox:
    box = QComboBox()
    for item in kind:
        box.addItem(item.label, item.value)
    if current is not None:
        box.setCurrentIndex(box.findData(getattr(current, "value", current)))
    return box
