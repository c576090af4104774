"""Khảo sát hài lòng: keyed entry of paper survey forms, as fast as a typist goes.

One form per save: the date and method carry over from the form before, the dossier code is optional
(autocompleted), then one digit 1–5 per box — each digit moves on to the next box — and Enter saves. The kiosk
for citizens opens from here (``ui/kiosk.py``). Every save is one SurveyService call. A form being keyed in is
kept as a draft (``ui.widgets.form_draft``) until it is saved, so a crash or a power cut loses no typing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from itertools import pairwise
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cchc_desktop import formatting
from cchc_desktop.domain.surveys import SurveyCriterion, SurveyMethod
from cchc_desktop.errors import ValidationError
from cchc_desktop.i18n import _
from cchc_desktop.services.statistics import StatisticsService
from cchc_desktop.services.surveys import SurveyEntry, SurveyService, answer_key
from ui import messages
from ui.context import AppContext
from ui.dialogs.criterion_dialog import CriterionDialog
from ui.pages.base import Page
from ui.widgets.buttons import enter_clicks
from ui.widgets.date_field import DateField
from ui.widgets.field_errors import FieldErrors
from ui.widgets.form_draft import FormDraft
from ui.widgets.period_picker import PeriodPicker
from ui.widgets.score_box import ScoreBox
from ui.widgets.tables import fill, read_only_table

CRITERIA_COLUMNS = 2
RECENT = 12
LABEL_CHARS = 70


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


class SurveysPage(Page):
    name = "surveys"
    title = "Khảo sát hài lòng"

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.service = context.surveys
        self.errors = FieldErrors()
        self.criteria: list[SurveyCriterion] = []
        self.boxes: dict[str, ScoreBox] = {}
        self.draft = FormDraft(self, context.drafts, "survey", collect=self.draft_data,
                               restore=self.restore_draft)
        self.tabs = QTabWidget()
        self.layout_.addWidget(self.tabs, 1)
        entry = QWidget()
        entry_layout = QVBoxLayout(entry)
        entry_layout.addWidget(self.draft.banner)
        self.tabs.addTab(entry, _("Nhập phiếu"))
        self.figures = SurveyFigures(context.statistics)
        self.tabs.addTab(self.figures, _("Số liệu khảo sát"))
        self.questionnaire = QuestionnaireEditor(self.service)
        self.questionnaire.changed.connect(self.build_form)
        self.tabs.addTab(self.questionnaire, _("Bộ câu hỏi"))

        head = QFormLayout()
        top = QHBoxLayout()
        self.taken_on = DateField(self.service.today())
        self.taken_on.setObjectName("taken_on")
        self.method = QComboBox()
        self.method.setObjectName("method")
        for method in SurveyMethod:
            self.method.addItem(method.label, method.value)
        self.dossier = QLineEdit()
        self.dossier.setObjectName("dossier_code")
        self.dossier.setPlaceholderText(_("không bắt buộc; gõ vài số cuối của mã"))
        self.completions = QStringListModel(self)
        completer = QCompleter(self.completions, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.dossier.setCompleter(completer)
        self.kiosk_button = QPushButton(_("Mở kiosk cho người dân…"))
        self.kiosk_button.setObjectName("openKiosk")
        fields = ((_("Ngày khảo sát"), self.taken_on, "taken_on"), (_("Hình thức"), self.method, "method"),
                  (_("Mã hồ sơ"), self.dossier, "dossier_code"))
        for label, widget, key in fields:
            top.addWidget(QLabel(label))
            top.addWidget(widget, 1 if key == "dossier_code" else 0)
        top.addStretch(1)
        top.addWidget(self.kiosk_button)
        head.addRow(top)
        for _label, widget, key in fields:  # their messages under the row, the whole width
            head.addRow(self.errors.line(key, widget))
        entry_layout.addLayout(head)

        self.form_box = QGroupBox(_("Phiếu khảo sát: mỗi ô một chữ số từ 1 (rất không hài lòng) đến 5 (rất hài lòng)"))
        self.grid = QGridLayout(self.form_box)
        entry_layout.addWidget(self.form_box)
        self.overall = ScoreBox()
        self.overall.setObjectName("overall")
        self.comment = QLineEdit()
        self.comment.setObjectName("comment")
        self.comment.setPlaceholderText(_("Ý kiến khác của người dân (nếu có)"))
        bottom = QHBoxLayout()
        self.save_button = QPushButton(_("Lưu phiếu (Enter)"))
        self.save_button.setObjectName("saveSurvey")
        self.status = QLabel()
        self.status.setObjectName("surveyStatus")
        self.status.setWordWrap(True)
        bottom.addWidget(QLabel(_("Ý kiến khác")))
        bottom.addWidget(self.errors.wrap("comment", self.comment), 1)
        bottom.addWidget(self.save_button)
        entry_layout.addLayout(bottom)
        entry_layout.addWidget(self.status)

        self.recent = read_only_table(("Ngày", "Hình thức", "Hài lòng chung", "Mã hồ sơ", "Ý kiến khác"),
                                      "recentSurveys")
        entry_layout.addWidget(QLabel(_("Các phiếu vừa nhập")))
        entry_layout.addWidget(self.recent, 1)

        self.save_button.clicked.connect(self.save)
        self.overall.submitted.connect(self.save)
        self.dossier.textEdited.connect(self._suggest)
        for edit in (self.taken_on, self.comment):
            edit.returnPressed.connect(self.save)
        # Enter in the dossier code picks the suggestion and goes on to the ratings: it never saves a form whose
        # ratings are not typed yet.
        self.dossier.returnPressed.connect(lambda: self.overall.setFocus(Qt.FocusReason.TabFocusReason))
        enter_clicks(self.save_button, self.kiosk_button)
        self.kiosk_button.clicked.connect(self.open_kiosk)
        for edit in (self.taken_on, self.dossier, self.comment, self.overall):
            edit.textEdited.connect(self.draft.changed)
        self.method.activated.connect(self.draft.changed)
        self.build_form()
        self.refresh()
        self.draft.offer()

    # -- the form ----------------------------------------------------------------------------------------

    def build_form(self) -> None:
        """One box for the overall rating, then one per active criterion of the questionnaire."""
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None and item.widget() is not self.overall:
                item.widget().deleteLater()
        self.criteria = self.service.questionnaire()
        self.boxes = {}
        overall_label = QLabel(_("<b>Mức độ hài lòng chung (*)</b>"))
        self.grid.addWidget(overall_label, 0, 0)
        self.grid.addWidget(self.errors.wrap("overall", self.overall), 0, 1)
        for number, criterion in enumerate(self.criteria):
            row, column = 1 + number // CRITERIA_COLUMNS, (number % CRITERIA_COLUMNS) * 2
            label = QLabel(f"{criterion.code}. {_short(criterion.text)}")
            label.setToolTip(criterion.text)
            box = ScoreBox()
            box.setObjectName(f"score_{criterion.code}")
            box.submitted.connect(self.save)
            box.textEdited.connect(self.draft.changed)
            box.textEdited.connect(lambda _text, box=box: _mark(box, invalid=False))
            self.grid.addWidget(label, row, column)
            self.grid.addWidget(box, row, column + 1)
            self.boxes[criterion.code] = box
        # Tab: date, method, dossier code, the ratings in the form's order, the comment, «Lưu phiếu»; the kiosk
        # button last (it was between the code and «Lưu», and Tab never reached the ratings). Set pair by pair from
        # the first: each call moves only the second widget, right after the first.
        chain = [self.taken_on, self.method, self.dossier, self.overall, *self.boxes.values(), self.comment,
                 self.save_button, self.kiosk_button]
        for first, second in pairwise(chain):
            self.setTabOrder(first, second)

    def entry(self) -> SurveyEntry:
        """The form as typed; a date that is not a day is reported by the service's check as missing."""
        try:
            taken = self.taken_on.day()
        except ValueError as exc:
            raise ValidationError({"taken_on": str(exc)}) from None
        return SurveyEntry(
            taken_on=taken, method=SurveyMethod(self.method.currentData()), overall=self.overall.score(),
            answers={code: box.score() for code, box in self.boxes.items() if box.score() is not None},
            dossier_code=self.dossier.text(), comment=self.comment.text())

    def _suggest(self, text: str) -> None:
        found = self.service.find_dossier_codes(text, limit=10) if len(text.strip()) >= 3 else []
        self.completions.setStringList([choice.code for choice in found])

    def save(self) -> None:
        try:
            saved = self.service.record(self.entry())
        except ValidationError as exc:
            answer_problems = {key: message for key, message in exc.errors.items() if key.startswith("answers.")}
            for criterion in self.criteria:
                _mark(self.boxes[criterion.code], invalid=answer_key(criterion) in answer_problems)
            others = self.errors.show(exc.errors)
            self.status.setText(" ".join([_("Chưa lưu: hãy sửa các ô được đánh dấu."), *others]))
            return
        self.errors.show({})
        self.status.setText(_("Đã lưu phiếu số {id} ngày {day}{linked}. Nhập phiếu tiếp theo.").format(
            id=saved.id, day=formatting.short_date(saved.taken_on),
            linked=_(", hồ sơ {code}").format(code=saved.dossier_code) if saved.dossier_code else ""))
        for box in (self.overall, *self.boxes.values()):
            box.clear()
            box.setProperty("invalid", False)
        self.dossier.clear()
        self.comment.clear()
        self.overall.setFocus()
        self.show_recent()
        self.draft.discard()

    # -- the draft -----------------------------------------------------------------------------------------

    def draft_data(self) -> dict[str, Any] | None:
        """The form as keyed so far; None while no score, dossier code or comment is typed."""
        scores = {code: box.score() for code, box in (("overall", self.overall), *self.boxes.items())
                  if box.score() is not None}
        if not scores and not self.dossier.text().strip() and not self.comment.text().strip():
            return None
        try:
            taken = self.taken_on.day()
        except ValueError:
            taken = None
        return {"taken_on": taken.isoformat() if taken else None, "method": self.method.currentData(),
                "dossier_code": self.dossier.text(), "scores": scores, "comment": self.comment.text()}

    def restore_draft(self, data: Mapping[str, Any]) -> None:
        """Fill the form back from a draft; scores of criteria no longer on the form are left out."""
        if data.get("taken_on"):
            self.taken_on.set_day(date.fromisoformat(data["taken_on"]))
        method = self.method.findData(data.get("method"))
        if method >= 0:
            self.method.setCurrentIndex(method)
        self.dossier.setText(str(data.get("dossier_code") or ""))
        scores = data.get("scores") or {}
        for code, box in (("overall", self.overall), *self.boxes.items()):
            score = scores.get(code)
            box.setText(str(score) if isinstance(score, int) and 1 <= score <= 5 else "")
        self.comment.setText(str(data.get("comment") or ""))
        self.errors.show({})
        self.overall.setFocus()

    def refresh(self) -> None:
        self.show_recent()
        self.figures.refresh()

    def show_recent(self) -> None:
        fill(self.recent, [(formatting.short_date(survey.taken_on), survey.method.label, str(survey.overall),
                            survey.dossier_code, survey.comment) for survey in self.service.recent(RECENT)])

    def open_kiosk(self) -> None:
        from ui.kiosk import KioskWindow

        KioskWindow.open_for(self.context, dossier_code=self.dossier.text().strip(), parent=self)


