-- Chosen columns (issue 28, point 2); see the SQLite migration of the same
-- number. One statement at a time through EXECUTE, the check after its
-- column, as Citus requires (0036).
DO $$ BEGIN
  EXECUTE 'ALTER TABLE scorecards ADD COLUMN columns TEXT NOT NULL DEFAULT ''''';
  EXECUTE 'ALTER TABLE scorecards ADD COLUMN expand_depth INTEGER NOT NULL DEFAULT 0';
  EXECUTE 'ALTER TABLE scorecards ADD CONSTRAINT scorecards_expand_depth CHECK (expand_depth BETWEEN 0 AND 4)';
END $$;
