"""Versioned migrations: fresh, twice, a failing one rolls back, a newer file is refused, an older one upgrades."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from sqlite_utils.migrations import Migrations

from cchc_desktop.domain.choices import Choice
from cchc_desktop.domain.dossiers import EventKind
from cchc_desktop.domain.mappings import ImportKind
from cchc_desktop.domain.papers import PaperKind
from db import migrations as m
from db.connection import open_db, schema_state
from db.errors import StorageError, StorageProblem
from db.handle import Database
from tests.schema_enums import ENUM_COLUMNS, assert_checks_enum, enum_column_id

TABLES = {
    "setting", "user", "field", "procedure", "calendar_override", "dossier", "dossier_document",
    "dossier_event", "dossier_code_counter", "dossier_form", "apology_letter", "desk_refusal",
    "survey_criterion", "survey", "survey_answer", "inspection_criterion", "inspection", "inspection_check",
    "finding", "plan", "plan_task", "directive_document", "report_manual_value", "report", "audit_log",
    "ledger_book", "paper", "procedure_document", "import_mapping", "attachment",
}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def words(text: str) -> str:
    """An FTS5 query requiring every word of ``text``."""
    return " ".join(f'"{word}"' for word in re.findall(r"\w+", text))


def migrations_with(*extra: tuple[str, object]) -> Migrations:
    """The program's migrations plus ``extra`` ones, as a newer (or broken) version would have them."""
    result = Migrations("cchc")
    for migration in m.MIGRATIONS._migrations:
        result(name=migration.name)(migration.fn)
    for name, fn in extra:
        result(name=name)(fn)
    return result


def _upto(stop_before: str) -> Migrations:
    """The program's migrations as the version before ``stop_before`` had them."""
    result = Migrations("cchc")
    for migration in m.MIGRATIONS._migrations:
        if migration.name == stop_before:
            break
        result(name=migration.name)(migration.fn)
    return result


def test_fresh_database_has_every_table_and_nothing_pending(db: Database) -> None:
    assert set(db.table_names()) >= TABLES
    state = schema_state(db)
    assert state.pending == ()
    assert state.applied == tuple(m.known_names())
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(m.known_names())
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_default_questionnaire_and_checklist_are_seeded(db: Database) -> None:
    assert db.execute("SELECT count(*) FROM survey_criterion").fetchone()[0] == 22
    assert db.execute("SELECT count(DISTINCT aspect) FROM survey_criterion").fetchone()[0] == 5
    assert db.execute("SELECT count(*) FROM inspection_criterion").fetchone()[0] == 8


def test_opening_twice_changes_nothing(db_path: Path) -> None:
    before = [tuple(r) for r in sqlite3.connect(db_path).execute("SELECT * FROM _sqlite_migrations")]
    open_db(db_path).close()
    open_db(db_path).close()
    after = [tuple(r) for r in sqlite3.connect(db_path).execute("SELECT * FROM _sqlite_migrations")]
    assert after == before
    assert not (db_path.parent / "backups").exists()


def test_a_failing_migration_rolls_back_and_leaves_a_backup(db_path: Path) -> None:
    db = open_db(db_path)
    db.execute("INSERT INTO setting (key, value) VALUES ('unit.name', 'UBND xã Hoằng Hợp')")
    db.conn.commit()
    db.close()

    def m0003_broken(database: Database) -> None:
        database.execute("CREATE TABLE half_done (x INTEGER)")
        database.execute("INSERT INTO setting (key, value) VALUES ('unit.name', 'trùng khóa')")  # fails

    with pytest.raises(StorageError) as caught:
        open_db(db_path, migrations=migrations_with(("m0003_broken", m0003_broken)))
    assert caught.value.problem is StorageProblem.MIGRATION_FAILED

    db = open_db(db_path)
    assert "half_done" not in db.table_names()
    assert schema_state(db).applied == tuple(m.known_names())
    assert db.execute("SELECT value FROM setting WHERE key = 'unit.name'").fetchone()[0] == "UBND xã Hoằng Hợp"
    db.close()
    backups = list((db_path.parent / "backups").glob("*.sqlite3"))
    assert len(backups) == 1
    copy = sqlite3.connect(backups[0])
    assert copy.execute("SELECT value FROM setting WHERE key = 'unit.name'").fetchone()[0] == "UBND xã Hoằng Hợp"
    copy.close()


