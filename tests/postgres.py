"""A throwaway PostgreSQL cluster for the tests: initdb in a temporary folder, reached only through a unix socket
in that folder (no TCP, trust authentication for the one superuser ``postgres`` and the roles the tests make),
stopped and deleted at the end. Only the role ``PASSWORD_ROLE`` must give its password (scram-sha-256), for the
tests of the password file; the tests create it.

initdb and postgres refuse to run as root: when the tests run as root (CI does), the cluster's programs run as
an unprivileged user (``nobody``) that owns the folder, and the tests connect to it over the socket.

Binaries are looked for on PATH, then in ``pg_config --bindir``, then in /usr/lib/postgresql/*/bin (the newest
version): Debian's ``postgresql`` package puts initdb there, not on PATH.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from db.pg.migrations import Migration

PROGRAMS = ("initdb", "pg_ctl", "postgres")
SUPERUSER = "postgres"
# The socket's name only (.s.PGSQL.5432): it lives in the cluster's own folder, which no other server shares.
PORT = 5432
UNPRIVILEGED = "nobody"
PASSWORD_ROLE = "cchc_password_desk"
# A throwaway cluster needs no durability: the tests run faster without it.
SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "32MB",
    "max_connections": "60",
    "log_min_messages": "warning",
}
# What a real install runs with (PostgreSQL's defaults: every commit flushed to the disk, 128 MB of shared buffers):
# the benchmark's cluster, whose times are a desk's.
DURABLE_SETTINGS = {**SETTINGS, "fsync": "on", "synchronous_commit": "on", "full_page_writes": "on",
                    "shared_buffers": "128MB"}


class ClusterError(RuntimeError):
    """The cluster could not be made or started; the message holds the program's own output."""


def _has_programs(folder: Path) -> bool:
    return all((folder / program).is_file() and os.access(folder / program, os.X_OK) for program in PROGRAMS)


