"""StatisticsService: every counting rule of DESIGN.md §5 on hand-built records whose figures are worked out
here by hand, the records behind each figure, a brute-force oracle on random dossiers, and the demo."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from cchc_desktop.domain import statistics as rules
from cchc_desktop.domain.dossiers import Channel, Timeliness, timeliness
from cchc_desktop.domain.figures import Figures
from cchc_desktop.domain.periods import parse_period
from cchc_desktop.domain.plans import ReformArea, TaskSource, TaskStatus
from cchc_desktop.domain.statistics import TaskState
from cchc_desktop.domain.surveys import SurveyMethod
from cchc_desktop.errors import ValidationError
from cchc_desktop.services.inspections import InspectionService
from cchc_desktop.services.register import RegisterService
from cchc_desktop.services.statistics import DossierFigure, StatisticsService
from cchc_desktop.text import fold
from db.connection import open_db
from db.queries import inserted_id
from db.queries import statistics as queries

pytestmark = pytest.mark.backends

Q2 = parse_period("2024-Q2")  # 01/04/2024 – 30/06/2024


# -- hand-built records ----------------------------------------------------------------------------------------


def _field(db: Database, name: str) -> int:
    return inserted_id(db, "INSERT INTO field (name, name_folded) VALUES (?, ?)", [name, fold(name)])


def _procedure(db: Database, code: str, field_id: int, *, online: str | None = None, inter: str = "none",
               active: int = 1, abolished: str | None = None) -> int:
    return inserted_id(db,
        "INSERT INTO procedure (code, name, name_folded, field_id, time_limit, time_limit_unit, online_level,"
        " inter_agency, active, abolished_on) VALUES (?, ?, ?, ?, 5, 'working_days', ?, ?, ?, ?)",
        [code, f"Thủ tục {code}", f"thu tuc {code}", field_id, online, inter, active, abolished],
    )


def add_dossier(db: Database, code: str, procedure_id: int, received: str, due: str, *, resolved: str | None = None,
                withdrawn: str | None = None, channel: str = "direct", status: str | None = None,
                digitized: int = 0) -> int:
    status = status or ("withdrawn" if withdrawn else "returned" if resolved else "in_progress")
    return inserted_id(db,
        "INSERT INTO dossier (code, procedure_id, applicant_name, applicant_folded, channel, received_at, due_at,"
        " resolved_at, returned_at, withdrawn_at, status, digitized)"
        " VALUES (?, ?, 'Nguyễn Văn Ấn', 'nguyen van an', ?, ?, ?, ?, ?, ?, ?, ?)",
        [code, procedure_id, channel, received, due, resolved, resolved if status == "returned" else None,
         withdrawn, status, digitized],
    )


def add_event(db: Database, dossier_id: int, kind: str, at: str) -> None:
    db.execute("INSERT INTO dossier_event (dossier_id, kind, at) VALUES (?, ?, ?)", [dossier_id, kind, at])


def add_survey(db: Database, taken_on: str, method: str, overall: int, answers: dict[int, int]) -> None:
    survey_id = inserted_id(db, "INSERT INTO survey (taken_on, method, overall) VALUES (?, ?, ?)",
                            [taken_on, method, overall])
    for criterion_id, score in answers.items():
        db.execute("INSERT INTO survey_answer (survey_id, criterion_id, score, criterion_text) VALUES (?, ?, ?, 'x')",
                   [survey_id, criterion_id, score])


def add_inspection(db: Database, day: str, subject: str, kind: str = "unit") -> int:
    return inserted_id(db, "INSERT INTO inspection (inspected_on, kind, subject, subject_kind)"
                       " VALUES (?, 'planned', ?, ?)", [day, subject, kind])


def add_finding(db: Database, inspection_id: int, *, deadline: str | None, remedied: str | None = None,
                measure: str | None = None, official: str | None = None, leader: int = 0) -> int:
    return inserted_id(db,
        "INSERT INTO finding (inspection_id, description, remedy_deadline, remedied_on, measure, official_name,"
        " official_is_leader) VALUES (?, 'Đến muộn', ?, ?, ?, ?, ?)",
        [inspection_id, deadline, remedied, measure, official, leader],
    )


def add_task(db: Database, plan_id: int, number: str, area: int, source: str, deadline: str, status: str,
             completed: str | None = None) -> None:
    db.execute(
        "INSERT INTO plan_task (plan_id, number, title, area, source, deadline, status, completed_on)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [plan_id, number, f"Nhiệm vụ {number}", area, source, deadline, status, completed],
    )


@pytest.fixture
def built(db: Database) -> Database:
    """The commune of these tests. Each dossier's role in the figures of 2024-Q2 is noted beside it."""
    land, building, civil = _field(db, "Đất đai"), _field(db, "Xây dựng"), _field(db, "Hộ tịch")
    p_land = _procedure(db, "1.001", land, online="full")
    p_build = _procedure(db, "1.002", building, online="partial", inter="cross_level")
    p_civil = _procedure(db, "1.003", civil, active=0)  # inactive: not in force
    _procedure(db, "1.004", civil, abolished="2024-05-01")  # abolished during the period

    # carried over (received before 01/04, open then); resolved exactly at its due_at: on time; land
    add_dossier(db, "A", p_land, "2024-03-20T08:00", "2024-04-02T17:00", resolved="2024-04-02T17:00")
    # resolved before the period: counts nowhere
    add_dossier(db, "B", p_civil, "2024-03-25T09:00", "2024-04-05T17:00", resolved="2024-03-29T10:00")
    # withdrawn before the period: not carried over
    add_dossier(db, "C", p_civil, "2024-03-01T09:00", "2024-03-08T17:00", withdrawn="2024-03-15T10:00")
    # carried over, withdrawn in the period
    add_dossier(db, "D", p_civil, "2024-03-28T09:00", "2024-04-10T11:30", withdrawn="2024-04-03T08:00")
    # received at the period's first opening; resolved on its due date but after due_at: late
    e = add_dossier(db, "E", p_civil, "2024-04-01T07:30", "2024-04-03T17:00", resolved="2024-04-03T17:30",
                    channel="postal")
    # resolved the day before its due date: early; construction; digitized
    add_dossier(db, "F", p_build, "2024-04-10T08:00", "2024-04-12T17:00", resolved="2024-04-11T16:00",
                channel="online_partial", digitized=1)
    # received on the last evening, not yet due at the cut-off; waiting now, but asked only after the cut-off
    g = add_dossier(db, "G", p_civil, "2024-06-30T22:00", "2024-07-03T17:00", channel="online_full",
                    status="waiting_supplement", digitized=1)
    add_event(db, g, "supplement_requested", "2024-07-02T09:00")
    # in progress and overdue at the cut-off; land
    add_dossier(db, "H", p_land, "2024-05-02T08:00", "2024-05-06T17:00")
    # waiting for a supplement since May: overdue and waiting at the cut-off
    i = add_dossier(db, "I", p_civil, "2024-05-10T08:00", "2024-05-20T17:00", status="waiting_supplement")
    add_event(db, i, "supplement_requested", "2024-05-12T09:00")
    # received after the period: counts nowhere
    add_dossier(db, "J", p_civil, "2024-07-01T08:00", "2024-07-03T17:00")
    # received long before (more than 90 days), resolved late in the period: carried over; land but late
    k = add_dossier(db, "K", p_land, "2023-10-01T08:00", "2023-10-10T17:00", resolved="2024-06-01T09:00")
    # imported as waiting, with no history: open since 2023, overdue and waiting
    add_dossier(db, "L", p_civil, "2023-11-01T08:00", "2023-11-10T17:00", status="waiting_supplement")
    # supplemented before the cut-off, resolved after it: in progress and overdue, not waiting
    m = add_dossier(db, "M", p_civil, "2024-06-15T08:00", "2024-06-20T17:00", resolved="2024-07-05T10:00",
                    channel="online_partial")
    add_event(db, m, "supplement_requested", "2024-06-16T09:00")
    add_event(db, m, "supplement_received", "2024-06-18T09:00")
    # early (the day before its due date); land
    add_dossier(db, "N", p_land, "2024-04-15T08:00", "2024-04-20T11:30", resolved="2024-04-19T15:00")

    for dossier_id, issued in ((e, "2024-04-02"), (k, "2023-10-09")):
        db.execute("INSERT INTO apology_letter (dossier_id, issued_on, reason, old_due_at, new_due_at)"
                   " VALUES (?, ?, 'Quá tải', '2024-01-01T17:00', '2024-01-02T17:00')", [dossier_id, issued])

    criteria = [row[0] for row in db.execute("SELECT id FROM survey_criterion ORDER BY position, id")]
    add_survey(db, "2024-03-31", "online", 5, {criteria[0]: 1})  # before the period
    add_survey(db, "2024-04-05", "paper", 5, {criteria[0]: 5})
    add_survey(db, "2024-04-20", "paper", 4, {criteria[0]: 4, criteria[1]: 3})
    add_survey(db, "2024-05-03", "kiosk", 4, {})
    add_survey(db, "2024-06-10", "paper", 3, {})
    add_survey(db, "2024-06-11", "paper", 2, {})

    old = add_inspection(db, "2024-01-10", "Công chức Văn hóa - Xã hội")
    add_finding(db, old, deadline="2024-02-10")
    desk = add_inspection(db, "2024-04-10", "Bộ phận Tiếp nhận và Trả kết quả")
    add_finding(db, desk, deadline="2024-05-10", remedied="2024-05-01")  # f1: remedied
    add_finding(db, desk, deadline="2024-06-01", remedied="2024-07-15")  # f2: remedied after the cut-off
    nam = add_inspection(db, "2024-05-15", "Trần Văn Nam - Công chức Tư pháp", "official")
    add_finding(db, nam, deadline="2024-07-15", measure="reprimand", official="Trần Văn Nam")  # f3
    add_finding(db, nam, deadline=None, measure="reminder", official="Lê Văn Bình")  # f4: not disciplinary
    add_finding(db, nam, deadline="2024-06-15", remedied="2024-06-14", measure="warning",
                official="Lê Văn Minh", leader=1)  # f5
    add_inspection(db, "2024-06-01", "bộ phận tiếp nhận và trả kết quả")  # the same unit again
    InspectionService(db).declare_subjects(  # 5.4.2's base: two of them inspected in Q2
        "Bộ phận Tiếp nhận và Trả kết quả\nCông chức Văn hóa - Xã hội\n\nTrần Văn Nam - Công chức Tư pháp\n"
        "Công chức Địa chính - Xây dựng")

    plan_2024 = inserted_id(db, "INSERT INTO plan (year) VALUES (2024)", [])
    plan_2023 = inserted_id(db, "INSERT INTO plan (year) VALUES (2023)", [])
    add_task(db, plan_2023, "1", 0, "plan", "2023-03-31", "done", "2023-03-01")
    add_task(db, plan_2024, "T1", 0, "plan", "2024-03-31", "done", "2024-03-15")
    add_task(db, plan_2024, "T2", 2, "plan", "2024-05-31", "done", "2024-07-10")  # done after the cut-off
    add_task(db, plan_2024, "T3", 2, "higher_level", "2024-04-30", "done", "2024-05-20")  # late
    add_task(db, plan_2024, "T4", 4, "higher_level", "2024-06-30", "done", "2024-06-30")  # on its deadline
    add_task(db, plan_2024, "T5", 6, "higher_level", "2024-12-31", "not_started")
    add_task(db, plan_2024, "T6", 1, "plan", "2024-02-01", "cancelled")
    add_task(db, plan_2024, "T7", 5, "plan", "2024-06-01", "in_progress")  # overdue

    for number, day in (("01/KH-UBND", "2024-03-31"), ("02/KH-UBND", "2024-04-05"), ("03/QĐ-UBND", "2024-06-30")):
        db.execute("INSERT INTO directive_document (number, issued_on, kind, title) VALUES (?, ?, 'plan', 'CCHC')",
                   [number, day])
    return db


