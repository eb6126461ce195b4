-- Lock modes (issue 28, point 1); see the SQLite migration of the same
-- number. Through EXECUTE, one statement at a time, as 0030 does for Citus,
-- which also refuses a column added with its CHECK: the check comes after.
DO $$ BEGIN
  EXECUTE 'ALTER TABLE scorecards ADD COLUMN lock_mode TEXT NOT NULL DEFAULT ''normal''';
  EXECUTE 'ALTER TABLE scorecards ADD CONSTRAINT scorecards_lock_mode CHECK (lock_mode IN (''normal'', ''structure'', ''data''))';
  EXECUTE 'ALTER TABLE scorecards ADD COLUMN lock_reason TEXT NOT NULL DEFAULT ''''';
END $$;
