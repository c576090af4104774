"""The benchmark runs end to end on 10,000 dossiers, so it cannot rot (its figures are not judged here)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_benchmark_smoke_prints_every_figure() -> None:
    result = subprocess.run([sys.executable, "-m", "benchmarks", "--smoke", "--repeat", "2"], cwd=ROOT,
                            capture_output=True, text=True, check=False, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("register: first page", "search by full name", "search by code", "search by phone",
                 "window start ÷ bare Qt start",
                 "report figures ÷ hand-written SQL", "peak resident memory", "database size per dossier",
                 "dashboard: a period switch", "dashboard: the window's longest wait", "766 score for a year"):
        assert name in result.stdout


def test_the_desk_during_an_import_prints_its_figures() -> None:
    result = subprocess.run([sys.executable, "-m", "benchmarks.desk_during_import", "--smoke"], cwd=ROOT,
                            capture_output=True, text=True, check=False, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("cchc import dossiers of 10,000 rows", "peak memory of that import", "a desk registration during it",
                 "longest wait of the desk"):
        assert name in result.stdout