@pytest.fixture
def service(built: Database) -> StatisticsService:
    return StatisticsService(built, clock=lambda: datetime(2024, 6, 30, 16, 0))


def codes(service: StatisticsService, figure: DossierFigure, **kwargs: object) -> set[str]:
    return {line.code for line in service.dossiers(period=kwargs.pop("period", Q2), figure=figure, **kwargs)}


# -- dossiers ------------------------------------------------------------------------------------------------


def test_dossier_figures_by_hand(service: StatisticsService) -> None:
    d = service.figures(period=Q2).dossiers
    # received: H, I, N direct; E postal; F, M online partly; G online fully
    assert (d.received.direct, d.received.postal, d.received.online_partial, d.received.online_full) == (3, 1, 2, 1)
    assert d.received.total == 7
    assert d.carried_over == 4  # A, D, K (received long before), L; not B (resolved) nor C (withdrawn) before
    assert d.to_handle == 11
    assert (d.early, d.on_time, d.late) == (2, 1, 2)  # F, N / A at due_at exactly / E same day later, K
    assert d.resolved.total == 5
    assert (d.in_time.direct, d.in_time.postal, d.in_time.online_partial, d.in_time.online_full) == (2, 0, 1, 0)
    assert d.withdrawn == 1  # D
    assert d.in_progress == 5 == d.to_handle - d.resolved.total - d.withdrawn  # G, H, I, L, M
    # three parts that never overlap: overdue H, M / not yet due G / waiting I, L (clock stopped: not overdue)
    assert (d.overdue, d.not_yet_due) == (2, 1)  # H, M / G
    assert d.waiting_supplement == 2  # I (asked in May), L (imported waiting); not G (asked later), not M
    assert d.overdue + d.not_yet_due + d.waiting_supplement == d.in_progress
    assert (d.refused, d.granted) == (0, 5)
    # the bases of the online rates (Quyết định 766): F, G, H, M, N could be filed online (their procedure offers
    # it, or they were); G, H, N fully online
    assert (d.online_base, d.full_online_base) == (5, 3)
    assert d.apologies == 1  # E's letter; K's was written in 2023
    assert d.digitized == 2  # F, G
    assert (d.in_time_land, d.in_time_construction) == (2, 1)  # A, N (K was late) / F


