-- Accountability scores (issue 28, point 7); see the SQLite migration of
-- the same number. One statement at a time through EXECUTE, as Citus
-- requires (0036).
DO $$ BEGIN
  EXECUTE 'ALTER TABLE scorecards ADD COLUMN scores_on BOOLEAN NOT NULL DEFAULT FALSE';
  EXECUTE 'ALTER TABLE scorecards ADD COLUMN scores_shared BOOLEAN NOT NULL DEFAULT FALSE';
END $$;
