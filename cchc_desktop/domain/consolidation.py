"""Adding the reports of several communes up for the higher level (issue 6, DESIGN.md §6). Pure: no I/O.

Each indicator key is combined by its rule (:class:`~cchc_desktop.domain.appendix.Rule`), which the appendix
template gives for its rows (issue 16: the rule is part of the template, :mod:`cchc_desktop.domain.templates`):

- ``sum``: counts (dossiers, tasks, inspections, surveys, staff, documents…) are added up;
- ``max``: counts of the procedures of a catalogue that every commune applies (3.1.x, 3.2.x, 7.5.x: 207
  procedures in force in each of three communes are 207 procedures, not 621) are taken as the communes report
  them, the largest when they differ (a commune whose catalogue is behind), and the difference is noted;
- ``recompute``: rates are **recomputed from their added-up parts**, never averaged (:data:`RATES`, the one
  place where the formulas of DESIGN.md §5 are written as parts over a whole): commune A 99 of 100 on time and
  B 1 of 2 give 100 / 102, not the mean of 99 % and 50 %;
- ``yes_count``: yes/no codes (1.5, 5.4.1, 6.1, 6.2, 7.2.1, 7.4.1, 7.6) become the number of communes that
  answered "1" (a consolidation's own value is already that number, and is added);
- ``methods``: 1.4.2, the survey method code (0 online, 1 paper, 2 both), becomes the code of all the methods
  used: 0 or 1 when every commune used the same one, 2 as soon as both were used somewhere;
- ``min``: 7.1, the online-meeting level code (0 none, 1 two levels, 2 three levels), becomes the lowest level:
  the level every commune has reached (the row asks whether the system reaches 100 % of the communes);
- ``none``: percentages typed in without their parts (3.2.4, 3.2.5, 7.2.3.dien_tu, 7.2.3.song_song) cannot be
  recomputed and are left empty ("—") rather than averaged; the caller lists them.

A key that is not a row of the template is combined as the program counts it (:data:`templates.SOURCES
<cchc_desktop.domain.templates.SOURCES>`: the named ``hs.``, ``ks.``, ``ktra.`` counts are added), a ``rate.``
key by :data:`RATES` (any other ``rate.`` key is not added), anything else is a count.

A number missing in some reports (absent, or a manual row left blank) is added over the reports that have it,
and the key is listed in ``Totals.missing`` with the reports that lack it; a rate one of whose parts is missing
anywhere is left empty, so that it is never computed over a part of the communes only.

``StatisticsService`` computes the same rates from its own counts (``Figures.rates``); it could later compute
them with :data:`RATES` from its indicator keys too, so that the two never drift apart (a test already checks
that :func:`recompute_rates` gives the statistics' own rates on the demo database).

What a figure may be (:func:`figure_problem`, checked on every file before anything is added, and by
:func:`row_problem` on a value typed into a row): an indicator key is digits, unaccented letters, ``_`` and ``.``
(:data:`~cchc_desktop.domain.templates.KEY`); a count is a whole number from 0 to :data:`MAX_COUNT` for each
commune a file adds up; a code row one of its codes (a yes/no row of a consolidated file: how many of its
communes answered 1); a percentage row (and ``5.4.2``) 0–100; a ``rate.`` key a fraction, 0–1. The kinds are
those of the template's rows, else of the program's figures; any other key is a count.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from cchc_desktop.domain.appendix import AppendixTemplate, Indicator, Rule, ValueKind, value_problem
from cchc_desktop.domain.report import RowSource, Value
from cchc_desktop.domain.statistics import METHOD_BOTH, METHOD_ONLINE, METHOD_PAPER
from cchc_desktop.domain.templates import SOURCES, default
from cchc_desktop.formatting import number
from cchc_desktop.i18n import _


@dataclass(frozen=True)
class Rate:
    """``key`` = the sum of ``parts`` over ``whole``: a fraction (0–1), or for a percentage row of the appendix
    (``percent``) 0–100 rounded to one decimal as the row is printed. None where the whole is zero or unknown."""

    key: str
    parts: tuple[str, ...]
    whole: str
    percent: bool = False

    @property
    def inputs(self) -> tuple[str, ...]:
        return (*self.parts, self.whole)

    def of(self, values: Mapping[str, Value]) -> float | None:
        whole = values.get(self.whole)
        parts = [values.get(key) for key in self.parts]
        if not whole or any(part is None for part in parts):
            return None
        share = sum(part for part in parts if part is not None) / whole
        return round(100 * share, 1) if self.percent else share


RATES: tuple[Rate, ...] = (
    # (early + on time) / resolved with a result (a refusal after processing has no timeliness: issue 16)
    Rate("rate.dung_han", ("3.3.2",), "hs.co_ket_qua"),
    # received online / the base the unit chose (domain.statistics.OnlineRateBase), written beside the rate
    Rate("rate.truc_tuyen", ("3.3.1.truc_tuyen_mot_phan", "3.3.1.truc_tuyen_toan_trinh"), "hs.mau_so_truc_tuyen"),
    Rate("rate.toan_trinh", ("3.3.1.truc_tuyen_toan_trinh",), "hs.mau_so_toan_trinh"),
    Rate("rate.so_hoa", ("hs.so_hoa",), "3.3.1"),
    Rate("rate.hai_long", ("ks.hai_long",), "1.4.1"),  # satisfied responses / responses
    Rate("5.4.2", ("ktra.don_vi_kiem_tra",), "ktra.don_vi", percent=True),  # units inspected / units known
)
RATE_KEYS = {rate.key: rate for rate in RATES}



def combine_of(key: str, template: AppendixTemplate | None = None) -> Rule:
    """How ``key`` is combined: the rule of its row in ``template`` (the default template when None), else a
    rate of :data:`RATES` is recomputed, another ``rate.`` key is not added, a figure the program counts by its
    own rule (:data:`~cchc_desktop.domain.templates.SOURCES`), and anything else is a count."""
    row = (template or default()).by_key.get(key)
    if row is not None:
        return row.rule
    if key in RATE_KEYS:
        return Rule.RECOMPUTE
    if key.startswith("rate."):
        return Rule.NONE
    source = SOURCES.get(key)
    return source.rule if source is not None else Rule.SUM


def kind_row(key: str, template: AppendixTemplate | None = None) -> Indicator | None:
    """The row that says what ``key`` may hold: its row in ``template``, else a row of the kind of the
    program's figure (``5.4.2`` a percentage, ``1.4.2`` its codes), else None (a count, or a ``rate.``)."""
    row = (template or default()).by_key.get(key)
    if row is not None:
        return row
    source = SOURCES.get(key)
    if source is None or source.kind is ValueKind.COUNT:
        return None
    return Indicator(key, key, key=key, computed=True, kind=source.kind, codes=source.codes, rule=source.rule)


