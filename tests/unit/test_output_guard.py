"""An output path that points at the database, a file beside it, a backup or another SQLite file is refused
(issue 13): every command that writes a file, aimed at each of them, exits 1 with the reason in Vietnamese and
changes nothing; a file that is no database is replaced whole (written beside it, then renamed)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from cchc_desktop import cli
from cchc_desktop.files import OutputRefused, check_output, write_atomically
from cchc_desktop.services.backups import BackupService
from db.connection import open_db
from tests.conftest import DEMO_ADMIN
from tests.unit.test_cli import cchc


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "—"


def first(path: Path, sql: str) -> str:
    con = sqlite3.connect(path)
    try:
        return str(con.execute(sql).fetchone()[0])
    finally:
        con.close()


def make_targets(demo_path: Path, folder: Path, suffix: str) -> dict[str, Path]:
    """What a mistyped --out may name: the database, its side files, a backup, another database, a link...
    (the names given ``suffix`` where a command checks the file type first)."""
    folder.mkdir(exist_ok=True)
    backup = BackupService(demo_path).backup().path
    other = folder / f"khac{suffix}"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    symlink = folder / f"lien-ket{suffix}"
    symlink.symlink_to(demo_path)
    hard = folder / f"cung-tep{suffix}"
    os.link(demo_path, hard)
    directory = folder / f"thu-muc{suffix}"
    directory.mkdir()
    return {
        "database": demo_path, "wal": Path(f"{demo_path}-wal"), "shm": Path(f"{demo_path}-shm"),
        "journal": Path(f"{demo_path}-journal"), "backup": backup,
        "new file in the backups folder": backup.parent / f"bao-cao{suffix}", "another database": other,
        "symbolic link": symlink, "hard link": hard, "folder": directory,
    }


def commands(demo_path: Path) -> dict[str, Callable[[Path], list[str]]]:
    code = first(demo_path, "SELECT code FROM dossier ORDER BY id LIMIT 1")
    inspection = first(demo_path, "SELECT min(id) FROM inspection")
    return {
        "receipt": lambda out: ["receipt", code, "--out", str(out)],
        "control sheet": lambda out: ["receipt", code, "--form", "05", "--out", str(out)],
        "ledger": lambda out: ["ledger", "--from", "01/01/2024", "--to", "31/01/2024", "--out", str(out)],
        "inspection record": lambda out: ["inspection-record", inspection, "--out", str(out)],
        "turn-away": lambda out: ["turn-away", "--kind", "not_accepted", "--applicant", "Lê Thị Hà", "--reason",
                                  "Không thuộc thẩm quyền", "--out", str(out)],
        "report json": lambda out: ["report", "--period", "2024-H1", "--format", "json", "--out", str(out),
                                    "--date", "05/07/2024"],
        "report pdf": lambda out: ["report", "--period", "2024-H1", "--format", "pdf", "--out", str(out),
                                   "--date", "05/07/2024", "--draft"],
        "dashboard summary": lambda out: ["dashboard", "--period", "2024", "--out", str(out)],
        "export": lambda out: ["export", "dossiers", str(out), "--reason", "kiểm thử dữ liệu"],
        "import rejects": lambda out: ["import", "dossiers", str(demo_path.parent / "loi.csv"), "--skip-invalid",
                                       "--rejects", str(out)],
    }


TABLES = ("export", "import rejects")  # these check first that the name ends in .csv or .xlsx


def test_every_output_aimed_at_the_database_or_a_copy_is_refused(
        demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (demo_path.parent / "loi.csv").write_text("Chủ hồ sơ,Ngày tiếp nhận,Mã thủ tục\n,01/01/2024,1.001193\n",
                                              encoding="utf-8")
    targets = {".pdf": make_targets(demo_path, tmp_path / "pdf", ".pdf"),
               ".csv": make_targets(demo_path, tmp_path / "csv", ".csv")}
    window = open_db(demo_path)  # the window stays open throughout, as the README promises
    dossiers = window.execute("SELECT count(*) FROM dossier").fetchone()[0]
    before = {path: digest(path) for named in targets.values() for path in named.values()}
    wrong = []
    for command, make in commands(demo_path).items():
        for kind, target in targets[".csv" if command in TABLES else ".pdf"].items():
            code = cli.main([*make(target), "--db", str(demo_path), *DEMO_ADMIN])
            err = capsys.readouterr().err
            said = f"Không ghi vào «{target}»" in err or (
                command in TABLES and "Chỉ ghi được tệp .csv hoặc .xlsx" in err and not target.name.endswith(".csv"))
            if code != 1 or not said:
                wrong.append(f"{command} → {kind}: exit {code}, {err.strip()[:200]}")
    assert wrong == []
    unchanged = {path: digest(path) for path in before if not str(path).startswith(str(demo_path))}
    assert unchanged == {path: value for path, value in before.items() if path in unchanged}
    assert window.execute("SELECT count(*) FROM dossier").fetchone()[0] == dossiers
    window.close()
    assert cchc("--db", str(demo_path), *DEMO_ADMIN, "check").returncode == 0


def test_the_attack_of_the_issue_in_a_fresh_process(demo_path: Path) -> None:
    """``cchc --db X --user motcua receipt CODE --out X`` printed «Đã tạo X» and X was a PDF."""
    code = first(demo_path, "SELECT code FROM dossier ORDER BY id LIMIT 1")
    result = cchc("--db", str(demo_path), "--user", "motcua", "receipt", code, "--out", str(demo_path),
                  env={"CCHC_PASSWORD": "demo1234"})
    assert result.returncode == 1
    assert result.stderr.startswith(f"Lỗi: Không ghi vào «{demo_path}»: đó là tệp cơ sở dữ liệu đang dùng.")
    assert demo_path.read_bytes()[:16] == b"SQLite format 3\x00"
    assert cchc("--db", str(demo_path), *DEMO_ADMIN, "check").returncode == 0


def test_a_file_that_is_no_database_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "phieu.pdf"
    target.write_bytes(b"old")
    inode = target.stat().st_ino
    write_atomically(target, b"%PDF-new")
    assert target.read_bytes() == b"%PDF-new"
    assert target.stat().st_ino != inode  # a new file renamed over, not the old one truncated
    assert sorted(p.name for p in tmp_path.iterdir()) == ["phieu.pdf"]
    assert check_output(tmp_path / "moi.pdf") == tmp_path / "moi.pdf"


def test_a_database_opened_here_is_refused_even_under_another_name(db_path: Path, tmp_path: Path) -> None:
    db = open_db(db_path)
    try:
        os.link(db_path, tmp_path / "ten-khac.pdf")
        with pytest.raises(OutputRefused, match="đó là tệp cơ sở dữ liệu đang dùng"):
            write_atomically(tmp_path / "ten-khac.pdf", b"x")
        with pytest.raises(OutputRefused, match="đó là tệp đi kèm của cơ sở dữ liệu"):
            write_atomically(Path(f"{db_path}-shm"), b"x")
    finally:
        db.close()
