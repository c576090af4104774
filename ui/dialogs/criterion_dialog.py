"""A survey criterion added to the questionnaire or reworded; answers already given keep their wording."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from cchc_desktop.domain.surveys import SurveyCriterion
from cchc_desktop.i18n import _
from cchc_desktop.services.surveys import SurveyService
from ui.dialogs.form_dialog import FormDialog, required


class CriterionDialog(FormDialog):
    def __init__(self, service: SurveyService, criterion: SurveyCriterion | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Tiêu chí khảo sát") if criterion is None
                         else _("Tiêu chí {code}").format(code=criterion.code), parent)
        self.service, self.criterion = service, criterion
        self.aspect = self.add_field("aspect", _("Khía cạnh (1–5)"), QSpinBox())
        self.aspect.setRange(1, 5)
        self.aspect_name = self.add_field("aspect_name", _("Tên khía cạnh"), QLineEdit())
        self.aspect_name.setPlaceholderText(_("để trống: như các tiêu chí khác của khía cạnh này"))
        self.text = self.add_field("text", required(_("Nội dung tiêu chí")), QPlainTextEdit())
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(70)
        self.position = self.add_field("position", _("Vị trí trong phiếu"), QSpinBox())
        self.position.setRange(0, 999)
        self.position.setSpecialValueText(_("tự động"))
        if criterion is not None:
            self.aspect.setValue(criterion.aspect)
            self.aspect.setEnabled(False)
            self.aspect_name.setText(criterion.aspect_name)
            self.aspect_name.setEnabled(False)
            self.text.setPlainText(criterion.text)
            self.position.setValue(criterion.position)

    def submit(self) -> SurveyCriterion:
        position = self.position.value() or None
        if self.criterion is None:
            return self.service.add_criterion(aspect=self.aspect.value(), text=self.text.toPlainText(),
                                              aspect_name=self.aspect_name.text(), position=position)
        return self.service.update_criterion(self.criterion.id, text=self.text.toPlainText(), position=position)

    @classmethod
    def ask(cls, parent: QWidget | None, service: SurveyService,
            criterion: SurveyCriterion | None = None) -> SurveyCriterion | None:
        """The criterion saved, or None when cancelled. Tests replace this."""
        return cls.run(cls(service, criterion, parent))