def test_a_database_from_a_newer_version_is_refused_untouched(db_path: Path) -> None:
    def m0099_future(database: Database) -> None:
        database.execute("CREATE TABLE future_thing (x INTEGER)")

    open_db(db_path, migrations=migrations_with(("m0099_future", m0099_future))).close()
    before = digest(db_path)
    with pytest.raises(StorageError) as caught:
        open_db(db_path)
    assert caught.value.problem is StorageProblem.TOO_NEW
    assert "m0099_future" in caught.value.detail
    assert digest(db_path) == before


def test_an_older_database_upgrades_with_a_backup_first(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = Database(sqlite3.connect(path))
    m.MIGRATIONS.apply(old, stop_before="m0002_default_criteria")
    old.execute("INSERT INTO setting (key, value) VALUES ('unit.name', 'UBND xã Cũ')")
    old.conn.commit()
    old.close()

    db = open_db(path)
    assert schema_state(db).pending == ()
    assert db.execute("SELECT count(*) FROM survey_criterion").fetchone()[0] == 22
    assert db.execute("SELECT value FROM setting").fetchone()[0] == "UBND xã Cũ"
    db.close()
    (backup,) = (tmp_path / "backups").glob("old-truoc-nang-cap-*.sqlite3")
    copy = sqlite3.connect(backup)
    assert [r[0] for r in copy.execute("SELECT name FROM _sqlite_migrations")] == ["m0001_initial"]
    copy.close()


def test_split_statements_keeps_triggers_whole() -> None:
    script = """
    -- a comment
    CREATE TABLE a (x);
    CREATE TRIGGER t BEFORE DELETE ON a
    BEGIN
        SELECT RAISE(ABORT, 'no; never');
    END;
    INSERT INTO a VALUES (1);
    """
    statements = list(m.split_statements(script))
    assert len(statements) == 3
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")


@pytest.mark.parametrize(("table", "column", "enum"), ENUM_COLUMNS, ids=enum_column_id)
def test_schema_checks_match_the_domain_enums(db: Database, table: str, column: str, enum: type[Choice]) -> None:
    assert_checks_enum(db[table].schema, column, enum)


def test_every_table_is_strict(db: Database) -> None:
    for table in TABLES:
        assert db[table].schema.rstrip().endswith(("STRICT", "WITHOUT ROWID")), table


def test_the_schema_refuses_a_status_outside_the_enum(db: Database) -> None:
    db.execute("INSERT INTO field (name, name_folded) VALUES ('Hộ tịch', 'ho tich')")
    db.execute(
        "INSERT INTO procedure (code, name, name_folded, field_id, time_limit, time_limit_unit)"
        " VALUES ('1.001193', 'Đăng ký khai sinh', 'dang ky khai sinh', 1, 1, 'working_days')"
    )
    row = ("HS-1", 1, "Nguyễn Văn Ấn", "nguyen van an", "direct", "2024-06-04T09:30", "2024-06-05T17:00")
    insert = (
        "INSERT INTO dossier (code, procedure_id, applicant_name, applicant_folded, channel, received_at, due_at,"
        " status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    )
    db.execute(insert, [*row, "received"])
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        db.execute(insert, ["HS-2", *row[1:], "lost"])
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        db.execute(insert, ["HS-3", *row[1:5], "2024-06-04T09:30", "2024-06-01T17:00", "received"])
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        db.execute(insert, [*row, "received"])
    db.conn.rollback()


def test_the_audit_log_is_append_only(db: Database) -> None:
    db.execute(
        "INSERT INTO audit_log (at, actor, action, prev_hash, hash)"
        " VALUES ('2024-01-01T00:00', 'admin', 'other', '', 'h1')"
    )
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE audit_log SET actor = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM audit_log")
    db.conn.rollback()


def test_the_search_index_is_built_for_dossiers_that_predate_it(tmp_path: Path) -> None:
    from cchc_desktop.services.demo import generate_demo

    path = tmp_path / "v2.sqlite3"
    old = Database(sqlite3.connect(path))
    m.MIGRATIONS.apply(old, stop_before="m0003_register_search")
    generate_demo(old, dossiers=120, seed=5)
    name, code = old.execute("SELECT applicant_folded, code FROM dossier WHERE id = 17").fetchone()
    old.close()

    db = open_db(path)
    assert db.execute("SELECT count(*) FROM dossier_fts").fetchone()[0] == 120
    # Every word required, as the register asks (the index keeps no positions for phrases since m0006).
    hits = [r[0] for r in db.execute("SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH ?", [words(code)])]
    assert hits == [17]
    found = db.execute("SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH ?", [words(name)]).fetchall()
    assert (17,) in found
    db.close()


def test_the_long_lived_index_covers_dossiers_that_predate_it(tmp_path: Path) -> None:
    from cchc_desktop.services.demo import generate_demo
    from db.queries.statistics import LONG_LIVED_TERM

    path = tmp_path / "v3.sqlite3"
    old = Database(sqlite3.connect(path))
    m.MIGRATIONS.apply(old, stop_before="m0004_dossier_long_lived")
    generate_demo(old, dossiers=400, seed=3)
    expected = old.execute(f"SELECT count(*) FROM dossier d WHERE {LONG_LIVED_TERM}").fetchone()[0]
    old.close()

    db = open_db(path)
    assert schema_state(db).pending == ()
    plan = " ".join(str(row[3]) for row in db.execute(
        f"EXPLAIN QUERY PLAN SELECT count(*) FROM dossier d WHERE {LONG_LIVED_TERM} AND d.received_at < '2024-03-01'"))
    assert "dossier_long_lived" in plan
    indexed = db.execute(
        f"SELECT count(*) FROM dossier d INDEXED BY dossier_long_lived WHERE {LONG_LIVED_TERM}").fetchone()[0]
    assert indexed == expected > 0
    db.close()


def _register_and_figures(db: Database) -> dict[str, object]:
    """What the register and the statistics show on ``db``: every search, sort and figure an upgrade must keep."""
    from cchc_desktop.domain.periods import parse_period
    from cchc_desktop.services.register import RegisterFilter, RegisterService, SortKey
    from cchc_desktop.services.statistics import DossierFigure, StatisticsService

    register = RegisterService(db)
    statistics = StatisticsService(db)
    name, code, phone, id_number = db.execute(
        "SELECT applicant_name, code, phone, applicant_id FROM dossier"
        " WHERE phone IS NOT NULL AND applicant_id IS NOT NULL ORDER BY id LIMIT 1 OFFSET 40").fetchone()
    seen: dict[str, object] = {}
    for text in (name, name.split()[0], "nguy", "th van", code, code[-11:], code[-4:], phone, phone[:6], id_number):
        wanted = RegisterFilter(text=text)
        seen[f"search {text}"] = (register.count(wanted), [row.code for row in register.page(wanted, limit=500).rows])
    for sort in SortKey:
        for descending in (False, True):
            wanted = RegisterFilter(sort=sort, descending=descending)
            first = register.page(wanted, limit=50)
            seen[f"sort {sort} {descending}"] = [row.code for row in first.rows + register.page(
                wanted, after=first.cursor, limit=50).rows]
    for key in ("2024", "2024-H1", "2024-Q3", "2024-Q4", "2024-05", "2024-11"):
        period = parse_period(key)
        seen[f"figures {key}"] = statistics.figures(period=period)
        seen[f"key figures {key}"] = statistics.key_figures(period=period)
        seen[f"monthly {key}"] = statistics.monthly(period=period)
        for figure in DossierFigure:
            seen[f"{figure} {key}"] = [line.code for line in statistics.dossiers(period=period, figure=figure)]
    return seen


def test_compact_indexes_keep_every_search_sort_and_figure(tmp_path: Path) -> None:
    from cchc_desktop.services.demo import generate_demo

    path = tmp_path / "v5.sqlite3"
    old = Database(sqlite3.connect(path))
    m.MIGRATIONS.apply(old, stop_before="m0006_compact_dossier_indexes")
    generate_demo(old, year=2024, dossiers=3000, seed=11)
    # Resolutions from days to six months after receipt, across the periods' edges (the demo's are quicker).
    old.execute("""
        UPDATE dossier SET resolved_at = strftime('%Y-%m-%dT%H:%M', received_at, '+' || (id % 180) || ' days'),
                           returned_at = NULL, outcome = 'granted', status = 'result_ready'
        WHERE id % 40 = 0 AND withdrawn_at IS NULL
    """)
    old.conn.commit()
    rows = old.execute("SELECT * FROM dossier ORDER BY id").fetchall()
    # Today's figures read the history through m0015's view; on this old file, a connection's own stand-in.
    old.execute("CREATE TEMP VIEW dossier_history AS SELECT * FROM dossier_event")
    # and m0017's columns, which that file has not: empty, as they arrive on the dossiers and procedures of before
    old.execute("CREATE TEMP VIEW dossier AS SELECT *, NULL AS home_commune, NULL AS transferred_to FROM main.dossier")
    old.execute("CREATE TEMP VIEW procedure AS SELECT *, 0 AS online_payment FROM main.procedure")
    before = _register_and_figures(old)
    old.close()

    db = open_db(path)
    assert schema_state(db).pending == ()
    width = len(rows[0])  # the columns m0012 added after them are empty on the dossiers received before
    assert [row[:width] for row in db.execute("SELECT * FROM dossier ORDER BY id")] == rows
    assert db.execute("SELECT count(*) FROM dossier WHERE coalesce(result_delivery, proxy, ledger_book,"
                      " ledger_line) IS NOT NULL").fetchone()[0] == 0
    after = _register_and_figures(db)
    assert after == before
    # and right, by plain SQL (a refusal after processing is resolved but never "in time": issue 16)
    for key in ("2024", "2024-H1", "2024-Q3", "2024-Q4", "2024-05", "2024-11"):
        first, last = after[f"figures {key}"].period.date_from, after[f"figures {key}"].period.date_to
        plain = db.execute(
            "SELECT count(*), coalesce(sum(resolved_at <= due_at AND outcome IS NOT 'refused'), 0)"
            " FROM dossier NOT INDEXED"
            " WHERE resolved_at >= ? AND resolved_at < date(?, '+1 day')", [str(first), str(last)]).fetchone()
        figures = after[f"figures {key}"].dossiers
        assert (figures.resolved.total, figures.in_time.total) == tuple(plain)
    assert db.execute("INSERT INTO dossier_fts (dossier_fts) VALUES ('integrity-check')")
    search = db.execute("SELECT sql FROM sqlite_master WHERE name = 'dossier_fts'").fetchone()[0]
    assert "detail = none" in search and "columnsize = 0" in search
    indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'dossier'")}
    assert not indexes & {"dossier_resolved_at", "dossier_due_at", "dossier_procedure"}
    assert "dossier_resolved_slowly" in indexes
    db.close()


def test_form_drafts_arrive_in_a_database_that_predates_them(tmp_path: Path) -> None:
    from cchc_desktop.services.demo import generate_demo
    from cchc_desktop.services.drafts import DraftService

    path = tmp_path / "v5.sqlite3"
    old = Database(sqlite3.connect(path))
    m.MIGRATIONS.apply(old, stop_before="m0007_form_draft")
    generate_demo(old, dossiers=50, seed=11)
    dossiers = old.execute("SELECT count(*) FROM dossier").fetchone()[0]
    assert "form_draft" not in old.table_names()
    old.close()

    db = open_db(path)
    assert schema_state(db).pending == ()
    assert db["form_draft"].schema.rstrip().endswith("STRICT")
    assert db["form_draft"].pks == ["form", "user_key"]
    assert db.execute("SELECT count(*) FROM dossier").fetchone()[0] == dossiers
    assert DraftService(db).load("reception") is None
    DraftService(db).save("reception", {"applicant_name": "Nguyễn Văn Ấn"})
    assert DraftService(db).load("reception").data == {"applicant_name": "Nguyễn Văn Ấn"}
    db.close()


def test_the_lean_audit_log_keeps_every_entry_and_its_chain(tmp_path: Path) -> None:
    from cchc_desktop.services.catalogue import load_reference_catalogue
    from cchc_desktop.services.reception import NewDossier, ReceptionService
    from cchc_desktop.services.settings import SettingsService
    from db import audit

    path = tmp_path / "v7.sqlite3"
    old = Database(sqlite3.connect(path))
    m.MIGRATIONS.apply(old, stop_before="m0008_audit_log_lean")
    audit.register_functions(old)
    audit.sync_triggers(old.conn)
    load_reference_catalogue(old)
    SettingsService(old).update(name="UBND xã Hoằng Hợp", code="000.21.31.H56")
    for phone in ("0237 3860 001", "0237 3860 002"):  # (the desk's service writes the current schema only)
        SettingsService(old).update(phone=phone)
    entries = old.execute("SELECT * FROM audit_log ORDER BY id").fetchall()
    assert len(entries) > 50 and list(audit.broken_links(old.conn)) == []
    assert "UNIQUE" in old.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_log'").fetchone()[0]
    old.close()

    db = open_db(path)
    assert schema_state(db).pending == ()
    schema = db.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_log'").fetchone()[0]
    assert "UNIQUE" not in schema and "json_valid" not in schema and schema.rstrip().endswith("STRICT")
    assert db.execute("SELECT * FROM audit_log WHERE id <= ? ORDER BY id", [entries[-1][0]]).fetchall() == entries
    indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'audit_log'")}
    assert indexes == {"audit_log", "audit_log_record", "audit_log_no_update", "audit_log_no_delete"}
    ReceptionService(db).register(NewDossier(procedure_code="1.000689", applicant_name="Lê Văn Chí"))
    last = db.execute("SELECT table_name, action, prev_hash FROM audit_log WHERE table_name = 'dossier'"
                      " ORDER BY id DESC LIMIT 1").fetchone()
    assert last[:2] == ("dossier", "insert")  # the audited tables' triggers still write into the new table
    assert list(audit.broken_links(db.conn)) == []
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM audit_log WHERE id = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE audit_log SET actor = 'người khác' WHERE id = 1")
    assert db.execute("PRAGMA legacy_alter_table").fetchone()[0] == 0
    db.close()


def test_staging_and_finite_values_arrive_in_a_database_that_predates_them(tmp_path: Path) -> None:
    """m0009 (the import's staging tables) and m0010 (an infinite typed-in value of an earlier version
    removed) on a v8 database with a demo year and such a value: every dossier kept, an import then works."""
    from cchc_desktop.services.demo import generate_demo
    from cchc_desktop.services.imports import ImportService
    from cchc_desktop.services.reports import ReportService
    from tests.unit.test_import_export import row, write_csv

    path = tmp_path / "v8.sqlite3"
    old = Database(sqlite3.connect(path))
    m.MIGRATIONS.apply(old, stop_before="m0009_import_staging")
    generate_demo(old, dossiers=50, seed=11)
    with old.atomic():
        old.execute("INSERT INTO report_manual_value (period_key, indicator, value, updated_at) VALUES"
                    " ('2024-H1', '4.1.1', 9e999, '2024-06-04T09:00'), ('2024-H1', '4.1.2', 15, '2024-06-04T09:00')")
    dossiers = old.execute("SELECT count(*) FROM dossier").fetchone()[0]
    old.close()

    db = open_db(path)
    assert schema_state(db).pending == ()
    assert {"import_batch", "import_chunk", "import_code"} <= set(db.table_names())
    assert db.execute("SELECT indicator, value FROM report_manual_value").fetchall() == [("4.1.2", 15.0)]
    assert db.execute("SELECT count(*) FROM dossier").fetchone()[0] == dossiers
    ReportService(db).draft(period=ReportService(db).period("2024-H1"))  # no infinite figure left to break it
    source = write_csv(tmp_path / "hoso.csv", [row(procedure_code=db.execute(
        "SELECT code FROM procedure ORDER BY id LIMIT 1").fetchone()[0], received_at="03/06/2024 08:15")])
    assert ImportService(db).import_dossiers(source).inserted == 1
    assert db.execute("SELECT count(*) FROM dossier").fetchone()[0] == dossiers + 1
    db.close()


def test_the_2025_papers_arrive_in_a_database_that_predates_them(tmp_path: Path) -> None:
    """m0012 on a v11 database holding a demo half-year under both sets: every dossier kept as it was (the new
    columns empty: their papers reprint as printed), the trail still whole, and the next dossier opens its field's
    ledger at line 1 and prints the 2025 receipt with its number."""
    from datetime import datetime

    from cchc_desktop.services.demo import generate_demo
    from cchc_desktop.services.printing import PrintingService
    from cchc_desktop.services.reception import NewDossier, ReceptionService
    from db import audit

    path = tmp_path / "v11.sqlite3"
    old = open_db(path, migrations=_upto("m0012_papers_2025"))
    generate_demo(old, year=2025, dossiers=200, seed=3)
    rows = old.execute("SELECT * FROM dossier ORDER BY id").fetchall()
    sets = dict(old.execute("SELECT form_set, count(*) FROM dossier GROUP BY form_set").fetchall())
    old.close()
    assert sets.keys() == {"TT01/2018", "TT03/2025"}

    db = open_db(path)
    assert schema_state(db).pending == ()
    width = len(rows[0])
    assert [row[:width] for row in db.execute("SELECT * FROM dossier ORDER BY id")] == rows
    assert db.execute("SELECT count(*) FROM dossier WHERE ledger_line IS NOT NULL").fetchone()[0] == 0
    assert audit.trigger_problems(db.conn) == [] and list(audit.broken_links(db.conn)) == []
    assert audit.replay_problems(db.conn) == []
    moment = datetime(2026, 3, 10, 9, 30)
    code = ReceptionService(db, clock=lambda: moment).register(
        NewDossier(procedure_code="1.000689", applicant_name="Đặng Thị Hồng")).code
    assert db.execute("SELECT ledger_line FROM dossier WHERE code = ?", [code]).fetchone()[0] == 1
    assert PrintingService(db, clock=lambda: moment).print_paper(code, PaperKind.RECEIPT).number == "01/TN-TTPVHCC"
    old_code = db.execute("SELECT code FROM dossier WHERE form_set = 'TT03/2025' ORDER BY id LIMIT 1").fetchone()[0]
    reprint = PrintingService(db, clock=lambda: moment).print_paper(old_code, PaperKind.RECEIPT)
    assert reprint.number == "02/TN-TTPVHCC"  # numbered when first printed, in this year's book
    assert audit.replay_problems(db.conn) == []
    db.close()


def test_calendar_day_limits_arrive_and_the_stored_units_keep_their_meaning(tmp_path: Path) -> None:
    """m0013 on a v12 database with the catalogue: every procedure keeps its unit (working days stay working
    days), the table's CHECK takes 'calendar_days' and still refuses anything else, integrity and the trail
    whole, and another connection opened on the file sees the new schema."""
    from cchc_desktop.services.catalogue import load_reference_catalogue
    from db import audit

    path = tmp_path / "v12.sqlite3"
    old = open_db(path, migrations=_upto("m0013_calendar_day_limits"))
    load_reference_catalogue(old)
    units = old.execute("SELECT code, time_limit, time_limit_unit FROM procedure ORDER BY code").fetchall()
    with pytest.raises(sqlite3.IntegrityError):
        old.execute("UPDATE procedure SET time_limit_unit = 'calendar_days' WHERE id = 1")
    old.close()

    db = open_db(path)
    assert schema_state(db).pending == ()
    assert db.execute("SELECT code, time_limit, time_limit_unit FROM procedure ORDER BY code").fetchall() == units
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with db.atomic():
        db.execute("UPDATE procedure SET time_limit = 30, time_limit_unit = 'calendar_days', published_by = ?"
                   " WHERE id = 1", ["Quyết định 1/QĐ-UBND"])
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE procedure SET time_limit_unit = 'weeks' WHERE id = 1")
    assert audit.trigger_problems(db.conn) == [] and audit.replay_problems(db.conn) == []
    db.close()
    other = sqlite3.connect(path)
    assert other.execute("SELECT time_limit_unit, published_by FROM procedure WHERE id = 1").fetchone() == (
        "calendar_days", "Quyết định 1/QĐ-UBND")
    assert other.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    other.close()


def test_undo_arrives_and_the_history_keeps_every_step(tmp_path: Path) -> None:
    """m0015 on a v14 database with dossiers and their history: every event kept as it was and still counted
    (the history view holds them all), the kind CHECK takes 'undone' and still refuses anything else, the
    history still append-only, integrity and the trail whole."""
    from cchc_desktop.services.demo import generate_demo
    from cchc_desktop.services.reception import NewDossier, ReceptionService
    from db import audit

    path = tmp_path / "v14.sqlite3"
    old = open_db(path, migrations=_upto("m0015_undo_steps"))
    generate_demo(old, year=2024, dossiers=300, seed=3)
    events = old.execute("SELECT * FROM dossier_event ORDER BY id").fetchall()
    old.close()

    db = open_db(path)
    assert schema_state(db).pending == ()
    assert [row[:-1] for row in db.execute("SELECT * FROM dossier_event ORDER BY id")] == events
    assert db.execute("SELECT count(*) FROM dossier_history").fetchone()[0] == len(events)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO dossier_event (dossier_id, kind, at) VALUES (1, 'erased', '2025-03-04T09:00')")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM dossier_event")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert audit.trigger_problems(db.conn) == [] and audit.replay_problems(db.conn) == []
    moment = datetime(2024, 12, 30, 9, 0)  # a step written now can be undone; the older ones cannot
    service = ReceptionService(db, clock=lambda: moment)
    code = service.register(NewDossier(procedure_code="1.000689", applicant_name="Đặng Thị Hồng")).code
    service.transition(code, EventKind.TRANSFERRED)
    service.undo(code)
    assert db.execute("SELECT status FROM dossier WHERE code = ?", [code]).fetchone()[0] == "received"
    old_step = db.execute("SELECT d.code FROM dossier d WHERE d.status = 'in_progress' LIMIT 1").fetchone()[0]
    assert service.undo_offer(old_step) is None
    db.close()


def test_import_mappings_arrive_audited_in_a_database_that_predates_them(tmp_path: Path) -> None:
    """m0016 on a v15 database: the mappings' table arrives with its audit triggers and CHECKs, the trail whole."""
    from cchc_desktop.services.mappings import MappingService
    from db import audit

    path = tmp_path / "v15.sqlite3"
    old = open_db(path, migrations=_upto("m0016_import_mappings"))
    old.close()
    db = open_db(path)
    assert schema_state(db).pending == ()
    MappingService(db).save(ImportKind.DOSSIERS, "Tỉnh", {"Ngày nhận": "received_at"},
                            {"received_at": "Ngày tiếp nhận"}, ["Ngày nhận"])
    assert db.execute("SELECT count(*) FROM audit_log WHERE table_name = 'import_mapping'").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO import_mapping (kind, name, name_folded, headers, signature, updated_at) "
                   "VALUES ('people', 'x', 'x', '{}', '', '2025-01-01')")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO import_mapping (kind, name, name_folded, headers, signature, updated_at) "
                   "VALUES ('dossiers', 'y', 'y', '[1]', '', '2025-01-01')")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert audit.trigger_problems(db.conn) == [] and audit.replay_problems(db.conn) == []
    db.close()