def test_rates_by_hand(service: StatisticsService) -> None:
    rates = service.figures(period=Q2).rates
    assert rates.on_time == pytest.approx(3 / 5)
    assert rates.online == pytest.approx(3 / 5)  # F, G, M of F, G, H, M, N
    assert rates.full_online == pytest.approx(1 / 3)  # G of G, H, N
    assert rates.digitized == pytest.approx(2 / 7)
    assert rates.satisfaction == pytest.approx(3 / 5)


def test_every_dossier_figure_lists_exactly_its_dossiers(service: StatisticsService) -> None:
    expected = {
        DossierFigure.RECEIVED: {"E", "F", "G", "H", "I", "M", "N"},
        DossierFigure.DIGITIZED: {"F", "G"},
        DossierFigure.RESOLVED: {"A", "E", "F", "K", "N"},
        DossierFigure.GRANTED: {"A", "E", "F", "K", "N"},
        DossierFigure.REFUSED: set(),
        DossierFigure.EARLY: {"F", "N"},
        DossierFigure.ON_TIME: {"A"},
        DossierFigure.IN_TIME: {"A", "F", "N"},
        DossierFigure.LATE: {"E", "K"},
        DossierFigure.WITHDRAWN: {"D"},
        DossierFigure.APOLOGISED: {"E"},
        DossierFigure.CARRIED_OVER: {"A", "D", "K", "L"},
        DossierFigure.IN_PROGRESS: {"G", "H", "I", "L", "M"},
        DossierFigure.OVERDUE: {"H", "M"},
        DossierFigure.NOT_YET_DUE: {"G"},
        DossierFigure.WAITING_SUPPLEMENT: {"I", "L"},
        DossierFigure.BOUNDARY_FREE: set(),  # (every applicant lives here: tests/unit/test_fees.py has some)
        DossierFigure.TRANSFERRED_OUT: set(),
    }
    assert set(expected) == set(DossierFigure)
    for figure, wanted in expected.items():
        assert codes(service, figure) == wanted, figure
    assert codes(service, DossierFigure.IN_TIME, field=rules.LAND_FIELD) == {"A", "N"}
    assert codes(service, DossierFigure.RECEIVED, channel=Channel.DIRECT) == {"H", "I", "N"}
    assert codes(service, DossierFigure.RESOLVED, month=date(2024, 4, 1)) == {"A", "E", "F", "N"}
    # a month's "carried over" is what was open when it began
    assert codes(service, DossierFigure.CARRIED_OVER, month=date(2024, 6, 1)) == {"H", "I", "K", "L"}
    assert [line.code for line in service.dossiers(period=Q2, figure=DossierFigure.RECEIVED, limit=2)] == ["E", "F"]


