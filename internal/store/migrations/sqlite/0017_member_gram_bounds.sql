-- The users search (0014) reads a common term's page from the sort's own
-- index, from the start of the order; a term whose members sit deep in it
-- (a last name shared by three first names, sorted by email; a term of one
-- role, sorted by role) read most of the instance before its first match.
-- member_gram_bounds keeps, per sort order (1 email, 2 name_key, 3 role,
-- 4 perm_count as three digits, 5 status as 0 or 1) and gram, the least
-- and greatest key of the members that hold the gram: a common term's
-- first page starts at its grams' least key (store.ListMembers). One row
-- per gram and order, where sort-ordered postings would have been one per
-- member, gram and order (1.7 GB at 100,000 members on SQLite, measured).
-- The last-activity order is left out: the activity touch is frequent and
-- that order already pages well. Only the background pass
-- (store.IndexPending) writes here, and bounds only widen: a member that
-- leaves a gram or moves leaves a bound too wide, which costs reading,
-- not results; searches read pending members apart, and a rebuild
-- (store.RebuildMemberSearch) makes them exact again.
-- Tenant table: instance_id leads the key. It references no row.
CREATE TABLE member_gram_bounds (
    instance_id INTEGER NOT NULL,
    sort        INTEGER NOT NULL,
    gram        INTEGER NOT NULL,
    lo          TEXT NOT NULL,
    hi          TEXT NOT NULL,
    PRIMARY KEY (instance_id, sort, gram)
) WITHOUT ROWID;
INSERT INTO member_gram_bounds (instance_id, sort, gram, lo, hi)
    SELECT g.instance_id, s.sort, g.gram,
        MIN(CASE s.sort WHEN 1 THEN m.email WHEN 2 THEN m.name_key WHEN 3 THEN m.role
            WHEN 4 THEN printf('%03d', m.perm_count) ELSE CASE WHEN m.active THEN '1' ELSE '0' END END),
        MAX(CASE s.sort WHEN 1 THEN m.email WHEN 2 THEN m.name_key WHEN 3 THEN m.role
            WHEN 4 THEN printf('%03d', m.perm_count) ELSE CASE WHEN m.active THEN '1' ELSE '0' END END)
    FROM member_grams g
    JOIN memberships m ON m.instance_id = g.instance_id AND m.id = g.membership_id
    CROSS JOIN (SELECT 1 AS sort UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5) s
    GROUP BY g.instance_id, s.sort, g.gram;
