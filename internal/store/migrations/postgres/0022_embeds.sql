-- Embed codes (issue 17, SPEC §14); see the SQLite migration of the same
-- number for what each table holds. embed_tokens and embed_views are
-- tenant tables: instance_id leads every key and is on both sides of every
-- foreign key between them; on Citus they are distributed (colocated with
-- memberships) before their foreign keys are added, as 0015 step 5 does.
-- embed_token_keys stays on the coordinator: the token → instance look-up
-- of /embed/{token}, which runs before any instance is known.
ALTER TABLE scorecards ADD COLUMN embed_origins TEXT NOT NULL DEFAULT '';

CREATE TABLE embed_tokens (
    instance_id    BIGINT NOT NULL,
    id             BIGSERIAL,
    scorecard_id   BIGINT NOT NULL,
    object_id      BIGINT,
    token_hash     TEXT NOT NULL,
    periods        INTEGER NOT NULL DEFAULT 0,
    chart          TEXT NOT NULL DEFAULT '',
    note_types     TEXT NOT NULL DEFAULT '',
    show_targets   BOOLEAN NOT NULL DEFAULT TRUE,
    created_by     BIGINT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    regenerated_at TIMESTAMPTZ,
    revoked_at     TIMESTAMPTZ,
    revoked_by     BIGINT,
    PRIMARY KEY (instance_id, id),
    UNIQUE (instance_id, token_hash),
    CHECK (periods BETWEEN 0 AND 120)
);
CREATE INDEX embed_tokens_scorecard ON embed_tokens (instance_id, scorecard_id, id);
CREATE INDEX embed_tokens_object ON embed_tokens (instance_id, object_id, id);

CREATE TABLE embed_views (
    instance_id BIGINT NOT NULL,
    token_id    BIGINT NOT NULL,
    day         TEXT NOT NULL,
    views       BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (instance_id, token_id, day)
);

CREATE TABLE embed_token_keys (
    token_hash     TEXT PRIMARY KEY,
    owner_instance BIGINT NOT NULL,
    token_id       BIGINT NOT NULL
);

DO $$
DECLARE t text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    RETURN;
  END IF;
  SET LOCAL citus.multi_shard_modify_mode TO 'sequential';
  FOREACH t IN ARRAY ARRAY['embed_tokens', 'embed_views'] LOOP
    PERFORM create_distributed_table(t, 'instance_id', colocate_with => 'memberships');
  END LOOP;
END $$;

ALTER TABLE embed_tokens ADD FOREIGN KEY (instance_id) REFERENCES instances(id);
ALTER TABLE embed_tokens ADD FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE;
ALTER TABLE embed_tokens ADD FOREIGN KEY (instance_id, object_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE;
ALTER TABLE embed_tokens ADD FOREIGN KEY (instance_id, created_by) REFERENCES memberships(instance_id, id);
ALTER TABLE embed_tokens ADD FOREIGN KEY (instance_id, revoked_by) REFERENCES memberships(instance_id, id);
ALTER TABLE embed_views ADD FOREIGN KEY (instance_id, token_id) REFERENCES embed_tokens(instance_id, id) ON DELETE CASCADE;
