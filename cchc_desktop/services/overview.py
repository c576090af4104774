"""OverviewService: how much the database holds, for the start page until the dashboard lands."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from cchc_desktop.i18n import _
from db.queries import maintenance

TABLES = {
    "dossier": "Hồ sơ thủ tục hành chính",
    "procedure": "Thủ tục trong danh mục",
    "survey": "Phiếu khảo sát hài lòng",
    "inspection": "Cuộc kiểm tra kỷ luật, kỷ cương",
    "plan_task": "Nhiệm vụ kế hoạch CCHC",
    "directive_document": "Văn bản chỉ đạo, điều hành",
}


@dataclass(frozen=True)
class Overview:
    counts: tuple[tuple[str, int], ...]  # (Vietnamese label, count)


class OverviewService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def overview(self) -> Overview:
        counts = maintenance.table_counts(self.db, TABLES)
        return Overview(counts=tuple((_(label), counts.get(table, 0)) for table, label in TABLES.items()))
