"""Five desks, one register (issue 22): five processes, each a desk's own connection with the desk's role, register
200 dossiers each at the same time against one PostgreSQL server, through the reception service. Every code is
unique, each day's numbers have no gap, and no desk sees an error: a desk waiting for another's counter waits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cchc_desktop.services.catalogue import load_reference_catalogue
from cchc_desktop.services.settings import SettingsService
from db.connection import open_db
from tests import postgres

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
UNIT = "000.21.31.H56"
DESKS, PER_DESK = 5, 200

DESK = """
import json, sys
from datetime import datetime
from db.connection import open_db
from cchc_desktop.services.reception import NewDossier, ReceptionService

db = open_db(sys.argv[1])
service = ReceptionService(db, clock=lambda: datetime(2024, 4, 26, 10, 0))
print("ready", flush=True)
sys.stdin.readline()
codes = [
    service.register(NewDossier(procedure_code="1.000689", applicant_name=f"Người nộp {sys.argv[2]}-{i}")).code
    for i in range(int(sys.argv[3]))
]
db.close()
print(json.dumps(codes), flush=True)
"""


@pytest.mark.slow
def test_five_desks_register_at_once_with_unique_gap_free_codes(postgres_cluster: postgres.Cluster) -> None:
    owned = postgres.make_owned(postgres_cluster)
    setup = open_db(owned.url(owned.desk))
    try:
        load_reference_catalogue(setup)
        SettingsService(setup).update(name="UBND xã Hoằng Hợp", code=UNIT, signer_name="Lê Văn Minh")
    finally:
        setup.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    desks = [
        subprocess.Popen([sys.executable, "-c", DESK, owned.url(owned.desk), str(number), str(PER_DESK)], cwd=ROOT,
                         env=env, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for number in range(1, DESKS + 1)
    ]
    try:
        for desk in desks:  # every desk connected and ready before any starts
            assert desk.stdout is not None and desk.stdout.readline().strip() == "ready"
        for desk in desks:
            assert desk.stdin is not None
            desk.stdin.write("go\n")
            desk.stdin.flush()
        results = [desk.communicate(timeout=600) for desk in desks]
    finally:
        for desk in desks:
            if desk.poll() is None:
                desk.kill()
                desk.communicate()
    for desk, (_out, err) in zip(desks, results, strict=True):
        assert desk.returncode == 0, err
        assert err == ""  # nothing said to the desk: no error, no retry message
    codes = [code for out, _err in results for code in json.loads(out)]
    assert len(codes) == len(set(codes)) == DESKS * PER_DESK
    assert all(code.startswith(f"{UNIT}-240426-") for code in codes)
    assert sorted(int(code.rsplit("-", 1)[1]) for code in codes) == list(range(1, DESKS * PER_DESK + 1))
    for out, _err in results:  # each desk's own codes rise in the order it registered them
        own = [int(code.rsplit("-", 1)[1]) for code in json.loads(out)]
        assert own == sorted(own)
    check = open_db(owned.url(owned.owner))
    try:
        assert check["dossier"].count == DESKS * PER_DESK
        assert [(row["day"], row["last_seq"]) for row in check["dossier_code_counter"].rows] == [
            ("2024-04-26", DESKS * PER_DESK)]
    finally:
        check.close()
