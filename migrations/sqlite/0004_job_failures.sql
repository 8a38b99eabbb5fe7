-- A job that fails is tried again with backoff (`attempts`, the last error kept) and,
-- after too many failures, set aside as dead (`dead` = 1) instead of being retried at
-- every lease: visible in /metrics and the log. Scheduling it again revives it.
ALTER TABLE jobs ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN last_error TEXT;
ALTER TABLE jobs ADD COLUMN dead BIGINT NOT NULL DEFAULT 0;
