-- Partner Connect (SPEC §12). These rows join two instances, so each names
-- both; no other table lets one instance reach another's rows.

-- A connection request from one instance to another. pair_lo/pair_hi are
-- the two ids in order, so "one pending request per pair, either
-- direction" is a unique index.
CREATE TABLE partner_requests (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    from_instance INTEGER NOT NULL REFERENCES instances(id),
    to_instance   INTEGER NOT NULL REFERENCES instances(id),
    pair_lo       INTEGER NOT NULL,
    pair_hi       INTEGER NOT NULL,
    status        TEXT NOT NULL,
    requested_by  INTEGER REFERENCES accounts(id),
    created_at    TIMESTAMP NOT NULL,
    closed_at     TIMESTAMP
);
CREATE UNIQUE INDEX partner_requests_pending ON partner_requests (pair_lo, pair_hi) WHERE status = 'pending';
CREATE INDEX partner_requests_to ON partner_requests (to_instance, status);
CREATE INDEX partner_requests_from ON partner_requests (from_instance, status);

-- A directed channel: the owner shares with the partner. Accepting a
-- request makes both directions; revoking ends one for good (a new
-- request makes a new row).
CREATE TABLE partner_channels (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_instance   INTEGER NOT NULL REFERENCES instances(id),
    partner_instance INTEGER NOT NULL REFERENCES instances(id),
    created_at       TIMESTAMP NOT NULL,
    revoked_at       TIMESTAMP,
    revoked_by       INTEGER REFERENCES instances(id)
);
CREATE UNIQUE INDEX partner_channels_active ON partner_channels (owner_instance, partner_instance) WHERE revoked_at IS NULL;
CREATE INDEX partner_channels_partner ON partner_channels (partner_instance, owner_instance) WHERE revoked_at IS NULL;

-- Scorecards shared on a channel. Rows exist only while the channel is
-- active: revoking deletes them in the same transaction.
CREATE TABLE partner_shares (
    channel_id       INTEGER NOT NULL REFERENCES partner_channels(id),
    owner_instance   INTEGER NOT NULL REFERENCES instances(id),
    partner_instance INTEGER NOT NULL REFERENCES instances(id),
    scorecard_id     INTEGER NOT NULL REFERENCES scorecards(id) ON DELETE CASCADE,
    contribute       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (channel_id, scorecard_id)
);
CREATE INDEX partner_shares_scorecard ON partner_shares (scorecard_id, partner_instance);
CREATE INDEX partner_shares_partner ON partner_shares (partner_instance, owner_instance, scorecard_id);

-- Invitations to organizations not on the deployment (Refer). The token
-- is kept only as its SHA-256.
CREATE TABLE partner_referrals (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    from_instance INTEGER NOT NULL REFERENCES instances(id),
    email         TEXT NOT NULL,
    organization  TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    referred_by   INTEGER REFERENCES accounts(id),
    created_at    TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL,
    used_at       TIMESTAMP
);
CREATE INDEX partner_referrals_from ON partner_referrals (from_instance, id);
