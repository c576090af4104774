-- SQLite's built-in functions that the program's statements call, for PostgreSQL (issue 22): one text of each
-- statement serves both engines. Like the SQL functions the program registers on each SQLite connection, these are
-- the program's code, not the schema: db/pg/functions.py creates or replaces them all whenever the owner migrates,
-- and records their version. Each returns what SQLite's returns for the values the program passes.

-- No sum() of a comparison: the statements count with «count(*) FILTER (WHERE ...)» (db/queries count_if), which
-- both engines run natively. The aggregate an earlier version made for it, an SQL function called per row, made
-- the report's counts 4-5 times slower on a million dossiers; it is removed, so that a statement still summing a
-- comparison fails on the server (in the tests of both engines) instead of running slowly.
DROP AGGREGATE IF EXISTS sum(boolean);
DROP FUNCTION IF EXISTS cchc_sum_boolean(bigint, boolean);

-- group_concat(x[, separator]): the values joined with ',' or the separator, NULLs left out.
CREATE OR REPLACE FUNCTION cchc_concat_step(state text, value text, separator text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT CASE WHEN value IS NULL THEN state WHEN state IS NULL THEN value ELSE state || separator || value END $$;
CREATE OR REPLACE FUNCTION cchc_concat_step(state text, value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT cchc_concat_step(state, value, ',') $$;
CREATE OR REPLACE FUNCTION cchc_concat_step(state text, value bigint) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT cchc_concat_step(state, value::text, ',') $$;
CREATE OR REPLACE AGGREGATE group_concat(text, text) (SFUNC = cchc_concat_step, STYPE = text, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE group_concat(text) (SFUNC = cchc_concat_step, STYPE = text, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE group_concat(bigint) (SFUNC = cchc_concat_step, STYPE = text, PARALLEL = SAFE);

-- instr(text, part): the 1-based position of part in text, 0 when absent.
CREATE OR REPLACE FUNCTION instr(value text, part text) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT strpos(value, part) $$;

-- date(at, '+N days'): the ISO day N days after the date or time «at» (only the modifier the program uses).
CREATE OR REPLACE FUNCTION date(at text, modifier text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT iso_day_after(at, substring(modifier FROM '^\s*([+-]?[0-9]+)\s+days?\s*$')::integer) $$;

-- json_each(array text): the elements of a JSON array of values, each as text, in a column named «value».
CREATE OR REPLACE FUNCTION json_each(items text) RETURNS TABLE (value text)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT json_array_elements_text(items::json) $$;

-- json_extract(document, '$.a.b'): the value at a path of object keys, as text (NULL when absent).
CREATE OR REPLACE FUNCTION json_extract(document text, path text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT document::json #>> string_to_array(regexp_replace(substr(path, 3), '"', '', 'g'), '.') $$;

-- pg-stats (issue 22): SQLite's default collation, BINARY (the order of the characters' code points), under the
-- name a statement both engines read: «ORDER BY name COLLATE "binary"» sorts as SQLite does, whatever the database's
-- own collation (a Vietnamese one would put «a» before «B»).
CREATE COLLATION IF NOT EXISTS "binary" FROM "C";
