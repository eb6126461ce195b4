-- Notes with version history, and commentary (issue 13, SPEC §7); see
-- the SQLite migration of the same number for what each table holds.
-- Tenant tables: instance_id leads every key, and every foreign key
-- between them carries it on both sides. On Citus they are distributed
-- (colocated with memberships) before their foreign keys are added, as
-- 0015 step 5 does.
CREATE TABLE note_types (
    instance_id   BIGINT NOT NULL,
    id            BIGSERIAL,
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL,
    default_text  TEXT NOT NULL DEFAULT '',
    help_text     TEXT NOT NULL DEFAULT '',
    char_limit    INTEGER NOT NULL DEFAULT 0,
    on_scorecards BOOLEAN NOT NULL DEFAULT FALSE,
    on_containers BOOLEAN NOT NULL DEFAULT FALSE,
    on_measures   BOOLEAN NOT NULL DEFAULT FALSE,
    builtin       BOOLEAN NOT NULL DEFAULT FALSE,
    position      INTEGER NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (instance_id, id),
    UNIQUE (instance_id, name_key)
);
CREATE INDEX note_types_position ON note_types (instance_id, position, id);

CREATE TABLE notes (
    instance_id  BIGINT NOT NULL,
    id           BIGSERIAL,
    type_id      BIGINT NOT NULL,
    scorecard_id BIGINT,
    object_id    BIGINT,
    body         TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 0,
    removed      BOOLEAN NOT NULL DEFAULT FALSE,
    updated_by   BIGINT,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (instance_id, id),
    CHECK ((scorecard_id IS NULL) <> (object_id IS NULL))
);
CREATE UNIQUE INDEX notes_object ON notes (instance_id, object_id, type_id) WHERE object_id IS NOT NULL;
CREATE UNIQUE INDEX notes_scorecard ON notes (instance_id, scorecard_id, type_id) WHERE scorecard_id IS NOT NULL;
CREATE INDEX notes_type ON notes (instance_id, type_id);

CREATE TABLE note_versions (
    instance_id BIGINT NOT NULL,
    note_id     BIGINT NOT NULL,
    version     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    author_id   BIGINT,
    restored    INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (instance_id, note_id, version)
);

CREATE TABLE comments (
    instance_id  BIGINT NOT NULL,
    id           BIGSERIAL,
    scorecard_id BIGINT,
    object_id    BIGINT,
    author_id    BIGINT,
    body         TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    edited_at    TIMESTAMPTZ,
    PRIMARY KEY (instance_id, id),
    CHECK ((scorecard_id IS NULL) <> (object_id IS NULL))
);
CREATE INDEX comments_object ON comments (instance_id, object_id, id) WHERE object_id IS NOT NULL;
CREATE INDEX comments_scorecard ON comments (instance_id, scorecard_id, id) WHERE scorecard_id IS NOT NULL;

DO $$
DECLARE t text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    RETURN;
  END IF;
  SET LOCAL citus.multi_shard_modify_mode TO 'sequential';
  FOREACH t IN ARRAY ARRAY['note_types', 'notes', 'note_versions', 'comments'] LOOP
    PERFORM create_distributed_table(t, 'instance_id', colocate_with => 'memberships');
  END LOOP;
END $$;

ALTER TABLE note_types ADD FOREIGN KEY (instance_id) REFERENCES instances(id);
ALTER TABLE notes ADD FOREIGN KEY (instance_id) REFERENCES instances(id);
ALTER TABLE notes ADD FOREIGN KEY (instance_id, type_id) REFERENCES note_types(instance_id, id) ON DELETE CASCADE;
ALTER TABLE notes ADD FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE;
ALTER TABLE notes ADD FOREIGN KEY (instance_id, object_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE;
ALTER TABLE notes ADD FOREIGN KEY (updated_by) REFERENCES accounts(id);
ALTER TABLE note_versions ADD FOREIGN KEY (instance_id, note_id) REFERENCES notes(instance_id, id) ON DELETE CASCADE;
ALTER TABLE note_versions ADD FOREIGN KEY (author_id) REFERENCES accounts(id);
ALTER TABLE comments ADD FOREIGN KEY (instance_id) REFERENCES instances(id);
ALTER TABLE comments ADD FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE;
ALTER TABLE comments ADD FOREIGN KEY (instance_id, object_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE;
ALTER TABLE comments ADD FOREIGN KEY (author_id) REFERENCES accounts(id);

-- The standard types, for every instance there is (store.CreateBuiltins
-- gives them to new ones).
INSERT INTO note_types (instance_id, name, name_key, help_text, on_scorecards, on_containers, on_measures, builtin, position, created_at)
    SELECT i.id, t.name, lower(t.name), t.help, t.sc, t.co, t.me, TRUE, t.pos, now()
    FROM instances i CROSS JOIN (VALUES
        ('Definition', 'What this is and how it is measured.', FALSE, TRUE, TRUE, 1),
        ('Story Behind the Curve', 'Why the line looks the way it does: causes and forces at work.', FALSE, TRUE, TRUE, 2),
        ('Partners', 'Who has a role to play in turning the curve.', FALSE, TRUE, TRUE, 3),
        ('What Works', 'What could work to do better, including no-cost and low-cost ideas.', FALSE, TRUE, TRUE, 4),
        ('Action Plan', 'What we propose to do.', FALSE, TRUE, TRUE, 5)
    ) AS t(name, help, sc, co, me, pos);
