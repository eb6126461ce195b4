-- The users list's search (store.ListMembers) read the sort's index until
-- it had a page of matches: a whole instance for a rare term. member_grams
-- lists, for every byte position of a membership's search_text that starts
-- a character, the (up to) seven bytes from there as one big-endian number
-- padded with zeros (store.memberGrams). A term of seven bytes or fewer is
-- then one range of grams (those it is a prefix of), a longer one any of
-- its own seven-byte windows, and only the members found there are read.
-- A write of search_text only marks the membership search_pending (a
-- column of the row it writes anyway, and a small partial index): moving
-- ~70 grams into this index at once cost SQLite 3-4x per write, each on a
-- page of its own. Searches read pending members as well, with LIKE, and
-- the app moves them into member_grams in batches (store.IndexPending).
-- The activity touch does not write search_text.
-- Tenant table: instance_id leads the key and the foreign key, so a gram
-- cannot point at another instance's membership (memberships_instance_id
-- is the unique key that foreign key needs).
CREATE UNIQUE INDEX memberships_instance_id ON memberships (instance_id, id);
ALTER TABLE memberships ADD COLUMN search_pending BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX memberships_search_pending ON memberships (instance_id, id) WHERE search_pending;
CREATE TABLE member_grams (
    instance_id   INTEGER NOT NULL,
    gram          INTEGER NOT NULL,
    membership_id INTEGER NOT NULL,
    PRIMARY KEY (instance_id, gram, membership_id),
    FOREIGN KEY (instance_id, membership_id) REFERENCES memberships (instance_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
-- Finds a membership's grams when it changes or goes (and for the cascade).
CREATE INDEX member_grams_member ON member_grams (instance_id, membership_id);
-- member_grams() is store.memberGrams as an SQL function (JSON array). In
-- key order: random inserts of millions of grams took over a minute.
INSERT INTO member_grams (instance_id, gram, membership_id)
    SELECT m.instance_id, g.value, m.id FROM memberships m, json_each(member_grams(m.search_text)) g
    ORDER BY 1, 2, 3;
