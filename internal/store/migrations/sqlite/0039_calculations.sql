-- Calculated measures (issue 22, point 3). calculations holds a measure's
-- definition: the method (internal/calc), a formula's text, whether Sum to
-- Count use the inputs that have a value (partial), and whether targets
-- are calculated too or typed (calc_targets). calc_inputs are its inputs
-- in order (A, B, …): its own instance's measures or a partner's shared
-- measure, named by instance and id — no foreign key reaches another
-- instance (as partner_favorites); internal/app checks the input is
-- visible when the calculation is saved and when it recomputes. The
-- calculated values are the measure's own data_values rows; calc_marks
-- are the periods whose partner input is no longer shared (the share was
-- revoked): their values stay, marked, and stop updating.
-- Tenant tables: instance_id leads every key.
CREATE TABLE calculations (
    instance_id  INTEGER NOT NULL,
    measure_id   INTEGER NOT NULL,
    method       TEXT NOT NULL CHECK (method IN ('sum', 'average', 'min', 'max', 'count', 'percent', 'ratio', 'formula',
                                                  'ytd_sum', 'ytd_average', 'total_sum', 'total_average')),
    formula      TEXT NOT NULL DEFAULT '',
    partial      BOOLEAN NOT NULL DEFAULT FALSE,
    calc_targets BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (instance_id, measure_id),
    FOREIGN KEY (instance_id, measure_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE
);
CREATE TABLE calc_inputs (
    instance_id    INTEGER NOT NULL,
    measure_id     INTEGER NOT NULL,
    position       INTEGER NOT NULL CHECK (position >= 0 AND position < 26),
    input_instance INTEGER NOT NULL,
    input_id       INTEGER NOT NULL,
    PRIMARY KEY (instance_id, measure_id, position),
    FOREIGN KEY (instance_id, measure_id) REFERENCES calculations(instance_id, measure_id) ON DELETE CASCADE
);
-- The calculations an instance's own saved measures feed (the save's
-- recompute).
CREATE INDEX calc_inputs_input ON calc_inputs (instance_id, input_id);
-- calc_feeds mirrors a calculation's partner inputs in the input's own
-- instance: instance_id and measure_id are the partner's measure, and
-- calc_instance and calc_measure the calculation it feeds in another
-- instance (no foreign key reaches it). The partner's save reads it, on
-- its own shard, to enqueue the recompute of those calculations.
CREATE TABLE calc_feeds (
    instance_id   INTEGER NOT NULL,
    measure_id    INTEGER NOT NULL,
    calc_instance INTEGER NOT NULL,
    calc_measure  INTEGER NOT NULL,
    PRIMARY KEY (instance_id, measure_id, calc_instance, calc_measure),
    CHECK (calc_instance <> instance_id),
    FOREIGN KEY (instance_id, measure_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE
);
CREATE TABLE calc_marks (
    instance_id INTEGER NOT NULL,
    measure_id  INTEGER NOT NULL,
    period_key  TEXT NOT NULL,
    PRIMARY KEY (instance_id, measure_id, period_key),
    FOREIGN KEY (instance_id, measure_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE
);
