"""The statistical appendix of a commune's periodic report (DOMAIN.md §7; seed 002, "Phụ lục 01b"): its rows and
the template that lists them.

A template (:class:`AppendixTemplate`) is data, not code: every row in the printed order with its number, name,
unit of measure, indicator key (DESIGN.md §6), whether it is computed from the records (C) or typed in once per
period (M), its level, the kind of its value, its codes, and how the higher level adds it up over several units
(:class:`Rule`). The default template is ``db/reference/appendix_template.json``; a province's is installed
with ``cchc template install`` (:mod:`cchc_desktop.domain.templates` reads and checks the files).

The default's names and units follow the seed's Phụ lục, with these changes:
- the channel lines say «trực tuyến một phần / toàn trình» where the seed says «mức độ 3 / mức độ 4»
  (the names since Nghị định 42/2022/NĐ-CP; the glossary of DOMAIN.md), and repeat the unit where the seed
  writes «nt» (như trên);
- 1.3 reads «Thực hiện nhiệm vụ cấp trên giao» for the seed's «… UBND huyện, Chủ tịch UBND huyện giao»:
  since 1 July 2025 a commune may report straight to the province;
- 3.5 reads «Số thư/trường hợp» (the seed's «Số thu/» is a typo) with the unit «Thư»; 7.6 names the quality
  system (TCVN ISO 9001:2015) that the seed's row leaves out;
- 4.1 and 5.4 are headings: the seed writes a figure beside them (17, 0) that repeats a row below.
(tests/unit/test_reports.py compares the default with the seed row by row and lists every difference.)

Rows DOMAIN.md marks C that no service computes yet are typed in (M) until one does: 3.1.1 and 3.1.2
(procedures published / abolished in the period: the catalogue keeps no history of its decisions) and 5.4.1
(a self-check plan exists: the plan does not mark which task or document is that plan).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from functools import cached_property
from typing import Any

from cchc_desktop.domain.choices import Choice
from cchc_desktop.domain.report import AppendixRow, RowSource, Value
from cchc_desktop.i18n import _

FORMAT = "cchc-appendix-template/1"
"""What a template file says it is (its ``format``); a change its readers cannot follow would be ``/2``."""


class ValueKind(Enum):
    COUNT = "count"  # a whole number, 0 or more
    PERCENT = "percent"  # 0–100
    CODE = "code"  # one of the row's codes (Không = 0, Có = 1 …)


class Rule(Choice):
    """How the higher level makes one figure of several units' reports (``cchc consolidate``)."""

    SUM = "sum", "Cộng"
    MAX = "max", "Lấy số lớn nhất, không cộng (số thủ tục theo danh mục chung)"
    MIN = "min", "Lấy mức thấp nhất"
    RECOMPUTE = "recompute", "Tính lại từ các số thành phần"
    YES_COUNT = "yes_count", "Số đơn vị có (mã 1)"
    METHODS = "methods", "Gộp mã hình thức khảo sát"
    NONE = "none", "Không tổng hợp (để trống)"


YES_NO = (0, 1)


@dataclass(frozen=True)
class Indicator:
    """One row of the appendix. ``name`` and ``unit`` are message ids (Vietnamese), translated when shown; a
    heading has no ``key``."""

    number: str
    name: str
    unit: str = ""
    key: str = ""  # empty for a heading
    computed: bool = False
    level: int = 0
    kind: ValueKind = ValueKind.COUNT
    codes: tuple[int, ...] = ()
    rule: Rule = Rule.SUM

    @property
    def heading(self) -> bool:
        return not self.key

    @property
    def label(self) -> str:
        """``4.1.1 (Tổng số biên chế được giao trong năm)``: how a message names the row."""
        return f"{self.number or self.key} ({_(self.name)})"

    def row(self, value: Value) -> AppendixRow:
        return AppendixRow(
            number=self.number, name=_(self.name), unit=_(self.unit), key=self.key,
            value=None if self.heading else value,
            source=RowSource.MANUAL if self.key and not self.computed else RowSource.COMPUTED,
            level=self.level, percent=self.kind is ValueKind.PERCENT, heading=self.heading,
        )

    def data(self) -> dict[str, Any]:
        """The row as a template file writes it (the defaults left out)."""
        if self.heading:
            return {"number": self.number, "name": self.name}
        found: dict[str, Any] = {"number": self.number, "name": self.name, "unit": self.unit, "key": self.key,
                                 "source": "C" if self.computed else "M"}
        if self.level:
            found["level"] = self.level
        if self.kind is not ValueKind.COUNT:
            found["kind"] = self.kind.value
        if self.codes:
            found["codes"] = list(self.codes)
        found["rule"] = self.rule.value
        return found


@dataclass(frozen=True)
class AppendixTemplate:
    """The rows of an appendix, in the printed order, under an ``id`` and a ``name`` (what a report records)."""

    id: str
    name: str
    rows: tuple[Indicator, ...]

    @cached_property
    def digest(self) -> str:
        """The SHA-256 of the rows (hex): two templates with the same rows are the same whatever their name or
        the layout of their files."""
        canonical = [{**row.data(), "level": row.level, "kind": row.kind.value, "codes": list(row.codes)}
                     for row in self.rows]
        text = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def short_digest(self) -> str:
        return self.digest[:12]

    @property
    def title(self) -> str:
        """``Phụ lục 01b: … (mã 3f2a…)``: how the window and the messages name the template."""
        return _("{name} (mã {digest})").format(name=self.name, digest=self.short_digest)

    @cached_property
    def by_key(self) -> Mapping[str, Indicator]:
        return {row.key: row for row in self.rows if row.key}

    @cached_property
    def computed_keys(self) -> tuple[str, ...]:
        return tuple(row.key for row in self.rows if row.key and row.computed)

    @cached_property
    def manual_keys(self) -> tuple[str, ...]:
        return tuple(row.key for row in self.rows if row.key and not row.computed)

    def find(self, text: str) -> Indicator | None:
        """The row of an indicator key or printed number (``4.1.1``, ``2.3.``, ``7.2.3.dien_tu``)."""
        wanted = (text or "").strip().rstrip(".")
        return self.by_key.get(wanted) or next(
            (row for row in self.rows if row.key and row.number.rstrip(".") == wanted), None)

    def appendix(self, values: Mapping[str, Value]) -> tuple[AppendixRow, ...]:
        """Every row, in order, with its value from ``values`` (None where absent)."""
        return tuple(indicator.row(values.get(indicator.key)) for indicator in self.rows)

    def data(self, *, with_digest: bool = False) -> dict[str, Any]:
        """The template as its file holds it (and, for a report, with its digest: ``hash``)."""
        found: dict[str, Any] = {"format": FORMAT, "id": self.id, "name": self.name}
        if with_digest:
            found["hash"] = self.digest
        found["rows"] = [row.data() for row in self.rows]
        return found


def value_problem(indicator: Indicator, value: Decimal) -> str | None:
    """What is wrong with ``value`` for the row (a phrase), or None."""
    if indicator.kind is ValueKind.PERCENT:
        return None if 0 <= value <= 100 else _("tỷ lệ phải từ 0 đến 100")
    if indicator.kind is ValueKind.CODE:
        if value in indicator.codes:
            return None
        return _("chỉ nhận một trong các giá trị {codes} ({unit})").format(
            codes=", ".join(str(code) for code in indicator.codes), unit=_(indicator.unit))
    if value < 0 or value != value.to_integral_value():
        return _("phải là số nguyên không âm")
    return None


def stored(value: float | None) -> Value:
    """A stored REAL as the report shows it: whole numbers as ``int`` (``17.0`` → ``17``)."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)
