-- Scheduled delivery of saved reports (issue 23): a saved report may be
-- mailed weekly or monthly, as XLSX, to its creator. schedule is '',
-- 'weekly' or 'monthly'; schedule_period is the last period (the local
-- date of its Monday or 1st, as digests name theirs) a delivery was
-- written for, claimed in the mail's own transaction so that a period
-- gets one mail however many runs and processes look.
ALTER TABLE saved_reports ADD COLUMN schedule TEXT NOT NULL DEFAULT '';
ALTER TABLE saved_reports ADD COLUMN schedule_period TEXT NOT NULL DEFAULT '';
CREATE INDEX saved_reports_scheduled ON saved_reports (instance_id, id) WHERE schedule <> '';

-- The outbox carries one attachment (the delivered XLSX), dropped once
-- the message is delivered, as secrets are.
ALTER TABLE outbox ADD COLUMN attachment_name TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN attachment BLOB;
