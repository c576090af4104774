-- The audit log without a unique index on the hash nor JSON checks on before/after: the chain, checked by
-- cchc check, already finds a repeated, edited or forged entry, and only the program's own functions write the
-- JSON. The unique index cost 90 bytes an entry and, with the two checks, 7 µs a write (0.7 s for an import of
-- 100,000 dossiers). The entries are copied as they are; the guards and the record index come back.
CREATE TABLE audit_log_lean (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    user_id    INTEGER REFERENCES user (id),
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete', 'export', 'login', 'other')),
    table_name TEXT,
    record_id  INTEGER,
    before     TEXT,
    after      TEXT,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
) STRICT;
INSERT INTO audit_log_lean (id, at, user_id, actor, action, table_name, record_id, before, after, prev_hash, hash)
SELECT id, at, user_id, actor, action, table_name, record_id, before, after, prev_hash, hash FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_lean RENAME TO audit_log;
CREATE INDEX audit_log_record ON audit_log (table_name, record_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
