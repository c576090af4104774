"""Crash safety (issues 7 and 13): a process killed at any moment of a save, an import, a migration, a backup
or a restore leaves the database as before or as after, never between; and no commit is lost while another
process opens and closes the file.

Each scenario runs the real code in a subprocess (``tests/crash_worker.py``: the ``cchc`` command in-process,
or the reception desk's ``register`` in a loop), first to the end (three times, to measure the operation, and
to see the "after" state), then again and again on fresh copies, each killed with SIGKILL. The desk's
registrations are killed right after a random one of their commits is reported (``SAVED k``), alone and with
another process opening and closing the file all along; the other operations after a seeded random delay below
an upper bound that starts at 1.2 × their duration and shrinks under every kill that came too late. The loop
runs for the scenario's time budget and until enough kills landed during the operation and left the state
before it (at most 60 kills): it follows the work, not the speed of the machine. After every kill the file is
opened with plain sqlite3: ``integrity_check`` is ok, ``foreign_key_check`` is empty, and the row counts (and
for a migration the schema) are exactly those of "before" or of "after".
"""

from __future__ import annotations

import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlite_utils import Database

from cchc_desktop.services.catalogue import load_reference_catalogue
from cchc_desktop.services.demo import generate_demo
from cchc_desktop.services.exports import ExportService
from cchc_desktop.services.settings import SettingsService
from db import migrations as m
from db.connection import integrity_problems, open_db, schema_state
from tests.conftest import DEMO_ADMIN
from tests.crash_worker import PROCEDURE, REGISTER_AT

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
REGISTRATIONS = 300
IMPORT_ROWS = 3000
OLD_DOSSIERS = 8_000  # enough rows for the migrations' search index and new index to take a while
MIN_KILLS = 5  # per scenario, whatever the budget says
MAX_KILLS = 60  # per scenario: the loop ends even when the states wanted never come
MIN_DURING = 3  # kills that must have landed before the operation finished
SPREAD = 1.2  # kill delays are drawn from [0, SPREAD × the operation's duration]
UNIT_CODE = "000.21.31.H56"
CODE_PREFIX = f"{UNIT_CODE}-{REGISTER_AT:%y%m%d}-"


# -- running and killing the worker ----------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    delay: float
    during: bool  # killed before the worker said DONE
    output: str

    def last(self, word: str) -> str | None:
        found = [line.split(" ", 1)[1] for line in self.output.splitlines() if line.startswith(word + " ")]
        return found[-1] if found else None


def _start(args: list[str], stderr: Path) -> subprocess.Popen[str]:
    with stderr.open("w") as errors:  # a file, not a pipe: only stdout is read back
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.crash_worker", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=errors,
            text=True,
        )
    assert proc.stdout is not None
    ready = proc.stdout.readline()
    if ready != "READY\n":
        proc.kill()
        proc.wait()
        pytest.fail(f"the worker did not start: {ready!r}\n{stderr.read_text()}")
    return proc


def _rest(proc: subprocess.Popen[str], timeout: float) -> str:
    """What the worker printed after the lines already read, once it has ended (killed after ``timeout``).
    Read through ``proc.stdout`` itself: ``communicate(timeout=…)`` reads the pipe's descriptor directly and
    loses what ``readline`` had already buffered — a kill right after «SAVED 198» then looked as if the worker
    had committed 199 and 200 without saying so."""
    assert proc.stdout is not None
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        rest = proc.stdout.read()
        proc.stdout.close()
        proc.wait()
    finally:
        timer.cancel()
    return rest


def complete(args: list[str], workdir: Path) -> float:
    """Run the operation to the end; its duration in seconds as the worker measured it."""
    proc = _start(args, workdir / "stderr.txt")
    output = _rest(proc, 120)
    done = Run(0.0, False, output).last("DONE")
    assert proc.returncode == 0 and done is not None and done.split()[0] == "0", (
        output + (workdir / "stderr.txt").read_text())
    return float(done.split()[1])


def calibrate(prepare: Callable[[Path], list[str]], tmp: Path) -> tuple[float, Path]:
    """The operation's duration (the median of three whole runs on fresh files: one slow start must not push
    the kills past the end), and the folder of the first run, whose files are the "after" state."""
    folders = [tmp / f"calibration-{n}" for n in range(3)]
    durations = []
    for folder in folders:
        folder.mkdir()
        durations.append(complete(prepare(folder), folder))
    return statistics.median(durations), folders[0]


