-- Dividers (issue 28, point 4): titled separators among a scorecard's
-- top-level rows, for grouping results into sections; no data, no type.
-- They share the positions of scorecard_links, so a divider sits between
-- two rows and moves among them. Tenant table: instance_id leads every
-- key, and its foreign key carries it.
CREATE TABLE scorecard_dividers (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id  INTEGER NOT NULL,
    scorecard_id INTEGER NOT NULL,
    title        TEXT NOT NULL,
    position     INTEGER NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (instance_id, id),
    FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE
);
CREATE INDEX scorecard_dividers_scorecard ON scorecard_dividers (instance_id, scorecard_id, position);
