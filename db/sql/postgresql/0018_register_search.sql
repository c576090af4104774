-- The dossier register on PostgreSQL (issue 22): its search and its orders as SQLite's.

-- Orders. The register sorts and pages (keyset) by these four columns, and compares them with the values of a
-- page's last row: SQLite compares text byte by byte, PostgreSQL by the database's collation (en_US, vi_VN... order
-- «le van» after «lea» as they skip the spaces). Byte order ("C") for these columns gives SQLite's order and
-- pages, and their indexes, rebuilt by the change (before the search's is made), keep serving the register's
-- orders. A comparison with a column of the default collation takes this one (no conflict); no view reads them.
ALTER TABLE dossier
    ALTER COLUMN code TYPE text COLLATE "C",
    ALTER COLUMN applicant_folded TYPE text COLLATE "C",
    ALTER COLUMN received_at TYPE text COLLATE "C",
    ALTER COLUMN due_at TYPE text COLLATE "C";

-- Search. On SQLite the FTS5 table dossier_fts (m0003, m0006) finds the dossiers where every word typed begins a
-- word of the code, the folded applicant name, the phone or the ID number (no phrase, no ranking). Here the same
-- four columns are cut into words by dossier_words: lower case, cut at every character other than a-z and 0-9 —
-- as the program cuts what is typed (cchc_desktop/services/register.py search_words) — each word a lexeme as it is
-- (array_to_tsvector: no parser, which would read «12e3x» as two tokens, no stemming, no stop words, no positions).
-- The GIN index over it answers db/queries/register.py's «dossier_words(...) @@ 'nguyen':* & 'van':*» (each word
-- a prefix, all required) without reading the table. Unlike FTS5, a letter outside a-z left by the folding (ø,
-- CJK) cuts a word here; the folded Vietnamese names hold none.
-- PL/pgSQL with its cost, not an SQL function the planner would inline and cost as nearly free: computed row by
-- row it takes about 7 µs, and planned as free the planner walked the register's order filtering every row for a
-- search of rare hits («le a»: 1.2 s on 1,000,000 dossiers, instead of 0.15 s through the index).
CREATE FUNCTION dossier_words(code text, applicant_folded text, phone text, applicant_id text) RETURNS tsvector
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE COST 1000 AS $$
BEGIN
    RETURN array_to_tsvector(array_remove(regexp_split_to_array(
        lower(concat_ws(' ', code, applicant_folded, phone, applicant_id) COLLATE "C"), '[^0-9a-z]+'), ''));
END
$$;
CREATE INDEX dossier_search ON dossier USING gin (dossier_words(code, applicant_folded, phone, applicant_id));