def kill_after(args: list[str], delay: float, workdir: Path) -> Run:
    proc = _start(args, workdir / "stderr.txt")
    time.sleep(delay)
    alive = proc.poll() is None
    if alive:
        proc.send_signal(signal.SIGKILL)
    output = _rest(proc, 60)
    killed = proc.returncode == -signal.SIGKILL  # not when it exited just before the signal came
    assert killed or proc.returncode == 0, output + (workdir / "stderr.txt").read_text()
    return Run(delay, killed and "DONE " not in output, output)


Kill = Callable[[list[str], Path, random.Random], Run]


class TimedKills:
    """Kills after a random delay in [0, upper]; ``upper`` starts at SPREAD × the operation's duration and
    shrinks below every delay that came too late (the worker had said DONE), so a slower machine, or a slower
    minute of it, still gets kills during the operation instead of a run of kills that prove nothing."""

    def __init__(self, duration: float) -> None:
        self.upper = SPREAD * duration

    def __call__(self, args: list[str], workdir: Path, rng: random.Random) -> Run:
        run = kill_after(args, rng.uniform(0, self.upper), workdir)
        if not run.during:
            self.upper = min(self.upper, run.delay) * 0.8
        return run


def kill_at_progress(count: int) -> Kill:
    """Kills right after the worker says ``SAVED k``, k drawn from [0, count] (0: as soon as it is READY): the
    moments follow the work's own progress, whatever the speed of the machine."""

    def kill(args: list[str], workdir: Path, rng: random.Random) -> Run:
        target = rng.randint(0, count)
        proc = _start(args, workdir / "stderr.txt")
        assert proc.stdout is not None
        seen = []
        while target:
            line = proc.stdout.readline()
            seen.append(line)
            if not line or line == f"SAVED {target}\n" or line.startswith("DONE "):
                break
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        output = "".join(seen) + _rest(proc, 60)
        killed = proc.returncode == -signal.SIGKILL
        assert killed or proc.returncode == 0, output + (workdir / "stderr.txt").read_text()
        return Run(float(target), killed and "DONE " not in output, output)

    return kill


def kill_loop(
    name: str, budget: float, prepare: Callable[[Path], list[str]], check: Callable[[Run, Path], str], tmp: Path,
    kill: Kill, *, enough: Callable[[Counter[tuple[str, str]]], bool] = lambda seen: True,
) -> Counter[tuple[str, str]]:
    """Kill fresh runs until ``budget`` seconds are spent, at least MIN_KILLS times, and until MIN_DURING kills
    landed during the operation and ``enough`` of the states were seen (at most MAX_KILLS runs); ``check``
    inspects the files a run left and says which state it found. Returns how often each (during/after, state)
    was seen."""
    rng = random.Random(f"crash-safety-{name}")
    seen: Counter[tuple[str, str]] = Counter()
    broken: list[str] = []
    deadline = time.monotonic() + budget
    runs = 0

    def during() -> int:
        return sum(n for (when, _), n in seen.items() if when == "during")

    while runs < MIN_KILLS or time.monotonic() < deadline or not (during() >= MIN_DURING and enough(seen)):
        if runs >= MAX_KILLS:
            break
        workdir = tmp / f"{name}-{runs:03d}"
        workdir.mkdir()
        args = prepare(workdir)
        run = kill(args, workdir, rng)
        try:
            state = check(run, workdir)
        except (AssertionError, pytest.fail.Exception) as exc:  # every broken run is reported, not just the first
            state = "BROKEN"
            broken.append(f"kill {runs} at {run.delay:.3f} ({'during' if run.during else 'after'}):"
                          f" {str(exc).splitlines()[0]}")
        seen["during" if run.during else "after", state] += 1
        runs += 1
    print(f"\n{name}: {runs} kills, {during()} during / {runs - during()} after; states: {dict(seen)}")
    assert not broken, f"{len(broken)} of {runs} kills left a broken state:\n" + "\n".join(broken)
    assert during() >= MIN_DURING, f"only {during()} of {runs} kills landed during the {name}: {dict(seen)}"
    assert enough(seen), f"{runs} kills did not see the states wanted of the {name}: {dict(seen)}"
    return seen


def killed_before_the_end(seen: Counter[tuple[str, str]]) -> bool:
    """At least one kill interrupted the operation and left the state before it."""
    return sum(n for (when, state), n in seen.items() if when == "during" and state.startswith("before")) >= 1


