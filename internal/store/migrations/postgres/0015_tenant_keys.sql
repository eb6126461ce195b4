-- Keys that distribute (issue 27, DESIGN.md "Data placement"). Every
-- tenant table now has instance_id leading its primary key and in every
-- unique constraint, and every foreign key between tenant tables carries
-- instance_id on both sides: the database refuses a row of one instance
-- that references a row of another, and Citus can shard every tenant table
-- by instance_id. Ids are kept exactly (URLs use them).
--
-- Rows that joined two instances move to tables that name both:
-- assignments and favourites of a partner's shared scorecards and measures
-- go to partner_assignments and partner_favorites, and partner_shares
-- calls its owner instance_id (it lives with the owner's scorecard).
--
-- Order matters on Citus: foreign keys are dropped, keys re-made, tables
-- distributed (only where the citus extension exists), then foreign keys
-- added between tables that are already distributed or reference tables.
-- A tenant table added later must get the same treatment (see DESIGN.md).

-- 1. Foreign keys of the tables that become distributed or reference tables.
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.conrelid::regclass::text AS t, c.conname FROM pg_constraint c
      WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
        AND c.conrelid::regclass::text IN ('accounts', 'memberships', 'object_types', 'frequencies', 'scorecards',
          'objects', 'object_tags', 'scorecard_links', 'object_links', 'scorecard_objects', 'membership_scorecards',
          'data_values', 'color_bands', 'favorites', 'activity_log', 'imports', 'outside_mail', 'partner_shares',
          'partner_channels', 'member_grams')
  LOOP
    EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', r.t, r.conname);
  END LOOP;
END $$;
-- 0014's target for member_grams' key; the new primary key serves it.
DROP INDEX IF EXISTS memberships_instance_id;

-- 2. Rows joining two instances move to the partner tables.
CREATE TABLE partner_assignments (
    instance_id    BIGINT NOT NULL,
    membership_id  BIGINT NOT NULL,
    owner_instance BIGINT NOT NULL,
    scorecard_id   BIGINT NOT NULL,
    PRIMARY KEY (instance_id, membership_id, scorecard_id),
    CHECK (owner_instance <> instance_id)
);
CREATE INDEX partner_assignments_scorecard ON partner_assignments (instance_id, scorecard_id);
INSERT INTO partner_assignments (instance_id, membership_id, owner_instance, scorecard_id)
    SELECT ms.instance_id, ms.membership_id, s.instance_id, ms.scorecard_id
    FROM membership_scorecards ms JOIN scorecards s ON s.id = ms.scorecard_id
    WHERE s.instance_id <> ms.instance_id;
DELETE FROM membership_scorecards ms USING scorecards s WHERE s.id = ms.scorecard_id AND s.instance_id <> ms.instance_id;

CREATE TABLE partner_favorites (
    instance_id    BIGINT NOT NULL,
    membership_id  BIGINT NOT NULL,
    owner_instance BIGINT NOT NULL,
    measure_id     BIGINT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (instance_id, membership_id, measure_id),
    CHECK (owner_instance <> instance_id)
);
-- Deleting a measure removes partners' favourites of it (DeleteObject).
CREATE INDEX partner_favorites_measure ON partner_favorites (owner_instance, measure_id);
INSERT INTO partner_favorites (instance_id, membership_id, owner_instance, measure_id, created_at)
    SELECT f.instance_id, f.membership_id, o.instance_id, f.measure_id, f.created_at
    FROM favorites f JOIN objects o ON o.id = f.measure_id
    WHERE o.instance_id <> f.instance_id;
DELETE FROM favorites f USING objects o WHERE o.id = f.measure_id AND o.instance_id <> f.instance_id;

ALTER TABLE partner_shares RENAME COLUMN owner_instance TO instance_id;

-- 3. Identity columns become sequences (Citus refuses identity columns on
-- these tables); each sequence goes on from where the identity was, so no
-- id is ever handed out twice.
DO $$
DECLARE t text; seq text; last bigint; called boolean;
BEGIN
  FOREACH t IN ARRAY ARRAY['instances', 'accounts', 'partner_channels', 'memberships', 'object_types', 'frequencies',
      'scorecards', 'objects', 'activity_log', 'imports']
  LOOP
    seq := pg_get_serial_sequence(t, 'id');
    EXECUTE format('SELECT last_value, is_called FROM %s', seq) INTO last, called;
    EXECUTE format('ALTER TABLE %I ALTER COLUMN id DROP IDENTITY', t);
    EXECUTE format('CREATE SEQUENCE %I AS BIGINT OWNED BY %I.id', t || '_id_seq', t);
    PERFORM setval(format('%I', t || '_id_seq'), last, called);
    EXECUTE format('ALTER TABLE %I ALTER COLUMN id SET DEFAULT nextval(%L::regclass)', t, t || '_id_seq');
  END LOOP;
END $$;

-- 4. Primary keys and unique constraints lead with instance_id.
ALTER TABLE memberships DROP CONSTRAINT memberships_pkey;
ALTER TABLE memberships ADD PRIMARY KEY (instance_id, id);
ALTER TABLE object_types DROP CONSTRAINT object_types_pkey;
ALTER TABLE object_types ADD PRIMARY KEY (instance_id, id);
ALTER TABLE frequencies DROP CONSTRAINT frequencies_pkey;
ALTER TABLE frequencies ADD PRIMARY KEY (instance_id, id);
ALTER TABLE scorecards DROP CONSTRAINT scorecards_pkey;
ALTER TABLE scorecards ADD PRIMARY KEY (instance_id, id);
DROP INDEX scorecards_parent;
CREATE INDEX scorecards_parent ON scorecards (instance_id, parent_id);
ALTER TABLE objects DROP CONSTRAINT objects_pkey;
ALTER TABLE objects ADD PRIMARY KEY (instance_id, id);
DROP INDEX objects_frequency;
CREATE INDEX objects_frequency ON objects (instance_id, frequency_id);
ALTER TABLE object_tags DROP CONSTRAINT object_tags_pkey;
ALTER TABLE object_tags ADD PRIMARY KEY (instance_id, object_id, tag_key);
ALTER TABLE scorecard_links DROP CONSTRAINT scorecard_links_pkey;
ALTER TABLE scorecard_links ADD PRIMARY KEY (instance_id, scorecard_id, object_id);
DROP INDEX scorecard_links_object;
CREATE INDEX scorecard_links_object ON scorecard_links (instance_id, object_id);
ALTER TABLE object_links DROP CONSTRAINT object_links_pkey;
ALTER TABLE object_links ADD PRIMARY KEY (instance_id, parent_id, child_id);
DROP INDEX object_links_child;
CREATE INDEX object_links_child ON object_links (instance_id, child_id);
ALTER TABLE scorecard_objects DROP CONSTRAINT scorecard_objects_pkey;
ALTER TABLE scorecard_objects ADD PRIMARY KEY (instance_id, scorecard_id, object_id);
DROP INDEX scorecard_objects_object;
CREATE INDEX scorecard_objects_object ON scorecard_objects (instance_id, object_id, scorecard_id);
DROP INDEX scorecard_objects_kind;
CREATE INDEX scorecard_objects_kind ON scorecard_objects (instance_id, scorecard_id, kind, object_id);
ALTER TABLE membership_scorecards DROP CONSTRAINT membership_scorecards_pkey;
ALTER TABLE membership_scorecards ADD PRIMARY KEY (instance_id, membership_id, scorecard_id);
DROP INDEX membership_scorecards_scorecard;
CREATE INDEX membership_scorecards_scorecard ON membership_scorecards (instance_id, scorecard_id);
ALTER TABLE data_values DROP CONSTRAINT data_values_pkey;
ALTER TABLE data_values ADD PRIMARY KEY (instance_id, measure_id, period_key);
ALTER TABLE favorites DROP CONSTRAINT favorites_pkey;
ALTER TABLE favorites ADD PRIMARY KEY (instance_id, membership_id, measure_id);
DROP INDEX favorites_measure;
CREATE INDEX favorites_measure ON favorites (instance_id, measure_id);
ALTER TABLE activity_log DROP CONSTRAINT activity_log_pkey;
ALTER TABLE activity_log ADD PRIMARY KEY (instance_id, id);
ALTER TABLE imports DROP CONSTRAINT imports_pkey;
ALTER TABLE imports ADD PRIMARY KEY (instance_id, id);
DROP INDEX imports_instance;
ALTER TABLE partner_shares DROP CONSTRAINT partner_shares_pkey;
ALTER TABLE partner_shares ADD PRIMARY KEY (instance_id, channel_id, scorecard_id);
DROP INDEX partner_shares_scorecard;
CREATE INDEX partner_shares_scorecard ON partner_shares (instance_id, scorecard_id, partner_instance);
DROP INDEX partner_shares_partner;
CREATE INDEX partner_shares_partner ON partner_shares (partner_instance, instance_id, scorecard_id);
-- What a share's foreign key names: the channel with its two instances.
ALTER TABLE partner_channels ADD CONSTRAINT partner_channels_parties UNIQUE (id, owner_instance, partner_instance);

-- 5. On Citus: shared tables are copied to every node, tenant tables are
-- sharded by instance_id, all in one colocation group so that joins on
-- instance_id stay on one node. Plain PostgreSQL skips this.
DO $$
DECLARE t text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    RETURN;
  END IF;
  SET LOCAL citus.multi_shard_modify_mode TO 'sequential';
  FOREACH t IN ARRAY ARRAY['instances', 'accounts', 'partner_channels'] LOOP
    PERFORM create_reference_table(t);
  END LOOP;
  PERFORM create_distributed_table('memberships', 'instance_id', colocate_with => 'none');
  FOREACH t IN ARRAY ARRAY['object_types', 'frequencies', 'scorecards', 'objects', 'object_tags', 'scorecard_links',
      'object_links', 'scorecard_objects', 'membership_scorecards', 'data_values', 'color_bands', 'favorites',
      'activity_log', 'imports', 'outside_mail', 'partner_shares', 'partner_assignments', 'partner_favorites',
      'member_grams'] LOOP
    PERFORM create_distributed_table(t, 'instance_id', colocate_with => 'memberships');
  END LOOP;
END $$;

-- 6. Foreign keys: to shared tables plain, between tenant tables with
-- instance_id on both sides.
ALTER TABLE accounts ADD FOREIGN KEY (home_instance_id) REFERENCES instances(id);
ALTER TABLE partner_channels ADD FOREIGN KEY (owner_instance) REFERENCES instances(id);
ALTER TABLE partner_channels ADD FOREIGN KEY (partner_instance) REFERENCES instances(id);
ALTER TABLE partner_channels ADD FOREIGN KEY (revoked_by) REFERENCES instances(id);
ALTER TABLE memberships ADD FOREIGN KEY (instance_id) REFERENCES instances(id);
ALTER TABLE memberships ADD FOREIGN KEY (account_id) REFERENCES accounts(id);
ALTER TABLE object_types ADD FOREIGN KEY (instance_id) REFERENCES instances(id);
ALTER TABLE frequencies ADD FOREIGN KEY (instance_id) REFERENCES instances(id);
ALTER TABLE scorecards ADD FOREIGN KEY (instance_id) REFERENCES instances(id);
-- Was ON DELETE SET NULL, which would null instance_id too; DeleteScorecard
-- detaches the children first.
ALTER TABLE scorecards ADD FOREIGN KEY (instance_id, parent_id) REFERENCES scorecards(instance_id, id);
ALTER TABLE objects ADD FOREIGN KEY (instance_id) REFERENCES instances(id);
ALTER TABLE objects ADD FOREIGN KEY (instance_id, type_id) REFERENCES object_types(instance_id, id);
ALTER TABLE objects ADD FOREIGN KEY (instance_id, frequency_id) REFERENCES frequencies(instance_id, id);
ALTER TABLE object_tags ADD FOREIGN KEY (instance_id, object_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE;
ALTER TABLE scorecard_links ADD FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE;
ALTER TABLE scorecard_links ADD FOREIGN KEY (instance_id, object_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE;
ALTER TABLE object_links ADD FOREIGN KEY (instance_id, parent_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE;
ALTER TABLE object_links ADD FOREIGN KEY (instance_id, child_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE;
ALTER TABLE scorecard_objects ADD FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE;
ALTER TABLE scorecard_objects ADD FOREIGN KEY (instance_id, object_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE;
ALTER TABLE membership_scorecards ADD FOREIGN KEY (instance_id, membership_id) REFERENCES memberships(instance_id, id) ON DELETE CASCADE;
ALTER TABLE membership_scorecards ADD FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE;
ALTER TABLE data_values ADD FOREIGN KEY (instance_id, measure_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE;
ALTER TABLE data_values ADD FOREIGN KEY (updated_by) REFERENCES accounts(id);
ALTER TABLE color_bands ADD FOREIGN KEY (instance_id) REFERENCES instances(id);
ALTER TABLE favorites ADD FOREIGN KEY (instance_id, membership_id) REFERENCES memberships(instance_id, id) ON DELETE CASCADE;
ALTER TABLE favorites ADD FOREIGN KEY (instance_id, measure_id) REFERENCES objects(instance_id, id) ON DELETE CASCADE;
ALTER TABLE activity_log ADD FOREIGN KEY (instance_id) REFERENCES instances(id);
ALTER TABLE imports ADD FOREIGN KEY (instance_id) REFERENCES instances(id);
ALTER TABLE imports ADD FOREIGN KEY (instance_id, membership_id) REFERENCES memberships(instance_id, id);
ALTER TABLE outside_mail ADD FOREIGN KEY (instance_id) REFERENCES instances(id);
ALTER TABLE partner_shares ADD FOREIGN KEY (instance_id, scorecard_id) REFERENCES scorecards(instance_id, id) ON DELETE CASCADE;
ALTER TABLE partner_shares ADD FOREIGN KEY (channel_id, instance_id, partner_instance)
    REFERENCES partner_channels(id, owner_instance, partner_instance);
ALTER TABLE partner_assignments ADD FOREIGN KEY (instance_id, membership_id) REFERENCES memberships(instance_id, id) ON DELETE CASCADE;
ALTER TABLE partner_assignments ADD FOREIGN KEY (owner_instance) REFERENCES instances(id);
ALTER TABLE partner_favorites ADD FOREIGN KEY (instance_id, membership_id) REFERENCES memberships(instance_id, id) ON DELETE CASCADE;
ALTER TABLE member_grams ADD FOREIGN KEY (instance_id, membership_id) REFERENCES memberships(instance_id, id) ON DELETE CASCADE;
ALTER TABLE partner_favorites ADD FOREIGN KEY (owner_instance) REFERENCES instances(id);
