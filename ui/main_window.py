"""The main window: a navigation list on the left, one page at a time on the right (DESIGN.md §1)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QSettings, QSignalBlocker, QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from cchc_desktop import APP_NAME
from cchc_desktop.domain.users import Permission, Role
from cchc_desktop.i18n import _
from cchc_desktop.services import sessions
from ui.context import AppContext
from ui.pages.base import Page


@dataclass(frozen=True)
class PageSpec:
    name: str
    title: str
    build: Callable[[AppContext, QWidget], Page]


def _page(name: str, title: str, where: str) -> PageSpec:
    """A page whose module (``ui.pages.x:Class``) is imported when the page is first built: the window
    starts without the code, and the services, of the pages not yet opened."""
    module, _sep, cls = where.partition(":")

    def build(context: AppContext, parent: QWidget) -> Page:
        return getattr(importlib.import_module(module), cls)(context, parent)

    return PageSpec(name, title, build)


PAGES: list[PageSpec] = [
    _page("dashboard", "Tổng quan", "ui.pages.overview_page:OverviewPage"),
    _page("reception", "Tiếp nhận hồ sơ", "ui.pages.reception_page:ReceptionPage"),
    _page("register", "Sổ theo dõi hồ sơ", "ui.pages.register_page:RegisterPage"),
    _page("today", "Việc hôm nay", "ui.pages.today_page:TodayPage"),
    _page("surveys", "Khảo sát hài lòng", "ui.pages.surveys_page:SurveysPage"),
    _page("inspections", "Kiểm tra kỷ luật, kỷ cương", "ui.pages.inspections_page:InspectionsPage"),
    _page("plan", "Kế hoạch CCHC", "ui.pages.plan_page:PlanPage"),
    _page("reports", "Báo cáo", "ui.pages.reports_page:ReportsPage"),
    _page("score", "Chỉ số 766", "ui.pages.score_page:ScorePage"),
    _page("catalogue", "Danh mục", "ui.pages.catalogue_page:CataloguePage"),
    _page("settings", "Cài đặt", "ui.pages.settings_page:SettingsPage"),
    _page("audit", "Nhật ký thay đổi", "ui.pages.audit_page:AuditPage"),
]
PAGE_NAMES = [spec.name for spec in PAGES]
# The page a role starts on (without --page): the desk registers dossiers all day; the others look at the overview.
START_PAGES = {Role.DESK: "reception"}
GEOMETRY_KEY = "mainWindow/geometry"
SIZE = QSize(1200, 720)  # with a title bar and a taskbar, what a 1366×768 screen leaves
SMALL_SCREEN = QSize(1300, 820)  # a screen smaller than this: the window opens maximised


class _Navigation(QListWidget):
    """The page list: arrows and Ctrl+number move in it; typing does not jump to a page whose title starts with
    the letters (a desk officer's «khai sinh» typed before the form had the focus opened «Khảo sát»)."""

    def keyboardSearch(self, search: str) -> None:
        return None


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext, start: str | None = None, *, remember: bool = False) -> None:
        """``remember``: the size and place of the last session come back and are kept at closing (the real
        window; the tests' windows leave the user's settings alone)."""
        super().__init__()
        self.context = context
        self.remember = remember
        self.setObjectName("mainWindow")
        self.start_maximized = False
        stored = QSettings().value(GEOMETRY_KEY) if remember else None
        if stored is None or not self.restoreGeometry(stored):
            self.resize(SIZE)
            screen = QGuiApplication.primaryScreen()
            available = screen.availableGeometry().size() if screen is not None else SIZE
            self.start_maximized = available.width() < SMALL_SCREEN.width() \
                or available.height() < SMALL_SCREEN.height()
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.nav = _Navigation()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(240)
        self.nav.setIconSize(QSize(20, 20))
        self.stack = QStackedWidget()
        self.stack.setObjectName("pages")
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        # Pages are built the first time they are shown: start-up draws only the first one.
        self.pages: dict[str, Page] = {}
        for index, spec in enumerate(PAGES):
            self.stack.addWidget(QWidget())
            item = QListWidgetItem(_(spec.title))
            item.setData(Qt.ItemDataRole.UserRole, spec.name)
            shortcut = f"Ctrl+{(index + 1) % 10}" if index < 10 else ""
            item.setToolTip(shortcut)
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._show_row)
        self.nav.itemClicked.connect(lambda _item: self.current_page().focus_first())
        self.nav.itemActivated.connect(lambda _item: self.current_page().focus_first())
        self._build_menus()
        self.update_title()
        session = sessions.current(context.db)
        self.statusBar().showMessage(_("Người làm việc: {actor} · Cơ sở dữ liệu: {path}").format(
            actor=session.actor, path=context.where))
        self.show_page(start or START_PAGES.get(session.role, PAGES[0].name))

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("&Tệp"))
        self.import_action = QAction(_("&Nhập dữ liệu…"), self)
        self.import_action.setObjectName("importAction")
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.setEnabled(self.context.session.may(Permission.IMPORT))
        self.import_action.triggered.connect(self.open_import)
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
        quit_action = QAction(_("Thoát"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        go_menu = self.menuBar().addMenu(_("&Đi tới"))
        for index, spec in enumerate(PAGES[:10]):
            action = QAction(_(spec.title), self)
            action.setShortcut(QKeySequence(f"Ctrl+{(index + 1) % 10}"))
            action.triggered.connect(lambda _checked=False, name=spec.name: self.open_page(name))
            go_menu.addAction(action)

        help_menu = self.menuBar().addMenu(_("&Trợ giúp"))
        self.about_action = QAction(_("Giới thiệu"), self)
        self.about_action.setShortcut(QKeySequence("F1"))
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.remember:
            QSettings().setValue(GEOMETRY_KEY, self.saveGeometry())
        for page in self.pages.values():  # nothing left reading the database when it closes
            page.finish()
        super().closeEvent(event)

    def show_window(self) -> None:
        """Shown maximised on a small screen the first time, else as the last session left it."""
        if self.start_maximized:
            self.showMaximized()
        else:
            self.show()
        self.current_page().focus_first()  # the desk officer types at once

    def open_import(self) -> QDialog:
        """Tệp › Nhập dữ liệu… (Ctrl+I); the pages read the register again once it closes."""
        from ui.dialogs.import_dialog import open_import

        dialog = open_import(self.context, self)
        dialog.finished.connect(lambda _result: [page.refresh() for page in self.pages.values()])
        return dialog

    def show_about(self) -> None:
        from ui.dialogs import about  # the Designer loader is needed only here: keeps start-up short

        about.show(self.context, self)

    def update_title(self) -> None:
        unit = self.context.settings.load().name
        title = f"{APP_NAME} — {unit}" if unit else APP_NAME
        if self.context.accounts.demo_accounts():  # nobody takes the demo for the commune's own register
            title += _(" — DỮ LIỆU MẪU, không dùng cho công việc thật")
        self.setWindowTitle(title)

    def page(self, name: str) -> tuple[Page, bool]:
        """The page called ``name``, built now if it was not yet (then the flag is True)."""
        if name in self.pages:
            return self.pages[name], False
        index = PAGE_NAMES.index(name)
        page = PAGES[index].build(self.context, self.stack)
        slot = self.stack.widget(index)
        self.stack.insertWidget(index, page)
        self.stack.removeWidget(slot)
        slot.deleteLater()
        self.pages[name] = page
        if name == "settings":
            page.saved.connect(lambda _settings: self.update_title())
        return page, True

    def show_page(self, name: str) -> Page:
        """Show the page called ``name`` (see PAGE_NAMES); raises ValueError for an unknown name. A page that cannot
        be built (its database's server away: StorageError) raises here, before the list moves, and the page shown
        stays; asked again, it is built then."""
        row = PAGE_NAMES.index(name)
        page, built = self.page(name)
        if self.stack.currentWidget() is not page:
            self._bring(page, built)
        with QSignalBlocker(self.nav):  # (the page is shown: the list only follows)
            self.nav.setCurrentRow(row)
        return page

    def open_page(self, name: str) -> Page:
        """Show the page and put the keyboard on its first field (Ctrl+number): the officer types at once."""
        page = self.show_page(name)
        page.focus_first()
        return page

    def current_page(self) -> Page:
        widget = self.stack.currentWidget()
        assert isinstance(widget, Page)
        return widget

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        try:
            page, built = self.page(PAGE_NAMES[row])
        except Exception:  # (the server away: said by the error hook) the list goes back to the page shown
            with QSignalBlocker(self.nav):
                self.nav.setCurrentRow(self.stack.currentIndex())
            raise
        self._bring(page, built)

    def _bring(self, page: Page, built: bool) -> None:
        """Show ``page``: read again unless it was just built (it has just read what it shows)."""
        if not built:
            page.refresh()
        self.stack.setCurrentWidget(page)
