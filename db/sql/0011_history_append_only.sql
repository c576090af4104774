-- The dossiers' history is append-only like the audit log: an event, once written, is neither changed nor
-- removed (a correction is a new 'corrected' event). Its rows are also audited from now on (their triggers are
-- generated from the columns, db/audit.py), and cchc check verifies these guards exist exactly as written here.
DROP TRIGGER IF EXISTS dossier_event_no_update;
DROP TRIGGER IF EXISTS dossier_event_no_delete;
CREATE TRIGGER dossier_event_no_update BEFORE UPDATE ON dossier_event
BEGIN
    SELECT RAISE(ABORT, 'dossier_event is append-only');
END;
CREATE TRIGGER dossier_event_no_delete BEFORE DELETE ON dossier_event
BEGIN
    SELECT RAISE(ABORT, 'dossier_event is append-only');
END;
