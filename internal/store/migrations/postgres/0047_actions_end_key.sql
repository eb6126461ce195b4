-- See the SQLite migration of the same number: indexes on the end-date
-- order's expression, for the whole list and for a member's own actions.
-- Through EXECUTE, as in 0030 (Citus refuses DDL on a distributed table
-- sent among several commands).
DO $$ BEGIN
  EXECUTE 'CREATE INDEX actions_end_key ON actions (instance_id, COALESCE(end_date, ''''), id)';
  EXECUTE 'CREATE INDEX actions_assignee_end ON actions (instance_id, assignee_id, COALESCE(end_date, ''''), id)';
  EXECUTE 'CREATE INDEX actions_assigner_end ON actions (instance_id, assigner_id, COALESCE(end_date, ''''), id)';
END $$;
