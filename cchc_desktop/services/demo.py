"""Demo data: a realistic commune year (or as many years as a large dossier count needs).

``generate_demo`` loads the reference catalogue, sets the demo unit (when none is configured), adds a few
staff accounts, then writes dossiers with their events and apology letters, satisfaction surveys,
discipline inspections, the annual reform plans and directive documents, all in one transaction and in
batches of plain tuples. It is deterministic for a given seed: no wall clock, only ``year`` and
``random.Random(seed)``. "Today" is the end of 31/12 of ``year``: the latest dossiers are still open.

A year holds at most 75,000 dossiers (about 300 a working day, never more than 400): a larger count
goes back as many years as needed. A million dossiers (14 years) take about 80 s on a 2-core machine,
indexes included; from 50,000 dossiers on, the indexes of the big tables are dropped before the load and
rebuilt after it, inside the same transaction, and the register's full-text index is merged into one segment.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate

from cchc_desktop.domain.calendar import WorkCalendar
from cchc_desktop.domain.catalogue import TimeLimitUnit
from cchc_desktop.domain.papers import Proxy, form_set_for
from cchc_desktop.domain.passwords import hash_password
from cchc_desktop.domain.unit import UnitSettings
from cchc_desktop.errors import ValidationError
from cchc_desktop.i18n import _
from cchc_desktop.progress import Progress, no_progress
from cchc_desktop.services import demo_data as data
from cchc_desktop.services.accounts import DEMO_SETTING
from cchc_desktop.services.calendar import load_calendar
from cchc_desktop.services.catalogue import (
    ReferenceProcedure,
    load_reference_catalogue,
    read_reference_procedures,
)
from cchc_desktop.services.inspections import SUBJECTS_KEY
from cchc_desktop.services.settings import SettingsService
from cchc_desktop.text import fold
from db import audit
from db.errors import writing
from db.handle import Database
from db.queries import bulk
from db.queries import catalogue as catalogue_queries
from db.queries import demo as queries
from db.queries import settings as settings_queries
from db.queries.papers import LedgerLines

YEAR_CAPACITY = 75_000  # dossiers a year before the demo spreads over one more year (~300 a working day)
DAY_CAP = 400           # no working day gets more dossiers than this
FIRST_POSSIBLE_YEAR = 2000
BATCH = 25_000
MAX_SURVEYS = 50_000
SURVEY_RATE = 0.10      # one survey for every ten dossiers
LINKED_SURVEYS = 0.2    # share of the surveys that name their dossier
CACHE_KIB = 262_144     # PRAGMA cache_size while writing: 256 MiB keeps the indexes in memory
BULK_LOAD = 50_000      # from this many dossiers, indexes are dropped and rebuilt after the load
BULK_TABLES = ("dossier", "dossier_event", "apology_letter", "survey", "survey_answer")
DESK_FIELDS = frozenset({"Hộ tịch", "Chứng thực"})  # the desk's own officers handle these at once
CHANNELS = ("direct", "postal", "online_partial", "online_full")

# The share of dossiers filed online, by calendar year (seed 002: 89 % online in 2024).
ONLINE_SHARE = {2019: 0.03, 2020: 0.1, 2021: 0.28, 2022: 0.5, 2023: 0.75, 2024: 0.91}
# Day-of-week and month factors of the desk's load (Monday rush; quiet Tết month).
WEEKDAY_LOAD = (1.2, 1.05, 1.0, 1.0, 0.9, 0.55, 0.3)
MONTH_LOAD = (1.1, 0.8, 1.05, 1.0, 0.95, 1.0, 1.05, 1.1, 1.0, 0.95, 1.0, 1.1)


@dataclass(frozen=True)
class DemoSummary:
    """How many records of each kind the demo wrote."""

    fields: int = 0
    procedures: int = 0
    users: int = 0
    dossiers: int = 0
    events: int = 0
    apologies: int = 0
    surveys: int = 0
    inspections: int = 0
    findings: int = 0
    tasks: int = 0
    documents: int = 0

    def lines(self) -> list[tuple[str, int]]:
        """(Vietnamese label, count) for the command line and the log."""
        return [
            (_("Lĩnh vực"), self.fields), (_("Thủ tục hành chính"), self.procedures),
            (_("Tài khoản cán bộ"), self.users), (_("Hồ sơ"), self.dossiers),
            (_("Sự kiện xử lý hồ sơ"), self.events), (_("Phiếu xin lỗi"), self.apologies),
            (_("Phiếu khảo sát"), self.surveys), (_("Cuộc kiểm tra kỷ luật, kỷ cương"), self.inspections),
            (_("Vấn đề phát hiện qua kiểm tra"), self.findings), (_("Nhiệm vụ kế hoạch CCHC"), self.tasks),
            (_("Văn bản chỉ đạo, điều hành"), self.documents),
        ]


def generate_demo(
    db: Database,
    *,
    year: int = 2025,
    dossiers: int = 5000,
    seed: int = 1,
    progress: Progress | None = None,
) -> DemoSummary:
    """Write a demo commune ending on 31/12 of ``year`` and say what was written.

    ``progress(stage, done, total)`` is called now and then (stages: catalogue, dossiers, surveys, indexes,
    done). Raises ValidationError when the database already has dossiers or the count is negative or
    too large; nothing is written then, nor when anything else fails.
    """
    _check(db, year, dossiers)
    report: Progress = progress or no_progress
    rng = random.Random(seed)
    # What the generator added later (fees, filings of other communes) draws from a generator of its own: the
    # records it made before stay the same for a seed.
    extra = random.Random(f"{seed}:fees")
    previous_cache = queries.cache_size(db)
    queries.set_cache_size(db, -CACHE_KIB)
    try:
        with writing(db), audit.suspended(db):
            report("catalogue", 0, 1)
            catalogue = load_reference_catalogue(db)
            if catalogue_queries.knows_fees(db):
                catalogue_queries.set_online_payment(db, [ref.code for ref in read_reference_procedures()
                                                          if _pays_online(ref)])
            settings = _ensure_settings(db)
            calendar = load_calendar(db)
            first_year, counts = _daily_counts(calendar, year, dossiers, rng)
            users = _ensure_users(db, first_year)
            report("catalogue", 1, 1)
            dossier_writer = _DossierWriter(db, calendar, settings, rng, year, extra)
            bulk = dossiers >= BULK_LOAD
            indexes = queries.drop_indexes(db, BULK_TABLES) if bulk else []
            written = dossier_writer.run(counts, dossiers, report)
            surveys = _write_surveys(db, rng, counts, dossier_writer.survey_candidates, dossiers, report)
            if bulk:
                report("indexes", 0, 1)
                queries.create_indexes(db, indexes)
                queries.optimize_search(db)
            inspections, findings = _write_inspections(db, calendar, rng, first_year, year)
            # the departments to inspect (5.4.2's base), as the reform officer declares them
            settings_queries.write_many(db, {SUBJECTS_KEY: "\n".join(data.INSPECTION_UNITS)})
            tasks = _write_plans(db, calendar, rng, first_year, year)
            documents = _write_directives(db, calendar, rng, first_year, year)
            audit.log_entry(db, "other", after={"dữ liệu mẫu": {"năm": year, "hồ sơ": written.dossiers},
                                                **audit.suspended_marks(db, audit.AUDITED_TABLES)})
            report("done", 1, 1)
    finally:
        queries.set_cache_size(db, previous_cache)
    return DemoSummary(
        fields=catalogue.fields, procedures=catalogue.procedures, users=users, dossiers=written.dossiers,
        events=written.events, apologies=written.apologies, surveys=surveys, inspections=inspections,
        findings=findings, tasks=tasks, documents=documents,
    )


def _check(db: Database, year: int, dossiers: int) -> None:
    errors: dict[str, str] = {}
    if dossiers < 0:
        errors["dossiers"] = _("Số hồ sơ mẫu phải là số không âm.")
    elif queries.dossier_count(db):
        errors["dossiers"] = _(
            "Cơ sở dữ liệu đã có hồ sơ; chỉ tạo dữ liệu mẫu trên một cơ sở dữ liệu chưa có hồ sơ nào. "
            "Hãy chọn một tệp dữ liệu mới (--db)."
        )
    elif dossiers > (year - FIRST_POSSIBLE_YEAR + 1) * YEAR_CAPACITY:
        errors["dossiers"] = _("Số hồ sơ mẫu quá lớn: tối đa {n} hồ sơ cho năm {year}.").format(
            n=(year - FIRST_POSSIBLE_YEAR + 1) * YEAR_CAPACITY, year=year)
    if not FIRST_POSSIBLE_YEAR <= year <= 2100:
        errors["year"] = _("Năm của dữ liệu mẫu phải từ {first} đến 2100.").format(first=FIRST_POSSIBLE_YEAR)
    if errors:
        raise ValidationError(errors)


def _ensure_settings(db: Database) -> UnitSettings:
    service = SettingsService(db)
    settings = service.load()
    if not settings.configured:
        settings = service.save(data.DEMO_UNIT)
    return settings


def _ensure_users(db: Database, first_year: int) -> int:
    """The demo staff, each with the published demo password, hashed with a salt of its own (one shared hash
    would tell anyone reading the file that the accounts share a password)."""
    created = f"{first_year}-01-02T08:00"
    rows = [(username, name, title, role, hash_password(data.DEMO_PASSWORD), created)
            for username, name, title, role in data.STAFF]
    settings_queries.write_many(db, {DEMO_SETTING: "1"})
    return bulk.executemany(db, queries.INSERT_USER, rows)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def _weighted(rng: random.Random, cumulative: Sequence[float]) -> int:
    return bisect_right(cumulative, rng.random() * cumulative[-1])


# -- how many dossiers each working day ------------------------------------------------------------------


def _daily_counts(
    calendar: WorkCalendar, year: int, dossiers: int, rng: random.Random,
) -> tuple[int, list[tuple[date, int]]]:
    """(first year, [(working day, dossiers that day)]) with no day above DAY_CAP."""
    years = max(1, math.ceil(dossiers / YEAR_CAPACITY))
    noise = random.Random(rng.random())
    while True:
        first_year = year - years + 1
        days = calendar.working_days(date(first_year, 1, 1), date(year, 12, 31))
        if dossiers <= len(days) * DAY_CAP * 0.9 or first_year <= FIRST_POSSIBLE_YEAR:
            break
        years += 1
    weights = [
        WEEKDAY_LOAD[day.weekday()] * MONTH_LOAD[day.month - 1] * max(0.3, 1 + 0.12 * noise.gauss(0, 1))
        for day in days
    ]
    return first_year, list(zip(days, _apportion(dossiers, weights, DAY_CAP), strict=True))


def _apportion(total: int, weights: Sequence[float], cap: int) -> list[int]:
    """Integers proportional to ``weights``, none above ``cap``, summing to ``total`` (largest remainders)."""
    counts = [0] * len(weights)
    open_days = [i for i, weight in enumerate(weights) if weight > 0]
    left = total
    while left > 0 and open_days:
        whole = sum(weights[i] for i in open_days)
        shares = {i: left * weights[i] / whole for i in open_days}
        given = {i: int(share) for i, share in shares.items()}
        missing = left - sum(given.values())
        for i in sorted(open_days, key=lambda i: given[i] - shares[i])[:missing]:
            given[i] += 1
        left = 0
        for i in open_days:
            room = cap - counts[i]
            counts[i] += min(room, given[i])
            left += max(0, given[i] - room)
        open_days = [i for i in open_days if counts[i] < cap]
    return counts


# -- people ------------------------------------------------------------------------------------------------


Person = tuple[str, str, str | None, str | None, str, str | None]


def _people(rng: random.Random, size: int, locality: str) -> list[Person]:
    """(name, folded name, ID number, phone, address, neighbouring commune or None) of the commune's residents and a
    few neighbours."""
    surnames = [name for name, _weight in data.SURNAMES]
    surname_cum = list(accumulate(weight for _name, weight in data.SURNAMES))
    people = []
    for _person in range(size):
        female = rng.random() < 0.52
        surname = surnames[_weighted(rng, surname_cum)]
        middle = rng.choice(data.FEMALE_MIDDLE if female else data.MALE_MIDDLE)
        given = rng.choice(data.FEMALE_GIVEN if female else data.MALE_GIVEN)
        if rng.random() < 0.15:  # two-word middle names: Nguyễn Thị Thu Hà
            middle += " " + rng.choice(data.FEMALE_MIDDLE[4:] if female else data.MALE_MIDDLE[3:])
        name = f"{surname} {middle} {given}"
        born = rng.randint(1945, 2006)
        kind = rng.random()
        if kind < 0.86:
            century = (0 if born < 2000 else 2) + (1 if female else 0)
            id_number: str | None = f"{data.PROVINCE_ID_CODE}{century}{born % 100:02d}{rng.randrange(10**6):06d}"
        elif kind < 0.92:
            id_number = f"{data.OLD_ID_PREFIX}{rng.randrange(10**7):07d}"
        else:
            id_number = None
        phone = f"{rng.choice(data.PHONE_PREFIXES)}{rng.randrange(10**7):07d}" if rng.random() < 0.7 else None
        commune = None
        if rng.random() < 0.9:
            address = f"Thôn {rng.randint(1, 10)}, {locality}"
        else:
            hamlet = rng.randint(1, 12)
            commune = rng.choice(data.NEIGHBOURS)
            address = f"Thôn {hamlet}, {commune}"
        people.append((name, fold(name), id_number, phone, address, commune))
    return people


def _locality(settings: UnitSettings) -> str:
    """``UBND xã Hoằng Hợp`` → ``xã Hoằng Hợp``."""
    name = settings.name
    for prefix in ("UBND ", "Ủy ban nhân dân ", "Uỷ ban nhân dân "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return f"xã {settings.place or name}"


# -- dossiers ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Written:
    dossiers: int
    events: int
    apologies: int


@dataclass(frozen=True)
class _Procedure:
    id: int
    limit: int
    unit: TimeLimitUnit
    cutoff: time | None
    same_day: bool
    at_once: bool  # handled at the desk: reception and transfer are one step (one event)
    budget_minutes: int  # the working minutes the time limit allows (0 for same-day procedures)
    pause: bool
    handler: str
    officer: int | None  # (no such account in a database set up without the demo's)
    fees: tuple[tuple[str | None, int], ...]  # (the text of the old free-text column, the amount; 0: none)
    online_level: str
    since: date | None = None  # a procedure the commune handles only from this day (the 2025 reform)
    online_payment: bool = False  # its fee can be paid online


def _fee_pool(code: str, fee: str) -> tuple[tuple[str | None, int], ...]:
    """A few plausible amounts actually paid for one dossier of the procedure: (as text, in đồng)."""

    def paid(amount: int) -> tuple[str, int]:
        return f"{amount:,}".replace(",", ".") + " đồng", amount

    if code in ("2.000815", "2.000942"):
        pool = []
        for pages in (1, 1, 2, 2, 3, 4, 6):
            for copies in (1, 2, 3, 5):
                pool.append(paid(copies * min(200_000, 2000 * min(pages, 2) + 1000 * max(pages - 2, 0))))
        return tuple(pool)
    if code == "2.000635":
        return tuple(paid(8000 * copies) for copies in (1, 1, 2, 3))
    digits = fee.split(" ")[0]
    if digits[:1].isdigit():
        return (paid(int(digits.replace(".", ""))),)
    return ((None, 0),)


def _pays_online(ref: ReferenceProcedure) -> bool:
    """The demo's procedures payable online: those offered online whose fee is a sum of money."""
    return ref.online_level is not None and any(amount for _text, amount in _fee_pool(ref.code, ref.fee))


