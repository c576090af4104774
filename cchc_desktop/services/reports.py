"""ReportService: the periodic report of the commune (DOMAIN.md §7, DESIGN.md §5–§7) as a ReportDocument — the
appendix computed by StatisticsService and completed with the rows typed in per period, the narrative pre-written
from the figures (or as the officer edited it) — and its export, which freezes what was sent.

Decisions where the issue is silent:
- The cut-off lies within the period: a report is often written before the period ends (seed 002 is dated 04/06
  for the first half), so it may come before the last day; before the first day or after the last it is refused.
  Without one it is today when today falls in the period, else the period's last day. The report's date
  (``issued_on``, «ngày … tháng … năm …») is the day it is drafted when that day lies in the period's reporting
  window (:meth:`ReportService.reporting_window`: from the cut-off to :data:`DAYS_AFTER_PERIOD` days after the
  period's last day); outside it the document is not ``dated`` (its date only stands in) and an export needs a
  date given (the window asks for it, the command line its ``--date``). A date given before the cut-off is refused;
  one outside the window is the officer's to choose (a late report).
- Nơi nhận: the recipients given, else the unit's own list (Settings: ``report_recipients``), else its parent
  unit «(b/c)»; «Lưu: VT.» always ends it.
- Not sent half-written: :func:`gaps` lists what is left — the number «Số: …/BC-UBND», every placeholder of the
  pre-written text still in brackets («[Nêu …]»), every typed-in (M) row without a value for the period. An export
  with gaps is refused (:class:`ReportIncomplete`, naming them all) unless it is a draft. A draft (``draft=True``,
  with or without gaps) carries «DỰ THẢO» on every page of its file and is **not recorded**: no version, nothing
  frozen, so the history holds only reports as sent (the ``report`` table has no place to mark a draft, and a
  draft's version number would count drafts as versions sent). A draft JSON is refused: the JSON is the file the
  higher level's program adds up, with no page to mark and no reader that looks for a mark (``cchc consolidate``
  reads only the figures), so a JSON is made only of a finished report, the twin of its signed paper.
- A month of a unit with a cut-off day (Settings: 1–28) runs from the day after it in the month before to that
  day: ``period("2024-05")`` gives 21/04–20/05/2024 for the 20th; the period is a range keyed
  ``2024-04-21:2024-05-20`` (its manual values and history are kept under that key).
- Manual values: only rows marked M; counts are whole numbers of 0 or more, rates 0–100 (``99,2`` or
  ``99,2%``), codes one of the row's codes. An empty text clears the value. Untyped rows are ``None`` in the
  document and ``null`` in the JSON (not 0: the higher level must see that nothing was given).
- Edited sections are kept per period and section until ``reset_sections``; they survive an export, so the next
  version starts from them. They are not checked against later figures: an edited sentence keeps its numbers.
- Export: the file is written to a temporary name next to the target; in one transaction the report is recorded
  and the file renamed over the target (a failed build or write records nothing and leaves no partial file).
  A document whose figures and text are identical to a version already exported for the period (the same draft
  again, or a reopened version, in another format) reuses that version; anything else is the next version.
  ``generated_at`` does not count as a difference; the number, the date, the cut-off and any edit do.
- The frozen record holds the whole document (unit, period, appendix rows with their names and values,
  indicators, sources, sections, recipients, and the appendix template with its hash): ``reopen`` rebuilds it
  from there alone, whatever came later (a template installed since does not change a report sent).
- The appendix follows the template in use (:class:`~cchc_desktop.services.templates.TemplateService`): its rows,
  which of them are typed in, the gaps. Two exports identical but for the template are different versions; a
  report frozen before templates followed the default template's rows (the same as the program's rows then).
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import json
import logging
import os
import re
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from cchc_desktop import formatting
from cchc_desktop.domain import appendix, indicators, templates
from cchc_desktop.domain.consolidation import accepted, row_problem
from cchc_desktop.domain.indicators import RecordKind, TaskChoice
from cchc_desktop.domain.periods import Period, PeriodError, cutoff_month, parse_period
from cchc_desktop.domain.plans import TaskSource
from cchc_desktop.domain.records import ReportKind, ReportRecord
from cchc_desktop.domain.report import (
    SCHEMA,
    AppendixRow,
    GapKind,
    NarrativeSection,
    ReportDocument,
    ReportGap,
    ReportUnit,
    RowSource,
    Value,
)
from cchc_desktop.domain.statistics import TaskState
from cchc_desktop.domain.users import Permission
from cchc_desktop.errors import CchcError, NotFoundError, ValidationError, file_reason
from cchc_desktop.files import OutputRefused, check_output
from cchc_desktop.formatting import NO_VALUE, parse_number, short_date
from cchc_desktop.i18n import _
from cchc_desktop.reports import narrative
from cchc_desktop.services import anchoring
from cchc_desktop.services.plans import PlanService
from cchc_desktop.services.sessions import ActsForSession, requires
from cchc_desktop.services.settings import SettingsService
from cchc_desktop.services.statistics import (
    DossierLine,
    FindingRow,
    StatisticsService,
    SurveyRow,
    TaskRow,
)
from cchc_desktop.services.tables import shown
from cchc_desktop.services.templates import TemplateService
from cchc_desktop.text import clean, fold
from db.errors import location, writing
from db.handle import Database
from db.queries import reports as queries

log = logging.getLogger("cchc.services")

Clock = Callable[[], datetime]
Builder = Callable[[ReportDocument, Path], object]
RecordsBehind = list[DossierLine] | list[TaskRow] | list[FindingRow] | list[SurveyRow]

# The file builders (DTO in, file out), imported when first used.
BUILDERS: dict[str, tuple[str, str]] = {
    "pdf": ("cchc_desktop.reports.periodic_pdf", "report_pdf"),
    "docx": ("cchc_desktop.reports.periodic_docx", "report_docx"),
    "xlsx": ("cchc_desktop.reports.periodic_xlsx", "report_xlsx"),
    "json": ("cchc_desktop.reports.report_json", "write_json"),
}
FORMATS = tuple(BUILDERS)
MAX_NUMBER = 50
MAX_SECTION = 20_000
PERCENT_DECIMALS = 2  # a percentage typed into a row (99,25); the report prints one decimal
DAYS_AFTER_PERIOD = 15
"""The reporting window ends this many days after the period's last day. DOMAIN.md §7: a report is written from
its cut-off on, often before the period ends (seed 002 is dated 04/06 for the half year), and goes up within days
of the end; fifteen days leave a late report the first half of the next month. Later than that (a report of last
year looked at again), the day of the export is unlikely to be the paper's date, so it is asked for."""
PLACEHOLDER_SHOWN = 72  # characters of a placeholder quoted in the list of gaps



