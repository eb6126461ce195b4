-- The users list's default order (by email) reads its page from the index
-- alone, as the activity order does since 0008.
DROP INDEX memberships_email;
CREATE INDEX memberships_email ON memberships (instance_id, email, id, role, name, active, seen_at, perm_count);
