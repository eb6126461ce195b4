-- See the SQLite migration of the same number: lines many mails share,
-- kept once. Like the outbox, mail_parts is a table of the coordinator
-- on Citus: the mail worker reads the parts of messages of every
-- instance.
CREATE TABLE mail_parts (
    key        TEXT PRIMARY KEY,
    text       TEXT NOT NULL,
    html       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

ALTER TABLE outbox ADD COLUMN parts TEXT NOT NULL DEFAULT '';