class SurveyFigures(QWidget):
    """Số liệu khảo sát: responses of a period by method and month, the satisfaction rate, the average of each
    criterion (lowest first), and the responses per procedure field and per desk officer."""

    def __init__(self, statistics: StatisticsService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.statistics = statistics
        self.picker = PeriodPicker(statistics.working_year(), name="surveyFigures")
        self.summary = QLabel()
        self.summary.setObjectName("surveySummary")
        self.summary.setWordWrap(True)
        self.criteria = read_only_table(("Mã", "Tiêu chí", "Số câu trả lời", "Điểm trung bình"), "criterionFigures",
                                        stretch=1)
        self.months = read_only_table(("Tháng", "Số phiếu", "Tỷ lệ hài lòng"), "monthFigures")
        self.fields = read_only_table(("Lĩnh vực", "Số phiếu", "Tỷ lệ hài lòng", "Điểm chung"), "fieldFigures",
                                      stretch=0)
        self.officers = read_only_table(("Cán bộ tiếp nhận", "Số phiếu", "Tỷ lệ hài lòng", "Điểm chung"),
                                        "officerFigures", stretch=0)
        top = QHBoxLayout()
        top.addWidget(self.picker)
        top.addWidget(self.summary, 1)
        grid = QGridLayout()
        for row, column, title, table in ((0, 0, _("Theo tiêu chí, điểm thấp nhất trước"), self.criteria),
                                          (0, 1, _("Theo tháng"), self.months),
                                          (1, 0, _("Theo lĩnh vực thủ tục"), self.fields),
                                          (1, 1, _("Theo cán bộ tiếp nhận hồ sơ"), self.officers)):
            group = QGroupBox(title)
            QVBoxLayout(group).addWidget(table)
            grid.addWidget(group, row, column)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid, 1)
        self.picker.changed.connect(lambda _key: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        period = self.picker.current()
        figures = self.statistics.figures(period=period).surveys
        monthly = self.statistics.monthly(period=period).months
        self.summary.setText(_("{label}: {n} phiếu (phát phiếu {paper}, trực tuyến {online}, kiosk {kiosk}); "
                               "tỷ lệ hài lòng {rate}.").format(
            label=period.label, n=formatting.number(figures.responses), paper=formatting.number(figures.paper),
            online=formatting.number(figures.online), kiosk=formatting.number(figures.kiosk),
            rate=formatting.percent(figures.rate)))
        criteria = sorted(figures.criteria, key=lambda c: (c.average is None, c.average or 0, c.code))
        fill(self.criteria, [(c.code, c.text, formatting.number(c.answers),
                              formatting.number(c.average, decimals=2) if c.average is not None else "—")
                             for c in criteria])
        fill(self.months, [(f"{m.month:%m/%Y}", formatting.number(m.responses), formatting.percent(m.satisfaction_rate))
                           for m in monthly])
        for table, group, missing in ((self.fields, "field", _("(phiếu không gắn hồ sơ)")),
                                      (self.officers, "officer", _("(phiếu không gắn hồ sơ)"))):
            fill(table, [(g.name or missing, formatting.number(g.responses), formatting.percent(g.rate),
                          formatting.number(g.average, decimals=2) if g.average is not None else "—")
                         for g in self.statistics.surveys_by(group, period=period)])


class QuestionnaireEditor(QWidget):
    """Bộ câu hỏi: the criteria of the survey form, in order; add, reword, stop or resume one. Nothing is
    deleted: a criterion no longer asked is marked so, and its old answers keep their wording."""

    changed = Signal()

    def __init__(self, service: SurveyService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.criteria: list[SurveyCriterion] = []
        self.table = read_only_table(("Vị trí", "Mã", "Khía cạnh", "Nội dung", "Đang dùng"), "criteria", stretch=3)
        self.add_button = QPushButton(_("Thêm tiêu chí"))
        self.add_button.setObjectName("addCriterion")
        self.edit_button = QPushButton(_("Sửa nội dung"))
        self.edit_button.setObjectName("editCriterion")
        self.toggle_button = QPushButton(_("Ngừng dùng / dùng lại"))
        self.toggle_button.setObjectName("toggleCriterion")
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.toggle_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.toggle_button.clicked.connect(self.toggle)
        self.table.doubleClicked.connect(self.edit)
        self.refresh()

    def refresh(self) -> None:
        self.criteria = self.service.criteria()
        fill(self.table, [(str(c.position), c.code, f"{c.aspect}. {c.aspect_name}", c.text,
                           _("Có") if c.active else _("Không")) for c in self.criteria])

    def current(self) -> SurveyCriterion | None:
        row = self.table.currentRow()
        return self.criteria[row] if 0 <= row < len(self.criteria) else None

    def after(self, saved: SurveyCriterion | None) -> None:
        if saved is None:
            return
        self.refresh()
        self.table.selectRow(next(row for row, c in enumerate(self.criteria) if c.id == saved.id))
        self.changed.emit()

    def add(self) -> None:
        self.after(CriterionDialog.ask(self, self.service))

    def edit(self) -> None:
        criterion = self.current()
        if criterion is not None:
            self.after(CriterionDialog.ask(self, self.service, criterion))

    def toggle(self) -> None:
        criterion = self.current()
        if criterion is None:
            return
        try:
            saved = self.service.update_criterion(criterion.id, active=not criterion.active)
        except ValidationError as exc:
            messages.error(self, " ".join(exc.errors.values()))
            return
        self.after(saved)


def _mark(box: ScoreBox, *, invalid: bool) -> None:
    """A rating box drawn as wrong (red) or not; changed as soon as it is typed in again."""
    if bool(box.property("invalid")) != invalid:
        box.setProperty("invalid", invalid)
        box.style().unpolish(box)
        box.style().polish(box)
