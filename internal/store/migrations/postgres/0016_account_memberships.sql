-- How many instances an account is an active member of, kept on the
-- account row. The session look-up on every signed-in request needs it
-- (the instance switcher shows from two on); counting memberships there
-- read every shard on Citus, since an account's memberships span
-- instances. accounts is a reference table, so the count is a local read
-- on the coordinator. The store keeps it in the same transaction as every
-- change of a membership's active state (countMember).
ALTER TABLE accounts ADD COLUMN active_memberships INTEGER NOT NULL DEFAULT 0;
-- The count as a CTE: Citus plans it across the shards once, then updates
-- the reference table from its result.
WITH c AS (SELECT account_id, COUNT(*) AS n FROM memberships WHERE active GROUP BY account_id)
UPDATE accounts SET active_memberships = c.n FROM c WHERE c.account_id = accounts.id;
