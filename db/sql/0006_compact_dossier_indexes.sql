-- Smaller dossier indexes (DESIGN.md §8: at most 400 bytes per dossier with its indexes and search index).
--
-- The register's search asks only for every typed word as a prefix, all required (db/queries/register.py,
-- cchc_desktop/services/register.py match_expression): no phrase, NEAR or column filter, no ranking. So the
-- full-text index keeps which dossiers hold a word, not where (detail = none), and no column sizes
-- (columnsize = 0, for ranking only): 18 bytes a dossier instead of 64.
DROP TRIGGER dossier_fts_insert;
DROP TRIGGER dossier_fts_delete;
DROP TRIGGER dossier_fts_update;
DROP TABLE dossier_fts;

CREATE VIRTUAL TABLE dossier_fts USING fts5(
    code, applicant_folded, phone, applicant_id,
    content = 'dossier', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    detail = none, columnsize = 0
);

CREATE TRIGGER dossier_fts_insert AFTER INSERT ON dossier
BEGIN
    INSERT INTO dossier_fts (rowid, code, applicant_folded, phone, applicant_id)
    VALUES (new.id, new.code, new.applicant_folded, new.phone, new.applicant_id);
END;

CREATE TRIGGER dossier_fts_delete AFTER DELETE ON dossier
BEGIN
    INSERT INTO dossier_fts (dossier_fts, rowid, code, applicant_folded, phone, applicant_id)
    VALUES ('delete', old.id, old.code, old.applicant_folded, old.phone, old.applicant_id);
END;

CREATE TRIGGER dossier_fts_update AFTER UPDATE OF code, applicant_folded, phone, applicant_id ON dossier
BEGIN
    INSERT INTO dossier_fts (dossier_fts, rowid, code, applicant_folded, phone, applicant_id)
    VALUES ('delete', old.id, old.code, old.applicant_folded, old.phone, old.applicant_id);
    INSERT INTO dossier_fts (rowid, code, applicant_folded, phone, applicant_id)
    VALUES (new.id, new.code, new.applicant_folded, new.phone, new.applicant_id);
END;

INSERT INTO dossier_fts (dossier_fts) VALUES ('rebuild');
-- One segment: smaller (18 bytes a dossier on the 1M demo instead of 21), and no later insert pays for merging
-- the segments a rebuild leaves (one registration in twenty took 0.35 s on the 1M demo).
INSERT INTO dossier_fts (dossier_fts) VALUES ('optimize');

-- Dossiers resolved in a period are found from their receipt: those received in the 14 days before the period
-- or later through dossier_received_at, the slower ones through this partial index (the demo: about 1 % of
-- its dossiers). It replaces dossier_resolved_at (resolved_at, due_at, channel), 50 bytes a dossier; the
-- rows are read for the due date and the channel. db/queries/statistics.py repeats this WHERE literally
-- (RESOLVED_SLOWLY_TERM) so that SQLite can use the index.
DROP INDEX dossier_resolved_at;
CREATE INDEX dossier_resolved_slowly ON dossier (resolved_at)
    WHERE resolved_at > date(received_at, '+14 days');

-- The whole register sorted by appointment now reads the table (the page's ids are sorted first: about 0.2 s
-- on 1,000,000 dossiers); the desk's queues by appointment still go through dossier_unfinished. 25 bytes a
-- dossier.
DROP INDEX dossier_due_at;

-- Procedures are never deleted, and no screen filters the register by procedure: such a filter now reads
-- dossier_received_at in the register's order (the planner used to take this index, then sort every dossier
-- of a common procedure: a second on the 1M demo, now milliseconds; a rare procedure's page, a scan).
-- 10 bytes a dossier.
DROP INDEX dossier_procedure;
