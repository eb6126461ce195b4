-- Favourite scorecards (issue 28, point 6): a member's starred scorecards,
-- listed first on the dashboard and the Scorecards list. As with measures,
-- a partner's shared scorecard goes to partner_scorecard_favorites with
-- its owner, so the database refuses a favourite that joins two instances
-- anywhere else; those rows go when the scorecard is deleted
-- (DeleteScorecard) and are not listed once the share ends.
CREATE TABLE scorecard_favorites (
    instance_id   INTEGER NOT NULL,
    membership_id INTEGER NOT NULL,
    scorecard_id  INTEGER NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (instance_id, membership_id, scorecard_id),
    FOREIGN KEY (instance_id, membership_id) REFERENCES memberships(instance_id, id) ON DELETE CASCADE,
    FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE
);
CREATE INDEX scorecard_favorites_scorecard ON scorecard_favorites (instance_id, scorecard_id);

CREATE TABLE partner_scorecard_favorites (
    instance_id    INTEGER NOT NULL,
    membership_id  INTEGER NOT NULL,
    owner_instance INTEGER NOT NULL REFERENCES instances(id),
    scorecard_id   INTEGER NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (instance_id, membership_id, owner_instance, scorecard_id),
    FOREIGN KEY (instance_id, membership_id) REFERENCES memberships(instance_id, id) ON DELETE CASCADE,
    CHECK (owner_instance <> instance_id)
);
CREATE INDEX partner_scorecard_favorites_scorecard ON partner_scorecard_favorites (owner_instance, scorecard_id);
