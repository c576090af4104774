-- What a form held while it was being typed (the reception form, a survey form being keyed in), saved a second
-- after the last keystroke so that a crash or a power cut loses nothing: offered back when the form opens
-- again, deleted when the form is saved or cleared. One draft per form and account; user_key is the account's
-- id, 0 for no account (a NULL in a primary key would not be unique), kept equal to user_id by a CHECK.
-- Scratch, not a business record: not in the audit trail.
CREATE TABLE form_draft (
    form     TEXT NOT NULL CHECK (length(trim(form)) > 0),
    user_key INTEGER NOT NULL DEFAULT 0,
    user_id  INTEGER REFERENCES user (id) ON DELETE CASCADE,
    saved_at TEXT NOT NULL,
    data     TEXT NOT NULL CHECK (json_valid(data) AND json_type(data) = 'object'),
    PRIMARY KEY (form, user_key),
    CHECK (user_key = coalesce(user_id, 0))
) STRICT;
