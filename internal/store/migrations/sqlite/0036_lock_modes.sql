-- Lock modes (issue 28, point 1): normal; structure (nothing added,
-- removed, re-linked, reordered or edited through the scorecard, data
-- entry open); data (structure and data: read-only for everyone until
-- unlocked). The reason is shown on the pages it locks.
ALTER TABLE scorecards ADD COLUMN lock_mode TEXT NOT NULL DEFAULT 'normal' CHECK (lock_mode IN ('normal', 'structure', 'data'));
ALTER TABLE scorecards ADD COLUMN lock_reason TEXT NOT NULL DEFAULT '';
