-- Each procedure's document checklist (thành phần hồ sơ, issue 18): the documents a dossier of it holds, in
-- order, each an original, a copy or a certified copy, and how many. The desk ticks them; Mẫu 01 prints them.
CREATE TABLE procedure_document (
    id           INTEGER PRIMARY KEY,
    procedure_id INTEGER NOT NULL REFERENCES procedure (id),
    position     INTEGER NOT NULL CHECK (position >= 1),
    name         TEXT NOT NULL CHECK (length(trim(name)) > 0 AND length(name) <= 300),
    kind         TEXT NOT NULL DEFAULT 'copy' CHECK (kind IN ('original', 'copy', 'certified_copy')),
    count        INTEGER NOT NULL DEFAULT 1 CHECK (count BETWEEN 1 AND 99),
    UNIQUE (procedure_id, position)
) STRICT;
