-- Notifications (issue 15, point 5): the bell in the page header, a
-- member's newest notifications (an action or a to-do assigned to them by
-- someone else, a digest or an action email sent to them) and how many
-- are unread. Written in the transaction of what they tell of (actions.go
-- in internal/app) or in batches by the digest run; the page reads the
-- newest 50 by id. path is a site-relative link (/i/CODE/actions/12).
-- Tenant table: instance_id leads every key, and its foreign key carries it.
CREATE TABLE notifications (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id   INTEGER NOT NULL,
    membership_id INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('action_assigned', 'todo_assigned', 'digest_weekly', 'digest_monthly', 'action_email')),
    title         TEXT NOT NULL DEFAULT '',
    path          TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    read_at       TIMESTAMP,
    UNIQUE (instance_id, id),
    FOREIGN KEY (instance_id, membership_id) REFERENCES memberships(instance_id, id) ON DELETE CASCADE
);
-- A member's notifications newest first (the page, marking read).
CREATE INDEX notifications_member ON notifications (instance_id, membership_id, id DESC);
-- The unread ones only: every page's header counts them (at most 100),
-- so years of read notifications cost nothing there, and marking read
-- walks them by id. read_at is a column of it only so that the count
-- reads the index alone (SQLite does not take a partial index's condition
-- as covering the column it names).
CREATE INDEX notifications_unread ON notifications (instance_id, membership_id, id, read_at) WHERE read_at IS NULL;
