-- A digest's unsubscribe link is signed (issue 15 asks for "a signed,
-- single-purpose token") instead of a random token stored by hash: the
-- link names the instance, membership, digest and period, and a MAC under
-- the deployment's link key vouches for them. Single use is marked on the
-- digest's own digest_sends row. A digest run then writes one row fewer
-- per member; the unsubscribe_tokens INSERT, whose random key landed on
-- a new index page for nearly every row, was a quarter of a run's writes.
--
-- secrets: keys the deployment makes for itself, by name; made by the
-- first process that needs one (INSERT … ON CONFLICT DO NOTHING, then
-- read), so every process signs and checks with the same key.
CREATE TABLE secrets (
    name       TEXT PRIMARY KEY,
    value      BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL
);

ALTER TABLE digest_sends ADD COLUMN link_used_at TIMESTAMP;

-- Links mailed before this migration carried stored tokens; they now
-- answer that the link is not valid, and say where to turn digests off.
DROP TABLE unsubscribe_tokens;
