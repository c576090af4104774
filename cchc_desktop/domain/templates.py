"""Appendix templates as files (issue 16): the default one shipped in ``db/reference/appendix_template.json`` and a
province's installed with ``cchc template install FILE``. Read strictly: every problem of a file is listed, in
Vietnamese, and a file with any is not used (:class:`TemplateInvalid`).

The file is JSON (UTF-8, one row a line in the default): ``format`` (:data:`~cchc_desktop.domain.appendix.FORMAT`),
``id`` (a short name in lower-case letters, digits, ``-``, ``_``, ``.``), ``name`` (the template's Vietnamese name)
and ``rows``, in the printed order. A row is a heading (``number``, ``name``, nothing else) or a figure:

- ``number``: as printed (``3.3.1``; empty only on a breakdown line), ``name``, ``unit`` (the unit of measure, or
  for a code row what the codes mean: ``Không = 0; Có = 1``);
- ``key``: the indicator key of the JSON report (DESIGN.md §6), unique in the template;
- ``source``: ``C`` computed from the records — ``key`` is then one of the figures the program counts
  (:data:`SOURCES`) — or ``M`` typed in for each period (any other key: a row the program has no computation
  for is simply typed in);
- ``level`` (0, or 1 for a breakdown line «Trong đó» under the row before), ``kind`` (``count`` the default,
  ``percent`` 0–100, ``code`` with its ``codes``, e.g. ``[0, 1]``);
- ``rule``: how the higher level adds the row up over several units (:class:`~cchc_desktop.domain.appendix.Rule`):
  ``sum``; ``max`` for counts of procedures of a catalogue every commune applies (3.1.x, 3.2.x: adding 207
  procedures of each commune counts the same procedure once a commune); ``min`` for a level code (7.1: the level
  every unit reached); ``yes_count`` for a yes/no code (how many units answered 1); ``methods`` for the survey
  method code (0 online, 1 paper, 2 both); ``recompute`` for a rate the program recomputes from its parts
  (5.4.2); ``none`` for a percentage typed in without its parts (not added up, left empty).

A template is identified by the SHA-256 of its rows (:attr:`AppendixTemplate.digest`), not by its file: the same
rows written on other lines, or under another name, are the same template.

Decisions where the issue is silent:
- JSON rather than CSV: one file carries the template's id and name with its rows (what a report records and
  what the JSON report carries, in the same shape); levels and codes are typed values; and Excel, re-saving a
  CSV, reads row numbers such as «1.1» or «3.10» as numbers (1,1; 3,1) and writes Vietnamese in the ANSI code
  page, both of which would silently spoil a template.
- A computed row's ``kind`` and ``codes`` must be those of its figure, and a typed-in row may not take the key
  of a figure the program computes (it would hide the count behind a typed number).
- The ``rate.`` figures (fractions 0–1, already in every JSON report) are not rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from cchc_desktop.domain.appendix import FORMAT, YES_NO, AppendixTemplate, Indicator, Rule, ValueKind
from cchc_desktop.domain.indicators import INDICATORS, Source
from cchc_desktop.domain.report import ReportDocument
from cchc_desktop.errors import CchcError
from cchc_desktop.i18n import _
from cchc_desktop.text import clean

DEFAULT_FILE = "appendix_template.json"
MAX_FILE_SIZE = 1024 * 1024  # the default template is ~12 KB
MAX_ROWS = 500
MAX_NAME = 500
MAX_UNIT = 120
MAX_NUMBER = 20
PROBLEMS_SHOWN = 30  # a file with more problems than this is not a template: the rest are counted

KEY = re.compile(r"[0-9A-Za-z_]+(?:\.[0-9A-Za-z_]+)*")
"""An indicator key (DESIGN.md §6): row numbers, suffixes and named prefixes joined by dots (``3.3.1.bcci``,
``hs.qua_han``, ``rate.dung_han``)."""
MAX_KEY_LENGTH = 64  # the longest key written today has 29 characters
ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")

TOP_FIELDS = ("format", "id", "name", "rows", "hash")
ROW_FIELDS = ("number", "name", "unit", "key", "source", "level", "kind", "codes", "rule")
SOURCE_CODES = {"C": True, "M": False}


SOURCES: Mapping[str, Source] = {key: definition.source for key, definition in INDICATORS.items()}
"""The figures a computed (C) row may show, with their kind and rule: the indicator registry's
(``domain.indicators``)."""

RULES: Mapping[ValueKind, tuple[Rule, ...]] = {
    ValueKind.COUNT: (Rule.SUM, Rule.MAX, Rule.MIN),
    ValueKind.PERCENT: (Rule.RECOMPUTE, Rule.NONE),
    ValueKind.CODE: (Rule.YES_COUNT, Rule.METHODS, Rule.MIN, Rule.MAX),
}
KIND_LABELS = {ValueKind.COUNT: "số đếm (count)", ValueKind.PERCENT: "tỷ lệ phần trăm (percent)",
               ValueKind.CODE: "mã (code)"}


class TemplateInvalid(CchcError):
    """A template file that cannot be used: ``problems`` lists every one (Vietnamese); ``str()`` is ``heading``
    and a line «- …» a problem."""

    def __init__(self, problems: Iterable[str], heading: str = "") -> None:
        self.problems = tuple(problems)
        self.heading = heading or _("Mẫu phụ lục không dùng được, có {n} lỗi:").format(n=len(self.problems))
        shown = [f"- {problem}" for problem in self.problems[:PROBLEMS_SHOWN]]
        if len(self.problems) > PROBLEMS_SHOWN:
            shown.append(_("- … và {n} lỗi khác.").format(n=len(self.problems) - PROBLEMS_SHOWN))
        super().__init__("\n".join([self.heading, *shown]))


def key_problem(key: str) -> str | None:
    """What is wrong with ``key`` as an indicator key (a phrase), or None."""
    if len(key) <= MAX_KEY_LENGTH and KEY.fullmatch(key):
        return None
    return _("không phải là mã chỉ tiêu (tối đa {n} ký tự: chữ số, chữ cái không dấu, «_» và «.»)").format(
        n=MAX_KEY_LENGTH)


def _quoted(value: object) -> str:
    """A value as the file writes it (``"average"``, ``[0, 1]``, ``null``), cut after 40 characters."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:40] + "…"


