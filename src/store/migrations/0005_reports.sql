-- Reports and evaluation: indexes that let a period's figures be counted from the dossiers and their events without
-- reading every row, and the evaluation results an office has published on the portal.

-- Events of one kind in a period (supplement requests, refusals, withdrawals, stops) for the processing report.
CREATE INDEX dossier_events_by_action ON dossier_events(action, at);
-- Dossiers whose processing ended in a period (resolved, refused, withdrawn, stopped), with every column a report
-- figure, filter or grouping reads, so a period's ended dossiers are counted from this index alone without reading
-- the wide dossier rows. Only ended dossiers are in it, so the lifecycle's updates of active ones never touch it.
CREATE INDEX dossiers_by_finished ON dossiers(finished_at, received_at, decision, outcome, stage, channel,
    receipt_supplements, supplements, due_at, paused_at, agency_code, unit_code, procedure_code)
    WHERE finished_at IS NOT NULL;

-- An evaluation (Circular 01/2018 Arts 12-15) for a quarter or a year, published on the portal by an authorised
-- person: the figures as they stood when published, so the public page does not shift under later corrections;
-- publishing again replaces them.
CREATE TABLE evaluation_publications (
    period       TEXT NOT NULL,   -- '2026-Q4' or '2026'
    agency_code  TEXT NOT NULL REFERENCES agencies(code),
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL,
    body         TEXT NOT NULL CHECK (json_valid(body)),
    PRIMARY KEY (period, agency_code)
) STRICT, WITHOUT ROWID;
