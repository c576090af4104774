-- First schema of CCHC Desktop: every entity of DOMAIN.md.
-- Codes stored here are the English keys of the enums in cchc_desktop/domain; the Vietnamese labels
-- live in the domain layer. Dates are ISO 8601 text: 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM[:SS]'.
-- Never edit this file once it has landed: add a new migration instead.

-- Unit settings (name, code, parent, signer, office hours, cut-off...), typed by the settings service.
CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE user (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(username)) > 0),
    full_name     TEXT NOT NULL CHECK (length(trim(full_name)) > 0),
    title         TEXT,
    role          TEXT NOT NULL CHECK (role IN ('desk', 'officer', 'chair', 'admin')),
    password_hash TEXT,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT NOT NULL
) STRICT;

-- Catalogue -------------------------------------------------------------------------------------------

CREATE TABLE field (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    name_folded TEXT NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE procedure (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE CHECK (length(trim(code)) > 0),
    name            TEXT NOT NULL CHECK (length(trim(name)) > 0),
    name_folded     TEXT NOT NULL,
    field_id        INTEGER NOT NULL REFERENCES field (id),
    time_limit      INTEGER NOT NULL CHECK (time_limit >= 0),
    time_limit_unit TEXT NOT NULL CHECK (time_limit_unit IN ('working_days', 'working_hours', 'same_day')),
    afternoon_cutoff TEXT CHECK (afternoon_cutoff IS NULL OR afternoon_cutoff GLOB '[0-2][0-9]:[0-5][0-9]'),
    supplement_rule TEXT NOT NULL DEFAULT 'restart' CHECK (supplement_rule IN ('restart', 'pause')),
    online_level    TEXT CHECK (online_level IS NULL OR online_level IN ('partial', 'full')),
    fee             TEXT,
    one_stop        INTEGER NOT NULL DEFAULT 1 CHECK (one_stop IN (0, 1)),
    inter_agency    TEXT NOT NULL DEFAULT 'none' CHECK (inter_agency IN ('none', 'same_level', 'cross_level')),
    location_free   INTEGER NOT NULL DEFAULT 0 CHECK (location_free IN (0, 1)),
    published_on    TEXT CHECK (published_on IS NULL OR published_on GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    abolished_on    TEXT CHECK (abolished_on IS NULL OR abolished_on GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;
CREATE INDEX procedure_field ON procedure (field_id);
CREATE INDEX procedure_name_folded ON procedure (name_folded);

-- Working calendar: the unit's own days off and make-up working days; they win over the holidays package.
CREATE TABLE calendar_override (
    day  TEXT PRIMARY KEY CHECK (day GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    kind TEXT NOT NULL CHECK (kind IN ('day_off', 'workday')),
    note TEXT
) STRICT;

-- Dossiers --------------------------------------------------------------------------------------------

CREATE TABLE dossier (
    id               INTEGER PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE CHECK (length(trim(code)) > 0),
    procedure_id     INTEGER NOT NULL REFERENCES procedure (id),
    applicant_name   TEXT NOT NULL CHECK (length(trim(applicant_name)) > 0),
    applicant_folded TEXT NOT NULL,
    applicant_id     TEXT CHECK (applicant_id IS NULL
                                 OR (length(applicant_id) IN (9, 12) AND applicant_id NOT GLOB '*[^0-9]*')),
    phone            TEXT,
    address          TEXT,
    email            TEXT,
    sets             INTEGER NOT NULL DEFAULT 1 CHECK (sets >= 1),
    channel          TEXT NOT NULL CHECK (channel IN ('direct', 'postal', 'online_partial', 'online_full')),
    received_at      TEXT NOT NULL CHECK (received_at GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]*'),
    received_by      INTEGER REFERENCES user (id),
    due_at           TEXT NOT NULL CHECK (due_at GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]*'),
    handling_unit    TEXT,
    resolved_at      TEXT CHECK (resolved_at IS NULL OR resolved_at >= received_at),
    returned_at      TEXT CHECK (returned_at IS NULL OR (resolved_at IS NOT NULL AND returned_at >= resolved_at)),
    outcome          TEXT CHECK (outcome IS NULL OR outcome IN ('granted', 'refused')),
    withdrawn_at     TEXT CHECK (withdrawn_at IS NULL OR withdrawn_at >= received_at),
    status           TEXT NOT NULL CHECK (status IN ('received', 'in_progress', 'waiting_supplement',
                                                     'result_ready', 'returned', 'refused', 'withdrawn')),
    digitized        INTEGER NOT NULL DEFAULT 0 CHECK (digitized IN (0, 1)),
    fee              TEXT,
    note             TEXT,
    form_set         TEXT NOT NULL DEFAULT 'TT01/2018',
    CHECK (due_at >= received_at),
    CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL)),
    CHECK (status NOT IN ('result_ready', 'returned', 'refused') OR resolved_at IS NOT NULL)
) STRICT;
-- The register and the reports count by these.
CREATE INDEX dossier_received_at ON dossier (received_at, channel);
CREATE INDEX dossier_resolved_at ON dossier (resolved_at, due_at, channel) WHERE resolved_at IS NOT NULL;
-- Unfinished dossiers (the desk's queues) by state and appointment; the register repeats this WHERE literally
-- (db/queries/register.py UNFINISHED_TERM) so that SQLite can use the partial index.
CREATE INDEX dossier_unfinished ON dossier (status, due_at)
    WHERE status IN ('received', 'in_progress', 'waiting_supplement', 'result_ready', 'refused');
CREATE INDEX dossier_withdrawn_at ON dossier (withdrawn_at) WHERE withdrawn_at IS NOT NULL;
CREATE INDEX dossier_procedure ON dossier (procedure_id);
CREATE INDEX dossier_applicant_folded ON dossier (applicant_folded);
CREATE INDEX dossier_phone ON dossier (phone) WHERE phone IS NOT NULL;
CREATE INDEX dossier_applicant_id ON dossier (applicant_id) WHERE applicant_id IS NOT NULL;

CREATE TABLE dossier_document (
    id         INTEGER PRIMARY KEY,
    dossier_id INTEGER NOT NULL REFERENCES dossier (id),
    name       TEXT NOT NULL CHECK (length(trim(name)) > 0),
    kind       TEXT NOT NULL DEFAULT 'copy' CHECK (kind IN ('original', 'copy', 'certified_copy')),
    count      INTEGER NOT NULL DEFAULT 1 CHECK (count >= 1)
) STRICT;
CREATE INDEX dossier_document_dossier ON dossier_document (dossier_id);

-- Every step of a dossier: who, when, why; the due date before and after where it moved.
CREATE TABLE dossier_event (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossier (id),
    kind        TEXT NOT NULL CHECK (kind IN ('received', 'transferred', 'supplement_requested',
                                             'supplement_received', 'result_ready', 'refused', 'returned',
                                             'withdrawn', 'apologised', 'corrected', 'printed', 'note')),
    at          TEXT NOT NULL,
    user_id     INTEGER REFERENCES user (id),
    from_status TEXT,
    to_status   TEXT,
    reason      TEXT,
    due_before  TEXT,
    due_after   TEXT,
    data        TEXT CHECK (data IS NULL OR json_valid(data))
) STRICT;
CREATE INDEX dossier_event_dossier ON dossier_event (dossier_id, at);

-- Gap-free daily sequence of dossier codes: one row per unit code and day.
CREATE TABLE dossier_code_counter (
    prefix   TEXT NOT NULL,
    day      TEXT NOT NULL,
    last_seq INTEGER NOT NULL CHECK (last_seq >= 0),
    PRIMARY KEY (prefix, day)
) STRICT, WITHOUT ROWID;

-- Printed forms of a dossier (Mẫu 01–05) with their versions; a correction voids the old version.
CREATE TABLE dossier_form (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossier (id),
    form        TEXT NOT NULL CHECK (form IN ('01', '02', '03', '04', '05')),
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    issued_at   TEXT NOT NULL,
    user_id     INTEGER REFERENCES user (id),
    voided_at   TEXT,
    void_reason TEXT,
    UNIQUE (dossier_id, form, version)
) STRICT;

CREATE TABLE apology_letter (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossier (id),
    issued_on   TEXT NOT NULL CHECK (issued_on GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    old_due_at  TEXT NOT NULL,
    new_due_at  TEXT NOT NULL CHECK (new_due_at > old_due_at),
    signer_name TEXT,
    user_id     INTEGER REFERENCES user (id)
) STRICT;
CREATE INDEX apology_letter_issued_on ON apology_letter (issued_on);
CREATE INDEX apology_letter_dossier ON apology_letter (dossier_id);

-- Filings turned away at the desk (Mẫu 02 guidance to complete, Mẫu 03 refusal to receive):
-- listed, but counted in no dossier total.
CREATE TABLE desk_refusal (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('incomplete', 'not_accepted')),
    at             TEXT NOT NULL,
    procedure_id   INTEGER REFERENCES procedure (id),
    applicant_name TEXT NOT NULL CHECK (length(trim(applicant_name)) > 0),
    reason         TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    user_id        INTEGER REFERENCES user (id)
) STRICT;

-- Satisfaction surveys ---------------------------------------------------------------------------------

CREATE TABLE survey_criterion (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    aspect      INTEGER NOT NULL CHECK (aspect BETWEEN 1 AND 5),
    aspect_name TEXT NOT NULL,
    text        TEXT NOT NULL CHECK (length(trim(text)) > 0),
    position    INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

CREATE TABLE survey (
    id         INTEGER PRIMARY KEY,
    taken_on   TEXT NOT NULL CHECK (taken_on GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    method     TEXT NOT NULL CHECK (method IN ('paper', 'online', 'kiosk')),
    dossier_id INTEGER REFERENCES dossier (id),
    overall    INTEGER NOT NULL CHECK (overall BETWEEN 1 AND 5),
    comment    TEXT,
    user_id    INTEGER REFERENCES user (id)
) STRICT;
CREATE INDEX survey_taken_on ON survey (taken_on, overall);
CREATE INDEX survey_dossier ON survey (dossier_id) WHERE dossier_id IS NOT NULL;

-- One answer per criterion; the wording is kept as it was asked.
CREATE TABLE survey_answer (
    survey_id      INTEGER NOT NULL REFERENCES survey (id),
    criterion_id   INTEGER NOT NULL REFERENCES survey_criterion (id),
    score          INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    criterion_text TEXT NOT NULL,
    PRIMARY KEY (survey_id, criterion_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX survey_answer_criterion ON survey_answer (criterion_id, score);

-- Administrative-discipline checks -----------------------------------------------------------------------

CREATE TABLE inspection_criterion (
    id       INTEGER PRIMARY KEY,
    code     TEXT NOT NULL UNIQUE,
    text     TEXT NOT NULL CHECK (length(trim(text)) > 0),
    position INTEGER NOT NULL DEFAULT 0,
    active   INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

CREATE TABLE inspection (
    id           INTEGER PRIMARY KEY,
    inspected_on TEXT NOT NULL CHECK (inspected_on GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    kind         TEXT NOT NULL CHECK (kind IN ('planned', 'unannounced', 'self')),
    basis        TEXT,
    place        TEXT,
    inspectors   TEXT,
    subject      TEXT NOT NULL CHECK (length(trim(subject)) > 0),
    subject_kind TEXT NOT NULL DEFAULT 'unit' CHECK (subject_kind IN ('unit', 'official')),
    conclusion   TEXT,
    user_id      INTEGER REFERENCES user (id)
) STRICT;
CREATE INDEX inspection_inspected_on ON inspection (inspected_on);

CREATE TABLE inspection_check (
    inspection_id  INTEGER NOT NULL REFERENCES inspection (id),
    criterion_id   INTEGER NOT NULL REFERENCES inspection_criterion (id),
    result         TEXT NOT NULL CHECK (result IN ('pass', 'fail', 'na')),
    note           TEXT,
    criterion_text TEXT NOT NULL,
    PRIMARY KEY (inspection_id, criterion_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE finding (
    id                 INTEGER PRIMARY KEY,
    inspection_id      INTEGER NOT NULL REFERENCES inspection (id),
    description        TEXT NOT NULL CHECK (length(trim(description)) > 0),
    remedy_deadline    TEXT CHECK (remedy_deadline IS NULL
                                   OR remedy_deadline GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    responsible        TEXT,
    remedied_on        TEXT CHECK (remedied_on IS NULL
                                   OR remedied_on GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    measure            TEXT CHECK (measure IS NULL OR measure IN (
                           'reminder', 'self_criticism', 'reprimand', 'warning', 'salary_downgrade',
                           'demotion', 'dismissal_from_post', 'forced_dismissal')),
    official_name      TEXT,
    official_is_leader INTEGER NOT NULL DEFAULT 0 CHECK (official_is_leader IN (0, 1))
) STRICT;
CREATE INDEX finding_inspection ON finding (inspection_id);

-- The annual reform plan ------------------------------------------------------------------------------

CREATE TABLE plan (
    id              INTEGER PRIMARY KEY,
    year            INTEGER NOT NULL UNIQUE CHECK (year BETWEEN 2000 AND 2100),
    decision_number TEXT,
    decision_date   TEXT CHECK (decision_date IS NULL
                                OR decision_date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    title           TEXT
) STRICT;

CREATE TABLE plan_task (
    id            INTEGER PRIMARY KEY,
    plan_id       INTEGER NOT NULL REFERENCES plan (id),
    number        TEXT NOT NULL CHECK (length(trim(number)) > 0),
    title         TEXT NOT NULL CHECK (length(trim(title)) > 0),
    area          INTEGER NOT NULL CHECK (area BETWEEN 0 AND 6),
    source        TEXT NOT NULL DEFAULT 'plan' CHECK (source IN ('plan', 'higher_level')),
    lead          TEXT,
    cooperating   TEXT,
    deadline      TEXT CHECK (deadline IS NULL OR deadline GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    status        TEXT NOT NULL DEFAULT 'not_started'
                  CHECK (status IN ('not_started', 'in_progress', 'done', 'cancelled')),
    completed_on  TEXT CHECK (completed_on IS NULL
                              OR completed_on GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    evidence      TEXT,
    progress_note TEXT,
    CHECK ((status = 'done') = (completed_on IS NOT NULL)),
    UNIQUE (plan_id, number)
) STRICT;

CREATE TABLE directive_document (
    id        INTEGER PRIMARY KEY,
    number    TEXT NOT NULL CHECK (length(trim(number)) > 0),
    issued_on TEXT NOT NULL CHECK (issued_on GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    kind      TEXT NOT NULL CHECK (kind IN ('plan', 'decision', 'official_letter', 'directive', 'notice', 'report', 'other')),
    title     TEXT NOT NULL CHECK (length(trim(title)) > 0),
    area      INTEGER CHECK (area IS NULL OR area BETWEEN 0 AND 6),
    UNIQUE (number, issued_on)
) STRICT;
CREATE INDEX directive_document_issued_on ON directive_document (issued_on);

-- Reports ---------------------------------------------------------------------------------------------

-- Appendix rows no record can give (staffing, legal documents, e-government yes/no), typed once per period.
CREATE TABLE report_manual_value (
    period_key TEXT NOT NULL,
    indicator  TEXT NOT NULL,
    value      REAL NOT NULL,
    note       TEXT,
    updated_at TEXT NOT NULL,
    user_id    INTEGER REFERENCES user (id),
    PRIMARY KEY (period_key, indicator)
) STRICT;

-- A report as exported: its figures and text are frozen; a later change makes a new version.
CREATE TABLE report (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('month', 'quarter', 'half_year', 'nine_months', 'year', 'range')),
    period_key TEXT NOT NULL,
    date_from  TEXT NOT NULL,
    date_to    TEXT NOT NULL,
    cutoff     TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    number     TEXT,
    figures    TEXT NOT NULL CHECK (json_valid(figures)),
    narrative  TEXT NOT NULL CHECK (json_valid(narrative)),
    user_id    INTEGER REFERENCES user (id),
    created_at TEXT NOT NULL,
    CHECK (date_from <= date_to),
    UNIQUE (period_key, version)
) STRICT;

-- Audit trail: append-only, each entry chained to the previous one by its hash.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    user_id    INTEGER REFERENCES user (id),
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete', 'export', 'login', 'other')),
    table_name TEXT,
    record_id  INTEGER,
    before     TEXT CHECK (before IS NULL OR json_valid(before)),
    after      TEXT CHECK (after IS NULL OR json_valid(after)),
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE
) STRICT;
CREATE INDEX audit_log_record ON audit_log (table_name, record_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
