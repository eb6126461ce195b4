-- Import Data (issue 21); see the SQLite migration of the same number for
-- what it holds and why. Tenant table: instance_id leads every key; on
-- Citus it is distributed (colocated with memberships) before its foreign
-- key is added, as 0029 does.
CREATE TABLE data_imports (
    instance_id   BIGINT NOT NULL,
    id            BIGSERIAL,
    membership_id BIGINT NOT NULL,
    scorecard_id  BIGINT NOT NULL DEFAULT 0,
    file_name     TEXT NOT NULL,
    sheet         TEXT NOT NULL DEFAULT '',
    file_hash     TEXT NOT NULL,
    content       BYTEA NOT NULL,
    results       TEXT NOT NULL DEFAULT '',
    written       INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMPTZ NOT NULL,
    ran_at        TIMESTAMPTZ,
    PRIMARY KEY (instance_id, id)
);
CREATE INDEX data_imports_member ON data_imports (instance_id, membership_id, id DESC);

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    RETURN;
  END IF;
  SET LOCAL citus.multi_shard_modify_mode TO 'sequential';
  PERFORM create_distributed_table('data_imports', 'instance_id', colocate_with => 'memberships');
END $$;

ALTER TABLE data_imports ADD FOREIGN KEY (instance_id, membership_id) REFERENCES memberships(instance_id, id) ON DELETE CASCADE;
