"""Versioned schema migrations (run by sqlite-utils' ``Migrations``), each one transaction with its record.

A migration that has landed is never edited: the next change is a new function here and, where it is
plain SQL, a new file in ``db/sql/``. The steps are listed here without sqlite-utils (``known_names``: what
every opening compares with the file); its runner is built only when one is to run (``program_migrations``,
also ``MIGRATIONS``).
"""

from __future__ import annotations

import csv
import functools
import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from db import import_sqlite_utils
from db.handle import Database

if TYPE_CHECKING:
    from sqlite_utils.migrations import Migrations

SQL_DIR = Path(__file__).with_name("sql")
REFERENCE_DIR = Path(__file__).with_name("reference")

SET_NAME = "cchc"  # the migration set's name in sqlite-utils' table of applied migrations
MIGRATIONS_TABLE = "_sqlite_migrations"  # that table (sqlite-utils' ``Migrations.migrations_table``)
_STEPS: list[tuple[str, Callable[[Database], None]]] = []
# The first migration after which every record has entries of its own: a database upgraded across it may hold
# records without any (demo data, the dossiers' events), which the replay of the trail does not vouch for.
UNLOGGED_BEFORE = "m0011_history_append_only"
# Migrations that change rows of audited tables without per-row entries, and which tables (none so far).
REWRITES: dict[str, tuple[str, ...]] = {}


def split_statements(script: str) -> Iterator[str]:
    """The complete statements of an SQL script, one at a time (triggers kept whole).

    ``executescript`` would commit the migration's transaction, so statements are run one by one.
    """
    buffer: list[str] = []
    for line in script.splitlines(keepends=True):
        if not buffer and (not line.strip() or line.lstrip().startswith("--")):
            continue
        buffer.append(line)
        statement = "".join(buffer)
        if sqlite3.complete_statement(statement):
            yield statement.strip()
            buffer = []
    if "".join(buffer).strip():
        raise ValueError("SQL script ends inside a statement")


def run_sql_file(db: Database, name: str) -> None:
    for statement in split_statements((SQL_DIR / name).read_text(encoding="utf-8")):
        db.execute(statement)


def migration(name: str) -> Callable[[Callable[[Database], None]], Callable[[Database], None]]:
    """Register the function as the next step of the schema, called ``name``."""
    def register(step: Callable[[Database], None]) -> Callable[[Database], None]:
        _STEPS.append((name, step))
        return step

    return register


@functools.cache
def program_migrations() -> Migrations:
    """sqlite-utils' runner with every step, in order (its library imported now)."""
    import_sqlite_utils()
    from sqlite_utils.migrations import Migrations

    runner = Migrations(SET_NAME)
    for name, step in _STEPS:
        runner(name=name)(cast(Any, step))  # (the runner hands each step the Database given to it: the program's)
    return runner


def __getattr__(name: str) -> Any:  # ``MIGRATIONS``: the runner, built when first asked for
    if name == "MIGRATIONS":
        return program_migrations()
    raise AttributeError(name)


def _new_id() -> str:
    """A random id (uuid imported here, not at every start of the window: with platform, ~2.5 ms)."""
    import uuid

    return uuid.uuid4().hex


