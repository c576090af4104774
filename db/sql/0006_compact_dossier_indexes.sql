-- Smaller dossier indexes (DESIGN.md §8: at most 400 bytes per dossier with its indexes and search index).
--
-- The register's search asks only for every typed word as a prefix, all required (db/queries/register.py,
-- cchc_desktop/services/register.py match_expression): no phrase, NEAR or column filter, no ranking. So the
-- full-text index keeps which dossiers hold a word, not where (detail = none), and no column sizes
-- (columnsize = 0, for ranking only): 21 bytes a dossier instead of 64.
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
