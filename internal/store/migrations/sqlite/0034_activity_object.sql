-- An object's History tab (issue 28, point 9) pages through the log entries
-- of one scorecard, container or measure, newest first: this index serves
-- it by keyset on (at, id) within the object. Scorecards and objects have
-- separate ids, so the page also filters on object_type.
CREATE INDEX activity_object ON activity_log (instance_id, object_id, at, id);
