-- Mail an instance sends to addresses outside the deployment (Partner
-- Connect referrals, invitations to addresses without an account), one row
-- per message, so the per-instance and per-address limits hold across
-- every process sharing the database. The address is kept as a hash: the
-- rows exist to be counted. Rows older than the longest window are pruned.
CREATE TABLE outside_mail (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id    INTEGER NOT NULL REFERENCES instances(id),
    kind           TEXT NOT NULL,
    recipient_hash TEXT NOT NULL,
    sent_at        TIMESTAMP NOT NULL
);
CREATE INDEX outside_mail_sent ON outside_mail (instance_id, kind, sent_at);
CREATE INDEX outside_mail_recipient ON outside_mail (instance_id, kind, recipient_hash, sent_at);
