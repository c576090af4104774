"""``python -m benchmarks.import_export [--dossiers 100000]``: imports and exports of dossiers (DESIGN.md §8).

Exports the cached demo database (``benchmarks/.cache``, built by ``cchc demo`` when missing) to CSV and
.xlsx, then times the import of that CSV into a fresh database holding only the catalogue and the unit
(all rows new), the same CSV with empty codes and appointments (codes generated, due dates computed), the
re-import of the same file (all rows unchanged), and the whole ``cchc import`` command in a fresh process
with its peak memory. Target: 100,000 rows imported in ≤ 10 s, all or nothing.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.__main__ import PEAK_WRAPPER, ROOT, Figure, build_database, print_table


def _fresh(template: Path, target: Path) -> Path:
    shutil.copy(template, target)
    return target


def _template(folder: Path, demo: Path) -> Path:
    """An empty database with the demo's catalogue and unit settings."""
    from cchc_desktop.services.catalogue import load_reference_catalogue
    from cchc_desktop.services.settings import SettingsService
    from db.connection import open_db

    source = open_db(demo)
    settings = SettingsService(source).load()
    source.close()
    path = folder / "template.sqlite3"
    db = open_db(path)
    load_reference_catalogue(db)
    SettingsService(db).save(settings)
    db.close()
    return path


def _blank_codes_and_dues(source: Path, target: Path) -> Path:
    with source.open(encoding="utf-8-sig", newline="") as inp, target.open("w", encoding="utf-8", newline="") as out:
        reader, writer = csv.reader(inp), csv.writer(out, delimiter=";")
        writer.writerow(next(reader))
        for row in reader:
            row[0] = row[9] = ""
            writer.writerow(row)
    return target


def _import(database: Path, source: Path) -> float:
    """Seconds of ``ImportService.import_dossiers`` (the database opened beforehand)."""
    from cchc_desktop.office import open_office

    with open_office(database) as office:
        start = time.perf_counter()
        office.imports.import_dossiers(source)
        return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.import_export", description=__doc__)
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    from cchc_desktop.office import open_office
    from cchc_desktop.services.demo_data import DEMO_PASSWORD

    demo, _built = build_database(args.dossiers, args.seed)
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="cchc-bench-") as name:
        folder = Path(name)
        template = _template(folder, demo)
        exported = folder / "hoso.csv"
        for target in (exported, folder / "hoso.xlsx"):
            with open_office(demo, user="quantri", password=DEMO_PASSWORD) as office:
                start = time.perf_counter()
                office.exports.export_dossiers(target, reason="kiểm thử xuất dữ liệu")
                figures.append(Figure(f"export {target.suffix[1:]} ({args.dossiers:,} rows)", "s",
                                      [time.perf_counter() - start]))
        generated = _blank_codes_and_dues(exported, folder / "blank.csv")
        for key, label, source in (("new", "import CSV, all new", exported),
                                   ("blank", "import CSV, codes and due dates computed", generated)):
            samples = [_import(_fresh(template, folder / f"{key}{n}.sqlite3"), source) for n in range(args.repeat)]
            figures.append(Figure(f"{label} ({args.dossiers:,} rows)", "s", samples, target=10))
        again = [_import(folder / "new0.sqlite3", exported) for _ in range(args.repeat)]
        figures.append(Figure(f"re-import, all unchanged ({args.dossiers:,} rows)", "s", again, target=10))
        command = _fresh(template, folder / "cli.sqlite3")
        env = {**os.environ, "CCHC_HOME": str(folder)}
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", PEAK_WRAPPER, "cchc_desktop", "import", "dossiers", str(exported), "--db",
             str(command)], check=True, capture_output=True, text=True, cwd=ROOT, env=env)
        wall = time.perf_counter() - start
        peak = max(int(line.split()[1]) / 1024 for line in done.stdout.splitlines() if line.startswith("PEAK_KB"))
        figures.append(Figure("cchc import dossiers, fresh process (wall)", "s", [wall], target=10,
                              note=f"peak {peak:.0f} MB"))
    print_table(figures, f"Imports and exports: {args.dossiers:,} dossiers, {os.cpu_count()} cores")
    return 1 if any(figure.missed for figure in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
