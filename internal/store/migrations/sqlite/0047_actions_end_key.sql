-- The Action Manager's end-date order is COALESCE(end_date, '') (no end
-- date first): indexes on that expression, so that a page reads its range
-- of the order instead of sorting every action of the instance, or, for a
-- member, every action they are assignee or assigner of (the arms of
-- ListActions' reachPage, as actions_assignee and actions_assigner are for
-- the title order). actions_end stays for the reminders' end_date ranges.
CREATE INDEX actions_end_key ON actions (instance_id, COALESCE(end_date, ''), id);
CREATE INDEX actions_assignee_end ON actions (instance_id, assignee_id, COALESCE(end_date, ''), id);
CREATE INDEX actions_assigner_end ON actions (instance_id, assigner_id, COALESCE(end_date, ''), id);
