-- A large import is written in short transactions, so the desk never waits more than a moment for the write
-- lock, and stays all-or-nothing. Its prepared rows are staged here chunk by chunk (state 'staging'); one short
-- transaction checks them against the register once more and marks the batch 'ready': from then on the import
-- counts as done, and the rows are moved into the register chunk by chunk. A process killed while staging leaves
-- a batch the next opening discards; killed while moving, one the next opening finishes. Scratch, not business
-- records: not in the audit trail (the dossiers moved are, as they arrive).
CREATE TABLE import_batch (
    id         INTEGER PRIMARY KEY,
    file       TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('staging', 'ready')),
    started_at TEXT NOT NULL,
    beat_at    REAL NOT NULL,                 -- unix time of its last chunk: a silent batch's process is gone
    host       TEXT NOT NULL,
    pid        INTEGER NOT NULL,
    user_id    INTEGER REFERENCES user (id),
    actor      TEXT NOT NULL,                 -- whom its dossiers' audit entries name
    unit_code  TEXT NOT NULL,                 -- for the codes given to rows without one, as they are moved
    pattern    TEXT NOT NULL,
    source     TEXT NOT NULL                  -- the data of each new dossier's 'received' event
) STRICT;
CREATE TABLE import_chunk (
    batch_id INTEGER NOT NULL REFERENCES import_batch (id),
    seq      INTEGER NOT NULL,
    rows     INTEGER NOT NULL,
    payload  TEXT NOT NULL,                   -- the chunk's prepared rows: JSON [[code or null, values], ...]
    PRIMARY KEY (batch_id, seq)
) STRICT;
CREATE TABLE import_code (
    code     TEXT PRIMARY KEY,                -- a dossier code a staged row brings: taken, the desk skips it
    batch_id INTEGER NOT NULL REFERENCES import_batch (id)
) STRICT, WITHOUT ROWID;
