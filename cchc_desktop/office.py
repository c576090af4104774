"""The office: one open register, who works on it, its clock and the services on it (STYLE.md §10).

Opened once — by the window, by each ``cchc`` command, by a test — and handed down: pages and commands ask it for
its services (``office.reception``, ``office.reports``, ``office.backups``…) instead of building them from a raw
database handle, so every service shares the one connection, the one session and the one clock. Rights are checked
in the services, against ``office.session``; writes go through the one transaction helper, ``office.write()``
(``db.errors.writing``: ``BEGIN IMMEDIATE``, storage errors said as such).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from cchc_desktop.errors import CchcError
from cchc_desktop.i18n import _
from cchc_desktop.services import sessions
from db.connection import open_db, open_reader, schema_state
from db.errors import writing
from db.handle import Database
from db.home import is_server

if TYPE_CHECKING:
    from cchc_desktop.services.accounts import AccountService
    from cchc_desktop.services.attachments import AttachmentService
    from cchc_desktop.services.audit_trail import AuditService
    from cchc_desktop.services.backups import BackupService
    from cchc_desktop.services.calendar import CalendarService
    from cchc_desktop.services.catalogue import CatalogueService
    from cchc_desktop.services.consolidation import ConsolidationService
    from cchc_desktop.services.dashboard import DashboardService
    from cchc_desktop.services.desk_refusals import DeskRefusalService
    from cchc_desktop.services.drafts import DraftService
    from cchc_desktop.services.exports import ExportService
    from cchc_desktop.services.import_runs import ImportRunner
    from cchc_desktop.services.imports import ImportService
    from cchc_desktop.services.inspection_import import InspectionImportService
    from cchc_desktop.services.inspections import InspectionService
    from cchc_desktop.services.kiosk import KioskService
    from cchc_desktop.services.mappings import MappingService
    from cchc_desktop.services.papers import PaperStore
    from cchc_desktop.services.plans import PlanService
    from cchc_desktop.services.printing import PrintingService
    from cchc_desktop.services.reception import ReceptionService
    from cchc_desktop.services.register import RegisterService
    from cchc_desktop.services.reports import ReportService
    from cchc_desktop.services.score766 import Score766Service
    from cchc_desktop.services.settings import SettingsService
    from cchc_desktop.services.statistics import StatisticsService
    from cchc_desktop.services.survey_import import SurveyImportService
    from cchc_desktop.services.surveys import SurveyService
    from cchc_desktop.services.task_import import TaskImportService
    from cchc_desktop.services.templates import TemplateService
    from cchc_desktop.services.today import TodayService

Clock = Callable[[], datetime]

LOCAL_ADMIN_REFUSED = _(
    "Cơ sở dữ liệu này đã có tài khoản có mật khẩu: lệnh chỉ chạy khi đăng nhập. Hãy thêm --user TÊN (mật khẩu "
    "hỏi khi chạy, hoặc biến CCHC_PASSWORD). Quên mật khẩu quản trị: «cchc user recover-admin TÊN» trên chính máy "
    "và tài khoản máy giữ tệp dữ liệu.")


ON_SERVER_REFUSED = _(
    "Việc này làm trên tệp cơ sở dữ liệu của máy, chưa làm được với cơ sở dữ liệu trên máy chủ PostgreSQL.")


class Office:
    """One open database with its session, clock and services. A service is built the first time it is asked
    for and kept: the office's pages and commands share it (and a test sets the clock once, here)."""

    def __init__(self, db: Database, db_path: Path | str, *, clock: Clock = datetime.now) -> None:
        self.db = db
        # The file, or the server's connection string (never shown nor logged: it names the account).
        self.location: Path | str = db_path if is_server(db_path) else Path(db_path)
        self.clock = clock
        self._local = threading.local()
        self._readers: list[Database] = []
        self._closed = False
        self._readers_lock = threading.Lock()

    @property
    def on_file(self) -> bool:
        """Whether the register is a file of this machine (else a PostgreSQL server's database)."""
        return isinstance(self.location, Path)

    @property
    def where(self) -> str:
        """The register as the window names it: the file, or the server's database without a password."""
        return str(self.location) if isinstance(self.location, Path) else str(getattr(self.db, "where", "?"))

    @property
    def db_path(self) -> Path:
        """The database's file: what works on files (backups, attachments beside the file) asks for it. On a
        PostgreSQL server there is none: that work is refused in Vietnamese."""
        if isinstance(self.location, Path):
            return self.location
        raise CchcError(ON_SERVER_REFUSED)

    def now(self) -> datetime:
        """The office's time, which every service reads: setting ``clock`` (a test's fixed day) moves them all."""
        return self.clock()

    # -- who is working, and the one transaction -----------------------------------------------------------

    @property
    def session(self) -> sessions.Session:
        """The session changes are checked against and written under (local admin mode before any)."""
        return sessions.current(self.db)

    def sign_in(self, username: str, password: str) -> sessions.Session:
        """Check the password and begin that account's session (LoginRefused says why not)."""
        return self.accounts.sign_in(username, password)

    def begin_local_admin(self) -> sessions.Session:
        """Local admin mode (a command without ``--user``): refused once an account has a password."""
        if self.accounts.passwords_set():
            raise CchcError(LOCAL_ADMIN_REFUSED)
        return sessions.begin(self.db, sessions.LOCAL_ADMIN)

    def write(self) -> AbstractContextManager[None]:
        """The one write transaction (``BEGIN IMMEDIATE``; a savepoint inside another one)."""
        return writing(self.db)

    def schema_version(self) -> int:
        """How many of the schema's migrations the file has (the «Giới thiệu» window shows it)."""
        if not self.on_file:
            from db.pg.migrations import schema_state as server_schema_state

            return server_schema_state(self.db.pg).version  # type: ignore[attr-defined]
        return schema_state(self.db).version

    def reader(self) -> Database:
        """A read-only connection of the calling thread, opened at its first call there (``open_reader``): what
        work off the window's thread reads through (the dashboard's figures); closed with the office."""
        db: Database | None = getattr(self._local, "reader", None)
        if db is None:
            db = open_reader(self.location)
            with self._readers_lock:
                closed = self._closed
                if not closed:
                    self._readers.append(db)
            if closed:  # work that outlived the office (a count finishing after the window closed): none left open
                db.close()
                raise CchcError(_("Cơ sở dữ liệu đã đóng."))
            self._local.reader = db
        return db

    @contextmanager
    def companion(self) -> Iterator[Office]:
        """The same file, session and clock through a connection of the calling thread, closed at the end: what long
        work that writes off the window's thread (an import) runs on. Its writes wait for the window's and the
        window's for its (``BEGIN IMMEDIATE``, the busy timeout); it sees what the window committed."""
        other = Office(open_db(self.location, migrate=False, create=False), self.location, clock=self.now)
        try:
            sessions.begin(other.db, self.session)
            yield other
        finally:
            other.close()

    def close(self) -> None:
        with self._readers_lock:
            self._closed = True
            readers, self._readers = self._readers, []
        for reader in readers:
            reader.close()
        self.db.close()

    def __enter__(self) -> Office:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # -- the services ----------------------------------------------------------------------------------

    @cached_property
    def accounts(self) -> AccountService:
        from cchc_desktop.services.accounts import AccountService
        return AccountService(self.db, clock=self.now)

    @cached_property
    def attachments(self) -> AttachmentService:
        from cchc_desktop.services.attachments import AttachmentService
        return AttachmentService(self.db, self.location, clock=self.now)

    @cached_property
    def audit(self) -> AuditService:
        from cchc_desktop.services.audit_trail import AuditService
        return AuditService(self.db)

    @cached_property
    def backups(self) -> BackupService:
        """Copies made for whoever is signed in (their right checked, their name in the entries)."""
        from cchc_desktop.services.backups import BackupService
        return BackupService(self.db_path, session=self.db, clock=self.now)

    @cached_property
    def program_backups(self) -> BackupService:
        """Copies the program makes for itself (the day's automatic one), through a connection of their own: safe
        to use from another thread."""
        from cchc_desktop.services.backups import BackupService
        return BackupService(self.db_path, clock=self.now)

    @cached_property
    def catalogue(self) -> CatalogueService:
        from cchc_desktop.services.catalogue import CatalogueService
        return CatalogueService(self.db)

    @cached_property
    def calendar(self) -> CalendarService:
        from cchc_desktop.services.calendar import CalendarService
        return CalendarService(self.db)

    @cached_property
    def consolidation(self) -> ConsolidationService:
        """The district's consolidation of communes' report files (it reads files, not this register)."""
        return consolidation(clock=self.now)

    @cached_property
    def dashboard(self) -> DashboardService:
        from cchc_desktop.services.dashboard import DashboardService
        return DashboardService(self.db, clock=self.now, reader=self.reader)

    def dashboard_here(self) -> DashboardService:
        """The dashboard for the calling thread, through its read-only connection (``reader``; the wording follows
        the window's sign-in): for counting off the window's thread. A new service each call, cheap."""
        from cchc_desktop.services.dashboard import DashboardService
        return DashboardService(self.reader(), clock=self.now, reader=self.reader, signed_in=self.db)

    @cached_property
    def desk_refusals(self) -> DeskRefusalService:
        from cchc_desktop.services.desk_refusals import DeskRefusalService
        return DeskRefusalService(self.db, clock=self.now)

    @cached_property
    def drafts(self) -> DraftService:
        from cchc_desktop.services.drafts import DraftService
        return DraftService(self.db, clock=self.now)

    @cached_property
    def exports(self) -> ExportService:
        from cchc_desktop.services.exports import ExportService
        return ExportService(self.db)

    @cached_property
    def import_runner(self) -> ImportRunner:
        """Imports of every kind, with their options, mapping and progress (the window's «Nhập dữ liệu»)."""
        from cchc_desktop.services.import_runs import ImportRunner
        return ImportRunner(self.db, clock=self.now)

    @cached_property
    def imports(self) -> ImportService:
        from cchc_desktop.services.imports import ImportService
        return ImportService(self.db, clock=self.now)

    @cached_property
    def inspection_import(self) -> InspectionImportService:
        from cchc_desktop.services.inspection_import import InspectionImportService
        return InspectionImportService(self.db, clock=self.now)

    @cached_property
    def inspections(self) -> InspectionService:
        from cchc_desktop.services.inspections import InspectionService
        return InspectionService(self.db, clock=self.now)

    @cached_property
    def mappings(self) -> MappingService:
        from cchc_desktop.services.mappings import MappingService
        return MappingService(self.db, clock=self.now)

    @cached_property
    def kiosk(self) -> KioskService:
        from cchc_desktop.services.kiosk import KioskService
        return KioskService(self.db, clock=self.now)

    @cached_property
    def papers(self) -> PaperStore:
        from cchc_desktop.services.papers import PaperStore
        return PaperStore(self.db, clock=self.now)

    @cached_property
    def plans(self) -> PlanService:
        from cchc_desktop.services.plans import PlanService
        return PlanService(self.db, clock=self.now)

    @cached_property
    def printing(self) -> PrintingService:
        from cchc_desktop.services.printing import PrintingService
        return PrintingService(self.db, clock=self.now)

    @cached_property
    def reception(self) -> ReceptionService:
        from cchc_desktop.services.reception import ReceptionService
        return ReceptionService(self.db, clock=self.now)

    @cached_property
    def register(self) -> RegisterService:
        from cchc_desktop.services.register import RegisterService
        return RegisterService(self.db, clock=self.now)

    def register_here(self) -> RegisterService:
        """The register for the calling thread, through its read-only connection (``reader``): for counting a
        filter's dossiers off the window's thread. A new service each call, cheap."""
        from cchc_desktop.services.register import RegisterService
        return RegisterService(self.reader(), clock=self.now)

    @cached_property
    def reports(self) -> ReportService:
        from cchc_desktop.services.reports import ReportService
        return ReportService(self.db, clock=self.now)

    @cached_property
    def score766(self) -> Score766Service:
        from cchc_desktop.services.score766 import Score766Service
        return Score766Service(self.db, clock=self.now, reader=self.reader)

    def score766_here(self) -> Score766Service:
        """The 766 score for the calling thread, through its read-only connection (``reader``): for counting off the
        window's thread. A new service each call, cheap."""
        from cchc_desktop.services.score766 import Score766Service
        return Score766Service(self.reader(), clock=self.now, reader=self.reader)

    @cached_property
    def settings(self) -> SettingsService:
        from cchc_desktop.services.settings import SettingsService
        return SettingsService(self.db)

    @cached_property
    def statistics(self) -> StatisticsService:
        from cchc_desktop.services.statistics import StatisticsService
        return StatisticsService(self.db, clock=self.now)

    @cached_property
    def survey_import(self) -> SurveyImportService:
        from cchc_desktop.services.survey_import import SurveyImportService
        return SurveyImportService(self.db, clock=self.now)

    @cached_property
    def surveys(self) -> SurveyService:
        from cchc_desktop.services.surveys import SurveyService
        return SurveyService(self.db, clock=self.now)

    @cached_property
    def task_import(self) -> TaskImportService:
        from cchc_desktop.services.task_import import TaskImportService
        return TaskImportService(self.db, clock=self.now)

    @cached_property
    def templates(self) -> TemplateService:
        from cchc_desktop.services.templates import TemplateService
        return TemplateService(self.db)

    @cached_property
    def today(self) -> TodayService:
        from cchc_desktop.services.today import TodayService
        return TodayService(self.db, clock=self.now)


def consolidation(*, clock: Clock = datetime.now) -> ConsolidationService:
    """The consolidation of communes' report files without an office: ``cchc consolidate`` reads files and opens no
    register (no sign-in: a district officer may have none on this machine)."""
    from cchc_desktop.services.consolidation import ConsolidationService
    return ConsolidationService(clock=clock)


def open_office(path: Path | str, *, user: str | None = None, password: str | Callable[[], str] | None = None,
                clock: Clock = datetime.now, create: bool = True) -> Office:
    """Open (creating and migrating when needed) the database at ``path`` as an office, and begin its session:
    ``user``'s, after checking the password (a callable is asked only once the file has opened), else local
    admin mode — refused once an account has a password. The database is closed again when that fails."""
    office = Office(open_db(path, create=create), path, clock=clock)
    try:
        if user is None:
            office.begin_local_admin()
        else:
            given = password() if callable(password) else password
            office.sign_in(user, given or "")
    except BaseException:
        office.close()
        raise
    return office