# -- looking at a file ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    applied: tuple[str, ...]
    schema: frozenset[tuple[str, str, str]]
    counts: dict[str, int]
    user_version: int

    def without_audit_triggers(self) -> frozenset[tuple[str, str, str]]:
        """The schema without the audit triggers, which ``open_db`` derives again at every opening."""
        return frozenset(item for item in self.schema if not (item[0] == "trigger" and item[1].startswith(
            "audit_") and not item[1].startswith("audit_log")))


def inspect(path: Path) -> State:
    """Integrity, foreign keys and the full-text index checked through plain sqlite3; then what is in the file."""
    con = sqlite3.connect(path)
    try:
        assert [row[0] for row in con.execute("PRAGMA integrity_check")] == ["ok"], path
        assert con.execute("PRAGMA foreign_key_check").fetchall() == [], path
        rows = con.execute("SELECT type, name, coalesce(sql, '') FROM sqlite_master").fetchall()
        virtual = {name for kind, name, sql in rows if sql.startswith("CREATE VIRTUAL TABLE")}
        for name in virtual:  # raises on a damaged full-text index
            con.execute(f"INSERT INTO [{name}] ([{name}]) VALUES ('integrity-check')")
        counts = {
            name: con.execute(f"SELECT count(*) FROM [{name}]").fetchone()[0]
            for kind, name, sql in rows
            if kind == "table" and not name.startswith("sqlite_") and name not in virtual
            # of a full-text index's own tables, only the one with a row per indexed row is comparable
            and not any(name.startswith(v + "_") and name != v + "_docsize" for v in virtual)
        }
        if "dossier_code_counter" in counts:
            counts["dossier_code_counter.last_seq"] = con.execute(
                "SELECT coalesce(sum(last_seq), 0) FROM dossier_code_counter").fetchone()[0]
        applied: tuple[str, ...] = ()
        if "_sqlite_migrations" in counts:
            applied = tuple(r[0] for r in con.execute("SELECT name FROM _sqlite_migrations ORDER BY id"))
        return State(applied, frozenset(rows), counts, con.execute("PRAGMA user_version").fetchone()[0])
    finally:
        con.close()


def reopen(path: Path) -> None:
    """What the program does next: ``open_db`` (migrating) completes and finds nothing wrong."""
    db = open_db(path)
    try:
        assert integrity_problems(db) == []
        assert schema_state(db).pending == ()
    finally:
        db.close()


def whole_copies(folder: Path) -> list[Path]:
    """The copies in ``folder`` under a final name, each whole: no journal beside it (a copy that SQLite would
    have to roll back was half-written) and a clean integrity check."""
    copies = sorted(folder.glob("*.sqlite3")) if folder.is_dir() else []
    for copy in copies:
        journals = [p.name for p in folder.glob(copy.name + "-*")]
        assert journals == [], f"{copy.name} was left half-written: {journals}"
        inspect(copy)
    return copies


def classify(state: State, before: State, after: State, what: str) -> str:
    if state.counts == before.counts:
        return "before"
    if state.counts == after.counts:
        return "after"
    pytest.fail(f"{what} left the database between states: {state.counts}\n"
                f"before: {before.counts}\nafter: {after.counts}")


# -- the files the scenarios start from ----------------------------------------------------------------


def _ready(path: Path) -> Path:
    """A database the desk and the import can write to: the reference catalogue and a unit code."""
    db = open_db(path)
    load_reference_catalogue(db)
    SettingsService(db).update(name="UBND xã Hoằng Hợp", code=UNIT_CODE)
    db.close()
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    root = tmp_path_factory.mktemp("crash")
    ready = _ready(root / "ready.sqlite3")
    source = root / "demo.sqlite3"
    db = open_db(source)
    generate_demo(db, year=2024, dossiers=IMPORT_ROWS, seed=3)
    exported = ExportService(db).export_dossiers(root / "hoso.csv", reason="kiểm thử xuất dữ liệu")
    db.close()
    assert exported.rows == IMPORT_ROWS
    yield {"ready": ready, "demo": source, "csv": root / "hoso.csv"}


def copy_of(template: Path, target: Path) -> Path:
    shutil.copy(template, target)
    return target


# -- 1. saving at the desk --------------------------------------------------------------------------------


