"""Connecting to a PostgreSQL server without a password in the program (issue 22, item 6), against the tests'
throwaway cluster: the connection strings read, a password in one refused and never repeated, the password taken by
libpq from the pgpass or service file, and each failure to connect said for what it is, in Vietnamese.

The cluster asks only ``postgres.PASSWORD_ROLE`` for a password (scram-sha-256 over the socket); the role is made
here, with ``SECRET``, and granted a desk's rights on a database of its own.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cchc_desktop import paths
from cchc_desktop.errors import user_message
from db.errors import StorageError, StorageProblem
from db.pg import migrations as pgm
from db.pg.connect import connect, parse
from tests import postgres
from tests.postgres import Owned, make_owned

if os.environ.get("CCHC_REQUIRE_POSTGRES") == "1":  # CI: a missing driver fails the run
    import psycopg
else:
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[test]')")

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Mật-khẩu-S3cr3t"
WRONG = "Sai-mật-khẩu-W7ong"


@pytest.fixture(scope="module")
def server(postgres_cluster: postgres.Cluster) -> Owned:
    """A migrated database whose desk is the role that must give its password."""
    with psycopg.connect(postgres_cluster.conninfo(), autocommit=True) as conn:
        conn.execute(psycopg.sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            psycopg.sql.Identifier(postgres.PASSWORD_ROLE), psycopg.sql.Literal(SECRET)))
    return make_owned(postgres_cluster, desk=postgres.PASSWORD_ROLE)


@pytest.fixture
def log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.DEBUG, logger="cchc.db"):
        yield caplog


def pgpass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: Owned, password: str, mode: int = 0o600) -> Path:
    """A password file holding the desk's ``password`` for the server's socket, named by PGPASSFILE."""
    path = tmp_path / "pgpass.conf"
    path.write_text(f"{server.cluster.socket_dir}:{postgres.PORT}:{server.dbname}:{server.desk}:{password}\n",
                    encoding="utf-8")
    path.chmod(mode)
    monkeypatch.setenv("PGPASSFILE", str(path))
    return path


def url(server: Owned, user: str | None = None, dbname: str | None = None) -> str:
    return (f"postgresql://{user or server.desk}@/{dbname or server.dbname}"
            f"?host={server.cluster.socket_dir}&port={postgres.PORT}")


def texts(exc: BaseException, log: pytest.LogCaptureFixture) -> list[str]:
    """Everything a user or a log reader could see of a failure: the exception and those it was raised from, the
    Vietnamese message, and the log."""
    seen: list[str] = [log.text, *(record.getMessage() for record in log.records)]
    current: BaseException | None = exc
    while current is not None:
        seen += [str(current), repr(current), *(str(arg) for arg in current.args)]
        current = current.__cause__ or current.__context__
    if isinstance(exc, StorageError):
        seen += [user_message(exc), str(exc.path), exc.detail]
    return seen


# Reading the connection string ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("postgresql://quay1@may-chu:5433/cchc", {"user": "quay1", "host": "may-chu", "port": "5433", "dbname": "cchc"}),
    ("postgres://may-chu/cchc", {"host": "may-chu", "dbname": "cchc"}),
    ("postgresql:///cchc?host=/run/postgresql", {"host": "/run/postgresql", "dbname": "cchc"}),
    ("postgresql://?service=cchc", {"service": "cchc"}),
    ("service=cchc", {"service": "cchc"}),
    ("  host=may-chu dbname=cchc user=quay1 ", {"host": "may-chu", "dbname": "cchc", "user": "quay1"}),
])
def test_connection_strings_without_a_password_are_read(text: str, expected: dict[str, str]) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(("text", "secret", "where"), [
    (f"postgresql://quay1:{SECRET}@may-chu/cchc", SECRET, "cchc (PostgreSQL, quay1@may-chu)"),
    ("postgresql://quay1:S3cr3t%40x@may-chu:5433/cchc", "S3cr3t", "cchc (PostgreSQL, quay1@may-chu:5433)"),
    ("postgresql://quay1:%zzS3cr3t@may-chu/cchc", "S3cr3t", "cchc (PostgreSQL, quay1@may-chu)"),
    ("postgresql://may-chu/cchc?password=S3cr3t&sslmode=require", "S3cr3t", "cchc (PostgreSQL, may-chu)"),
    ("postgresql://may-chu/cchc?sslmode=require&password=S3cr3t", "S3cr3t", "cchc (PostgreSQL, may-chu)"),
    ("host=may-chu dbname=cchc password=S3cr3t user=quay1", "S3cr3t", "cchc (PostgreSQL, quay1@may-chu)"),
    ("host=may-chu password='S3 cr3t' dbname=cchc", "cr3t", "cchc (PostgreSQL, may-chu)"),
])
def test_a_password_in_the_string_is_refused_and_never_repeated(
        log: pytest.LogCaptureFixture, text: str, secret: str, where: str) -> None:
    with pytest.raises(StorageError) as caught:
        connect(text)
    assert caught.value.problem is StorageProblem.PASSWORD_IN_URL
    message = user_message(caught.value)
    assert message.startswith(f"Chuỗi kết nối tới {where} có chứa mật khẩu; chương trình không nhận và không lưu")
    assert "%APPDATA%\\postgresql\\pgpass.conf" in message
    assert "~/.pgpass với quyền 0600" in message
    assert "refused a PostgreSQL connection string holding a password" in log.text
    assert [text for text in texts(caught.value, log) if secret in text] == []


@pytest.mark.parametrize("text", ["mysql://may-chu/cchc", "postgresql://may-chu/cchc?khong_co=1", "C:\\cchc.sqlite3"])
def test_a_string_libpq_cannot_read_is_said_so(text: str) -> None:
    with pytest.raises(StorageError) as caught:
        connect(text)
    assert caught.value.problem is StorageProblem.BAD_URL
    assert user_message(caught.value).startswith("Chuỗi kết nối PostgreSQL không hợp lệ (")


# Connecting with the password libpq finds ---------------------------------------------------------------------------

def test_a_desk_connects_with_its_password_from_the_pgpass_file(
        server: Owned, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, log: pytest.LogCaptureFixture) -> None:
    pgpass(tmp_path, monkeypatch, server, SECRET)
    with connect(url(server)) as conn:
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        assert conn.execute("SELECT current_user, current_setting('application_name')").fetchone() == (
            server.desk, "cchc-desktop")
        assert conn.execute("SELECT count(*) FROM survey_criterion").fetchone() == (22,)
    assert f"connecting to {server.dbname} (PostgreSQL, {server.desk}@{server.cluster.socket_dir}" in log.text
    assert SECRET not in log.text


def test_a_service_file_names_the_server_and_the_account(
        server: Owned, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pgpass(tmp_path, monkeypatch, server, SECRET)
    services = tmp_path / "pg_service.conf"
    services.write_text(f"[cchc]\nhost={server.cluster.socket_dir}\nport={postgres.PORT}\ndbname={server.dbname}\n"
                        f"user={server.desk}\n", encoding="utf-8")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    for text in ("postgresql://?service=cchc", "service=cchc"):
        with connect(text) as conn:
            assert conn.execute("SELECT current_user, current_database()").fetchone() == (server.desk,
                                                                                          server.dbname)


@pytest.mark.parametrize("how", ["wrong password", "no password file", "a password file others can read"])
def test_a_refused_account_is_told_apart_from_an_unreachable_server(
        server: Owned, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, log: pytest.LogCaptureFixture,
        how: str) -> None:
    if how == "wrong password":
        pgpass(tmp_path, monkeypatch, server, WRONG)
    elif how == "no password file":
        monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none.conf"))
    else:  # libpq ignores a password file with group or world rights (it says so on stderr)
        pgpass(tmp_path, monkeypatch, server, SECRET, mode=0o644)
    with pytest.raises(StorageError) as caught:
        connect(url(server))
    assert caught.value.problem is StorageProblem.REFUSED
    where = f"{server.dbname} (PostgreSQL, {server.desk}@{server.cluster.socket_dir}:{postgres.PORT})"
    assert user_message(caught.value).startswith(
        f"Máy chủ PostgreSQL từ chối tài khoản khi mở cơ sở dữ liệu {where} (sai mật khẩu, tài khoản không tồn tại"
        " hoặc chưa được cấp quyền).")
    assert "password" in caught.value.detail
    assert [text for text in texts(caught.value, log) if SECRET in text or WRONG in text] == []


def test_an_unreachable_server_is_said_so(server: Owned, tmp_path: Path, log: pytest.LogCaptureFixture) -> None:
    for text, where in [
        (f"postgresql://quay1@/cchc?host={tmp_path}", f"cchc (PostgreSQL, quay1@{tmp_path})"),
        ("postgresql://quay1@127.0.0.1:1/cchc", "cchc (PostgreSQL, quay1@127.0.0.1:1)"),
    ]:
        with pytest.raises(StorageError) as caught:
            connect(text)
        assert caught.value.problem is StorageProblem.UNREACHABLE
        assert user_message(caught.value).startswith(
            f"Không kết nối được tới máy chủ PostgreSQL của cơ sở dữ liệu {where}: máy chủ không trả lời.")
        assert f"could not connect to {where}: unreachable" in log.text


def test_a_database_the_server_lacks_is_said_so(server: Owned) -> None:
    with pytest.raises(StorageError) as caught:
        connect(url(server, user=server.owner, dbname="khong_co"))
    assert caught.value.problem is StorageProblem.NO_DATABASE
    assert user_message(caught.value).startswith("Máy chủ PostgreSQL không có cơ sở dữ liệu khong_co (PostgreSQL,")


def test_a_role_without_rights_is_refused_without_a_traceback(server: Owned, pg_db: str) -> None:
    """A stranger to the desks' database cannot connect (PUBLIC lost CONNECT); on a database PUBLIC may connect
    to, a role never granted the tables is refused on reading the schema's version, not with a permission error."""
    with pytest.raises(StorageError) as caught:
        connect(url(server, user=server.stranger))
    assert (caught.value.problem, caught.value.detail) == (
        StorageProblem.REFUSED, f'permission denied for database "{server.dbname}"')
    dbname = pg_db.rsplit("dbname=", 1)[1]
    with pytest.raises(StorageError) as caught:
        connect(url(server, user=server.stranger, dbname=dbname))
    assert (caught.value.problem, caught.value.detail) == (
        StorageProblem.REFUSED, "permission denied for table schema_migration")


