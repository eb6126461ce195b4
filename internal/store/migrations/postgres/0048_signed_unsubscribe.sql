-- See the SQLite migration of the same number: signed unsubscribe links,
-- single use marked on digest_sends, the deployment's keys in secrets
-- (a table of the coordinator on Citus, read by the processes only).
CREATE TABLE secrets (
    name       TEXT PRIMARY KEY,
    value      BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- Through EXECUTE, as in 0030 (Citus refuses DDL on a distributed table
-- sent among several commands).
DO $$ BEGIN
  EXECUTE 'ALTER TABLE digest_sends ADD COLUMN link_used_at TIMESTAMPTZ';
  EXECUTE 'DROP TABLE unsubscribe_tokens';
END $$;