def _key_order(key: str) -> list[tuple[int, int | str]]:
    return [(0, int(piece)) if piece.isdigit() else (1, piece) for piece in key.split(".")]


def _text(row: Mapping[str, Any], field: str, limit: int, problems: list[str], where: str) -> str:
    value = row.get(field, "")
    if not isinstance(value, str):
        problems.append(_("{where}: «{field}» phải là chữ (đang ghi {value}).").format(
            where=where, field=field, value=_quoted(value)))
        return ""
    text = clean(value)
    if len(text) > limit:
        problems.append(_("{where}: «{field}» dài quá {n} ký tự.").format(where=where, field=field, n=limit))
    return text


class _Reader:
    """One pass over a template's rows, collecting every problem."""

    def __init__(self, *, check_sources: bool) -> None:
        self.check_sources = check_sources
        self.problems: list[str] = []
        self.keys: dict[str, str] = {}
        self.numbers: dict[str, str] = {}
        self.unknown_sources = False

    def row(self, position: int, raw: object, previous: Indicator | None) -> Indicator | None:
        problems = self.problems
        where = _("Dòng {n} trong «rows»").format(n=position)
        if not isinstance(raw, dict):
            problems.append(_("{where}: phải là một mục {{…}} (đang ghi {value}).").format(
                where=where, value=_quoted(raw)))
            return None
        number = _text(raw, "number", MAX_NUMBER, problems, where)
        name = _text(raw, "name", MAX_NAME, problems, where)
        where = _("Dòng {n} trong «rows» ({label})").format(n=position, label=number or name[:40] or "?")
        if unknown := [field for field in raw if field not in ROW_FIELDS]:
            problems.append(_("{where}: không có mục {fields} (các mục của một dòng: {known}).").format(
                where=where, fields=", ".join(f"«{_quoted(field)}»" for field in unknown), known=", ".join(ROW_FIELDS)))
        if not name:
            problems.append(_("{where}: chưa có tên chỉ tiêu («name»).").format(where=where))
        if raw.get("key", "") == "":
            return self._heading(raw, number, name, where)
        return self._figure(raw, number, name, where, previous)

    def _heading(self, raw: Mapping[str, Any], number: str, name: str, where: str) -> Indicator | None:
        extra = [field for field in ("unit", "source", "level", "kind", "codes", "rule") if field in raw]
        if extra:
            self.problems.append(_(
                "{where}: dòng tiêu đề (không có «key») không ghi {fields}; dòng có số liệu phải có «key».").format(
                where=where, fields=", ".join(f"«{field}»" for field in extra)))
        if not number:
            self.problems.append(_("{where}: dòng tiêu đề phải có số thứ tự («number»).").format(where=where))
        self._number(number, where)
        return Indicator(number, name)

    def _number(self, number: str, where: str) -> None:
        wanted = number.rstrip(".")
        if not wanted:
            return
        if wanted in self.numbers:
            self.problems.append(_("{where}: số thứ tự «{number}» trùng với {other}.").format(
                where=where, number=number, other=self.numbers[wanted]))
        else:
            self.numbers[wanted] = where

    def _figure(self, raw: Mapping[str, Any], number: str, name: str, where: str,
                previous: Indicator | None) -> Indicator | None:
        problems = self.problems
        key = raw["key"]
        valid = True
        if not isinstance(key, str) or key_problem(key):
            problems.append(_("{where}: «key» {value}: {problem}.").format(
                where=where, value=_quoted(key), problem=key_problem(key) if isinstance(key, str) else _(
                    "phải là chữ")))
            key, valid = "", False
        elif key.startswith("rate."):
            problems.append(_("{where}: «{key}» là tỷ lệ dạng phân số (0–1), đã có sẵn trong báo cáo JSON, không "
                              "làm dòng phụ lục được.").format(where=where, key=key))
            valid = False
        elif key in self.keys:
            problems.append(_("{where}: «key» \"{key}\" trùng với {other}.").format(
                where=where, key=key, other=self.keys[key]))
        else:
            self.keys[key] = where
        unit = _text(raw, "unit", MAX_UNIT, problems, where)
        level = raw.get("level", 0)
        if level not in (0, 1) or isinstance(level, bool):
            problems.append(_("{where}: «level» chỉ là 0 (dòng chỉ tiêu) hoặc 1 (dòng chi tiết «Trong đó»), đang "
                              "ghi {value}.").format(where=where, value=_quoted(level)))
            level = 0
        if level == 1 and (previous is None or previous.heading):
            problems.append(_("{where}: dòng chi tiết (level 1) phải đứng sau một dòng có số liệu.").format(
                where=where))
        if not number and level != 1:
            problems.append(_("{where}: chưa có số thứ tự («number»); chỉ dòng chi tiết (level 1) được để trống.")
                            .format(where=where))
        self._number(number, where)
        computed = self._source(raw.get("source"), where)
        kind = self._kind(raw.get("kind", ValueKind.COUNT.value), where)
        codes = self._codes(raw, kind, where)
        rule = self._rule(raw.get("rule"), kind, codes, where)
        if valid and computed is not None:
            self._against_sources(key, computed, kind, codes, rule, where)
        if kind is None or rule is None or computed is None:
            return None
        return Indicator(number, name, unit, key, computed, level, kind, codes, rule)

    def _source(self, value: object, where: str) -> bool | None:
        if isinstance(value, str) and value in SOURCE_CODES:
            return SOURCE_CODES[value]
        if value is None:
            self.problems.append(_("{where}: chưa ghi «source»: \"C\" (tính từ dữ liệu) hoặc \"M\" (nhập tay mỗi "
                                   "kỳ).").format(where=where))
            return None
        self.problems.append(_("{where}: «source» phải là \"C\" (tính từ dữ liệu) hoặc \"M\" (nhập tay mỗi kỳ), "
                               "đang ghi {value}.").format(where=where, value=_quoted(value)))
        return None

    def _kind(self, value: object, where: str) -> ValueKind | None:
        try:
            return ValueKind(value)
        except ValueError:
            self.problems.append(_("{where}: «kind» phải là count, percent hoặc code, đang ghi {value}.").format(
                where=where, value=_quoted(value)))
            return None

    def _codes(self, raw: Mapping[str, Any], kind: ValueKind | None, where: str) -> tuple[int, ...]:
        value = raw.get("codes")
        if kind is not ValueKind.CODE:
            if value is not None:
                self.problems.append(_("{where}: chỉ dòng «kind»: \"code\" mới ghi «codes».").format(where=where))
            return ()
        if not isinstance(value, list) or not value or not all(
                isinstance(code, int) and not isinstance(code, bool) and 0 <= code <= 99 for code in value) \
                or len(set(value)) != len(value):
            self.problems.append(_("{where}: «codes» phải là danh sách các mã khác nhau từ 0 đến 99, ví dụ [0, 1], "
                                   "đang ghi {value}.").format(where=where, value=_quoted(value)))
            return ()
        return tuple(sorted(value))

    def _rule(self, value: object, kind: ValueKind | None, codes: tuple[int, ...], where: str) -> Rule | None:
        allowed = RULES.get(kind, tuple(Rule)) if kind is not None else tuple(Rule)
        if value is None:
            self.problems.append(_("{where}: chưa ghi «rule» (cách tổng hợp lên cấp trên): chọn {rules}.").format(
                where=where, rules=", ".join(rule.value for rule in allowed)))
            return None
        try:
            if not isinstance(value, str):
                raise ValueError(value)
            rule = Rule(value)
        except ValueError:
            self.problems.append(_("{where}: «rule» (cách tổng hợp) phải là một trong {rules}, đang ghi {value}.")
                                 .format(where=where, rules=", ".join(rule.value for rule in allowed),
                                         value=_quoted(value)))
            return None
        if kind is not None and rule not in allowed:  # (no kind: every rule is allowed)
            self.problems.append(_("{where}: «rule» \"{rule}\" không dùng cho dòng {kind}; chọn {rules}.").format(
                where=where, rule=rule.value, kind=KIND_LABELS[kind], rules=", ".join(r.value for r in allowed)))
        elif rule is Rule.YES_COUNT and codes and codes != YES_NO:
            self.problems.append(_("{where}: «rule» \"yes_count\" chỉ dùng cho dòng có «codes» [0, 1].").format(
                where=where))
        elif rule is Rule.METHODS and codes and codes != (0, 1, 2):
            self.problems.append(_("{where}: «rule» \"methods\" chỉ dùng cho mã hình thức khảo sát, «codes» "
                                   "[0, 1, 2].").format(where=where))
        return rule

    def _against_sources(self, key: str, computed: bool, kind: ValueKind | None, codes: tuple[int, ...],
                         rule: Rule | None, where: str) -> None:
        source = SOURCES.get(key)
        if rule is Rule.RECOMPUTE and (source is None or source.rule is not Rule.RECOMPUTE):
            self.problems.append(_("{where}: chương trình không có công thức tính lại «{key}» từ các số thành phần; "
                                   "tỷ lệ nhập tay hãy ghi «rule»: \"none\".").format(where=where, key=key))
        if not self.check_sources:
            return
        if computed and source is None:
            self.unknown_sources = True
            self.problems.append(_("{where}: chương trình không tính chỉ tiêu «{key}» từ dữ liệu; dòng nhập tay mỗi "
                                   "kỳ hãy ghi «source»: \"M\".").format(where=where, key=key))
        elif not computed and source is not None:
            self.problems.append(_("{where}: chỉ tiêu «{key}» được tính từ dữ liệu, không nhập tay: hãy ghi "
                                   "«source»: \"C\".").format(where=where, key=key))
        elif computed and source is not None and kind is not None and (kind, codes) != (source.kind, source.codes):
            wanted = KIND_LABELS[source.kind] + (f" {list(source.codes)}" if source.codes else "")
            self.problems.append(_("{where}: chỉ tiêu «{key}» là {wanted}, không phải {kind}.").format(
                where=where, key=key, wanted=wanted, kind=KIND_LABELS[kind] + (f" {list(codes)}" if codes else "")))


