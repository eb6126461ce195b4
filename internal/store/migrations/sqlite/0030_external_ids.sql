-- External ids (issue 16, API cross-reference): an optional id of the
-- integrator's choosing on a scorecard, container or measure, by which the
-- API addresses it (`ext:ID` in a path) and the XREF page lists it.
-- NULL: none. Unique per instance and per table: a scorecard and a measure
-- may carry the same external id (a path says which it names), two
-- objects (containers and measures share a table) may not. Case-sensitive,
-- as stored (the app trims it and checks length and characters).
-- Tenant tables: instance_id leads the unique index, which is partial so
-- that any number of rows may have none; Citus accepts a partial unique
-- index on a distributed table when it holds the distribution column.
ALTER TABLE scorecards ADD COLUMN ext_id TEXT;
ALTER TABLE objects ADD COLUMN ext_id TEXT;
CREATE UNIQUE INDEX scorecards_ext_id ON scorecards (instance_id, ext_id) WHERE ext_id IS NOT NULL;
CREATE UNIQUE INDEX objects_ext_id ON objects (instance_id, ext_id) WHERE ext_id IS NOT NULL;
