"""AccountService: staff accounts, signing in with lock-out, and whether the window asks for a login.

The window asks for a login once an active admin account has a password, unless the admin marked the
install as single-user (one PC, one person). Wrong passwords are counted; after ``MAX_FAILED_LOGINS`` in a
row the account is locked for ``LOCKOUT_MINUTES``. Every attempt is in the audit trail; no password is.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cchc_desktop.domain.passwords import hash_password, verify_password
from cchc_desktop.domain.users import (
    LOCKOUT_MINUTES,
    MAX_FAILED_LOGINS,
    MIN_PASSWORD_LENGTH,
    Permission,
    Role,
    User,
)
from cchc_desktop.errors import CchcError, NotFoundError, ValidationError
from cchc_desktop.i18n import _
from cchc_desktop.services import sessions
from cchc_desktop.services.sessions import Session, SessionMode, requires
from cchc_desktop.text import clean
from db import audit
from db.errors import main_file, writing
from db.handle import Database
from db.queries import settings as settings_queries
from db.queries import users as queries

# Set in a demo database (services.demo): the login window shows its accounts and password.
DEMO_SETTING = "demo.accounts"

log = logging.getLogger("cchc.accounts")
SINGLE_USER_SETTING = "auth.single_user"
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")


@functools.cache
def _dummy_hash() -> str:
    """A hash checked against where there is no account's to check (made once, when first needed: 50 ms)."""
    return hash_password("không phải mật khẩu của ai")


def fingerprint(text: str) -> str:
    """Eight hex digits that tell two typed names apart without keeping them (a password typed as a name)."""
    return hashlib.sha256(("cchc-name:" + text).encode("utf-8")).hexdigest()[:8]


class LoginRefused(CchcError):
    """Wrong name or password, a locked or disabled account."""


def _user(row: dict) -> User:
    return User(id=row["id"], username=row["username"], full_name=row["full_name"], role=Role(row["role"]),
                title=row["title"] or "", active=bool(row["active"]))


