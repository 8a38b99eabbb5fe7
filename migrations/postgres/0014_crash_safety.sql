-- Crash safety. `sends` counts the times a delivery to a platform started (marked before
-- the call, in its own commit): a delivery that finds it above zero was cut short once,
-- by a crash or a failure, and looks for its earlier post before posting again.
ALTER TABLE outbox ADD COLUMN sends BIGINT NOT NULL DEFAULT 0;

-- Leases are found by owner: a process renews its own (the heartbeat) and takes back the
-- ones its previous run held when it starts again.
CREATE INDEX outbox_lease_owner ON outbox (lease_owner) WHERE lease_owner IS NOT NULL;
CREATE INDEX inbox_lease_owner ON inbox (lease_owner) WHERE lease_owner IS NOT NULL;
CREATE INDEX jobs_lease_owner ON jobs (lease_owner) WHERE lease_owner IS NOT NULL;

-- The web chat's one watcher per process reads the newest change of every team at once.
CREATE INDEX webchat_messages_updated ON webchat_messages (updated_at);
