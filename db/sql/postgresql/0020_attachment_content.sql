-- Scanned files on a server (issue 21 on issue 22). On a file, a dossier's scans are kept in a folder beside the
-- database (cchc_desktop/services/attachments.py); a centre's desks on several machines share no folder, so on a
-- server each scan's bytes are kept here, once, under their SHA-256 (what ``attachment.sha256`` names), and pg_dump
-- carries them with the register. A scan never changes: the table is guarded as the append-only ones are (the
-- desks get no UPDATE or DELETE on it, db/pg/roles.py), and a row whose bytes no longer hash to its key was altered
-- outside the program (``cchc check``). A scan no record names any more stays, as a file does in the folder.
CREATE TABLE attachment_content (
    sha256  text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    media   text NOT NULL CHECK (media IN ('pdf', 'jpeg', 'png')),
    content bytea NOT NULL
);
-- The bytes are scans (PDF, JPEG, PNG: compressed already): kept out of line without compressing them again.
ALTER TABLE attachment_content ALTER COLUMN content SET STORAGE EXTERNAL;
CREATE TRIGGER attachment_content_no_update BEFORE UPDATE ON attachment_content
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER attachment_content_no_delete BEFORE DELETE ON attachment_content
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER attachment_content_no_truncate BEFORE TRUNCATE ON attachment_content
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
