"""PostgreSQL, the second storage engine (issue 22): loaded only when a database is on a server, never on the
SQLite path (psycopg is an optional extra, ``pip install cchc-desktop[postgresql]``)."""
