-- How many instances an account is an active member of, kept on the
-- account row, so the session look-up on every signed-in request reads
-- one row instead of counting memberships (on Citus those span every
-- shard; see the PostgreSQL migration). The store keeps it in the same
-- transaction as every change of a membership's active state
-- (countMember).
ALTER TABLE accounts ADD COLUMN active_memberships INTEGER NOT NULL DEFAULT 0;
UPDATE accounts SET active_memberships = (SELECT COUNT(*) FROM memberships m WHERE m.account_id = accounts.id AND m.active);
