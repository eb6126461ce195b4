-- Saved reports (issue 23); see the SQLite migration of the same number
-- for what they hold. Tenant table: instance_id leads every key; on Citus
-- it is distributed (colocated with memberships) before its foreign key
-- is added, as 0029 does.
CREATE TABLE saved_reports (
    instance_id BIGINT NOT NULL,
    id          BIGSERIAL,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    spec        TEXT NOT NULL,
    created_by  BIGINT,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (instance_id, id),
    UNIQUE (instance_id, name_key, id)
);
CREATE UNIQUE INDEX saved_reports_name ON saved_reports (instance_id, name_key);

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    RETURN;
  END IF;
  SET LOCAL citus.multi_shard_modify_mode TO 'sequential';
  PERFORM create_distributed_table('saved_reports', 'instance_id', colocate_with => 'memberships');
END $$;

ALTER TABLE saved_reports ADD FOREIGN KEY (instance_id) REFERENCES instances(id);
