-- Import Users: an uploaded file is kept between its dry run and the run,
-- with the results of the run for download (no passwords are ever kept).
CREATE TABLE imports (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id   INTEGER NOT NULL REFERENCES instances(id),
    membership_id INTEGER REFERENCES memberships(id),
    file_name     TEXT NOT NULL,
    file_hash     TEXT NOT NULL,
    content       TEXT NOT NULL,
    results       TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    ran_at        TIMESTAMP
);
CREATE INDEX imports_instance ON imports (instance_id, id);