# Connected: a desk's schema, the owner's ownership ------------------------------------------------------------------

def test_a_desk_on_an_older_or_empty_schema_is_told_the_administrator_must_upgrade(
        server: Owned, pg_empty: str) -> None:
    newer = (*pgm.MIGRATIONS, postgres.later_migration("later"))
    for text, migrations, missing in [(url(server, user=server.owner), newer, newer[-1].name),
                                      (url(server, user=server.stranger, dbname=pg_empty.rsplit("dbname=", 1)[1]),
                                       pgm.MIGRATIONS, ", ".join(migration.name for migration in pgm.MIGRATIONS))]:
        with pytest.raises(StorageError) as caught:
            connect(text, migrations=migrations)
        assert caught.value.problem is StorageProblem.OUTDATED
        assert caught.value.detail == missing
        assert "Quản trị viên máy chủ cần nâng cấp nó bằng tài khoản chủ sở hữu" in user_message(caught.value)


def test_the_owner_connects_as_the_owner_and_a_desk_cannot(
        server: Owned, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with connect(url(server, user=server.owner), role="owner", autocommit=True) as conn:
        assert pgm.migrate(conn) == []
    pgpass(tmp_path, monkeypatch, server, SECRET)
    with pytest.raises(StorageError) as caught:
        connect(url(server), role="owner")
    assert caught.value.problem is StorageProblem.NOT_OWNER


# The command line: cchc migrate --as-owner ---------------------------------------------------------------------------

def cchc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cchc_desktop", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PGPASSFILE": str(ROOT / "no-such-pgpass")}, check=False, timeout=120)


