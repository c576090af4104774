-- The papers of Thông tư 03/2025/TT-VPCP (issue 15). New columns are NULL on the dossiers received before: their
-- receipts were printed without them, and a reprint stays as it was.

-- The desk's ledgers (Mẫu 07 Sổ theo dõi hồ sơ): one book a year per field of procedures, numbered in the order
-- the year's books were opened («Quyển số 03/2026»); a dossier takes the next line of its book when received.
CREATE TABLE ledger_book (
    id        INTEGER PRIMARY KEY,
    year      INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999),
    field_id  INTEGER NOT NULL REFERENCES field (id),
    number    INTEGER NOT NULL CHECK (number >= 1),
    last_line INTEGER NOT NULL DEFAULT 0 CHECK (last_line >= 0),
    UNIQUE (year, field_id),
    UNIQUE (year, number)
) STRICT;

-- How the citizen takes the result («Đăng ký nhận kết quả tại»), who filed for them (JSON: name, id_number,
-- address, phone, email, paper), and the dossier's line in its field's ledger.
ALTER TABLE dossier ADD COLUMN result_delivery TEXT
    CHECK (result_delivery IS NULL OR result_delivery IN ('desk', 'post', 'online'));
ALTER TABLE dossier ADD COLUMN proxy TEXT CHECK (proxy IS NULL OR json_valid(proxy));
ALTER TABLE dossier ADD COLUMN ledger_book INTEGER REFERENCES ledger_book (id);
ALTER TABLE dossier ADD COLUMN ledger_line INTEGER CHECK (ledger_line IS NULL OR ledger_line >= 1);

-- The numbered papers the desk issued («Số: 07/TN-TTPVHCC»): one book a year per suffix, each paper numbered
-- once (a reprint shows the number it got). ``ref``: the event, apology letter or desk refusal the paper is for,
-- 0 for a paper of the dossier itself (its receipt, control sheet, stop notice).
CREATE TABLE paper (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('receipt', 'supplement', 'refusal', 'apology', 'stop', 'control', 'ledger',
                                             'refusal_notice')),
    book       TEXT NOT NULL CHECK (length(book) > 0),
    year       INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999),
    number     INTEGER NOT NULL CHECK (number >= 1),
    dossier_id INTEGER REFERENCES dossier (id),
    ref        INTEGER NOT NULL DEFAULT 0,
    issued_at  TEXT NOT NULL,
    user_id    INTEGER REFERENCES user (id),
    UNIQUE (book, year, number)
) STRICT;
CREATE UNIQUE INDEX paper_for ON paper (kind, coalesce(dossier_id, 0), ref);

-- The set a filing turned away at the desk was answered in (NULL: the 2018 set, before this version).
ALTER TABLE desk_refusal ADD COLUMN form_set TEXT;
