-- The reach table carries each object's kind, so "how many measures can
-- this member see" is an indexed join from its assigned scorecards
-- instead of a probe per object of the instance.
ALTER TABLE scorecard_objects ADD COLUMN kind TEXT NOT NULL DEFAULT '';
UPDATE scorecard_objects SET kind = (SELECT o.kind FROM objects o WHERE o.id = scorecard_objects.object_id);
CREATE INDEX scorecard_objects_kind ON scorecard_objects (scorecard_id, kind, object_id);
CREATE INDEX scorecard_objects_instance_kind ON scorecard_objects (instance_id, kind, object_id);
