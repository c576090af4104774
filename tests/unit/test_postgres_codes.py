"""Gap-free dossier numbers across desks on PostgreSQL (issue 22): the per-day counter taken with a row lock in the
registering transaction (db/pg/codes.py), at the SQL level; the services do not use it yet."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from db.pg.codes import NEXT_CODE_SEQ_PG
from db.queries.dossiers import NEXT_CODE_SEQ

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
DESKS, NUMBERS = 5, 200


def test_the_statement_is_sqlites() -> None:
    assert NEXT_CODE_SEQ_PG.replace("%s", "?") == NEXT_CODE_SEQ


def test_desks_taking_numbers_at_once_leave_no_gap_and_no_twin(pg_db: str) -> None:
    """Five processes take 200 numbers each of the same day, each in its own transaction, and every seventh
    attempt rolls back (its number is given back): the numbers kept are exactly 1…1000, none twice."""
    import psycopg

    desks = [subprocess.Popen([sys.executable, "-m", "tests.pg_code_worker", pg_db, "UBND", "2025-07-01",
                               str(NUMBERS)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(DESKS)]
    kept: list[int] = []
    for desk in desks:
        out, err = desk.communicate(timeout=120)
        assert desk.returncode == 0, err
        kept.extend(int(line) for line in out.split())
    assert sorted(kept) == list(range(1, DESKS * NUMBERS + 1))
    with psycopg.connect(pg_db) as conn:
        assert conn.execute("SELECT prefix, day, last_seq FROM dossier_code_counter").fetchall() == [
            ("UBND", "2025-07-01", DESKS * NUMBERS)]
