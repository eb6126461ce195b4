-- Action Custom Fields (issue 14); see the SQLite migration of the same
-- number for what each table holds. Tenant tables: instance_id leads every
-- key, and every foreign key between them carries it on both sides. On
-- Citus they are distributed (colocated with memberships) before their
-- foreign keys are added, as 0021 does.
CREATE TABLE action_fields (
    instance_id BIGINT NOT NULL,
    id          BIGSERIAL,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('text', 'number', 'date', 'select', 'yesno')),
    options     TEXT NOT NULL DEFAULT '',
    required    BOOLEAN NOT NULL DEFAULT FALSE,
    position    INTEGER NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (instance_id, id),
    UNIQUE (instance_id, name_key)
);

CREATE TABLE action_field_values (
    instance_id BIGINT NOT NULL,
    action_id   BIGINT NOT NULL,
    field_id    BIGINT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (instance_id, action_id, field_id)
);
CREATE INDEX action_field_values_field ON action_field_values (instance_id, field_id);

-- The links of an action by action: the unique indexes of 0021 on (action, object)
-- and (action, scorecard) are partial, so a search by action alone (the
-- visibility check of every listed action, the page of an action) read every
-- link of the instance.
-- Through EXECUTE: on Citus, action_links is distributed already, and an
-- index on a distributed table cannot be made from a string of several
-- commands (the workers refuse it); from PL/pgSQL it is one command.
DO $$ BEGIN EXECUTE 'CREATE INDEX action_links_action ON action_links (instance_id, action_id)'; END $$;

DO $$
DECLARE t text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    RETURN;
  END IF;
  SET LOCAL citus.multi_shard_modify_mode TO 'sequential';
  FOREACH t IN ARRAY ARRAY['action_fields', 'action_field_values'] LOOP
    PERFORM create_distributed_table(t, 'instance_id', colocate_with => 'memberships');
  END LOOP;
END $$;

ALTER TABLE action_fields ADD FOREIGN KEY (instance_id) REFERENCES instances(id);
ALTER TABLE action_field_values ADD FOREIGN KEY (instance_id, action_id) REFERENCES actions(instance_id, id) ON DELETE CASCADE;
ALTER TABLE action_field_values ADD FOREIGN KEY (instance_id, field_id) REFERENCES action_fields(instance_id, id) ON DELETE CASCADE;
