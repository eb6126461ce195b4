-- Dividers (issue 28, point 4); see the SQLite migration of the same
-- number. Tenant table: distributed on Citus (colocated with memberships,
-- like scorecards) before its foreign key is added, as 0029 does.
CREATE TABLE scorecard_dividers (
    instance_id  BIGINT NOT NULL,
    id           BIGSERIAL,
    scorecard_id BIGINT NOT NULL,
    title        TEXT NOT NULL,
    position     INTEGER NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (instance_id, id)
);
CREATE INDEX scorecard_dividers_scorecard ON scorecard_dividers (instance_id, scorecard_id, position);

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    RETURN;
  END IF;
  SET LOCAL citus.multi_shard_modify_mode TO 'sequential';
  PERFORM create_distributed_table('scorecard_dividers', 'instance_id', colocate_with => 'memberships');
END $$;

ALTER TABLE scorecard_dividers ADD FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE;
