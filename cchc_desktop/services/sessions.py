"""Who is working on an open database, and what they may change (DESIGN.md §1).

Every service that changes records checks the permission here, so the window and the command line obey the
same rules. A database opened without a sign-in (the command line without ``--user``, a test, a
maintenance script) is in *local admin mode*: everything is allowed and the audit trail says so.
"""

from __future__ import annotations

import functools
import getpass
from collections.abc import Callable
from dataclasses import dataclass
from typing import Concatenate, ParamSpec, Protocol, TypeVar
from weakref import WeakKeyDictionary

from cchc_desktop.domain.users import Permission, Role, User, may
from cchc_desktop.errors import CchcError
from cchc_desktop.i18n import _
from db import audit
from db.handle import Database


class PermissionDenied(CchcError):
    """The signed-in account's role does not allow the change."""


class SessionMode:
    LOGIN = "login"
    SINGLE_USER = "single_user"
    LOCAL_ADMIN = "local_admin"


@dataclass(frozen=True)
class Session:
    user: User | None
    mode: str

    @property
    def role(self) -> Role:
        return self.user.role if self.user else Role.ADMIN

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user else None

    @property
    def actor(self) -> str:
        """The name the audit trail writes for this session."""
        if self.mode == SessionMode.LOCAL_ADMIN:
            return _("quản trị cục bộ ({login})").format(login=os_login())
        name = f"{self.user.username} ({self.user.full_name})" if self.user else _("quản trị")
        return name if self.mode == SessionMode.LOGIN else _("{name}, chế độ một người dùng").format(name=name)

    def may(self, permission: Permission) -> bool:
        return may(self.role, permission)


def os_login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in a container or a service account
        return "?"


LOCAL_ADMIN = Session(user=None, mode=SessionMode.LOCAL_ADMIN)
_sessions: WeakKeyDictionary[Database, Session] = WeakKeyDictionary()


def begin(db: Database, session: Session) -> Session:
    """From now on, changes through ``db`` are checked against and logged under ``session``."""
    _sessions[db] = session
    audit.set_actor(db, session.actor, session.user_id)
    return session


def current(db: Database) -> Session:
    return _sessions.get(db, LOCAL_ADMIN)


def actor(db: Database) -> audit.AuditActor:
    """Who changes made through ``db`` are written under, as a value another connection can write with."""
    found = audit.actor_of(db)
    return audit.AuditActor(found.name, found.user_id)


def missing_right(session: Session, permission: Permission) -> str:
    """Empty when ``session`` may; else the sentence naming the account and the right it lacks."""
    if session.may(permission):
        return ""
    return _("Tài khoản {user} ({role}) không có quyền «{right}».").format(
        user=session.user.username if session.user else "?", role=session.role.label, right=permission.label)


def require(db: Database, permission: Permission) -> Session:
    """The current session, or PermissionDenied with a message saying which right is missing."""
    session = current(db)
    missing = missing_right(session, permission)
    if missing:
        raise PermissionDenied(missing + " " + _(
            "Hãy đăng nhập bằng tài khoản có quyền này hoặc đề nghị quản trị hệ thống cấp quyền."))
    return session


class _HasDb(Protocol):
    db: Database


S = TypeVar("S", bound=_HasDb)
P = ParamSpec("P")
R = TypeVar("R")


def requires(permission: Permission) -> Callable[[Callable[Concatenate[S, P], R]], Callable[Concatenate[S, P], R]]:
    """Decorate a service method that changes records: it runs only for a session with ``permission``."""
    def decorate(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
        @functools.wraps(method)
        def checked(self: S, *args: P.args, **kwargs: P.kwargs) -> R:
            require(self.db, permission)
            return method(self, *args, **kwargs)
        # The right, for the roles test to read off the method; a function takes attributes, which its type does
        # not declare.
        checked.permission = permission  # type: ignore[attr-defined]
        return checked
    return decorate


class ActsForSession:
    """A service that records who acted (``received_by``, an event's ``user_id``, a survey's or an inspection's
    author): the account it was given (``user_id=``, a test, an import run for someone), else the one signed in on
    its database at the moment of the write — the window's and ``--user``'s session; None in local admin mode,
    which the audit trail names. Read at each write, so a service built before a sign-in records the right one."""

    db: Database
    _given_user_id: int | None = None

    @property
    def user_id(self) -> int | None:
        return self._given_user_id if self._given_user_id is not None else current(self.db).user_id

    @user_id.setter
    def user_id(self, value: int | None) -> None:
        self._given_user_id = value