def builder(fmt: str) -> Builder:
    """The function writing ``fmt`` (``pdf``, ``docx``, ``xlsx``, ``json``)."""
    module_name, function = BUILDERS[fmt]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise CchcError(_("Phiên bản này chưa có chức năng xuất báo cáo ra tệp {fmt}.").format(
            fmt=fmt.upper())) from None
    return getattr(module, function)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _record(row: Mapping[str, Any]) -> ReportRecord:
    return ReportRecord(
        id=row["id"], kind=ReportKind(row["kind"]), period_key=row["period_key"],
        date_from=date.fromisoformat(row["date_from"]), date_to=date.fromisoformat(row["date_to"]),
        cutoff=date.fromisoformat(row["cutoff"]), version=row["version"],
        created_at=datetime.fromisoformat(row["created_at"]), number=row["number"] or "", label=row["label"] or "",
        issued_on=_day(row["issued_on"]), user_id=row["user_id"],
    )


# -- the frozen form of a document (the ``report`` row's two JSON columns) ---------------------------------------


def freeze(document: ReportDocument) -> tuple[dict[str, Any], dict[str, Any]]:
    """The document as the ``figures`` and ``narrative`` JSON of its ``report`` row (no personal data: figures,
    the unit, the period and the text)."""
    period = document.period
    figures = {
        "schema": SCHEMA,
        "unit": dataclasses.asdict(document.unit),
        "period": {"key": period.key, "kind": period.kind.value, "from": period.date_from.isoformat(),
                   "to": period.date_to.isoformat(), "cutoff": document.cutoff.isoformat(), "label": period.label},
        "generated_at": document.generated_at.isoformat(timespec="seconds"),
        "indicators": dict(document.indicators),
        "sources": dict(document.sources),
        "appendix": [{**dataclasses.asdict(row), "source": row.source.value} for row in document.appendix],
        "communes": list(document.communes),
        "template": templates.of_document(document).data(with_digest=True),
    }
    text = {
        "title": document.title, "subject": document.subject, "number": document.number,
        "issued_on": document.issued_on.isoformat(), "recipients": list(document.recipients),
        "sections": [dataclasses.asdict(section) for section in document.sections],
    }
    return figures, text


