-- Scheduled delivery of saved reports (issue 23); see the SQLite
-- migration of the same number. Each statement on the distributed
-- saved_reports goes through EXECUTE, as in 0030 (Citus refuses DDL sent
-- among several commands). The outbox is no tenant table.
DO $$ BEGIN
  EXECUTE 'ALTER TABLE saved_reports ADD COLUMN schedule TEXT NOT NULL DEFAULT ''''';
  EXECUTE 'ALTER TABLE saved_reports ADD COLUMN schedule_period TEXT NOT NULL DEFAULT ''''';
  EXECUTE 'CREATE INDEX saved_reports_scheduled ON saved_reports (instance_id, id) WHERE schedule <> ''''';
END $$;

ALTER TABLE outbox ADD COLUMN attachment_name TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN attachment BYTEA;
