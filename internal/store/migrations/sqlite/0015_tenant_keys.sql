-- Keys that distribute (issue 27, DESIGN.md "Data placement"), as on
-- PostgreSQL: every foreign key between tenant tables carries instance_id
-- on both sides, so the database refuses a row of one instance that
-- references a row of another; natural primary keys lead with instance_id.
-- Tables with an id keep it as SQLite's rowid (it is what hands out ids,
-- and URLs use them) and gain UNIQUE (instance_id, id) as the target of the
-- composite foreign keys. SQLite changes keys only by rebuilding a table:
-- create it anew, copy, drop the old one, rename; store.Migrate runs this
-- with foreign keys off and checks every one of them before committing.
-- AUTOINCREMENT counters are carried over, so no id is handed out twice.
--
-- Rows that joined two instances move to tables that name both:
-- assignments and favourites of a partner's shared scorecards and measures
-- go to partner_assignments and partner_favorites, and partner_shares
-- calls its owner instance_id.

-- 0014 (member_search) made the first one already.
CREATE UNIQUE INDEX IF NOT EXISTS memberships_instance_id ON memberships (instance_id, id);
CREATE UNIQUE INDEX object_types_instance_id ON object_types (instance_id, id);
CREATE UNIQUE INDEX frequencies_instance_id ON frequencies (instance_id, id);

-- scorecards: the parent link was ON DELETE SET NULL, which would null
-- instance_id too; DeleteScorecard detaches the children first.
CREATE TABLE scorecards_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id   INTEGER NOT NULL REFERENCES instances(id),
    title         TEXT NOT NULL,
    title_key     TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    parent_id     INTEGER,
    embed_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (instance_id, id),
    FOREIGN KEY (instance_id, parent_id) REFERENCES scorecards(instance_id, id)
);
INSERT INTO scorecards_new (id, instance_id, title, title_key, description, parent_id, embed_enabled, version, created_at, updated_at)
    SELECT id, instance_id, title, title_key, description, parent_id, embed_enabled, version, created_at, updated_at FROM scorecards;
DELETE FROM sqlite_sequence WHERE name = 'scorecards_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'scorecards_new', seq FROM sqlite_sequence WHERE name = 'scorecards';
DROP TABLE scorecards;
ALTER TABLE scorecards_new RENAME TO scorecards;
CREATE INDEX scorecards_title ON scorecards (instance_id, title_key, id);
CREATE INDEX scorecards_parent ON scorecards (instance_id, parent_id);

CREATE TABLE objects_new (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id    INTEGER NOT NULL REFERENCES instances(id),
    kind           TEXT NOT NULL,
    type_id        INTEGER NOT NULL,
    title          TEXT NOT NULL,
    title_key      TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    tags           TEXT NOT NULL DEFAULT '',
    primary_tag    TEXT NOT NULL DEFAULT '',
    unit           TEXT NOT NULL DEFAULT '',
    unit_before    BOOLEAN NOT NULL DEFAULT FALSE,
    decimals       INTEGER NOT NULL DEFAULT 0,
    polarity       TEXT NOT NULL DEFAULT 'higher',
    frequency_id   INTEGER,
    pm_category    TEXT NOT NULL DEFAULT '',
    data_source    TEXT NOT NULL DEFAULT '',
    baseline_key   TEXT NOT NULL DEFAULT '',
    band_green     REAL,
    band_yellow    REAL,
    graph_title    TEXT NOT NULL DEFAULT '',
    graph_type     TEXT NOT NULL DEFAULT 'line',
    graph_targets  BOOLEAN NOT NULL DEFAULT TRUE,
    graph_periods  INTEGER NOT NULL DEFAULT 12,
    graph_ymin     REAL,
    graph_ymax     REAL,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (instance_id, id),
    FOREIGN KEY (instance_id, type_id) REFERENCES object_types(instance_id, id),
    FOREIGN KEY (instance_id, frequency_id) REFERENCES frequencies(instance_id, id)
);
INSERT INTO objects_new (id, instance_id, kind, type_id, title, title_key, description, tags, primary_tag, unit, unit_before,
        decimals, polarity, frequency_id, pm_category, data_source, baseline_key, band_green, band_yellow, graph_title,
        graph_type, graph_targets, graph_periods, graph_ymin, graph_ymax, version, created_at, updated_at)
    SELECT id, instance_id, kind, type_id, title, title_key, description, tags, primary_tag, unit, unit_before,
        decimals, polarity, frequency_id, pm_category, data_source, baseline_key, band_green, band_yellow, graph_title,
        graph_type, graph_targets, graph_periods, graph_ymin, graph_ymax, version, created_at, updated_at FROM objects;
DELETE FROM sqlite_sequence WHERE name = 'objects_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'objects_new', seq FROM sqlite_sequence WHERE name = 'objects';
DROP TABLE objects;
ALTER TABLE objects_new RENAME TO objects;
CREATE INDEX objects_title ON objects (instance_id, kind, title_key, id);
CREATE INDEX objects_type_title ON objects (instance_id, type_id, title_key, id);
CREATE INDEX objects_updated ON objects (instance_id, kind, updated_at, id);
CREATE INDEX objects_frequency ON objects (instance_id, frequency_id);