def test_digitisation_and_fees_arrive_on_a_database_that_predates_them(tmp_path: Path) -> None:
    """m0017 on a v16 database holding dossiers: the new columns are empty on them (no row rewritten, the trail
    whole), the attachments' table arrives audited, and the CHECKs refuse what the issue forbids."""
    from db import audit

    path = tmp_path / "v16.sqlite3"
    old = open_db(path, migrations=_upto("m0017_digitisation_fees"))
    code = "X-250901-0001"  # written as a v16 program wrote it: without the columns it did not know
    old.execute("INSERT INTO field (id, name, name_folded) VALUES (1, 'Hộ tịch', 'ho tich')")
    old.execute("INSERT INTO procedure (id, code, name, name_folded, field_id, time_limit, time_limit_unit)"
                " VALUES (1, '1.000689', 'Đăng ký khai sinh', 'dang ky khai sinh', 1, 3, 'working_days')")
    old.execute("INSERT INTO dossier (code, procedure_id, applicant_name, applicant_folded, channel, received_at,"
                " due_at, status) SELECT ?, id, 'Đặng Thị Hồng', 'dang thi hong', 'direct', '2025-09-01T09:00',"
                " '2025-09-05T17:00', 'received' FROM procedure WHERE id = 1", [code])
    old.conn.commit()
    old.close()
    db = open_db(path)
    assert schema_state(db).pending == ()
    row = db.execute("SELECT id, fee_paid, fee_method, home_commune, transferred_to, result_digitized FROM dossier"
                     " WHERE code = ?", [code]).fetchone()
    assert row[1:] == (None, None, None, None, 0)
    dossier_id = row[0]
    db.execute("INSERT INTO attachment (dossier_id, sha256, size, media, name, added_at) VALUES (?, ?, 10, 'pdf',"
               " 'kq.pdf', '2025-09-01T10:00')", [dossier_id, "a" * 64])
    assert db.execute("SELECT count(*) FROM audit_log WHERE table_name = 'attachment'").fetchone()[0] == 1
    for bad in ("UPDATE dossier SET fee_method = 'exempt' WHERE id = ?",  # exempted without a reason
                "UPDATE dossier SET fee_exempt_reason = 'hộ nghèo' WHERE id = ?",  # a reason without exemption
                "UPDATE dossier SET fee_paid = -1 WHERE id = ?",
                "UPDATE dossier SET home_commune = '  ' WHERE id = ?"):
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(bad, [dossier_id])
    with pytest.raises(sqlite3.IntegrityError):  # the same file on the result twice
        db.execute("INSERT INTO attachment (dossier_id, sha256, size, media, name, added_at) VALUES (?, ?, 10,"
                   " 'pdf', 'kq2.pdf', '2025-09-01T10:00')", [dossier_id, "a" * 64])
    with pytest.raises(sqlite3.IntegrityError):  # not a hash
        db.execute("INSERT INTO attachment (dossier_id, sha256, size, media, name, added_at) VALUES (?, ?, 10,"
                   " 'pdf', 'x.pdf', '2025-09-01T10:00')", [dossier_id, "A" * 64])
    db.execute("UPDATE dossier SET fee_method = 'exempt', fee_exempt_reason = 'hộ nghèo', fee_paid = 0 WHERE id = ?",
               [dossier_id])
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert audit.trigger_problems(db.conn) == [] and audit.replay_problems(db.conn) == []
    db.close()