def parse(data: object, *, check_sources: bool = True) -> AppendixTemplate:
    """The template ``data`` (a parsed JSON file) describes; raises :class:`TemplateInvalid` listing every
    problem. ``check_sources``: check the computed rows against :data:`SOURCES` (off for a template read from a
    report file, whose figures were counted by the program that wrote it)."""
    if not isinstance(data, dict):
        raise TemplateInvalid([_("Tệp phải là một mục JSON {…} có format, id, name, rows.")])
    problems: list[str] = []
    if data.get("format") != FORMAT:
        problems.append(_("«format» phải là \"{format}\" (đang ghi {value}).").format(
            format=FORMAT, value=_quoted(data.get("format"))))
    if unknown := [field for field in data if field not in TOP_FIELDS]:
        problems.append(_("Tệp không có mục {fields} (các mục: format, id, name, rows).").format(
            fields=", ".join(f"«{_quoted(field)}»" for field in unknown)))
    template_id = data.get("id")
    if not isinstance(template_id, str) or not ID.fullmatch(template_id):
        problems.append(_("«id» phải là tên ngắn gồm chữ thường không dấu, chữ số, «-», «_», «.» (tối đa 64 ký tự), "
                          "ví dụ \"thanh-hoa-2025\" (đang ghi {value}).").format(value=_quoted(template_id)))
        template_id = ""
    name = _text(data, "name", MAX_NAME, problems, _("Tên mẫu"))
    if not name:
        problems.append(_("Chưa có tên mẫu («name»)."))
    raw_rows = data.get("rows")
    rows: list[Indicator] = []
    if not isinstance(raw_rows, list) or not raw_rows:
        problems.append(_("«rows» phải là danh sách các dòng của phụ lục."))
    elif len(raw_rows) > MAX_ROWS:
        problems.append(_("Mẫu có {n} dòng, nhiều hơn {limit} dòng.").format(n=len(raw_rows), limit=MAX_ROWS))
    else:
        reader = _Reader(check_sources=check_sources)
        previous: Indicator | None = None
        for position, raw in enumerate(raw_rows, start=1):
            row = reader.row(position, raw, previous)
            if row is not None:
                rows.append(row)
            previous = row
        problems += reader.problems
        if not reader.keys and not reader.problems:
            problems.append(_("Mẫu không có dòng số liệu nào (dòng có «key»)."))
        if reader.unknown_sources:
            problems.append(_("Các chỉ tiêu chương trình tính được từ dữ liệu: {keys}.").format(
                keys=", ".join(sorted(SOURCES, key=_key_order))))
    if problems:
        raise TemplateInvalid(problems)
    template = AppendixTemplate(id=template_id, name=name, rows=tuple(rows))
    declared = data.get("hash")
    if declared is not None and declared != template.digest:
        raise TemplateInvalid([_("Mã băm «hash» của mẫu không khớp với các dòng: mẫu đã bị sửa sau khi lập.")])
    return template


