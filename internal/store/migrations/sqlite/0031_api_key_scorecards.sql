-- Scorecard assignments of API keys (issue 16: "the key acts as a service
-- member of that instance with exactly those permissions and scorecard
-- assignments"). SPEC §3.3 applies to a key as to a member: with
-- scorecards.all it sees every scorecard; a key with assignments sees
-- exactly those (its own instance's in api_key_scorecards, partners' in
-- api_key_partner_scorecards, like membership_scorecards and
-- partner_assignments); otherwise objects.edit sees every scorecard of the
-- instance, and without it none.
--
-- api_keys.assigned records that the key was created with assignments. It
-- stays set when the rows go (an assigned scorecard deleted: its rows go
-- with it by the foreign key; a partner share ended: the app deletes the
-- partner rows with the share), so such a key then sees fewer scorecards,
-- or none, and never falls back to the wider "per permissions" reach.
ALTER TABLE api_keys ADD COLUMN assigned BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE api_key_scorecards (
    instance_id  INTEGER NOT NULL,
    key_id       INTEGER NOT NULL,
    scorecard_id INTEGER NOT NULL,
    PRIMARY KEY (instance_id, key_id, scorecard_id),
    FOREIGN KEY (instance_id, key_id) REFERENCES api_keys(instance_id, id) ON DELETE CASCADE,
    FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE
);
CREATE INDEX api_key_scorecards_scorecard ON api_key_scorecards (instance_id, scorecard_id);

-- A partner's scorecard lives on its owner's shard: no foreign key reaches
-- it, so owner_instance says whose it is, as in partner_assignments.
CREATE TABLE api_key_partner_scorecards (
    instance_id    INTEGER NOT NULL,
    key_id         INTEGER NOT NULL,
    owner_instance INTEGER NOT NULL REFERENCES instances(id),
    scorecard_id   INTEGER NOT NULL,
    PRIMARY KEY (instance_id, key_id, scorecard_id),
    CHECK (owner_instance <> instance_id),
    FOREIGN KEY (instance_id, key_id) REFERENCES api_keys(instance_id, id) ON DELETE CASCADE
);
CREATE INDEX api_key_partner_scorecards_scorecard ON api_key_partner_scorecards (instance_id, scorecard_id);
