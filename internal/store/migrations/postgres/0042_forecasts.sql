-- Forecasts (issue 28, point 3); see the SQLite migration of the same
-- number. Through EXECUTE, as 0030 does for Citus.
DO $$ BEGIN
  EXECUTE 'ALTER TABLE data_values ADD COLUMN forecast DOUBLE PRECISION';
END $$;
