-- The users search (0014) finds a rare term's members in member_grams and
-- sorts them; a common term read the sort's own index until it had a page
-- of matches, which for a term whose members sit deep in that order (a
-- last name shared by three first names, sorted by email) meant reading
-- most of the instance. member_sort_grams holds the same postings again,
-- ordered by the list's sort keys after the gram, so that a term's members
-- are read in the order the page shows them and reading stops after a
-- page (store.ListMembers). One list per high-cardinality order (1: email,
-- 2: name_key); one for the three low-cardinality orders (3: the facet
-- "active/perm_count/role"), whose members are in id order within a facet,
-- as the role, permissions and status orders are within a value. The
-- last-activity order is left out: the activity touch is frequent and that
-- order already pages well. Only the background pass (store.IndexPending)
-- writes these rows, never a request; a write that changes any of these
-- keys marks the member search_pending, and searches read pending members
-- apart.
-- Tenant table: instance_id leads the key and both sides of the foreign key.
CREATE TABLE member_sort_grams (
    instance_id   INTEGER NOT NULL,
    sort          INTEGER NOT NULL,
    gram          INTEGER NOT NULL,
    sort_key      TEXT NOT NULL,
    membership_id INTEGER NOT NULL,
    PRIMARY KEY (instance_id, sort, gram, sort_key, membership_id),
    FOREIGN KEY (instance_id, membership_id) REFERENCES memberships (instance_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
-- Finds a membership's postings when it is indexed again (and for the cascade).
CREATE INDEX member_sort_grams_member ON member_sort_grams (instance_id, membership_id);
INSERT INTO member_sort_grams (instance_id, sort, gram, sort_key, membership_id)
    SELECT g.instance_id, s.sort, g.gram,
        CASE WHEN s.sort = 1 THEN m.email WHEN s.sort = 2 THEN m.name_key
            ELSE CASE WHEN m.active THEN '1' ELSE '0' END || '/' || m.perm_count || '/' || m.role END,
        g.membership_id
    FROM member_grams g
    JOIN memberships m ON m.instance_id = g.instance_id AND m.id = g.membership_id
    CROSS JOIN (SELECT 1 AS sort UNION ALL SELECT 2 UNION ALL SELECT 3) s
    ORDER BY 1, 2, 3, 4, 5;
