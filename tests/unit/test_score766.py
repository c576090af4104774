"""The commune's Quyết định 766 score (issue 21) on hand-built records whose points are worked out here by hand,
group by group: an empty period (no division by zero, «—»), the change from the period before, the suggestions'
ranking and points, the records behind them, the data file's checks, and ``cchc score`` in text and JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from cchc_desktop.domain import score766 as domain
from cchc_desktop.domain.periods import parse_period
from cchc_desktop.domain.score766 import Basis, Ratio, SchemeInvalid
from cchc_desktop.services.score766 import DUE_SOON, Score766Service, as_text
from cchc_desktop.services.statistics import StatisticsService
from cchc_desktop.text import fold
from db.connection import open_db
from db.queries import inserted_id

pytestmark = pytest.mark.backends

Q2 = parse_period("2025-Q2")  # 01/04/2025 – 30/06/2025
AFTER = datetime(2025, 7, 15, 9, 0)  # the quarter is over: counted to 30/06
ROOT = Path(__file__).resolve().parents[2]


# -- hand-built records ----------------------------------------------------------------------------------------


def _procedure(db: Database, code: str, field_id: int, *, online: str | None = None, fee: str | None = None,
               amount: int | None = None, pay_online: int = 0, checklist: bool = False, active: int = 1) -> int:
    procedure_id = inserted_id(
        db, "INSERT INTO procedure (code, name, name_folded, field_id, time_limit, time_limit_unit, online_level, fee,"
        " fee_amount, online_payment, active) VALUES (?, ?, ?, ?, 3, 'working_days', ?, ?, ?, ?, ?)",
        [code, f"Thủ tục {code}", f"thu tuc {code}", field_id, online, fee, amount, pay_online, active])
    if checklist:
        db.execute("INSERT INTO procedure_document (procedure_id, position, name) VALUES (?, 1, 'Tờ khai')",
                   [procedure_id])
    return procedure_id


def _dossier(db: Database, code: str, procedure_id: int, received: str, due: str, *, resolved: str | None = None,
             channel: str = "direct", status: str | None = None, outcome: str | None = None, digitized: int = 0,
             result_digitized: int = 0, fee: str | None = None) -> int:
    status = status or ("returned" if resolved else "in_progress")
    return inserted_id(
        db, "INSERT INTO dossier (code, procedure_id, applicant_name, applicant_folded, channel, received_at, due_at,"
        " resolved_at, returned_at, outcome, status, digitized, result_digitized, fee_method, fee_paid,"
        " fee_exempt_reason) VALUES (?, ?, 'Nguyễn Văn Ấn', 'nguyen van an', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [code, procedure_id, channel, received, due, resolved, resolved if status == "returned" else None, outcome,
         status, digitized, result_digitized, fee, 0 if fee == "exempt" else (10000 if fee else None),
         "Hộ nghèo" if fee == "exempt" else None])


def _survey(db: Database, taken_on: str, overall: int) -> None:
    db.execute("INSERT INTO survey (taken_on, method, overall) VALUES (?, 'paper', ?)", [taken_on, overall])


@pytest.fixture
def built(db: Database) -> Database:
    """The commune of these tests; each record's part in the score of 2025-Q2 (and of Q1) beside it."""
    civil = inserted_id(db, "INSERT INTO field (name, name_folded) VALUES (?, ?)", ["Hộ tịch", fold("Hộ tịch")])
    # In force: P1–P4 (P5 inactive). Complete (checklist and fee stated): P1, P2, P4. Online: P1, P2.
    # With a fee (fee_amount > 0): P1, P2; payable online: P1.
    p1 = _procedure(db, "1.001", civil, online="full", fee="50.000 đồng", amount=50000, pay_online=1, checklist=True)
    p2 = _procedure(db, "1.002", civil, online="partial", amount=10000, checklist=True)
    p3 = _procedure(db, "1.003", civil)
    p4 = _procedure(db, "1.004", civil, amount=0, checklist=True)
    _procedure(db, "1.005", civil, online="full", amount=20000, pay_online=1, checklist=True, active=0)

    # received in Q2 (10): D1–D10
    _dossier(db, "D1", p1, "2025-04-01T08:00", "2025-04-03T17:00", resolved="2025-04-02T10:00", channel="online_full",
             digitized=1, result_digitized=1, fee="online")  # early
    _dossier(db, "D2", p1, "2025-04-10T08:00", "2025-04-15T17:00", resolved="2025-04-15T16:00",
             channel="online_partial", digitized=1, fee="online")  # on time
    _dossier(db, "D3", p2, "2025-05-05T08:00", "2025-05-08T17:00", resolved="2025-05-09T09:00", digitized=1,
             result_digitized=1, fee="desk")  # late
    _dossier(db, "D4", p2, "2025-05-20T08:00", "2025-05-23T17:00", resolved="2025-05-22T10:00", fee="desk")  # early
    _dossier(db, "D5", p3, "2025-06-02T08:00", "2025-06-05T17:00", resolved="2025-06-05T10:00")  # on time
    _dossier(db, "D6", p4, "2025-06-10T08:00", "2025-06-13T17:00", resolved="2025-06-12T10:00", channel="postal",
             status="refused", outcome="refused", digitized=1)  # refused: no timeliness, no result
    _dossier(db, "D7", p3, "2025-06-20T08:00", "2025-06-25T17:00")  # open at the cut-off, overdue
    _dossier(db, "D8", p3, "2025-06-27T08:00", "2025-07-03T17:00", digitized=1, fee="exempt")  # open, not yet due
    d9 = _dossier(db, "D9", p4, "2025-06-28T08:00", "2025-07-02T17:00", status="waiting_supplement")  # clock stopped
    db.execute("INSERT INTO dossier_event (dossier_id, kind, at) VALUES (?, 'supplement_requested', ?)",
               [d9, "2025-06-29T09:00"])
    _dossier(db, "D10", p1, "2025-06-30T20:00", "2025-07-04T17:00", channel="online_full", digitized=1,
             fee="online")  # open, not yet due
    # received in Q1: D11 (open at Q1's end, not yet due; resolved early in Q2), D12 (resolved on time in Q1)
    _dossier(db, "D11", p4, "2025-03-25T08:00", "2025-04-02T17:00", resolved="2025-04-01T10:00", digitized=1,
             result_digitized=1)
    _dossier(db, "D12", p3, "2025-03-01T08:00", "2025-03-05T17:00", resolved="2025-03-05T10:00", digitized=1,
             result_digitized=1)
    for day, overall in [("2025-04-02", 5), ("2025-04-20", 4), ("2025-05-03", 5), ("2025-05-10", 4),
                         ("2025-05-28", 3), ("2025-06-01", 5), ("2025-06-07", 4), ("2025-06-12", 2),
                         ("2025-06-20", 5), ("2025-06-30", 4)]:  # Q2: 10 responses, 8 satisfied
        _survey(db, day, overall)
    _survey(db, "2025-02-10", 5)  # Q1: 2 responses, both satisfied
    _survey(db, "2025-03-10", 4)
    return db


