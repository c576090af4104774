"""The demo data generator: counts, determinism, codes, consistent dates, and refusals."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import pytest
from sqlite_utils import Database

from cchc_desktop.domain import applicants
from cchc_desktop.domain.calendar import WorkCalendar
from cchc_desktop.domain.catalogue import TimeLimitUnit
from cchc_desktop.domain.dossiers import DossierStatus, EventKind, next_status
from cchc_desktop.domain.passwords import verify_password
from cchc_desktop.domain.unit import UnitSettings
from cchc_desktop.errors import ValidationError
from cchc_desktop.services import demo
from cchc_desktop.services.demo import DemoSummary, generate_demo
from cchc_desktop.services.demo_data import DEMO_PASSWORD
from cchc_desktop.services.settings import SettingsService
from db.connection import integrity_problems, open_db

N = 300
YEAR = 2024
CAL = WorkCalendar()
OPEN = {"received", "in_progress", "waiting_supplement"}
RESOLVED = {"result_ready", "returned", "refused"}


def build(path: Path, *, seed: int = 5, dossiers: int = N, year: int = YEAR) -> tuple[Database, DemoSummary]:
    db = open_db(path)
    return db, generate_demo(db, year=year, dossiers=dossiers, seed=seed)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, DemoSummary]]:
    db, summary = build(tmp_path_factory.mktemp("demo") / "demo.sqlite3")
    yield db, summary
    db.close()


@pytest.fixture(scope="module")
def db(built: tuple[Database, DemoSummary]) -> Database:
    return built[0]


def rows(db: Database, sql: str) -> list[tuple]:
    return db.execute(sql).fetchall()


def count(db: Database, table: str) -> int:
    return db.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]


def test_the_summary_counts_what_was_written(built: tuple[Database, DemoSummary]) -> None:
    db, summary = built
    assert summary.dossiers == count(db, "dossier") == N
    assert summary.procedures == count(db, "procedure") >= 45
    assert summary.fields == count(db, "field") >= 10
    assert summary.users == count(db, "user") >= 4
    assert summary.events == count(db, "dossier_event")
    assert N <= summary.events <= 3.2 * N  # about three: received, result ready, returned
    assert summary.apologies == count(db, "apology_letter")
    assert summary.surveys == count(db, "survey") == N // 10
    assert 8 <= summary.inspections == count(db, "inspection") <= 15
    assert summary.findings == count(db, "finding")
    assert summary.tasks == count(db, "plan_task") == 38
    assert 10 <= summary.documents == count(db, "directive_document") <= 15
    assert dict(summary.lines())["Hồ sơ"] == N
    assert {role for (role,) in rows(db, "SELECT DISTINCT role FROM user")} == {"desk", "officer", "chair", "admin"}
    # Every demo account opens with the published demo password, and only with it.
    hashes = [secret for (secret,) in rows(db, "SELECT password_hash FROM user")]
    assert all(verify_password(DEMO_PASSWORD, secret) for secret in hashes)
    assert not any(verify_password("sai-mat-khau", secret) for secret in hashes)


def test_the_demo_unit_is_configured(db: Database) -> None:
    settings = SettingsService(db).load()
    assert settings.name == "UBND xã Hoằng Hợp"
    assert settings.code == "000.21.31.H56"
    assert (settings.signer_name, settings.signer_title, settings.authority) == (
        "Lê Văn Minh", "PHÓ CHỦ TỊCH", ("KT. CHỦ TỊCH",))
    assert settings.parent == "UBND tỉnh Thanh Hóa" and "huyện" not in settings.address  # a commune of 2025
    assert settings.desk == "Trung tâm Phục vụ hành chính công xã Hoằng Hợp"


def test_same_seed_same_data_other_seed_other_data(tmp_path: Path, db: Database) -> None:
    again, _ = build(tmp_path / "again.sqlite3")
    other, _ = build(tmp_path / "other.sqlite3", seed=6)
    try:
        every = "SELECT * FROM dossier ORDER BY id"
        assert rows(again, every) == rows(db, every)
        events = "SELECT * FROM dossier_event ORDER BY id"
        assert rows(again, events) == rows(db, events)
        assert rows(again, "SELECT * FROM survey_answer") == rows(db, "SELECT * FROM survey_answer")
        assert rows(other, every) != rows(db, every)
    finally:
        again.close()
        other.close()


def test_the_applicants_pass_the_desk_rules(db: Database) -> None:
    """The demo bulk-loads, through the same rules as the desk and the import (issue 17): every stored phone
    and identity number is one they would accept, and stored as they would store it."""
    rows = db.execute("SELECT applicant_id, phone FROM dossier").fetchall()
    assert rows and any(phone for _id, phone in rows) and any(number for number, _phone in rows)
    for number, phone in rows:
        assert applicants.id_number(number or "") == (number, True)
        assert applicants.phone(phone or "") == (phone, True)


def test_codes_are_unique_and_gap_free_per_day(db: Database) -> None:
    by_day: dict[str, list[int]] = defaultdict(list)
    for code, received in rows(db, "SELECT code, received_at FROM dossier ORDER BY id"):
        match = re.fullmatch(r"000\.21\.31\.H56-(\d{6})-(\d{4})", code)
        assert match, code
        assert match.group(1) == received[2:4] + received[5:7] + received[8:10]
        by_day[received[:10]].append(int(match.group(2)))
    for day, sequence in by_day.items():
        assert sequence == list(range(1, len(sequence) + 1)), day
    counters = dict(rows(db, "SELECT day, last_seq FROM dossier_code_counter WHERE prefix = '000.21.31.H56'"))
    assert counters == {day: len(sequence) for day, sequence in by_day.items()}


def test_statuses_agree_with_the_dates(db: Database) -> None:
    today = f"{YEAR}-12-31T23:59"
    statuses = set()
    for status, received, due, resolved, returned, withdrawn, outcome in rows(
        db, "SELECT status, received_at, due_at, resolved_at, returned_at, withdrawn_at, outcome FROM dossier"
    ):
        statuses.add(status)
        assert received <= today and due >= received
        assert (status == "withdrawn") == (withdrawn is not None)
        assert (status in RESOLVED) == (resolved is not None)
        assert (outcome is not None) == (resolved is not None)
        assert (status == "returned") == (returned is not None)
        if status == "refused":
            assert outcome == "refused"
        for moment in (resolved, returned, withdrawn):
            assert moment is None or received <= moment <= today
        if returned:
            assert resolved <= returned
    assert {"returned", "waiting_supplement"} <= statuses
    total, returned, late = rows(db, """
        SELECT count(*), sum(status = 'returned'), sum(resolved_at > due_at) FROM dossier""")[0]
    assert returned / total > 0.9
    assert late / total < 0.05
    assert rows(db, f"SELECT count(*) FROM dossier_event WHERE at > '{today}'") == [(0,)]
    assert rows(db, """
        SELECT count(*) FROM dossier d WHERE NOT EXISTS (
            SELECT 1 FROM dossier_event e WHERE e.dossier_id = d.id AND e.kind = 'received' AND e.at = d.received_at)
    """) == [(0,)]


def test_every_history_follows_the_transition_table(db: Database) -> None:
    histories: dict[int, list[tuple]] = defaultdict(list)
    for row in rows(db, "SELECT dossier_id, kind, at, from_status, to_status FROM dossier_event ORDER BY id"):
        histories[row[0]].append(row[1:])
    statuses = dict(rows(db, "SELECT id, status FROM dossier"))
    assert histories.keys() == statuses.keys()
    for dossier_id, history in histories.items():
        (kind, first_at, _none, state), *steps = history
        assert kind == "received" and state in ("received", "in_progress")
        for kind, at, before, after in steps:
            assert at >= first_at
            assert before == state, (dossier_id, history)
            assert next_status(DossierStatus(state), EventKind(kind)) == after, (dossier_id, history)
            state = after
        assert state == statuses[dossier_id], (dossier_id, history)


def test_due_dates_follow_the_calendar(db: Database) -> None:
    checked = 0
    for received, due, limit, unit, cutoff, supplemented in rows(db, """
        SELECT d.received_at, d.due_at, p.time_limit, p.time_limit_unit, p.afternoon_cutoff,
               EXISTS (SELECT 1 FROM dossier_event e WHERE e.dossier_id = d.id AND e.kind = 'supplement_received')
        FROM dossier d JOIN procedure p ON p.id = d.procedure_id
    """):
        due_at = datetime.fromisoformat(due)
        assert CAL.is_working_day(due_at.date()), due
        if not supplemented:
            expected = CAL.due_moment(datetime.fromisoformat(received), limit, TimeLimitUnit(unit),
                                      time.fromisoformat(cutoff) if cutoff else None)
            assert due_at == expected
            checked += 1
    assert checked > N * 0.9


def test_apologies_come_before_the_late_result(db: Database) -> None:
    letters = rows(db, """
        SELECT a.issued_on, a.old_due_at, a.new_due_at, d.due_at, d.resolved_at, d.received_at
        FROM apology_letter a JOIN dossier d ON d.id = a.dossier_id""")
    for issued, old_due, new_due, due, resolved, received in letters:
        assert old_due == due < resolved <= new_due
        assert received[:10] <= issued <= resolved[:10]


def test_surveys_answer_every_active_criterion(db: Database) -> None:
    criteria = count(db, "survey_criterion")
    assert rows(db, f"""
        SELECT count(*) FROM survey s
        WHERE (SELECT count(*) FROM survey_answer a WHERE a.survey_id = s.id) != {criteria}""") == [(0,)]
    satisfied, linked = rows(db, "SELECT avg(overall >= 4), sum(dossier_id IS NOT NULL) FROM survey")[0]
    assert satisfied > 0.85
    assert linked >= 1


def test_inspections_plan_and_documents(db: Database) -> None:
    criteria = count(db, "inspection_criterion")
    assert rows(db, f"""
        SELECT count(*) FROM inspection i
        WHERE (SELECT count(*) FROM inspection_check c WHERE c.inspection_id = i.id) != {criteria}""") == [(0,)]
    assert rows(db, "SELECT year, decision_number, decision_date FROM plan") == [(YEAR, "01/QĐ-UBND", f"{YEAR}-01-02")]
    areas = {area for (area,) in rows(db, "SELECT DISTINCT area FROM plan_task")}
    assert areas == set(range(7))
    sources = dict(rows(db, "SELECT source, count(*) FROM plan_task GROUP BY source"))
    assert sources["higher_level"] >= 5
    assert rows(db, "SELECT count(*) FROM plan_task WHERE status = 'done'")[0][0] >= 30
    decision = "SELECT issued_on, kind FROM directive_document WHERE number = '01/QĐ-UBND'"
    assert rows(db, decision) == [(f"{YEAR}-01-02", "decision")]


def test_the_database_is_sound(db: Database) -> None:
    assert integrity_problems(db) == []
    assert rows(db, "PRAGMA foreign_key_check") == []


def test_a_second_run_and_a_negative_count_are_refused(built: tuple[Database, DemoSummary]) -> None:
    db, _ = built
    before = count(db, "dossier_event")
    with pytest.raises(ValidationError) as refused:
        generate_demo(db, dossiers=10)
    assert "đã có hồ sơ" in refused.value.errors["dossiers"]
    assert count(db, "dossier_event") == before
    with pytest.raises(ValidationError) as negative:
        generate_demo(db, dossiers=-1)
    assert "dossiers" in negative.value.errors


def test_a_configured_unit_is_kept_and_zero_dossiers_still_writes_the_rest(tmp_path: Path) -> None:
    db = open_db(tmp_path / "own.sqlite3")
    SettingsService(db).save(UnitSettings(name="UBND phường Đông Sơn", place="Đông Sơn", code="000.21.30.H56"))
    calls: list[tuple[str, int, int]] = []
    summary = generate_demo(db, year=2023, dossiers=0, seed=2, progress=lambda *call: calls.append(call))
    assert SettingsService(db).load().name == "UBND phường Đông Sơn"
    assert summary.dossiers == summary.surveys == 0
    assert summary.tasks == 38 and summary.inspections >= 8
    assert calls[-1] == ("done", 1, 1)
    db.close()


def test_the_bulk_path_rebuilds_the_same_indexes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    schema = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    fresh = open_db(tmp_path / "fresh.sqlite3")
    before = rows(fresh, schema)
    fresh.close()
    monkeypatch.setattr(demo, "BULK_LOAD", 1)
    db, summary = build(tmp_path / "bulk.sqlite3", dossiers=120)
    try:
        assert rows(db, schema) == before
        assert summary.dossiers == 120
        assert integrity_problems(db) == []
    finally:
        db.close()


def test_a_million_dossiers_spread_over_years_with_plausible_days() -> None:
    import random

    first_year, counts = demo._daily_counts(WorkCalendar(), YEAR, 1_000_000, random.Random(1))
    assert sum(n for _day, n in counts) == 1_000_000
    assert max(n for _day, n in counts) <= demo.DAY_CAP
    assert counts[-1][0] <= date(YEAR, 12, 31) and counts[0][0].year == first_year
    assert YEAR - 16 <= first_year <= YEAR - 12
    assert all(CAL.is_working_day(day) for day, _n in counts)
