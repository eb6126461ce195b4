-- Import Users: an uploaded file is kept between its dry run and the run,
-- with the results of the run for download (no passwords are ever kept).
CREATE TABLE imports (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_id   BIGINT NOT NULL REFERENCES instances(id),
    membership_id BIGINT REFERENCES memberships(id),
    file_name     TEXT NOT NULL,
    file_hash     TEXT NOT NULL,
    content       TEXT NOT NULL,
    results       TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    ran_at        TIMESTAMPTZ
);
CREATE INDEX imports_instance ON imports (instance_id, id);
