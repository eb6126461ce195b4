-- Actions (issue 14, SPEC §8): who does what by when to turn the curve.
-- actions: one action; dates are period-free calendar days (YYYY-MM-DD);
-- assignee and assigner are memberships of the same instance; assigned_at
-- and completed_at are what the notifications issue mails from.
-- action_links: the scorecards and objects an action belongs to (exactly
-- one of the two per row); a member sees an action through any of them.
-- action_updates: the dated status log, newest first by id.
-- action_todos: small tasks inside an action.
-- Tenant tables: instance_id leads every key, and every foreign key
-- between them carries it on both sides.
CREATE TABLE actions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id  INTEGER NOT NULL REFERENCES instances(id),
    title        TEXT NOT NULL,
    title_key    TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    start_date   TEXT,
    end_date     TEXT,
    status       TEXT NOT NULL,
    percent      INTEGER NOT NULL DEFAULT 0,
    assignee_id  INTEGER,
    assigner_id  INTEGER,
    tags         TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    assigned_at  TIMESTAMP,
    completed_at TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (instance_id, id),
    CHECK (percent BETWEEN 0 AND 100),
    CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date),
    FOREIGN KEY (instance_id, assignee_id) REFERENCES memberships(instance_id, id),
    FOREIGN KEY (instance_id, assigner_id) REFERENCES memberships(instance_id, id)
);
CREATE INDEX actions_title ON actions (instance_id, title_key, id);
CREATE INDEX actions_end ON actions (instance_id, end_date, id);
CREATE INDEX actions_status ON actions (instance_id, status, id);
CREATE INDEX actions_assignee ON actions (instance_id, assignee_id, id);
CREATE INDEX actions_assigner ON actions (instance_id, assigner_id, id);

CREATE TABLE action_links (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id  INTEGER NOT NULL,
    action_id    INTEGER NOT NULL,
    scorecard_id INTEGER,
    object_id    INTEGER,
    UNIQUE (instance_id, id),
    CHECK ((scorecard_id IS NULL) <> (object_id IS NULL)),
    FOREIGN KEY (instance_id, action_id) REFERENCES actions(instance_id, id) ON DELETE CASCADE,
    FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE,
    FOREIGN KEY (instance_id, object_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX action_links_object ON action_links (instance_id, action_id, object_id) WHERE object_id IS NOT NULL;
CREATE UNIQUE INDEX action_links_scorecard ON action_links (instance_id, action_id, scorecard_id) WHERE scorecard_id IS NOT NULL;
CREATE INDEX action_links_by_object ON action_links (instance_id, object_id, action_id) WHERE object_id IS NOT NULL;
CREATE INDEX action_links_by_scorecard ON action_links (instance_id, scorecard_id, action_id) WHERE scorecard_id IS NOT NULL;

CREATE TABLE action_updates (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id INTEGER NOT NULL,
    action_id   INTEGER NOT NULL,
    author_id   INTEGER REFERENCES accounts(id),
    body        TEXT NOT NULL,
    status      TEXT NOT NULL,
    percent     INTEGER NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (instance_id, id),
    FOREIGN KEY (instance_id, action_id) REFERENCES actions(instance_id, id) ON DELETE CASCADE
);
CREATE INDEX action_updates_action ON action_updates (instance_id, action_id, id);

CREATE TABLE action_todos (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id INTEGER NOT NULL,
    action_id   INTEGER NOT NULL,
    title       TEXT NOT NULL,
    assignee_id INTEGER,
    due_date    TEXT,
    done        BOOLEAN NOT NULL DEFAULT FALSE,
    done_at     TIMESTAMP,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (instance_id, id),
    FOREIGN KEY (instance_id, action_id) REFERENCES actions(instance_id, id) ON DELETE CASCADE,
    FOREIGN KEY (instance_id, assignee_id) REFERENCES memberships(instance_id, id)
);
CREATE INDEX action_todos_action ON action_todos (instance_id, action_id, id);
CREATE INDEX action_todos_assignee ON action_todos (instance_id, assignee_id, done, id);