def test_received_drill_down_is_a_register_filter(service: StatisticsService, built: Database) -> None:
    wanted = service.dossiers_received(period=Q2, month=date(2024, 4, 1), channel=Channel.DIRECT)
    assert (wanted.received_from, wanted.received_to, wanted.channel) == (date(2024, 4, 1), date(2024, 4, 30),
                                                                        Channel.DIRECT)
    assert {row.code for row in RegisterService(built).page(wanted).rows} == {"N"}


def test_an_earlier_cutoff_counts_to_it(service: StatisticsService) -> None:
    figures = service.figures(period=Q2, cutoff=date(2024, 5, 31))
    d = figures.dossiers
    assert figures.counted_to == date(2024, 5, 31)
    assert d.received.total == 5  # E, F, H, I, N
    assert d.resolved.total == 4  # A, E, F, N: K was resolved on 01/06
    assert d.in_progress == 4 == d.to_handle - d.resolved.total - d.withdrawn  # H, I, K, L
    assert (d.overdue, d.waiting_supplement) == (2, 2)  # H, K / I, L
    assert codes(service, DossierFigure.IN_PROGRESS, cutoff=date(2024, 5, 31)) == {"H", "I", "K", "L"}


def test_a_cutoff_before_the_period_is_refused(service: StatisticsService) -> None:
    with pytest.raises(ValidationError) as caught:
        service.figures(period=Q2, cutoff=date(2024, 3, 31))
    assert "cutoff" in caught.value.errors
    with pytest.raises(ValidationError) as caught:
        service.dossiers(period=Q2, figure=DossierFigure.RECEIVED, month=date(2024, 8, 1))
    assert "month" in caught.value.errors


def test_rates_over_nothing_are_none(db: Database) -> None:
    figures = StatisticsService(db).figures(period=Q2)
    assert figures.rates.__dict__ == dict.fromkeys(
        ("on_time", "online", "full_online", "digitized", "satisfaction"), None)
    indicators = figures.indicators()
    assert indicators["1.4.2"] is None
    assert indicators["5.4.2"] is None
    assert indicators["3.3.1"] == indicators["hs.ky_truoc"] == indicators["hs.dang_giai_quyet"] == 0
    assert indicators["1.1.1"] == 0 and figures.plan.projected_done == 0


@pytest.mark.parametrize(("due", "resolved", "expected"), [
    ("2024-04-02T17:00", "2024-04-02T17:00", Timeliness.ON_TIME),  # exactly at due_at
    ("2024-04-02T17:00", "2024-04-02T17:01", Timeliness.LATE),  # the due date, later than due_at
    ("2024-04-02T17:00", "2024-04-01T17:30", Timeliness.EARLY),  # the day before, even later in the day
    ("2024-04-02T11:30", "2024-04-02T07:30", Timeliness.ON_TIME),  # the due date, earlier
    ("2024-04-02T11:30", "2024-04-03T07:00", Timeliness.LATE),
])
def test_sql_timeliness_edges(due: str, resolved: str, expected: Timeliness) -> None:
    assert _sql_timeliness(resolved, due) is expected
    assert timeliness(datetime.fromisoformat(resolved), datetime.fromisoformat(due)) is expected


_MEMORY = sqlite3.connect(":memory:")


def _sql_timeliness(resolved: str, due: str) -> Timeliness:
    early, on_time, late = _MEMORY.execute(
        f"SELECT {queries.EARLY}, {queries.ON_TIME}, {queries.LATE}, {queries.IN_TIME}"
        " FROM (SELECT ? AS resolved_at, ? AS due_at) d", [resolved, due]).fetchone()[:3]
    assert early + on_time + late == 1
    return Timeliness.EARLY if early else Timeliness.ON_TIME if on_time else Timeliness.LATE


MINUTES = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2024, 3, 1)).map(
    lambda moment: moment.replace(second=0, microsecond=0))


@settings(max_examples=200, deadline=None)
@given(due=MINUTES, resolved=MINUTES)
def test_sql_timeliness_is_the_domain_rule(due: datetime, resolved: datetime) -> None:
    iso = "%Y-%m-%dT%H:%M"
    assert _sql_timeliness(resolved.strftime(iso), due.strftime(iso)) is timeliness(resolved, due)


# -- random dossiers against the definitions -----------------------------------------------------------------

