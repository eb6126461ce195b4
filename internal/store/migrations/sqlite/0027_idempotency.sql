-- Idempotency-Key of the API's creates (issue 16): the first answer to a
-- POST sent with a key, kept 24 hours per API key, so a retried create
-- returns it instead of creating again. request_hash is a hash of the
-- operation and its body: the same key with another body is refused.
-- The row is written in the transaction of the create itself, so a create
-- and its answer are kept together or not at all.
-- Tenant table: instance_id leads the key, and its foreign key carries it.
CREATE TABLE idempotency_keys (
    instance_id  INTEGER NOT NULL,
    key_id       INTEGER NOT NULL,
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL,
    location     TEXT NOT NULL DEFAULT '',
    etag         TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (instance_id, key_id, idem_key),
    FOREIGN KEY (instance_id, key_id) REFERENCES api_keys(instance_id, id) ON DELETE CASCADE
);
-- Expired rows are deleted by instance (lazily, with the next create).
CREATE INDEX idempotency_keys_created ON idempotency_keys (instance_id, created_at);