def with_a_visitor(kill: Kill) -> Kill:
    """The same kills while another process opens and closes the file again and again (``cchc check``, a
    backup, a second window): the interleaving that lost commits when this process itself had dropped its
    locks (issue 13)."""

    def killed(args: list[str], workdir: Path, rng: random.Random) -> Run:
        visitor = _start(["visit", args[1]], workdir / "visitor-stderr.txt")
        try:
            return kill(args, workdir, rng)
        finally:
            visitor.kill()
            visitor.communicate(timeout=60)

    return killed


@pytest.mark.parametrize("company", ["alone", "with another process opening the file"])
def test_killed_while_registering_dossiers_one_by_one(files: dict[str, Path], tmp_path: Path, company: str) -> None:
    """Each registration (dossier, received event, code counter, search index, audit entry) is one
    transaction: after the kill the file holds exactly the registrations committed, each one whole. With
    company, another process opens and closes the file all along and this one re-opens it every 25 commits."""
    found: list[int] = []
    visited = company != "alone"

    def prepare(workdir: Path) -> list[str]:
        return ["register", str(copy_of(files["ready"], workdir / "cchc.sqlite3")), str(REGISTRATIONS),
                *(["--reopen-every", "25"] if visited else [])]

    _duration, calibration = calibrate(prepare, tmp_path)
    assert inspect(calibration / "cchc.sqlite3").counts["dossier"] == REGISTRATIONS

    def check(run: Run, workdir: Path) -> str:
        path = workdir / "cchc.sqlite3"
        state = inspect(path)
        saved = int(run.last("SAVED") or 0)
        n = state.counts["dossier"]
        # the last commit may have landed just before its "SAVED" line could be printed
        assert n in (saved, saved + 1), (n, saved)
        con = sqlite3.connect(path)
        try:
            assert con.execute("SELECT count(*) FROM dossier_event WHERE kind = 'received'").fetchone()[0] == n
            assert con.execute("SELECT count(*) FROM dossier_event").fetchone()[0] == n
            assert con.execute(
                "SELECT count(*) FROM dossier d WHERE (SELECT count(*) FROM dossier_event e"
                " WHERE e.dossier_id = d.id AND e.kind = 'received') <> 1").fetchone()[0] == 0
            codes = [r[0] for r in con.execute("SELECT code FROM dossier ORDER BY id")]
            assert codes == [f"{CODE_PREFIX}{seq:04d}" for seq in range(1, n + 1)]  # unique and gap-free
            counter = con.execute("SELECT last_seq FROM dossier_code_counter WHERE prefix = ? AND day = ?",
                                  [UNIT_CODE, REGISTER_AT.date().isoformat()]).fetchone()
            assert (counter[0] if counter else 0) == n
            assert state.counts["dossier_code_counter.last_seq"] == n
            assert con.execute("SELECT count(*) FROM dossier_fts WHERE dossier_fts MATCH 'ung'").fetchone()[0] == n
            if "dossier_fts_docsize" in state.counts:  # the index keeps no column sizes since m0006
                assert state.counts["dossier_fts_docsize"] == n
            audited = con.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit_dossier_insert'").fetchone()
            if audited:  # the audit trail, where the schema has it, is written in the same transaction
                assert con.execute("SELECT count(*) FROM audit_log WHERE table_name = 'dossier'"
                                   " AND action = 'insert'").fetchone()[0] == n
        finally:
            con.close()
        reopen(path)
        found.append(n)
        if not run.during:
            assert n == REGISTRATIONS
            return "after: all saved"
        return "during: committed + 1 not yet said" if n == saved + 1 else "during: as committed"

    kill = kill_at_progress(REGISTRATIONS)
    kill_loop("registrations", 4, prepare, check, tmp_path, with_a_visitor(kill) if visited else kill,
              enough=lambda seen: len({n for n in found if 0 < n < REGISTRATIONS}) >= 3)


# -- 2. an import of 3,000 rows ----------------------------------------------------------------------------


