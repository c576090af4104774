"""A large import in short transactions (``import_batch``, ``import_chunk``, ``import_code``; see
db/sql/0009_import_staging.sql).

The import's rows, checked and prepared by the service, are staged chunk by chunk (``stage``), the batch is
then marked ready in one transaction that checks the staged codes against the register once more
(``mark_ready``), and the rows are moved into the register chunk by chunk (``move``): new dossiers with their
events, apology letters, search index and audit entries; changed dossiers with their «corrected» event. Each
chunk is its own transaction, so the desk waits at most one chunk for the write lock, never the whole import.

A batch is all or nothing for its user: a batch killed while staging is discarded by the next opening of the
file (``recover``); one killed once ready is finished by it. A batch's process is gone when it is this host's
and its pid is no longer running, or when it has been silent for ``SILENT_S`` seconds, by the database's clock
(a server's, which the hosts of its desks share: their own clocks may differ).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from db import audit
from db.errors import StorageError, StorageProblem, location, writing
from db.handle import Database
from db.queries import bulk, papers
from db.queries import transfer as queries

SILENT_S = 120.0
CHUNK_ROWS = 5_000  # ~0.2–0.3 s of moving a chunk of new dossiers in, on the 2-core machine
PAUSE_S = 0.01  # between two chunks: a waiting desk (trying every 2 ms, db.errors.begin_immediate) gets the lock

NEW, CHANGED = 0, 1  # the first item of a staged row
PROCEDURE_ID, RECEIVED_AT = 0, 7  # in a new row's values


def _host() -> str:
    """This machine's name (socket imported here: not at every start of the window, ~3 ms)."""
    import socket

    return socket.gethostname()


def new_row(values: list[object], letter: list[object] | None = None,
            letter_event: list[object] | None = None, *, events: list[list[object]] | None = None) -> list[object]:
    """A new dossier to stage: ``INSERT_DOSSIER``'s values after the id and the code (its receipt, the 8th, gives
    the day of the code it gets when it has none), with its apology letter and event and its other events (a
    supplement round), less their dossier id."""
    return [NEW, values, letter, letter_event, events or []]


def changed_row(values: list[object], events: list[list[object]], letter: list[object] | None = None,
                letter_date: list[object] | None = None) -> list[object]:
    """A stored dossier to change: ``UPDATE_DOSSIER``'s values, its events, and a new letter or a letter's date."""
    return [CHANGED, values, events, letter, letter_date]


@dataclass(frozen=True)
class Batch:
    id: int
    file: str
    state: str
    started_at: str
    actor: str
    user_id: int | None
    host: str
    pid: int
    silent_s: float  # since its last heartbeat (``_beat``)

    def describe(self) -> str:
        """«tệp hoso.csv, do … bắt đầu lúc 09:30:05 06/12/2026»: what a waiting user is told."""
        at = datetime.fromisoformat(self.started_at)
        return f"«{self.file}», {self.actor}, {at:%H:%M:%S %d/%m/%Y}"

    def written_through(self, db: Database) -> bool:
        """``db`` is the handle writing it now (the import itself, not a desk of the same process)."""
        return self.host == _host() and self.pid == os.getpid() and _moving.get(self.id) == id(db)

    @property
    def alive(self) -> bool:
        """Its process still runs (or, on another host, spoke within ``SILENT_S`` seconds)."""
        if self.silent_s > SILENT_S:
            return False
        if self.host != _host():
            return True
        return _running(self.pid, self.id)


_moving: dict[int, int] = {}  # the batches this process is writing now → id() of the handle writing each


def _running(pid: int, batch_id: int) -> bool:
    if pid == os.getpid():
        return batch_id in _moving  # else left by an import of this process that failed
    if os.name == "nt":  # os.kill would end it: trust the heartbeat there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _batch(row: Sequence[Any]) -> Batch:
    """A row of ``_BATCHES`` (sqlite3's values: ints, a float, texts)."""
    batch_id, file, state, started_at, actor, user_id, host, pid, silent_s = row
    return Batch(int(batch_id), str(file), str(state), str(started_at), str(actor),
                 None if user_id is None else int(user_id), str(host), int(pid), float(silent_s))


