-- Notifications (issue 15); see the SQLite migration of the same number
-- for what each table holds and why. Tenant tables: instance_id leads
-- every key; on Citus each is distributed (colocated with memberships)
-- before its foreign keys are added, as 0026 does.
CREATE TABLE digest_sends (
    instance_id   BIGINT NOT NULL,
    membership_id BIGINT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('weekly', 'monthly')),
    period        TEXT NOT NULL,
    sent_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (instance_id, membership_id, kind, period)
);

CREATE TABLE action_notices (
    instance_id   BIGINT NOT NULL,
    action_id     BIGINT NOT NULL,
    event         TEXT NOT NULL CHECK (event IN ('assigned', 'started', 'due_soon', 'completed')),
    membership_id BIGINT NOT NULL,
    sent_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (instance_id, action_id, event, membership_id)
);

CREATE TABLE unsubscribe_tokens (
    instance_id   BIGINT NOT NULL,
    token_hash    TEXT NOT NULL,
    membership_id BIGINT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('weekly', 'monthly')),
    created_at    TIMESTAMPTZ NOT NULL,
    used_at       TIMESTAMPTZ,
    PRIMARY KEY (instance_id, token_hash)
);
CREATE INDEX unsubscribe_tokens_created ON unsubscribe_tokens (instance_id, created_at);

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    RETURN;
  END IF;
  SET LOCAL citus.multi_shard_modify_mode TO 'sequential';
  PERFORM create_distributed_table('digest_sends', 'instance_id', colocate_with => 'memberships');
  PERFORM create_distributed_table('action_notices', 'instance_id', colocate_with => 'memberships');
  PERFORM create_distributed_table('unsubscribe_tokens', 'instance_id', colocate_with => 'memberships');
END $$;

ALTER TABLE digest_sends ADD FOREIGN KEY (instance_id, membership_id) REFERENCES memberships(instance_id, id) ON DELETE CASCADE;
ALTER TABLE action_notices ADD FOREIGN KEY (instance_id, action_id) REFERENCES actions(instance_id, id) ON DELETE CASCADE;
ALTER TABLE action_notices ADD FOREIGN KEY (instance_id, membership_id) REFERENCES memberships(instance_id, id) ON DELETE CASCADE;
ALTER TABLE unsubscribe_tokens ADD FOREIGN KEY (instance_id, membership_id) REFERENCES memberships(instance_id, id) ON DELETE CASCADE;

ALTER TABLE outbox ADD COLUMN html TEXT NOT NULL DEFAULT '';
-- A digest's unsubscribe link for the List-Unsubscribe header (RFC 8058
-- one-click); erased with the body once delivered.
ALTER TABLE outbox ADD COLUMN unsubscribe_url TEXT NOT NULL DEFAULT '';

-- A digest run writes thousands of mails of a few kilobytes; pglz, the
-- default compression of long text, was much of PostgreSQL's time for
-- them. lz4 is several times faster; a server built without it keeps pglz.
DO $$
BEGIN
  ALTER TABLE outbox ALTER COLUMN body SET COMPRESSION lz4, ALTER COLUMN html SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
  NULL;
END $$;
