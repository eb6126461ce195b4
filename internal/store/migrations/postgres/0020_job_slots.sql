-- Periodic jobs that must run once per period however many processes
-- serve the database (scheduled backups): a process runs a slot only if its
-- INSERT of the slot's name wins. Deployment-wide bookkeeping, not tenant
-- data: on Citus it stays on the coordinator (see store/placement.md).
CREATE TABLE job_slots (
    slot     TEXT PRIMARY KEY,
    holder   TEXT NOT NULL,
    taken_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX job_slots_taken ON job_slots (taken_at);
