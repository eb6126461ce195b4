-- Accountability scores (issue 28, point 7): each scorecard's counts of
-- measures meeting each factor, as last computed, kept until something
-- they are computed from changes. gen is moved on by every write that
-- can change them (data, notes, a measure's settings, the scorecard's
-- tree); done_gen is the gen the counts were computed at, so counts are
-- current while done_gen = gen and now < valid_until (Unix seconds: the
-- end of the period they were computed in, as "the coming period" and
-- "the last completed period" move with the calendar). counts holds the
-- seven counts, comma-separated (store.ScoreCounts), so that the
-- Scorecards list reads them as one column of its own query. A reader computes the
-- counts of the rows that are not current and writes them back only if
-- gen did not move meanwhile (app/scores.go). Tenant table: instance_id
-- leads the key, and its foreign key carries it.
CREATE TABLE scorecard_scores (
    instance_id  INTEGER NOT NULL,
    scorecard_id INTEGER NOT NULL,
    gen          INTEGER NOT NULL DEFAULT 0,
    done_gen     INTEGER NOT NULL DEFAULT -1,
    valid_until  INTEGER NOT NULL DEFAULT 0,
    counts       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (instance_id, scorecard_id),
    FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE
);

-- The Instance dashboard counts the values entered in the last 30 days:
-- an index range, not a scan of the instance's values.
CREATE INDEX data_values_updated ON data_values (instance_id, updated_at);
