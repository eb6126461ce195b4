-- Account safety (issue: no account of one organization can be taken over
-- from another). A person who already has an account joins another
-- instance only by accepting an invitation: the membership waits with
-- invited set (and active off) until then.
ALTER TABLE memberships ADD COLUMN invited BOOLEAN NOT NULL DEFAULT FALSE;
-- The users list reads its page from these indexes alone (0008, 0009); it
-- now shows invitations too.
DROP INDEX memberships_activity;
CREATE INDEX memberships_activity ON memberships (instance_id, seen_at, id) INCLUDE (role, email, name, active, invited, perm_count);
DROP INDEX memberships_email;
CREATE INDEX memberships_email ON memberships (instance_id, email, id) INCLUDE (role, name, active, invited, seen_at, perm_count);

-- An email change waits for the new address to confirm it (single use).
CREATE TABLE email_changes (
    id_hash      TEXT PRIMARY KEY,
    account_id   BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    new_email    TEXT NOT NULL,
    requested_by BIGINT REFERENCES accounts(id) ON DELETE SET NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    used_at      TIMESTAMPTZ
);
CREATE INDEX email_changes_account ON email_changes (account_id);

-- Failed sign-ins per client address (or IPv6 /64), in fixed windows.
CREATE TABLE client_throttle (
    client_key   TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
