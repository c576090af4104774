-- The officer's edits of a periodic report's narrative sections, remembered per period and section: a draft
-- opened again (and the next version of a report already exported) keeps them until they are reset.
CREATE TABLE report_section_draft (
    period_key TEXT NOT NULL CHECK (length(trim(period_key)) > 0),
    section    TEXT NOT NULL CHECK (length(trim(section)) > 0),
    text       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    user_id    INTEGER REFERENCES user (id),
    PRIMARY KEY (period_key, section)
) STRICT;
