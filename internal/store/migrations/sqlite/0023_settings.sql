-- General Settings and Common Terms (issue 18, SPEC §13). What every
-- request needs stays on the instance row (a reference table): the
-- default data-entry period, the logo's version (0: none; the header's
-- image URL carries it) and the instance's overrides of the product's
-- terms (a JSON object of term key → text, "" when none). What only one
-- page or file needs — the logo's bytes and the administrator message —
-- lives in instance_files, read by that page alone.
ALTER TABLE instances ADD COLUMN data_period TEXT NOT NULL DEFAULT 'current';
ALTER TABLE instances ADD COLUMN logo_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE instances ADD COLUMN terms TEXT NOT NULL DEFAULT '';

CREATE TABLE instance_files (
    instance_id  INTEGER NOT NULL REFERENCES instances(id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    body         BLOB NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (instance_id, name)
);
