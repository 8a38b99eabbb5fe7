-- Chat platforms: which workspace (guild) is which team, who is who, which channel is
-- which, and a durable inbox so that an event is acknowledged only once it is stored.

-- A Slack workspace (or Discord guild) bound to a team. `bot_token` is set when the
-- workspace installed Tandem through OAuth; single-workspace deployments use the
-- token from the environment instead.
CREATE TABLE platform_teams (
    platform TEXT NOT NULL,
    external_id TEXT NOT NULL,
    team_id BIGINT NOT NULL UNIQUE REFERENCES teams (id),
    bot_token TEXT,
    bot_user_id TEXT,
    installed_by TEXT,
    installed_at BIGINT NOT NULL,
    PRIMARY KEY (platform, external_id)
);

-- A platform user matched to a member; `dm_channel` is the bot's DM with them.
CREATE TABLE platform_members (
    platform TEXT NOT NULL,
    team_id BIGINT NOT NULL REFERENCES teams (id),
    external_id TEXT NOT NULL,
    member_id BIGINT NOT NULL UNIQUE REFERENCES members (id),
    dm_channel TEXT,
    PRIMARY KEY (platform, team_id, external_id)
);

CREATE TABLE platform_channels (
    platform TEXT NOT NULL,
    team_id BIGINT NOT NULL REFERENCES teams (id),
    external_id TEXT NOT NULL,
    channel_id BIGINT NOT NULL UNIQUE REFERENCES channels (id),
    PRIMARY KEY (platform, team_id, external_id)
);

-- Events as received, stored before the acknowledgement and handled after it.
CREATE TABLE inbox (
    id BIGSERIAL PRIMARY KEY,
    platform TEXT NOT NULL,
    event_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until BIGINT,
    done_at BIGINT,
    last_error TEXT,
    UNIQUE (platform, event_id)
);
CREATE INDEX inbox_pending ON inbox (done_at, next_attempt_at);
