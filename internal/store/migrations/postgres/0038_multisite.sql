-- Multi-Site Tools (issue 22, points 1 and 2; issue 28, point 5); see the
-- SQLite migration of the same number for what the columns hold. instances
-- is a reference table on Citus, scorecards and objects are distributed:
-- each statement goes through EXECUTE, one at a time, as 0030 does, and
-- the unique indexes lead with instance_id (the distribution column).
DO $$ BEGIN
  EXECUTE 'ALTER TABLE instances ADD COLUMN multi_site BOOLEAN NOT NULL DEFAULT FALSE';
  EXECUTE 'ALTER TABLE instances ADD COLUMN parent_id BIGINT REFERENCES instances(id)';
  EXECUTE 'CREATE INDEX instances_parent ON instances (parent_id, code)';
  EXECUTE 'ALTER TABLE scorecards ADD COLUMN origin_instance BIGINT';
  EXECUTE 'ALTER TABLE scorecards ADD COLUMN origin_id BIGINT';
  EXECUTE 'ALTER TABLE objects ADD COLUMN origin_instance BIGINT';
  EXECUTE 'ALTER TABLE objects ADD COLUMN origin_id BIGINT';
  EXECUTE 'CREATE UNIQUE INDEX scorecards_origin ON scorecards (instance_id, origin_instance, origin_id) WHERE origin_id IS NOT NULL';
  EXECUTE 'CREATE UNIQUE INDEX objects_origin ON objects (instance_id, origin_instance, origin_id) WHERE origin_id IS NOT NULL';
END $$;
