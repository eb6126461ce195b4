-- API keys (issue 16, SPEC §14): each acts in one instance as a service
-- member with exactly its permissions. The secret is kept only as a hash;
-- prefix is the start of the key, shown in the list so people can tell
-- keys apart. The key text carries its instance's id (ys_<id>_<secret>),
-- so the look-up by hash names one instance (placement.md).
-- created_by stays after the creator is deactivated (the key keeps
-- working until revoked; the API page marks it "creator inactive").
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id  INTEGER NOT NULL REFERENCES instances(id),
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    secret_hash  TEXT NOT NULL,
    permissions  TEXT NOT NULL,
    created_by   INTEGER NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP,
    revoked_by   INTEGER,
    UNIQUE (instance_id, id),
    UNIQUE (instance_id, secret_hash),
    FOREIGN KEY (instance_id, created_by) REFERENCES memberships(instance_id, id),
    FOREIGN KEY (instance_id, revoked_by) REFERENCES memberships(instance_id, id)
);
CREATE INDEX api_keys_created ON api_keys (instance_id, created_at);
