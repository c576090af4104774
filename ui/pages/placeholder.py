"""A page whose work arrives with a later issue: it says what it will do."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from cchc_desktop.i18n import _
from ui.context import AppContext
from ui.pages.base import Page


class PlaceholderPage(Page):
    def __init__(self, context: AppContext, *, name: str, title: str, who: str, coming: list[str],
                 parent: QWidget | None = None) -> None:
        self.name, self.title = name, title
        super().__init__(context, parent)
        who_label = QLabel(_("Dành cho: {who}").format(who=who))
        who_label.setObjectName("pageSubtitle")
        self.layout_.addWidget(who_label)
        items = "".join(f"<li>{item}</li>" for item in coming)
        body = QLabel(f"<p>{_('Trang này đang được xây dựng. Sẽ có:')}</p><ul>{items}</ul>")
        body.setObjectName("placeholderBody")
        body.setWordWrap(True)
        body.setTextFormat(Qt.TextFormat.RichText)
        self.layout_.addWidget(body)
        self.layout_.addStretch(1)
