-- lower() folds all of Unicode since this version (sqlitelower.go), not
-- only ASCII: refold the users list's name keys and search texts so that
-- "élodie" finds and sorts "Élodie" as it does for members added from now.
UPDATE memberships SET
    name_key = lower(name),
    search_text = lower(email || ' ' || name || ' ' || role || ' ' || CASE WHEN active THEN 'active' ELSE 'inactive' END);