def service(db: Database, now: datetime = AFTER) -> Score766Service:
    return Score766Service(db, clock=lambda: now)


def points(view, group: str) -> float | None:
    return view.score.group(group).points


# -- the score, group by group -----------------------------------------------------------------------------------


def test_every_group_on_hand_computed_records(built: Database) -> None:
    view = service(built).build(Q2)
    m = view.measures
    assert view.cutoff == date(2025, 6, 30)

    # Công khai, minh bạch: only «công khai đầy đủ» is computed: P1, P2, P4 of the 4 in force → 3/4, linear:
    # 2 × 0,75 = 1,5 (the others «—»: they are not left at 0).
    assert m["catalogue_complete"] == Ratio(3, 4)
    publicity = view.score.group("cong_khai")
    assert publicity.points == pytest.approx(1.5) and publicity.computable == 2
    assert [i.points for i in publicity.indicators] == [None, None, pytest.approx(1.5), None]

    # Tiến độ: resolved with a result in Q2: D1 early, D2 on time, D3 late, D4 early, D5 on time, D11 early (6, of
    # which 5 in time; the refusal D6 left out); open at the end of 30/06: D7 overdue, D8 and D10 not yet due, D9
    # waiting (clock stopped: within time) → (5 + 4 − 1) / (6 + 4) = 8/10 → 20 × 0,8 = 16.
    assert m["on_time"] == Ratio(8, 10)
    assert points(view, "tien_do") == pytest.approx(16.0)
    figures = StatisticsService(built, clock=lambda: AFTER).figures(period=Q2)  # the report's own counts
    assert figures.dossiers.in_time.total == 5 and figures.dossiers.granted == 6
    assert figures.dossiers.in_progress == 4 and figures.dossiers.overdue == 1

    # Dịch vụ công trực tuyến: procedures online 2/4 = 50% of the 80% for full points → 2 × 0,625 = 1,25; online
    # procedures used in Q2: P1 only (D1, D2, D10) → 1/2 → 4 × 0,5 = 2; dossiers online 3/10 = 30% of the 50% →
    # 6 × 0,6 = 3,6. Group: 6,85/12.
    assert (m["procedures_online"], m["online_procedures_used"], m["dossiers_online"]) == (
        Ratio(2, 4), Ratio(1, 2), Ratio(3, 10))
    assert points(view, "truc_tuyen") == pytest.approx(1.25 + 2.0 + 3.6)

    # Thanh toán trực tuyến: paid online D1, D2, D10 of the 5 with a payment (D3, D4 at the desk; D8 exempted is no
    # payment) → 3/5 → 6 × 0,6 = 3,6; fee procedures (P1, P2) with an online payment in Q2: P1 → 1/2 = 50% of the
    # 80% → 2 × 0,625 = 1,25; fee procedures payable online: P1 → 1,25. Group: 6,1/10.
    assert (m["dossiers_paid_online"], m["fee_procedures_paid_online"], m["fee_procedures_offering"]) == (
        Ratio(3, 5), Ratio(1, 2), Ratio(1, 2))
    assert points(view, "thanh_toan") == pytest.approx(3.6 + 1.25 + 1.25)

    # Mức độ hài lòng: only dossier satisfaction (PAKN «—»): 8 of 10 responses satisfied = 80% of the 90% for full
    # points → 6 × 0,8 / 0,9 = 5,333…; out of 6.
    assert m["satisfaction"] == Ratio(8, 10)
    satisfaction = view.score.group("hai_long")
    assert satisfaction.points == pytest.approx(6 * 0.8 / 0.9) and satisfaction.computable == 6

    # Số hóa hồ sơ: results digitised D1, D3, D11 of the 6 resolved with a result → 6 × 0,5 = 3; dossiers digitised
    # D1, D2, D3, D6, D8, D10 of the 10 received → 4 × 0,6 = 2,4. Group: 5,4/10 (12 of its 22 points «—»).
    assert (m["results_digitized"], m["dossiers_digitized"]) == (Ratio(3, 6), Ratio(6, 10))
    digitisation = view.score.group("so_hoa")
    assert digitisation.points == pytest.approx(5.4) and digitisation.computable == 10

    # Total: 1,5 + 16 + 6,85 + 6,1 + 5,333 + 5,4 = 41,183 of the 60 points computed; on 100: 68,64.
    total = 1.5 + 16 + 6.85 + 6.1 + 6 * 0.8 / 0.9 + 5.4
    assert view.score.points == pytest.approx(total) and view.score.computable == 60
    assert view.score.on_100 == pytest.approx(100 * total / 60)
    assert not view.score.complete


