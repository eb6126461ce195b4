-- Lines many mails share are kept once (issue 15): a favourite measure's
-- lines, the same in every digest of a run that lists the measure, were
-- two thirds of a digest's bytes (a 10,000-member run wrote 78 MB of
-- mail). A part is named by a hash of its content, so a run writes each
-- once (INSERT … ON CONFLICT DO NOTHING) and an unchanged line is shared
-- by next week's digests too.
--
-- outbox.parts lists a message's parts: "<byte in body> <byte in html>
-- <key> <key> …", or '' for a message without any. The store puts them
-- back where it reads the outbox.
CREATE TABLE mail_parts (
    key        TEXT PRIMARY KEY,
    text       TEXT NOT NULL,
    html       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

ALTER TABLE outbox ADD COLUMN parts TEXT NOT NULL DEFAULT '';
