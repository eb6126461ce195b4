-- The users list's default order (by email) can read its page from the
-- index alone, as the activity order can since 0008.
DROP INDEX memberships_email;
CREATE INDEX memberships_email ON memberships (instance_id, email, id) INCLUDE (role, name, active, seen_at, perm_count);
