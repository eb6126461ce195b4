-- User Activity log (SPEC §10). One row per event, in the instance it
-- concerns; partner events are written to both instances.
CREATE TABLE activity_log (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id    INTEGER NOT NULL REFERENCES instances(id),
    at             TIMESTAMP NOT NULL,
    account_id     INTEGER,
    actor_name     TEXT NOT NULL DEFAULT '',
    actor_email    TEXT NOT NULL DEFAULT '',
    actor_instance TEXT NOT NULL DEFAULT '',
    activity       TEXT NOT NULL,
    object_type    TEXT NOT NULL DEFAULT '',
    object_id      INTEGER,
    object_name    TEXT NOT NULL DEFAULT '',
    changes        TEXT NOT NULL DEFAULT '',
    client_addr    TEXT NOT NULL DEFAULT '',
    request_id     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX activity_at ON activity_log (instance_id, at, id);
CREATE INDEX activity_account ON activity_log (instance_id, account_id, at, id);
CREATE INDEX activity_type ON activity_log (instance_id, activity, at, id);
