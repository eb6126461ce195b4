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
    instance_id  BIGINT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    body         BYTEA NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (instance_id, name)
);

-- On Citus: sharded by instance_id with the other tenant tables (as in
-- 0015 step 5), before its foreign key is added.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    SET LOCAL citus.multi_shard_modify_mode TO 'sequential';
    PERFORM create_distributed_table('instance_files', 'instance_id', colocate_with => 'memberships');
  END IF;
END $$;

ALTER TABLE instance_files ADD FOREIGN KEY (instance_id) REFERENCES instances(id);
