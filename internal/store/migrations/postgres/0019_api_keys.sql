-- API keys (issue 16, SPEC §14): each acts in one instance as a service
-- member with exactly its permissions. The secret is kept only as a hash;
-- prefix is the start of the key, shown in the list so people can tell
-- keys apart. The key text carries its instance's id (ys_<id>_<secret>),
-- so the look-up by hash names one instance and the table is distributed
-- like every tenant table (placement.md).
-- created_by stays after the creator is deactivated (the key keeps
-- working until revoked; the API page marks it "creator inactive").
CREATE SEQUENCE api_keys_id_seq AS BIGINT;
CREATE TABLE api_keys (
    instance_id  BIGINT NOT NULL,
    id           BIGINT NOT NULL DEFAULT nextval('api_keys_id_seq'),
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    secret_hash  TEXT NOT NULL,
    permissions  TEXT NOT NULL,
    created_by   BIGINT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ,
    revoked_by   BIGINT,
    PRIMARY KEY (instance_id, id),
    UNIQUE (instance_id, secret_hash)
);
ALTER SEQUENCE api_keys_id_seq OWNED BY api_keys.id;
CREATE INDEX api_keys_created ON api_keys (instance_id, created_at);

-- On Citus: sharded by instance_id with the other tenant tables (as in
-- 0015 step 5), before its foreign keys are added.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    SET LOCAL citus.multi_shard_modify_mode TO 'sequential';
    PERFORM create_distributed_table('api_keys', 'instance_id', colocate_with => 'memberships');
  END IF;
END $$;

ALTER TABLE api_keys ADD FOREIGN KEY (instance_id) REFERENCES instances(id);
ALTER TABLE api_keys ADD FOREIGN KEY (instance_id, created_by) REFERENCES memberships(instance_id, id);
ALTER TABLE api_keys ADD FOREIGN KEY (instance_id, revoked_by) REFERENCES memberships(instance_id, id);
