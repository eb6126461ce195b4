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
    instance_id   BIGINT NOT NULL,
    gram          BIGINT NOT NULL,
    membership_id BIGINT NOT NULL,
    PRIMARY KEY (instance_id, gram, membership_id),
    FOREIGN KEY (instance_id, membership_id) REFERENCES memberships (instance_id, id) ON DELETE CASCADE
);
-- Finds a membership's grams when it changes or goes (and for the cascade).
CREATE INDEX member_grams_member ON member_grams (instance_id, membership_id);
-- store.memberGrams in SQL (store.memberGramsSQL, which a test holds to
-- the Go function): the bytes of the text, each position that is not a
-- UTF-8 continuation byte, seven bytes from there padded with zeros.
INSERT INTO member_grams (instance_id, gram, membership_id)
    SELECT DISTINCT m.instance_id,
        ('x' || encode(substring(b.t || '\x00000000000000'::bytea FROM p.i + 1 FOR 7), 'hex'))::bit(56)::bigint,
        m.id
    FROM memberships m
    CROSS JOIN LATERAL (SELECT convert_to(m.search_text, 'UTF8') AS t) b
    CROSS JOIN LATERAL generate_series(0, length(b.t) - 1) p(i)
    WHERE get_byte(b.t, p.i) NOT BETWEEN 128 AND 191;