def _now(db: Database) -> str:
    """The database's clock as unix time with its fraction, in SQL (``beat_at``'s unit)."""
    if db.dialect == "sqlite":
        return "((julianday('now') - 2440587.5) * 86400.0)"
    return "extract(epoch FROM clock_timestamp())::double precision"


def _batches_sql(db: Database) -> str:
    return ("SELECT id, file, state, started_at, actor, user_id, host, pid,"
            f" {_now(db)} - beat_at FROM import_batch ORDER BY id")


def has_tables(db: Database) -> bool:
    return "import_batch" in db.table_names()


def batches(db: Database) -> list[Batch]:
    if not has_tables(db):
        return []
    return [_batch(row) for row in db.execute(_batches_sql(db)).fetchall()]


def running(db: Database) -> Batch | None:
    """The import under way now (by a process still alive), if any."""
    return next((batch for batch in batches(db) if batch.alive), None)


def refuse_while_running(db: Database) -> None:
    """StorageError(IMPORTING) while another import of this file is under way: one at a time."""
    batch = running(db)
    if batch is not None:
        raise StorageError(StorageProblem.IMPORTING, location(db), batch.describe())


# -- writing a batch ------------------------------------------------------------------------------------


def begin(db: Database, *, file: str, unit_code: str, pattern: str, source: str) -> int:
    """A new batch, staging; its actor is the connection's."""
    actor = audit.actor_of(db)
    with writing(db):
        batch_id = int(db.execute(
            "INSERT INTO import_batch (file, state, started_at, beat_at, host, pid, user_id, actor, unit_code,"
            f" pattern, source) VALUES (?, 'staging', ?, {_now(db)}, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [file, datetime.now().isoformat(timespec="seconds"), _host(), os.getpid(),
             actor.user_id, actor.name, unit_code, pattern, source],
        ).fetchone()[0])
    _moving[batch_id] = id(db)
    return batch_id


@contextmanager
def checkpoint_at_end(db: Database) -> Iterator[None]:
    """No automatic checkpoint after each chunk's commit (each would copy back pages the next chunks write
    again: 0.7 s of an import of 100,000 rows), one passive checkpoint at the end instead, so that the next
    commit of a desk does not inherit the whole import's WAL. A server has no such file: nothing to do there."""
    if db.dialect != "sqlite":
        yield
        return
    before = db.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    db.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        db.execute(f"PRAGMA wal_autocheckpoint = {int(before)}")
        with contextlib.suppress(sqlite3.Error):  # busy, or the disk: the next commit's checkpoint does it
            db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


def release(batch_id: int) -> None:
    """This process no longer writes the batch (done, discarded, or left to the next opening after a failure)."""
    _moving.pop(batch_id, None)


def stage(db: Database, batch_id: int, rows: Iterable[tuple[str | None, list[object]]]) -> int:
    """Stage (code, payload) rows in chunks of ``CHUNK_ROWS``, each chunk one row of ``import_chunk`` (and its
    codes in ``import_code``) written in its own short transaction; returns the rows staged."""
    staged = 0
    for seq, chunk in enumerate(_chunks(rows, CHUNK_ROWS), start=1):
        payload = json.dumps(chunk, ensure_ascii=False, separators=(",", ":"))
        codes = [(code, batch_id) for code, _values in chunk if code]
        for attempt in _attempts():
            with attempt, writing(db):
                _beat(db, batch_id)
                db.execute("INSERT INTO import_chunk (batch_id, seq, rows, payload) VALUES (?, ?, ?, ?)",
                           [batch_id, seq, len(chunk), payload])
                bulk.executemany(db, "INSERT INTO import_code (code, batch_id) VALUES (?, ?)", codes)
        staged += len(chunk)
        time.sleep(PAUSE_S)
    return staged


def taken_codes(db: Database, batch_id: int) -> list[str]:
    """Codes of the batch's new dossiers that the register holds by now (another window, another import)."""
    return [row[0] for row in db.execute(
        "SELECT c.code FROM import_code c JOIN dossier d ON d.code = c.code WHERE c.batch_id = ? ORDER BY c.code",
        [batch_id])]


