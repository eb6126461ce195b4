-- action_reach (issue 14): the scorecards each action is seen through —
-- linked to the scorecard itself or to an object under it (SPEC §8) —
-- with the action's sort keys. A member assigned a few scorecards reads
-- their actions in title (or end date) order from here, a few index
-- ranges, instead of walking every action of the instance and checking
-- each: at 100,000 actions a member who sees 5% had twenty actions
-- checked for each one shown. Derived from action_links and
-- scorecard_objects like scorecard_objects is from the links; the store
-- keeps it where those change (links.go, actions.go).
-- Tenant table: instance_id leads every key, and its foreign keys carry it.
CREATE TABLE action_reach (
    instance_id  INTEGER NOT NULL,
    scorecard_id INTEGER NOT NULL,
    action_id    INTEGER NOT NULL,
    title_key    TEXT NOT NULL,
    end_key      TEXT NOT NULL, -- COALESCE(end_date, ''), the Action Manager's end date order
    PRIMARY KEY (instance_id, scorecard_id, action_id),
    FOREIGN KEY (instance_id, action_id) REFERENCES actions(instance_id, id) ON DELETE CASCADE,
    FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE
);
CREATE INDEX action_reach_title ON action_reach (instance_id, scorecard_id, title_key, action_id);
CREATE INDEX action_reach_end ON action_reach (instance_id, scorecard_id, end_key, action_id);
CREATE INDEX action_reach_action ON action_reach (instance_id, action_id);

INSERT INTO action_reach (instance_id, scorecard_id, action_id, title_key, end_key)
SELECT r.instance_id, r.scorecard_id, ac.id, ac.title_key, COALESCE(ac.end_date, '')
FROM (SELECT instance_id, scorecard_id, action_id FROM action_links WHERE scorecard_id IS NOT NULL
      UNION
      SELECT l.instance_id, so.scorecard_id, l.action_id FROM action_links l
        JOIN scorecard_objects so ON so.instance_id = l.instance_id AND so.object_id = l.object_id) r
JOIN actions ac ON ac.instance_id = r.instance_id AND ac.id = r.action_id;

-- A member's own actions (assignee or assigner) in title order, for the
-- same list: replaces the indexes by id alone.
DROP INDEX actions_assignee;
DROP INDEX actions_assigner;
CREATE INDEX actions_assignee ON actions (instance_id, assignee_id, title_key, id);
CREATE INDEX actions_assigner ON actions (instance_id, assigner_id, title_key, id);
