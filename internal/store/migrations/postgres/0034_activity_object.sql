-- See the SQLite migration of the same number. On Citus the index is
-- created on every shard of the distributed activity_log (through EXECUTE,
-- as 0030 does, since Citus propagates DDL by its text).
DO $$ BEGIN
  EXECUTE 'CREATE INDEX activity_object ON activity_log (instance_id, object_id, at, id)';
END $$;