def thaw(figures: Mapping[str, Any], text: Mapping[str, Any], *, version: int) -> ReportDocument:
    """The document a ``report`` row froze."""
    period = figures["period"]
    return ReportDocument(
        unit=ReportUnit(**figures["unit"]),
        period=Period(period["key"], ReportKind(period["kind"]), date.fromisoformat(period["from"]),
                      date.fromisoformat(period["to"]), period["label"]),
        cutoff=date.fromisoformat(period["cutoff"]),
        issued_on=date.fromisoformat(text["issued_on"]),
        title=text["title"], subject=text["subject"],
        sections=tuple(NarrativeSection(**section) for section in text["sections"]),
        appendix=tuple(AppendixRow(**{**row, "source": RowSource(row["source"])}) for row in figures["appendix"]),
        indicators=dict(figures["indicators"]), sources=dict(figures["sources"]),
        generated_at=datetime.fromisoformat(figures["generated_at"]),
        number=text["number"], recipients=tuple(text["recipients"]), version=version,
        communes=tuple(figures.get("communes", ())), template=templates.of_report(figures.get("template")),
    )


def fingerprint(figures: Mapping[str, Any], text: Mapping[str, Any]) -> str:
    """What makes two exports the same report: everything frozen but the moment it was generated (the template
    by its hash; a report frozen before templates followed the default)."""
    content = {key: value for key, value in figures.items() if key != "generated_at"}
    content["template"] = (figures.get("template") or {}).get("hash") or templates.default().digest
    return json.dumps([content, text], sort_keys=True, ensure_ascii=False)


@contextlib.contextmanager
def _file_errors(target: Path) -> Iterator[None]:
    """A file that cannot be written (disk full, no permission…) is the user's to fix: say so, naming it."""
    try:
        yield
    except OSError as exc:
        raise CchcError(_("Không ghi được tệp «{path}»: {reason}.").format(
            path=target, reason=file_reason(exc))) from exc


def _section_text(text: str) -> str:
    """Each line NFC and trimmed, runs of blank lines as one, none at either end."""
    lines: list[str] = []
    for line in (text or "").splitlines():
        cleaned = clean(line)
        if cleaned or (lines and lines[-1]):
            lines.append(cleaned)
    return "\n".join(lines).strip("\n")


_BRACKETED = re.compile(r"\[[^\[\]]*\]")
_ASKS_TO_WRITE = re.compile(r"(?:^|:\s*)neu\b")  # «[Nêu …]», «[03 hồ sơ quá hạn: nêu …]»
_NUMBERED_TITLE = re.compile(r"^\s*(?:[IVXLC]+|\d+(?:\.\d+)*)\s*[.)]\s*")


def placeholders(text: str) -> list[str]:
    """The bracketed instructions of the pre-written text still in ``text`` («[Nêu kiến nghị, đề xuất …]», and
    an empty «[…]»), in order; other brackets an officer writes («[1]», «[Phụ lục 2]») are text."""
    found = []
    for match in _BRACKETED.finditer(text or ""):
        inner = fold(match.group(0)[1:-1]).strip()
        if _ASKS_TO_WRITE.search(inner) or not inner.strip(" .…"):
            found.append(match.group(0))
    return found


