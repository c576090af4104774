"""The tasks of one year's plan as a table (a plan has a few dozen tasks: the model holds them all)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from cchc_desktop import formatting
from cchc_desktop.domain.plans import PlanTask, TaskStatus
from cchc_desktop.domain.statistics import task_overdue, task_state
from cchc_desktop.i18n import _

COLUMNS = ("Số TT", "Nội dung nhiệm vụ", "Lĩnh vực", "Nguồn", "Chủ trì", "Thời hạn", "Tình trạng",
           "Ngày hoàn thành", "Văn bản/kết quả")
OVERDUE = QColor("#b3261e")
Index = QModelIndex | QPersistentModelIndex


class TaskTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.tasks: list[PlanTask] = []
        self.today = date.today()

    def set_tasks(self, tasks: list[PlanTask], *, today: date) -> None:
        self.beginResetModel()
        self.tasks = list(tasks)
        self.today = today
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.tasks)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(COLUMNS[section])
        return None

    def overdue(self, task: PlanTask) -> bool:
        return task_overdue(task_state(task.status, task.completed_on, self.today), task.deadline, self.today)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        task = self.tasks[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return task.id
        if role == Qt.ItemDataRole.ForegroundRole and index.column() in (5, 6) and self.overdue(task):
            return QBrush(OVERDUE)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 1:
            return "\n".join(part for part in (task.title, task.progress_note) if part)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        status = task.status.label
        if self.overdue(task):
            status = _("{status} — quá hạn").format(status=status)
        return (
            task.number, task.title, f"{task.area.value}. {task.area.label}", task.source.label, task.lead,
            formatting.short_date(task.deadline), status, formatting.short_date(task.completed_on), task.evidence,
        )[index.column()]

    def task_at(self, row: int) -> PlanTask | None:
        return self.tasks[row] if 0 <= row < len(self.tasks) else None

    def counts(self) -> tuple[int, int]:
        """(tasks not cancelled, of which done)."""
        live = [task for task in self.tasks if task.status is not TaskStatus.CANCELLED]
        return len(live), sum(task.status is TaskStatus.DONE for task in live)
