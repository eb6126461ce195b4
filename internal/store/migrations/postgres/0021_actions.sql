-- Actions (issue 14, SPEC §8); see the SQLite migration of the same
-- number for what each table holds. Tenant tables: instance_id leads every
-- key, and every foreign key between them carries it on both sides. On
-- Citus they are distributed (colocated with memberships) before their
-- foreign keys are added, as 0015 step 5 does.
CREATE TABLE actions (
    instance_id  BIGINT NOT NULL,
    id           BIGSERIAL,
    title        TEXT NOT NULL,
    title_key    TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    start_date   TEXT,
    end_date     TEXT,
    status       TEXT NOT NULL,
    percent      INTEGER NOT NULL DEFAULT 0,
    assignee_id  BIGINT,
    assigner_id  BIGINT,
    tags         TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    assigned_at  TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (instance_id, id),
    CHECK (percent BETWEEN 0 AND 100),
    CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);
CREATE INDEX actions_title ON actions (instance_id, title_key, id);
CREATE INDEX actions_end ON actions (instance_id, end_date, id);
CREATE INDEX actions_status ON actions (instance_id, status, id);
CREATE INDEX actions_assignee ON actions (instance_id, assignee_id, id);
CREATE INDEX actions_assigner ON actions (instance_id, assigner_id, id);

CREATE TABLE action_links (
    instance_id  BIGINT NOT NULL,
    id           BIGSERIAL,
    action_id    BIGINT NOT NULL,
    scorecard_id BIGINT,
    object_id    BIGINT,
    PRIMARY KEY (instance_id, id),
    CHECK ((scorecard_id IS NULL) <> (object_id IS NULL))
);
CREATE UNIQUE INDEX action_links_object ON action_links (instance_id, action_id, object_id) WHERE object_id IS NOT NULL;
CREATE UNIQUE INDEX action_links_scorecard ON action_links (instance_id, action_id, scorecard_id) WHERE scorecard_id IS NOT NULL;
CREATE INDEX action_links_by_object ON action_links (instance_id, object_id, action_id) WHERE object_id IS NOT NULL;
CREATE INDEX action_links_by_scorecard ON action_links (instance_id, scorecard_id, action_id) WHERE scorecard_id IS NOT NULL;

CREATE TABLE action_updates (
    instance_id BIGINT NOT NULL,
    id          BIGSERIAL,
    action_id   BIGINT NOT NULL,
    author_id   BIGINT,
    body        TEXT NOT NULL,
    status      TEXT NOT NULL,
    percent     INTEGER NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (instance_id, id)
);
CREATE INDEX action_updates_action ON action_updates (instance_id, action_id, id);

CREATE TABLE action_todos (
    instance_id BIGINT NOT NULL,
    id          BIGSERIAL,
    action_id   BIGINT NOT NULL,
    title       TEXT NOT NULL,
    assignee_id BIGINT,
    due_date    TEXT,
    done        BOOLEAN NOT NULL DEFAULT FALSE,
    done_at     TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (instance_id, id)
);
CREATE INDEX action_todos_action ON action_todos (instance_id, action_id, id);
CREATE INDEX action_todos_assignee ON action_todos (instance_id, assignee_id, done, id);

DO $$
DECLARE t text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    RETURN;
  END IF;
  SET LOCAL citus.multi_shard_modify_mode TO 'sequential';
  FOREACH t IN ARRAY ARRAY['actions', 'action_links', 'action_updates', 'action_todos'] LOOP
    PERFORM create_distributed_table(t, 'instance_id', colocate_with => 'memberships');
  END LOOP;
END $$;

ALTER TABLE actions ADD FOREIGN KEY (instance_id) REFERENCES instances(id);
ALTER TABLE actions ADD FOREIGN KEY (instance_id, assignee_id) REFERENCES memberships(instance_id, id);
ALTER TABLE actions ADD FOREIGN KEY (instance_id, assigner_id) REFERENCES memberships(instance_id, id);
ALTER TABLE action_links ADD FOREIGN KEY (instance_id, action_id) REFERENCES actions(instance_id, id) ON DELETE CASCADE;
ALTER TABLE action_links ADD FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE;
ALTER TABLE action_links ADD FOREIGN KEY (instance_id, object_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE;
ALTER TABLE action_updates ADD FOREIGN KEY (instance_id, action_id) REFERENCES actions(instance_id, id) ON DELETE CASCADE;
ALTER TABLE action_updates ADD FOREIGN KEY (author_id) REFERENCES accounts(id);
ALTER TABLE action_todos ADD FOREIGN KEY (instance_id, action_id) REFERENCES actions(instance_id, id) ON DELETE CASCADE;
ALTER TABLE action_todos ADD FOREIGN KEY (instance_id, assignee_id) REFERENCES memberships(instance_id, id);
