-- The users list sorted by last activity reads members in an order that
-- has nothing to do with where their rows sit, so each row of a page was
-- a lookup in the table. The index now carries what the list shows
-- (store.ListMembers), so a page can be read from the index alone.
DROP INDEX memberships_activity;
CREATE INDEX memberships_activity ON memberships (instance_id, seen_at, id) INCLUDE (role, email, name, active, perm_count);
