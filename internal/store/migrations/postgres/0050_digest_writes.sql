-- Fewer index and key checks for the rows a digest run writes, one
-- notification and one mail per digest (issue 15, B8).
--
-- notifications: the primary key takes the membership, (instance_id,
-- membership_id, id), and notifications_member, which said the same
-- thing (a member's notifications by id), goes: every query of the table
-- names the member, and each index fewer is one insertion fewer a row.
--
-- outbox: instance_id only says which instance a mail came from (for
-- the operator's list); the outbox is the coordinator's delivery queue,
-- not a tenant table, and instances are never deleted. Its foreign key
-- locked the instance's row for every queued mail: a quarter of the time
-- of a digest batch's COPY into the outbox.
--
-- Through EXECUTE, one command each, as Citus wants for a distributed
-- table (0030).
DO $$ BEGIN
  EXECUTE 'ALTER TABLE notifications DROP CONSTRAINT notifications_pkey';
  EXECUTE 'ALTER TABLE notifications ADD PRIMARY KEY (instance_id, membership_id, id)';
  EXECUTE 'DROP INDEX notifications_member';
END $$;

-- Not on Citus: there the outbox, which references a reference table, is
-- a Citus-managed local table, and Citus cannot alter one with an
-- identity column ("cannot complete operation on a table with identity
-- column"); it keeps the key.
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    EXECUTE 'ALTER TABLE outbox DROP CONSTRAINT outbox_instance_id_fkey';
  END IF;
END $$;
