-- Import Data (issue 21): an uploaded file of data values is kept between
-- its preview and its run: its bytes (CSV or XLSX, at most 20 MB), the
-- scorecard it was uploaded from (0: from Administration), the sheet
-- chosen, and the results file of the run. The versions the preview saw
-- are not kept here: the run form carries their fingerprint, the run plans
-- again and refuses when it differs, and the write checks each row's
-- version in its transaction. Tenant table: instance_id leads every
-- key, and its foreign key carries it.
CREATE TABLE data_imports (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id   INTEGER NOT NULL,
    membership_id INTEGER NOT NULL,
    scorecard_id  INTEGER NOT NULL DEFAULT 0,
    file_name     TEXT NOT NULL,
    sheet         TEXT NOT NULL DEFAULT '',
    file_hash     TEXT NOT NULL,
    content       BLOB NOT NULL,
    results       TEXT NOT NULL DEFAULT '',
    written       INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL,
    ran_at        TIMESTAMP,
    UNIQUE (instance_id, id),
    FOREIGN KEY (instance_id, membership_id) REFERENCES memberships(instance_id, id) ON DELETE CASCADE
);
-- A member's uploads, newest first.
CREATE INDEX data_imports_member ON data_imports (instance_id, membership_id, id DESC);
