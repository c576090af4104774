"""``python -m benchmarks.desk_during_import [--dossiers 120000] [--smoke]``: the desk during an import (issue 13).

Exports the cached demo database (``benchmarks/.cache``) to CSV, then runs ``cchc import dossiers`` of that file
into a fresh database in another process (its wall time and peak memory), while this process registers dossiers
at the desk one after another, a fifth of a second apart, and times each registration from the call to its
commit. Target: no registration waits more than a second (the import writes in short transactions); the import
of 100,000 rows itself ≤ 10 s (DESIGN.md §8) and ≤ 300 MB (issue 13).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from benchmarks.__main__ import PEAK_WRAPPER, ROOT, Figure, build_database, print_table
from benchmarks.import_export import _fresh, _template

PACE_S = 0.2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.desk_during_import", description=__doc__)
    parser.add_argument("--dossiers", type=int, default=120_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--smoke", action="store_true", help="10,000 dossiers; the figures printed, not judged")
    args = parser.parse_args(argv)
    if args.smoke:
        args.dossiers = 10_000
    from cchc_desktop.office import open_office
    from cchc_desktop.services.demo_data import DEMO_PASSWORD
    from cchc_desktop.services.reception import NewDossier
    from db.connection import open_db

    demo, _built = build_database(args.dossiers, args.seed)
    with tempfile.TemporaryDirectory(prefix="cchc-bench-desk-") as name:
        folder = Path(name)
        template = _template(folder, demo)
        exported = folder / "hoso.csv"
        with open_office(demo, user="quantri", password=DEMO_PASSWORD) as source:
            source.exports.export_dossiers(exported, reason="kiểm thử xuất dữ liệu")
        target = _fresh(template, folder / "cchc.sqlite3")
        procedure = open_db(target).execute("SELECT code FROM procedure ORDER BY id LIMIT 1").fetchone()[0]
        env = {**os.environ, "CCHC_HOME": str(folder)}
        start = time.perf_counter()
        importer = subprocess.Popen(
            [sys.executable, "-c", PEAK_WRAPPER, "cchc_desktop", "import", "dossiers", str(exported), "--db",
             str(target)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
        office = open_office(target, clock=lambda: datetime(2030, 6, 4, 9, 30))  # a day the file has no code of
        db, desk = office.db, office.reception
        waits: list[float] = []
        while importer.poll() is None:
            began = time.perf_counter()
            desk.register(NewDossier(procedure_code=procedure, applicant_name=f"Trần Văn Bình {len(waits)}"))
            waits.append(time.perf_counter() - began)
            time.sleep(PACE_S)
        out, err = importer.communicate()
        wall = time.perf_counter() - start
        if importer.returncode != 0:
            print(err, file=sys.stderr)
            return 1
        imported = db.execute("SELECT count(*) FROM dossier").fetchone()[0] - len(waits)
        office.close()
    peak = max(int(line.split()[1]) / 1024 for line in out.splitlines() if line.startswith("PEAK_KB"))
    figures = [
        Figure(f"cchc import dossiers of {imported:,} rows, fresh process (wall)", "s", [wall],
               target=10 * imported / 100_000, note=f"peak {peak:.0f} MB"),
        Figure("peak memory of that import", "MB", [peak], target=300),
        Figure(f"a desk registration during it ({len(waits)} registrations)", "ms",
               [wait * 1000 for wait in waits], target=1000),
    ]
    print_table(figures, f"The desk during an import: {args.dossiers:,} dossiers, {os.cpu_count()} cores")
    worst = max(waits, default=0.0)
    print(f"longest wait of the desk: {worst * 1000:.0f} ms")
    return 0 if args.smoke else 1 if worst > 1.0 or any(figure.missed for figure in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
