-- Chosen columns (issue 28, point 2): the scorecard table's columns in
-- their order, comma-separated ids; '' is the seven standard ones, which
-- every scorecard showed before. expand_depth: how many levels of the tree
-- the page shows at first, 1–4, or 0 for all.
ALTER TABLE scorecards ADD COLUMN columns TEXT NOT NULL DEFAULT '';
ALTER TABLE scorecards ADD COLUMN expand_depth INTEGER NOT NULL DEFAULT 0 CHECK (expand_depth BETWEEN 0 AND 4);
