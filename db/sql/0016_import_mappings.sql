-- Column mappings of imports (issue 19): another system's headers read as our columns, saved under a name for a
-- kind of import and recognised again by the file's header row (its signature).
CREATE TABLE import_mapping (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('dossiers', 'procedures', 'tasks', 'surveys', 'inspections')),
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0 AND length(name) <= 100),
    name_folded TEXT NOT NULL,
    headers     TEXT NOT NULL CHECK (json_valid(headers) AND json_type(headers) = 'object'),
    signature   TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (kind, name_folded)
) STRICT;

CREATE INDEX import_mapping_by_signature ON import_mapping (kind, signature);
