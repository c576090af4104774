-- Dossiers that lived (or still live) more than 90 days from receipt to result or withdrawal, by receipt time.
-- The reports count the dossiers open at a moment T ("carried over", "in progress at the cut-off") as those
-- received in the 90 days before T, found through dossier_received_at, plus the long-lived ones received
-- earlier, found here: both bounded, however old T is. Usually a few hundred rows (the demo: ~1 % of its
-- dossiers, left waiting for papers), about 0.3 byte per dossier. db/queries/statistics.py repeats this
-- WHERE literally (LONG_LIVED_TERM) so that SQLite can use the index.
CREATE INDEX dossier_long_lived ON dossier (received_at)
    WHERE coalesce(resolved_at, withdrawn_at, '9') > date(received_at, '+90 days');
