"""The citizens' survey kiosk: a full-screen window a citizen taps after receiving a result.

One question at a time (first the overall satisfaction, then the configured criteria, each can be skipped),
five large buttons with a face and words, a thank-you page, and back to the start after a few seconds without
a touch. Nothing else of the application is reachable: the window is modal and full screen, closing it or
pressing Esc asks for the staff PIN. Any error is logged and the kiosk returns to its start page; a citizen
never sees a traceback.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QColor, QIcon, QKeyEvent, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cchc_desktop.domain.surveys import Score, SurveyCriterion
from cchc_desktop.i18n import _
from ui import messages
from ui.context import AppContext

log = logging.getLogger("cchc.ui")

IDLE_MS = 45_000  # a question left untouched this long: the citizen has gone (what was answered is kept)
THANKS_MS = 5_000
FACE_COLOURS = {1: "#c0392b", 2: "#e67e22", 3: "#f1c40f", 4: "#7cb342", 5: "#2e9e6a"}


def face_icon(level: int, size: int = 96) -> QIcon:
    """A face drawn for a level 1–5 (frown to smile), so no emoji font is needed."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(FACE_COLOURS[level]))
    painter.setPen(QPen(QColor("#333333"), size / 32))
    margin = size * 0.06
    painter.drawEllipse(QRectF(margin, margin, size - 2 * margin, size - 2 * margin))
    painter.setBrush(QColor("#333333"))
    for x in (0.36, 0.64):
        painter.drawEllipse(QPointF(size * x, size * 0.4), size * 0.05, size * 0.06)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(QColor("#333333"), size / 18, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    curve = (level - 3) / 2  # -1 frown … +1 smile
    if curve == 0:
        painter.drawLine(QPointF(size * 0.32, size * 0.66), QPointF(size * 0.68, size * 0.66))
    else:
        height = size * 0.25 * abs(curve)
        top = size * 0.55 if curve > 0 else size * 0.63
        start = 200 if curve > 0 else 20  # the lower arc smiles, the upper arc frowns
        painter.drawArc(QRectF(size * 0.3, top - height / 2, size * 0.4, height), start * 16, 140 * 16)
    painter.end()
    return QIcon(pixmap)


class KioskWindow(QWidget):
    def __init__(self, context: AppContext, *, dossier_code: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("kiosk")
        self.setWindowTitle(_("Đánh giá sự hài lòng"))
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.service = context.kiosk
        self.unit_name = context.settings.load().name
        self.dossier_code = dossier_code
        self.unlocked = False
        self.criteria: list[SurveyCriterion] = []
        self.questions: list[tuple[int | None, str]] = []  # (criterion id or None for overall, text)
        self.step = 0
        self.answers: dict[int, int] = {}
        self.overall: int | None = None

        self.pages = QStackedWidget()
        self.start_page = self._start_page()
        self.question_page = self._question_page()
        self.thanks_page = self._thanks_page()
        for page in (self.start_page, self.question_page, self.thanks_page):
            self.pages.addWidget(page)
        self.exit_button = QToolButton()
        self.exit_button.setObjectName("kioskExit")
        self.exit_button.setText(_("Cán bộ"))
        self.exit_button.setToolTip(_("Thoát chế độ kiosk (cần mã PIN)"))
        self.exit_button.clicked.connect(self.ask_exit)
        corner = QHBoxLayout()
        corner.addStretch(1)
        corner.addWidget(self.exit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(corner)
        layout.addWidget(self.pages, 1)

        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(IDLE_MS)
        self.idle.timeout.connect(self.walked_away)
        self.thanks_timer = QTimer(self)
        self.thanks_timer.setSingleShot(True)
        self.thanks_timer.setInterval(THANKS_MS)
        self.thanks_timer.timeout.connect(self.restart)
        QApplication.instance().installEventFilter(self)
        self.restart()

    # -- pages -------------------------------------------------------------------------------------------

    def _big(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setProperty("role", "kiosk")
        button.setMinimumHeight(72)
        return button

    def _start_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        self.welcome = QLabel()
        self.welcome.setObjectName("kioskWelcome")
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.welcome.setWordWrap(True)
        self.begin_button = self._big(_("Bắt đầu đánh giá"), "kioskBegin")
        self.begin_button.clicked.connect(self.begin)
        column.addStretch(1)
        column.addWidget(self.welcome)
        column.addWidget(self.begin_button, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(1)
        return page

    def _question_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        self.progress = QLabel()
        self.progress.setObjectName("kioskProgress")
        self.progress.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.question = QLabel()
        self.question.setObjectName("kioskQuestion")
        self.question.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.question.setWordWrap(True)
        row = QHBoxLayout()
        self.score_buttons: dict[int, QToolButton] = {}
        for score in reversed(list(Score)):
            level = int(score.value)
            button = QToolButton()
            button.setObjectName(f"kioskScore{level}")
            button.setProperty("role", "kiosk")
            button.setText(score.label)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            button.setIcon(face_icon(level))
            button.setIconSize(QSize(110, 110))
            button.setMinimumSize(210, 190)
            button.clicked.connect(lambda _checked=False, value=level: self.choose(value))
            self.score_buttons[level] = button
            row.addWidget(button)
        navigation = QHBoxLayout()
        self.back_button = self._big(_("◀ Quay lại"), "kioskBack")
        self.skip_button = self._big(_("Bỏ qua câu này ▶"), "kioskSkip")
        self.back_button.clicked.connect(self.back)
        self.skip_button.clicked.connect(lambda: self.choose(None))
        navigation.addWidget(self.back_button)
        navigation.addStretch(1)
        navigation.addWidget(self.skip_button)
        column.addWidget(self.progress)
        column.addStretch(1)
        column.addWidget(self.question)
        column.addSpacing(24)
        column.addLayout(row)
        column.addStretch(1)
        column.addLayout(navigation)
        return page

    def _thanks_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        self.thanks = QLabel(_("Trân trọng cảm ơn Ông/Bà đã đánh giá!\nÝ kiến của Ông/Bà giúp chúng tôi phục vụ "
                               "tốt hơn."))
        self.thanks.setObjectName("kioskThanks")
        self.thanks.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thanks.setWordWrap(True)
        column.addStretch(1)
        column.addWidget(self.thanks)
        column.addStretch(1)
        return page

    # -- the flow ----------------------------------------------------------------------------------------

    def restart(self) -> None:
        """Back to the start page, answers dropped; the questionnaire read again."""
        self.thanks_timer.stop()
        self.idle.stop()
        self.overall, self.answers, self.step = None, {}, 0
        try:
            self.criteria = self.service.surveys.questionnaire()
        except Exception:  # the kiosk never shows a traceback to a citizen
            log.exception("kiosk: the questionnaire could not be read")
            self.criteria = []
        self.questions = [(None, _("Nhìn chung, Ông/Bà hài lòng thế nào với sự phục vụ hôm nay?"))] + [
            (criterion.id, criterion.text) for criterion in self.criteria]
        self.welcome.setText(_("{unit}\n\nXin mời Ông/Bà đánh giá sự hài lòng về việc giải quyết thủ tục hành chính"
                               "{code}").format(unit=self.unit_name, code=_("\n(hồ sơ {code})").format(
                                   code=self.dossier_code) if self.dossier_code else ""))
        self.pages.setCurrentWidget(self.start_page)

    def begin(self) -> None:
        self.step = 0
        self.show_question()

    def show_question(self) -> None:
        criterion_id, text = self.questions[self.step]
        self.progress.setText(_("Câu {n}/{total}").format(n=self.step + 1, total=len(self.questions)))
        self.question.setText(text)
        self.skip_button.setVisible(criterion_id is not None)  # the overall question must be answered
        self.pages.setCurrentWidget(self.question_page)
        self.idle.start()

    def choose(self, value: int | None) -> None:
        criterion_id, _text = self.questions[self.step]
        if criterion_id is None:
            if value is None:
                return
            self.overall = value
        elif value is None:
            self.answers.pop(criterion_id, None)
        else:
            self.answers[criterion_id] = value
        self.step += 1
        if self.step < len(self.questions):
            self.show_question()
        else:
            self.finish()

    def walked_away(self) -> None:
        """A question left untouched: the response is saved once the required overall rating is given (the other
        questions are optional, issue 18), else the kiosk starts again with nothing saved."""
        if self.overall is not None:
            self.finish()
        else:
            self.restart()

    def back(self) -> None:
        if self.step == 0:
            self.restart()
            return
        self.step -= 1
        self.show_question()

    def finish(self) -> None:
        self.idle.stop()
        try:
            self.service.record(overall=self.overall or 0, answers=self.answers, dossier_code=self.dossier_code)
        except Exception:  # logged; the citizen sees the thanks page, the desk sees the log
            log.exception("kiosk: a response could not be saved")
        self.dossier_code = ""  # the next citizen is someone else
        self.pages.setCurrentWidget(self.thanks_page)
        self.thanks_timer.start()

    # -- staying in front --------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.TouchBegin) \
                and self.idle.isActive():
            self.idle.start()  # a touch anywhere keeps the question open
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.ask_exit()
            return
        super().keyPressEvent(event)

    def ask_exit(self) -> bool:
        """Leave the kiosk if a staff member types the PIN."""
        pin = messages.ask_pin(self, _("Thoát chế độ kiosk"), _("Mã PIN của cán bộ:"))
        if pin is None:
            return False
        if not self.service.check_pin(pin):
            messages.error(self, _("Mã PIN không đúng."))
            return False
        self.unlocked = True
        self.close()
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.unlocked:
            event.ignore()
            return
        if self.idle.isActive() and self.overall is not None:  # closed by the staff mid-way: keep the answers
            self.finish()
        QApplication.instance().removeEventFilter(self)
        self.idle.stop()
        self.thanks_timer.stop()
        super().closeEvent(event)

    @classmethod
    def open_for(cls, context: AppContext, *, dossier_code: str = "", parent: QWidget | None = None) -> None:
        """Open the kiosk full screen; refused, with the reason, until a staff PIN is set (Cài đặt)."""
        if not context.kiosk.has_pin():
            messages.error(parent, _("Chưa đặt mã PIN thoát kiosk. Hãy đặt mã PIN ở trang Cài đặt trước khi mở "
                                     "kiosk cho người dân."))
            return
        kiosk = cls(context, dossier_code=dossier_code, parent=parent)
        kiosk.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        kiosk.showFullScreen()
