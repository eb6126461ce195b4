-- Notifications (issue 15, point 5); see the SQLite migration of the same
-- number for what it holds and why. Tenant table: instance_id leads every
-- key; on Citus it is distributed (colocated with memberships) before its
-- foreign key is added, as 0026 and 0027 do.
CREATE TABLE notifications (
    instance_id   BIGINT NOT NULL,
    id            BIGSERIAL,
    membership_id BIGINT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('action_assigned', 'todo_assigned', 'digest_weekly', 'digest_monthly', 'action_email')),
    title         TEXT NOT NULL DEFAULT '',
    path          TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    read_at       TIMESTAMPTZ,
    PRIMARY KEY (instance_id, id)
);
CREATE INDEX notifications_member ON notifications (instance_id, membership_id, id DESC);
CREATE INDEX notifications_unread ON notifications (instance_id, membership_id, id, read_at) WHERE read_at IS NULL;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    RETURN;
  END IF;
  SET LOCAL citus.multi_shard_modify_mode TO 'sequential';
  PERFORM create_distributed_table('notifications', 'instance_id', colocate_with => 'memberships');
END $$;

ALTER TABLE notifications ADD FOREIGN KEY (instance_id, membership_id) REFERENCES memberships(instance_id, id) ON DELETE CASCADE;