def _version_key(folder: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", folder.parent.name)) or (0,)


def find_bindir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, or None when the server is not installed."""
    initdb = shutil.which("initdb")
    if initdb is not None and _has_programs(Path(initdb).resolve().parent):
        return Path(initdb).resolve().parent
    pg_config = shutil.which("pg_config")
    if pg_config is not None:
        try:
            found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            pass
        else:
            folder = Path(found.stdout.strip())
            if _has_programs(folder):
                return folder
    candidates = [folder for folder in Path("/usr/lib/postgresql").glob("*/bin") if _has_programs(folder)]
    return max(candidates, key=_version_key, default=None)


@dataclass
class Cluster:
    """A running cluster: its folder (data and socket), the binaries it runs, and whom it runs as."""

    folder: Path
    bindir: Path
    uid: int | None  # the unprivileged user it runs as when the tests run as root; None: as the tests' own user
    gid: int | None

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def socket_dir(self) -> Path:
        return self.folder / "socket"

    def conninfo(self, dbname: str = "postgres", user: str = SUPERUSER) -> str:
        return f"host={self.socket_dir} port={PORT} user={user} dbname={dbname}"

    def url(self, dbname: str = "postgres", user: str = SUPERUSER) -> str:
        """The same as a URL, which the program's ``--db`` takes (its socket folder as the ``host`` parameter)."""
        return f"postgresql:///{dbname}?host={self.socket_dir}&port={PORT}&user={user}"

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run one of the cluster's programs as the cluster's user; ClusterError with its output when it fails."""
        command = [str(self.bindir / args[0]), *args[1:]]
        try:
            return subprocess.run(
                command, capture_output=True, text=True, check=True, timeout=120, cwd=self.folder,
                env=_clean_environment(), user=self.uid, group=self.gid,
                extra_groups=[] if self.uid is not None else None,
            )
        except subprocess.CalledProcessError as exc:
            raise ClusterError(f"{' '.join(command)} failed ({exc.returncode}):\n{exc.stdout}\n{exc.stderr}") from exc
        except subprocess.TimeoutExpired as exc:
            raise ClusterError(f"{' '.join(command)} did not finish in {exc.timeout} s") from exc

    def stop(self) -> None:
        """Stop the server (immediate: nothing of it is kept) and delete the folder, whatever state it is in."""
        try:
            if (self.data / "postmaster.pid").exists():
                try:
                    self.run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w")
                except ClusterError:
                    with contextlib.suppress(OSError, ValueError, IndexError):
                        os.kill(self.postmaster_pid(), signal.SIGQUIT)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def _clean_environment() -> dict[str, str]:
    """The environment without the PG* variables of whoever runs the tests (PGDATA, PGHOST... would redirect)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env["LC_ALL"] = "C.UTF-8"
    return env


def start(bindir: Path, settings: Mapping[str, str] = SETTINGS) -> Cluster:
    """Make and start a cluster in a new temporary folder (``settings``: the server's, the tests' by default); the
    folder is deleted again if it does not start."""
    if os.geteuid() == 0:
        account = pwd.getpwnam(UNPRIVILEGED)
        uid, gid = account.pw_uid, account.pw_gid
    else:
        uid = gid = None
    # Directly in the system's temporary folder: pytest's own (/tmp/pytest-of-root, 0700) is closed to nobody.
    folder = Path(tempfile.mkdtemp(prefix="cchc-test-postgres-"))
    closed = [parent for parent in folder.parents if uid is not None and not parent.stat().st_mode & stat.S_IXOTH]
    if closed:
        folder.rmdir()
        raise ClusterError(f"{closed[0]} is closed to {UNPRIVILEGED}, who runs the cluster: set TMPDIR to a folder "
                           "every user can pass through (/tmp)")
    cluster = Cluster(folder=folder, bindir=bindir, uid=uid, gid=gid)
    try:
        cluster.socket_dir.mkdir()
        if uid is not None and gid is not None:
            for path in (folder, cluster.socket_dir):
                os.chown(path, uid, gid)
        cluster.run("initdb", "-D", str(cluster.data), "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8",
                    "--no-locale", "--no-sync")
        hba = cluster.data / "pg_hba.conf"  # the first line that matches decides: this one before initdb's "trust"
        hba.write_text(f"local all {PASSWORD_ROLE} scram-sha-256\n" + hba.read_text())
        options = " ".join(f"-c {key}={value}" for key, value in settings.items())
        cluster.run("pg_ctl", "start", "-D", str(cluster.data), "-w", "-t", "60", "-l", str(folder / "server.log"),
                    "-o", f"{options} -k {cluster.socket_dir} -p {PORT}")
    except BaseException:
        cluster.stop()
        raise
    return cluster


def later_migration(name: str, apply: Callable[[Any], None] = lambda conn: None) -> Migration:
    """A migration as a later version of the program would have it: numbered after the program's last one."""
    from db.pg.migrations import MIGRATIONS, Migration

    version = MIGRATIONS[-1].version + 1
    return Migration(version, f"{version:04d}_{name}", apply)


_NUMBERS = count(1)  # roles are the cluster's, not a database's: each database of the tests gets names of its own


@dataclass(frozen=True)
class Owned:
    """A database owned by the role ``owner`` (no superuser), migrated by it, with ``desk`` granted a desk's rights
    (db/pg/roles.py) and ``stranger`` a role granted nothing."""

    cluster: Cluster
    dbname: str
    owner: str
    desk: str
    stranger: str

    def conninfo(self, user: str) -> str:
        return self.cluster.conninfo(self.dbname, user=user)

    def url(self, user: str) -> str:
        return self.cluster.url(self.dbname, user=user)


def make_owned(cluster: Cluster, *, migrate: bool = True, grant: bool = True, desk: str | None = None) -> Owned:
    """A new database of a new owner, migrated and granted to ``desk`` (an existing role) or to a new one."""
    import psycopg

    from db.pg import migrations, roles

    number = next(_NUMBERS)
    owned = Owned(cluster, f"roles_{number}", f"owner_{number}", desk or f"desk_{number}", f"stranger_{number}")
    with psycopg.connect(cluster.conninfo(), autocommit=True) as conn:
        for role in (owned.owner, *([] if desk else [owned.desk]), owned.stranger):
            conn.execute(f"CREATE ROLE {role} LOGIN".encode())
        conn.execute(f"CREATE DATABASE {owned.dbname} OWNER {owned.owner} TEMPLATE template0".encode())
    if migrate:
        with psycopg.connect(owned.conninfo(owned.owner), autocommit=True) as conn:
            migrations.migrate(conn)
            if grant:
                roles.grant_desk(conn, owned.desk)
    return owned
