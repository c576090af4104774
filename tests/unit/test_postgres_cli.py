"""The command line on a PostgreSQL server's database (issue 22): the commands that work on the register run there
as on a file, signed in as the app's own accounts; ``cchc check`` reads the server's trail (chain, triggers, every
record replayed) and finds what was changed behind the program's back; the commands that work on the file itself
are refused with what to do instead, the URL's account never echoed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import psycopg
import pytest

from db.connection import open_db
from tests import postgres
from tests.conftest import DEMO_ADMIN
from tests.unit.test_cli import cchc

pytestmark = pytest.mark.postgres


def test_commands_on_the_register_run_on_the_server(moved: postgres.Owned) -> None:
    url = moved.url(moved.desk)
    listed = cchc("--db", url, *DEMO_ADMIN, "user", "list")
    assert listed.returncode == 0, listed.stderr
    assert "quantri\t" in listed.stdout and "Yêu cầu đăng nhập: có" in listed.stdout
    refused = cchc("--db", url, "--user", "quantri", "user", "list", env={"CCHC_PASSWORD": "sai-mat-khau"})
    assert refused.returncode == 1 and "Sai tên đăng nhập hoặc mật khẩu" in refused.stderr
    with psycopg.connect(moved.conninfo(moved.owner)) as conn:  # both attempts are in the server's trail
        results = [after for (after,) in conn.execute(
            "SELECT after FROM audit_log WHERE action = 'login' ORDER BY id DESC LIMIT 2")]
    assert "đăng nhập thành công" in results[1] and "thành công" not in results[0]


def test_check_reads_the_servers_trail_and_finds_changes_behind_the_programs_back(moved: postgres.Owned) -> None:
    url = moved.url(moved.desk)
    sound = cchc("--db", url, *DEMO_ADMIN, "check")
    assert sound.returncode == 0, sound.stdout + sound.stderr
    assert "Cơ sở dữ liệu: " in sound.stdout and "  dossier: 300" in sound.stdout
    assert "Kết quả: cơ sở dữ liệu toàn vẹn." in sound.stdout
    desk = open_db(url)
    try:  # a change through a desk's connection: written into the trail by the server's triggers
        desk.execute("UPDATE dossier SET note = 'Đã gọi điện hẹn' WHERE id = 7")
    finally:
        desk.close()
    assert cchc("--db", url, *DEMO_ADMIN, "check").returncode == 0

    with psycopg.connect(moved.conninfo(moved.owner)) as owner:  # the owner, who may switch its own entries off
        owner.execute("SELECT set_config('cchc.audit', 'off', true)")
        owner.execute("UPDATE dossier SET note = 'Không gọi' WHERE id = 7")
        owner.commit()
        edited = owner.execute("SELECT min(id) FROM audit_log WHERE action = 'login'").fetchone()[0]
        owner.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")
        owner.execute("UPDATE audit_log SET actor = 'ai đó' WHERE id = %s", [edited])
        owner.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update")
        owner.commit()

    found = cchc("--db", url, *DEMO_ADMIN, "check")
    assert found.returncode == 1
    assert f"chuỗi mã băm đứt tại 1 mục (số {edited})" in found.stdout
    assert "bản ghi dossier số 7 bị sửa ngoài chương trình: note là «Không gọi», nhật ký ghi «Đã gọi điện hẹn»" \
        in found.stdout
    assert "Traceback" not in found.stderr


@pytest.mark.parametrize(("command", "hint"), [
    (("demo",), "tệp riêng"),
    (("init", "--unit-name", "UBND xã A"), "cchc migrate --as-owner"),
])
def test_commands_on_the_file_itself_are_refused_on_a_server(command: tuple[str, ...], hint: str) -> None:
    url = "postgresql://quay1@may-chu/cchc"
    refused = cchc("--db", url, *command)
    assert refused.returncode == 1
    assert "không làm với cơ sở dữ liệu trên máy chủ PostgreSQL" in refused.stderr and hint in refused.stderr
    assert "quay1" not in refused.stderr + refused.stdout and "may-chu" not in refused.stderr


def test_a_server_is_backed_up_with_pg_dump_and_restored_into_an_empty_database(
        moved: postgres.Owned, postgres_cluster: postgres.Cluster, tmp_path: Path) -> None:
    url = moved.url(moved.desk)
    refused = cchc("--db", url, *DEMO_ADMIN, "backup")
    assert refused.returncode == 1 and "--to" in refused.stderr
    made = cchc("--db", url, *DEMO_ADMIN, "backup", "--to", str(tmp_path / "sao-luu"))
    assert made.returncode == 0, made.stderr
    [dump] = (tmp_path / "sao-luu").iterdir()
    assert dump.name.endswith(".dump") and oct(dump.stat().st_mode & 0o777) == "0o600"
    with psycopg.connect(moved.conninfo(moved.owner)) as conn:  # the dump is in the trail: it holds personal data
        assert str(dump) in conn.execute("SELECT after FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0]

    empty = postgres.make_owned(postgres_cluster, migrate=False, desk=moved.desk)  # a new database of its own owner
    restored = cchc("--db", empty.url(empty.owner), "restore", str(dump))
    assert restored.returncode == 0, restored.stderr
    again = cchc("--db", empty.url(empty.owner), "restore", str(dump))  # never over a database holding tables
    assert again.returncode == 1 and "đã có dữ liệu" in again.stderr
    granted = cchc("--db", empty.url(empty.owner), "migrate", "--as-owner", "--grant-desk", moved.desk)
    assert granted.returncode == 0, granted.stderr
    check = cchc("--db", empty.url(moved.desk), *DEMO_ADMIN, "check")  # a desk, on the restored database
    assert check.returncode == 0, check.stdout + check.stderr
    assert "  dossier: 300" in check.stdout and "Kết quả: cơ sở dữ liệu toàn vẹn." in check.stdout

    broken = tmp_path / "hong.dump"
    broken.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])  # a dump cut short: refused, nothing written
    other = postgres.make_owned(postgres_cluster, migrate=False)
    cut = cchc("--db", other.url(other.owner), "restore", str(broken))
    assert cut.returncode == 1 and "Traceback" not in cut.stderr
    with psycopg.connect(other.conninfo(other.owner)) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)


def test_the_report_score_and_summary_commands_give_the_files_figures_on_the_server(
        demo_path: Path, moved: postgres.Owned, tmp_path: Path) -> None:
    """``cchc report`` (a draft's PDF: the JSON file wants the manual rows filled in), ``cchc score`` and ``cchc
    dashboard`` signed in on the server's database write what they write from the file it was moved from: the same
    report text, the same score, the same one-page summary."""
    from tests.unit.test_dashboard import _pdf_text

    def outputs(location: str, folder: Path) -> tuple[str, str, str]:
        folder.mkdir()
        common = ("--db", location, *DEMO_ADMIN)
        score = cchc(*common, "score", "--period", "2024", "--format", "json")
        assert score.returncode == 0, score.stderr
        summary = cchc(*common, "dashboard", "--period", "2024", "--out", str(folder / "tomtat.pdf"))
        assert summary.returncode == 0, summary.stderr
        pdf = cchc(*common, "report", "--period", "2024-H1", "--format", "pdf", "--out", str(folder / "bc.pdf"),
                   "--cutoff", "2024-06-30", "--date", "05/07/2024", "--draft")
        assert pdf.returncode == 0, pdf.stderr
        pages, text = _pdf_text((folder / "tomtat.pdf").read_bytes())
        assert pages == 1
        report_pages, report_text = _pdf_text((folder / "bc.pdf").read_bytes())
        assert report_pages > 1 and "DỰ THẢO" in report_text
        scored = {key: value for key, value in json.loads(score.stdout).items() if key != "computed_at"}
        # Each page's foot anchors it in the trail (its last entry's number and hash): the server's trail holds
        # the move's entry and these sign-ins too, so it has its own.
        anchored = re.subn(r"mục số \d+ — mã …[0-9a-f]{16}", "mục số N — mã …", report_text)
        assert anchored[1] == report_pages
        return json.dumps(scored, ensure_ascii=False), text, anchored[0]

    server = outputs(moved.url(moved.desk), tmp_path / "server")
    assert json.loads(server[0])["groups"]  # a score with its groups
    assert "hồ sơ" in server[1]
    assert server == outputs(str(demo_path), tmp_path / "file")
