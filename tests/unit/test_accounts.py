"""Accounts, sign-in with lock-out, and the roles enforced in the services and on the command line."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from cchc_desktop.domain.plans import ReformArea
from cchc_desktop.domain.users import MAX_FAILED_LOGINS, Permission, Role
from cchc_desktop.errors import ValidationError
from cchc_desktop.services import sessions
from cchc_desktop.services.accounts import AccountService, LoginRefused, fingerprint
from cchc_desktop.services.plans import PlanService, TaskInput
from cchc_desktop.services.sessions import PermissionDenied
from cchc_desktop.services.settings import SettingsService
from db.connection import open_db
from db.handle import Database

pytestmark = pytest.mark.backends

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mat-khau-an-toan"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 3, 3, 8, 0)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(db: Database, clock: Clock) -> AccountService:
    service = AccountService(db, clock=clock)
    service.create("quantri", "Quản trị hệ thống", Role.ADMIN, PASSWORD)
    service.create("motcua", "Nguyễn Thị Hương", Role.DESK, PASSWORD)
    service.create("cchc", "Đỗ Văn Tùng", Role.OFFICER, PASSWORD)
    service.create("chutich", "Nguyễn Văn Thành", Role.CHAIR, PASSWORD)
    return service


def test_a_fresh_install_asks_no_login_until_an_admin_has_a_password(db: Database) -> None:
    service = AccountService(db)
    assert not service.login_required()
    service.create("motcua", "Nguyễn Thị Hương", Role.DESK, PASSWORD)
    assert not service.login_required()  # a desk account alone would lock the admin out
    service.create("quantri", "Quản trị", Role.ADMIN, PASSWORD)
    assert service.login_required()
    service.set_single_user(True)
    assert not service.login_required()
    session = service.start_without_login()
    assert session.user is not None and session.user.username == "quantri" and session.role is Role.ADMIN


def test_the_password_is_hashed_with_scrypt_and_never_stored(accounts: AccountService, db: Database) -> None:
    stored = db.execute("SELECT password_hash FROM \"user\" WHERE username = 'motcua'").fetchone()[0]
    assert stored.startswith("scrypt$16384$8$1$") and PASSWORD not in stored
    other = db.execute("SELECT password_hash FROM \"user\" WHERE username = 'cchc'").fetchone()[0]
    assert stored.split("$")[4] != other.split("$")[4]  # a salt per user: same password, different hashes
    every_value = "\n".join(str(row) for table in db.table_names()
                            for row in db.execute(f'SELECT * FROM "{table}"').fetchall())
    assert stored in every_value and PASSWORD not in every_value


def test_the_audit_trail_shows_that_a_hash_changed_not_the_hash(accounts: AccountService, db: Database) -> None:
    stored = db.execute("SELECT password_hash FROM \"user\" WHERE username = 'motcua'").fetchone()[0]
    logged = " ".join(str(row) for row in db.execute("SELECT before, after FROM audit_log").fetchall())
    assert "motcua" in logged and stored not in logged


def test_sign_in_and_the_session_it_begins(accounts: AccountService, db: Database) -> None:
    session = accounts.sign_in("MOTCUA ", PASSWORD)  # user names are not case-sensitive
    assert session.user.username == "motcua" and sessions.current(db) is session
    entry = db.execute("SELECT actor, action, after FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert entry[0] == "motcua (Nguyễn Thị Hương)" and entry[1] == "login" and "thành công" in entry[2]


REFUSED = ("Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đang tạm khóa. Sau 5 lần nhập sai liên tiếp tài khoản bị "
           "khóa 15 phút; quản trị hệ thống có thể mở khóa bằng cách đặt lại mật khẩu.")


def test_wrong_passwords_lock_the_account_and_the_admin_unlocks_it(accounts: AccountService, clock: Clock,
                                                                   db: Database) -> None:
    for _attempt in range(MAX_FAILED_LOGINS):
        with pytest.raises(LoginRefused) as refused:
            accounts.sign_in("motcua", "sai")
        assert str(refused.value) == REFUSED
    assert accounts.is_locked("motcua")
    with pytest.raises(LoginRefused) as refused:
        accounts.sign_in("motcua", PASSWORD)  # even the right password, while locked
    assert str(refused.value) == REFUSED
    outcomes = [row[0] for row in db.execute(
        "SELECT json_extract(after, '$.\"kết quả\"') FROM audit_log WHERE action = 'login' AND actor = 'motcua'"
        " ORDER BY id")]
    assert outcomes == ["sai mật khẩu"] * (MAX_FAILED_LOGINS - 1) + [
        "sai mật khẩu, khóa tài khoản 15 phút", "tài khoản đang bị khóa"]  # the trail says what the screen won't
    clock.now += timedelta(minutes=16)
    assert accounts.sign_in("motcua", PASSWORD).user.username == "motcua"  # the lock wears off

    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(LoginRefused):
            accounts.sign_in("motcua", "sai")
    accounts.sign_in("quantri", PASSWORD)
    accounts.reset_password("motcua", "mat-khau-moi-1")
    assert not accounts.is_locked("motcua")
    assert accounts.sign_in("motcua", "mat-khau-moi-1").user.role is Role.DESK


def test_no_refusal_tells_which_names_are_accounts(accounts: AccountService, db: Database, clock: Clock,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    """An unknown name, a disabled account, a locked one and a wrong password read exactly the same; a name that
    is no account (a password typed in the name field) is kept only as a fingerprint, in the trail and the log."""
    caplog.set_level(logging.INFO, logger="cchc")
    accounts.update("cchc", active=False)
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(LoginRefused):
            accounts.sign_in("quantri", "sai")
    messages = set()
    for name, password in (("khongco", PASSWORD), ("cchc", PASSWORD), ("motcua", "sai"), ("quantri", PASSWORD),
                           ("MatKhauBiMat-2026", "")):
        with pytest.raises(LoginRefused) as refused:
            accounts.sign_in(name, password)
        messages.add(str(refused.value))
    assert messages == {REFUSED}
    actors = " ".join(row[0] for row in db.execute("SELECT actor FROM audit_log"))
    assert "MatKhauBiMat-2026" not in actors and "khongco" not in actors
    assert f"dấu vân tay {fingerprint('MatKhauBiMat-2026')}" in actors
    assert "MatKhauBiMat-2026" not in caplog.text and fingerprint("MatKhauBiMat-2026") in caplog.text


def test_every_demo_account_has_a_salt_of_its_own(demo_location: Path | str) -> None:
    con = open_db(demo_location)
    hashes = [row[0] for row in con.execute('SELECT password_hash FROM "user"')]
    con.close()
    assert len(hashes) >= 4 and len(set(hashes)) == len(hashes)
    assert len({stored.split("$")[4] for stored in hashes}) == len(hashes)


def test_bad_accounts_are_refused_with_every_field_named(accounts: AccountService) -> None:
    with pytest.raises(ValidationError) as refused:
        accounts.create("Nguyễn A", "  ", "boss", "ngan")
    assert set(refused.value.errors) == {"username", "full_name", "role", "password"}
    with pytest.raises(ValidationError, match="đã có"):
        accounts.create("motcua", "Người khác", Role.DESK, PASSWORD)
    with pytest.raises(ValidationError, match="quản trị cuối cùng"):
        accounts.update("quantri", role=Role.DESK)


def test_roles_are_enforced_in_the_services(accounts: AccountService, db: Database) -> None:
    task = TaskInput(number="1", title="Rà soát thủ tục hành chính", area=ReformArea.INSTITUTIONS,
                     deadline=date(2025, 6, 30))
    PlanService(db).save_plan(year=2025)  # local admin mode, before any sign-in
    accounts.sign_in("motcua", PASSWORD)
    with pytest.raises(PermissionDenied, match=r"motcua \(Cán bộ một cửa\) không có quyền «Sửa kế hoạch CCHC»"):
        PlanService(db).add_task(year=2025, task=task)
    with pytest.raises(PermissionDenied):
        SettingsService(db).update(name="Xã khác")
    with pytest.raises(PermissionDenied):
        accounts.create("moi", "Người mới", Role.ADMIN, PASSWORD)
    assert db.execute("SELECT count(*) FROM plan_task").fetchone()[0] == 0

    accounts.sign_in("chutich", PASSWORD)  # the chair reads everything, changes nothing but the report's approval
    assert sessions.current(db).may(Permission.REPORT_APPROVE)
    with pytest.raises(PermissionDenied):
        PlanService(db).add_task(year=2025, task=task)

    accounts.sign_in("cchc", PASSWORD)
    PlanService(db).add_task(year=2025, task=task)
    actor = db.execute("SELECT actor FROM audit_log WHERE table_name = 'plan_task'").fetchone()[0]
    assert actor == "cchc (Đỗ Văn Tùng)"


def test_every_service_change_is_guarded() -> None:
    """The methods that write records carry their permission (so a new one without it is noticed)."""
    from cchc_desktop.services import (
        calendar,
        catalogue,
        desk_refusals,
        exports,
        imports,
        inspections,
        kiosk,
        plans,
        reception,
        reports,
        settings,
        surveys,
    )
    guarded = {
        reception.ReceptionService: ("register", "transition", "apologise", "correct"),
        plans.PlanService: ("save_plan", "add_task", "update_task", "set_status", "copy_plan", "add_document"),
        inspections.InspectionService: ("record", "add_finding", "update_finding"),
        surveys.SurveyService: ("record", "add_criterion", "update_criterion"),
        calendar.CalendarService: ("put", "remove"),
        catalogue.CatalogueService: ("set_checklist",),
        settings.SettingsService: ("save",),
        reports.ReportService: ("set_manual", "save_sections", "export", "reopen"),
        desk_refusals.DeskRefusalService: ("record",),
        kiosk.KioskService: ("set_pin", "record"),
        imports.ImportService: ("import_dossiers", "import_procedures"),
        exports.ExportService: ("export_dossiers",),
        AccountService: ("create", "update", "reset_password", "set_single_user"),
    }
    for cls, names in guarded.items():
        for name in names:
            assert isinstance(getattr(getattr(cls, name), "permission", None), Permission), f"{cls.__name__}.{name}"


def cchc(*args: str, password: str | None = None, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CCHC_BUSY_TIMEOUT_MS": "200"}
    env.pop("CCHC_PASSWORD", None)
    if password is not None:
        env["CCHC_PASSWORD"] = password
    return subprocess.run([sys.executable, "-m", "cchc_desktop", *args], cwd=ROOT, capture_output=True, text=True,
                          env=env, input=stdin, check=False, timeout=120)


def test_the_command_line_obeys_the_roles_and_logs_local_admin_mode(db_path: Path) -> None:
    db = ["--db", str(db_path)]
    assert cchc("user", "add", "quantri", "--name", "Quản trị", "--role", "admin", *db,
                stdin=PASSWORD + "\n").returncode == 0
    # from now on an account has a password: no local admin mode, the command line works signed in only
    refused = cchc("user", "add", "ke-gian", "--name", "Kẻ gian", "--role", "admin", *db, stdin=PASSWORD + "\n")
    assert refused.returncode == 1 and "lệnh chỉ chạy khi đăng nhập" in refused.stderr
    assert cchc("--user", "quantri", "user", "add", "motcua", "--name", "Nguyễn Thị Hương", *db, password=PASSWORD,
                stdin=PASSWORD + "\n").returncode == 0
    denied = cchc("--user", "motcua", "user", "add", "ke-gian", "--name", "Kẻ gian", "--role", "admin", *db,
                  password=PASSWORD, stdin=PASSWORD + "\n")
    assert denied.returncode == 1 and "không có quyền «Quản lý tài khoản»" in denied.stderr
    wrong = cchc("--user", "quantri", "audit", *db, password="sai")
    assert wrong.returncode == 1 and "Sai tên đăng nhập hoặc mật khẩu" in wrong.stderr
    shown = cchc("--user", "quantri", "audit", "--kind", "user", *db, password=PASSWORD)
    assert shown.returncode == 0, shown.stderr
    assert "quản trị cục bộ (" in shown.stdout  # the accounts were made in local admin mode, and it says so
    assert PASSWORD not in shown.stdout
    listed = cchc("--user", "quantri", "user", "list", *db, password=PASSWORD)
    assert "motcua\tNguyễn Thị Hương\tCán bộ một cửa\tđang dùng" in listed.stdout
    assert "Yêu cầu đăng nhập: có" in listed.stdout


def test_a_forgotten_admin_password_is_recovered_only_by_the_files_os_account(db_path: Path) -> None:
    db = ["--db", str(db_path)]
    assert cchc("user", "add", "quantri", "--name", "Quản trị", "--role", "admin", *db,
                stdin=PASSWORD + "\n").returncode == 0
    recovered = cchc("user", "recover-admin", "quantri", *db, stdin="mat-khau-moi-2026\n")
    assert recovered.returncode == 0, recovered.stderr
    assert "Đã đặt lại mật khẩu quản trị của quantri" in recovered.stdout
    signed = cchc("--user", "quantri", "audit", "--kind", "user", *db, password="mat-khau-moi-2026")
    assert signed.returncode == 0, signed.stderr
    assert "khôi phục quản trị (tài khoản máy " in signed.stdout  # who did it, in the trail
    assert "mat-khau-moi-2026" not in signed.stdout

    os.chown(db_path, 4321, 4321)  # the file of another OS account: its owner alone may recover
    try:
        refused = cchc("user", "recover-admin", "quantri", *db, stdin="mat-khau-khac-2026\n")
    finally:
        os.chown(db_path, os.geteuid(), os.getegid())
    assert refused.returncode == 1
    assert "Chỉ tài khoản máy sở hữu tệp dữ liệu" in refused.stderr
    not_admin = cchc("--user", "quantri", "user", "add", "motcua", "--name", "Hà", *db, password="mat-khau-moi-2026",
                     stdin=PASSWORD + "\n")
    assert not_admin.returncode == 0
    assert "không phải tài khoản quản trị" in cchc("user", "recover-admin", "motcua", *db,
                                                     stdin="mat-khau-khac-2026\n").stderr
