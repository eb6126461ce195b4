-- Partner Connect (SPEC §12). These rows join two instances, so each names
-- both; no other table lets one instance reach another's rows.

-- A connection request from one instance to another. pair_lo/pair_hi are
-- the two ids in order, so "one pending request per pair, either
-- direction" is a unique index.
CREATE TABLE partner_requests (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    from_instance BIGINT NOT NULL REFERENCES instances(id),
    to_instance   BIGINT NOT NULL REFERENCES instances(id),
    pair_lo       BIGINT NOT NULL,
    pair_hi       BIGINT NOT NULL,
    status        TEXT NOT NULL,
    requested_by  BIGINT REFERENCES accounts(id),
    created_at    TIMESTAMPTZ NOT NULL,
    closed_at     TIMESTAMPTZ
);
CREATE UNIQUE INDEX partner_requests_pending ON partner_requests (pair_lo, pair_hi) WHERE status = 'pending';
CREATE INDEX partner_requests_to ON partner_requests (to_instance, status);
CREATE INDEX partner_requests_from ON partner_requests (from_instance, status);

-- A directed channel: the owner shares with the partner. Accepting a
-- request makes both directions; revoking ends one for good (a new
-- request makes a new row).
CREATE TABLE partner_channels (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_instance   BIGINT NOT NULL REFERENCES instances(id),
    partner_instance BIGINT NOT NULL REFERENCES instances(id),
    created_at       TIMESTAMPTZ NOT NULL,
    revoked_at       TIMESTAMPTZ,
    revoked_by       BIGINT REFERENCES instances(id)
);
CREATE UNIQUE INDEX partner_channels_active ON partner_channels (owner_instance, partner_instance) WHERE revoked_at IS NULL;
CREATE INDEX partner_channels_partner ON partner_channels (partner_instance, owner_instance) WHERE revoked_at IS NULL;

-- Scorecards shared on a channel. Rows exist only while the channel is
-- active: revoking deletes them in the same transaction.
CREATE TABLE partner_shares (
    channel_id       BIGINT NOT NULL REFERENCES partner_channels(id),
    owner_instance   BIGINT NOT NULL REFERENCES instances(id),
    partner_instance BIGINT NOT NULL REFERENCES instances(id),
    scorecard_id     BIGINT NOT NULL REFERENCES scorecards(id) ON DELETE CASCADE,
    contribute       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (channel_id, scorecard_id)
);
CREATE INDEX partner_shares_scorecard ON partner_shares (scorecard_id, partner_instance);
CREATE INDEX partner_shares_partner ON partner_shares (partner_instance, owner_instance, scorecard_id);

-- Invitations to organizations not on the deployment (Refer). The token
-- is kept only as its SHA-256.
CREATE TABLE partner_referrals (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    from_instance BIGINT NOT NULL REFERENCES instances(id),
    email         TEXT NOT NULL,
    organization  TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    referred_by   BIGINT REFERENCES accounts(id),
    created_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    used_at       TIMESTAMPTZ
);
CREATE INDEX partner_referrals_from ON partner_referrals (from_instance, id);
