-- Accountability scores (issue 28, point 7); see the SQLite migration of
-- the same number. Tenant table: distributed on Citus (colocated with
-- memberships, like scorecards) before its foreign key is added, as 0041
-- does.
CREATE TABLE scorecard_scores (
    instance_id  BIGINT NOT NULL,
    scorecard_id BIGINT NOT NULL,
    gen          BIGINT NOT NULL DEFAULT 0,
    done_gen     BIGINT NOT NULL DEFAULT -1,
    valid_until  BIGINT NOT NULL DEFAULT 0,
    counts       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (instance_id, scorecard_id)
);

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    RETURN;
  END IF;
  SET LOCAL citus.multi_shard_modify_mode TO 'sequential';
  PERFORM create_distributed_table('scorecard_scores', 'instance_id', colocate_with => 'memberships');
END $$;

ALTER TABLE scorecard_scores ADD FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE;

-- The values entered in the last 30 days (Instance dashboard), through
-- EXECUTE as 0030 does for Citus.
DO $$ BEGIN
  EXECUTE 'CREATE INDEX data_values_updated ON data_values (instance_id, updated_at)';
END $$;
