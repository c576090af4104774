-- Issue 21: the scanned files of a dossier's documents and of its result, the fees the catalogue states and the
-- desk collects, and the dossiers filed here by residents of another commune (Nghị định 118/2025: received
-- regardless of administrative boundary within the province) or handed to another unit.

-- Each procedure's fee as a number (VND): NULL not stated, 0 free. ``fee`` keeps the catalogue's own words
-- («50.000 đồng/bản»); ``online_payment``: the procedure can be paid online (row 3.4.3 of the report).
ALTER TABLE procedure ADD COLUMN fee_amount INTEGER CHECK (fee_amount IS NULL OR fee_amount >= 0);
ALTER TABLE procedure ADD COLUMN online_payment INTEGER NOT NULL DEFAULT 0 CHECK (online_payment IN (0, 1));

-- What a dossier's applicant paid: the amount, the receipt's number, how (at the desk, online) or that they were
-- exempted, with the reason. All NULL: nothing recorded (a free procedure, or a dossier from before).
ALTER TABLE dossier ADD COLUMN fee_paid INTEGER CHECK (fee_paid IS NULL OR fee_paid >= 0);
ALTER TABLE dossier ADD COLUMN fee_receipt TEXT CHECK (fee_receipt IS NULL OR length(trim(fee_receipt)) > 0);
ALTER TABLE dossier ADD COLUMN fee_method TEXT
    CHECK (fee_method IS NULL OR fee_method IN ('desk', 'online', 'exempt'));
ALTER TABLE dossier ADD COLUMN fee_exempt_reason TEXT
    CHECK ((fee_exempt_reason IS NOT NULL AND length(trim(fee_exempt_reason)) > 0) = (fee_method IS 'exempt'));
-- The applicant's commune when it is another one (NULL: a resident here), and the unit the dossier was handed to.
ALTER TABLE dossier ADD COLUMN home_commune TEXT CHECK (home_commune IS NULL OR length(trim(home_commune)) > 0);
ALTER TABLE dossier ADD COLUMN transferred_to TEXT CHECK (transferred_to IS NULL OR length(trim(transferred_to)) > 0);
-- Kept by the attachments' service: 1 when a file of the result is attached (``digitized``: every document).
ALTER TABLE dossier ADD COLUMN result_digitized INTEGER NOT NULL DEFAULT 0 CHECK (result_digitized IN (0, 1));

CREATE INDEX dossier_boundary_free ON dossier (received_at)
    WHERE home_commune IS NOT NULL OR transferred_to IS NOT NULL;

-- A scanned file of a document of a dossier (``document``) or of its result (``document`` NULL). The bytes live
-- in the folder beside the database, named by their SHA-256: the same file attached twice is stored once.
CREATE TABLE attachment (
    id         INTEGER PRIMARY KEY,
    dossier_id INTEGER NOT NULL REFERENCES dossier (id),
    document   INTEGER REFERENCES dossier_document (id),
    sha256     TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    size       INTEGER NOT NULL CHECK (size > 0),
    media      TEXT NOT NULL CHECK (media IN ('pdf', 'jpeg', 'png')),
    name       TEXT NOT NULL CHECK (length(trim(name)) > 0 AND length(name) <= 255),
    added_at   TEXT NOT NULL CHECK (added_at GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]*'),
    added_by   INTEGER REFERENCES user (id)
) STRICT;
CREATE INDEX attachment_dossier ON attachment (dossier_id);
CREATE INDEX attachment_sha256 ON attachment (sha256);
CREATE UNIQUE INDEX attachment_once ON attachment (dossier_id, coalesce(document, 0), sha256);
