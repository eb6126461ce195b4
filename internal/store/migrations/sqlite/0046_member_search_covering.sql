-- The users search (issue 12, item 7): a common term read through a sort's
-- index checks each entry's search_text with LIKE until a page of matches.
-- Without search_text in the index every entry skipped cost a look-up of
-- its row; with it, only the matches do (SQLite defers the row's seek
-- until a column outside the index is needed). The orders that skip the
-- most: status (two keys, a term's members spread through each), last
-- activity (no key bounds), and email (the default, where a status word
-- such as "inactive" is spread through the order).
DROP INDEX memberships_status;
CREATE INDEX memberships_status ON memberships (instance_id, active, id, search_text);
DROP INDEX memberships_activity;
CREATE INDEX memberships_activity ON memberships (instance_id, seen_at, id, role, email, name, active, invited, perm_count, search_text);
DROP INDEX memberships_email;
CREATE INDEX memberships_email ON memberships (instance_id, email, id, role, name, active, invited, seen_at, perm_count, search_text);
