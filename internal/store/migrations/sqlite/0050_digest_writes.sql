-- On PostgreSQL, notifications' primary key takes the membership and
-- replaces notifications_member, and the outbox's foreign key to
-- instances goes (see there why). SQLite keeps its rowid key, and with it
-- notifications_member and the UNIQUE (instance_id, id) that tenant keys
-- ask of it; its foreign key checks are index look-ups in the same
-- process, and dropping one would rebuild the outbox table. Nothing
-- changes.
SELECT 1;