def _quoted_placeholder(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= PLACEHOLDER_SHOWN else text[:PLACEHOLDER_SHOWN - 2].rstrip(" ,;:") + "…]"


def _list_item(line: str) -> str:
    """A line of the unit's «Nơi nhận» as an item: «- Sở Nội vụ (b/c);» → «Sở Nội vụ (b/c)» (printing adds them)."""
    return clean(line).lstrip("-–•+ ").rstrip(";").strip()


def _row_label(row: AppendixRow, template: appendix.AppendixTemplate) -> str:
    indicator = template.find(row.key)
    return indicator.label if indicator is not None else f"{row.number or row.key} ({row.name})"


def gaps(document: ReportDocument) -> tuple[ReportGap, ...]:
    """What is left to finish before ``document`` is sent, in the order of the paper: the number, the
    placeholders of each section, the typed-in rows without a value. Empty: the report is finished."""
    found: list[ReportGap] = []
    template = templates.of_document(document)
    if not clean(document.number):
        found.append(ReportGap(GapKind.NUMBER, "number", _("Chưa có số báo cáo (Số: …/BC-UBND).")))
    for section in document.sections:
        title = _NUMBERED_TITLE.sub("", " ".join(section.title.split()), count=1)
        for text in placeholders(section.text):
            found.append(ReportGap(GapKind.PLACEHOLDER, section.key, _(
                "Mục {key}. {title}: còn chỗ cần viết «{text}».").format(
                key=section.key, title=title, text=_quoted_placeholder(text))))
    for row in document.appendix:
        if row.source is RowSource.MANUAL and not row.heading and row.value is None:
            found.append(ReportGap(GapKind.MANUAL, row.key, _("Dòng {row}: chưa nhập số liệu.").format(
                row=_row_label(row, template))))
    return tuple(found)


def gaps_heading(document: ReportDocument, count: int) -> str:
    """The sentence before the list of gaps: «Báo cáo Quý II năm 2024 chưa hoàn chỉnh, còn 31 chỗ …:»."""
    return _("Báo cáo {label} chưa hoàn chỉnh, còn {n} chỗ phải bổ sung trước khi gửi:").format(
        label=document.period.label, n=count)


class ReportIncomplete(CchcError):
    """A report exported as sent while something is left to finish: ``gaps`` names every one (:func:`gaps`);
    ``heading`` is the sentence before them, ``str()`` the heading and a line «- …» a gap."""

    def __init__(self, document: ReportDocument, found: Sequence[ReportGap]) -> None:
        self.gaps = tuple(found)
        self.heading = gaps_heading(document, len(self.gaps))
        super().__init__("\n".join([self.heading, *(f"- {gap.text}" for gap in self.gaps)]))


class ReportService(ActsForSession):
    """The Báo cáo page and ``cchc report``: draft, typed-in rows, edited text, export, history."""

    def __init__(self, db: Database, *, clock: Clock = datetime.now, user_id: int | None = None) -> None:
        self.db = db
        self.clock = clock
        self.user_id = user_id
        self.statistics = StatisticsService(db, clock=clock)
        self.templates = TemplateService(db)

    def today(self) -> date:
        return self.clock().date()

    # -- periods ---------------------------------------------------------------------------------------------

    def period(self, text: str) -> Period:
        """The period written as in DESIGN.md §3; a month follows the unit's cut-off day when one is set."""
        try:
            period = parse_period(text)
        except PeriodError as exc:
            raise ValidationError({"period": str(exc)}) from None
        if period.kind is ReportKind.MONTH:
            return self.month(period.date_from.year, period.date_from.month)
        return period

    def month(self, year: int, month: int) -> Period:
        """The month ``month`` of ``year`` as the unit counts it (Settings: report cut-off day)."""
        try:
            return cutoff_month(year, month, SettingsService(self.db).load().report_cutoff_day)
        except PeriodError as exc:
            raise ValidationError({"period": str(exc)}) from None

    @staticmethod
    def reporting_window(period: Period, cutoff: date) -> tuple[date, date]:
        """The days a report of ``period`` counted to ``cutoff`` is dated by default: from the cut-off to
        :data:`DAYS_AFTER_PERIOD` days after the period's last day."""
        return cutoff, period.date_to + timedelta(days=DAYS_AFTER_PERIOD)

    def _dates(self, period: Period, cutoff: date | None, issued_on: date | None) -> tuple[date, date, bool]:
        """The cut-off, the report's date and whether that date holds (given, or today within the window)."""
        errors: dict[str, str] = {}
        today = self.today()
        if period.date_to < period.date_from:
            raise ValidationError({"period": _("Kỳ báo cáo không hợp lệ: ngày cuối ({last}) trước ngày đầu ({first}).")
                                   .format(last=short_date(period.date_to), first=short_date(period.date_from))})
        if cutoff is None:
            cutoff = today if today in period else period.date_to
        elif cutoff not in period:
            errors["cutoff"] = _("Ngày chốt số liệu ({cutoff}) phải nằm trong kỳ báo cáo, từ {first} đến {last}."
                                 ).format(cutoff=short_date(cutoff), first=short_date(period.date_from),
                                          last=short_date(period.date_to))
        dated = True
        if issued_on is None:
            first, last = self.reporting_window(period, cutoff)
            dated = first <= today <= last
            issued_on = max(today, cutoff)  # shown meanwhile; an export asks for the date when not ``dated``
        elif issued_on < cutoff and "cutoff" not in errors:
            errors["issued_on"] = _("Ngày ban hành báo cáo ({day}) không được trước ngày chốt số liệu ({cutoff})."
                                    ).format(day=short_date(issued_on), cutoff=short_date(cutoff))
        if errors:
            raise ValidationError(errors)
        return cutoff, issued_on, dated

    # -- the draft -------------------------------------------------------------------------------------------

    def draft(
        self, *, period: Period, cutoff: date | None = None, issued_on: date | None = None, number: str = "",
        recipients: Sequence[str] | None = None,
    ) -> ReportDocument:
        """The report of ``period`` as it stands now: computed rows counted to the cut-off, the rows typed in for
        the period, the narrative pre-written from the figures or as edited. ``version`` is that of an identical
        export, or the next one. Without ``issued_on``, the date is today when today lies in the reporting window,
        else the document is not ``dated``. Without ``recipients``, those of the unit's settings."""
        cutoff, issued_on, dated = self._dates(period, cutoff, issued_on)
        number = clean(number)
        settings = SettingsService(self.db).load()
        errors = {}
        if not settings.name:
            errors["unit"] = _("Chưa khai báo tên đơn vị: hãy vào Cài đặt, hoặc chạy «cchc init --unit-name …».")
        if len(number) > MAX_NUMBER:
            errors["number"] = _("Số báo cáo dài quá {n} ký tự.").format(n=MAX_NUMBER)
        if errors:
            raise ValidationError(errors)

        template = self.templates.current()
        figures = self.statistics.figures(period=period, cutoff=cutoff)
        indicators = figures.indicators()
        manual = self.manual_values(period.key)
        values: dict[str, Value] = {**indicators, **{key: manual.get(key) for key in template.manual_keys}}
        sources = {key: (RowSource.MANUAL if key in template.manual_keys else RowSource.COMPUTED).value
                   for key in values}

        plans = PlanService(self.db, clock=self.clock)
        documents = [document for document in plans.documents()
                     if period.date_from <= document.issued_on <= figures.counted_to]
        written = narrative.sections(narrative.NarrativeInput(
            figures=figures, unit_name=settings.name, parent=settings.parent, manual=values,
            plan=plans.plan(figures.plan.year), documents=documents))
        edited = {row["section"]: row["text"] for row in queries.section_drafts(self.db, period.key)}
        sections = tuple(dataclasses.replace(section, text=edited[section.key]) if section.key in edited else section
                         for section in written)

        if recipients is None:
            recipients = [_list_item(line) for line in settings.recipients] or (
                [_("{parent} (b/c)").format(parent=settings.parent)] if settings.parent else [])
            archive = _("Lưu: VT.")
            if all(line.rstrip(".") != archive.rstrip(".") for line in recipients):
                recipients.append(archive)
        document = ReportDocument(
            unit=ReportUnit(name=settings.name, code=settings.code, parent=settings.parent, place=settings.place,
                            signer_name=settings.signer_name, signer_title=settings.signer_title,
                            signer_authority="; ".join(settings.authority)),
            period=period, cutoff=cutoff, issued_on=issued_on, title=_("BÁO CÁO"),
            subject=narrative.subject(period), sections=sections, appendix=template.appendix(values),
            indicators=values, sources=sources, generated_at=self.clock(), number=number,
            recipients=tuple(clean(line) for line in recipients if clean(line)), dated=dated, template=template,
        )
        version, _existing = self._version_of(period.key, fingerprint(*freeze(document)))
        return dataclasses.replace(document, version=version)

    # -- typed-in rows ---------------------------------------------------------------------------------------

    def manual_values(self, period_key: str) -> dict[str, Value]:
        """The values typed in for the period, by indicator key (rows never typed are absent)."""
        return {key: appendix.stored(value) for key, value in queries.manual_values(self.db, period_key).items()}

    @requires(Permission.REPORT_EDIT)
    def set_manual(self, *, period_key: str, indicator: str, text: str) -> Value:
        """Type in the value of one M row for the period (``"1.648"``, ``"3,5"``, ``"99,2"``); an empty text
        clears it. Returns the value stored (None when cleared)."""
        row = self.templates.current().find(indicator)
        return self.set_manual_values(period_key=period_key, values={indicator: text}).get(
            row.key if row else indicator)

    @requires(Permission.REPORT_EDIT)
    def set_manual_values(self, *, period_key: str, values: Mapping[str, str]) -> dict[str, Value]:
        """Several rows at once, all or nothing: every wrong row is named in one ValidationError (keyed by the
        row's indicator key; ``indicator`` for a key the appendix does not have). The rows are those of the
        template in use."""
        errors: dict[str, str] = {}
        template = self.templates.current()
        try:
            period = parse_period(period_key)
        except PeriodError as exc:
            raise ValidationError({"period": str(exc)}) from None
        parsed: dict[str, Value] = {}
        for key, text in values.items():
            row = template.find(key)
            if row is None:
                errors["indicator"] = _("Phụ lục không có dòng «{key}».").format(key=key)
                continue
            if row.computed:
                errors[row.key] = _("Dòng {row} được tính từ dữ liệu, không nhập tay.").format(row=row.label)
                continue
            raw = clean(text).removesuffix("%").strip()
            if raw in ("", NO_VALUE):  # «—», as every output shows a row without a value, clears it
                parsed[row.key] = None
                continue
            try:
                amount = parse_number(raw)
            except ValueError:  # also NaN, Infinity and 1e308: babel reads them, no row holds them
                errors[row.key] = _("Dòng {row}: «{text}» không phải là số; hãy nhập {accepted}.").format(
                    row=row.label, text=shown(text), accepted=accepted(row))
                continue
            problem = row_problem(row, amount)
            exponent = amount.normalize().as_tuple().exponent  # (an int: parse_number gives finite numbers only)
            if problem is None and row.kind is appendix.ValueKind.PERCENT and isinstance(exponent, int) \
                    and -exponent > PERCENT_DECIMALS:
                problem = _("tỷ lệ ghi tối đa {n} chữ số thập phân").format(n=PERCENT_DECIMALS)
            if problem:
                errors[row.key] = _("Dòng {row}: {problem}.").format(row=row.label, problem=problem)
                continue
            parsed[row.key] = appendix.stored(float(amount))
        if errors:
            raise ValidationError(errors)
        now = self.clock().isoformat(timespec="seconds")
        with writing(self.db):
            for key, value in parsed.items():
                if value is None:
                    queries.delete_manual_value(self.db, period.key, key)
                else:
                    queries.set_manual_value(self.db, {"period_key": period.key, "indicator": key, "value": value,
                                                       "updated_at": now, "user_id": self.user_id})
        return parsed

    # -- edited narrative --------------------------------------------------------------------------------------

    @requires(Permission.REPORT_EDIT)
    def save_sections(self, *, period_key: str, sections: Mapping[str, str]) -> dict[str, str]:
        """Remember the officer's text of some sections (``{"V": "Không có."}``) for the period; returns the
        texts as stored (lines trimmed)."""
        errors = {}
        unknown = [key for key in sections if key not in narrative.SECTION_KEYS]
        if unknown:
            errors["sections"] = _("Báo cáo không có mục {keys}.").format(keys=", ".join(unknown))
        cleaned = {key: _section_text(text) for key, text in sections.items() if key in narrative.SECTION_KEYS}
        for key, text in cleaned.items():
            if len(text) > MAX_SECTION:
                errors[key] = _("Mục {key} dài quá {n} ký tự.").format(key=key, n=formatting.number(MAX_SECTION))
        if not clean(period_key):
            errors["period"] = _("Chưa chọn kỳ báo cáo.")
        if errors:
            raise ValidationError(errors)
        now = self.clock().isoformat(timespec="seconds")
        with writing(self.db):
            for key, text in cleaned.items():
                queries.set_section_draft(self.db, {"period_key": period_key, "section": key, "text": text,
                                                    "updated_at": now, "user_id": self.user_id})
        return cleaned

    def edited_sections(self, period_key: str) -> dict[str, datetime]:
        """The sections of the period whose text was edited, with when."""
        return {row["section"]: datetime.fromisoformat(row["updated_at"])
                for row in queries.section_drafts(self.db, period_key)}

    @requires(Permission.REPORT_EDIT)
    def reset_sections(self, period_key: str, keys: Sequence[str] | None = None) -> int:
        """Go back to the pre-written text (of some sections only); how many edited sections were dropped."""
        with writing(self.db):
            return queries.delete_section_drafts(self.db, period_key, list(keys) if keys is not None else None)

    # -- export, history -------------------------------------------------------------------------------------

    def gaps(self, document: ReportDocument) -> tuple[ReportGap, ...]:
        """What is left to finish before ``document`` is sent (:func:`gaps`); empty when it is finished."""
        return gaps(document)

    @requires(Permission.REPORT_APPROVE)
    def export(self, document: ReportDocument, *, fmt: str, target: Path, draft: bool = False) -> ReportRecord | None:
        """Write the report as ``fmt`` to ``target`` and record what was sent (a new version, or the identical
        one already recorded). Nothing is recorded, and ``target`` is untouched, when the file cannot be made.

        A report with :func:`gaps` is refused with :class:`ReportIncomplete` unless ``draft``; a draft is written
        with «DỰ THẢO» on every page, is not recorded, and returns None; a draft JSON is refused. A document
        without a date (not ``dated``) is refused: give ``issued_on`` to :meth:`draft`."""
        fmt = (fmt or "").strip().lower().lstrip(".")
        target = Path(target)
        draft = draft or document.draft  # a document already marked is never recorded as sent
        errors = {}
        if fmt not in BUILDERS:
            errors["format"] = _("Định dạng «{fmt}» không hợp lệ: chọn một trong {formats}.").format(
                fmt=fmt, formats=", ".join(FORMATS))
        elif draft and fmt == "json":
            errors["format"] = _(
                "Không xuất bản dự thảo ra JSON: tệp JSON là số liệu gửi cấp trên để tổng hợp, chỉ xuất khi báo cáo "
                "đã hoàn chỉnh. Bản dự thảo hãy xuất ra PDF, Word hoặc Excel.")
        if not target.name or not target.parent.is_dir():
            errors["out"] = _("Thư mục «{folder}» không tồn tại.").format(folder=target.parent)
        else:
            try:
                check_output(target)  # not the database, a side file of it, a backup or another database
            except OutputRefused as exc:
                errors["out"] = str(exc)
        if not document.dated:
            first, last = self.reporting_window(document.period, document.cutoff)
            errors["issued_on"] = _(
                "Hôm nay ({today}) ngoài thời gian lập báo cáo {label} (từ {first} đến {last}): hãy ghi ngày ban "
                "hành báo cáo.").format(today=short_date(self.today()), label=document.period.label,
                                        first=short_date(first), last=short_date(last))
        if errors:
            raise ValidationError(errors)
        if draft:
            self._export_draft(document, fmt=fmt, target=target)
            return None
        if found := gaps(document):
            raise ReportIncomplete(document, found)
        write = builder(fmt)
        figures, text = freeze(document)
        wanted = fingerprint(figures, text)
        document = dataclasses.replace(document, audit=anchoring.anchor_of(self.db))  # the trail, as it stands
        temporary = target.with_name(f".{target.stem}.{secrets.token_hex(4)}.tmp{target.suffix}")
        try:
            built_as, _existing = self._version_of(document.period.key, wanted)
            with _file_errors(target):
                write(dataclasses.replace(document, version=built_as), temporary)
            with writing(self.db):
                version, existing = self._version_of(document.period.key, wanted)
                if version != built_as:  # another window exported meanwhile
                    with _file_errors(target):
                        write(dataclasses.replace(document, version=version), temporary)
                if existing is None:
                    report_id = queries.insert_report(self.db, {
                        "kind": document.period.kind.value, "period_key": document.period.key,
                        "date_from": document.period.date_from.isoformat(),
                        "date_to": document.period.date_to.isoformat(), "cutoff": document.cutoff.isoformat(),
                        "version": version, "number": document.number or None,
                        "figures": json.dumps(figures, ensure_ascii=False),
                        "narrative": json.dumps(text, ensure_ascii=False),
                        "user_id": self.user_id, "created_at": self.clock().isoformat(timespec="seconds"),
                    })
                    record = self._stored(report_id)
                else:
                    record = existing
                with _file_errors(target):
                    os.replace(temporary, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
        self._seal()
        log.info("report %s v%s exported as %s to %s", record.period_key, record.version, fmt, target)
        return record

    def _export_draft(self, document: ReportDocument, *, fmt: str, target: Path) -> None:
        """The draft's file, marked «DỰ THẢO», written atomically; nothing recorded."""
        write = builder(fmt)
        document = dataclasses.replace(document, draft=True, audit=anchoring.anchor_of(self.db))
        with _file_errors(target):
            write(document, target)
        self._seal()
        log.info("report %s exported as a draft (%s) to %s", document.period.key, fmt, target)

    def _seal(self) -> None:
        """A line in the seal file: the trail as the exported file's anchor shows it (beside a file's backups; a
        server's, in this desk's data folder)."""
        where = location(self.db)  # (a file's path; a server's name, which its seal folder does not need)
        if where is not None:
            anchoring.seal(self.db, where, by=_("xuất báo cáo"))

    def _version_of(self, period_key: str, wanted: str) -> tuple[int, ReportRecord | None]:
        """The version an export of this content gets: the identical one recorded, or the next."""
        for row in queries.versions(self.db, period_key):
            if fingerprint(json.loads(row["figures"]), json.loads(row["narrative"])) == wanted:
                return row["version"], _record(row)
        return queries.next_version(self.db, period_key), None

    def _stored_row(self, report_id: int) -> dict[str, Any]:
        row = queries.report(self.db, report_id)
        if row is None:
            raise NotFoundError(_("Không tìm thấy báo cáo số {id}.").format(id=report_id))
        return row

    def _stored(self, report_id: int) -> ReportRecord:
        return _record(self._stored_row(report_id))

    def history(self, period_key: str | None = None) -> list[ReportRecord]:
        """The reports exported, the latest first (of one period when given)."""
        return [_record(row) for row in queries.reports(self.db, period_key)]

    @requires(Permission.REPORT_APPROVE)
    def reopen(self, report_id: int) -> ReportDocument:
        """The document as it was exported: its figures and text, whatever was recorded since."""
        row = self._stored_row(report_id)
        return thaw(json.loads(row["figures"]), json.loads(row["narrative"]), version=row["version"])

    # -- the records behind a row ----------------------------------------------------------------------------

    def records_behind(self, *, period: Period, cutoff: date | None, key: str,
                       limit: int | None = None) -> RecordsBehind | None:
        """The records a computed figure counts (dossiers, plan tasks, findings, survey responses), for the
        window to list; None for a figure that has no list (a typed-in row, the catalogue, a rate…)."""
        wanted = indicators.behind(key)
        if wanted is None:
            return None
        cutoff, _issued, _dated = self._dates(period, cutoff, None)
        stats = self.statistics
        if wanted.records is RecordKind.DOSSIERS:
            assert wanted.figure is not None
            return stats.dossiers(period=period, figure=wanted.figure, cutoff=cutoff, channel=wanted.channel,
                                  field=wanted.field, limit=limit)
        if wanted.records is RecordKind.TASKS:
            year = min(period.date_to, cutoff).year
            tasks = [task for task in stats.tasks(year=year, cutoff=cutoff) if task.state is not TaskState.CANCELLED]
            choice = wanted.tasks
            if choice in (TaskChoice.HIGHER, TaskChoice.HIGHER_ON_TIME, TaskChoice.HIGHER_LATE):
                tasks = [task for task in tasks if task.source is TaskSource.HIGHER_LEVEL]
            if choice is TaskChoice.DONE:
                tasks = [task for task in tasks if task.state is TaskState.DONE]
            if choice is TaskChoice.HIGHER_ON_TIME:
                tasks = [task for task in tasks if task.on_time is True]
            if choice is TaskChoice.HIGHER_LATE:
                tasks = [task for task in tasks if task.on_time is False]
            return tasks
        if wanted.records is RecordKind.FINDINGS:
            findings = stats.findings(period=period, cutoff=cutoff)
            return [finding for finding in findings if finding.remedied] if wanted.remedied_only else findings
        return stats.surveys(period=period, cutoff=cutoff)