CREATE TABLE object_tags_new (
    instance_id INTEGER NOT NULL,
    object_id   INTEGER NOT NULL,
    tag_key     TEXT NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (instance_id, object_id, tag_key),
    FOREIGN KEY (instance_id, object_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE
);
INSERT INTO object_tags_new (instance_id, object_id, tag_key, position) SELECT instance_id, object_id, tag_key, position FROM object_tags;
DROP TABLE object_tags;
ALTER TABLE object_tags_new RENAME TO object_tags;
CREATE INDEX object_tags_tag ON object_tags (instance_id, tag_key, object_id);

CREATE TABLE scorecard_links_new (
    instance_id  INTEGER NOT NULL,
    scorecard_id INTEGER NOT NULL,
    object_id    INTEGER NOT NULL,
    position     INTEGER NOT NULL,
    PRIMARY KEY (instance_id, scorecard_id, object_id),
    FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE,
    FOREIGN KEY (instance_id, object_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE
);
INSERT INTO scorecard_links_new (instance_id, scorecard_id, object_id, position)
    SELECT instance_id, scorecard_id, object_id, position FROM scorecard_links;
DROP TABLE scorecard_links;
ALTER TABLE scorecard_links_new RENAME TO scorecard_links;
CREATE INDEX scorecard_links_object ON scorecard_links (instance_id, object_id);

CREATE TABLE object_links_new (
    instance_id INTEGER NOT NULL,
    parent_id   INTEGER NOT NULL,
    child_id    INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (instance_id, parent_id, child_id),
    FOREIGN KEY (instance_id, parent_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE,
    FOREIGN KEY (instance_id, child_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE
);
INSERT INTO object_links_new (instance_id, parent_id, child_id, position) SELECT instance_id, parent_id, child_id, position FROM object_links;
DROP TABLE object_links;
ALTER TABLE object_links_new RENAME TO object_links;
CREATE INDEX object_links_child ON object_links (instance_id, child_id);

CREATE TABLE scorecard_objects_new (
    instance_id  INTEGER NOT NULL,
    scorecard_id INTEGER NOT NULL,
    object_id    INTEGER NOT NULL,
    kind         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (instance_id, scorecard_id, object_id),
    FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE,
    FOREIGN KEY (instance_id, object_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE
);
INSERT INTO scorecard_objects_new (instance_id, scorecard_id, object_id, kind) SELECT instance_id, scorecard_id, object_id, kind FROM scorecard_objects;
DROP TABLE scorecard_objects;
ALTER TABLE scorecard_objects_new RENAME TO scorecard_objects;
CREATE INDEX scorecard_objects_object ON scorecard_objects (instance_id, object_id, scorecard_id);
CREATE INDEX scorecard_objects_kind ON scorecard_objects (instance_id, scorecard_id, kind, object_id);
CREATE INDEX scorecard_objects_instance_kind ON scorecard_objects (instance_id, kind, object_id);

-- Assignments: a partner's scorecards go to partner_assignments.
CREATE TABLE partner_assignments (
    instance_id    INTEGER NOT NULL,
    membership_id  INTEGER NOT NULL,
    owner_instance INTEGER NOT NULL REFERENCES instances(id),
    scorecard_id   INTEGER NOT NULL,
    PRIMARY KEY (instance_id, membership_id, scorecard_id),
    FOREIGN KEY (instance_id, membership_id) REFERENCES memberships(instance_id, id) ON DELETE CASCADE,
    CHECK (owner_instance <> instance_id)
);
CREATE INDEX partner_assignments_scorecard ON partner_assignments (instance_id, scorecard_id);
INSERT INTO partner_assignments (instance_id, membership_id, owner_instance, scorecard_id)
    SELECT ms.instance_id, ms.membership_id, s.instance_id, ms.scorecard_id
    FROM membership_scorecards ms JOIN scorecards s ON s.id = ms.scorecard_id
    WHERE s.instance_id <> ms.instance_id;

CREATE TABLE membership_scorecards_new (
    instance_id   INTEGER NOT NULL,
    membership_id INTEGER NOT NULL,
    scorecard_id  INTEGER NOT NULL,
    PRIMARY KEY (instance_id, membership_id, scorecard_id),
    FOREIGN KEY (instance_id, membership_id) REFERENCES memberships(instance_id, id) ON DELETE CASCADE,
    FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE
);
INSERT INTO membership_scorecards_new (instance_id, membership_id, scorecard_id)
    SELECT ms.instance_id, ms.membership_id, ms.scorecard_id
    FROM membership_scorecards ms JOIN scorecards s ON s.id = ms.scorecard_id
    WHERE s.instance_id = ms.instance_id;
DROP TABLE membership_scorecards;
ALTER TABLE membership_scorecards_new RENAME TO membership_scorecards;
CREATE INDEX membership_scorecards_scorecard ON membership_scorecards (instance_id, scorecard_id);

CREATE TABLE data_values_new (
    instance_id INTEGER NOT NULL,
    measure_id  INTEGER NOT NULL,
    period_key  TEXT NOT NULL,
    actual      REAL,
    target      REAL,
    comment     TEXT NOT NULL DEFAULT '',
    updated_by  INTEGER REFERENCES accounts(id),
    updated_at  TIMESTAMP NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (instance_id, measure_id, period_key),
    FOREIGN KEY (instance_id, measure_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE
);
INSERT INTO data_values_new (instance_id, measure_id, period_key, actual, target, comment, updated_by, updated_at, version)
    SELECT instance_id, measure_id, period_key, actual, target, comment, updated_by, updated_at, version FROM data_values;
DROP TABLE data_values;
ALTER TABLE data_values_new RENAME TO data_values;

-- Favourites: a partner's measures go to partner_favorites.
CREATE TABLE partner_favorites (
    instance_id    INTEGER NOT NULL,
    membership_id  INTEGER NOT NULL,
    owner_instance INTEGER NOT NULL REFERENCES instances(id),
    measure_id     INTEGER NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (instance_id, membership_id, measure_id),
    FOREIGN KEY (instance_id, membership_id) REFERENCES memberships(instance_id, id) ON DELETE CASCADE,
    CHECK (owner_instance <> instance_id)
);
-- Deleting a measure removes partners' favourites of it (DeleteObject).
CREATE INDEX partner_favorites_measure ON partner_favorites (owner_instance, measure_id);
INSERT INTO partner_favorites (instance_id, membership_id, owner_instance, measure_id, created_at)
    SELECT f.instance_id, f.membership_id, o.instance_id, f.measure_id, f.created_at
    FROM favorites f JOIN objects o ON o.id = f.measure_id
    WHERE o.instance_id <> f.instance_id;

CREATE TABLE favorites_new (
    instance_id   INTEGER NOT NULL,
    membership_id INTEGER NOT NULL,
    measure_id    INTEGER NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (instance_id, membership_id, measure_id),
    FOREIGN KEY (instance_id, membership_id) REFERENCES memberships(instance_id, id) ON DELETE CASCADE,
    FOREIGN KEY (instance_id, measure_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE
);
INSERT INTO favorites_new (instance_id, membership_id, measure_id, created_at)
    SELECT f.instance_id, f.membership_id, f.measure_id, f.created_at
    FROM favorites f JOIN objects o ON o.id = f.measure_id
    WHERE o.instance_id = f.instance_id;
DROP TABLE favorites;
ALTER TABLE favorites_new RENAME TO favorites;
CREATE INDEX favorites_measure ON favorites (instance_id, measure_id);

CREATE TABLE imports_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id   INTEGER NOT NULL REFERENCES instances(id),
    membership_id INTEGER,
    file_name     TEXT NOT NULL,
    file_hash     TEXT NOT NULL,
    content       TEXT NOT NULL,
    results       TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    ran_at        TIMESTAMP,
    UNIQUE (instance_id, id),
    FOREIGN KEY (instance_id, membership_id) REFERENCES memberships(instance_id, id)
);
INSERT INTO imports_new (id, instance_id, membership_id, file_name, file_hash, content, results, created_at, ran_at)
    SELECT id, instance_id, membership_id, file_name, file_hash, content, results, created_at, ran_at FROM imports;
DELETE FROM sqlite_sequence WHERE name = 'imports_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'imports_new', seq FROM sqlite_sequence WHERE name = 'imports';
DROP TABLE imports;
ALTER TABLE imports_new RENAME TO imports;

-- A share lives with the owner's scorecard; its channel must be the
-- owner's channel to that partner.
CREATE UNIQUE INDEX partner_channels_parties ON partner_channels (id, owner_instance, partner_instance);
CREATE TABLE partner_shares_new (
    instance_id      INTEGER NOT NULL,
    channel_id       INTEGER NOT NULL,
    partner_instance INTEGER NOT NULL REFERENCES instances(id),
    scorecard_id     INTEGER NOT NULL,
    contribute       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (instance_id, channel_id, scorecard_id),
    FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE,
    FOREIGN KEY (channel_id, instance_id, partner_instance) REFERENCES partner_channels(id, owner_instance, partner_instance)
);
INSERT INTO partner_shares_new (instance_id, channel_id, partner_instance, scorecard_id, contribute, created_at)
    SELECT owner_instance, channel_id, partner_instance, scorecard_id, contribute, created_at FROM partner_shares;
DROP TABLE partner_shares;
ALTER TABLE partner_shares_new RENAME TO partner_shares;
CREATE INDEX partner_shares_scorecard ON partner_shares (instance_id, scorecard_id, partner_instance);
CREATE INDEX partner_shares_partner ON partner_shares (partner_instance, instance_id, scorecard_id);
