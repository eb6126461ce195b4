-- User Activity log (SPEC §10). One row per event, in the instance it
-- concerns; partner events are written to both instances.
CREATE TABLE activity_log (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_id    BIGINT NOT NULL REFERENCES instances(id),
    at             TIMESTAMPTZ NOT NULL,
    account_id     BIGINT,
    actor_name     TEXT NOT NULL DEFAULT '',
    actor_email    TEXT NOT NULL DEFAULT '',
    actor_instance TEXT NOT NULL DEFAULT '',
    activity       TEXT NOT NULL,
    object_type    TEXT NOT NULL DEFAULT '',
    object_id      BIGINT,
    object_name    TEXT NOT NULL DEFAULT '',
    changes        TEXT NOT NULL DEFAULT '',
    client_addr    TEXT NOT NULL DEFAULT '',
    request_id     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX activity_at ON activity_log (instance_id, at, id);
CREATE INDEX activity_account ON activity_log (instance_id, account_id, at, id);
CREATE INDEX activity_type ON activity_log (instance_id, activity, at, id);
