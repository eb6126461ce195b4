-- The outcome of every log entry as a field of its own (SPEC §10):
-- succeeded, refused or failed. Entries written before it existed take
-- theirs from their type; the column's default covers every other type.
ALTER TABLE activity_log ADD COLUMN outcome TEXT NOT NULL DEFAULT 'succeeded';
UPDATE activity_log SET outcome = 'refused' WHERE activity = 'refused';
UPDATE activity_log SET outcome = 'failed' WHERE activity = 'sign_in_failed';