def read_reference(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@migration("m0001_initial")
def m0001_initial(db: Database) -> None:
    run_sql_file(db, "0001_initial.sql")


@migration("m0002_default_criteria")
def m0002_default_criteria(db: Database) -> None:
    """The default survey questionnaire (SIPAS) and discipline checklist of DOMAIN.md, as editable data."""
    for position, row in enumerate(read_reference("survey_criteria.csv"), start=1):
        db.execute(
            "INSERT INTO survey_criterion (code, aspect, aspect_name, text, position) VALUES (?, ?, ?, ?, ?)",
            [row["code"], int(row["aspect"]), row["aspect_name"], row["text"], position],
        )
    for position, row in enumerate(read_reference("inspection_criteria.csv"), start=1):
        db.execute(
            "INSERT INTO inspection_criterion (code, text, position) VALUES (?, ?, ?)",
            [row["code"], row["text"], position],
        )


@migration("m0003_register_search")
def m0003_register_search(db: Database) -> None:
    run_sql_file(db, "0003_register_search.sql")


@migration("m0004_dossier_long_lived")
def m0004_dossier_long_lived(db: Database) -> None:
    run_sql_file(db, "0004_dossier_long_lived.sql")


@migration("m0005_report_section_draft")
def m0005_report_section_draft(db: Database) -> None:
    run_sql_file(db, "0005_report_section_draft.sql")


@migration("m0006_compact_dossier_indexes")
def m0006_compact_dossier_indexes(db: Database) -> None:
    run_sql_file(db, "0006_compact_dossier_indexes.sql")


@migration("m0007_form_draft")
def m0007_form_draft(db: Database) -> None:
    run_sql_file(db, "0007_form_draft.sql")


@migration("m0008_audit_log_lean")
def m0008_audit_log_lean(db: Database) -> None:
    # The audited tables' triggers name audit_log in their bodies: renaming the new table to that name must
    # leave them as they are (no check of the schema while audit_log is briefly missing).
    db.execute("PRAGMA legacy_alter_table = ON")
    try:
        run_sql_file(db, "0008_audit_log_lean.sql")
    finally:
        db.execute("PRAGMA legacy_alter_table = OFF")


@migration("m0009_import_staging")
def m0009_import_staging(db: Database) -> None:
    run_sql_file(db, "0009_import_staging.sql")


@migration("m0010_finite_manual_values")
def m0010_finite_manual_values(db: Database) -> None:
    """A typed-in row stored as infinite by an earlier version (``cchc report-value --value inf`` was accepted)
    broke every later report and any change of the row: such values are removed (the row is empty again, to
    be typed anew). NaN cannot be stored (SQLite keeps NULL, refused by NOT NULL)."""
    db.execute("DELETE FROM report_manual_value WHERE abs(value) > 1.7976931348623157e308")


@migration("m0011_history_append_only")
def m0011_history_append_only(db: Database) -> None:
    """The dossiers' events append-only (and audited, by the generated triggers); the database's own id, which
    the anchors of its audit trail kept outside the file name (backup manifests, the seal file, reports)."""
    run_sql_file(db, "0011_history_append_only.sql")
    db.execute("INSERT INTO setting (key, value) VALUES ('audit.database_id', ?) ON CONFLICT DO NOTHING",
               [_new_id()])


@migration("m0012_papers_2025")
def m0012_papers_2025(db: Database) -> None:
    """The papers of Thông tư 03/2025: the ledgers by field, the numbered papers, how a result is taken and who
    files for another (db/sql/0012_papers_2025.sql)."""
    run_sql_file(db, "0012_papers_2025.sql")


@migration("m0013_calendar_day_limits")
def m0013_calendar_day_limits(db: Database) -> None:
    """Time limits in calendar days («30 ngày», DOMAIN.md §3), besides working days, working hours and the same
    day: the procedure table's CHECK widened to take 'calendar_days' (the stored procedures keep their unit:
    today's «working days» stay working days); and the decision that published each procedure.

    A CHECK only widened changes no stored row: the table's schema text is rewritten in place (SQLite, "ALTER
    TABLE", §7, the simpler procedure for changes that do not touch the stored format) rather than the table
    copied, which the dossiers' foreign keys forbid inside the migration's transaction."""
    widen_check(db, "procedure", "time_limit_unit IN ('working_days', 'working_hours', 'same_day')",
                "time_limit_unit IN ('working_days', 'working_hours', 'same_day', 'calendar_days')")
    db.execute("ALTER TABLE procedure ADD COLUMN published_by TEXT")


def widen_check(db: Database, table: str, old: str, new: str) -> None:
    """Rewrite ``table``'s CHECK text ``old`` as the wider ``new`` in place (SQLite, "ALTER TABLE", §7: a change
    that no stored row can violate); DatabaseError when the table's schema does not hold ``old``."""
    sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone()[0]
    found = re.search(r"\s+".join(re.escape(word) for word in old.split()), sql)  # across the file's line breaks
    if found is None:
        raise sqlite3.DatabaseError(f"the {table} table is not as expected: its CHECK {old!r} is missing")
    version = db.execute("PRAGMA schema_version").fetchone()[0]
    db.execute("PRAGMA writable_schema = ON")
    try:
        db.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
                   [sql[:found.start()] + new + sql[found.end():], table])
        db.execute(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        db.execute("PRAGMA writable_schema = OFF")


@migration("m0014_procedure_documents")
def m0014_procedure_documents(db: Database) -> None:
    """Each procedure's document checklist (db/sql/0014_procedure_documents.sql). A unit's catalogue gets no
    checklist of ours: it keeps what it has until its officer writes one or imports the catalogue with it."""
    run_sql_file(db, "0014_procedure_documents.sql")


@migration("m0015_undo_steps")
def m0015_undo_steps(db: Database) -> None:
    """The last step of a dossier undone (issue 18): an 'undone' event that names the step it undoes, the history
    as the counting reads it (``dossier_history``: without the undone steps and the undos), db/sql/0015."""
    widen_check(db, "dossier_event", "'apologised', 'corrected', 'printed', 'note'))",
                "'apologised', 'corrected', 'printed', 'note', 'undone'))")
    run_sql_file(db, "0015_undo_steps.sql")


@migration("m0016_import_mappings")
def m0016_import_mappings(db: Database) -> None:
    """The column mappings of imports, saved under a name (issue 19, db/sql/0016_import_mappings.sql)."""
    run_sql_file(db, "0016_import_mappings.sql")


@migration("m0017_digitisation_fees")
def m0017_digitisation_fees(db: Database) -> None:
    """Scanned files of documents and results, fees as numbers and as collected, filings by residents of another
    commune and dossiers handed to another unit (issue 21, db/sql/0017_digitisation_fees.sql). New columns only:
    no stored row changes."""
    run_sql_file(db, "0017_digitisation_fees.sql")


def known_names(migrations: Migrations | None = None) -> list[str]:
    """Names of the migrations this version of the program knows (or ``migrations`` holds), in order."""
    if migrations is None:
        return [name for name, _step in _STEPS]
    return [step.name for step in migrations._migrations]
