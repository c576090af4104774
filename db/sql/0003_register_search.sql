-- The dossier register: full-text search over the code, the folded applicant name, the phone and the ID number
-- (external-content FTS5 over dossier, kept in step by triggers), and an index to sort by the appointment.

CREATE VIRTUAL TABLE dossier_fts USING fts5(
    code, applicant_folded, phone, applicant_id,
    content = 'dossier', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
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

CREATE INDEX dossier_due_at ON dossier (due_at);

-- Phone and ID-number lookups now go through dossier_fts: their own indexes only cost space.
DROP INDEX dossier_phone;
DROP INDEX dossier_applicant_id;
