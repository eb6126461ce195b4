-- Accountability scores (issue 28, point 7): whether a scorecard shows its
-- Engagement and Impact scores, and whether partners it is shared with
-- see them too. Both off until someone switches them on in the
-- scorecard's settings.
ALTER TABLE scorecards ADD COLUMN scores_on BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE scorecards ADD COLUMN scores_shared BOOLEAN NOT NULL DEFAULT FALSE;
