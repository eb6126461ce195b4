-- Action Custom Fields (issue 14, item 4; SPEC §8): fields an instance
-- adds to every action's form and page.
-- action_fields: one field: its kind (text, number, date, select, yesno),
-- the options of a drop-down (one per line), whether it is required, and
-- its place in the order.
-- action_field_values: an action's value of a field, as text in the
-- field's canonical form (a number as written by strconv, a date as
-- YYYY-MM-DD, yes/no as "yes"/"no", an option as listed); no row, no value.
-- Tenant tables: instance_id leads every key, and every foreign key
-- between them carries it on both sides.
CREATE TABLE action_fields (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id INTEGER NOT NULL REFERENCES instances(id),
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('text', 'number', 'date', 'select', 'yesno')),
    options    TEXT NOT NULL DEFAULT '',
    required   BOOLEAN NOT NULL DEFAULT FALSE,
    position   INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (instance_id, id),
    UNIQUE (instance_id, name_key)
);

CREATE TABLE action_field_values (
    instance_id INTEGER NOT NULL,
    action_id   INTEGER NOT NULL,
    field_id    INTEGER NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (instance_id, action_id, field_id),
    FOREIGN KEY (instance_id, action_id) REFERENCES actions(instance_id, id) ON DELETE CASCADE,
    FOREIGN KEY (instance_id, field_id) REFERENCES action_fields(instance_id, id) ON DELETE CASCADE
);
CREATE INDEX action_field_values_field ON action_field_values (instance_id, field_id);

-- The links of an action by action: the unique indexes of 0021 on (action, object)
-- and (action, scorecard) are partial, so a search by action alone (the
-- visibility check of every listed action, the page of an action) read every
-- link of the instance.
CREATE INDEX action_links_action ON action_links (instance_id, action_id);
