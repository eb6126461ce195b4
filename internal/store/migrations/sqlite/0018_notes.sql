-- Notes with version history, and commentary (issue 13, SPEC §7).
-- note_types: the instance's note types (the five standard ones seeded,
-- editable, not deletable; custom ones), ordered by position. A type
-- applies by default to the kinds it names; its notes refer to it by id,
-- so a rename shows on every note at once.
-- notes: one note section of a scorecard or an object (exactly one of the
-- two), its current body and version number. A section of a default type
-- exists without a row until first saved; a removed one keeps a row with
-- removed set (its versions are deleted), so the default does not bring
-- it back.
-- note_versions: every saved body of a note, numbered from 1.
-- comments: commentary on a scorecard or an object.
-- Tenant tables: instance_id leads every key, and every foreign key
-- between them carries it on both sides.
CREATE TABLE note_types (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id       INTEGER NOT NULL REFERENCES instances(id),
    name              TEXT NOT NULL,
    name_key          TEXT NOT NULL,
    default_text      TEXT NOT NULL DEFAULT '',
    help_text         TEXT NOT NULL DEFAULT '',
    char_limit        INTEGER NOT NULL DEFAULT 0,
    on_scorecards     BOOLEAN NOT NULL DEFAULT FALSE,
    on_containers     BOOLEAN NOT NULL DEFAULT FALSE,
    on_measures       BOOLEAN NOT NULL DEFAULT FALSE,
    builtin           BOOLEAN NOT NULL DEFAULT FALSE,
    position          INTEGER NOT NULL,
    created_at        TIMESTAMP NOT NULL,
    UNIQUE (instance_id, id),
    UNIQUE (instance_id, name_key)
);
CREATE INDEX note_types_position ON note_types (instance_id, position, id);

CREATE TABLE notes (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id  INTEGER NOT NULL REFERENCES instances(id),
    type_id      INTEGER NOT NULL,
    scorecard_id INTEGER,
    object_id    INTEGER,
    body         TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 0,
    removed      BOOLEAN NOT NULL DEFAULT FALSE,
    updated_by   INTEGER REFERENCES accounts(id),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (instance_id, id),
    CHECK ((scorecard_id IS NULL) <> (object_id IS NULL)),
    FOREIGN KEY (instance_id, type_id) REFERENCES note_types(instance_id, id) ON DELETE CASCADE,
    FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE,
    FOREIGN KEY (instance_id, object_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX notes_object ON notes (instance_id, object_id, type_id) WHERE object_id IS NOT NULL;
CREATE UNIQUE INDEX notes_scorecard ON notes (instance_id, scorecard_id, type_id) WHERE scorecard_id IS NOT NULL;
CREATE INDEX notes_type ON notes (instance_id, type_id);

CREATE TABLE note_versions (
    instance_id INTEGER NOT NULL,
    note_id     INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    author_id   INTEGER REFERENCES accounts(id),
    restored    INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (instance_id, note_id, version),
    FOREIGN KEY (instance_id, note_id) REFERENCES notes(instance_id, id) ON DELETE CASCADE
);

CREATE TABLE comments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id  INTEGER NOT NULL REFERENCES instances(id),
    scorecard_id INTEGER,
    object_id    INTEGER,
    author_id    INTEGER REFERENCES accounts(id),
    body         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    edited_at    TIMESTAMP,
    UNIQUE (instance_id, id),
    CHECK ((scorecard_id IS NULL) <> (object_id IS NULL)),
    FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE,
    FOREIGN KEY (instance_id, object_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE
);
CREATE INDEX comments_object ON comments (instance_id, object_id, id) WHERE object_id IS NOT NULL;
CREATE INDEX comments_scorecard ON comments (instance_id, scorecard_id, id) WHERE scorecard_id IS NOT NULL;

-- The standard types, for every instance there is (store.CreateBuiltins
-- gives them to new ones).
INSERT INTO note_types (instance_id, name, name_key, help_text, on_scorecards, on_containers, on_measures, builtin, position, created_at)
    SELECT i.id, t.name, lower(t.name), t.help, t.sc, t.co, t.me, TRUE, t.pos, CURRENT_TIMESTAMP
    FROM instances i, (
        SELECT 'Definition' AS name, 'What this is and how it is measured.' AS help, FALSE AS sc, TRUE AS co, TRUE AS me, 1 AS pos
        UNION ALL SELECT 'Story Behind the Curve', 'Why the line looks the way it does: causes and forces at work.', FALSE, TRUE, TRUE, 2
        UNION ALL SELECT 'Partners', 'Who has a role to play in turning the curve.', FALSE, TRUE, TRUE, 3
        UNION ALL SELECT 'What Works', 'What could work to do better, including no-cost and low-cost ideas.', FALSE, TRUE, TRUE, 4
        UNION ALL SELECT 'Action Plan', 'What we propose to do.', FALSE, TRUE, TRUE, 5
    ) t
    ORDER BY i.id, t.pos;
