-- Leases are found through the due time (only due rows are leased: `store::leases`), not
-- through an index on the owner: with one, every claim and every release wrote the row's
-- index entries again (on Postgres the row could not be updated in place).
DROP INDEX outbox_lease_owner;
DROP INDEX inbox_lease_owner;
DROP INDEX jobs_lease_owner;
