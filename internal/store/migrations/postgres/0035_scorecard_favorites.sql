-- Favourite scorecards (issue 28, point 6); see the SQLite migration of
-- the same number for what they hold. Tenant tables: instance_id leads
-- every key; on Citus they are distributed (colocated with memberships)
-- before their foreign keys are added, as 0029 does.
CREATE TABLE scorecard_favorites (
    instance_id   BIGINT NOT NULL,
    membership_id BIGINT NOT NULL,
    scorecard_id  BIGINT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (instance_id, membership_id, scorecard_id)
);
CREATE INDEX scorecard_favorites_scorecard ON scorecard_favorites (instance_id, scorecard_id);

CREATE TABLE partner_scorecard_favorites (
    instance_id    BIGINT NOT NULL,
    membership_id  BIGINT NOT NULL,
    owner_instance BIGINT NOT NULL,
    scorecard_id   BIGINT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (instance_id, membership_id, owner_instance, scorecard_id),
    CHECK (owner_instance <> instance_id)
);
CREATE INDEX partner_scorecard_favorites_scorecard ON partner_scorecard_favorites (owner_instance, scorecard_id);

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    RETURN;
  END IF;
  SET LOCAL citus.multi_shard_modify_mode TO 'sequential';
  PERFORM create_distributed_table('scorecard_favorites', 'instance_id', colocate_with => 'memberships');
  PERFORM create_distributed_table('partner_scorecard_favorites', 'instance_id', colocate_with => 'memberships');
END $$;

ALTER TABLE scorecard_favorites ADD FOREIGN KEY (instance_id, membership_id) REFERENCES memberships(instance_id, id) ON DELETE CASCADE;
ALTER TABLE scorecard_favorites ADD FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE;
ALTER TABLE partner_scorecard_favorites ADD FOREIGN KEY (instance_id, membership_id) REFERENCES memberships(instance_id, id) ON DELETE CASCADE;
ALTER TABLE partner_scorecard_favorites ADD FOREIGN KEY (owner_instance) REFERENCES instances(id);