def test_the_change_from_the_quarter_before(built: Database) -> None:
    """Q1: D12 resolved on time, D11 open and not yet due at 31/03 → 20; no dossier online → 0/6 and no procedure
    used online → 0/4; no fee paid → the two payment ratios «—» (only «payable online» 1,25/2); satisfaction 2/2
    → 6; D12's result and both dossiers digitised → 6 + 4. Total 1,5 + 20 + 1,25 + 1,25 + 6 + 10 = 40 of 52."""
    view = service(built).build(Q2)
    before = view.previous_score
    assert view.previous is not None and view.previous.key == "2025-Q1" and before is not None
    assert before.points == pytest.approx(40.0) and before.computable == 52
    assert view.previous_score.group("thanh_toan").computable == 2
    # 60 points computable now, 52 then: the totals are compared on 100.
    assert view.change_on_100
    assert view.change == pytest.approx(100 * view.score.points / 60 - 100 * 40 / 52)
    assert view.group_change("tien_do") == pytest.approx(16 - 20)
    assert view.group_change("truc_tuyen") == pytest.approx(6.85 - 1.25)
    assert view.group_change("so_hoa") == pytest.approx(5.4 - 10)
    assert view.group_change("cong_khai") == pytest.approx(0)
    assert view.group_change("thanh_toan") is None  # 10 points computable now, 2 then


