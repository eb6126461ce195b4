-- Users administration (SPEC §4). The users list sorts and searches by
-- account fields within one instance, so memberships carry copies of them
-- (kept in step by the store) and every sort has an instance-first index.
ALTER TABLE memberships ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE memberships ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE memberships ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE memberships ADD COLUMN perm_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE memberships ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
-- role: the preset the set equals, or Custom; shown and sorted as Role.
ALTER TABLE memberships ADD COLUMN role TEXT NOT NULL DEFAULT '';
-- seen_at: last activity for sorting; the epoch stands for never, so
-- keyset paging needs no NULL handling.
ALTER TABLE memberships ADD COLUMN seen_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00+00:00';

UPDATE memberships SET
    email = (SELECT a.email FROM accounts a WHERE a.id = memberships.account_id),
    name = (SELECT a.name FROM accounts a WHERE a.id = memberships.account_id),
    name_key = (SELECT lower(a.name) FROM accounts a WHERE a.id = memberships.account_id),
    role = preset;

CREATE INDEX memberships_email ON memberships (instance_id, email, id);
CREATE INDEX memberships_name ON memberships (instance_id, name_key, id);
CREATE INDEX memberships_activity ON memberships (instance_id, seen_at, id);
CREATE INDEX memberships_role ON memberships (instance_id, role, id);
CREATE INDEX memberships_perms ON memberships (instance_id, perm_count, id);
CREATE INDEX memberships_status ON memberships (instance_id, active, id);

CREATE TABLE favorites (
    instance_id   INTEGER NOT NULL REFERENCES instances(id),
    membership_id INTEGER NOT NULL REFERENCES memberships(id) ON DELETE CASCADE,
    measure_id    INTEGER NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    created_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (membership_id, measure_id)
);
CREATE INDEX favorites_measure ON favorites (measure_id);

-- Member counts kept in step with memberships (see store.countMember).
ALTER TABLE instances ADD COLUMN member_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE instances ADD COLUMN active_count INTEGER NOT NULL DEFAULT 0;
UPDATE instances SET
    member_count = (SELECT COUNT(*) FROM memberships m WHERE m.instance_id = instances.id),
    active_count = (SELECT COUNT(*) FROM memberships m WHERE m.instance_id = instances.id AND m.active);