def test_the_owner_migrates_from_the_command_line(postgres_cluster: postgres.Cluster) -> None:
    owned = make_owned(postgres_cluster, migrate=False)
    target = url(owned, user=owned.owner)
    names, version = [migration.name for migration in pgm.MIGRATIONS], pgm.MIGRATIONS[-1].version
    listed = cchc("migrate", "--as-owner", "--list", "--db", target)
    assert (listed.returncode, listed.stdout, listed.stderr) == (
        0, "".join(f"  [chưa áp dụng] {name}\n" for name in names), "")
    applied = cchc("migrate", "--as-owner", "--db", target)
    assert (applied.returncode, applied.stdout) == (
        0, f"Đã nâng cấp cơ sở dữ liệu lên phiên bản {version}: {', '.join(names)}.\n")
    again = cchc("migrate", "--db", target, "--as-owner")
    assert (again.returncode, again.stdout) == (0, f"Cơ sở dữ liệu đã ở phiên bản mới nhất ({version}).\n")
    listed = cchc("migrate", "--as-owner", "--list", "--db", target)
    assert listed.stdout == "".join(f"  [đã áp dụng]   {name}\n" for name in names)


def test_the_command_line_migrates_postgresql_only_as_the_owner(server: Owned, tmp_path: Path) -> None:
    as_desk = cchc("migrate", "--as-owner", "--db", url(server, user=server.stranger))
    assert as_desk.returncode == 1
    assert as_desk.stderr.startswith("Lỗi: Máy chủ PostgreSQL từ chối tài khoản")  # (no CONNECT: not granted)
    with psycopg.connect(server.conninfo(postgres.SUPERUSER), autocommit=True) as conn:
        conn.execute(f"GRANT CONNECT ON DATABASE {server.dbname} TO {server.stranger}".encode())
    as_desk = cchc("migrate", "--as-owner", "--db", url(server, user=server.stranger))
    assert as_desk.returncode == 1
    assert as_desk.stderr.startswith("Lỗi: Tài khoản đang kết nối không phải chủ sở hữu cơ sở dữ liệu")
    assert "Hãy chạy «cchc migrate --as-owner» bằng tài khoản chủ sở hữu" in as_desk.stderr
    without = cchc("migrate", "--db", url(server, user=server.owner))
    assert (without.returncode, without.stderr) == (1, "Lỗi: Cơ sở dữ liệu trên máy chủ PostgreSQL chỉ được nâng cấp"
                                                       " bằng tài khoản chủ sở hữu: chạy «cchc migrate --as-owner» với"
                                                       " tài khoản đó.\n")
    on_a_file = cchc("migrate", "--as-owner", "--db", str(tmp_path / "cchc.sqlite3"))
    assert on_a_file.returncode == 1
    assert on_a_file.stderr.startswith("Lỗi: --as-owner và --grant-desk chỉ dùng cho cơ sở dữ liệu trên máy chủ "
                                      "PostgreSQL")
    assert not (tmp_path / "cchc.sqlite3").exists()