def test_the_period_before_counted_on_another_thread_is_the_same(built_path: Path, built: Database) -> None:
    from cchc_desktop.office import open_office

    alone = service(built).build(Q2)
    with open_office(built_path, clock=lambda: AFTER) as office:  # the office's: with a reader for the other thread
        assert office.score766.reader is not None
        together = office.score766.build(Q2)
    assert together.previous_score == alone.previous_score and together.measures == alone.measures
    assert together.suggestions == alone.suggestions


def test_an_empty_period_says_nothing_and_divides_by_nothing(built: Database) -> None:
    view = service(built).build(parse_period("2024-Q2"))
    assert all(ratio == Ratio(0, 0) for ratio in view.measures.values())  # not even the catalogue's
    assert all(i.points is None and i.rate is None for g in view.score.groups for i in g.indicators)
    assert all(g.points is None for g in view.score.groups)
    assert view.score.points is None and view.score.on_100 is None and view.change is None
    assert view.suggestions == ()
    text = as_text(view)
    assert "Tổng điểm: — Chưa tính được chỉ tiêu nào" in text
    assert "chưa có hồ sơ để tính trong kỳ" in text
    found = service(built).as_json(view)
    assert found["points"] is None and found["on_100"] is None and found["change"] is None
    assert found["groups"][1]["indicators"][0]["rate"] is None


def test_a_period_of_surveys_only_scores_satisfaction_alone() -> None:
    scheme = domain.default()
    found = domain.score(scheme, {"satisfaction": Ratio(9, 10), "on_time": Ratio(0, 0)})
    assert found.points == pytest.approx(6.0) and found.computable == 6 and found.on_100 == pytest.approx(100)
    assert found.group("tien_do").points is None


# -- what would raise it -------------------------------------------------------------------------------------------


