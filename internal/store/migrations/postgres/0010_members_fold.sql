-- SQLite's migration 0010 refolds the users list's keys with a Unicode
-- lower(); PostgreSQL's lower() already folds Unicode in a UTF-8 locale
-- (README: Running on PostgreSQL), so there is nothing to redo here.
SELECT 1;
