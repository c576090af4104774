"""A saved dossier survives other programs (issue 13): the window's process has the database open, other
processes open and close it, the window's process commits and is killed; the commit must be in the file.

The scenario of the issue, in processes as the user has them: the desk (``tests.crash_worker desk``: the
database opened as the window opens it, the day's backup thread run through its own connection, a service that
opens the file again), another process running a command (``cchc check``, ``backup``, ``report``, ``export``)
or opening and closing the file at random moments, the desk's registration, then SIGKILL — as a power cut
would. Used by ``tests/unit/test_lost_writes.py`` (a bounded number of rounds) and, for the long run the
issue asks for, as a script::

    python -m tests.lost_writes --rounds 200          # random timings; prints each round and the total
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VISITOR = """
import sys, time
from db.connection import open_db
path, pause = sys.argv[1], float(sys.argv[2])
print("VISITING", flush=True)
for line in sys.stdin:
    time.sleep(pause)
    open_db(path, migrate=False, create=False).close()
    print("VISITED", flush=True)
"""


@dataclass
class Desk:
    """The window's process, driven a line at a time."""

    proc: subprocess.Popen[str]

    @classmethod
    def start(cls, path: Path, *, window: bool = False) -> Desk:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        args = [sys.executable, "-m", "tests.crash_worker", "desk", str(path), *(["--window"] if window else [])]
        proc = subprocess.Popen(args, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)
        desk = cls(proc)
        desk.expect("READY")
        return desk

    def expect(self, word: str) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith(word):
            raise AssertionError(f"the desk said {line!r}, not {word}: {self.kill()}")
        return line.split(" ", 1)[1].strip() if " " in line else ""

    def send(self, command: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def register(self) -> str:
        self.send("register")
        return self.expect("SAVED")

    def reopen(self) -> None:
        self.send("reopen")
        self.expect("REOPENED")

    def kill(self) -> str:
        """SIGKILL: no close, no checkpoint, as a power cut. Returns what the desk wrote on stderr."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        _out, errors = self.proc.communicate(timeout=60)  # and the pipes closed
        return errors or ""


DEMO_PASSWORD = "demo1234"  # the demo's accounts: the command line works on it signed in only


def cchc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cchc_desktop", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False, env={**os.environ, "CCHC_PASSWORD": DEMO_PASSWORD})


def codes_in(path: Path) -> set[str]:
    """The dossier codes the file holds, read as the next program would (plain SQLite, recovering the WAL)."""
    con = sqlite3.connect(path)
    try:
        return {row[0] for row in con.execute("SELECT code FROM dossier")}
    finally:
        con.close()


def missing_after(path: Path, saved: list[str]) -> list[str]:
    """The codes said saved that the file no longer holds; also ``cchc check`` must pass."""
    found = codes_in(path)
    checked = cchc("--db", str(path), "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    return [code for code in saved if code not in found]


def command_then_kill(template: Path, workdir: Path, command: list[str], *, window: bool = False) -> list[str]:
    """The issue's five steps with ``command`` as the other program: the codes lost (none, when all is well)."""
    path = Path(shutil.copy(template, workdir / "cchc.sqlite3"))
    desk = Desk.start(path, window=window)
    try:
        other = cchc("--db", str(path), "--user", "quantri", *[part.format(dir=workdir) for part in command])
        assert other.returncode == 0, other.stdout + other.stderr
        saved = [desk.register()]
    finally:
        desk.kill()
    return missing_after(path, saved)


def random_round(template: Path, workdir: Path, rng: random.Random) -> tuple[int, list[str]]:
    """A desk registering and re-opening at random while another process opens and closes the file at random
    moments; the desk killed after a random number of saves. Returns (saved, lost)."""
    path = Path(shutil.copy(template, workdir / "cchc.sqlite3"))
    desk = Desk.start(path)
    visitor = subprocess.Popen([sys.executable, "-c", VISITOR, str(path), f"{rng.uniform(0, 0.02):.4f}"], cwd=ROOT,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert visitor.stdin is not None and visitor.stdout is not None
    assert visitor.stdout.readline().startswith("VISITING")
    saved: list[str] = []
    try:
        for _step in range(rng.randint(1, 12)):
            visits = rng.randint(0, 3)
            for _visit in range(visits):  # the other process opens and closes while the desk works
                visitor.stdin.write("visit\n")
            visitor.stdin.flush()
            if rng.random() < 0.4:
                desk.reopen()
            saved.append(desk.register())
            if rng.random() < 0.5:  # sometimes wait for the visits, sometimes kill with them still under way
                for _visit in range(visits):
                    visitor.stdout.readline()
    finally:
        desk.kill()
        visitor.kill()
        visitor.communicate(timeout=60)
    return len(saved), missing_after(path, saved)


def demo_database(folder: Path, dossiers: int = 300) -> Path:
    path = folder / "demo.sqlite3"
    made = cchc("--db", str(path), "demo", "--dossiers", str(dossiers))
    assert made.returncode == 0, made.stderr
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.lost_writes", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="cchc-lost-writes-") as folder:
        template = demo_database(Path(folder))
        total_saved = total_lost = 0
        for number in range(1, args.rounds + 1):
            workdir = Path(folder) / f"round-{number:03d}"
            workdir.mkdir()
            saved, lost = random_round(template, workdir, rng)
            total_saved += saved
            total_lost += len(lost)
            print(f"round {number}: {saved} saved, {len(lost)} lost{': ' + ', '.join(lost) if lost else ''}",
                  flush=True)
            shutil.rmtree(workdir)
    print(f"{args.rounds} rounds, {total_saved} dossiers saved and killed, {total_lost} lost, "
          f"{time.monotonic() - started:.0f} s")
    return 1 if total_lost else 0


if __name__ == "__main__":
    sys.exit(main())
