"""TemplateService: the appendix template a commune's reports follow (issue 16): the default
(``db/reference/appendix_template.json``), or a province's installed with ``cchc template install FILE``.

The installed template is kept in the ``setting`` table (``report.appendix_template``, its file's form on one
line), so installing it is audited like any setting and travels with a backup; no template installed is the
default. A file is read and checked whole first (:func:`cchc_desktop.domain.templates.loads`): one with any
problem is refused with all of them listed and nothing is installed.

What installing changes: the drafts from then on (their rows, the rows typed in, the gaps before an export).
A report already exported keeps the template it was made with (frozen with it, and written into its JSON);
values typed in for rows the new template lacks stay stored, unused, and come back if the template does.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from cchc_desktop.domain import templates
from cchc_desktop.domain.appendix import AppendixTemplate
from cchc_desktop.domain.templates import TemplateInvalid
from cchc_desktop.domain.users import Permission
from cchc_desktop.errors import CchcError, file_reason
from cchc_desktop.files import write_atomically
from cchc_desktop.i18n import _
from cchc_desktop.services.sessions import requires
from db.errors import writing
from db.handle import Database
from db.live import Protected, refusal
from db.queries import settings as queries

log = logging.getLogger("cchc.services")

SETTING = "report.appendix_template"


class TemplateBroken(CchcError):
    """The template stored in the database cannot be read (changed outside the program): installing one, or
    going back to the default, replaces it."""


@dataclass(frozen=True)
class TemplateInUse:
    template: AppendixTemplate
    default: bool  # no template installed: the default one
    broken: bool = False  # what an install replaced was broken (``template`` then stands in: the default)

    @property
    def description(self) -> str:
        """``Phụ lục 01b: … (mã b50812d7f45f), mẫu mặc định``: how the window and the command name it."""
        if self.broken:
            return _("mẫu đã cài bị hỏng trong cơ sở dữ liệu")
        kind = _("mẫu mặc định") if self.default else _("mẫu đã cài")
        return f"{self.template.title}, {kind}"


@dataclass(frozen=True)
class Installed:
    """What an install did: the template now in use, the one before, and whether anything changed."""

    now: TemplateInUse
    before: TemplateInUse

    @property
    def changed(self) -> bool:
        return self.now != self.before


def _compact(template: AppendixTemplate) -> str:
    return json.dumps(template.data(), ensure_ascii=False, separators=(",", ":"))


class TemplateService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def in_use(self) -> TemplateInUse:
        """The template the reports of this database follow now."""
        stored = queries.read_all(self.db).get(SETTING)
        if stored is None:
            return TemplateInUse(templates.default(), default=True)
        try:
            template = templates.loads(stored.encode("utf-8"), check_sources=False)
        except TemplateInvalid as exc:  # changed outside the program: the trail shows it
            raise TemplateBroken(_(
                "Mẫu phụ lục đã cài trong cơ sở dữ liệu bị hỏng ({problem}). Hãy cài lại mẫu: cchc template install "
                "TỆP (hoặc --default để dùng mẫu mặc định).").format(problem=exc.problems[0])) from None
        return TemplateInUse(template, default=False)

    def current(self) -> AppendixTemplate:
        return self.in_use().template

    def _before(self) -> TemplateInUse:
        """What an install replaces: the template in use, or a broken one (in_use's message advises installing
        again, so a broken one must not stop the install)."""
        try:
            return self.in_use()
        except TemplateBroken:
            return TemplateInUse(templates.default(), default=False, broken=True)

    @staticmethod
    def read(path: Path) -> AppendixTemplate:
        """The template of the file at ``path``, checked whole; :class:`TemplateInvalid` lists every problem. A
        database (or its side file) is never opened with Python's own functions (db.live): it is no template."""
        found = refusal(path)
        if found is not None and found[0] is Protected.DIRECTORY:
            raise CchcError(_("«{path}» là một thư mục, không phải là tệp mẫu phụ lục (.json).").format(path=path))
        if found is not None and found[0] is not Protected.BACKUP_FOLDER:
            raise CchcError(_("Tệp «{path}» là cơ sở dữ liệu (hoặc tệp đi kèm của nó), không phải là mẫu phụ lục "
                              "(.json); chưa cài gì.").format(path=path))
        try:
            with path.open("rb") as stream:
                raw = stream.read(templates.MAX_FILE_SIZE + 1)
        except FileNotFoundError:
            raise CchcError(_("Không tìm thấy tệp «{path}».").format(path=path)) from None
        except OSError as exc:
            raise CchcError(_("Không đọc được tệp «{path}»: {reason}.").format(
                path=path, reason=file_reason(exc))) from None
        try:
            return templates.loads(raw)
        except TemplateInvalid as exc:
            raise TemplateInvalid(exc.problems, _(
                "Tệp «{path}» không phải là mẫu phụ lục dùng được, có {n} lỗi; chưa cài gì:").format(
                path=path, n=len(exc.problems))) from None

    @requires(Permission.SETTINGS)
    def install(self, path: Path) -> Installed:
        """Install the template of the file at ``path`` for the reports from now on (nothing when it has a
        problem)."""
        template = self.read(Path(path))
        before = self._before()
        now = TemplateInUse(template, default=False)
        if before.default and template == templates.default():
            now = before  # the default file itself: nothing to keep
        if now != before:
            with writing(self.db):
                if now.default:
                    queries.delete(self.db, SETTING)
                else:
                    queries.write_many(self.db, {SETTING: _compact(template)})
            log.info("appendix template %s (%s) installed from %s", template.id, template.short_digest, path)
        return Installed(now=now, before=before)

    @requires(Permission.SETTINGS)
    def install_default(self) -> Installed:
        """Go back to the default template."""
        before = self._before()
        if not before.default:
            with writing(self.db):
                queries.delete(self.db, SETTING)
            log.info("appendix template back to the default")
        return Installed(now=TemplateInUse(templates.default(), default=True), before=before)

    def export(self, target: Path) -> AppendixTemplate:
        """Write the template in use as a file (a province's template starts from it); atomically."""
        template = self.current()
        try:
            write_atomically(Path(target), templates.dumps(template).encode("utf-8"))
        except OSError as exc:
            raise CchcError(_("Không ghi được tệp «{path}»: {reason}.").format(
                path=target, reason=file_reason(exc))) from None
        return template
