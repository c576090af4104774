"""Storage layer of CCHC Desktop: the SQLite file, its migrations and all SQL text."""
