"""A saved dossier survives other programs and a kill (issue 13), with the window's process as the user has it:
see ``tests/lost_writes.py``. The long random run is ``python -m tests.lost_writes --rounds 200``."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from cchc_desktop.services.reports import ReportService
from db.connection import open_db
from tests.lost_writes import command_then_kill, demo_database, random_round
from tests.unit.test_reports import finish

pytestmark = pytest.mark.slow

COMMANDS = {
    "check": ["check"],
    "backup": ["backup", "--to", "{dir}/usb"],
    "report": ["report", "--period", "2025-H1", "--format", "json", "--out", "{dir}/baocao.json", "--date",
               "05/07/2025", "--number", "45/BC-UBND"],
    "export": ["export", "dossiers", "{dir}/hoso.csv", "--reason", "kiểm thử dữ liệu"],
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = demo_database(tmp_path_factory.mktemp("lost-writes"), dossiers=300)
    db = open_db(path)
    finish(ReportService(db), "2025-H1")  # (a report is exported finished: the «report» command records it)
    db.close()
    return path


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_dossier_saved_after_another_program_ran_survives_a_kill(template: Path, tmp_path: Path,
                                                                   command: list[str]) -> None:
    assert command_then_kill(template, tmp_path, command) == []


def test_the_same_with_the_real_window_open(template: Path, tmp_path: Path) -> None:
    assert command_then_kill(template, tmp_path, COMMANDS["check"], window=True) == []


def test_random_interleavings_of_another_process_never_lose_a_commit(template: Path, tmp_path: Path) -> None:
    rng = random.Random("lost-writes")
    saved_in_all = 0
    for number in range(6):
        workdir = tmp_path / f"round-{number}"
        workdir.mkdir()
        saved, lost = random_round(template, workdir, rng)
        assert lost == [], f"round {number}: {saved} saved, lost {lost}"
        saved_in_all += saved
    assert saved_in_all >= 6