class _DossierWriter:
    """Generates the dossiers day by day, each with its history, and writes them in batches."""

    def __init__(
        self, db: Database, calendar: WorkCalendar, settings: UnitSettings, rng: random.Random, year: int,
        extra: random.Random,
    ) -> None:
        self.db = db
        self.calendar = calendar
        self.rng = rng
        self.extra = extra
        self.random = rng.random
        self.randint = rng.randint
        self.due_moment = calendar.due_moment
        self.add_minutes = calendar.add_working_minutes
        self.day_minutes = calendar.day_seconds // 60
        self.today = datetime(year, 12, 31, 23, 59)
        self.unit_code = settings.code or data.DEMO_UNIT.code
        self.pattern = _code_pattern(settings.dossier_code_pattern, self.unit_code)
        self.signer = settings.signer_name or None
        self.locality = _locality(settings)
        users = queries.user_ids(db)
        self.desk: list[int | None] = [users[name] for name in data.DESK_USERS if name in users] or [None]
        self.chair = users.get("phochutich")
        self.events: list[tuple[object, ...]] = []
        self.apologies: list[tuple[object, ...]] = []
        self.survey_candidates: list[tuple[int, str, str]] = []
        self._load_procedures(users)
        self.p_wait = min(0.3, 0.01 / self.multi_share)    # ~1 % of all dossiers left waiting for papers
        self.p_round = min(0.3, 0.015 / self.multi_share)  # ~1.5 % supplemented, then resolved
        self.link_rate = 0.0

    def _load_procedures(self, users: dict[str, int]) -> None:
        ids = catalogue_queries.procedure_ids(self.db)
        procedures: list[_Procedure] = []
        weights: list[float] = []
        for ref in read_reference_procedures():
            if ref.code not in ids:
                continue
            handler, officer = data.HANDLERS.get(ref.field, data.DEFAULT_HANDLER)
            same_day = ref.time_limit_unit is TimeLimitUnit.SAME_DAY
            if ref.time_limit_unit is TimeLimitUnit.WORKING_DAYS:
                budget = ref.time_limit * self.day_minutes
            elif ref.time_limit_unit is TimeLimitUnit.CALENDAR_DAYS:  # about five working days a week
                budget = ref.time_limit * 5 // 7 * self.day_minutes
            elif ref.time_limit_unit is TimeLimitUnit.WORKING_HOURS:
                budget = ref.time_limit * 60
            else:
                budget = 0
            procedures.append(_Procedure(
                id=ids[ref.code], limit=ref.time_limit, unit=ref.time_limit_unit, cutoff=ref.afternoon_cutoff,
                same_day=same_day, budget_minutes=budget,
                at_once=ref.inter_agency.value == "none" and (same_day or ref.field in DESK_FIELDS),
                pause=ref.supplement_rule.value == "pause", handler=handler, officer=users.get(officer),
                fees=_fee_pool(ref.code, ref.fee),
                online_level=ref.online_level.value if ref.online_level else "",
                since=data.PROCEDURE_SINCE.get(ref.code), online_payment=_pays_online(ref),
            ))
            weights.append(data.PROCEDURE_WEIGHTS.get(ref.code, 0.5))
        self.procedures = procedures
        self.procedure_cum = list(accumulate(weights))
        multi = sum(w for p, w in zip(procedures, weights, strict=True) if not p.same_day)
        self.multi_share = (multi / self.procedure_cum[-1] if procedures else 0.0) or 1.0

    def _channels(self, year: int) -> list[list[float]]:
        """Per procedure: cumulative probabilities of direct, postal, online partial, online full."""
        share = ONLINE_SHARE.get(year, 0.02 if year < 2019 else ONLINE_SHARE[2024])
        out = []
        for procedure in self.procedures:
            if procedure.online_level == "full":
                full, partial = share * 0.93, share * 0.07
            elif procedure.online_level == "partial":
                full, partial = 0.0, share
            else:
                full = partial = 0.0
            offline = 1.0 - full - partial
            out.append(list(accumulate((offline * 0.9, offline * 0.1, partial, full))))
        return out

    def run(self, counts: list[tuple[date, int]], total: int, report: Progress) -> _Written:
        """Write every dossier, the day's code counter and the histories; returns what was written."""
        random_ = self.random
        calendar = self.calendar
        procedures = self.procedures
        procedure_cum = self.procedure_cum
        proc_total = procedure_cum[-1] if procedure_cum else 0.0
        desk = self.desk
        minute = [timedelta(minutes=m) for m in range(24 * 60)]
        clock = [f"T{m // 60:02d}:{m % 60:02d}" for m in range(24 * 60)]
        office = _minute_pool(calendar, morning_only=False)
        morning = _minute_pool(calendar, morning_only=True)
        outside = [*range(6 * 60, 7 * 60 + 30), *range(17 * 60 + 5, 22 * 60 + 30)]  # online, after hours
        people = _people(self.rng, min(200_000, max(200, total // 4)), self.locality)
        n_people = len(people)
        fmt = self.pattern.format
        unit_code = self.unit_code
        self.link_rate = min(SURVEY_RATE, MAX_SURVEYS / total if total else 0) * LINKED_SURVEYS * 1.3
        next_id = bulk.next_id(self.db, "dossier")
        books = LedgerLines(self.db)
        booked = queries.has_paper_columns(self.db)  # (an earlier schema has no ledgers)
        extra = self.extra.random
        exempt_reasons = data.FEE_EXEMPT_REASONS
        ledger = books.line if booked else (lambda _procedure, _received: (None, None))
        rows: list[tuple[object, ...]] = []
        counters: list[tuple[str, str, int]] = []
        written = n_events = n_apologies = 0
        channels_by_year: dict[int, list[list[float]]] = {}
        for day, count in counts:
            if not count:
                continue
            channels = channels_by_year.get(day.year)
            if channels is None:
                channels = channels_by_year[day.year] = self._channels(day.year)
            midnight = datetime(day.year, day.month, day.day)
            day_iso = day.isoformat()
            yymmdd = day.strftime("%y%m%d")
            pool = morning if calendar.closing_time(day).hour < 12 else office
            form_set = form_set_for(day).value
            scanned = data.RESULT_DIGITIZED_SHARE.get(day.year, data.RESULT_DIGITIZED_BEFORE)
            entries = []
            for _entry in range(count):
                p = bisect_right(procedure_cum, random_() * proc_total)
                while (since := procedures[p].since) is not None and day < since:  # not the commune's yet
                    p = bisect_right(procedure_cum, random_() * proc_total)
                cum = channels[p]
                r = random_()
                channel = 0 if r < cum[0] else 1 if r < cum[1] else 2 if r < cum[2] else 3
                if channel == 3 and random_() < 0.25:
                    at_minute = outside[int(random_() * len(outside))]
                else:
                    at_minute = pool[int(random_() * len(pool))]
                entries.append((at_minute, p, channel))
            entries.sort()  # the daily sequence follows the time of receipt
            for seq, (at_minute, p, channel) in enumerate(entries, 1):
                proc = procedures[p]
                receiver = desk[int(random_() * len(desk))]
                received_s = day_iso + clock[at_minute]
                due_s, resolved, returned, withdrawn, outcome, status = self._history(
                    next_id, proc, midnight + minute[at_minute], received_s, channel, receiver)
                person = people[int(random_() * n_people)]
                fees = proc.fees
                digitized = 1 if random_() < (0.72 if channel >= 2 else 0.66) else 0
                fee_text, amount = fees[int(random_() * len(fees))]
                # a resident of a neighbouring commune files here, and the dossier may be handed to that commune
                home = transferred = None
                if person[5] is not None and extra() < data.BOUNDARY_FREE_SHARE:
                    home = person[5]
                    if extra() < data.TRANSFERRED_SHARE:
                        transferred = f"UBND {home}"
                paid = receipt = method = reason = None
                if amount and extra() >= data.FEE_UNRECORDED_SHARE:
                    if extra() < data.FEE_EXEMPT_SHARE:
                        paid, method, fee_text = 0, "exempt", None
                        reason = exempt_reasons[int(extra() * len(exempt_reasons))]
                    elif proc.online_payment and extra() < data.ONLINE_PAYMENT_SHARE:
                        paid, method, receipt = amount, "online", f"TT{next_id:09d}"
                    else:
                        paid, method, receipt = amount, "desk", f"{next_id:07d}"
                result_scanned = 1 if outcome == "granted" and extra() < scanned else 0
                rows.append((
                    next_id, fmt(unit=unit_code, yymmdd=yymmdd, seq=seq), proc.id, person[0], person[1],
                    person[2], person[3], person[4], 1, CHANNELS[channel], received_s, receiver, due_s,
                    proc.handler, resolved, returned, outcome, withdrawn, status, digitized,
                    fee_text, form_set, _delivery(next_id, channel),
                    _proxy(next_id, people) if next_id % PROXY_EVERY == 0 else None,
                    *ledger(proc.id, received_s), home, transferred, paid, receipt, method, reason,
                    result_scanned,
                ))
                next_id += 1
            counters.append((unit_code, day_iso, count))
            if len(rows) >= BATCH:
                n_events, n_apologies = n_events + len(self.events), n_apologies + len(self.apologies)
                self._flush(rows)
                written += len(rows)
                rows = []
                report("dossiers", written, total)
        n_events, n_apologies = n_events + len(self.events), n_apologies + len(self.apologies)
        self._flush(rows)
        written += len(rows)
        bulk.executemany(self.db, bulk.UPSERT_CODE_COUNTER, counters)
        if booked:
            books.save()
        report("dossiers", written, total)
        return _Written(dossiers=written, events=n_events, apologies=n_apologies)

    def _history(
        self, dossier_id: int, proc: _Procedure, received: datetime, received_s: str, channel: int,
        receiver: int | None,
    ) -> tuple[str, str | None, str | None, str | None, str | None, str]:
        """The life of one dossier up to "today": its events (appended) and the dates of its row.

        Returns (due, resolved, returned, withdrawn, outcome, status), dates as ISO text. Every history
        follows the transition table of ``domain/dossiers.py``; a dossier the desk handles itself goes
        to "in progress" on receipt (one event instead of two).
        """
        random_, randint, add_minutes, today = self.random, self.randint, self.add_minutes, self.today
        events = self.events
        officer = proc.officer
        due = self.due_moment(received, proc.limit, proc.unit, proc.cutoff)
        due_s = _iso(due)
        state = "in_progress" if proc.at_once else "received"
        events.append((dossier_id, "received", received_s, receiver, None, state, None, None, due_s))
        work_from = received
        if not proc.at_once:
            transfer = add_minutes(received, randint(5, 90))
            if transfer <= today:
                events.append((dossier_id, "transferred", _iso(transfer), receiver, "received", "in_progress",
                               None, None, None))
                state = "in_progress"
        # Waiting for papers: left waiting, or supplemented and the clock restarted (or resumed).
        supplement = random_()
        if not proc.same_day and state == "in_progress" and supplement < self.p_wait + self.p_round:
            asked = add_minutes(received, randint(30, max(60, proc.budget_minutes // 2)))
            if asked <= today:
                reason = data.SUPPLEMENT_REASONS[int(random_() * len(data.SUPPLEMENT_REASONS))]
                events.append((dossier_id, "supplement_requested", _iso(asked), officer, "in_progress",
                               "waiting_supplement", reason, due_s, None))
                waited = randint(1, 5) * self.day_minutes
                back = add_minutes(asked, waited)
                if supplement >= self.p_round or back > today:
                    return due_s, None, None, None, None, "waiting_supplement"
                if proc.pause:
                    new_due = add_minutes(due, waited)
                else:
                    new_due = self.due_moment(back, proc.limit, proc.unit, proc.cutoff)
                new_due_s = _iso(new_due)
                events.append((dossier_id, "supplement_received", _iso(back), receiver, "waiting_supplement",
                               "in_progress", None, due_s, new_due_s))
                due, due_s, work_from = new_due, new_due_s, back
        fate = random_()
        if fate < 0.005:  # withdrawn by the applicant (after the supplement it brought, if any)
            at = add_minutes(work_from, randint(10, max(20, proc.budget_minutes // 2 or 60)))
            if at <= today:
                withdrawn = _iso(at)
                reason = data.WITHDRAW_REASONS[int(random_() * len(data.WITHDRAW_REASONS))]
                events.append((dossier_id, "withdrawn", withdrawn, receiver, state, "withdrawn", reason,
                               None, None))
                return due_s, None, None, withdrawn, None, "withdrawn"
        late = 0.005 <= fate < 0.015
        if late:
            resolved = add_minutes(due, randint(30, 3 * self.day_minutes))
        elif proc.same_day:
            resolved = min(due, add_minutes(work_from, randint(5, 40) * (1 + int(random_() * 4))))
        else:
            share = 0.12 + 0.88 * random_() ** 1.4  # mostly early, some on the last day
            resolved = min(due, add_minutes(work_from, max(10, int(proc.budget_minutes * share))))
        if resolved > today:
            return due_s, None, None, None, None, state
        resolved_s = _iso(resolved)
        refused = 0.015 <= fate < 0.018
        if late and random_() < 0.85:
            self._apologise(dossier_id, received, due, due_s, resolved, state)
        wait = 0 if channel == 3 or (proc.same_day and random_() < 0.7) else int(
            random_() ** 2 * 3 * self.day_minutes)
        returned: datetime | None = add_minutes(resolved, wait) if wait else resolved
        if (returned is not None and returned > today) or random_() < 0.003:  # not collected (yet)
            returned = None
        ready = "refused" if refused else "result_ready"
        refusal_reason = data.REFUSAL_REASONS[int(random_() * len(data.REFUSAL_REASONS))] if refused else None
        events.append((dossier_id, ready, resolved_s, officer, state, ready, refusal_reason, None, None))
        outcome = "refused" if refused else "granted"
        if returned is None:
            return due_s, resolved_s, None, None, outcome, ready
        returned_s = _iso(returned)
        events.append((dossier_id, "returned", returned_s, receiver, ready, "returned", None, None, None))
        if random_() < self.link_rate:
            self.survey_candidates.append((dossier_id, returned_s[:10], CHANNELS[channel]))
        return due_s, resolved_s, returned_s, None, outcome, "returned"

    def _apologise(
        self, dossier_id: int, received: datetime, due: datetime, due_s: str, resolved: datetime, state: str,
    ) -> None:
        """Mẫu 04, dated the working day before the deadline, with the new date the result was ready."""
        issued = max(received.date(), _previous_working_day(self.calendar, due.date()))
        new_due = self.calendar.closing_time(resolved.date())
        if issued > resolved.date() or new_due <= due:
            return
        reason = data.APOLOGY_REASONS[int(self.random() * len(data.APOLOGY_REASONS))]
        new_due_s = _iso(new_due)
        self.apologies.append((dossier_id, issued.isoformat(), reason, due_s, new_due_s, self.signer, self.chair))
        at = min(max(datetime.combine(issued, time(16, 0)), received), resolved)
        self.events.append((dossier_id, "apologised", _iso(at), self.chair, state, state, reason, due_s, new_due_s))

    def _flush(self, rows: list[tuple[object, ...]]) -> None:
        statement, width = queries.dossier_insert(self.db)
        bulk.executemany(self.db, statement, rows if width is None else [row[:width] for row in rows])
        bulk.ids_taken(self.db, "dossier")
        bulk.executemany(self.db, queries.INSERT_EVENT, self.events)
        bulk.executemany(self.db, bulk.INSERT_APOLOGY, self.apologies)
        self.events, self.apologies = [], []


PROXY_EVERY = 37  # about one dossier in 37 is filed by an authorised person


def _delivery(dossier_id: int, channel: int) -> str:
    """How the citizen takes the result, from the channel (no draw from the generator: the demo's figures stay
    as they were): at the desk, by post for a postal filing and one in 13 others, online for most of the online
    dossiers."""
    if channel == 1 or dossier_id % 13 == 0:
        return "post"
    if channel == 3 and dossier_id % 4:
        return "online"
    return "desk"


def _proxy(dossier_id: int, people: Sequence[tuple[object, ...]]) -> str:
    """An authorised person, another of the demo's people, with the authorisation paper."""
    person = people[(dossier_id * 7919) % len(people)]
    return Proxy(name=str(person[0]), id_number=str(person[2] or ""), phone=str(person[3] or ""),
                 address=str(person[4] or ""),
                 paper="Văn bản ủy quyền có chứng thực").to_json()


def _code_pattern(pattern: str, unit_code: str) -> str:
    """The unit's dossier code pattern, or the default one when it cannot make distinct daily codes."""
    default = data.DEMO_UNIT.dossier_code_pattern
    if "{yymmdd" not in pattern or "{seq" not in pattern:
        return default
    try:
        pattern.format(unit=unit_code, yymmdd="240101", seq=1)
    except (KeyError, IndexError, ValueError):
        return default
    return pattern


def _minute_pool(calendar: WorkCalendar, *, morning_only: bool) -> list[int]:
    """Minutes of the day at which the desk receives dossiers: busy mornings, quieter afternoons."""
    hours = calendar.office_hours
    start = hours.morning_start.hour * 60 + hours.morning_start.minute
    noon = hours.morning_end.hour * 60 + hours.morning_end.minute
    after = hours.afternoon_start.hour * 60 + hours.afternoon_start.minute
    close = hours.afternoon_end.hour * 60 + hours.afternoon_end.minute
    pool: list[int] = []
    for m in range(start, noon):
        weight = 3 if m - start < 150 else 2
        pool.extend([m] * weight)
    if not morning_only:
        for m in range(after, close):
            pool.extend([m] * (2 if close - m > 60 else 1))
    return pool


def _previous_working_day(calendar: WorkCalendar, day: date) -> date:
    """The working day before ``day`` (one working day before the deadline: the apology's date)."""
    candidate = day - timedelta(days=1)
    for _step in range(30):
        if calendar.is_working_day(candidate):
            return candidate
        candidate -= timedelta(days=1)
    return day


# -- satisfaction surveys ----------------------------------------------------------------------------------


def _write_surveys(
    db: Database,
    rng: random.Random,
    counts: list[tuple[date, int]],
    candidates: list[tuple[int, str, str]],
    dossiers: int,
    report: Progress,
) -> int:
    """About one survey per ten dossiers (at most 50,000), answering every active criterion."""
    total = min(round(dossiers * SURVEY_RATE), MAX_SURVEYS)
    if not total:
        return 0
    criteria = queries.active_survey_criteria(db)
    linked_wanted = min(len(candidates), round(total * LINKED_SURVEYS))
    linked = rng.sample(candidates, linked_wanted) if linked_wanted < len(candidates) else list(candidates)
    days = [day.isoformat() for day, count in counts if count]
    day_cum = list(accumulate(count for _day, count in counts if count))
    paper_user = queries.user_ids(db).get("motcua")
    surveys: list[tuple[str, str, int | None]] = [
        (day, "online" if channel.startswith("online") else ("kiosk" if rng.random() < 0.5 else "paper"),
         dossier_id)
        for dossier_id, day, channel in linked
    ]
    for _survey in range(total - len(surveys)):
        r = rng.random()
        method = "paper" if r < 0.6 else "online" if r < 0.85 else "kiosk"
        surveys.append((days[_weighted(rng, day_cum)], method, None))
    surveys.sort(key=lambda survey: survey[0])
    overall_cum = list(accumulate((0.5, 1.0, 3.5, 40.0, 55.0)))
    first_id = bulk.next_id(db, "survey")
    rows = []
    answers: list[tuple[int, int, int, str]] = []
    written = 0
    for offset, (day, method, dossier_id) in enumerate(surveys):
        survey_id = first_id + offset
        overall = _weighted(rng, overall_cum) + 1
        comment = rng.choice(data.SURVEY_COMMENTS) if rng.random() < 0.05 else None
        rows.append((survey_id, day, method, dossier_id, overall, comment,
                     paper_user if method == "paper" else None))
        for criterion_id, text in criteria:
            r = rng.random()
            score = overall - 1 if r < 0.12 else overall + 1 if r > 0.9 else overall
            answers.append((survey_id, criterion_id, min(5, max(1, score)), text))
        if len(answers) >= 200_000:
            bulk.executemany(db, queries.INSERT_SURVEY, rows)
            bulk.executemany(db, queries.INSERT_SURVEY_ANSWER, answers)
            written += len(rows)
            rows, answers = [], []
            report("surveys", written, total)
    bulk.executemany(db, queries.INSERT_SURVEY, rows)
    bulk.executemany(db, queries.INSERT_SURVEY_ANSWER, answers)
    bulk.ids_taken(db, "survey")
    written += len(rows)
    report("surveys", written, total)
    return written


# -- discipline inspections ----------------------------------------------------------------------------------


def _write_inspections(
    db: Database, calendar: WorkCalendar, rng: random.Random, first_year: int, year: int,
) -> tuple[int, int]:
    """8–15 inspections a year with a check of every criterion and findings for some of them."""
    criteria = queries.active_inspection_criteria(db)
    officer = queries.user_ids(db).get("cchc")
    today = date(year, 12, 31)
    inspection_rows = []
    check_rows = []
    finding_rows = []
    next_id = bulk.next_id(db, "inspection")
    for y in range(first_year, year + 1):
        days = calendar.working_days(date(y, 1, 15), date(y, 12, 20))
        chosen = sorted(rng.sample(days, min(len(days), rng.randint(8, 15))))
        for day in chosen:
            r = rng.random()
            kind = "planned" if r < 0.5 else "unannounced" if r < 0.8 else "self"
            if rng.random() < 0.7:
                subject, subject_kind = rng.choice(data.INSPECTION_UNITS), "unit"
                official = ""
            else:
                official, title = rng.choice(data.INSPECTION_OFFICIALS)
                subject, subject_kind = f"{official} - {title}", "official"
            basis = {
                "planned": f"Kế hoạch số 02/KH-UBND ngày 04/01/{y} của UBND xã về tự kiểm tra việc thực hiện "
                           "kỷ luật, kỷ cương hành chính",
                "unannounced": f"Quyết định số {rng.randint(20, 180)}/QĐ-UBND ngày {day:%d/%m/%Y} của Chủ tịch "
                               "UBND xã về kiểm tra đột xuất việc chấp hành kỷ luật, kỷ cương hành chính",
                "self": "Tự kiểm tra định kỳ của bộ phận",
            }[kind]
            found = rng.sample(data.FINDINGS, rng.choice((1, 1, 2))) if rng.random() < 0.4 else []
            failed = {code for code, _text in found}
            inspection_id = next_id
            next_id += 1
            conclusion = (
                "Chấp hành tốt kỷ luật, kỷ cương hành chính; không phát hiện vi phạm." if not found else
                "Cơ bản chấp hành kỷ luật, kỷ cương hành chính; còn một số tồn tại, yêu cầu khắc phục trong "
                "thời hạn quy định."
            )
            inspection_rows.append((
                inspection_id, day.isoformat(), kind, basis, f"Trụ sở UBND xã {data.DEMO_UNIT.place}",
                "Lê Văn Minh - Phó Chủ tịch UBND xã (Trưởng đoàn); Đỗ Văn Tùng - Công chức Văn phòng - "
                "Thống kê (Thành viên)", subject, subject_kind, conclusion, officer,
            ))
            for criterion_id, code, text in criteria:
                result = "fail" if code in failed else ("na" if rng.random() < 0.03 else "pass")
                check_rows.append((inspection_id, criterion_id, result, None, text))
            for _code, description in found:
                deadline = rng.choice(calendar.working_days(day + timedelta(days=10), day + timedelta(days=40)))
                remedied = None
                if deadline <= today or rng.random() < 0.5:
                    candidate = day + timedelta(days=rng.randint(3, 45))
                    if candidate <= today and rng.random() < 0.92:
                        remedied = candidate.isoformat()
                measure = None
                if official and rng.random() < 0.4:
                    measure = "reminder" if rng.random() < 0.7 else "self_criticism"
                finding_rows.append((
                    inspection_id, description, deadline.isoformat(), subject, remedied, measure,
                    official or None, 0,
                ))
    bulk.executemany(db, queries.INSERT_INSPECTION, inspection_rows)
    bulk.ids_taken(db, "inspection")
    bulk.executemany(db, queries.INSERT_INSPECTION_CHECK, check_rows)
    bulk.executemany(db, queries.INSERT_FINDING, finding_rows)
    return len(inspection_rows), len(finding_rows)


# -- the annual reform plans and directive documents --------------------------------------------------------


def _write_plans(db: Database, calendar: WorkCalendar, rng: random.Random, first_year: int, year: int) -> int:
    """A plan per year (decision 01/QĐ-UBND of 02/01) with about 38 tasks over the seven reform areas."""
    today = date(year, 12, 31)
    written = 0
    for y in range(first_year, year + 1):
        bulk.executemany(db, queries.INSERT_PLAN, [
            (y, "01/QĐ-UBND", f"{y}-01-02", f"Kế hoạch cải cách hành chính năm {y}"),
        ])
        plan = queries.plan_id(db, y)
        if plan is None or queries.task_count(db, plan):
            continue
        templates = list(data.PLAN_TASKS)
        for drop in sorted(rng.sample(range(3, len(templates)), len(templates) - 38), reverse=True):
            del templates[drop]
        rows = []
        for number, (area, title, source, lead, cooperating, deadline, evidence) in enumerate(templates, 1):
            due = date.fromisoformat(f"{y}-{deadline}")
            r = rng.random()
            status, completed = "done", None
            if y == year and r < 0.08:
                status = "in_progress"
            elif y == year and r < 0.10:
                status = "not_started"
            elif r > 0.985:
                status = "cancelled"
            if status == "done":
                if rng.random() < 0.12:
                    finished = due + timedelta(days=rng.randint(3, 40))
                else:
                    finished = due - timedelta(days=rng.randint(0, min(60, (due - date(y, 1, 2)).days)))
                completed = min(max(finished, date(y, 1, 2)), today)
                if not calendar.is_working_day(completed):
                    completed = _previous_working_day(calendar, completed)
            note = "Đang triển khai thực hiện" if status == "in_progress" else None
            rows.append((
                plan, str(number), title.format(year=y), area, source, lead, cooperating or None, due.isoformat(),
                status, completed.isoformat() if completed else None,
                evidence.format(year=y) if status == "done" else None, note,
            ))
        written += bulk.executemany(db, queries.INSERT_TASK, rows)
    return written


def _write_directives(
    db: Database, calendar: WorkCalendar, rng: random.Random, first_year: int, year: int,
) -> int:
    """10–15 directive documents a year, numbered in order of issue per kind."""
    rate = {"QĐ-UBND": 0.35, "KH-UBND": 0.25, "BC-UBND": 0.6, "UBND-VP": 1.3, "CT-UBND": 0.01, "TB-UBND": 0.3}
    rows = []
    for y in range(first_year, year + 1):
        chosen = [data.DIRECTIVES[0], data.DIRECTIVES[1]]
        chosen += sorted(rng.sample(data.DIRECTIVES[2:], rng.randint(8, 13)), key=lambda d: d[2])
        last: dict[str, int] = {}
        for kind, suffix, month_day, title, area in chosen:
            issued = date.fromisoformat(f"{y}-{month_day}")
            if (kind, month_day) != ("decision", "01-02") and not calendar.is_working_day(issued):
                issued = calendar.next_working_day(issued)  # the plan's decision keeps its 02/01
            if (kind, month_day) == ("decision", "01-02"):
                number = 1
            elif (kind, month_day) == ("plan", "01-04"):
                number = 2  # seed 002: Kế hoạch số 02/KH-UBND ngày 04/01 on the self-checks
            else:
                day_of_year = issued.timetuple().tm_yday
                number = max(last.get(suffix, 0) + 1, int(day_of_year * rate[suffix]) + rng.randint(0, 3))
            last[suffix] = max(last.get(suffix, 0), number)
            rows.append((f"{number:02d}/{suffix}", issued.isoformat(), kind, title.format(year=y), area))
    return bulk.executemany(db, queries.INSERT_DIRECTIVE, rows)
