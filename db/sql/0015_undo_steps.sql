-- The last step of a dossier can be undone for a few minutes (issue 18). The history stays append-only: an undo
-- is an event of its own ('undone') that names the step it undoes; each step is undone at most once.
ALTER TABLE dossier_event ADD COLUMN undoes INTEGER REFERENCES dossier_event (id);
CREATE UNIQUE INDEX dossier_event_undoes ON dossier_event (undoes) WHERE undoes IS NOT NULL;

-- The history as the figures, the papers and the next step read it: the steps that stand.
CREATE VIEW dossier_history AS
SELECT e.* FROM dossier_event e
WHERE e.kind <> 'undone' AND NOT EXISTS (SELECT 1 FROM dossier_event u WHERE u.undoes = e.id);