def test_the_owner_grants_a_desk_from_the_command_line(postgres_cluster: postgres.Cluster) -> None:
    """``cchc migrate --as-owner --grant-desk QUẦY``: the desk's role, made by the server's administrator, can then
    connect and register, and still not change the schema; a role that does not exist, or the owner itself, is
    refused in Vietnamese; --grant-desk needs a server and no --list."""
    owned = make_owned(postgres_cluster, migrate=False)  # (its desk role exists, granted nothing yet)
    target = url(owned, user=owned.owner)
    refused_before = cchc("migrate", "--db", url(owned, user=owned.desk), "--as-owner")
    assert refused_before.returncode == 1
    done = cchc("migrate", "--as-owner", "--grant-desk", owned.desk, "--db", target)
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith(f"Đã cấp quyền của quầy cho tài khoản «{owned.desk}».\n")
    with connect(url(owned), autocommit=True) as desk:  # (role="desk": the schema checked current)
        desk.execute("INSERT INTO setting (key, value) VALUES ('quầy.thử', 'có')")
        assert desk.execute("SELECT value FROM setting WHERE key = 'quầy.thử'").fetchone() == ("có",)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            desk.execute("CREATE TABLE mine (id integer)")
    missing = cchc("migrate", "--as-owner", "--grant-desk", "khong_co", "--db", target)
    assert (missing.returncode, missing.stderr) == (1, "Lỗi: Không có tài khoản PostgreSQL «khong_co»: quản trị viên "
                                                       "máy chủ cần tạo nó trước (CREATE ROLE … LOGIN).\n")
    mighty = cchc("migrate", "--as-owner", "--grant-desk", owned.owner, "--db", target)
    assert mighty.returncode == 1 and "là siêu người dùng hoặc là (thành viên của) chủ sở hữu" in mighty.stderr
    listed = cchc("migrate", "--as-owner", "--list", "--grant-desk", owned.desk, "--db", target)
    assert (listed.returncode, listed.stderr) == (1, "Lỗi: --grant-desk cấp quyền sau khi nâng cấp: không dùng cùng "
                                                     "--list.\n")
    on_a_file = cchc("migrate", "--grant-desk", owned.desk, "--db", str(ROOT / "khong-co.sqlite3"))
    assert on_a_file.returncode == 1 and "--grant-desk chỉ dùng cho cơ sở dữ liệu trên máy chủ" in on_a_file.stderr
    assert not (ROOT / "khong-co.sqlite3").exists()