def test_killed_during_an_import_leaves_none_or_all_of_the_rows(files: dict[str, Path], tmp_path: Path) -> None:
    def prepare(workdir: Path) -> list[str]:
        path = copy_of(files["ready"], workdir / "cchc.sqlite3")
        return ["cli", "--db", str(path), "import", "dossiers", str(files["csv"])]

    duration, calibration = calibrate(prepare, tmp_path)
    before, after = inspect(files["ready"]), inspect(calibration / "cchc.sqlite3")
    assert (before.counts["dossier"], after.counts["dossier"]) == (0, IMPORT_ROWS)

    def check(run: Run, workdir: Path) -> str:
        """The file as the kill left it, then as the next opening leaves it: an import staged but not ready is
        discarded, one ready is finished (db.queries.staging); the user only ever sees before or after."""
        path = workdir / "cchc.sqlite3"
        raw = inspect(path)
        staged, ready = _staged_rows(path), _ready_batches(path)
        moved = raw.counts["dossier"] - before.counts["dossier"]
        assert 0 <= moved <= IMPORT_ROWS, moved
        if 0 < moved < IMPORT_ROWS:  # rows arrive only from a ready batch; every row not yet moved is still staged
            assert ready == 1 and moved + staged == IMPORT_ROWS, (moved, staged, ready)
        elif moved == IMPORT_ROWS:
            assert staged == 0, staged
        reopen(path)
        state = classify(inspect(path), before, after, "a killed import, reopened")
        left = "ready, finished by the next opening" if ready else "staged, discarded by the next opening"
        return state + (f" ({left})" if staged or ready else "")

    kill_loop("import", 8, prepare, check, tmp_path, TimedKills(duration), enough=killed_before_the_end)


