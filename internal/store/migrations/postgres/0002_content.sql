-- Scorecards and their content (SPEC §5–§6).

-- Types of containers (Result, Program, …) and measures (Indicator,
-- Performance Measure, …). name_key is the lower-cased name for uniqueness.
CREATE TABLE object_types (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_id BIGINT NOT NULL REFERENCES instances(id),
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    plural      TEXT NOT NULL,
    color       TEXT NOT NULL,
    badge       TEXT NOT NULL,
    builtin     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (instance_id, kind, name_key)
);

-- Reporting frequencies; built-ins are rows too so measures reference one kind of thing.
CREATE TABLE frequencies (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_id      BIGINT NOT NULL REFERENCES instances(id),
    title            TEXT NOT NULL,
    title_key        TEXT NOT NULL,
    kind             TEXT NOT NULL,
    periods_per_year INTEGER NOT NULL,
    start_month      INTEGER NOT NULL,
    start_day        INTEGER NOT NULL,
    label_prefix     TEXT NOT NULL,
    builtin          BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (instance_id, title_key)
);

CREATE TABLE scorecards (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_id   BIGINT NOT NULL REFERENCES instances(id),
    title         TEXT NOT NULL,
    title_key     TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    parent_id     BIGINT REFERENCES scorecards(id) ON DELETE SET NULL,
    embed_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX scorecards_title ON scorecards (instance_id, title_key, id);
CREATE INDEX scorecards_parent ON scorecards (parent_id);

-- Containers and measures share one table so links and visibility treat
-- them alike; measure-only columns are unused on containers.
CREATE TABLE objects (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_id    BIGINT NOT NULL REFERENCES instances(id),
    kind           TEXT NOT NULL,
    type_id        BIGINT NOT NULL REFERENCES object_types(id),
    title          TEXT NOT NULL,
    title_key      TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    tags           TEXT NOT NULL DEFAULT '',
    primary_tag    TEXT NOT NULL DEFAULT '',
    unit           TEXT NOT NULL DEFAULT '',
    unit_before    BOOLEAN NOT NULL DEFAULT FALSE,
    decimals       INTEGER NOT NULL DEFAULT 0,
    polarity       TEXT NOT NULL DEFAULT 'higher',
    frequency_id   BIGINT REFERENCES frequencies(id),
    pm_category    TEXT NOT NULL DEFAULT '',
    data_source    TEXT NOT NULL DEFAULT '',
    baseline_key   TEXT NOT NULL DEFAULT '',
    band_green     DOUBLE PRECISION,
    band_yellow    DOUBLE PRECISION,
    graph_title    TEXT NOT NULL DEFAULT '',
    graph_type     TEXT NOT NULL DEFAULT 'line',
    graph_targets  BOOLEAN NOT NULL DEFAULT TRUE,
    graph_periods  INTEGER NOT NULL DEFAULT 12,
    graph_ymin     DOUBLE PRECISION,
    graph_ymax     DOUBLE PRECISION,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX objects_title ON objects (instance_id, kind, title_key, id);
CREATE INDEX objects_type_title ON objects (instance_id, type_id, title_key, id);
CREATE INDEX objects_updated ON objects (instance_id, kind, updated_at, id);
CREATE INDEX objects_frequency ON objects (frequency_id);

CREATE TABLE object_tags (
    instance_id BIGINT NOT NULL REFERENCES instances(id),
    object_id   BIGINT NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    tag_key     TEXT NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (object_id, tag_key)
);
CREATE INDEX object_tags_tag ON object_tags (instance_id, tag_key, object_id);

-- Ordered links: containers on scorecards, and objects under containers.
CREATE TABLE scorecard_links (
    instance_id  BIGINT NOT NULL REFERENCES instances(id),
    scorecard_id BIGINT NOT NULL REFERENCES scorecards(id) ON DELETE CASCADE,
    object_id    BIGINT NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    PRIMARY KEY (scorecard_id, object_id)
);
CREATE INDEX scorecard_links_object ON scorecard_links (object_id);

CREATE TABLE object_links (
    instance_id BIGINT NOT NULL REFERENCES instances(id),
    parent_id   BIGINT NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    child_id    BIGINT NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    PRIMARY KEY (parent_id, child_id)
);
CREATE INDEX object_links_child ON object_links (child_id);

-- Which objects sit under which scorecard, directly or through nested
-- containers. Maintained on every link change so visibility is a join.
CREATE TABLE scorecard_objects (
    instance_id  BIGINT NOT NULL REFERENCES instances(id),
    scorecard_id BIGINT NOT NULL REFERENCES scorecards(id) ON DELETE CASCADE,
    object_id    BIGINT NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    PRIMARY KEY (scorecard_id, object_id)
);
CREATE INDEX scorecard_objects_object ON scorecard_objects (object_id, scorecard_id);

-- Scorecards assigned to a member (SPEC §3.3).
CREATE TABLE membership_scorecards (
    instance_id   BIGINT NOT NULL REFERENCES instances(id),
    membership_id BIGINT NOT NULL REFERENCES memberships(id) ON DELETE CASCADE,
    scorecard_id  BIGINT NOT NULL REFERENCES scorecards(id) ON DELETE CASCADE,
    PRIMARY KEY (membership_id, scorecard_id)
);
CREATE INDEX membership_scorecards_scorecard ON membership_scorecards (scorecard_id);

CREATE TABLE data_values (
    instance_id BIGINT NOT NULL REFERENCES instances(id),
    measure_id  BIGINT NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
    period_key  TEXT NOT NULL,
    actual      DOUBLE PRECISION,
    target      DOUBLE PRECISION,
    comment     TEXT NOT NULL DEFAULT '',
    updated_by  BIGINT REFERENCES accounts(id),
    updated_at  TIMESTAMPTZ NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (measure_id, period_key)
);

-- Global colour bands per polarity (Global Color Bands page).
CREATE TABLE color_bands (
    instance_id BIGINT NOT NULL REFERENCES instances(id),
    polarity    TEXT NOT NULL,
    green       DOUBLE PRECISION NOT NULL,
    yellow      DOUBLE PRECISION NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (instance_id, polarity)
);
