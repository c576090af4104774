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


@pytest.fixture
def context(db_path: Path, qapp) -> Iterator[AppContext]:  # type: ignore[no-untyped-def]
    configure_application(qapp)
    db = open_db(db_path)
    SettingsService(db).save(UnitSettings(name="UBND xã Hoằng Hợp", place="Hoằng Hợp", code="000.21.31.H56"))
    yield AppContext.on(db, db_path)
    db.close()


@pytest.fixture
def window(qtbot: QtBot, context: AppContext) -> MainWindow:
    main = MainWindow(context)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


@pytest.fixture
def demo_context(demo_path: Path, qapp) -> Iterator[AppContext]:  # type: ignore[no-untyped-def]
    configure_application(qapp)
    db = open_db(demo_path)
    yield AppContext.on(db, demo_path)
    db.close()


@pytest.fixture
def demo_window(qtbot: QtBot, demo_context: AppContext) -> MainWindow:
    main = MainWindow(demo_context)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main
