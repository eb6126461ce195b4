-- Calculated measures (issue 22, point 3); see the SQLite migration of the
-- same number for what each table holds. Tenant tables: instance_id leads
-- every key; on Citus they are distributed (colocated with objects)
-- before their foreign keys are added, as 0029 does. calc_inputs names a
-- partner's measure by its instance and id: no foreign key reaches across
-- shards (as partner_favorites).
CREATE TABLE calculations (
    instance_id  BIGINT NOT NULL,
    measure_id   BIGINT NOT NULL,
    method       TEXT NOT NULL CHECK (method IN ('sum', 'average', 'min', 'max', 'count', 'percent', 'ratio', 'formula',
                                                  'ytd_sum', 'ytd_average', 'total_sum', 'total_average')),
    formula      TEXT NOT NULL DEFAULT '',
    partial      BOOLEAN NOT NULL DEFAULT FALSE,
    calc_targets BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (instance_id, measure_id)
);
CREATE TABLE calc_inputs (
    instance_id    BIGINT NOT NULL,
    measure_id     BIGINT NOT NULL,
    position       INT NOT NULL CHECK (position >= 0 AND position < 26),
    input_instance BIGINT NOT NULL,
    input_id       BIGINT NOT NULL,
    PRIMARY KEY (instance_id, measure_id, position)
);
CREATE INDEX calc_inputs_input ON calc_inputs (instance_id, input_id);
CREATE TABLE calc_feeds (
    instance_id   BIGINT NOT NULL,
    measure_id    BIGINT NOT NULL,
    calc_instance BIGINT NOT NULL,
    calc_measure  BIGINT NOT NULL,
    PRIMARY KEY (instance_id, measure_id, calc_instance, calc_measure),
    CHECK (calc_instance <> instance_id)
);
CREATE TABLE calc_marks (
    instance_id BIGINT NOT NULL,
    measure_id  BIGINT NOT NULL,
    period_key  TEXT NOT NULL,
    PRIMARY KEY (instance_id, measure_id, period_key)
);

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    RETURN;
  END IF;
  SET LOCAL citus.multi_shard_modify_mode TO 'sequential';
  PERFORM create_distributed_table('calculations', 'instance_id', colocate_with => 'objects');
  PERFORM create_distributed_table('calc_inputs', 'instance_id', colocate_with => 'objects');
  PERFORM create_distributed_table('calc_marks', 'instance_id', colocate_with => 'objects');
  PERFORM create_distributed_table('calc_feeds', 'instance_id', colocate_with => 'objects');
END $$;

ALTER TABLE calculations ADD FOREIGN KEY (instance_id, measure_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE;
ALTER TABLE calc_inputs ADD FOREIGN KEY (instance_id, measure_id) REFERENCES calculations(instance_id, measure_id) ON DELETE CASCADE;
ALTER TABLE calc_feeds ADD FOREIGN KEY (instance_id, measure_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE;
ALTER TABLE calc_marks ADD FOREIGN KEY (instance_id, measure_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE;
