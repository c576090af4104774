"""Files with personal data are their owner's only (issue 14): papers, exports and the log are written 0600, the
printed papers' folder 0700, and the papers are removed after the days the admin set, the removal audited."""

from __future__ import annotations

import json
import logging
import os
import stat
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from cchc_desktop.domain.papers import PaperKind
from cchc_desktop.errors import ValidationError
from cchc_desktop.files import write_atomically
from cchc_desktop.logs import LOG_FILE, setup_logging
from cchc_desktop.services.exports import ExportService
from cchc_desktop.services.papers import PaperStore, papers_folder
from cchc_desktop.services.printing import PrintingService
from cchc_desktop.services.settings import SettingsService
from db.connection import open_db

NOW = datetime(2026, 12, 6, 9, 0)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def lax_umask() -> object:
    """The usual umask of a desktop session (files 0644): what the files must not inherit."""
    before = os.umask(0o022)
    yield None
    os.umask(before)


def test_papers_and_exports_are_written_for_their_owner_only(demo_path: Path, tmp_path: Path,
                                                             lax_umask: object) -> None:
    db = open_db(demo_path)
    try:
        code = db.execute("SELECT code FROM dossier ORDER BY id LIMIT 1").fetchone()[0]
        receipt = tmp_path / "mau01.pdf"
        PrintingService(db).print_paper(code, PaperKind.RECEIPT, receipt)
        ledger = tmp_path / "so.pdf"
        PrintingService(db).ledger(first=datetime(2024, 5, 1).date(), last=datetime(2024, 5, 31).date(), target=ledger)
        exported = ExportService(db).export_dossiers(tmp_path / "hoso.csv", reason="kiểm thử quyền tệp").path
        xlsx = ExportService(db).export_dossiers(tmp_path / "hoso.xlsx", reason="kiểm thử quyền tệp").path
    finally:
        db.close()
    for path in (receipt, ledger, exported, xlsx):
        assert mode(path) == 0o600, path
    write_atomically(tmp_path / "old.pdf", b"%PDF")
    os.chmod(tmp_path / "old.pdf", 0o644)
    write_atomically(tmp_path / "old.pdf", b"%PDF-again")  # replacing a file written 0644 makes it private
    assert mode(tmp_path / "old.pdf") == 0o600


def test_the_log_is_its_owners_only(tmp_path: Path, lax_umask: object) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / LOG_FILE).write_text("an earlier version's log\n")
    os.chmod(folder / LOG_FILE, 0o644)
    setup_logging("INFO", folder=folder)
    logging.getLogger("cchc.test").info("một dòng")
    assert mode(folder / LOG_FILE) == 0o600
    fresh = tmp_path / "fresh"
    setup_logging("INFO", folder=fresh)
    logging.getLogger("cchc.test").info("một dòng")
    assert mode(fresh / LOG_FILE) == 0o600 and mode(fresh) == 0o700
    setup_logging("INFO", folder=tmp_path / "again")  # leaves the files above closed


def test_the_log_rotates_at_its_size_each_file_its_owners_only(tmp_path: Path, lax_umask: object,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cchc_desktop.logs.MAX_BYTES", 2_000)
    folder = tmp_path / "logs"
    setup_logging("INFO", folder=folder)
    assert mode(folder / LOG_FILE) == 0o600 and (folder / LOG_FILE).read_text() == ""  # made at once, empty
    for number in range(200):
        logging.getLogger("cchc.test").info("dòng số %d của nhật ký", number)
    files = sorted(path.name for path in folder.iterdir())
    assert files == [LOG_FILE, f"{LOG_FILE}.1", f"{LOG_FILE}.2", f"{LOG_FILE}.3"]  # three older files kept
    assert all(mode(folder / name) == 0o600 for name in files)
    assert all((folder / name).stat().st_size <= 2_000 for name in files)
    assert "dòng số 199 của nhật ký" in (folder / LOG_FILE).read_text(encoding="utf-8")
    setup_logging("INFO", folder=tmp_path / "again")  # leaves the files above closed


def test_the_log_file_handler_is_built_at_the_first_record_not_at_the_start(tmp_path: Path) -> None:
    """``logging.handlers`` (~6 ms) is no part of a start that writes nothing to the log."""
    program = (
        "import logging, sys; from pathlib import Path; from cchc_desktop.logs import setup_logging;"
        f"setup_logging('INFO', folder=Path({str(tmp_path)!r}));"
        "before = 'logging.handlers' in sys.modules;"
        "logging.getLogger('cchc.test').warning('một dòng');"
        "print(before, 'logging.handlers' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]
    assert "một dòng" in (tmp_path / LOG_FILE).read_text(encoding="utf-8")


def test_a_log_file_that_cannot_be_opened_at_the_first_record_never_breaks_the_caller(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "logs"
    setup_logging("INFO", folder=folder)
    (folder / LOG_FILE).unlink()
    (folder / LOG_FILE).mkdir()  # the file's name taken by a folder: opening it fails
    monkeypatch.setattr(logging, "raiseExceptions", False)  # (logging's own report of the failure, on stderr)
    logging.getLogger("cchc.test").warning("một dòng")  # no exception reaches the caller
    (folder / LOG_FILE).rmdir()
    logging.getLogger("cchc.test").warning("dòng sau")  # the next record opens the file
    assert "dòng sau" in (folder / LOG_FILE).read_text(encoding="utf-8")
    setup_logging("INFO", folder=tmp_path / "again")


def test_printed_papers_are_removed_after_the_days_set_and_the_removal_audited(db: Database,
                                                                              lax_umask: object) -> None:
    folder = papers_folder()
    assert mode(folder) == 0o700
    old, recent, other = folder / "000.21.31.H56-240604-0001-mau01.pdf", folder / "so-theo-doi.pdf", folder / "ghi.txt"
    for path in (old, recent, other):
        path.write_bytes(b"%PDF")
    aged = (NOW - timedelta(days=91)).timestamp()
    os.utime(old, (aged, aged))
    os.utime(other, (aged, aged))
    tidied = PaperStore(db, clock=lambda: NOW).tidy()
    assert tidied.removed == (old.name,) and tidied.keep_days == 90
    assert not old.exists() and recent.exists() and other.exists()
    assert mode(recent) == 0o600  # a paper left readable by an earlier version is made private
    (after,) = db.execute("SELECT after FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert json.loads(after)["tệp"] == [old.name] and json.loads(after)["cũ hơn (ngày)"] == 90

    SettingsService(db).update(name="UBND xã Hoằng Hợp", papers_keep_days=7)
    os.utime(recent, ((NOW - timedelta(days=8)).timestamp(),) * 2)
    assert PaperStore(db, clock=lambda: NOW).tidy().removed == (recent.name,)
    with pytest.raises(ValidationError) as refused:
        SettingsService(db).update(papers_keep_days=0)
    assert refused.value.errors == {"papers_keep_days": "Số ngày giữ phiếu đã in phải từ 7 đến 3650."}
