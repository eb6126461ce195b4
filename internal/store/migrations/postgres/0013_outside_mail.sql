-- Mail an instance sends to addresses outside the deployment (Partner
-- Connect referrals, invitations to addresses without an account), one row
-- per message, so the per-instance and per-address limits hold across
-- every process sharing the database. The address is kept as a hash: the
-- rows exist to be counted. Rows older than the longest window are pruned.
-- Keyed by instance first, like every tenant table (it distributes on
-- Citus by instance_id); id counts within the instance (RecordOutsideMail
-- takes the next under the instance lock), so no identity column is needed.
CREATE TABLE outside_mail (
    instance_id    BIGINT NOT NULL REFERENCES instances(id),
    id             BIGINT NOT NULL,
    kind           TEXT NOT NULL,
    recipient_hash TEXT NOT NULL,
    sent_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (instance_id, id)
);
CREATE INDEX outside_mail_sent ON outside_mail (instance_id, kind, sent_at);
CREATE INDEX outside_mail_recipient ON outside_mail (instance_id, kind, recipient_hash, sent_at);
