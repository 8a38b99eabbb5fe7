-- An update waiting in the outbox knows the message it edits (`update_key`), so that
-- several updates of one message still waiting are delivered as one edit, the latest.
ALTER TABLE outbox ADD COLUMN update_key TEXT;
CREATE INDEX outbox_pending_updates ON outbox (update_key, id) WHERE update_key IS NOT NULL AND delivered_at IS NULL;