def loads(raw: bytes, *, check_sources: bool = True) -> AppendixTemplate:
    """The template of a file's bytes (UTF-8, with or without BOM)."""
    if len(raw) > MAX_FILE_SIZE:
        raise TemplateInvalid([_("Tệp lớn hơn 1 MB, không phải là mẫu phụ lục.")])
    try:
        data = json.loads(raw.decode("utf-8-sig"), parse_constant=_reject)
    except UnicodeDecodeError:
        raise TemplateInvalid([_("Tệp không phải là văn bản UTF-8.")]) from None
    except json.JSONDecodeError as exc:
        raise TemplateInvalid([_("Tệp không phải là JSON hợp lệ (dòng {line}, cột {column}).").format(
            line=exc.lineno, column=exc.colno)]) from None
    except ValueError:  # NaN, Infinity, an integer of thousands of digits
        raise TemplateInvalid([_("Tệp có giá trị không phải là số hợp lệ của JSON.")]) from None
    except RecursionError:  # the parser nests a call per level
        raise TemplateInvalid([_("Tệp có các mục lồng nhau quá sâu, không phải là mẫu phụ lục.")]) from None
    return parse(data, check_sources=check_sources)


def _reject(name: str) -> None:
    raise ValueError(name)


def dumps(template: AppendixTemplate) -> str:
    """The template as a file: one row a line, diacritics as they are."""
    data = template.data()
    rows = ",\n".join("    " + json.dumps(row, ensure_ascii=False) for row in data.pop("rows"))
    head = "".join(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n" for key, value in data.items())
    return "{\n" + head + '  "rows": [\n' + rows + "\n  ]\n}\n"


def reference_dir() -> Path:
    from db.migrations import REFERENCE_DIR

    return REFERENCE_DIR


@lru_cache(maxsize=1)
def default() -> AppendixTemplate:
    """The default template (``db/reference/appendix_template.json``): seed 002's Phụ lục 01b."""
    return loads((reference_dir() / DEFAULT_FILE).read_bytes())


def of_document(document: ReportDocument) -> AppendixTemplate:
    """The template ``document``'s appendix follows (the default when it names none)."""
    return document.template or default()


def of_report(data: object) -> AppendixTemplate:
    """The template a report recorded (its ``template`` entry: the file's form with its ``hash``), or the default
    for a report made before templates (no entry): the rows then were those of the default."""
    if data is None:
        return default()
    return parse(data, check_sources=False)