DAY0 = datetime(2023, 1, 2, 8, 0)
DOSSIER = st.tuples(
    st.integers(0, 700),  # received, days after DAY0
    st.integers(0, 600),  # minutes after opening
    st.integers(0, 30),  # due, days after receipt
    st.sampled_from(["open", "resolved", "withdrawn"]),
    st.integers(0, 400),  # days from receipt to resolution or withdrawal (long lives included)
    st.integers(0, 600),
    st.sampled_from([c.value for c in Channel]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(DOSSIER, max_size=25), first=st.integers(0, 700), length=st.integers(0, 200),
       cut_early=st.integers(0, 60))
def test_random_dossiers_match_the_definitions(
    db: Database, rows: list[tuple[int, int, int, str, int, int, str]], first: int, length: int, cut_early: int,
) -> None:
    db.execute("DELETE FROM dossier")
    if not db.execute("SELECT count(*) FROM procedure").fetchone()[0]:
        _procedure(db, "9.999", _field(db, "Khác"))
    procedure = db.execute("SELECT id FROM procedure").fetchone()[0]
    records = []
    for n, (days, minutes, due_days, fate, life, life_minutes, channel) in enumerate(rows):
        received = DAY0 + timedelta(days=days, minutes=minutes)
        due = received + timedelta(days=due_days, hours=4)
        end = received + timedelta(days=life, minutes=life_minutes)
        iso = end.isoformat(timespec="minutes")
        add_dossier(db, f"X{n}", procedure, received.isoformat(timespec="minutes"), due.isoformat(timespec="minutes"),
                    resolved=iso if fate == "resolved" else None, withdrawn=iso if fate == "withdrawn" else None,
                    channel=channel)
        records.append((received, due, end if fate == "resolved" else None, end if fate == "withdrawn" else None,
                        channel))
    start = DAY0.date() + timedelta(days=first)
    period = parse_period(f"{start.isoformat()}:{(start + timedelta(days=length)).isoformat()}")
    cutoff = max(period.date_from, period.date_to - timedelta(days=cut_early))
    d = StatisticsService(db).figures(period=period, cutoff=cutoff).dossiers

    begin = datetime.combine(period.date_from, datetime.min.time())
    stop = datetime.combine(cutoff + timedelta(days=1), datetime.min.time())

    def open_at(moment: datetime) -> list[tuple]:
        return [r for r in records if r[0] < moment and all(t is None or t >= moment for t in (r[2], r[3]))]

    assert d.received.total == sum(begin <= r[0] < stop for r in records)
    assert d.received.direct == sum(begin <= r[0] < stop and r[4] == "direct" for r in records)
    assert d.carried_over == len(open_at(begin))
    resolved = [r for r in records if r[2] is not None and begin <= r[2] < stop]
    assert d.resolved.total == len(resolved)
    assert d.late == sum(timeliness(r[2], r[1]) is Timeliness.LATE for r in resolved)
    assert d.early == sum(timeliness(r[2], r[1]) is Timeliness.EARLY for r in resolved)
    assert d.withdrawn == sum(r[3] is not None and begin <= r[3] < stop for r in records)
    assert d.in_progress == len(open_at(stop)) == d.to_handle - d.resolved.total - d.withdrawn
    assert d.overdue == sum(r[1] < stop for r in open_at(stop))


# -- surveys -------------------------------------------------------------------------------------------------


def test_survey_figures_by_hand(service: StatisticsService) -> None:
    s = service.figures(period=Q2).surveys
    assert (s.responses, s.paper, s.online, s.kiosk) == (5, 4, 0, 1)
    assert s.satisfied == 3  # 5, 4, 4 satisfied; 3 and 2 not
    assert s.rate == pytest.approx(0.6)
    assert s.method_code == 2  # paper forms and a kiosk (electronic)
    first, second, *rest = s.criteria
    assert (first.code, first.answers, first.average) == ("1.1", 2, pytest.approx(4.5))  # not the March 1
    assert (second.code, second.answers, second.average) == ("1.2", 1, pytest.approx(3.0))
    assert len(rest) == 20 and all(c.answers == 0 and c.average is None for c in rest)
    assert first.text == "Nơi ngồi chờ có đủ chỗ ngồi"
    assert service.criterion_averages(period=Q2) == s.criteria


def test_survey_method_code() -> None:
    assert rules.survey_method_code(set()) is None
    assert rules.survey_method_code({SurveyMethod.ONLINE, SurveyMethod.KIOSK}) == 0
    assert rules.survey_method_code({SurveyMethod.KIOSK}) == 0
    assert rules.survey_method_code({SurveyMethod.PAPER}) == 1
    assert rules.survey_method_code({SurveyMethod.PAPER, SurveyMethod.ONLINE}) == 2


def test_survey_drill_down(service: StatisticsService) -> None:
    assert [row.overall for row in service.surveys(period=Q2, satisfied=False)] == [3, 2]
    assert [row.taken_on for row in service.surveys(period=Q2, method=SurveyMethod.KIOSK)] == [date(2024, 5, 3)]
    assert len(service.surveys(period=Q2, month=date(2024, 4, 1))) == 2


# -- plan, directives ------------------------------------------------------------------------------------------


def test_plan_figures_by_hand(service: StatisticsService) -> None:
    p = service.figures(period=Q2).plan
    assert p.year == 2024
    assert p.tasks == 6  # T6 cancelled is left out; the 2023 plan too
    assert p.done == 3  # T1, T3, T4; T2 was completed after the cut-off
    assert (p.in_progress, p.not_started, p.cancelled) == (2, 1, 1)  # T2, T7 / T5 / T6
    assert p.overdue == 2  # T2, T7 (deadline before the cut-off); not T4 (done on its deadline)
    assert (p.higher_level, p.higher_done_on_time, p.higher_done_late) == (3, 1, 1)  # T3..T5 / T4 / T3
    assert p.directives == 2  # 05/04 and 30/06
    assert p.projected_done == 6  # 3 done in 182 of 366 days → 6.03, at most 6


def test_plan_done_after_the_period_counts_with_a_later_cutoff(service: StatisticsService) -> None:
    p = service.figures(period=Q2, cutoff=date(2024, 7, 31)).plan
    assert p.done == 4 and p.overdue == 1  # T2 now done; T7 still overdue
    assert service.figures(period=Q2, cutoff=date(2024, 7, 31)).dossiers.received.total == 7  # period unchanged


def test_plan_by_area_and_task_lists(service: StatisticsService) -> None:
    areas = {a.area: a for a in service.plan_by_area(year=2024)}  # cut-off: today, 30/06/2024
    assert list(areas) == list(ReformArea)
    assert (areas[ReformArea.PROCEDURES].done, areas[ReformArea.PROCEDURES].in_progress,
            areas[ReformArea.PROCEDURES].overdue) == (1, 1, 1)
    assert areas[ReformArea.INSTITUTIONS].cancelled == 1 and areas[ReformArea.INSTITUTIONS].planned == 0
    assert areas[ReformArea.E_GOVERNMENT].not_started == 1
    assert areas[ReformArea.ORGANISATION].planned == 0
    assert sum(a.done for a in areas.values()) == 3
    later = {a.area: a for a in StatisticsService(service.db, clock=lambda: datetime(2024, 8, 1)).plan_by_area(
        year=2024)}
    assert later[ReformArea.PROCEDURES].done == 2
    assert [t.number for t in service.tasks(year=2024, overdue=True)] == ["T2", "T7"]
    assert [t.number for t in service.tasks(year=2024, source=TaskSource.HIGHER_LEVEL,
                                            state=TaskState.DONE)] == ["T3", "T4"]
    late = service.tasks(year=2024, cutoff=date(2024, 6, 30), area=ReformArea.PROCEDURES)
    assert [(t.number, t.state, t.on_time, t.status) for t in late] == [
        ("T2", TaskState.IN_PROGRESS, None, TaskStatus.DONE), ("T3", TaskState.DONE, False, TaskStatus.DONE)]


def test_task_rules() -> None:
    cutoff = date(2024, 6, 30)
    assert rules.task_state(TaskStatus.DONE, date(2024, 7, 1), cutoff) is TaskState.IN_PROGRESS
    assert rules.task_state(TaskStatus.DONE, cutoff, cutoff) is TaskState.DONE
    assert rules.task_overdue(TaskState.NOT_STARTED, date(2024, 6, 29), cutoff)
    assert not rules.task_overdue(TaskState.NOT_STARTED, cutoff, cutoff)
    assert rules.done_on_time(date(2024, 5, 1), None) is True
    assert rules.projected_done(10, 38, 0.5) == 20
    assert rules.projected_done(30, 38, 0.5) == 38
    assert rules.projected_done(0, 38, 0.0) is None
    assert rules.year_elapsed(2024, date(2023, 12, 31)) == 0.0
    assert rules.year_elapsed(2024, date(2024, 12, 31)) == 1.0
    assert rules.months_between(date(2024, 1, 31), date(2024, 3, 1)) == [date(2024, 1, 1), date(2024, 2, 1),
                                                                       date(2024, 3, 1)]


# -- inspections -----------------------------------------------------------------------------------------------


def test_inspection_figures_by_hand(service: StatisticsService) -> None:
    i = service.figures(period=Q2).inspections
    assert i.inspections == 3
    assert i.subjects == 2  # the desk (twice, written differently) and Trần Văn Nam
    assert i.findings == 5  # f1–f5; not January's
    assert i.findings_resolved == 2  # f1, f5; f2 was remedied after the cut-off
    assert i.findings_overdue == 1  # f2
    # the declared list: the desk and Trần Văn Nam inspected in the period, two more not
    assert (i.units_inspected, i.units_known, i.unit_share) == (2, 4, 50.0)
    assert (i.leaders_disciplined, i.officials_disciplined) == (1, 1)  # Lê Văn Minh / Trần Văn Nam
    summary = service.findings_summary(period=Q2)
    assert (summary.findings, summary.remedied, summary.open, summary.overdue) == (5, 2, 3, 1)
    assert len(service.findings(period=Q2, open_only=True)) == 3
    (overdue,) = service.findings(period=Q2, overdue_only=True)
    assert (overdue.remedy_deadline, overdue.remedied_on, overdue.remedied) == (date(2024, 6, 1), date(2024, 7, 15),
                                                                               False)


# -- the catalogue and the indicators --------------------------------------------------------------------------


def test_indicators_by_hand(service: StatisticsService) -> None:
    values = service.figures(period=Q2).indicators()
    assert values["3.3.1"] == 7 and values["3.3.1.bcci"] == 1 and values["3.3.1.truc_tuyen_toan_trinh"] == 1
    assert values["3.3.2"] == 3 and values["3.3.2.truc_tiep"] == 2 and values["3.3.2.bcci"] == 0
    assert (values["3.3.2.truoc_han"], values["3.3.2.dung_han"], values["3.3.2.tre_han"]) == (2, 1, 2)
    assert (values["hs.ky_truoc"], values["hs.dang_giai_quyet"], values["hs.qua_han"], values["hs.rut"],
            values["hs.cho_bo_sung"]) == (4, 5, 2, 1, 2)
    assert (values["hs.chua_den_han"], values["hs.tu_choi"], values["hs.co_ket_qua"]) == (1, 0, 5)
    assert (values["hs.mau_so_truc_tuyen"], values["hs.mau_so_toan_trinh"]) == (5, 3)
    assert (values["3.3.3"], values["3.3.4"], values["3.5"]) == (2, 1, 1)
    assert (values["1.1.1"], values["1.1.2"], values["1.1.3"]) == (6, 3, 2)
    assert (values["1.2.1"], values["1.2.2"], values["1.2.3"]) == (2, 5, 2)
    assert (values["1.3.1"], values["1.3.2"], values["1.3.3"]) == (3, 1, 1)
    assert (values["1.4.1"], values["1.4.2"]) == (5, 2)
    assert (values["5.4.2"], values["5.4.5"], values["5.4.6"]) == (50.0, 1, 1)
    assert (values["ks.hai_long"], values["ktra.don_vi_kiem_tra"], values["ktra.don_vi"]) == (3, 2, 4)
    # in force on 30/06: 1.001 (one-stop, online fully) and 1.002 (online partly, across levels)
    assert (values["3.1.3"], values["3.2.1"], values["3.2.2"], values["3.2.3"]) == (2, 2, 0, 1)
    assert (values["7.5.1"], values["7.5.2"]) == (1, 1)
    assert values["rate.dung_han"] == pytest.approx(0.6)


# -- the dashboard ---------------------------------------------------------------------------------------------


def test_monthly_series_by_hand(service: StatisticsService) -> None:
    series = service.monthly(period=Q2)
    april, may, june = series.months
    assert [m.month for m in series.months] == [date(2024, 4, 1), date(2024, 5, 1), date(2024, 6, 1)]
    assert (april.received.total, april.received.postal, april.resolved, april.in_time) == (3, 1, 4, 3)
    assert april.on_time_rate == pytest.approx(0.75) and april.online_rate == pytest.approx(1 / 2)  # F of F, N
    assert (may.received.total, may.resolved, may.on_time_rate) == (2, 0, None)
    assert (june.received.total, june.resolved, june.on_time_rate) == (2, 1, 0.0)  # K, late
    assert [(m.responses, m.satisfied) for m in series.months] == [(2, 2), (1, 1), (2, 0)]
    assert june.satisfaction_rate == 0.0 and may.satisfaction_rate == 1.0
    assert sum(m.received.total for m in series.months) == 7
    assert series.plan_year == 2024 and series.plan_total == 6
    assert [p.done for p in series.plan_progress] == [0, 0, 1, 1, 2, 3] + [None] * 6
    assert series.plan_progress[-1].even_pace == pytest.approx(6)
    assert series.projected_done == 6


def test_monthly_series_cut_to_the_period(service: StatisticsService) -> None:
    series = service.monthly(period=parse_period("2024-04-10:2024-05-05"))
    assert [(m.date_from, m.date_to) for m in series.months] == [
        (date(2024, 4, 10), date(2024, 4, 30)), (date(2024, 5, 1), date(2024, 5, 5))]
    assert [m.received.total for m in series.months] == [2, 1]  # F, N / H


# -- the demo database -----------------------------------------------------------------------------------------

REQUIRED_KEYS = {
    "1.1.1", "1.1.2", "1.1.3", "1.2.1", "1.2.2", "1.2.3", "1.3.1", "1.3.2", "1.3.3", "1.4.1", "1.4.2",
    "3.3.1", "3.3.1.truc_tiep", "3.3.1.bcci", "3.3.1.truc_tuyen_mot_phan", "3.3.1.truc_tuyen_toan_trinh",
    "3.3.2", "3.3.2.truc_tiep", "3.3.2.bcci", "3.3.2.truc_tuyen_mot_phan", "3.3.2.truc_tuyen_toan_trinh",
    "3.3.2.truoc_han", "3.3.2.dung_han", "3.3.2.tre_han", "3.3.3", "3.3.4", "3.5",
    "hs.ky_truoc", "hs.dang_giai_quyet", "hs.qua_han", "hs.rut", "hs.cho_bo_sung",
    "hs.da_giai_quyet", "hs.so_hoa", "ks.hai_long", "ktra.don_vi_kiem_tra", "ktra.don_vi",
    "5.4.2", "5.4.5", "5.4.6", "3.1.3", "3.2.1", "7.5.1", "7.5.2",
    "rate.dung_han", "rate.truc_tuyen", "rate.toan_trinh", "rate.so_hoa", "rate.hai_long",
}


SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


@pytest.fixture
def demo(demo_location: Path | str) -> Iterator[Database]:
    db = open_db(demo_location)
    yield db
    db.close()


def _identities(figures: Figures) -> None:
    d = figures.dossiers
    values = figures.indicators()
    assert set(values) >= REQUIRED_KEYS
    assert all(value is None or isinstance(value, int | float) for value in values.values())
    assert values["hs.phai_giai_quyet"] == d.carried_over + d.received.total
    assert values["3.3.1"] == sum(values[f"3.3.1.{k}"] for k in ("truc_tiep", "bcci", "truc_tuyen_mot_phan",
                                                                 "truc_tuyen_toan_trinh"))
    assert values["3.3.2"] == sum(values[f"3.3.2.{k}"] for k in ("truc_tiep", "bcci", "truc_tuyen_mot_phan",
                                                                 "truc_tuyen_toan_trinh"))
    assert values["3.3.2"] == values["3.3.2.truoc_han"] + values["3.3.2.dung_han"]
    assert d.resolved.total == d.early + d.on_time + d.late + d.refused
    assert values["hs.da_giai_quyet"] == values["hs.co_ket_qua"] + values["hs.tu_choi"]
    assert d.in_progress == d.to_handle - d.resolved.total - d.withdrawn
    assert d.overdue + d.not_yet_due + d.waiting_supplement == d.in_progress
    assert values["hs.mau_so_toan_trinh"] <= values["hs.mau_so_truc_tuyen"] <= values["3.3.1"]
    assert values["3.3.3"] + values["3.3.4"] <= values["3.3.2"]
    assert values["1.1.2"] <= values["1.1.1"] and values["1.3.2"] + values["1.3.3"] <= values["1.3.1"]
    assert values["1.2.3"] <= values["1.2.2"]
    for key in ("rate.dung_han", "rate.truc_tuyen", "rate.toan_trinh", "rate.so_hoa", "rate.hai_long"):
        assert values[key] is None or 0 <= values[key] <= 1


@pytest.mark.parametrize("key", ["2024", "2024-H1", "2024-Q4", "2024-06", "2024-03-15:2024-09-20"])
def test_demo_indicators_hold_together(demo: Database, key: str) -> None:
    service = StatisticsService(demo, clock=lambda: datetime(2024, 12, 31, 17, 0))
    period = parse_period(key)
    figures = service.figures(period=period)
    _identities(figures)
    d = figures.dossiers
    assert d.received.total > 0 and figures.surveys.responses > 0
    for figure, count in ((DossierFigure.RECEIVED, d.received.total), (DossierFigure.CARRIED_OVER, d.carried_over),
                          (DossierFigure.RESOLVED, d.resolved.total), (DossierFigure.LATE, d.late),
                          (DossierFigure.REFUSED, d.refused), (DossierFigure.NOT_YET_DUE, d.not_yet_due),
                          (DossierFigure.IN_TIME, d.in_time.total), (DossierFigure.IN_PROGRESS, d.in_progress),
                          (DossierFigure.OVERDUE, d.overdue), (DossierFigure.WITHDRAWN, d.withdrawn),
                          (DossierFigure.WAITING_SUPPLEMENT, d.waiting_supplement),
                          (DossierFigure.APOLOGISED, d.apologies), (DossierFigure.DIGITIZED, d.digitized)):
        assert len(service.dossiers(period=period, figure=figure)) == count, figure
    series = service.monthly(period=period)
    assert sum(m.received.total for m in series.months) == d.received.total
    assert sum(m.resolved for m in series.months) == d.granted
    assert sum(m.responses for m in series.months) == figures.surveys.responses
    assert len(service.findings(period=period)) == figures.inspections.findings


def test_demo_open_dossiers_match_a_plain_scan(demo: Database) -> None:
    """The two-part search of open dossiers (recent receipts + long-lived ones) equals the obvious query."""
    for moment in ("2024-01-01", "2024-05-17", "2024-12-31", "2025-01-01"):
        plain = demo.execute(
            "SELECT count(*) FROM dossier WHERE received_at < ? AND (resolved_at IS NULL OR resolved_at >= ?)"
            " AND (withdrawn_at IS NULL OR withdrawn_at >= ?)", [moment] * 3).fetchone()[0]
        assert queries.open_count(demo, moment=moment) == plain


@SQLITE_ONLY  # (SQLite's query plan)
def test_open_dossiers_use_the_indexes(demo: Database) -> None:
    moments = {"moment": "2024-07-01", "recent": "2024-04-02"}
    plan = " ".join(row[3] for row in demo.execute(f"EXPLAIN QUERY PLAN SELECT count(*) FROM ({queries.OPEN_AT})",
                                                   moments))
    assert "dossier_received_at" in plan and "dossier_long_lived" in plan and "SCAN d" not in plan


def test_demo_resolved_dossiers_match_a_plain_scan(demo: Database, backend: str) -> None:
    """The two-part search of resolved dossiers (recent receipts + slow ones) equals the obvious query."""
    slow = [(  # some resolved weeks or months after their receipt
        (datetime.fromisoformat(received) + timedelta(days=dossier_id % 120)).isoformat(timespec="minutes"), dossier_id)
        for dossier_id, received in demo.execute(
            "SELECT id, received_at FROM dossier WHERE id % 9 = 0 AND withdrawn_at IS NULL").fetchall()]
    demo.executemany("UPDATE dossier SET resolved_at = ?, returned_at = NULL, outcome = 'granted',"
                     " status = 'result_ready' WHERE id = ?", slow)
    not_indexed = " NOT INDEXED" if backend == "sqlite" else ""  # (a server plans the plain scan itself)
    for start, before in (("2024-01-01", "2024-07-01"), ("2024-03-15", "2024-04-01"), ("2024-10-01", "2025-03-01")):
        plain = demo.execute("SELECT count(*) FILTER (WHERE outcome IS DISTINCT FROM 'refused'), count(*) FILTER"
                             " (WHERE outcome IS DISTINCT FROM 'refused' AND resolved_at <= due_at)"
                             f" FROM dossier{not_indexed}"
                             " WHERE resolved_at >= ? AND resolved_at < ?", [start, before]).fetchone()
        assert plain[0] > 0
        assert queries.resolved_totals(demo, start=start, before=before) == tuple(plain)


@SQLITE_ONLY  # (SQLite's query plan)
def test_resolved_dossiers_use_the_indexes(demo: Database) -> None:
    sql = f"SELECT count(*) FROM ({queries._resolved_in('d.id')})"
    bounds = {"start": "2024-07-01", "before": "2024-08-01", "slow_from": "2024-06-17"}
    plan = " ".join(row[3] for row in demo.execute(f"EXPLAIN QUERY PLAN {sql}", bounds))
    assert "dossier_received_at" in plan and "dossier_resolved_slowly" in plan and "SCAN d" not in plan
