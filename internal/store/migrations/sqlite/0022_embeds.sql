-- Embed codes (issue 17, SPEC §14): public, read-only, revocable views of
-- scorecards and objects.
-- scorecards.embed_origins: the origins allowed to frame the scorecard's
-- embeds, one per line; empty allows any origin.
-- embed_tokens: one embed code of a scorecard (object_id NULL) or of an
-- object reached through it; the token itself is never stored, only its
-- hash. Options are fixed at creation: periods (0: the measure's graph
-- setting), chart ('' : the measure's), note_types (comma-separated
-- note type ids), show_targets.
-- embed_views: views of a token per calendar day (UTC), one row a day.
-- embed_token_keys: token hash → instance and token, looked up before the
-- instance is known (a coordinator table on Citus; no instance_id column,
-- since it is not tenant data to shard).
ALTER TABLE scorecards ADD COLUMN embed_origins TEXT NOT NULL DEFAULT '';

CREATE TABLE embed_tokens (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id    INTEGER NOT NULL REFERENCES instances(id),
    scorecard_id   INTEGER NOT NULL,
    object_id      INTEGER,
    token_hash     TEXT NOT NULL,
    periods        INTEGER NOT NULL DEFAULT 0,
    chart          TEXT NOT NULL DEFAULT '',
    note_types     TEXT NOT NULL DEFAULT '',
    show_targets   BOOLEAN NOT NULL DEFAULT TRUE,
    created_by     INTEGER NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    regenerated_at TIMESTAMP,
    revoked_at     TIMESTAMP,
    revoked_by     INTEGER,
    UNIQUE (instance_id, id),
    UNIQUE (instance_id, token_hash),
    CHECK (periods BETWEEN 0 AND 120),
    FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE,
    FOREIGN KEY (instance_id, object_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE,
    FOREIGN KEY (instance_id, created_by) REFERENCES memberships(instance_id, id),
    FOREIGN KEY (instance_id, revoked_by) REFERENCES memberships(instance_id, id)
);
CREATE INDEX embed_tokens_scorecard ON embed_tokens (instance_id, scorecard_id, id);
CREATE INDEX embed_tokens_object ON embed_tokens (instance_id, object_id, id);

CREATE TABLE embed_views (
    instance_id INTEGER NOT NULL,
    token_id    INTEGER NOT NULL,
    day         TEXT NOT NULL,
    views       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (instance_id, token_id, day),
    FOREIGN KEY (instance_id, token_id) REFERENCES embed_tokens(instance_id, id) ON DELETE CASCADE
);

CREATE TABLE embed_token_keys (
    token_hash     TEXT PRIMARY KEY,
    owner_instance INTEGER NOT NULL,
    token_id       INTEGER NOT NULL
);