def test_the_command_line_repeats_no_password(server: Owned) -> None:
    given = f"postgresql://{server.owner}:{SECRET}@/{server.dbname}?host={server.cluster.socket_dir}"
    refused = cchc("migrate", "--as-owner", "--db", given)
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"Lỗi: Chuỗi kết nối tới {server.dbname} (PostgreSQL, {server.owner}@"
                                     f"{server.cluster.socket_dir}) có chứa mật khẩu;")
    logged = "".join(path.read_text(encoding="utf-8") for path in (paths.log_dir()).glob("cchc.log*"))
    assert "holding a password" in logged
    assert [text for text in (refused.stdout, refused.stderr, logged) if SECRET in text] == []


def test_migrating_a_file_loads_no_postgresql_driver(db_path: Path) -> None:
    code = ("import sys; from cchc_desktop.cli import main; code = main(['migrate', '--db', sys.argv[1]]);"
            "print(sorted(m for m in sys.modules if m.startswith(('psycopg', 'db.pg')))); sys.exit(code)")
    result = subprocess.run([sys.executable, "-c", code, str(db_path)], cwd=ROOT,
                            capture_output=True, text=True, check=False, timeout=120)
    assert (result.returncode, result.stdout.splitlines()[-1]) == (0, "[]"), result.stderr


@pytest.mark.parametrize(("command", "said"), [
    (["check"], "có chứa mật khẩu"), (["backup", "--to", "sao-luu"], "có chứa mật khẩu"),
    (["init", "--unit-name", "UBND xã A"], "làm trên tệp cơ sở dữ liệu của máy"),
])
def test_other_commands_on_a_server_repeat_no_password(command: list[str], said: str) -> None:
    """A command given a server's URL holding a password: refused (as the connection refuses it, or as a command
    on the file itself), before the URL could be taken for a file's name, and never repeated in a message or the
    log."""
    given = f"postgresql://quay1:{SECRET}@may-chu/cchc"
    refused = cchc(*command, "--db", given)
    assert refused.returncode == 1 and said in refused.stderr and SECRET not in refused.stderr
    logged = "".join(path.read_text(encoding="utf-8") for path in (paths.log_dir()).glob("cchc.log*"))
    assert [text for text in (refused.stdout, logged) if SECRET in text] == []