def test_the_suggestions_are_ranked_by_the_points_they_gain(built: Database) -> None:
    view = service(built).build(Q2)
    # Each gain by hand, from the ratios above:
    #  results: 3 more of 6 → 6 × 3/6 = +3,0          online dossiers: 2 more (5/10 = 50%) → 6 − 3,6 = +2,4
    #  paid at the desk: 2 of 5 → 6 × 2/5 = +2,4       online procedures unused: P2 → 4 × 1/2 = +2,0
    #  dossiers digitised: 4 more of 10 → 4 × 0,4 = +1,6
    #  fee procedures payable online / paid online / procedures online: 1, 1 and 2 more (80%) → 2 − 1,25 = +0,75
    #  catalogue: P3 completed → 2 × 1/4 = +0,5
    expected = [
        ("results_not_digitized", 3, 3.0, "Số hóa 3 kết quả giải quyết còn thiếu: +3,0 điểm"),
        ("could_be_online", 2, 2.4, "Hướng dẫn nộp trực tuyến thêm 2 hồ sơ (thay cho nộp trực tiếp): +2,4 điểm"),
        ("paid_at_desk", 2, 2.4, "2 hồ sơ nộp phí tại quầy, nếu thanh toán trực tuyến: +2,4 điểm"),
        ("online_unused", 1, 2.0, "1 thủ tục có dịch vụ công trực tuyến chưa có hồ sơ nộp trực tuyến trong kỳ, mỗi "
                                  "thủ tục có một hồ sơ: +2,0 điểm"),
        ("not_digitized", 4, 1.6, "Số hóa 4 hồ sơ tiếp nhận chưa số hóa: +1,6 điểm"),
        ("fee_not_offered", 1, 0.75, "Cung cấp thanh toán trực tuyến thêm 1 thủ tục có phí: +0,8 điểm"),
        ("fee_not_paid_online", 1, 0.75, "Thêm 1 thủ tục có phí có hồ sơ thanh toán trực tuyến: +0,8 điểm"),
        ("not_online", 2, 0.75, "Cung cấp dịch vụ công trực tuyến thêm 2 thủ tục: +0,8 điểm"),
        ("catalogue_incomplete", 1, 0.5, "Bổ sung thành phần hồ sơ, phí, lệ phí cho 1 thủ tục trong danh mục: "
                                         "+0,5 điểm"),
    ]
    assert [(s.key, s.count, s.text) for s in view.suggestions] == [(k, n, t) for k, n, _p, t in expected]
    assert [s.points for s in view.suggestions] == pytest.approx([p for _k, _n, p, _t in expected])
    assert not any(s.keep for s in view.suggestions)  # a past quarter: nothing is due any more

    # Doing what the first says moves the total by exactly that much.
    after = domain.score(view.score.scheme, {**view.measures, "results_digitized": Ratio(6, 6)})
    assert after.points - view.score.points == pytest.approx(3.0)


def test_the_records_behind_the_suggestions(built: Database) -> None:
    scores = service(built)
    view = scores.build(Q2)
    results = scores.records(view, "results_not_digitized")
    assert [row[0] for row in results.rows] == ["D2", "D4", "D5"]  # D6 refused: no result to digitise
    assert [row[0] for row in scores.records(view, "not_digitized").rows] == ["D4", "D5", "D7", "D9"]
    assert [row[0] for row in scores.records(view, "could_be_online").rows] == ["D3", "D4"]  # P2 online, filed direct
    assert [row[0] for row in scores.records(view, "paid_at_desk").rows] == ["D3", "D4"]
    assert [row[0] for row in scores.records(view, "online_unused").rows] == ["1.002"]
    assert [row[0] for row in scores.records(view, "not_online").rows] == ["1.003", "1.004"]
    assert [row[0] for row in scores.records(view, "fee_not_offered").rows] == ["1.002"]
    assert [row[0] for row in scores.records(view, "fee_not_paid_online").rows] == ["1.002"]
    catalogue = scores.records(view, "catalogue_incomplete")
    assert catalogue.title == "Thủ tục chưa đủ thành phần hồ sơ hoặc phí, lệ phí trong danh mục"
    assert catalogue.rows == (("1.003", "Thủ tục 1.003", "Hộ tịch", "", "", "Không"),)
    assert all("Nguyễn" not in cell for row in results.rows for cell in row)  # no applicant's data


def test_dossiers_due_soon_in_a_running_period(built: Database) -> None:
    """Monday 23/06/2025, 09:00: counted to today's end. D13 is due at 17:00 today (at today's end it counts as
    overdue: resolved on time it is within time), D7 on Wednesday 25/06; D9 waits for a supplement (its clock is
    stopped), D8 and D10 are due after the window (three working days: to Thursday 26/06)."""
    p3 = built.execute("SELECT id FROM procedure WHERE code = '1.003'").fetchone()[0]
    _dossier(built, "D13", p3, "2025-06-20T09:00", "2025-06-23T17:00")
    monday = datetime(2025, 6, 23, 9, 0)
    scores = service(built, monday)
    view = scores.build(Q2)
    assert view.cutoff == date(2025, 6, 23)
    # Resolved by today: D1, D2, D3, D4, D5, D11 (5 in time of 6); open at today's end: D7 (not yet due), D13
    # (overdue) — D8, D9, D10 are not received yet → (5 + 2 − 1) / (6 + 2) = 6/8.
    assert view.measures["on_time"] == Ratio(6, 8)
    soon = view.suggestion(DUE_SOON)
    # All on time: 7/8 → 17,5; all late: 5/8 → 12,5: 5 points at stake.
    assert soon.keep and soon.count == 2 and soon.points == pytest.approx(5.0)
    assert soon.text == "2 hồ sơ đến hạn từ nay đến hết thứ Năm 26/06: giải quyết đúng hạn để giữ 5,0 điểm"
    assert view.suggestions[0] is soon  # the most points
    records = scores.records(view, DUE_SOON)
    assert [row[0] for row in records.rows] == ["D13", "D7"]  # by appointment
    assert records.register_filter is not None and records.register_filter.due_from == monday