class AccountService:
    def __init__(self, db: Database, *, clock: Callable[[], datetime] = datetime.now) -> None:
        self.db = db
        self.clock = clock

    # -- reading ----------------------------------------------------------------------------------------

    def users(self) -> list[User]:
        return [_user(row) for row in queries.all_users(self.db)]

    @requires(Permission.ACCOUNTS)
    def accounts(self) -> list[User]:
        """The accounts, for whoever manages them (a list of names is half of a password guess)."""
        return self.users()

    def _row(self, username: str) -> dict[str, Any]:
        """The stored account named ``username``; NotFoundError when there is none."""
        row = queries.by_username(self.db, clean(username))
        if row is None:
            raise NotFoundError(_("Không có tài khoản «{name}».").format(name=username))
        return row

    def _by_id(self, user_id: int) -> dict[str, Any]:
        """The stored account ``user_id``; NotFoundError when there is none (removed by another window)."""
        row = queries.by_id(self.db, user_id)
        if row is None:
            raise NotFoundError(_("Không có tài khoản số {id}.").format(id=user_id))
        return row

    def user(self, username: str) -> User:
        return _user(self._row(username))

    def is_locked(self, username: str) -> bool:
        row = queries.by_username(self.db, clean(username))
        return bool(row and self._locked_until(row))

    def passwords_set(self) -> bool:
        """True once an active account has a password: the command line then works only as a signed-in account
        (no local admin mode), whatever the window asks."""
        return queries.with_password(self.db) > 0

    def single_user(self) -> bool:
        return settings_queries.read_all(self.db).get(SINGLE_USER_SETTING) == "1"

    def demo_accounts(self) -> bool:
        """True in a demo database, whose accounts and password the login window may show."""
        return settings_queries.read_all(self.db).get(DEMO_SETTING) == "1"

    def login_required(self) -> bool:
        """True once an active admin has a password and the install is not marked single-user."""
        return queries.admins_with_password(self.db) > 0 and not self.single_user()

    def start_without_login(self) -> Session:
        """The session of a window that asks for no login: the install's admin account, else local admin."""
        admins = [user for user in self.users() if user.role is Role.ADMIN and user.active]
        mode = SessionMode.SINGLE_USER
        return sessions.begin(self.db, Session(user=admins[0] if admins else None, mode=mode))

    # -- signing in -------------------------------------------------------------------------------------

    def _locked_until(self, row: dict) -> datetime | None:
        until = row["locked_until"]
        if until and datetime.fromisoformat(until) > self.clock():
            return datetime.fromisoformat(until)
        return None

    def sign_in(self, username: str, password: str) -> Session:
        """Check the password and begin the session; LoginRefused says why not (never which part was wrong).

        A refused attempt is counted and logged (committed) before LoginRefused is raised.
        """
        name = clean(username)
        row = queries.by_username(self.db, name) if name else None
        with writing(self.db), audit.suspended(self.db):
            refusal = self._refusal(name, row, password)
            if refusal is None:
                assert row is not None  # (no refusal: the account exists)
                queries.update(self.db, row["id"], {"failed_logins": 0, "locked_until": None})
                session = sessions.begin(self.db, Session(user=_user(row), mode=SessionMode.LOGIN))
                audit.log_entry(self.db, "login", table_name="user", record_id=row["id"],
                                after={"kết quả": _("đăng nhập thành công")})
        if refusal is not None:
            raise refusal
        log.info("signed in: %s", session.user.username if session.user else "?")
        return session

    def _refusal(self, name: str, row: dict | None, password: str) -> LoginRefused | None:
        """None when the password opens the account; else the refusal, with the attempt counted and logged.

        Every refusal reads the same (an unknown name, a disabled or locked account, a wrong password) and takes
        a password check's time, so that nobody learns which names are accounts; the trail says what happened.
        """
        refused = LoginRefused(_(
            "Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đang tạm khóa. Sau {n} lần nhập sai liên tiếp tài "
            "khoản bị khóa {minutes} phút; quản trị hệ thống có thể mở khóa bằng cách đặt lại mật khẩu."
        ).format(n=MAX_FAILED_LOGINS, minutes=LOCKOUT_MINUTES))
        if row is None or not row["active"] or not row["password_hash"]:
            verify_password(password, _dummy_hash())  # the time of a real check
            self._log_attempt(name, row, _("sai tên đăng nhập hoặc tài khoản không dùng được"))
            return refused
        if self._locked_until(row) is not None:
            verify_password(password, _dummy_hash())
            self._log_attempt(name, row, _("tài khoản đang bị khóa"))
            return refused
        if verify_password(password, row["password_hash"]):
            return None
        failed = row["failed_logins"] + 1
        if failed >= MAX_FAILED_LOGINS:
            locked = self.clock() + timedelta(minutes=LOCKOUT_MINUTES)
            until = locked.isoformat(timespec="seconds")
            queries.update(self.db, row["id"], {"failed_logins": 0, "locked_until": until})
            self._log_attempt(name, row, _("sai mật khẩu, khóa tài khoản {n} phút").format(n=LOCKOUT_MINUTES))
            return refused
        queries.update(self.db, row["id"], {"failed_logins": failed})
        self._log_attempt(name, row, _("sai mật khẩu"))
        return refused

    def _log_attempt(self, name: str, row: dict | None, outcome: str) -> None:
        """A refused sign-in in the trail and the log: under the account's name, or, for a name that is no
        account (perhaps a password typed in the wrong field), only its fingerprint."""
        shown = row["username"] if row else _("tên không có trong danh sách, dấu vân tay {print}").format(
            print=fingerprint(name))
        audit.log_entry(self.db, "login", table_name="user", record_id=row["id"] if row else None,
                        after={"kết quả": outcome}, actor=audit.AuditActor(shown))
        log.info("refused sign-in for %s: %s", shown, outcome)

    # -- managing ---------------------------------------------------------------------------------------

    def _check_password(self, password: str, errors: dict[str, str]) -> None:
        if len(password) < MIN_PASSWORD_LENGTH:
            errors["password"] = _("Mật khẩu phải có ít nhất {n} ký tự.").format(n=MIN_PASSWORD_LENGTH)

    @requires(Permission.ACCOUNTS)
    def create(self, username: str, full_name: str, role: Role | str, password: str, *, title: str = "") -> User:
        name, full = clean(username).lower(), clean(full_name)
        errors: dict[str, str] = {}
        if not name or not set(name) <= USERNAME_CHARS:
            errors["username"] = _(
                "Tên đăng nhập chỉ gồm chữ không dấu, chữ số và dấu . _ - (ví dụ: motcua, nguyenvana).")
        elif queries.by_username(self.db, name):
            errors["username"] = _("Tên đăng nhập «{name}» đã có.").format(name=name)
        if not full:
            errors["full_name"] = _("Họ và tên không được để trống.")
        try:
            role = Role(role) if not isinstance(role, Role) else role
        except ValueError:
            errors["role"] = _("Vai trò không hợp lệ: {role}.").format(role=role)
        self._check_password(password, errors)
        if errors:
            raise ValidationError(errors)
        with writing(self.db):
            user_id = queries.insert(self.db, {
                "username": name, "full_name": full, "title": clean(title) or None, "role": str(role),
                "password_hash": hash_password(password), "created_at": self.clock().isoformat(timespec="seconds"),
            })
        return _user(self._by_id(user_id))

    @requires(Permission.ACCOUNTS)
    def update(self, username: str, *, full_name: str | None = None, title: str | None = None,
               role: Role | None = None, active: bool | None = None) -> User:
        row = self._row(username)
        values: dict[str, object] = {}
        if full_name is not None:
            if not clean(full_name):
                raise ValidationError({"full_name": _("Họ và tên không được để trống.")})
            values["full_name"] = clean(full_name)
        if title is not None:
            values["title"] = clean(title) or None
        if role is not None:
            values["role"] = str(Role(role))
        if active is not None:
            values["active"] = int(active)
        losing_admin = row["role"] == "admin" and (values.get("role", "admin") != "admin" or not values.get(
            "active", 1))
        if losing_admin and row["password_hash"] and not queries.admins_with_password(self.db, besides=row["id"]):
            raise ValidationError({"role": _(
                "Không thể bỏ quyền quản trị của tài khoản quản trị cuối cùng: "
                "hãy tạo tài khoản quản trị khác trước.")})
        with writing(self.db):
            queries.update(self.db, row["id"], values)
        return _user(self._by_id(row["id"]))

    @requires(Permission.ACCOUNTS)
    def reset_password(self, username: str, password: str) -> None:
        """A new password set by the admin; it also lifts a lock-out."""
        row = self._row(username)
        self._set_password(row["id"], password)

    def change_own_password(self, old: str, new: str) -> None:
        """The signed-in user's own password, after the old one is confirmed."""
        user = sessions.current(self.db).user
        if user is None:
            raise CchcError(_("Chưa đăng nhập bằng tài khoản nào: không có mật khẩu để đổi."))
        row = self._by_id(user.id)
        if not verify_password(old, row["password_hash"]):
            raise ValidationError({"old": _("Mật khẩu hiện tại không đúng.")})
        self._set_password(user.id, new)

    def _set_password(self, user_id: int, password: str) -> None:
        errors: dict[str, str] = {}
        self._check_password(password, errors)
        if errors:
            raise ValidationError(errors)
        with writing(self.db):
            queries.update(self.db, user_id, {"password_hash": hash_password(password), "failed_logins": 0,
                                              "locked_until": None})

    def recover_admin(self, username: str, password: str) -> User:
        """A forgotten admin password set again from the machine itself, without signing in: only by the OS
        account that owns the database file (a user of the program, signed in with a lower role, cannot use it
        to become an admin), the account enabled and unlocked, and all of it written into the audit trail under
        that OS account's name. On Windows, where files carry no owner id here, anyone at the OS account that can
        write the file can."""
        path = main_file(self.db.conn)
        login = sessions.os_login()
        if path is None or not _owned_by_this_os_account(path):
            raise sessions.PermissionDenied(_(
                "Chỉ tài khoản máy sở hữu tệp dữ liệu {path} mới khôi phục được mật khẩu quản trị (tài khoản máy "
                "đang dùng: {login}).").format(path=path, login=login))
        row = self._row(username)
        if row["role"] != Role.ADMIN.value:
            raise ValidationError({"username": _("Tài khoản «{name}» không phải tài khoản quản trị.").format(
                name=row["username"])})
        errors: dict[str, str] = {}
        self._check_password(password, errors)
        if errors:
            raise ValidationError(errors)
        audit.set_actor(self.db, _("khôi phục quản trị (tài khoản máy {login})").format(login=login), None)
        with writing(self.db):
            queries.update(self.db, row["id"], {"password_hash": hash_password(password), "failed_logins": 0,
                                                "locked_until": None, "active": 1})
            audit.log_entry(self.db, "other", table_name="user", record_id=row["id"],
                            after={"khôi phục mật khẩu quản trị": row["username"], "tài khoản máy": login})
        log.warning("admin password of %s recovered by the OS account %s", row["username"], login)
        return _user(self._by_id(row["id"]))

    @requires(Permission.ACCOUNTS)
    def set_single_user(self, single: bool) -> None:
        with writing(self.db):
            settings_queries.write_many(self.db, {SINGLE_USER_SETTING: "1" if single else "0"})


def _owned_by_this_os_account(path: Path) -> bool:
    """The file belongs to the OS account running the program (POSIX); True where files carry no owner id."""
    if not hasattr(os, "geteuid"):
        return True
    try:
        return os.stat(path).st_uid == os.geteuid()
    except OSError:
        return False
