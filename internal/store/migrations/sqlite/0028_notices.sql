-- Notifications (issue 15): what the digests and action emails have sent,
-- so each is sent once whatever crashes or however many processes run.
--
-- digest_sends: one row per membership, digest and period (the local
-- date of the Monday or the 1st it is for). The digest run inserts these
-- rows before it writes the mails, in the same transaction, and writes
-- mail only for the rows it inserted: a second run, in this process or
-- another, finds them and sends nothing.
CREATE TABLE digest_sends (
    instance_id   INTEGER NOT NULL,
    membership_id INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('weekly', 'monthly')),
    period        TEXT NOT NULL,
    sent_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (instance_id, membership_id, kind, period),
    FOREIGN KEY (instance_id, membership_id) REFERENCES memberships(instance_id, id) ON DELETE CASCADE
);

-- action_notices: each action email at most once per action, event and
-- recipient (SPEC §8).
CREATE TABLE action_notices (
    instance_id   INTEGER NOT NULL,
    action_id     INTEGER NOT NULL,
    event         TEXT NOT NULL CHECK (event IN ('assigned', 'started', 'due_soon', 'completed')),
    membership_id INTEGER NOT NULL,
    sent_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (instance_id, action_id, event, membership_id),
    FOREIGN KEY (instance_id, action_id) REFERENCES actions(instance_id, id) ON DELETE CASCADE,
    FOREIGN KEY (instance_id, membership_id) REFERENCES memberships(instance_id, id) ON DELETE CASCADE
);

-- unsubscribe_tokens: the digest's unsubscribe link, single-purpose (one
-- membership, one digest) and single-use; only the token's hash is kept.
-- The token text carries its instance id, so the look-up names one shard.
CREATE TABLE unsubscribe_tokens (
    instance_id   INTEGER NOT NULL,
    token_hash    TEXT NOT NULL,
    membership_id INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('weekly', 'monthly')),
    created_at    TIMESTAMP NOT NULL,
    used_at       TIMESTAMP,
    PRIMARY KEY (instance_id, token_hash),
    FOREIGN KEY (instance_id, membership_id) REFERENCES memberships(instance_id, id) ON DELETE CASCADE
);
CREATE INDEX unsubscribe_tokens_created ON unsubscribe_tokens (instance_id, created_at);

-- A digest has an HTML part beside the plain text one.
ALTER TABLE outbox ADD COLUMN html TEXT NOT NULL DEFAULT '';
-- A digest's unsubscribe link for the List-Unsubscribe header (RFC 8058
-- one-click); erased with the body once delivered.
ALTER TABLE outbox ADD COLUMN unsubscribe_url TEXT NOT NULL DEFAULT '';
