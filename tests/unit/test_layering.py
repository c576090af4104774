"""STYLE.md §1: ui → cchc_desktop → db, never back; the command line loads no Qt."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_cli_loads_no_qt() -> None:
    code = (
        "import sys, cchc_desktop.cli, cchc_desktop.services.demo, cchc_desktop.services.database;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph', 'ui')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_sqlite_path_loads_no_postgresql_driver() -> None:
    """psycopg is an optional extra (issue 22) and costs start-up time: neither the command line, the office nor
    the storage layer loads it, and db/pg's modules import without it (the bundle collects them, psycopg left out)."""
    code = (
        "import sys, cchc_desktop.cli, cchc_desktop.office, db.connection, db.migrations, db.queries.dossiers;"
        "early = [m for m in sys.modules if m.startswith(('psycopg', 'db.pg'))];"
        "import db.pg.migrations, db.pg.codes, db.pg.roles, db.pg.connect;"
        "late = [m for m in sys.modules if m.startswith('psycopg')];"
        "print(early, late); sys.exit(1 if early or late else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def _imports(package: str) -> set[str]:
    found: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize(("package", "forbidden"), [
    ("cchc_desktop", {"PySide6", "pyqtgraph", "ui"}),
    ("db", {"PySide6", "pyqtgraph", "ui", "cchc_desktop"}),
    ("ui", {"db"}),  # the window receives the office; it never opens nor reads the storage layer itself
])
def test_imports_go_one_way(package: str, forbidden: set[str]) -> None:
    assert not (_imports(package) & forbidden)


@pytest.mark.parametrize("package", ["cchc_desktop/domain", "cchc_desktop/reports"])
def test_the_domain_and_the_papers_never_reach_up_to_the_services(package: str) -> None:
    """The figures, the report's values and their formatting live below the services (issue 17: the narrative
    once imported ``services.statistics`` for its figures)."""
    upward = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            upward += [f"{path.name}: {name}" for name in names if name.startswith("cchc_desktop.services")]
    assert upward == []


def test_mypy_finds_no_type_error_in_the_core_and_the_storage_layer() -> None:
    """Issue 17: ``mypy`` (settings in pyproject.toml: cchc_desktop/ and db/, unused ``type: ignore`` reported)
    runs with the tests and must find nothing."""
    result = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", os.devnull], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_ruff_is_clean_including_the_banned_qt_imports() -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is part of the test extra and must be installed")
    result = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_window_starts_without_the_pdf_library() -> None:
    """reportlab costs ~150 ms: it loads when the first paper is printed, not when the window opens."""
    code = (
        "import sys, ui.main_window, cchc_desktop.services.printing, cchc_desktop.services.today;"
        "print([m for m in sys.modules if m.startswith('reportlab')]);"
        "sys.exit(1 if any(m.startswith('reportlab') for m in sys.modules) else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False,
                            env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stdout + result.stderr