def test_an_indicator_without_records_is_left_out_not_zero() -> None:
    scheme = domain.default()
    measures = {"on_time": Ratio(9, 10), "dossiers_digitized": Ratio(0, 0)}
    found = domain.score(scheme, measures)
    assert found.group("so_hoa").points is None  # «—», not 0/4
    assert found.points == pytest.approx(18.0) and found.computable == 20
    assert domain.gain(scheme, measures, "on_time", Ratio(10, 10)) == pytest.approx(2.0)


# -- the data file ---------------------------------------------------------------------------------------------


def test_the_weights_are_data_and_add_up() -> None:
    scheme = domain.default()
    assert [(g.key, g.points) for g in scheme.groups] == [
        ("cong_khai", 18), ("tien_do", 20), ("truc_tuyen", 12), ("thanh_toan", 10), ("hai_long", 18), ("so_hoa", 22)]
    for group in scheme.groups:
        assert sum(i.points for i in group.indicators) == group.points
    measured = {i.measure for g in scheme.groups for i in g.indicators if i.measure}
    assert measured == set(domain.MEASURES)  # every ratio counted feeds an indicator
    assert all(i.basis in (Basis.UNAVAILABLE, Basis.PROVINCE) for i in scheme.group("cong_khai").indicators
               if i.key != "cong_khai_day_du")


def test_a_wrong_score_file_lists_its_problems() -> None:
    data = json.loads((domain.reference_dir() / domain.DEFAULT_FILE).read_text(encoding="utf-8"))
    data["groups"][1]["points"] = 25
    data["groups"][2]["indicators"][0]["measure"] = "nothing"
    with pytest.raises(SchemeInvalid) as raised:
        domain.parse(data)
    message = str(raised.value)
    assert "Nhóm «Tiến độ giải quyết»: điểm các chỉ tiêu cộng lại 20, khác điểm của nhóm 25." in message
    assert "Điểm các nhóm cộng lại 105, không phải 100." in message
    assert "nhóm «truc_tuyen», chỉ tiêu 1: chỉ tiêu tính được cần «measure»" in message
    with pytest.raises(SchemeInvalid):
        domain.loads(b"{not json")


# -- cchc score ------------------------------------------------------------------------------------------------


def cchc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cchc_desktop", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "CCHC_BUSY_TIMEOUT_MS": "200"}, check=False, timeout=120)


@pytest.fixture
def built_path(built: Database, db_location: Path | str) -> Path | str:
    """Where ``built`` is, for the command line (which works on a server only for migrate yet: these tests are
    SQLite's, ``SQLITE_ONLY``)."""
    return db_location


SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # (the command line on a server)