def mark_ready(db: Database, batch_id: int) -> list[str]:
    """One short transaction: the batch is ready (the import is done for its user) unless a code it brings was
    taken meanwhile; returns those codes (and the batch stays staging) when any was."""
    with writing(db):
        _beat(db, batch_id)  # a write first: the lock taken before anything is read (no stale snapshot)
        clashes = taken_codes(db, batch_id)
        if not clashes:
            db.execute("UPDATE import_batch SET state = 'ready' WHERE id = ?", [batch_id])
    return clashes


def discard(db: Database, batch_id: int) -> None:
    """Remove a batch and what it staged (an import refused, or abandoned before it was ready), a few chunks
    a transaction."""
    while True:
        with writing(db):
            gone = db.execute(
                "DELETE FROM import_chunk WHERE batch_id = ? AND seq IN (SELECT seq FROM import_chunk"
                " WHERE batch_id = ? ORDER BY seq LIMIT 4)", [batch_id, batch_id]).rowcount
            if not gone:
                db.execute("DELETE FROM import_code WHERE batch_id = ?", [batch_id])
                db.execute("DELETE FROM import_batch WHERE id = ?", [batch_id])
                return


def move(db: Database, batch_id: int) -> int:
    """Move a ready batch into the register, chunk by chunk; the batch removed at the end. Returns the rows
    moved (by this call: another process may move some of them too, each chunk once)."""
    moved = 0
    while True:
        for attempt in _attempts():
            with attempt, writing(db):
                done = _move_chunk(db, batch_id)
        if done < 0:
            return moved
        moved += done
        time.sleep(PAUSE_S)


ATTEMPTS = 4
# What a chunk moved in writes that a desk writes too, in the desk's order (the day's code counter, the ledgers,
# then the dossier: db/queries/dossiers.py): held for the chunk's transaction (``bulk.hold``).
HELD = ("dossier_code_counter", "ledger_book", "dossier")


class _Attempt:
    """One try of a chunk's transaction: a lock held by others past the busy timeout (a desk, a long report)
    is waited out again, up to ``ATTEMPTS`` times, before the import gives up (a background job may wait)."""

    def __init__(self, last: bool) -> None:
        self.last, self.done = last, False

    def __enter__(self) -> _Attempt:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> bool:
        if exc is None:
            self.done = True
            return False
        locked = isinstance(exc, StorageError) and exc.problem is StorageProblem.LOCKED
        return locked and not self.last  # swallowed: the next attempt runs


def _attempts() -> Iterator[_Attempt]:
    for number in range(ATTEMPTS):
        attempt = _Attempt(last=number == ATTEMPTS - 1)
        yield attempt
        if attempt.done:
            return


def _beat(db: Database, batch_id: int) -> None:
    db.execute(f"UPDATE import_batch SET beat_at = {_now(db)} WHERE id = ?", [batch_id])


def _move_chunk(db: Database, batch_id: int) -> int:
    """Inside a transaction: move the batch's next chunk; -1 when none is left (the batch then removed)."""
    _beat(db, batch_id)  # a write first: the lock taken before anything is read (no stale snapshot)
    bulk.hold(db, *HELD)
    head = db.execute("SELECT user_id, actor, unit_code, pattern, source FROM import_batch WHERE id = ?",
                      [batch_id]).fetchone()
    if head is None:
        return -1
    user_id, actor, unit_code, pattern, source = head
    chunk = db.execute("SELECT seq, payload FROM import_chunk WHERE batch_id = ? ORDER BY seq LIMIT 1",
                       [batch_id]).fetchone()
    if chunk is None:
        db.execute("DELETE FROM import_batch WHERE id = ?", [batch_id])
        return -1
    seq, payload = chunk
    rows = [(code, values) for code, values in json.loads(payload)]
    with _acting(db, actor, user_id):
        _write(db, rows, unit_code, pattern, source, user_id)
    db.execute("DELETE FROM import_code WHERE code IN (SELECT value FROM json_each(?))",
               [json.dumps([code for code, _values in rows if code])])
    db.execute("DELETE FROM import_chunk WHERE batch_id = ? AND seq = ?", [batch_id, seq])
    return len(rows)


@contextmanager
def _acting(db: Database, name: str, user_id: int | None) -> Iterator[None]:
    """The batch's entries under the actor who started it (a recovery runs in another session)."""
    actor = audit.actor_of(db)
    before = actor.name, actor.user_id
    actor.name, actor.user_id = name, user_id
    try:
        yield
    finally:
        actor.name, actor.user_id = before


