"""A real commune's database, set up at the first start (issue 19): the unit, its desk and signer, the first
administrator's account, and the 2025 commune catalogue if wanted — all in a new file, or nothing.

The file is built beside its place and renamed into it at the end, so a setup that fails (a wrong field, a full
disk) leaves no file: the next start asks again. The demo is never written into this file: it has its own
(``DEMO_FILENAME`` in the data folder).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cchc_desktop.domain.unit import place_of
from cchc_desktop.domain.users import Role
from cchc_desktop.errors import ValidationError
from cchc_desktop.i18n import _
from cchc_desktop.progress import Progress, no_progress
from cchc_desktop.text import clean
from db.handle import Database
from db.live import SIDE_FILES

log = logging.getLogger("cchc.services")

DEMO_FILENAME = "du-lieu-mau.sqlite3"  # the demo's own file, in the data folder, apart from the commune's


@dataclass(frozen=True)
class CommuneSetup:
    """What the first-start wizard asks."""

    name: str  # «UBND xã Hoằng Hợp»
    code: str  # the unit's identifier, the first part of every dossier code
    admin_username: str
    admin_full_name: str
    admin_password: str
    province: str = ""
    desk_name: str = ""
    signer_name: str = ""
    signer_title: str = ""
    load_catalogue: bool = True  # the 2025 commune catalogue (57 procedures), to be edited afterwards


def set_up_commune(path: Path, setup: CommuneSetup) -> None:
    """Create the commune's database at ``path`` (which must not exist) from ``setup``. ValidationError names every
    wrong field at once (``name``, ``code``…, ``username``, ``password``…) and leaves no file."""
    from cchc_desktop.services.accounts import AccountService
    from cchc_desktop.services.catalogue import load_reference_catalogue
    from cchc_desktop.services.settings import SettingsService

    if path.exists():
        raise ValidationError({"path": _("Đã có tệp dữ liệu {path}: không thiết lập đè lên.").format(path=path)})
    errors: dict[str, str] = {}
    if not clean(setup.name):
        errors["name"] = _("Hãy ghi tên đơn vị, ví dụ «UBND xã Hoằng Hợp».")
    if not clean(setup.code):
        errors["code"] = _("Hãy ghi mã định danh của đơn vị (phần đầu của mọi mã hồ sơ), ví dụ 000.21.31.H56.")
    def fill(db: Database) -> None:
        try:
            given = {"province": setup.province, "desk_name": setup.desk_name, "signer_name": setup.signer_name,
                     "signer_title": setup.signer_title}  # left empty: the settings' own default (the title «CHỦ TỊCH»)
            SettingsService(db).update(name=clean(setup.name), code=clean(setup.code), place=place_of(setup.name),
                                       **{key: clean(value) for key, value in given.items() if clean(value)})
        except ValidationError as exc:
            errors.update({key: text for key, text in exc.errors.items() if key not in errors})
        try:
            AccountService(db).create(setup.admin_username, setup.admin_full_name, Role.ADMIN,
                                      setup.admin_password)
        except ValidationError as exc:
            errors.update(exc.errors)
        if errors:
            raise ValidationError(errors)
        if setup.load_catalogue:
            load_reference_catalogue(db)

    built_beside(path, ".setup-draft", fill)
    log.info("set up the commune database %s for %s", path, clean(setup.name))


def build_demo(path: Path, *, dossiers: int, progress: Progress = no_progress) -> None:
    """The demo database at ``path`` (``generate_demo``), built beside it and renamed when whole: ``Cancelled`` from
    ``progress``, or any failure, leaves no file."""
    from cchc_desktop.services.demo import generate_demo

    def fill(db: Database) -> None:
        generate_demo(db, dossiers=dossiers, progress=progress)

    built_beside(path, ".demo-draft", fill)
    log.info("created demo database %s", path)


def built_beside(path: Path, suffix: str, build: Callable[[Database], None]) -> None:
    """A new database at ``path``: opened as ``path + suffix`` (on the calling thread), ``build(db)``, then renamed
    into place; an exception from ``build`` removes the draft and its side files and leaves ``path`` as it was."""
    from cchc_desktop.services.database import open_database

    draft = path.with_name(path.name + suffix)
    draft.unlink(missing_ok=True)
    db = open_database(draft)
    try:
        build(db)
    except BaseException:
        db.close()
        with contextlib.suppress(OSError):
            for leftover in (draft, *(Path(f"{draft}{side}") for side in SIDE_FILES)):
                leftover.unlink(missing_ok=True)
        raise
    db.close()
    os.replace(draft, path)


def connect_server(url: str) -> str:
    """Point this machine's desk at the PostgreSQL database ``url`` (the first start's «Kết nối máy chủ»): it must
    open as the program opens it for a desk (no password in the URL, the server answering, the account let in,
    the schema this program's: StorageError otherwise, nothing saved); then it is saved for the next starts. The
    database as messages name it."""
    from cchc_desktop.paths import is_postgresql, save_server
    from db.connection import open_db

    url = url.strip()
    if not is_postgresql(url):
        raise ValidationError({"url": _("Hãy nhập địa chỉ dạng postgresql://tài_khoản@máy_chủ/tên_cơ_sở_dữ_liệu "
                                        "(không ghi mật khẩu).")})
    db = open_db(url)
    try:
        where = str(getattr(db, "where", url))
    finally:
        db.close()
    save_server(url)
    return where
