-- The users search (issue 12, item 7); see the SQLite migration of the
-- same number. PostgreSQL checks a filter on an index's INCLUDE columns in
-- an index-only scan, so a common term read through the status, activity
-- or email order visits the table only for the page it shows. Each
-- statement goes through EXECUTE, as in 0030 (Citus refuses DDL on a
-- distributed table sent among several commands).
DO $$ BEGIN
  EXECUTE 'DROP INDEX memberships_status';
  EXECUTE 'CREATE INDEX memberships_status ON memberships (instance_id, active, id) INCLUDE (role, email, name, invited, seen_at, perm_count, search_text)';
  EXECUTE 'DROP INDEX memberships_activity';
  EXECUTE 'CREATE INDEX memberships_activity ON memberships (instance_id, seen_at, id) INCLUDE (role, email, name, active, invited, perm_count, search_text)';
  EXECUTE 'DROP INDEX memberships_email';
  EXECUTE 'CREATE INDEX memberships_email ON memberships (instance_id, email, id) INCLUDE (role, name, active, invited, seen_at, perm_count, search_text)';
END $$;
-- A rare term's members (at most a few hundred) are read by id: with
-- every column the list shows, and search_text, in an index on the key,
-- each is one index look-up without a visit to the table.
DO $$ BEGIN
  EXECUTE 'CREATE INDEX memberships_by_id ON memberships (instance_id, id) INCLUDE (role, email, name, name_key, active, invited, seen_at, perm_count, search_text)';
END $$;
