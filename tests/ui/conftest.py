"""The real main window on a real temporary database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from cchc_desktop.domain.unit import UnitSettings
from cchc_desktop.services.settings import SettingsService
from db.connection import open_db
from ui.app import configure_application
from ui.context import AppContext
from ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def _no_printer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Like the CI machine: no printer, so printing opens the PDF (tests that print say so themselves)."""
    from ui import paper

    monkeypatch.setattr(paper, "printer_names", list)


def _context(qapp, path: Path | str, *, unit: UnitSettings | None = None) -> Iterator[AppContext]:
    configure_application(qapp)
    db = open_db(path)
    if unit is not None:
        SettingsService(db).save(unit)
    context = AppContext(db, path)
    yield context
    context.close()  # its database and the read-only connections its pages' threads opened (Office.reader)


def _window(qtbot: QtBot, context: AppContext) -> MainWindow:
    main = MainWindow(context)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


@pytest.fixture
def context(db_location: Path | str, qapp) -> Iterator[AppContext]:
    """An empty database with the unit declared (a file, or in a module marked ``backends`` a server's too)."""
    yield from _context(qapp, db_location, unit=UnitSettings(name="UBND xã Hoằng Hợp", place="Hoằng Hợp",
                                                           code="000.21.31.H56"))


@pytest.fixture
def window(qtbot: QtBot, context: AppContext) -> MainWindow:
    return _window(qtbot, context)


@pytest.fixture
def demo_context(demo_location: Path | str, qapp) -> Iterator[AppContext]:
    """A demo year of 300 dossiers (a file, or in a module marked ``backends`` a server's database too)."""
    yield from _context(qapp, demo_location)


@pytest.fixture
def demo_window(qtbot: QtBot, demo_context: AppContext) -> MainWindow:
    return _window(qtbot, demo_context)
