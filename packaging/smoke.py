"""Smoke test of the built bundle (issue 23), the same on Linux and on the Windows runner.

    python packaging/smoke.py dist/cchc-desktop [--venv .venv] [--screenshot docs/screenshots/bundle-window.png]

Runs the bundle's two programs in a clean environment (no virtual environment, no PYTHONPATH, a temporary home
whose folder names have Vietnamese letters and spaces, Qt offscreen): ``cchc --help``; an old database (the
migrations of an earlier version, with its dossiers) upgraded by the bundle's window at its first start, its copy
made first, its data kept; ``cchc demo``; ``cchc report --format pdf`` read back (Vietnamese letters in its text,
every font embedded), and as Word and Excel; a receipt, the ledger and the dashboard's summary; ``cchc backup``;
the window's ``--screenshot``; and nothing written inside the bundle's folder. Then prints the bundle's size and
start times beside the virtual environment's. Exit status 1 at the first failure.

Run it with the build's Python (the project's virtual environment): it reads the PDF with pypdf and writes the old
database with the program's own migrations; the programs under test never see that environment.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WINDOWS = sys.platform.startswith("win")
EXE = ".exe" if WINDOWS else ""
PASSWORD = "demo1234"  # the demo's accounts (cchc_desktop.services.demo)
USER = "quantri"
OLD_STOP_BEFORE = "m0003_register_search"  # an early schema: every later migration runs in the bundle
OLD_DOSSIERS = 120
OLD_UNIT = "UBND xã Hoằng Hợp (bản cũ)"
REPORT_WORDS = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "cải cách hành chính")
TIMING_RUNS = 3


class SmokeFailure(Exception):
    """One check of the bundle failed; the message says which and why."""


@dataclass(frozen=True)
class Programs:
    """The two programs of one install: the command line and the window."""

    command: Path
    window: Path

    @classmethod
    def in_bundle(cls, folder: Path) -> Programs:
        return cls(folder / f"cchc{EXE}", folder / f"cchc-desktop{EXE}")

    @classmethod
    def in_venv(cls, venv: Path) -> Programs:
        scripts = venv / ("Scripts" if WINDOWS else "bin")
        return cls(scripts / f"cchc{EXE}", scripts / f"cchc-desktop{EXE}")


def clean_environment(home: Path) -> dict[str, str]:
    """A user's bare environment: a home of its own, the system's PATH only, Qt offscreen, the data folder
    (``CCHC_HOME``) inside the home; nothing of the build's Python."""
    env = {
        "CCHC_HOME": str(home / "Dữ liệu CCHC"),
        "CCHC_PASSWORD": PASSWORD,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONIOENCODING": "utf-8",
    }
    if WINDOWS:
        system_root = os.environ.get("SYSTEMROOT", r"C:\Windows")
        env.update({
            "SYSTEMROOT": system_root, "WINDIR": os.environ.get("WINDIR", system_root),
            "PATH": rf"{system_root}\System32;{system_root}", "USERPROFILE": str(home),
            "LOCALAPPDATA": str(home / "AppData" / "Local"), "APPDATA": str(home / "AppData" / "Roaming"),
            "TEMP": str(home / "Temp"), "TMP": str(home / "Temp"),
        })
        (home / "Temp").mkdir(parents=True, exist_ok=True)
    else:
        env.update({"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    return env


def run(args: Sequence[str | Path], env: dict[str, str], *, timeout: float = 300) -> tuple[str, float]:
    """Run one program; its standard output and the wall time it took. SmokeFailure unless it exits 0."""
    started = time.perf_counter()
    done = subprocess.run([str(arg) for arg in args], env=env, capture_output=True, timeout=timeout,
                          encoding="utf-8", errors="replace", stdin=subprocess.DEVNULL)
    took = time.perf_counter() - started
    if done.returncode != 0 or "Traceback" in done.stderr:  # a slot's error does not change the exit status
        raise SmokeFailure(f"{' '.join(str(a) for a in args)} exited {done.returncode}:\n"
                           f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return done.stdout, took


def median_time(args: Sequence[str | Path], env: dict[str, str], runs: int = TIMING_RUNS) -> float:
    """The median wall time of ``runs`` runs (the first warms the disk cache like any later start)."""
    return statistics.median(run(args, env)[1] for _ in range(runs))


def pdf_facts(path: Path) -> tuple[str, dict[str, bool]]:
    """The text of a PDF and, for each font it uses, whether the font file is embedded."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        resources = page.get("/Resources")
        font_dict = resources.get_object().get("/Font") if resources else None
        for ref in (font_dict.get_object().values() if font_dict else ()):
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants.get_object()[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font.get("/BaseFont"))] = embedded
    return text, fonts


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG file (SmokeFailure when it is not one)."""
    head = path.read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise SmokeFailure(f"{path} is not a PNG image")
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def folder_bytes(folder: Path) -> int:
    """The bytes of every file under ``folder`` (links not followed)."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def file_list(folder: Path) -> set[Path]:
    return {p.relative_to(folder) for p in folder.rglob("*")}


def _this_repository() -> None:
    """Import the program from this repository (the one the bundle was built from), not from wherever the build's
    Python has it installed."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def make_old_database(path: Path) -> None:
    """A database as an earlier version left it: its migrations up to :data:`OLD_STOP_BEFORE`, the unit's name and
    a demo's dossiers (needs the project's packages: run by the build's Python)."""
    _this_repository()
    from cchc_desktop.services.demo import generate_demo
    from db import migrations
    from db.handle import Database

    path.parent.mkdir(parents=True, exist_ok=True)
    old = Database(sqlite3.connect(path))
    migrations.MIGRATIONS.apply(old, stop_before=OLD_STOP_BEFORE)
    generate_demo(old, dossiers=OLD_DOSSIERS, seed=3)
    old.execute("INSERT OR REPLACE INTO setting (key, value) VALUES ('unit.name', ?)", [OLD_UNIT])
    old.close()


def upgrade_problems(path: Path, migration_count: int) -> list[str]:
    """What is wrong with ``path`` after the new version opened the old database: every migration applied, the
    dossiers and the unit's name kept, and a copy of the old file (its old migrations only) in ``backups/``."""
    problems = []
    with sqlite3.connect(path) as db:
        applied = db.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
        if applied != migration_count:
            problems.append(f"{applied} migrations applied, not {migration_count}")
        if (n := db.execute("SELECT count(*) FROM dossier").fetchone()[0]) != OLD_DOSSIERS:
            problems.append(f"{n} dossiers after the upgrade, not {OLD_DOSSIERS}")
        if db.execute("SELECT value FROM setting WHERE key = 'unit.name'").fetchone() != (OLD_UNIT,):
            problems.append("the unit's name was lost")
    db.close()
    copies = sorted((path.parent / "backups").glob(f"{path.stem}-truoc-nang-cap-*"))
    if not copies:
        return [*problems, "no copy of the old database in backups/"]
    with sqlite3.connect(copies[0]) as copy:
        names = [row[0] for row in copy.execute("SELECT name FROM _sqlite_migrations")]
        dossiers = copy.execute("SELECT count(*) FROM dossier").fetchone()[0]
    copy.close()
    if OLD_STOP_BEFORE in names or dossiers != OLD_DOSSIERS:
        problems.append(f"the copy {copies[0].name} is not the old database ({len(names)} migrations)")
    return problems


def migration_count() -> int:
    _this_repository()
    from db import migrations

    return len(migrations.MIGRATIONS._migrations)


def check(label: str, ok: bool, detail: str = "") -> None:
    if not ok:
        raise SmokeFailure(f"{label}: {detail}")
    print(f"  ✓ {label}", flush=True)


def smoke(bundle: Path, work: Path, screenshot: Path | None) -> dict[str, float]:
    """Every check on the bundle in ``bundle``; the start times measured."""
    programs = Programs.in_bundle(bundle)
    for program in (programs.command, programs.window):
        check(f"{program.name} present", program.is_file(), f"{program} missing")
    env = clean_environment(work / "Người dùng" / "Nguyễn Thị Ưng")
    data = Path(env["CCHC_HOME"])
    before = file_list(bundle)
    times: dict[str, float] = {}

    out, _took = run([programs.command, "--help"], env)
    check("cchc --help (Vietnamese)", "Cách dùng" in out and "báo cáo" in out, out[:300])
    times["help"] = median_time([programs.command, "--help"], env)

    make_old_database(data / "cchc.sqlite3")  # the per-user data folder's database, opened with no --db
    run([programs.window, "--user", USER, "--screenshot", work / "nâng cấp.png"], env)  # the first start
    problems = upgrade_problems(data / "cchc.sqlite3", migration_count())
    check("an old database upgraded at the window's first start, copied first, data kept", not problems,
          "; ".join(problems))

    db = data / "Xã Hoằng Hợp" / "dữ liệu mẫu.sqlite3"
    db.parent.mkdir(parents=True)
    out, _took = run([programs.command, "--db", db, "demo", "--dossiers", "300"], env)
    check("cchc demo --dossiers 300", db.is_file() and "Hồ sơ: 300" in out, out[-300:])

    pdf = data / "Báo cáo" / "Báo cáo 6 tháng 2025.pdf"
    pdf.parent.mkdir()
    run([programs.command, "--db", db, "--user", USER, "report", "--period", "2025-H1", "--format", "pdf",
         "--date", "10/07/2025", "--draft", "--out", pdf], env)
    text, fonts = pdf_facts(pdf)
    missing = [word for word in REPORT_WORDS if word not in text]
    check("report PDF: Vietnamese text read back", not missing, f"missing {missing}")
    check("report PDF: every font embedded", bool(fonts) and all(fonts.values()), str(fonts))

    for fmt, part in (("docx", "word/document.xml"), ("xlsx", "xl/workbook.xml")):  # python-docx, openpyxl
        office_file = pdf.with_suffix(f".{fmt}")
        run([programs.command, "--db", db, "--user", USER, "report", "--period", "2025-H1", "--format", fmt,
             "--date", "10/07/2025", "--draft", "--out", office_file], env)
        check(f"report {fmt}", zipfile.is_zipfile(office_file) and part in zipfile.ZipFile(office_file).namelist(),
              f"{office_file} is not a {fmt} file")

    with sqlite3.connect(db) as conn:
        code = conn.execute("SELECT code FROM dossier ORDER BY id LIMIT 1").fetchone()[0]
    conn.close()
    papers = {"receipt": ["receipt", code], "ledger": ["ledger", "--from", "01/01/2025", "--to", "31/03/2025"],
              "dashboard": ["dashboard", "--period", "2025"]}
    for name, args in papers.items():  # the printed papers: reportlab with the receipts' bar codes
        paper = pdf.parent / f"Giấy {name}.pdf"
        run([programs.command, "--db", db, "--user", USER, *args, "--out", paper], env)
        fonts = pdf_facts(paper)[1]
        check(f"{name} PDF, fonts embedded", bool(fonts) and all(fonts.values()), str(fonts))

    out, _took = run([programs.command, "--db", db, "--user", USER, "backup"], env)
    copies = list((db.parent / "backups").glob("*.sqlite3"))
    check("cchc backup", len(copies) == 1 and "Đã sao lưu" in out, out)

    png = work / "cửa sổ.png"
    window_args = [programs.window, "--db", db, "--user", USER, "--screenshot", png]
    run(window_args, env)
    check("window --screenshot offscreen", png_size(png) == (1366, 768), str(png_size(png)))
    times["window"] = median_time(window_args, env)
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(png, screenshot)

    added = file_list(bundle) - before
    check("nothing written inside the bundle's folder", not added, ", ".join(str(path) for path in sorted(added)[:10]))
    return times


def venv_times(venv: Path, work: Path) -> dict[str, float]:
    """The same start times through the virtual environment's entry points (for comparison)."""
    programs = Programs.in_venv(venv)
    env = clean_environment(work / "venv-home")
    db = Path(env["CCHC_HOME"]) / "demo.sqlite3"
    db.parent.mkdir(parents=True)
    run([programs.command, "--db", db, "demo", "--dossiers", "300"], env)
    return {
        "help": median_time([programs.command, "--help"], env),
        "window": median_time([programs.window, "--db", db, "--user", USER, "--screenshot", work / "venv.png"], env),
    }


def mebibytes(size: int) -> str:
    return f"{size / 2**20:.0f} MiB"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Smoke test of the built bundle")
    parser.add_argument("bundle", type=Path, help="the bundle's folder, e.g. dist/cchc-desktop")
    parser.add_argument("--venv", type=Path, help="a virtual environment to compare size and start times with")
    parser.add_argument("--screenshot", type=Path, help="keep the window's screenshot here")
    args = parser.parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):  # a Windows pipe's code page has no «✓» nor Vietnamese letters
        sys.stdout.reconfigure(errors="replace")
        sys.stderr.reconfigure(errors="replace")
    bundle = args.bundle.resolve()
    print(f"Smoke test of {bundle}", flush=True)
    with tempfile.TemporaryDirectory(prefix="cchc smoke ") as tmp:
        work = Path(tmp) / "Thư mục có dấu"
        try:
            times = smoke(bundle, work, args.screenshot)
            compared = venv_times(args.venv.resolve(), work) if args.venv else None
        except (SmokeFailure, subprocess.TimeoutExpired, OSError, sqlite3.Error) as exc:
            print(f"  ✗ {exc}", file=sys.stderr)
            return 1
    print(f"{'':28}{'bundle':>12}{'venv':>12}")
    rows = [("size", mebibytes(folder_bytes(bundle)), mebibytes(folder_bytes(args.venv)) if args.venv else "")]
    for key, label in (("help", "start: cchc --help"), ("window", "start: window screenshot")):
        rows.append((label, f"{times[key]:.2f} s", f"{compared[key]:.2f} s" if compared else ""))
    for label, ours, theirs in rows:
        print(f"{label:28}{ours:>12}{theirs:>12}")
    print("Smoke test passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