def key_order(key: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key of an indicator key: row numbers in numeric order (``1.2.3`` before ``1.10``), each row before
    its breakdowns, then the named figures (``hs.``, ``ks.``, ``ktra.``, ``rate.``)."""
    return tuple((0, int(piece)) if piece.isascii() and piece.isdigit() and len(piece) <= KEY_NUMBER_DIGITS
                 else (1, piece) for piece in key.split("."))


# -- what a figure may be ----------------------------------------------------------------------------------------

MAX_COUNT = 10_000_000
"""The largest count one commune may give for any indicator (dossiers received, documents, staff, survey
responses…). The busiest one-stop desks of a ward receive some hundred thousand dossiers a year; a hundred
times that is a typing slip or a damaged file, never a figure, and summing it would make the report sent
upward meaningless. A consolidated file may give it once for each commune it adds up."""

KEY_NUMBER_DIGITS = 9  # a piece of a key sorted as a number (row numbers have one or two digits)


def count_range(units: int = 1) -> str:
    """``số nguyên từ 0 đến 10.000.000``: the counts a report of ``units`` communes may give."""
    return _("số nguyên từ 0 đến {limit}").format(limit=number(MAX_COUNT * units))


def accepted(row: Indicator) -> str:
    """What a row takes, for a message (``số nguyên từ 0 đến 10.000.000``, ``tỷ lệ từ 0 đến 100``, ``một
    trong các giá trị 0, 1 (Không = 0; Có = 1)``)."""
    if row.kind is ValueKind.PERCENT:
        return _("tỷ lệ từ 0 đến 100")
    if row.kind is ValueKind.CODE:
        return _("một trong các giá trị {codes} ({unit})").format(
            codes=", ".join(str(code) for code in row.codes), unit=_(row.unit))
    return count_range()


def _count_problem(value: Decimal, units: int) -> str | None:
    if 0 <= value <= MAX_COUNT * units and value == value.to_integral_value():
        return None
    return _("phải là {range}").format(range=count_range(units))


def row_problem(row: Indicator, value: Decimal, *, units: int = 1) -> str | None:
    """What is wrong with the finite ``value`` for an appendix row of a report of ``units`` communes (a phrase),
    or None: :func:`cchc_desktop.domain.appendix.value_problem`, with counts bounded by :data:`MAX_COUNT`."""
    if row.kind is ValueKind.COUNT:
        return _count_problem(value, units)
    return value_problem(row, value)


def figure_problem(key: str, value: int | float | None, *, units: int = 1,
                   template: AppendixTemplate | None = None) -> str | None:
    """What is wrong with ``value`` as the figure ``key`` of a report file adding up ``units`` communes (1 for
    a commune's own report) made with ``template`` (the default when None), a phrase, or None. A row of the
    template, or a figure of the program, is checked by its kind; a ``rate.`` key is a fraction; any other key a
    count."""
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return _("không phải là số hữu hạn")
    amount = Decimal(value)
    row = kind_row(key, template)
    if units > 1 and combine_of(key, template) is Rule.YES_COUNT:  # how many of the communes answered 1
        if 0 <= amount <= units and amount == amount.to_integral_value():
            return None
        return _("phải là số đơn vị có (mã 1), từ 0 đến {n}").format(n=number(units))
    if row is not None:
        return row_problem(row, amount, units=units)
    if key.startswith("rate."):
        return None if 0 <= amount <= 1 else _("tỷ lệ phải từ 0 đến 1")
    return _count_problem(amount, units)


def recompute_rates(values: Mapping[str, Value]) -> dict[str, float | None]:
    """Every rate of :data:`RATES` from its parts in ``values``."""
    return {rate.key: rate.of(values) for rate in RATES}


def survey_method(codes: Iterable[int]) -> int | None:
    """1.4.2 of several units: the code of all the methods they used together (None when none surveyed)."""
    used = set(codes)
    if not used:
        return None
    if METHOD_BOTH in used or {METHOD_ONLINE, METHOD_PAPER} <= used:
        return METHOD_BOTH
    return used.pop()


@dataclass(frozen=True)
class Part:
    """One report being added: its unit's name, its figures, and whether it is itself a consolidation (its
    yes/no codes are then already numbers of communes)."""

    name: str
    indicators: Mapping[str, Value]
    sources: Mapping[str, str]
    consolidated: bool = False

    def lacks(self, key: str) -> bool:
        """No number for ``key``: absent, or a manual row left blank (a computed None, such as 1.4.2 when no
        survey was taken, is a figure: there was nothing to count)."""
        return key not in self.indicators or (
            self.indicators[key] is None and self.sources.get(key) == RowSource.MANUAL)


@dataclass(frozen=True)
class Totals:
    indicators: dict[str, Value]
    sources: dict[str, str]
    combined: dict[str, Rule]  # how each key was combined
    missing: dict[str, tuple[str, ...]]  # key → the reports without a number for it (added over the others)
    spread: dict[str, tuple[Value, Value]] = field(default_factory=dict)  # a ``max`` key the reports differ on:
    # its lowest and highest value


def add_up(parts: Sequence[Part], template: AppendixTemplate | None = None) -> Totals:
    """The sum of ``parts`` (reports made with ``template``, the default when None) key by key, every key of
    any part, in :func:`key_order`."""
    keys = sorted({key for part in parts for key in part.indicators} | set(RATE_KEYS), key=key_order)
    values: dict[str, Value] = {}
    combined: dict[str, Rule] = {}
    missing: dict[str, tuple[str, ...]] = {}
    spread: dict[str, tuple[Value, Value]] = {}
    for key in keys:
        rule = combined[key] = combine_of(key, template)
        given = [(part, value) for part in parts if (value := part.indicators.get(key)) is not None]
        lacking = tuple(part.name for part in parts if part.lacks(key))
        if given and lacking and rule not in (Rule.RECOMPUTE, Rule.NONE):
            missing[key] = lacking
        numbers = [value for _part, value in given]
        if rule is Rule.SUM:
            values[key] = sum(numbers) if numbers else None
        elif rule is Rule.MAX:
            values[key] = max(numbers) if numbers else None
            if len(set(numbers)) > 1:
                spread[key] = (min(numbers), max(numbers))
        elif rule is Rule.YES_COUNT:
            values[key] = sum(value if part.consolidated else int(value >= 1) for part, value in given) \
                if given else None
        elif rule is Rule.METHODS:
            values[key] = survey_method(int(value) for value in numbers)
        elif rule is Rule.MIN:
            values[key] = min(numbers) if numbers else None
        else:  # RECOMPUTE (below) and NONE: not added
            values[key] = None
    for rate in RATES:
        if combined.get(rate.key) is not Rule.RECOMPUTE:
            continue
        complete = not any(key in missing for key in rate.inputs)
        values[rate.key] = rate.of(values) if complete else None
    sources = {
        key: RowSource.MANUAL.value
        if combined[key] is not Rule.RECOMPUTE and any(part.sources.get(key) == RowSource.MANUAL for part in parts)
        else RowSource.COMPUTED.value
        for key in keys
    }
    return Totals(indicators=values, sources=sources, combined=combined, missing=missing, spread=spread)
