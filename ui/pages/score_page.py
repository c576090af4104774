"""Chỉ số 766: the commune's own Quyết định 766 score for a period (issue 21) — the total with the change from the
period before, each group and indicator with its rate, base and points («—» where the records cannot tell), the
note on the formulas that are not official, and the ranked list of what would raise the score most; Enter or a
double click on a suggestion lists the records behind it.

The score is counted off the window's thread (``Office.score766_here``, its own read-only connection), as the
dashboard's figures are; the period selector is the dashboard's.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cchc_desktop import formatting
from cchc_desktop.domain.periods import Period
from cchc_desktop.domain.score766 import Basis
from cchc_desktop.errors import CchcError, user_message
from cchc_desktop.i18n import _
from cchc_desktop.services.score766 import (
    ScoreView,
    change_line,
    change_text,
    coverage_line,
    headline,
    max_text,
    points_text,
)
from ui import messages
from ui.context import AppContext
from ui.dialogs.records_dialog import RecordsDialog
from ui.pages.base import Page
from ui.widgets.latest_count import LatestCount, say_failed
from ui.widgets.period_picker import PeriodPicker

log = logging.getLogger("cchc.ui")

# One score at a time, each through the thread's own read-only connection: the window stays responsive.
_loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cchc-score766")
COLUMNS = ("Nhóm, chỉ tiêu", "Tỷ lệ", "Cơ sở", "Điểm", "So kỳ trước")
STACKED_BELOW = 1000  # the page's width under which the suggestions go under the table (a 1024-pixel screen)
GREY = QColor("#8a8a8a")


class ScorePage(Page):
    name = "score"
    title = "Chỉ số 766"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.service = context.score766
        self.view: ScoreView | None = None
        self.counting = LatestCount(_loader, self.loaded, self.not_counted, self)

        top = QHBoxLayout()
        self.unit = QLabel()
        self.unit.setObjectName("pageSubtitle")
        self.picker = PeriodPicker(self.service.default_period(), name="score")
        top.addWidget(self.unit, 1)
        top.addWidget(self.picker)
        self.layout_.addLayout(top)
        self.cutoff = QLabel()
        self.cutoff.setObjectName("scoreCutoff")
        self.layout_.addWidget(self.cutoff)

        card = QFrame()
        card.setProperty("role", "headline")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(card)
        row.setContentsMargins(12, 6, 12, 6)
        label = QLabel(_("Tổng điểm tự đánh giá"))
        self.total = QLabel()
        self.total.setObjectName("scoreTotal")
        self.total.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.change = QLabel()
        self.change.setObjectName("scoreChange")
        self.change.setWordWrap(True)
        self.coverage = QLabel()
        self.coverage.setObjectName("scoreCoverage")
        self.coverage.setWordWrap(True)
        texts = QVBoxLayout()
        texts.setSpacing(0)
        texts.addWidget(self.coverage)
        texts.addWidget(self.change)
        row.addWidget(label)
        row.addWidget(self.total)
        row.addLayout(texts, 1)
        self.layout_.addWidget(card)

        self.body = body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.tree = QTreeWidget()
        self.tree.setObjectName("scoreGroups")
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels([_(text) for text in COLUMNS])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        body.addWidget(self.tree, 5)

        side = QVBoxLayout()
        heading = QLabel(_("Việc nên làm để tăng điểm (Enter hoặc nháy đúp: xem hồ sơ)"))
        heading.setObjectName("chartTitle")
        heading.setWordWrap(True)
        self.suggestions = QListWidget()
        self.suggestions.setObjectName("scoreSuggestions")
        self.suggestions.setWordWrap(True)
        self.suggestions.setSpacing(2)
        self.suggestions.itemActivated.connect(self.open_records)
        self.empty = QLabel()
        self.empty.setObjectName("chartHint")
        self.empty.setWordWrap(True)
        self.note = QLabel()
        self.note.setObjectName("scoreNote")
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        side.addWidget(heading)
        side.addWidget(self.suggestions, 1)
        side.addWidget(self.empty)
        side.addWidget(self.note)
        body.addLayout(side, 3)
        self.layout_.addLayout(body, 1)

        self.picker.changed.connect(lambda _key: self.refresh())
        self.refresh()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """The suggestions beside the table, or under it on a narrow page (the indicators' names stay readable)."""
        super().resizeEvent(event)
        narrow = self.width() < STACKED_BELOW
        self.body.setDirection(QBoxLayout.Direction.TopToBottom if narrow else QBoxLayout.Direction.LeftToRight)

    def current_period(self) -> Period:
        return self.picker.current()

    def select(self, key: str) -> None:
        """Show the period ``key`` (``2025``, ``2025-Q2``, ``2025-05``…)."""
        self.picker.select(key)

    def first_field(self) -> QWidget | None:
        return self.suggestions if self.suggestions.count() else self.picker.period

    def settled(self) -> bool:
        return not self.counting.loading

    def refresh(self) -> None:
        """Count the chosen period off the window's thread (``loaded`` shows it); the window stays usable."""
        self.unit.setText(self.context.settings.load().name or _("Chưa khai báo đơn vị (xem trang Cài đặt)"))
        period = self.current_period()
        office = self.context
        self.cutoff.setText(_("{label}: đang tính điểm…").format(label=period.label))
        self.counting.start(lambda: office.score766_here().build(period))

    def finish(self) -> None:
        self.counting.finish()

    def not_counted(self, exc: Exception) -> None:
        say_failed(self, self.cutoff, exc, _("Không tính được điểm của kỳ này; chi tiết trong tệp nhật ký."),
                   "766 score")

    def loaded(self, result: object) -> None:
        assert isinstance(result, ScoreView)
        self.show_view(result)

    def show_view(self, view: ScoreView) -> None:
        self.view = view
        compared = (_(" So sánh với kỳ trước: {previous}.").format(previous=view.previous.label)
                    if view.previous else "")
        self.cutoff.setText(_("{label}: số liệu tính đến hết ngày {cutoff}.{compared}").format(
            label=view.period.label, cutoff=formatting.short_date(view.cutoff), compared=compared))
        self.total.setText(headline(view))
        self.coverage.setText(coverage_line(view))
        self.change.setText(change_line(view))
        trend = "" if view.change is None or abs(view.change) < 0.05 else ("good" if view.change > 0 else "bad")
        self.change.setProperty("trend", trend)
        self.change.style().unpolish(self.change)
        self.change.style().polish(self.change)
        self._fill_tree(view)
        self.suggestions.clear()
        for rank, suggestion in enumerate(view.suggestions, start=1):
            item = QListWidgetItem(f"{rank}. {suggestion.text}")
            item.setData(Qt.ItemDataRole.UserRole, suggestion.key)
            item.setToolTip(_("Nháy đúp hoặc Enter: xem {n} bản ghi").format(n=formatting.number(suggestion.count)))
            self.suggestions.addItem(item)
        self.empty.setText("" if view.suggestions else _("Không có việc nào tăng được điểm từ số liệu đã ghi."))
        self.empty.setVisible(not view.suggestions)
        if self.suggestions.count():
            self.suggestions.setCurrentRow(0)
        self.note.setText(_("Lưu ý: {note}").format(note=view.score.scheme.note))

    def _fill_tree(self, view: ScoreView) -> None:
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for number, group in enumerate(view.score.groups, start=1):
            points = (f"{points_text(group.points)}/{max_text(group.computable)}" if group.points is not None
                      else formatting.NO_VALUE)
            base = (_("tính được {computable}/{total} điểm").format(computable=max_text(group.computable),
                                                                    total=max_text(group.definition.points))
                    if group.points is not None else _("không tính được chỉ tiêu nào"))
            parent = QTreeWidgetItem([f"{number}. {group.definition.name}", "", base, points,
                                      change_text(view.group_change(group.definition.key))])
            parent.setData(0, Qt.ItemDataRole.UserRole, group.definition.key)
            for column in range(len(COLUMNS)):
                parent.setFont(column, bold)
            self.tree.addTopLevelItem(parent)
            for indicator in group.indicators:
                definition = indicator.definition
                mark = "≈ " if definition.basis is Basis.APPROXIMATE else ""
                child = QTreeWidgetItem([
                    f"   {mark}{definition.name}", formatting.percent(indicator.rate), indicator.base,
                    f"{points_text(indicator.points)}/{max_text(definition.points)}", ""])
                child.setData(0, Qt.ItemDataRole.UserRole, definition.key)
                tip = "\n".join(part for part in (definition.basis.label, definition.source, definition.note) if part)
                for column in range(len(COLUMNS)):
                    child.setToolTip(column, tip)
                    if indicator.points is None:
                        child.setForeground(column, QBrush(GREY))
                for column in (1, 3):
                    child.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                parent.addChild(child)
            parent.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.tree.expandAll()

    def open_records(self, item: QListWidgetItem | None = None) -> None:
        """The records behind the suggestion (the current one when none is given)."""
        item = item or self.suggestions.currentItem()
        if item is None or self.view is None:
            return
        try:
            records = self.service.records(self.view, str(item.data(Qt.ItemDataRole.UserRole)))
        except CchcError as exc:
            messages.error(self, user_message(exc))
            return
        RecordsDialog.show_records(self, records)
