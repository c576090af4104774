"""The report as JSON for the machines of the higher level (DESIGN.md §6, ``schema: "cchc-report/1"``).

Written: ``schema``, ``unit`` {name, code, parent}, ``period`` {from, to, cutoff, label}, ``generated_at``
(ISO 8601 with the Vietnamese offset ``+07:00``), ``indicators`` and ``sources`` exactly as §6, keys in
row-number order so that two files diff line by line; plus keys §6 does not name: ``version`` (the export's
version number; a sent report is never changed, a later export is a new version), for a consolidation only
``communes`` (the names of the units added up), and ``template`` (issue 16: the appendix template the report
followed, as its file writes it — ``format``, ``id``, ``name``, ``rows`` — with ``hash``, the SHA-256 of its rows,
so that the higher level adds the rows up by their own rules, and refuses to mix templates, without having the
template installed). The schema name is versioned: a reader of ``cchc-report/1`` ignores keys it does not know
(this one too: a file without ``template`` was made before templates, with the rows of the default template),
and a change to a required key would be ``cchc-report/2``.

Nothing else goes in: no narrative text, no names but the unit's (and the communes' for a consolidation) and the
template's own words, no record of any kind, so no personal data can leave the commune through this file.

Read: :func:`read_json` checks everything it relies on and says in Vietnamese what is wrong, naming the file
(:class:`ReportFileError`). A cut-off before the period's first day is refused; a cut-off after its last day
is accepted (the statistics count plan tasks and findings done by such a cut-off). A file is a stranger's: one
larger than :data:`MAX_FILE_SIZE` is not parsed, one nested deeper than :data:`MAX_DEPTH` is refused, a number
JSON allows but no report holds (``1e999``, read as infinity; an integer of thousands of digits) is refused
while parsing, and every figure must be one its indicator can have
(:func:`cchc_desktop.domain.consolidation.figure_problem`: no negative or fractional count, no count above
``MAX_COUNT`` for each commune, rates in their range, codes among their codes), each bad one named.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from cchc_desktop.domain import templates
from cchc_desktop.domain.appendix import AppendixTemplate
from cchc_desktop.domain.consolidation import figure_problem, key_order
from cchc_desktop.domain.periods import Period, PeriodError, parse_period
from cchc_desktop.domain.report import SCHEMA, ReportDocument, ReportUnit, Value
from cchc_desktop.domain.templates import key_problem
from cchc_desktop.errors import CchcError
from cchc_desktop.formatting import file_size
from cchc_desktop.i18n import _

VIETNAM = timezone(timedelta(hours=7))
REQUIRED = ("schema", "unit", "period", "generated_at", "indicators", "sources")
BAD_VALUES_SHOWN = 5
MAX_FILE_SIZE = 5 * 1024 * 1024  # a commune's report is ~4 KB; naming all 3,321 communes in «communes» ~0.1 MB
MAX_DEPTH = 16  # a report nests two levels (the figures in «indicators»); the rest is room for later keys
QUOTED = 40  # characters of a key or value quoted in a message


class ReportFileError(CchcError):
    """A report file that cannot be used; ``str(exc)`` is the Vietnamese message naming the file."""

    def __init__(self, path: Path, message: str) -> None:
        self.path = path
        super().__init__(message)


@dataclass(frozen=True)
class ReportFile:
    """What a JSON report says (``unit`` has only name, code and parent)."""

    unit: ReportUnit
    period: Period
    cutoff: date
    generated_at: datetime
    indicators: Mapping[str, Value]
    sources: Mapping[str, str]
    version: int = 1
    communes: tuple[str, ...] = ()
    template: AppendixTemplate = field(default_factory=templates.default)


# -- writing -------------------------------------------------------------------------------------------------


def _number(key: str, value: object) -> Value:
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    raise TypeError(f"indicator {key!r}: {value!r} is not a number")


def _vietnam_time(moment: datetime) -> datetime:
    """A naive time is the office's clock, Vietnamese time (one zone, no summer time)."""
    aware = moment.replace(tzinfo=VIETNAM) if moment.tzinfo is None else moment.astimezone(VIETNAM)
    return aware.replace(microsecond=0)


