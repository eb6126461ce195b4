-- action_reach (issue 14); see the SQLite migration of the same number for
-- what it holds and why. Tenant table: instance_id leads every key; on
-- Citus it is distributed (colocated with memberships) before its foreign
-- keys are added, as 0021 does.
CREATE TABLE action_reach (
    instance_id  BIGINT NOT NULL,
    scorecard_id BIGINT NOT NULL,
    action_id    BIGINT NOT NULL,
    title_key    TEXT NOT NULL,
    end_key      TEXT NOT NULL,
    PRIMARY KEY (instance_id, scorecard_id, action_id)
);
CREATE INDEX action_reach_title ON action_reach (instance_id, scorecard_id, title_key, action_id);
CREATE INDEX action_reach_end ON action_reach (instance_id, scorecard_id, end_key, action_id);
CREATE INDEX action_reach_action ON action_reach (instance_id, action_id);

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    RETURN;
  END IF;
  SET LOCAL citus.multi_shard_modify_mode TO 'sequential';
  PERFORM create_distributed_table('action_reach', 'instance_id', colocate_with => 'memberships');
END $$;

ALTER TABLE action_reach ADD FOREIGN KEY (instance_id, action_id) REFERENCES actions(instance_id, id) ON DELETE CASCADE;
ALTER TABLE action_reach ADD FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE;

INSERT INTO action_reach (instance_id, scorecard_id, action_id, title_key, end_key)
SELECT r.instance_id, r.scorecard_id, ac.id, ac.title_key, COALESCE(ac.end_date, '')
FROM (SELECT instance_id, scorecard_id, action_id FROM action_links WHERE scorecard_id IS NOT NULL
      UNION
      SELECT l.instance_id, so.scorecard_id, l.action_id FROM action_links l
        JOIN scorecard_objects so ON so.instance_id = l.instance_id AND so.object_id = l.object_id) r
JOIN actions ac ON ac.instance_id = r.instance_id AND ac.id = r.action_id;

-- A member's own actions in title order (see the SQLite migration).
-- Through EXECUTE: on Citus, actions is distributed already (see 0025).
DO $$ BEGIN
  EXECUTE 'DROP INDEX actions_assignee';
  EXECUTE 'DROP INDEX actions_assigner';
  EXECUTE 'CREATE INDEX actions_assignee ON actions (instance_id, assignee_id, title_key, id)';
  EXECUTE 'CREATE INDEX actions_assigner ON actions (instance_id, assigner_id, title_key, id)';
END $$;
