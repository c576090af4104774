"""Every command of ``cchc`` as every kind of caller (issue 14), compared with the roles table of DESIGN.md §1
(``domain.users.RIGHTS``): each demo account, an unknown name, a wrong password, a locked account, and no
``--user`` at all on a database whose accounts have passwords. A command runs on a fresh copy of the demo year;
one refused exits 1 with a Vietnamese reason and leaves the records as they were."""

from __future__ import annotations

import io
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from cchc_desktop import cli
from cchc_desktop.domain.users import RIGHTS, Permission, Role
from cchc_desktop.services.accounts import AccountService
from cchc_desktop.services.reports import ReportService
from tests.conftest import DEMO_PASSWORD
from tests.unit.test_reports import finish

READ = None  # a command every signed-in account may run
NO_SESSION = "no session"  # a command that opens no session (maintenance, or no database at all)


@dataclass(frozen=True)
class Command:
    name: str
    argv: Callable[[Path, Path], list[str]]  # (database, a scratch folder) → the arguments
    needs: Permission | str | None
    stdin: str = ""


def _first(path: Path, sql: str) -> str:
    con = sqlite3.connect(path)
    try:
        return str(con.execute(sql).fetchone()[0])
    finally:
        con.close()


def _code(db: Path) -> str:
    return _first(db, "SELECT code FROM dossier ORDER BY id LIMIT 1")


def _dossiers_csv(folder: Path) -> str:
    path = folder / "hoso.csv"
    path.write_text("Chủ hồ sơ,Ngày tiếp nhận,Mã thủ tục\nTrần Văn Bình,03/06/2024 08:15,1.001193\n", encoding="utf-8")
    return str(path)


def _scan(folder: Path) -> str:
    path = folder / "ket-qua.pdf"
    path.write_bytes(b"%PDF-1.4\nban quet ket qua\n%%EOF\n")
    return str(path)


def _procedures_csv(folder: Path) -> str:
    path = folder / "thutuc.csv"
    path.write_text("Mã thủ tục,Tên thủ tục,Lĩnh vực,Thời hạn giải quyết\n9.000001,Thủ tục thử,Hộ tịch,3\n",
                    encoding="utf-8")
    return str(path)


def _report_json(folder: Path) -> str:
    return str(folder / "baocao.json")


COMMANDS = [
    Command("init", lambda db, f: ["init", "--unit-name", "UBND xã Thử"], Permission.SETTINGS),
    Command("import dossiers", lambda db, f: ["import", "dossiers", _dossiers_csv(f)], Permission.IMPORT),
    Command("import procedures", lambda db, f: ["import", "procedures", _procedures_csv(f)], Permission.IMPORT),
    Command("export a month", lambda db, f: ["export", "dossiers", str(f / "thang.csv"), "--reason",
                                             "đối chiếu sổ tháng", "--period", "2024-05"], Permission.PERSONAL_EXPORT),
    Command("export the year", lambda db, f: ["export", "dossiers", str(f / "nam.csv"), "--reason", "đối chiếu sổ năm",
                                              "--period", "2024"], Permission.PERSONAL_EXPORT_ALL),
    Command("export everything", lambda db, f: ["export", "dossiers", str(f / "tatca.csv"), "--reason",
                                                "đối chiếu toàn bộ"], Permission.PERSONAL_EXPORT_ALL),
    Command("report", lambda db, f: ["report", "--period", "2024-H1", "--format", "json", "--out", _report_json(f),
                                     "--date", "05/07/2024", "--number", "45/BC-UBND"], Permission.REPORT_APPROVE),
    Command("report-value", lambda db, f: ["report-value", "--period", "2024-H1", "--row", "4.1.1", "--value", "17"],
            Permission.REPORT_EDIT),
    Command("receipt", lambda db, f: ["receipt", _code(db), "--out", str(f / "mau01.pdf")], Permission.DOSSIERS),
    Command("attach", lambda db, f: ["attach", _code(db), _scan(f), "--result"], Permission.DOSSIERS),
    Command("attach --list", lambda db, f: ["attach", _code(db), "--list"], READ),
    Command("turn-away", lambda db, f: ["turn-away", "--kind", "not_accepted", "--applicant", "Lê Thị Hà",
                                        "--reason", "Không thuộc thẩm quyền"], Permission.DOSSIERS),
    Command("fee", lambda db, f: ["fee", _code(db), "--method", "desk", "--amount", "8.000"], Permission.DOSSIERS),
    Command("fees", lambda db, f: ["fees", "--period", "2024-H1"], READ),
    Command("ledger", lambda db, f: ["ledger", "--from", "01/05/2024", "--to", "31/05/2024", "--out",
                                     str(f / "so.pdf")], READ),
    Command("inspection-record", lambda db, f: ["inspection-record", _first(db, "SELECT min(id) FROM inspection"),
                                                "--out", str(f / "bienban.pdf")], READ),
    Command("plan show", lambda db, f: ["plan", "show", "--year", "2024"], READ),
    Command("plan copy", lambda db, f: ["plan", "copy", "--from", "2024", "--to", "2025"], Permission.PLAN),
    Command("audit", lambda db, f: ["audit", "--limit", "3"], READ),
    Command("kiosk-pin", lambda db, f: ["kiosk-pin"], Permission.SETTINGS, stdin="2468\n"),
    Command("user list", lambda db, f: ["user", "list"], Permission.ACCOUNTS),
    Command("user add", lambda db, f: ["user", "add", "moi", "--name", "Người Mới", "--role", "admin"],
            Permission.ACCOUNTS, stdin="matkhau-moi-123\n"),
    Command("user reset-password", lambda db, f: ["user", "reset-password", "quantri"], Permission.ACCOUNTS,
            stdin="matkhau-moi-123\n"),
    Command("user disable", lambda db, f: ["user", "disable", "motcua"], Permission.ACCOUNTS),
    Command("user single-user", lambda db, f: ["user", "single-user", "on"], Permission.ACCOUNTS),
    Command("backup", lambda db, f: ["backup", "--to", str(f / "usb")], Permission.SETTINGS),
    Command("restore", lambda db, f: ["restore", str(_copy_of(db, f))], Permission.SETTINGS),
    Command("template install", lambda db, f: ["template", "install", "--default"], Permission.SETTINGS),
    Command("template show", lambda db, f: ["template", "show"], READ),
    Command("check", lambda db, f: ["check"], NO_SESSION),
    Command("migrate --list", lambda db, f: ["migrate", "--list"], NO_SESSION),
]

