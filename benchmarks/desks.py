"""One desk of several registering at once on one PostgreSQL server (issue 22): ``python -m benchmarks.desks URL
NAME COUNT``. Opens the database as a desk, prints ``ready``, waits for a line on its input (so that every desk
starts together), registers COUNT dossiers through the reception service, then prints one JSON line: the codes it
was given, in order, and the milliseconds each registration took. The five-desk test and benchmark run five."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def main(url: str, name: str, count: int) -> None:
    from cchc_desktop.services.reception import NewDossier, ReceptionService
    from db.connection import open_db

    db = open_db(url)
    service = ReceptionService(db, clock=lambda: datetime(2024, 4, 26, 10, 0))
    print("ready", flush=True)
    sys.stdin.readline()
    codes, times = [], []
    for number in range(count):
        start = time.perf_counter()
        codes.append(service.register(NewDossier(procedure_code="1.000689",
                                                 applicant_name=f"Người nộp {name}-{number}")).code)
        times.append((time.perf_counter() - start) * 1000)
    db.close()
    print(json.dumps({"codes": codes, "ms": times}), flush=True)


def run_desks(url: str, desks: int, per_desk: int, *, timeout_s: float = 600) -> list[dict[str, Any]]:
    """Start ``desks`` desk processes on ``url``, let them all register at once, and return what each printed
    (RuntimeError with the desk's own words when one fails or says anything on its error stream)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = [
        subprocess.Popen([sys.executable, "-m", "benchmarks.desks", url, str(number), str(per_desk)], cwd=ROOT,
                         env=env, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for number in range(1, desks + 1)
    ]
    try:
        for process in processes:  # every desk connected and ready before any starts
            assert process.stdout is not None
            if process.stdout.readline().strip() != "ready":
                raise RuntimeError(f"a desk did not start: {process.communicate()[1]}")
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        results = [process.communicate(timeout=timeout_s) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.communicate()
    for process, (_out, err) in zip(processes, results, strict=True):
        if process.returncode != 0 or err:  # nothing is said to a desk that works: no error, no retry message
            raise RuntimeError(f"a desk ended with {process.returncode}: {err}")
    return [json.loads(out.strip().splitlines()[-1]) for out, _err in results]


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
