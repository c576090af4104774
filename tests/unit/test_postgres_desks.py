"""Five desks, one register (issue 22): five processes, each a desk's own connection with the desk's role, register
200 dossiers each at the same time against one PostgreSQL server, through the reception service. Every code is
unique, each day's numbers have no gap, and no desk sees an error: a desk waiting for another's counter waits."""

from __future__ import annotations

import pytest

from benchmarks.desks import run_desks
from cchc_desktop.services.catalogue import load_reference_catalogue
from cchc_desktop.services.settings import SettingsService
from db.connection import open_db
from tests import postgres

pytestmark = pytest.mark.postgres

UNIT = "000.21.31.H56"
DESKS, PER_DESK = 5, 200


@pytest.mark.slow
def test_five_desks_register_at_once_with_unique_gap_free_codes(postgres_cluster: postgres.Cluster) -> None:
    owned = postgres.make_owned(postgres_cluster)
    setup = open_db(owned.url(owned.desk))
    try:
        load_reference_catalogue(setup)
        SettingsService(setup).update(name="UBND xã Hoằng Hợp", code=UNIT, signer_name="Lê Văn Minh")
    finally:
        setup.close()
    found = run_desks(owned.url(owned.desk), DESKS, PER_DESK)
    codes = [code for desk in found for code in desk["codes"]]
    assert len(codes) == len(set(codes)) == DESKS * PER_DESK
    assert all(code.startswith(f"{UNIT}-240426-") for code in codes)
    assert sorted(int(code.rsplit("-", 1)[1]) for code in codes) == list(range(1, DESKS * PER_DESK + 1))
    for desk in found:  # each desk's own codes rise in the order it registered them
        own = [int(code.rsplit("-", 1)[1]) for code in desk["codes"]]
        assert own == sorted(own)
    check = open_db(owned.url(owned.owner))
    try:
        assert check["dossier"].count == DESKS * PER_DESK
        assert [(row["day"], row["last_seq"]) for row in check["dossier_code_counter"].rows] == [
            ("2024-04-26", DESKS * PER_DESK)]
    finally:
        check.close()