def to_json(document: ReportDocument) -> dict[str, Any]:
    """The JSON object of ``document`` (DESIGN.md §6)."""
    unit, period = document.unit, document.period
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "unit": {"name": unit.name, "code": unit.code, "parent": unit.parent},
        "period": {"from": period.date_from.isoformat(), "to": period.date_to.isoformat(),
                   "cutoff": document.cutoff.isoformat(), "label": period.label},
        "generated_at": _vietnam_time(document.generated_at).isoformat(),
        "version": document.version,
    }
    if document.communes:
        data["communes"] = list(document.communes)
    data["indicators"] = {key: _number(key, document.indicators[key])
                          for key in sorted(document.indicators, key=key_order)}
    data["sources"] = {key: str(document.sources[key]) for key in sorted(document.sources, key=key_order)}
    audit = getattr(document, "audit", None)
    if audit:  # the commune's audit trail as it stood (no personal data: an id, an entry number, a hash)
        data["audit"] = dict(audit)
    data["template"] = templates.of_document(document).data(with_digest=True)
    return data


def dumps(document: ReportDocument) -> str:
    return json.dumps(to_json(document), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def write_json(document: ReportDocument, target: str | os.PathLike[str]) -> Path:
    """Write the JSON file (UTF-8) atomically: a temporary file beside ``target``, then renamed."""
    from cchc_desktop.files import write_atomically

    path = Path(target)
    write_atomically(path, dumps(document).encode("utf-8"))
    return path


# -- reading -------------------------------------------------------------------------------------------------


def _quoted(text: str) -> str:
    """A key or value as a message quotes it: cut after :data:`QUOTED` characters."""
    return text if len(text) <= QUOTED else text[:QUOTED] + "…"


class _HugeNumber(ValueError):
    """A number JSON allows but no report holds: ``text`` as written, with its digits for an integer."""

    def __init__(self, text: str, digits: int | None = None) -> None:
        self.text, self.digits = text, digits
        super().__init__(text)


def _reject_constant(name: str) -> None:
    raise ValueError(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 is read as infinity
        raise _HugeNumber(text)
    return value


def _bounded_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        raise _HugeNumber(text, len(text.lstrip("-"))) from None


def _too_deep(data: object) -> bool:
    """Whether ``data`` nests deeper than :data:`MAX_DEPTH` (walked without recursion)."""
    pending: list[tuple[object, int]] = [(data, 1)]
    while pending:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > MAX_DEPTH:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


def _read(path: Path) -> bytes:
    """The file's bytes, at most :data:`MAX_FILE_SIZE` (a larger file is refused without reading the rest)."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_FILE_SIZE + 1)
    except FileNotFoundError:
        raise ReportFileError(path, _("Không tìm thấy tệp «{path}».").format(path=path)) from None
    except OSError as exc:
        raise ReportFileError(path, _("Không đọc được tệp «{path}»: {detail}.").format(
            path=path, detail=exc.strerror)) from None
    if len(raw) > MAX_FILE_SIZE:
        raise ReportFileError(path, _(
            "Tệp «{path}» lớn hơn {size}, không phải là báo cáo JSON của CCHC Desktop (một báo cáo chỉ vài KB). Hãy "
            "chọn tệp .json xuất từ CCHC Desktop.").format(path=path, size=file_size(MAX_FILE_SIZE)))
    return raw


def _load(path: Path) -> object:
    fail = ReportFileError
    raw = _read(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise fail(path, _("Tệp «{path}» không phải là báo cáo JSON (không phải văn bản UTF-8). Hãy chọn tệp .json "
                           "xuất từ CCHC Desktop.").format(path=path)) from None
    too_deep = _("Tệp «{path}» có các mục lồng nhau quá sâu, không phải là báo cáo JSON của CCHC Desktop.")
    try:
        data = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float, parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        raise fail(path, _("Tệp «{path}» không phải là JSON hợp lệ (dòng {line}, cột {column}). Hãy chọn tệp .json "
                           "xuất từ CCHC Desktop.").format(path=path, line=exc.lineno, column=exc.colno)) from None
    except _HugeNumber as exc:
        if exc.digits is None:
            message = _("Tệp «{path}» có số «{number}» quá lớn, không phải là số liệu dùng được.")
        else:
            message = _("Tệp «{path}» có số «{number}» quá lớn ({digits} chữ số), không phải là số liệu dùng được.")
        raise fail(path, message.format(path=path, number=_quoted(exc.text), digits=exc.digits)) from None
    except ValueError as exc:  # NaN, Infinity
        raise fail(path, _("Tệp «{path}» có giá trị «{value}», không phải là số hợp lệ của JSON.").format(
            path=path, value=exc)) from None
    except RecursionError:  # the parser nests a call per level
        raise fail(path, too_deep.format(path=path)) from None
    if _too_deep(data):
        raise fail(path, too_deep.format(path=path))
    return data


def _day(path: Path, period: Mapping[str, object], key: str) -> date:
    value = period.get(key)
    try:
        if isinstance(value, str) and len(value) == len("2024-06-30"):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise ReportFileError(path, _(
        "Tệp «{path}»: không đọc được kỳ báo cáo: «period.{key}» phải là ngày dạng YYYY-MM-DD (đang ghi "
        "«{value}»).").format(path=path, key=key, value="" if value is None else value))


def period_of(first: date, last: date, label: str = "") -> Period:
    """The period from ``first`` to ``last``: a calendar period (year, half, quarter, nine months, month) when
    the days are one, else a range of days labelled ``label`` (or ``Từ ngày … đến ngày …``).

    Raises PeriodError when the days do not make a period."""
    year = first.year
    calendar_keys = [f"{year}", f"{year}-H1", f"{year}-H2", f"{year}-9M", *(f"{year}-Q{q}" for q in range(1, 5)),
                     *(f"{year}-{m:02d}" for m in range(1, 13))] if first.year == last.year else []
    for key in calendar_keys:
        period = parse_period(key)
        if (period.date_from, period.date_to) == (first, last):
            return period
    period = parse_period(f"{first.isoformat()}:{last.isoformat()}")
    return Period(period.key, period.kind, first, last, label.strip() or period.label)


def _period(path: Path, raw: object) -> tuple[Period, date]:
    if not isinstance(raw, dict):
        raise ReportFileError(path, _("Tệp «{path}»: mục «period» phải có from, to, cutoff.").format(path=path))
    first, last, cutoff = (_day(path, raw, key) for key in ("from", "to", "cutoff"))
    label = raw.get("label", "")
    try:
        period = period_of(first, last, label if isinstance(label, str) else "")
    except PeriodError as exc:
        raise ReportFileError(path, _("Tệp «{path}»: không đọc được kỳ báo cáo: {detail}").format(
            path=path, detail=exc)) from None
    if cutoff < first:
        raise ReportFileError(path, _(
            "Tệp «{path}»: ngày chốt số liệu {cutoff} trước ngày đầu kỳ {first}.").format(
            path=path, cutoff=f"{cutoff:%d/%m/%Y}", first=f"{first:%d/%m/%Y}"))
    return period, cutoff


def _unit(path: Path, raw: object) -> ReportUnit:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"].strip():
        raise ReportFileError(path, _("Tệp «{path}»: mục «unit» phải ghi tên đơn vị (unit.name).").format(path=path))
    extra = {key: raw.get(key) or "" for key in ("code", "parent")}
    if not all(isinstance(value, str) for value in extra.values()):
        raise ReportFileError(path, _("Tệp «{path}»: unit.code và unit.parent phải là chữ.").format(path=path))
    return ReportUnit(name=raw["name"].strip(), code=extra["code"].strip(), parent=extra["parent"].strip())


def _is_number(value: object) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def _json_text(value: object) -> str:
    return _quoted(json.dumps(value, ensure_ascii=False))


def _listed(problems: list[str]) -> tuple[str, str]:
    """The first :data:`BAD_VALUES_SHOWN` problems, and how many more there are."""
    more = len(problems) - BAD_VALUES_SHOWN
    return "; ".join(problems[:BAD_VALUES_SHOWN]), _(" … và {n} chỉ tiêu khác").format(n=more) if more > 0 else ""


def _template(path: Path, raw: object) -> AppendixTemplate:
    """The template the file says it followed (the default for a file made before templates)."""
    try:
        return templates.of_report(raw)
    except templates.TemplateInvalid as exc:
        problems = exc.problems
        more = _(" … và {n} lỗi khác").format(n=len(problems) - BAD_VALUES_SHOWN) \
            if len(problems) > BAD_VALUES_SHOWN else ""
        raise ReportFileError(path, _(
            "Tệp «{path}»: mẫu phụ lục («template») không dùng được: {shown}{more}. Hãy đề nghị đơn vị xuất lại báo "
            "cáo.").format(path=path, shown=" ".join(problems[:BAD_VALUES_SHOWN]).rstrip("."), more=more)) from None


def _indicators(path: Path, raw: object, *, units: int, template: AppendixTemplate) -> dict[str, Value]:
    """The figures of a report adding up ``units`` communes, each one its indicator can have."""
    if not isinstance(raw, dict):
        raise ReportFileError(path, _("Tệp «{path}»: mục «indicators» phải là bảng chỉ tiêu: giá trị.").format(
            path=path))
    bad = [f"«{_quoted(key)}»: {_json_text(value)}" for key, value in raw.items() if not key or not _is_number(value)]
    if bad:
        shown, more = _listed(bad)
        raise ReportFileError(path, _(
            "Tệp «{path}»: giá trị của chỉ tiêu phải là số hoặc null; sai ở {shown}{more}.").format(
            path=path, shown=shown, more=more))
    impossible = []
    for key, value in raw.items():
        if problem := key_problem(key):
            impossible.append(f"«{_quoted(key)}»: {problem}")
        elif problem := figure_problem(key, value, units=units, template=template):
            impossible.append(f"«{key}» = {_json_text(value)} ({problem})")
    if impossible:
        shown, more = _listed(impossible)
        raise ReportFileError(path, _(
            "Tệp «{path}»: số liệu không dùng được: {shown}{more}. Hãy đề nghị đơn vị kiểm tra lại số liệu và gửi "
            "lại báo cáo.").format(path=path, shown=shown, more=more))
    return dict(raw)


def read_json(path: str | os.PathLike[str]) -> ReportFile:
    """Read a report file of ``cchc-report/1``; raises :class:`ReportFileError` saying what is wrong."""
    path = Path(path)
    data = _load(path)
    if not isinstance(data, dict) or "schema" not in data:
        raise ReportFileError(path, _(
            "Tệp «{path}» không phải là báo cáo JSON của CCHC Desktop (không có mục «schema»: «{schema}»).").format(
            path=path, schema=SCHEMA))
    if data["schema"] != SCHEMA:
        raise ReportFileError(path, _(
            "Tệp «{path}» theo định dạng «{found}», phiên bản này chỉ đọc được «{schema}». Hãy xuất lại báo cáo "
            "bằng phiên bản CCHC Desktop cùng định dạng.").format(path=path, found=_quoted(str(data["schema"])),
                                                                schema=SCHEMA))
    if absent := [key for key in REQUIRED if key not in data]:
        raise ReportFileError(path, _("Tệp «{path}» thiếu mục: {keys}.").format(path=path, keys=", ".join(absent)))
    unit = _unit(path, data["unit"])
    period, cutoff = _period(path, data["period"])
    try:
        generated_at = datetime.fromisoformat(data["generated_at"])
    except (TypeError, ValueError):
        raise ReportFileError(path, _("Tệp «{path}»: «generated_at» không phải là thời điểm ISO 8601.").format(
            path=path)) from None
    communes = data.get("communes", [])
    if not isinstance(communes, list) or not all(isinstance(name, str) and name.strip() for name in communes):
        raise ReportFileError(path, _("Tệp «{path}»: «communes» phải là danh sách tên đơn vị.").format(path=path))
    units = len({name.strip() for name in communes}) or 1  # a consolidation's figures may be that many times larger
    template = _template(path, data.get("template"))
    indicators = _indicators(path, data["indicators"], units=units, template=template)
    sources = data["sources"]
    if not isinstance(sources, dict) or not all(isinstance(value, str) for value in sources.values()):
        raise ReportFileError(path, _("Tệp «{path}»: mục «sources» phải là bảng chỉ tiêu: nguồn.").format(path=path))
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ReportFileError(path, _("Tệp «{path}»: «version» phải là số nguyên dương.").format(path=path))
    return ReportFile(unit=unit, period=period, cutoff=cutoff, generated_at=generated_at, indicators=indicators,
                      sources=dict(sources), version=version, communes=tuple(name.strip() for name in communes),
                      template=template)
