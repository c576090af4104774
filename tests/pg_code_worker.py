"""One desk taking dossier numbers on a PostgreSQL server, for tests/unit/test_postgres_codes.py:

    python -m tests.pg_code_worker CONNINFO PREFIX DAY COUNT

takes COUNT numbers of DAY, each in its own transaction, and gives one back every ROLLBACK_EVERY attempts (a
registration that failed after taking its number); prints the numbers it kept, one a line.
"""

from __future__ import annotations

import sys

import psycopg

from db.pg.codes import next_code_seq

ROLLBACK_EVERY = 7


def main(conninfo: str, prefix: str, day: str, count: int) -> None:
    kept: list[int] = []
    attempts = 0
    with psycopg.connect(conninfo) as conn:
        while len(kept) < count:
            attempts += 1
            seq = next_code_seq(conn, prefix, day)
            if attempts % ROLLBACK_EVERY == 0:
                conn.rollback()
            else:
                conn.commit()
                kept.append(seq)
    print("\n".join(map(str, kept)))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
