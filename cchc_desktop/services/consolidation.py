"""ConsolidationService: the higher level adds up the JSON reports of its communes (issue 6, DESIGN.md §3, §6):
``cchc consolidate`` and the window's page call it.

Every file is read and checked first; any problem (a file that is not a report of ``cchc-report/1``, a figure
its indicator cannot have — a negative or fractional count, a count above ``MAX_COUNT`` a commune, a rate out of
its range, a code not among its codes —, another period or cut-off than the first file, a unit given twice, no
file at all) is reported, each naming its file (and the figure), and nothing is made. The sum is then a
:class:`~cchc_desktop.domain.report.ReportDocument` of the consolidating unit (rates recomputed from their
parts, codes combined by their kind: :mod:`cchc_desktop.domain.consolidation`) with ``communes`` naming the
units added up, and a table of the units × the key indicators.

Decisions where the issue is silent:
- The same period means the same first and last day (the label is not compared); the cut-off must be the same
  too, because figures counted to different days (open dossiers, plan tasks done) do not add up to the state
  of any one day: a commune that sent a report with another cut-off sends it again.
- A unit is the same when its identifier code (if both files have one) or its name is the same, compared
  without case or extra spaces (diacritics count: two communes may differ by a tone mark only); the units
  inside a consolidated file (``communes``) count too, so that a commune is never added twice through a
  district's file.
- The consolidating unit is the one named by the caller, else the parent unit all the files name, else the
  unit of the settings (:func:`consolidating_unit`); it must not be one of the units added up.
- The reports must follow the same appendix template (issue 16: the same rows, by the ``hash`` of the template
  each JSON carries; a file made before templates followed the default). Reports of different templates are
  refused, naming each file's template, rather than merged: a key may mean another thing, or be added up by
  another rule, in another template, and a row one template lacks would be added over some communes only. The
  sum follows the files' template, which the consolidating office need not have installed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from cchc_desktop.domain.appendix import AppendixTemplate, Rule
from cchc_desktop.domain.consolidation import Part, Totals, add_up
from cchc_desktop.domain.report import AppendixRow, NarrativeSection, ReportDocument, ReportUnit, RowSource, Value
from cchc_desktop.domain.unit import UnitSettings
from cchc_desktop.errors import ValidationError
from cchc_desktop.formatting import number, percent
from cchc_desktop.i18n import _
from cchc_desktop.reports.report_json import ReportFile, ReportFileError, read_json, write_json
from cchc_desktop.text import clean

log = logging.getLogger("cchc.services")

FORMATS = (".json", ".xlsx", ".pdf", ".docx")

# The columns of the table of units: (indicator key, header); rates are fractions (0–1).
TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("3.3.1", "Hồ sơ tiếp nhận (3.3.1)"),
    ("3.3.2", "Giải quyết đúng hạn (3.3.2)"),
    ("rate.dung_han", "Tỷ lệ đúng hạn"),
    ("rate.truc_tuyen", "Tỷ lệ trực tuyến"),
    ("rate.hai_long", "Tỷ lệ hài lòng"),
    ("1.1.1", "Nhiệm vụ kế hoạch (1.1.1)"),
    ("1.1.2", "Nhiệm vụ hoàn thành (1.1.2)"),
    ("3.5", "Thư xin lỗi (3.5)"),
)

_UNIT_PREFIX = re.compile(
    r"^\s*(?:UBND|Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân)\s+"
    r"(?:tỉnh|thành\s+phố|huyện|quận|thị\s+xã|xã|phường|thị\s+trấn|đặc\s+khu)\s+(.+?)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CommuneTable:
    """The units added up × the key indicators (:data:`TABLE_COLUMNS`), one row per unit then the total row.

    ``rows`` hold the raw values (the unit's name first; counts, rates as fractions, None where undefined);
    :meth:`text_rows` the same as printed (``1.648``, ``99,2%``, ``—``)."""

    header: tuple[str, ...]
    keys: tuple[str, ...]
    rows: tuple[tuple[str | Value, ...], ...]

    def text_rows(self) -> tuple[tuple[str, ...], ...]:
        def text(key: str, value: str | Value) -> str:
            if isinstance(value, str):
                return value
            return percent(value) if key.startswith("rate.") else number(value)

        return tuple(tuple(text(key, value) for key, value in zip(("", *self.keys), row, strict=True))
                     for row in self.rows)

    def sheet(self, title: str) -> tuple[str, tuple[str, ...], tuple[tuple[str | Value, ...], ...]]:
        """``(title, header, rows)`` for a spreadsheet: numbers stay numbers, a rate in percent with one decimal
        (its header says «(%)»), a rate over nothing «—»."""
        header = tuple(f"{text} (%)" if key.startswith("rate.") else text
                       for key, text in zip(("", *self.keys), self.header, strict=True))

        def cell(key: str, value: str | Value) -> str | Value:
            if not key.startswith("rate."):
                return value
            if isinstance(value, str):  # (a rate is a number or nothing; a text stays as it is)
                return value
            return number(None) if value is None else round(100 * value, 1)

        rows = tuple(tuple(cell(key, value) for key, value in zip(("", *self.keys), row, strict=True))
                     for row in self.rows)
        return title, header, rows


@dataclass(frozen=True)
class Consolidated:
    """The sum for the higher level: the document to export, the table of units, and what could not be added."""

    document: ReportDocument
    table: CommuneTable
    files: tuple[Path, ...]
    combined: Mapping[str, Rule]
    missing: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # key → units without a number for it
    not_added: tuple[str, ...] = ()  # percentages typed in without their parts, left empty
    spread: Mapping[str, tuple[Value, Value]] = field(default_factory=dict)  # a ``max`` row the units differ on

    @property
    def notes(self) -> tuple[str, ...]:
        """What the user should know about the sum, in Vietnamese (one line each)."""
        lines = [_("Chỉ tiêu {key}: chưa có số liệu của {units}; tổng chỉ gồm các đơn vị có số liệu.").format(
            key=key, units=", ".join(units)) for key, units in self.missing.items()]
        lines += [_("Chỉ tiêu {key}: các đơn vị báo cáo khác nhau (từ {low} đến {high}); đây là số thủ tục theo danh "
                    "mục chung nên lấy số lớn nhất ({high}), không cộng.").format(
            key=key, low=number(low), high=number(high)) for key, (low, high) in self.spread.items()]
        if self.not_added:
            lines.append(_("Chỉ tiêu tỷ lệ nhập tay {keys}: không có số thành phần nên không tổng hợp được "
                           "(để trống, không lấy trung bình).").format(keys=", ".join(self.not_added)))
        return tuple(lines)


def _problem(path: Path, message: str, problems: dict[str, str], suffix: str = "") -> None:
    problems[f"{path}{suffix}"] = message


def _same(text: str) -> str:
    """A name or code compared without case or extra spaces (diacritics count: Hoằng Hợp is not Hoàng Hợp)."""
    return clean(text).casefold()


def _identities(report: ReportFile) -> list[tuple[str, str]]:
    """What makes a unit itself: its code and its name, and the units inside a consolidation."""
    found = [("code", _same(report.unit.code))] if report.unit.code else []
    found.append(("name", _same(report.unit.name)))
    return found + [("name", _same(name)) for name in report.communes]


def _check_together(files: Sequence[Path], reports: Sequence[ReportFile]) -> dict[str, str]:
    problems: dict[str, str] = {}
    first_path, first = files[0], reports[0]
    seen_paths: dict[Path, Path] = {}
    seen_units: dict[tuple[str, str], Path] = {}
    for path, report in zip(files, reports, strict=True):
        resolved = path.resolve()
        if resolved in seen_paths:
            _problem(path, _("Tệp «{path}» được chọn hai lần.").format(path=path), problems, "#twice")
            continue
        seen_paths[resolved] = path
        if report.template.digest != first.template.digest:
            _problem(path, _(
                "Tệp «{path}» lập theo mẫu phụ lục «{template}», khác mẫu của tệp «{other}» («{other_template}»): "
                "chỉ tổng hợp được các báo cáo cùng mẫu phụ lục. Hãy đề nghị đơn vị cài đúng mẫu phụ lục (cchc "
                "template install) rồi xuất lại báo cáo.").format(
                path=path, template=report.template.title, other=first_path, other_template=first.template.title),
                problems, "#template")
        if (report.period.date_from, report.period.date_to) != (first.period.date_from, first.period.date_to):
            _problem(path, _(
                "Tệp «{path}» là báo cáo {label} ({first} – {last}), khác kỳ của tệp «{other}» ({other_label}, "
                "{other_first} – {other_last}): chỉ tổng hợp được các báo cáo cùng kỳ.").format(
                path=path, label=report.period.label, first=f"{report.period.date_from:%d/%m/%Y}",
                last=f"{report.period.date_to:%d/%m/%Y}", other=first_path, other_label=first.period.label,
                other_first=f"{first.period.date_from:%d/%m/%Y}", other_last=f"{first.period.date_to:%d/%m/%Y}"),
                problems, "#period")
        elif report.cutoff != first.cutoff:
            _problem(path, _(
                "Tệp «{path}» chốt số liệu đến ngày {cutoff}, khác tệp «{other}» (chốt đến ngày {other_cutoff}): "
                "chỉ tổng hợp được các báo cáo cùng ngày chốt số liệu. Hãy đề nghị đơn vị xuất lại báo cáo với "
                "ngày chốt {other_cutoff}.").format(
                path=path, cutoff=f"{report.cutoff:%d/%m/%Y}", other=first_path,
                other_cutoff=f"{first.cutoff:%d/%m/%Y}"), problems, "#cutoff")
        for identity in _identities(report):
            if identity in seen_units and seen_units[identity] != path:
                _problem(path, _(
                    "Tệp «{path}» và tệp «{other}» cùng có số liệu của «{unit}»: mỗi đơn vị chỉ được tổng hợp "
                    "một lần.").format(path=path, other=seen_units[identity], unit=report.unit.name),
                    problems, "#unit")
                break
        for identity in _identities(report):
            seen_units.setdefault(identity, path)
    return problems


def read_reports(files: Sequence[str | Path]) -> tuple[tuple[Path, ...], tuple[ReportFile, ...]]:
    """Read and check every file; raises ValidationError with every problem (one message per file and cause)."""
    paths = tuple(Path(file) for file in files)
    if not paths:
        raise ValidationError({"files": _("Chưa chọn tệp báo cáo JSON nào để tổng hợp.")})
    problems: dict[str, str] = {}
    reports: list[ReportFile] = []
    for path in paths:
        try:
            reports.append(read_json(path))
        except ReportFileError as exc:
            _problem(path, str(exc), problems)
    if problems:
        raise ValidationError(problems)
    if problems := _check_together(paths, reports):
        raise ValidationError(problems)
    return paths, tuple(reports)


def place_of(unit_name: str) -> str:
    """``UBND huyện Hoằng Hóa`` → ``Hoằng Hóa``: the place name of the date line ("" when not recognised)."""
    match = _UNIT_PREFIX.match(unit_name)
    return match.group(1) if match else ""


def consolidating_unit(reports: Sequence[ReportFile], *, name: str = "", settings: UnitSettings | None = None,
                       code: str = "", parent: str = "", place: str = "", signer_name: str = "",
                       signer_title: str = "", signer_authority: str = "") -> ReportUnit:
    """The unit that signs the sum: ``name``, else the parent unit every file names, else the settings' unit.

    The settings give the code, parent, place and signer when they are of that unit; the other arguments, when
    not empty, override them.
    """
    given = {"code": code, "parent": parent, "place": place, "signer_name": signer_name,
             "signer_title": signer_title, "signer_authority": signer_authority}
    own = settings if settings is not None and settings.configured else None
    parents = {report.unit.parent for report in reports}
    chosen = " ".join(name.split()) or (parents.pop() if len(parents) == 1 else "") or (own.name if own else "")
    if not chosen:
        raise ValidationError({"unit_name": _(
            "Chưa biết đơn vị tổng hợp: các tệp không ghi cùng một cơ quan cấp trên. Hãy ghi tên đơn vị, "
            "ví dụ --unit-name \"UBND tỉnh Thanh Hóa\".")})
    unit = ReportUnit(name=chosen, place=place_of(chosen))
    if own is not None and _same(own.name) == _same(chosen):
        unit = ReportUnit(name=chosen, code=own.code, parent=own.parent, place=own.place or unit.place,
                          signer_name=own.signer_name, signer_title=own.signer_title,
                          signer_authority="; ".join(own.authority))
    unit = replace(unit, **{key: " ".join(value.split()) for key, value in given.items() if value})
    _check_not_added(unit, reports)
    return unit


def _check_not_added(unit: ReportUnit, reports: Sequence[ReportFile]) -> None:
    added = {identity for report in reports for identity in _identities(report)}
    if ("name", _same(unit.name)) in added or (unit.code and ("code", _same(unit.code)) in added):
        raise ValidationError({"unit_name": _(
            "Đơn vị tổng hợp «{unit}» cũng là một đơn vị có trong các tệp được tổng hợp. Hãy ghi tên đơn vị "
            "cấp trên bằng --unit-name.").format(unit=unit.name)})


def _table(reports: Sequence[ReportFile], totals: Mapping[str, Value]) -> CommuneTable:
    keys = tuple(key for key, _header in TABLE_COLUMNS)
    rows = [(report.unit.name, *(report.indicators.get(key) for key in keys)) for report in reports]
    rows.append((_("Tổng cộng"), *(totals.get(key) for key in keys)))
    return CommuneTable(header=(_("Đơn vị"), *(_(header) for _key, header in TABLE_COLUMNS)), keys=keys,
                        rows=tuple(rows))


def _appendix(totals: Totals, template: AppendixTemplate) -> tuple[AppendixRow, ...]:
    """The template's rows with the sums; a yes/no row counts the units that answered yes."""
    return tuple(
        replace(row, source=RowSource(totals.sources.get(row.key, row.source.value)),
                unit=_("Số đơn vị") if totals.combined.get(row.key) is Rule.YES_COUNT else row.unit)
        for row in template.appendix(totals.indicators)
    )


def _summary(names: Sequence[str], values: Mapping[str, Value]) -> str:
    """The sentences of the consolidated report, in the plain style of the seeds."""
    def count(key: str) -> str:
        return number(values.get(key))

    return "\n".join((
        _("Tổng hợp số liệu từ báo cáo của {n} đơn vị: {names}.").format(n=len(names), names=", ".join(names)),
        _("Tổng số hồ sơ đã tiếp nhận: {received} hồ sơ; đã giải quyết {resolved} hồ sơ, trong đó đúng hạn "
          "{in_time} hồ sơ; tỷ lệ giải quyết đúng hạn đạt {on_time}; tỷ lệ hồ sơ trực tuyến đạt {online}.").format(
            received=count("3.3.1"), resolved=count("hs.da_giai_quyet"), in_time=count("3.3.2"),
            on_time=percent(values.get("rate.dung_han")), online=percent(values.get("rate.truc_tuyen"))),
        _("Số phiếu khảo sát: {responses} phiếu; tỷ lệ hài lòng đạt {satisfied}. Số thư xin lỗi: {apologies}.").format(
            responses=count("1.4.1"), satisfied=percent(values.get("rate.hai_long")), apologies=count("3.5")),
        _("Kế hoạch CCHC: {tasks} nhiệm vụ, đã hoàn thành {done} nhiệm vụ.").format(
            tasks=count("1.1.1"), done=count("1.1.2")),
    ))


def _per_unit(reports: Sequence[ReportFile]) -> str:
    """One line per unit with the key figures of the table, for the papers (the workbook has the table)."""
    def line(report: ReportFile) -> str:
        values = report.indicators
        return _("- {unit}: tiếp nhận {received} hồ sơ, giải quyết đúng hạn {in_time} hồ sơ (tỷ lệ đúng hạn "
                 "{on_time}); tỷ lệ trực tuyến {online}; tỷ lệ hài lòng {satisfied}; kế hoạch: hoàn thành {done}/"
                 "{tasks} nhiệm vụ; thư xin lỗi: {apologies}.").format(
            unit=report.unit.name, received=number(values.get("3.3.1")), in_time=number(values.get("3.3.2")),
            on_time=percent(values.get("rate.dung_han")), online=percent(values.get("rate.truc_tuyen")),
            satisfied=percent(values.get("rate.hai_long")), done=number(values.get("1.1.2")),
            tasks=number(values.get("1.1.1")), apologies=number(values.get("3.5")))

    return "\n".join(line(report) for report in reports)


class ConsolidationService:
    """No database: files in, a document out (and its export)."""

    def __init__(self, *, clock: Callable[[], datetime] = datetime.now) -> None:
        self.clock = clock

    def consolidate(self, files: Sequence[str | Path], *, unit: ReportUnit | None = None, issued_on: date | None = None,
                    settings: UnitSettings | None = None, **given: str) -> Consolidated:
        """Read, check and add up ``files``; ``unit`` (else :func:`consolidating_unit` with ``settings`` and
        ``given``) signs the sum, dated ``issued_on`` (today by default)."""
        paths, reports = read_reports(files)
        if unit is None:
            unit = consolidating_unit(reports, settings=settings, **given)
        else:
            _check_not_added(unit, reports)
        names = _unit_names(reports)
        first = reports[0]
        template = first.template
        totals = add_up([Part(name=report.unit.name, indicators=report.indicators, sources=report.sources,
                              consolidated=bool(report.communes)) for report in reports], template)
        now = self.clock()
        document = ReportDocument(
            unit=unit, period=first.period, cutoff=first.cutoff, issued_on=issued_on or now.date(),
            title=_("BÁO CÁO"),
            subject=_("Tổng hợp kết quả thực hiện công tác cải cách hành chính {period} của các đơn vị cấp xã").format(
                period=first.period.label[:1].lower() + first.period.label[1:]),
            sections=(NarrativeSection("I", _("Tổng hợp số liệu"), _summary(names, totals.indicators)),
                      NarrativeSection("II", _("Số liệu của từng đơn vị"), _per_unit(reports))),
            appendix=_appendix(totals, template), indicators=totals.indicators, sources=totals.sources,
            generated_at=now, recipients=tuple(part for part in (unit.parent,) if part), communes=names,
            template=template,
        )
        given_any = {key for report in reports for key, value in report.indicators.items() if value is not None}
        not_added = tuple(key for key, rule in totals.combined.items() if rule is Rule.NONE and key in given_any)
        return Consolidated(document=document, table=_table(reports, totals.indicators), files=paths,
                            combined=totals.combined, missing=totals.missing, not_added=not_added,
                            spread=totals.spread)

    def export(self, result: Consolidated, target: str | Path) -> Path:
        """Write the sum as .json, .xlsx (appendix, then the table of units), .pdf or .docx; atomically."""
        path = Path(target)
        check_target(path, result.files)
        suffix = path.suffix.lower()
        if suffix == ".json":
            write_json(result.document, path)
        elif suffix == ".xlsx":
            from cchc_desktop.reports.periodic_xlsx import report_xlsx

            report_xlsx(result.document, path, extra_sheets=[result.table.sheet(_("Các đơn vị"))])
        elif suffix == ".pdf":
            from cchc_desktop.reports.periodic_pdf import report_pdf

            report_pdf(result.document, path)
        else:
            from cchc_desktop.reports.periodic_docx import report_docx

            report_docx(result.document, path)
        log.info("consolidated %d reports into %s", len(result.files), path)
        return path


def saved_settings(db_path: Path) -> UnitSettings | None:
    """The unit's settings in the database at ``db_path`` if there is one (opened without migrating or creating
    it; a file that cannot be read is ignored: the consolidation needs no database)."""
    from cchc_desktop.services.settings import SettingsService
    from db.connection import open_db
    from db.errors import StorageError

    if not db_path.is_file():
        return None
    try:
        db = open_db(db_path, migrate=False, create=False)
    except StorageError as exc:
        log.warning("settings of %s not read: %s", db_path, exc)
        return None
    try:
        return SettingsService(db).load()
    except Exception as exc:  # an old or foreign schema: the options and the files name the unit instead
        log.warning("settings of %s not read: %s", db_path, exc)
        return None
    finally:
        db.close()


def check_target(target: Path, files: Iterable[Path] = ()) -> None:
    """The output file: one of :data:`FORMATS`, and not one of the files read."""
    if target.suffix.lower() not in FORMATS:
        raise ValidationError({"out": _("Chỉ ghi được tệp .json, .xlsx, .pdf hoặc .docx (không ghi được «{name}»).")
                               .format(name=target.name)})
    if any(target.resolve() == Path(file).resolve() for file in files):
        raise ValidationError({"out": _("Tệp kết quả «{path}» trùng với một tệp báo cáo được tổng hợp: hãy chọn "
                                        "tên khác.").format(path=target)})


def _unit_names(reports: Sequence[ReportFile]) -> tuple[str, ...]:
    """The units added up: the communes of each file (those inside a consolidated file, else its unit)."""
    return tuple(name for report in reports for name in (report.communes or (report.unit.name,)))
