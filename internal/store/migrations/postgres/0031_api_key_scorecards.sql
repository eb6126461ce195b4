-- Scorecard assignments of API keys (issue 16); see the SQLite migration of
-- the same number for what they hold and the rule when an assigned
-- scorecard or a partner share goes. Tenant tables: instance_id leads every
-- key; on Citus they are distributed (colocated with memberships, like
-- api_keys and scorecards) before their foreign keys are added, as 0029
-- does. The column on api_keys goes through EXECUTE, as in 0030: Citus
-- propagates DDL on a distributed table with the command's text and refuses
-- one sent among several.
DO $$ BEGIN
  EXECUTE 'ALTER TABLE api_keys ADD COLUMN assigned BOOLEAN NOT NULL DEFAULT FALSE';
END $$;

CREATE TABLE api_key_scorecards (
    instance_id  BIGINT NOT NULL,
    key_id       BIGINT NOT NULL,
    scorecard_id BIGINT NOT NULL,
    PRIMARY KEY (instance_id, key_id, scorecard_id)
);
CREATE INDEX api_key_scorecards_scorecard ON api_key_scorecards (instance_id, scorecard_id);

CREATE TABLE api_key_partner_scorecards (
    instance_id    BIGINT NOT NULL,
    key_id         BIGINT NOT NULL,
    owner_instance BIGINT NOT NULL,
    scorecard_id   BIGINT NOT NULL,
    PRIMARY KEY (instance_id, key_id, scorecard_id),
    CHECK (owner_instance <> instance_id)
);
CREATE INDEX api_key_partner_scorecards_scorecard ON api_key_partner_scorecards (instance_id, scorecard_id);

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    RETURN;
  END IF;
  SET LOCAL citus.multi_shard_modify_mode TO 'sequential';
  PERFORM create_distributed_table('api_key_scorecards', 'instance_id', colocate_with => 'memberships');
  PERFORM create_distributed_table('api_key_partner_scorecards', 'instance_id', colocate_with => 'memberships');
END $$;

ALTER TABLE api_key_scorecards ADD FOREIGN KEY (instance_id, key_id) REFERENCES api_keys(instance_id, id) ON DELETE CASCADE;
ALTER TABLE api_key_scorecards ADD FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE;
ALTER TABLE api_key_partner_scorecards ADD FOREIGN KEY (instance_id, key_id) REFERENCES api_keys(instance_id, id) ON DELETE CASCADE;
ALTER TABLE api_key_partner_scorecards ADD FOREIGN KEY (owner_instance) REFERENCES instances(id);
