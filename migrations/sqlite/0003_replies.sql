-- An answer knows the event it answers (`reply_to`: the platform's event id), so a
-- platform that can only show private answers through the event itself (a Discord
-- interaction) finds it. A member's zone and language follow their chat client's
-- language until they choose their own (`prefs_chosen`).
ALTER TABLE outbox ADD COLUMN reply_to TEXT;
ALTER TABLE members ADD COLUMN prefs_chosen BIGINT NOT NULL DEFAULT 0;