@SQLITE_ONLY
def test_cchc_score_prints_the_table_and_the_suggestions(built_path: Path) -> None:
    result = cchc("--db", str(built_path), "score", "--period", "2025-Q2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "CHỈ SỐ 766 TỰ ĐÁNH GIÁ — Quý II năm 2025, số liệu đến hết ngày 30/06/2025"
    assert lines[1] == ("Tổng điểm: 41,2/60 điểm của các chỉ tiêu tính được từ sổ của xã (60 trên 100 điểm của bộ "
                        "chỉ số); quy về thang 100: 68,6 (ước tính)")
    assert lines[2] == "Thay đổi: ▼ 8,3 điểm so với Quý I năm 2025 (theo thang 100: kỳ trước tính được 52 điểm)"
    text = result.stdout
    assert "2. Tiến độ giải quyết (tối đa 20)" in text and "80,0%  8/10 hồ sơ" in text
    assert "   ≈ Hài lòng trong giải quyết TTHC" in text and "8/10 phiếu" in text
    assert "không có trong sổ của xã" in text and "chỉ tiêu cấp tỉnh" in text
    assert " 1. Số hóa 3 kết quả giải quyết còn thiếu: +3,0 điểm" in text
    assert "Lưu ý: Cách quy đổi tỷ lệ ra điểm chưa được công bố chính thức" in text


@SQLITE_ONLY
def test_cchc_score_json_is_the_documented_structure(built_path: Path) -> None:
    result = cchc("--db", str(built_path), "score", "--period", "2025-Q2", "--format", "json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["schema"] == "cchc-score-766/1"
    assert found["period"] == {"key": "2025-Q2", "from": "2025-04-01", "to": "2025-06-30", "cutoff": "2025-06-30",
                               "label": "Quý II năm 2025"}
    assert found["points"] == pytest.approx(41.18) and found["computable"] == 60 and found["on_100"] == 68.64
    assert found["previous"] == {"key": "2025-Q1", "label": "Quý I năm 2025", "points": 40.0, "computable": 52.0,
                                 "on_100": 76.92}
    assert found["change_basis"] == "on_100" and found["change"] == pytest.approx(-8.28, abs=0.01)
    progress = found["groups"][1]
    assert progress["key"] == "tien_do" and progress["points"] == 16.0 and progress["change"] == -4.0
    assert progress["indicators"][0] == {"key": "dung_han", "name": "Hồ sơ xử lý trước hạn, đúng hạn, trong hạn",
                                         "max": 20.0, "basis": "public", "target": None, "part": 8, "whole": 10,
                                         "rate": 0.8, "points": 16.0}
    assert found["suggestions"][0] == {"key": "results_not_digitized", "text": "Số hóa 3 kết quả giải quyết còn "
                                       "thiếu: +3,0 điểm", "points": 3.0, "count": 3, "group": "so_hoa",
                                       "kind": "gain"}
    assert "Nguyễn" not in result.stdout  # aggregates only


def test_cchc_score_is_read_by_every_role(demo_path: Path) -> None:
    for user in ("chutich", "motcua"):
        result = cchc("--db", str(demo_path), "--user", user, "score", "--period", "2024")
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("CHỈ SỐ 766 TỰ ĐÁNH GIÁ — Năm 2024")


@SQLITE_ONLY
def test_cchc_score_refuses_a_bad_period(built_path: Path) -> None:
    result = cchc("--db", str(built_path), "score", "--period", "2025-Q5")
    assert result.returncode == 2
    assert "Kỳ «2025-Q5» không hợp lệ" in result.stderr


def test_the_demo_year_scores_as_its_report_counts(demo_location: Path | str) -> None:
    db = open_db(demo_location)
    try:
        year = parse_period("2024")
        view = service(db, datetime(2026, 1, 5, 9, 0)).build(year)
        figures = StatisticsService(db, clock=lambda: AFTER).figures(period=year)
        d = figures.dossiers
        assert view.measures["dossiers_digitized"] == Ratio(d.digitized, d.received.total)
        assert view.measures["dossiers_online"] == Ratio(d.received.online, d.received.total)
        assert view.measures["satisfaction"] == Ratio(figures.surveys.satisfied, figures.surveys.responses)
        assert view.measures["on_time"] == Ratio(d.in_time.total + d.in_progress - d.overdue, d.granted + d.in_progress)
        assert view.measures["procedures_online"] == Ratio(
            figures.catalogue.online_partial + figures.catalogue.online_full, figures.catalogue.in_force)
    finally:
        db.close()