# Who calls: --user and the password typed, or nothing; the role, when the account opens.
CALLERS = {
    "admin": (["--user", "quantri"], DEMO_PASSWORD, Role.ADMIN),
    "officer": (["--user", "cchc"], DEMO_PASSWORD, Role.OFFICER),
    "desk": (["--user", "motcua"], DEMO_PASSWORD, Role.DESK),
    "chair": (["--user", "chutich"], DEMO_PASSWORD, Role.CHAIR),
    "nobody": (["--user", "khongco"], DEMO_PASSWORD, None),
    "wrong password": (["--user", "quantri"], "sai-mat-khau", None),
    "locked account": (["--user", "bikhoa"], DEMO_PASSWORD, None),
    "no --user": ([], DEMO_PASSWORD, None),
}


def _copy_of(db: Path, folder: Path) -> Path:
    """A copy of the database to restore from (made beforehand with plain SQLite, outside the trial)."""
    target = folder / "ban-sao.sqlite3"
    if not target.exists():
        source, out = sqlite3.connect(db), sqlite3.connect(target)
        source.backup(out)
        out.execute("PRAGMA journal_mode = DELETE")
        out.close()
        source.close()
    return target


def expected(command: Command, caller: str) -> bool:
    if command.needs == NO_SESSION:
        return True
    role = CALLERS[caller][2]
    if role is None:
        return False
    return command.needs is READ or command.needs in RIGHTS[role]


def records(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table but the audit trail and the accounts' sign-in counters, which a refused sign-in changes."""
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE"
                                            " 'sqlite_%' AND name NOT LIKE 'dossier_fts%' AND name <> 'audit_log'")]
        found = {table: con.execute(f"SELECT * FROM [{table}] ORDER BY 1").fetchall() for table in tables}
        found["user"] = con.execute("SELECT id, username, role, active, password_hash FROM user ORDER BY id").fetchall()
        return found
    finally:
        con.close()


