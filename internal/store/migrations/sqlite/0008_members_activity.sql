-- The users list sorted by last activity reads members in an order that
-- has nothing to do with where their rows sit, so each row of a page was
-- a lookup in another table page. The index now carries what the list
-- shows (store.ListMembers), and the page is read from the index alone.
DROP INDEX memberships_activity;
CREATE INDEX memberships_activity ON memberships (instance_id, seen_at, id, role, email, name, active, perm_count);
