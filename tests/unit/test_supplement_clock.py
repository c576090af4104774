"""The clock stops while the citizen supplements a dossier (issue 16), and every place that counts agrees.

One month of a commune's desk, step by step through the real services: P is asked for a supplement before
the cut-off and brings it after; W is asked and never brings it; O runs late; R is refused after processing;
G is resolved on time. At each moment the report's figures (and its JSON keys), the dashboard's headline, the
desk's Việc hôm nay queues and the register's overdue filter say the same: a dossier waiting for a supplement
is in «chờ bổ sung» only — never «quá hạn», never «chưa đến hạn» — and the three parts add up to «đang giải
quyết». A cut-off's figures do not change when later events are recorded (they are read from the history).
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from cchc_desktop.domain.dossiers import EventKind
from cchc_desktop.domain.periods import parse_period
from cchc_desktop.services.catalogue import load_reference_catalogue
from cchc_desktop.services.exports import ExportService
from cchc_desktop.services.imports import ImportRejected, ImportService
from cchc_desktop.services.reception import NewDossier, ReceptionService
from cchc_desktop.services.register import RegisterFilter, RegisterService
from cchc_desktop.services.settings import SettingsService
from cchc_desktop.services.statistics import DossierFigure, StatisticsService
from cchc_desktop.services.today import TodayService
from db.connection import open_db
from tests.unit.test_import_export import row, write_csv

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
    db: Database, desk: tuple[ReceptionService, Clock], tmp_path: Path, template_db: Path,
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

    # The same dossiers exported and imported into another commune's file count the same: the export writes the
    # supplement round («Ngày yêu cầu bổ sung», «Ngày nhận bổ sung») and the import records it as the desk did.
    exported = tmp_path / "hoso.csv"
    ExportService(db).export_dossiers(exported, reason="chuyển sang máy khác")
    other = open_db(shutil.copy(template_db, tmp_path / "other.sqlite3"))
    try:
        load_reference_catalogue(other)
        SettingsService(other).update(name="UBND xã Hoằng Hợp", code="000.21.31.H56", signer_name="Lê Văn Minh")
        assert ImportService(other, clock=clock).import_dossiers(exported).inserted == 5
        imported = StatisticsService(other, clock=clock)
        for cutoff in (date(2024, 6, 4), date(2024, 6, 7), date(2024, 6, 11), date(2024, 6, 30)):
            assert imported.figures(period=JUNE, cutoff=cutoff).indicators() == \
                statistics.figures(period=JUNE, cutoff=cutoff).indicators(), cutoff
        assert counted(other, clock, date(2024, 6, 11)) == tuesday
    finally:
        other.close()


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


def test_an_import_checks_the_supplement_round_and_writes_nothing_when_wrong(
    db: Database, desk: tuple[ReceptionService, Clock], tmp_path: Path,
) -> None:
    _reception, clock = desk
    clock.now = datetime(2024, 6, 20, 9, 0)
    service = ImportService(db, clock=clock)
    wrong = write_csv(tmp_path / "sai.csv", [
        row(status="", supplement_received_at="05/06/2024"),  # no request
        row(status="", supplement_requested_at="06/06/2024", supplement_received_at="05/06/2024"),
        row(status="Đang giải quyết", supplement_requested_at="04/06/2024"),  # asked, not back, yet running
        row(status="Chờ bổ sung", supplement_requested_at="04/06/2024", supplement_received_at="06/06/2024"),
        row(status="Đã có kết quả", resolved_at="04/06/2024 10:00", supplement_requested_at="04/06/2024 14:00"),
        row(status="", supplement_requested_at="01/06/2024"),  # before the receipt
    ])
    with pytest.raises(ImportRejected) as caught:
        service.import_dossiers(wrong)
    assert [str(problem) for problem in caught.value.problems] == [
        "Dòng 2, cột «Ngày nhận bổ sung»: có ngày nhận bổ sung mà không có ngày yêu cầu bổ sung.",
        "Dòng 3, cột «Ngày nhận bổ sung»: ngày nhận bổ sung trước ngày yêu cầu bổ sung.",
        "Dòng 4, cột «Trạng thái»: hồ sơ đã yêu cầu bổ sung mà chưa có ngày nhận bổ sung thì trạng thái là «Chờ bổ "
        "sung», không phải «Đang giải quyết».",
        "Dòng 5, cột «Ngày nhận bổ sung»: hồ sơ «Chờ bổ sung» chưa nhận hồ sơ bổ sung nhưng có ngày nhận bổ sung.",
        "Dòng 6, cột «Ngày có kết quả»: ngày có kết quả trước ngày yêu cầu hoặc nhận bổ sung.",
        "Dòng 7, cột «Ngày yêu cầu bổ sung»: ngày yêu cầu bổ sung trước ngày tiếp nhận.",
    ]
    assert db.execute("SELECT count(*) FROM dossier").fetchone()[0] == 0

    # Right: asked only (the status follows: waiting), and a round complete without an appointment in the file
    # (moved as the desk moves it: restart, three working days from the receipt of the supplement).
    good = write_csv(tmp_path / "dung.csv", [
        row(code="A-1", status="", supplement_requested_at="04/06/2024 10:00"),
        row(code="A-2", status="", supplement_requested_at="04/06/2024 10:00",
            supplement_received_at="10/06/2024 14:00"),
    ])
    assert service.import_dossiers(good).inserted == 2
    waiting = db.execute("SELECT status, due_at FROM dossier WHERE code = 'A-1'").fetchone()
    back = db.execute("SELECT status, due_at FROM dossier WHERE code = 'A-2'").fetchone()
    assert waiting[0] == "waiting_supplement" and back == ("in_progress", "2024-06-13T17:00")
    events = db.execute("SELECT kind, at, due_before, due_after FROM dossier_event e JOIN dossier d ON d.id ="
                        " e.dossier_id WHERE d.code = 'A-2' AND kind LIKE 'supplement%' ORDER BY at").fetchall()
    assert events == [("supplement_requested", "2024-06-04T10:00", waiting[1], waiting[1]),
                      ("supplement_received", "2024-06-10T14:00", waiting[1], "2024-06-13T17:00")]


PAUSE_TEN_DAYS = "1.001776"  # trợ cấp xã hội hằng tháng: 10 working days, the clock pauses on supplement


def test_every_position_of_a_supplement_round_around_the_cutoff(
    db: Database, desk: tuple[ReceptionService, Clock],
) -> None:
    """Restart and pause procedures; the round asked and brought back before the cut-off (a), asked before and
    brought after (b), asked before and never brought (c), asked after (d), none (e). At the cut-off the report,
    the dashboard, Việc hôm nay and the register agree, and each dossier is where the rule puts it."""
    reception, clock = desk
    codes: dict[str, str] = {}
    for n, (rule, procedure) in enumerate((("restart", THREE_DAYS), ("pause", PAUSE_TEN_DAYS))):
        for m, position in enumerate("abcde"):
            clock.now = datetime(2024, 6, 3, 8, 10 * n + m)
            name = f"{rule}-{position}"
            codes[name] = reception.register(NewDossier(procedure_code=procedure, applicant_name=name)).code
            reception.transition(codes[name], EventKind.TRANSFERRED)

    def step(at: datetime, event: EventKind, positions: str) -> None:
        clock.now = at
        for rule in ("restart", "pause"):
            for position in positions:
                reception.transition(codes[f"{rule}-{position}"], event,
                                     reason="Bản sao giấy tờ" if event is EventKind.SUPPLEMENT_REQUESTED else "")

    step(datetime(2024, 6, 5, 10, 0), EventKind.SUPPLEMENT_REQUESTED, "abc")
    step(datetime(2024, 6, 12, 10, 0), EventKind.SUPPLEMENT_RECEIVED, "a")
    cutoff = date(2024, 6, 14)  # a Friday
    clock.now = datetime(2024, 6, 14, 17, 30)
    statistics = StatisticsService(db, clock=clock)

    def listed(figure: DossierFigure) -> set[str]:
        found = {line.code for line in statistics.dossiers(period=JUNE, cutoff=cutoff, figure=figure)}
        return {name for name, code in codes.items() if code in found}

    expected = {
        DossierFigure.OVERDUE: {"restart-d", "restart-e"},  # due 06/06, clock running
        DossierFigure.WAITING_SUPPLEMENT: {"restart-b", "restart-c", "pause-b", "pause-c"},
        DossierFigure.NOT_YET_DUE: {"restart-a", "pause-a", "pause-d", "pause-e"},  # moved on return / due 17/06
    }
    assert {figure: listed(figure) for figure in expected} == expected
    at_cutoff = counted(db, clock, cutoff)
    assert at_cutoff["report"] == (10, 2, 4, 4)
    assert (at_cutoff["dashboard overdue"], at_cutoff["today overdue"], at_cutoff["register overdue"]) == (2, 2, 2)
    assert at_cutoff["today waiting"] == 4

    # what comes after the cut-off does not change it
    step(datetime(2024, 6, 17, 10, 0), EventKind.SUPPLEMENT_RECEIVED, "b")
    step(datetime(2024, 6, 17, 10, 30), EventKind.SUPPLEMENT_REQUESTED, "d")
    clock.now = datetime(2024, 6, 18, 9, 0)
    assert {figure: listed(figure) for figure in expected} == expected
    # the pause procedure's return moved its appointment by what was left at the request, not by a new limit
    back = reception.get(codes["pause-a"]).dossier.due_at
    restarted = reception.get(codes["restart-a"]).dossier.due_at
    assert back > datetime(2024, 6, 17, 17, 0) and restarted < back