@pytest.fixture(scope="module")
def demo_with_a_locked_account(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cchc_desktop.services.demo import generate_demo
    from db import audit
    from db.connection import open_db

    path = tmp_path_factory.mktemp("roles") / "demo.sqlite3"
    db = open_db(path)
    generate_demo(db, year=2024, dossiers=120, seed=5)
    finish(ReportService(db), "2024-H1")  # the half-year report written, ready to be sent
    # an officer's account locked out, for the "locked account" caller: made by the program (its entry in the
    # trail), then locked as five wrong passwords lock it (a column that changes without an entry of its own)
    AccountService(db).create("bikhoa", "Tài khoản bị khóa", Role.OFFICER, DEMO_PASSWORD)
    with audit.suspended(db), db.atomic():
        db.execute("UPDATE user SET locked_until = ? WHERE username = 'bikhoa'",
                   [(datetime.now() + timedelta(hours=1)).isoformat(timespec="seconds")])
    db.close()
    return path


def _run(template: Path, folder: Path, command: Command, caller: str, monkeypatch: pytest.MonkeyPatch,
         capsys: pytest.CaptureFixture[str]) -> tuple[int, str, bool]:
    folder.mkdir()
    db = Path(shutil.copy(template, folder / "cchc.sqlite3"))
    arguments, password, _role = CALLERS[caller]
    argv = command.argv(db, folder)
    before = records(db)
    monkeypatch.setenv("CCHC_PASSWORD", password)
    monkeypatch.setattr("sys.stdin", io.StringIO(command.stdin))
    code = cli.main([*argv, "--db", str(db), *arguments])
    _out, err = capsys.readouterr()
    return code, err, records(db) == before


@pytest.mark.slow
def test_every_command_as_every_caller_follows_the_roles_table(
        demo_with_a_locked_account: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    template = demo_with_a_locked_account
    wrong = []
    for command in COMMANDS:
        for caller in CALLERS:
            folder = tmp_path / f"{command.name}-{caller}".replace(" ", "_")
            code, err, unchanged = _run(template, folder, command, caller, monkeypatch, capsys)
            allowed = expected(command, caller)
            if allowed and code != 0:
                wrong.append(f"{command.name} as {caller}: refused (exit {code}): {err.strip()[:160]}")
            elif not allowed and (code != 1 or not err.startswith("Lỗi: ")):
                wrong.append(f"{command.name} as {caller}: allowed (exit {code}), the table says no")
            elif not allowed and not unchanged:
                wrong.append(f"{command.name} as {caller}: refused, but the records changed")
    assert wrong == [], "\n".join(wrong)


def test_a_refusal_says_which_right_is_missing(demo_with_a_locked_account: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    backup = next(command for command in COMMANDS if command.name == "backup")
    code, err, _unchanged = _run(demo_with_a_locked_account, tmp_path / "desk", backup, "desk", monkeypatch, capsys)
    assert code == 1
    assert err.startswith("Lỗi: Tài khoản motcua (Cán bộ một cửa) không có quyền «Cài đặt đơn vị, sao lưu, khôi "
                          "phục».")
    code, err, _unchanged = _run(demo_with_a_locked_account, tmp_path / "local", backup, "no --user", monkeypatch,
                                 capsys)
    assert code == 1 and "lệnh chỉ chạy khi đăng nhập" in err
    assert not (tmp_path / "local" / "usb").exists()


# What each command writes under its caller (issue 17, item 2): the table and column of the row it makes.
WRITTEN_BY = [
    ("turn-away", "desk", "SELECT user_id FROM desk_refusal ORDER BY id DESC LIMIT 1"),
    ("report-value", "officer", "SELECT user_id FROM report_manual_value WHERE indicator = '4.1.1'"),
    ("report", "chair", "SELECT user_id FROM report ORDER BY id DESC LIMIT 1"),
    ("import dossiers", "officer", "SELECT received_by FROM dossier ORDER BY id DESC LIMIT 1"),
]


@pytest.mark.parametrize(("name", "caller", "query"), WRITTEN_BY)
def test_the_command_line_records_who_acted(demo_with_a_locked_account: Path, tmp_path: Path, name: str,
                                            caller: str, query: str, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """A command run with --user writes that account on the rows it makes, as the window does."""
    command = next(command for command in COMMANDS if command.name == name)
    code, err, unchanged = _run(demo_with_a_locked_account, tmp_path / "run", command, caller, monkeypatch, capsys)
    assert code == 0 and not unchanged, err
    database = tmp_path / "run" / "cchc.sqlite3"
    username = CALLERS[caller][0][1]
    account = _first(database, f"SELECT id FROM user WHERE username = '{username}'")
    assert _first(database, query) == account


def test_local_admin_mode_records_no_account_and_says_so_in_the_trail(db_path: Path, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Without --user on a database whose accounts have no password: the row names nobody, the audit trail
    names the local admin mode and the machine's login."""
    from cchc_desktop.services.catalogue import load_reference_catalogue
    from db.connection import open_db

    db = open_db(db_path)
    load_reference_catalogue(db)
    db.close()
    assert cli.main(["turn-away", "--kind", "not_accepted", "--applicant", "Lê Thị Hà", "--reason",
                     "Không thuộc thẩm quyền", "--db", str(db_path)]) == 0, capsys.readouterr().err
    assert _first(db_path, "SELECT coalesce(user_id, 'NULL') FROM desk_refusal") == "NULL"
    actor = _first(db_path, "SELECT actor FROM audit_log WHERE table_name = 'desk_refusal' ORDER BY id DESC LIMIT 1")
    assert actor.startswith("quản trị cục bộ (")