def _write(db: Database, rows: list[tuple[str | None, list]], unit_code: str, pattern: str, source: str,
           user_id: int | None) -> None:
    """New dossiers (codes given in order to those without one, and their lines in the ledgers), their history and
    letters; then the changes."""
    first_id = next_id = bulk.take_ids(db, "dossier", sum(1 for _code, row in rows if row[0] == NEW))
    dossiers, letters, events = [], [], []
    codes = _Codes(db, unit_code, pattern)
    ledger = papers.LedgerLines(db)
    changed = []
    for code, row in rows:
        if row[0] != NEW:
            changed.append(row)
            continue
        _kind, values, letter, letter_event, *more = row  # (a row staged before supplements has four items)
        dossier_id, next_id = next_id, next_id + 1
        received_at = values[RECEIVED_AT]
        dossiers.append((dossier_id, code or codes.next(received_at[:10]), *values,
                         *ledger.line(values[PROCEDURE_ID], received_at)))
        if letter:
            letters.append((dossier_id, *letter))
            events.append((dossier_id, *letter_event))
        events.extend((dossier_id, *event) for event in (more[0] if more else ()))
    codes.save()
    ledger.save()
    queries.insert_dossiers(db, dossiers)  # (their ids from ``bulk.take_ids``: the register is held, ``HELD``)
    if dossiers:
        queries.insert_history(db, first_id, user_id, source)
    bulk.executemany(db, queries.UPDATE_DOSSIER, [row[1] for row in changed])
    queries.set_apology_date(db, [row[4] for row in changed if row[4]])
    for _kind, _values, changed_events, letter, _date in changed:
        events.extend(changed_events)
        if letter:
            letters.append(letter)
    bulk.executemany(db, queries.INSERT_EVENT, events)
    bulk.executemany(db, bulk.INSERT_APOLOGY, letters)


class _Codes:
    """The next codes of each day of receipt, gap-free, after the day's counter (as the desk numbers them), a
    number the register or a staged import already holds skipped."""

    def __init__(self, db: Database, unit_code: str, pattern: str) -> None:
        self.db, self.unit, self.pattern = db, unit_code, pattern
        self.last: dict[str, int] = {}

    def next(self, day: str) -> str:
        seq = self.last.get(day)
        if seq is None:
            row = self.db.execute("SELECT last_seq FROM dossier_code_counter WHERE prefix = ? AND day = ?",
                                  [self.unit, day]).fetchone()
            seq = row[0] if row else 0
        yymmdd = date.fromisoformat(day).strftime("%y%m%d")
        while True:
            seq += 1
            code = self.pattern.format(unit=self.unit, yymmdd=yymmdd, seq=seq)
            if not code_taken(self.db, code):
                break
        self.last[day] = seq
        return code

    def save(self) -> None:
        bulk.executemany(self.db, bulk.UPSERT_CODE_COUNTER, [(self.unit, day, seq) for day, seq in self.last.items()])


def code_taken(db: Database, code: str) -> bool:
    """The register holds ``code``, or an import being moved in brings it."""
    try:
        return db.execute(
            "SELECT 1 FROM dossier WHERE code = :code UNION ALL SELECT 1 FROM import_code WHERE code = :code LIMIT 1",
            {"code": code}).fetchone() is not None
    except sqlite3.OperationalError:  # a schema from before m0009 (an upgrade test): no import is staged there
        # (SQLite's only: a server's schema starts at m0017, and its error would have ended the transaction)
        return db.execute("SELECT 1 FROM dossier WHERE code = ?", [code]).fetchone() is not None


# -- after a crash --------------------------------------------------------------------------------------


def recover(db: Database) -> tuple[int, int]:
    """Finish the ready batches whose process is gone and discard the staging ones; (finished, discarded)."""
    finished = discarded = 0
    for batch in batches(db):
        if batch.alive:
            continue
        if batch.state == "ready":
            move(db, batch.id)
            finished += 1
        else:
            discard(db, batch.id)
            discarded += 1
    return finished, discarded


def _chunks(rows: Iterable[tuple[str | None, list[object]]], size: int) -> Iterator[list]:
    chunk: list = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
