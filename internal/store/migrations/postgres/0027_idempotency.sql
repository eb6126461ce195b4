-- Idempotency-Key of the API's creates (issue 16); see the SQLite
-- migration of the same number for what it holds and why. Tenant table:
-- instance_id leads the key; on Citus it is distributed (colocated with
-- memberships) before its foreign key is added, as 0026 does.
CREATE TABLE idempotency_keys (
    instance_id  BIGINT NOT NULL,
    key_id       BIGINT NOT NULL,
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL,
    location     TEXT NOT NULL DEFAULT '',
    etag         TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (instance_id, key_id, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (instance_id, created_at);

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    RETURN;
  END IF;
  SET LOCAL citus.multi_shard_modify_mode TO 'sequential';
  PERFORM create_distributed_table('idempotency_keys', 'instance_id', colocate_with => 'memberships');
END $$;

ALTER TABLE idempotency_keys ADD FOREIGN KEY (instance_id, key_id) REFERENCES api_keys(instance_id, id) ON DELETE CASCADE;
