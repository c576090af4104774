"""The clock stops while the citizen supplements a dossier (issue 16), and every place that counts agrees.

One month of a commune's desk, step by step through the real services: P is asked for a supplement before
the cut-off and brings it after; W is asked and never brings it; O runs late; R is refused after processing;
G is resolved on time. At each moment the report's figures (and its JSON keys), the dashboard's headline, the
desk's Việc hôm nay queues and the register's overdue filter say the same: a dossier waiting for a supplement
is in «chờ bổ sung» only — never «quá hạn», never «chưa đến hạn» — and the three parts add up to «đang giải
quyết». A cut-off's figures do not change when later events are recorded (they are read from the history).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlite_utils import Database

from cchc_desktop.domain.dossiers import EventKind
from cchc_desktop.domain.periods import parse_period
from cchc_desktop.services.catalogue import load_reference_catalogue
from cchc_desktop.services.reception import NewDossier, ReceptionService
from cchc_desktop.services.register import RegisterFilter, RegisterService
from cchc_desktop.services.settings import SettingsService
from cchc_desktop.services.statistics import DossierFigure, StatisticsService
from cchc_desktop.services.today import TodayService

THREE_DAYS = "1.004873"  # Giấy xác nhận tình trạng hôn nhân: 3 working days, restart on supplement
JUNE = parse_period("2024-06")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2024, 6, 3, 8, 0)

    def __call__(self) -> datetime:
        return self.now


def counted(db: Database, clock: Clock, cutoff: date) -> dict[str, object]:
    """What each place says at ``cutoff`` (the report, the dashboard) and at the clock's now (the desk)."""
    statistics = StatisticsService(db, clock=clock)
    values = statistics.figures(period=JUNE, cutoff=cutoff).indicators()
    today = {queue.key: queue.count for queue in TodayService(db, clock=clock).queues()}
    return {
        "report": (values["hs.dang_giai_quyet"], values["hs.qua_han"], values["hs.chua_den_han"],
                   values["hs.cho_bo_sung"]),
        "dashboard overdue": statistics.key_figures(period=JUNE, cutoff=cutoff).overdue,
        "today overdue": today["overdue"],
        "today waiting": today["waiting_supplement"],
        "register overdue": RegisterService(db, clock=clock).count(RegisterFilter(overdue=True)),
        "resolved": (values["hs.da_giai_quyet"], values["hs.co_ket_qua"], values["hs.tu_choi"], values["3.3.2"]),
        "rate.dung_han": values["rate.dung_han"],
    }


@pytest.fixture
def desk(db: Database) -> tuple[ReceptionService, Clock]:
    load_reference_catalogue(db)
    SettingsService(db).update(name="UBND xã Hoằng Hợp", code="000.21.31.H56", signer_name="Lê Văn Minh")
    clock = Clock()
    return ReceptionService(db, clock=clock), clock


def test_waiting_for_a_supplement_is_neither_overdue_nor_due_everywhere(
    db: Database, desk: tuple[ReceptionService, Clock],
) -> None:
    reception, clock = desk
    codes = {}
    for name, minute in (("P", 0), ("W", 5), ("O", 10), ("R", 15), ("G", 20)):
        clock.now = datetime(2024, 6, 3, 8, minute)
        codes[name] = reception.register(NewDossier(procedure_code=THREE_DAYS, applicant_name=f"Người nộp {name}")).code
        reception.transition(codes[name], EventKind.TRANSFERRED)
    due = reception.get(codes["O"]).dossier.due_at
    assert due < datetime(2024, 6, 7, 0, 0)  # three working days from Monday: due on Thursday

    clock.now = datetime(2024, 6, 4, 10, 0)
    for name in ("P", "W"):
        reception.transition(codes[name], EventKind.SUPPLEMENT_REQUESTED, reason="Bản sao giấy khai sinh")
    clock.now = datetime(2024, 6, 5, 9, 0)
    reception.transition(codes["R"], EventKind.REFUSED, reason="Không đủ điều kiện theo quy định")
    reception.transition(codes["G"], EventKind.RESULT_READY)

    # Friday evening: P and W wait (clock stopped), O is late; R refused and G granted on time.
    clock.now = datetime(2024, 6, 7, 17, 30)
    friday = counted(db, clock, date(2024, 6, 7))
    assert friday == {
        "report": (3, 1, 0, 2),  # in progress P, W, O: overdue O, waiting P and W, none not yet due
        "dashboard overdue": 1, "today overdue": 1, "today waiting": 2, "register overdue": 1,
        # resolved R and G; only G has a result, and it alone is judged on time: the refusal has no timeliness
        "resolved": (2, 1, 1, 1),
        "rate.dung_han": 1.0,
    }

    # P brings the supplement on Monday: its clock restarts (three working days from then).
    clock.now = datetime(2024, 6, 10, 14, 0)
    back = reception.transition(codes["P"], EventKind.SUPPLEMENT_RECEIVED)
    assert back.due_at > clock.now
    clock.now = datetime(2024, 6, 11, 17, 30)
    tuesday = counted(db, clock, date(2024, 6, 11))
    assert tuesday["report"] == (3, 1, 1, 1)  # O overdue, P running and not yet due, W still waiting
    assert (tuesday["dashboard overdue"], tuesday["today overdue"], tuesday["register overdue"]) == (1, 1, 1)
    assert tuesday["today waiting"] == 1

    # Friday's figures, counted again after Monday's receipt, are Friday's: read from the history, P was waiting
    # then (not overdue by the appointment its return replaced, nor running by the new one).
    statistics = StatisticsService(db, clock=clock)
    again = statistics.figures(period=JUNE, cutoff=date(2024, 6, 7)).indicators()
    assert (again["hs.dang_giai_quyet"], again["hs.qua_han"], again["hs.chua_den_han"], again["hs.cho_bo_sung"]) \
        == friday["report"]
    codes_waiting = {line.code for line in statistics.dossiers(period=JUNE, cutoff=date(2024, 6, 7),
                                                                 figure=DossierFigure.WAITING_SUPPLEMENT)}
    assert codes_waiting == {codes["P"], codes["W"]}


def test_a_refusal_alone_leaves_the_on_time_rate_empty_not_zero(
    db: Database, desk: tuple[ReceptionService, Clock],
) -> None:
    reception, clock = desk
    code = reception.register(NewDossier(procedure_code=THREE_DAYS, applicant_name="Trần Văn Bình")).code
    reception.transition(code, EventKind.TRANSFERRED)
    clock.now = datetime(2024, 6, 20, 9, 0)  # weeks after the appointment: refused late, still no "late" dossier
    reception.transition(code, EventKind.REFUSED, reason="Không đủ điều kiện")
    values = StatisticsService(db, clock=clock).figures(period=JUNE, cutoff=date(2024, 6, 30)).indicators()
    assert (values["hs.da_giai_quyet"], values["hs.tu_choi"], values["hs.co_ket_qua"]) == (1, 1, 0)
    assert (values["3.3.2"], values["3.3.2.tre_han"]) == (0, 0)
    assert values["rate.dung_han"] is None  # nothing resolved with a result: no rate, rather than 0 %
