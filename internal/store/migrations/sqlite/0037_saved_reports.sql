-- Saved reports (issue 23, SPEC §14): a named question — the report's
-- kind, its filters, its chosen and ordered columns and its sort, as JSON
-- in spec. A saved report stores the question, never the answer: each
-- viewer's rows are computed with the viewer's own visibility when it is
-- opened or exported. created_by names the member who saved it (no
-- foreign key: the report outlives its author's membership).
-- Tenant table: instance_id leads every key.
CREATE TABLE saved_reports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id INTEGER NOT NULL REFERENCES instances(id),
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    spec        TEXT NOT NULL,
    created_by  INTEGER,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (instance_id, id),
    UNIQUE (instance_id, name_key, id)
);
CREATE UNIQUE INDEX saved_reports_name ON saved_reports (instance_id, name_key);