def _ready_batches(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT count(*) FROM import_batch WHERE state = 'ready'").fetchone()[0]
    finally:
        con.close()


def _staged_rows(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT coalesce(sum(rows), 0) FROM import_chunk").fetchone()[0]
    finally:
        con.close()


# -- 3. a migration --------------------------------------------------------------------------------------


def _old_database(path: Path) -> Path:
    """A file of the first schema version (only m0001 applied), with a unit and many dossiers."""
    db = Database(path)
    m.MIGRATIONS.apply(db, stop_before="m0002_default_criteria")
    with db.atomic():
        db.execute("INSERT INTO setting (key, value) VALUES ('unit.name', 'UBND xã Cũ')")
        db.execute("INSERT INTO field (id, name, name_folded) VALUES (1, 'Hộ tịch', 'ho tich')")
        db.execute("INSERT INTO procedure (id, code, name, name_folded, field_id, time_limit, time_limit_unit)"
                   " VALUES (1, ?, 'Đăng ký khai sinh', 'dang ky khai sinh', 1, 3, 'working_days')", [PROCEDURE])
        db.conn.executemany(
            "INSERT INTO dossier (id, code, procedure_id, applicant_name, applicant_folded, phone, channel,"
            " received_at, due_at, status) VALUES (?, ?, 1, ?, ?, '0912345678', 'direct', '2023-05-04T08:00',"
            " '2023-05-09T17:00', 'received')",
            [(i, f"H56-230504-{i:06d}", f"Nguyễn Văn {i}", f"nguyen van {i}") for i in range(1, OLD_DOSSIERS + 1)])
        db.conn.executemany(
            "INSERT INTO dossier_event (dossier_id, kind, at, to_status) VALUES (?, 'received', '2023-05-04T08:00',"
            " 'received')", [(i,) for i in range(1, OLD_DOSSIERS + 1)])
    db.close()
    return path


def test_killed_during_a_migration_leaves_the_old_schema_or_the_new_one(tmp_path: Path) -> None:
    old = _old_database(tmp_path / "old.sqlite3")
    before = inspect(old)
    assert before.applied == ("m0001_initial",)

    def prepare(workdir: Path) -> list[str]:
        return ["cli", "--db", str(copy_of(old, workdir / "cchc.sqlite3")), "migrate"]

    duration, calibration = calibrate(prepare, tmp_path)
    after = inspect(calibration / "cchc.sqlite3")
    assert after.applied == tuple(m.known_names()) and after.user_version == len(after.applied)
    data_tables = [name for name in before.counts if name != "audit_log"]

    def check(run: Run, workdir: Path) -> str:
        path = workdir / "cchc.sqlite3"
        part_left = list((workdir / "backups").glob("*.part"))  # before reopening makes a copy of its own
        problems = []
        try:
            for copy in whole_copies(workdir / "backups"):  # the copy made before migrating, if any, is whole
                assert inspect(copy).applied == before.applied, copy.name
        except AssertionError as exc:
            problems.append(str(exc).splitlines()[0])
        state = inspect(path)
        if state.applied == before.applied:
            assert state == before, "the old schema was changed without its migrations being recorded"
            result = "before"
        elif state.applied == after.applied:
            assert state.without_audit_triggers() == after.without_audit_triggers()
            assert {name: state.counts[name] for name in data_tables} == {
                name: after.counts[name] for name in data_tables}
            result = "after"
            if state.user_version != after.user_version or state.counts["audit_log"] != after.counts["audit_log"]:
                problems.append(f"every migration applied, but user_version {state.user_version} and "
                                f"{state.counts['audit_log']} audit entries (want {after.user_version} and "
                                f"{after.counts['audit_log']})")
        else:
            result = f"between: {len(state.applied)} of {len(after.applied)} migrations applied"
            problems.append(f"the database was left {result}")
        # whatever the kill left, the next opening brings the file to the new schema with every row
        reopen(path)
        again = inspect(path)
        assert again.schema == after.schema, "reopened, the schema is not that of a whole migration"
        assert {name: again.counts[name] for name in data_tables} == {
            name: after.counts[name] for name in data_tables}
        if again.user_version != after.user_version:
            problems.append(f"reopened, user_version stays {again.user_version}")
        assert not problems, "; ".join(problems)
        return result + (", a .part of the copy left" if part_left else "")

    kill_loop("migration", 7, prepare, check, tmp_path, TimedKills(duration), enough=killed_before_the_end)


# -- 4. a backup -----------------------------------------------------------------------------------------


def test_a_killed_backup_never_leaves_a_half_copy_under_a_backup_name(files: dict[str, Path], tmp_path: Path) -> None:
    source = files["demo"]
    expected = inspect(source)

    def prepare(workdir: Path) -> list[str]:
        return ["cli", "--db", str(source), *DEMO_ADMIN, "backup", "--to", str(workdir / "copies")]

    duration, calibration = calibrate(prepare, tmp_path)
    assert len(whole_copies(calibration / "copies")) == 1

    def records(state: State) -> dict[str, int]:
        """The counts of everything but the audit trail and the sign-ins' account rows, which every backup adds
        to (a sign-in and a backup are written into the trail: issue 14)."""
        return {name: count for name, count in state.counts.items() if name != "audit_log"}

    def check(run: Run, workdir: Path) -> str:
        copies = whole_copies(workdir / "copies")
        assert len(copies) <= 1
        for copy in copies:
            assert records(inspect(copy)) == records(expected)
        assert records(inspect(source)) == records(expected)  # the records themselves are only read
        leftovers = sorted(p.name for p in (workdir / "copies").glob("*.part*")) if copies == [] else []
        if copies:
            return "after: one whole copy"
        return "before: no copy" + (", a .part left" if leftovers else "")

    kill_loop("backup", 4, prepare, check, tmp_path, TimedKills(duration), enough=killed_before_the_end)


# -- 5. a restore ----------------------------------------------------------------------------------------


def test_a_killed_restore_leaves_the_old_database_or_the_restored_one(files: dict[str, Path], tmp_path: Path) -> None:
    copy = files["demo"]  # the copy restored: IMPORT_ROWS dossiers, where the live database has none

    def prepare(workdir: Path) -> list[str]:
        return ["cli", "--db", str(copy_of(files["ready"], workdir / "cchc.sqlite3")), "restore", str(copy)]

    duration, calibration = calibrate(prepare, tmp_path)
    before, after = inspect(files["ready"]), inspect(calibration / "cchc.sqlite3")
    assert (before.counts["dossier"], after.counts["dossier"]) == (0, IMPORT_ROWS)

    # the copy of the live database taken first is written into its audit trail (issue 14): one entry more
    recorded = {**before.counts, "audit_log": before.counts["audit_log"] + 1}

    def check(run: Run, workdir: Path) -> str:
        path = workdir / "cchc.sqlite3"
        wal = path.with_name(path.name + "-wal")
        pending = wal.stat().st_size if wal.exists() else 0  # read before SQLite recovers (and drops) it
        raw = inspect(path)
        state = "before, the copy taken first" if raw.counts == recorded else classify(
            raw, before, after, "a killed restore")
        for previous in whole_copies(workdir / "backups"):  # the copy of the live database made first
            assert inspect(previous).counts == before.counts
        reopen(path)
        assert inspect(path).counts == (after.counts if state == "after" else raw.counts)
        if state.startswith("before") and pending:
            return state + ", the restore's uncommitted pages in the WAL"
        return state

    kill_loop("restore", 6, prepare, check, tmp_path, TimedKills(duration), enough=killed_before_the_end)
