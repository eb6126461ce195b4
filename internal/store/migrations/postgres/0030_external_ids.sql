-- External ids (issue 16); see the SQLite migration of the same number for
-- what they are and the rules. Tenant tables, distributed on Citus:
-- instance_id leads the unique index, which Citus accepts (partial too)
-- since it holds the distribution column. Each statement goes through
-- EXECUTE, as in 0026: Citus propagates DDL on a distributed table with the
-- text of the command, and refuses one sent among several (SQLSTATE 42601,
-- "cannot insert multiple commands into a prepared statement").
DO $$ BEGIN
  EXECUTE 'ALTER TABLE scorecards ADD COLUMN ext_id TEXT';
  EXECUTE 'ALTER TABLE objects ADD COLUMN ext_id TEXT';
  EXECUTE 'CREATE UNIQUE INDEX scorecards_ext_id ON scorecards (instance_id, ext_id) WHERE ext_id IS NOT NULL';
  EXECUTE 'CREATE UNIQUE INDEX objects_ext_id ON objects (instance_id, ext_id) WHERE ext_id IS NOT NULL';
END $$;
