-- Lock modes (issue 28, point 1); see the SQLite migration of the same
-- number. Through EXECUTE, one statement at a time, as 0030 does for Citus.
DO $$ BEGIN
  EXECUTE 'ALTER TABLE scorecards ADD COLUMN lock_mode TEXT NOT NULL DEFAULT ''normal'' CHECK (lock_mode IN (''normal'', ''structure'', ''data''))';
  EXECUTE 'ALTER TABLE scorecards ADD COLUMN lock_reason TEXT NOT NULL DEFAULT ''''';
END $$;
