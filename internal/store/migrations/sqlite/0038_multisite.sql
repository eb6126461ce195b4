-- Multi-Site Tools (issue 22, points 1 and 2; issue 28, point 5).
--
-- instances.multi_site: the operator's switch (`yardstick instance set
-- --multi-site=true`) that opens Administration → Multi-Site Tools.
-- instances.parent_id: a child instance's parent. Parent and child stay
-- separate tenants: nothing else joins them, and every tenant row keeps
-- its own instance_id.
--
-- scorecards and objects: origin_instance and origin_id, the copy key of
-- a scorecard, container or measure copied from another instance (NULL
-- for everything else, copies within one instance included). A second
-- copy of the same scorecard into the same instance finds its earlier
-- copies by this key and updates them instead of duplicating; the unique
-- index (instance_id leads it, as Citus needs) keeps one copy per origin.
ALTER TABLE instances ADD COLUMN multi_site BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE instances ADD COLUMN parent_id INTEGER REFERENCES instances(id);
CREATE INDEX instances_parent ON instances (parent_id, code);

ALTER TABLE scorecards ADD COLUMN origin_instance INTEGER;
ALTER TABLE scorecards ADD COLUMN origin_id INTEGER;
ALTER TABLE objects ADD COLUMN origin_instance INTEGER;
ALTER TABLE objects ADD COLUMN origin_id INTEGER;
CREATE UNIQUE INDEX scorecards_origin ON scorecards (instance_id, origin_instance, origin_id) WHERE origin_id IS NOT NULL;
CREATE UNIQUE INDEX objects_origin ON objects (instance_id, origin_instance, origin_id) WHERE origin_id IS NOT NULL;
