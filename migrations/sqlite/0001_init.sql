-- Tandem's first schema. Instants are integer milliseconds since the Unix epoch (UTC),
-- days are 'YYYY-MM-DD' text, flags are 0/1 integers, structured values are JSON text:
-- the same SQL then runs on SQLite and Postgres through sqlx's Any driver.

CREATE TABLE teams (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    locale TEXT NOT NULL,
    tz TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE members (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id BIGINT NOT NULL REFERENCES teams (id),
    name TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    tz TEXT NOT NULL,
    locale TEXT NOT NULL,
    quiet_start TEXT,
    quiet_end TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (team_id, name)
);

CREATE TABLE channels (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id BIGINT NOT NULL REFERENCES teams (id),
    name TEXT NOT NULL,
    UNIQUE (team_id, name)
);

CREATE TABLE holidays (
    team_id BIGINT NOT NULL REFERENCES teams (id),
    day TEXT NOT NULL,
    PRIMARY KEY (team_id, day)
);

CREATE TABLE time_off (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id BIGINT NOT NULL REFERENCES members (id),
    from_day TEXT NOT NULL,
    to_day TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX time_off_member ON time_off (member_id, to_day);

CREATE TABLE standups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id BIGINT NOT NULL REFERENCES teams (id),
    name TEXT NOT NULL,
    channel_id BIGINT NOT NULL REFERENCES channels (id),
    settings TEXT NOT NULL,
    paused BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (team_id, name)
);

-- A round is one stand-up on one day. It outlives its stand-up, hence the name copy.
CREATE TABLE rounds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    standup_id BIGINT NOT NULL,
    standup_name TEXT NOT NULL,
    team_id BIGINT NOT NULL REFERENCES teams (id),
    channel_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    questions TEXT NOT NULL,
    opened_at BIGINT NOT NULL,
    deadline_at BIGINT NOT NULL,
    fired_late BIGINT NOT NULL DEFAULT 0,
    reported_at BIGINT,
    UNIQUE (standup_id, day)
);
CREATE INDEX rounds_team_day ON rounds (team_id, day);

CREATE TABLE round_participants (
    round_id BIGINT NOT NULL REFERENCES rounds (id),
    member_id BIGINT NOT NULL REFERENCES members (id),
    status TEXT NOT NULL,
    asked_at BIGINT,
    next_question BIGINT NOT NULL DEFAULT 0,
    answered_at BIGINT,
    late BIGINT NOT NULL DEFAULT 0,
    reminders_sent BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, member_id)
);
CREATE INDEX round_participants_member ON round_participants (member_id, status);

CREATE TABLE answers (
    round_id BIGINT NOT NULL REFERENCES rounds (id),
    member_id BIGINT NOT NULL REFERENCES members (id),
    question_index BIGINT NOT NULL,
    question TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (round_id, member_id, question_index)
);

CREATE TABLE blockers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id BIGINT NOT NULL REFERENCES teams (id),
    standup_id BIGINT NOT NULL,
    round_id BIGINT NOT NULL REFERENCES rounds (id),
    member_id BIGINT NOT NULL REFERENCES members (id),
    body TEXT NOT NULL,
    opened_at BIGINT NOT NULL,
    resolved_at BIGINT,
    resolved_by BIGINT,
    escalated_at BIGINT
);
CREATE INDEX blockers_open ON blockers (team_id, resolved_at);

-- Scheduled work. A row is claimed by setting a lease; whoever holds an unexpired lease
-- is the only one allowed to run it, and runs it in the transaction that advances it.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    member_id BIGINT NOT NULL DEFAULT 0,
    due_at BIGINT NOT NULL,
    lease_owner TEXT,
    lease_until BIGINT,
    UNIQUE (kind, subject_id, member_id)
);
CREATE INDEX jobs_due ON jobs (due_at);

-- Every outbound effect, written in the transaction of the change that caused it.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id BIGINT NOT NULL,
    effect TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until BIGINT,
    delivered_at BIGINT,
    last_error TEXT
);
CREATE INDEX outbox_pending ON outbox (delivered_at, next_attempt_at);

-- Message keys → the platform's own message id, so an update edits instead of posting.
CREATE TABLE delivered_messages (
    msg_key TEXT NOT NULL,
    platform TEXT NOT NULL,
    platform_id TEXT NOT NULL,
    PRIMARY KEY (msg_key, platform)
);

-- Inbound events already handled, by the platform's own id.
CREATE TABLE inbound_seen (
    platform TEXT NOT NULL,
    event_id TEXT NOT NULL,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (platform, event_id)
);

CREATE TABLE webchat_sessions (
    token TEXT PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members (id),
    created_at BIGINT NOT NULL
);

-- The built-in web chat's own message store (it is the chat platform).
CREATE TABLE webchat_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id BIGINT NOT NULL,
    conv_kind TEXT NOT NULL,
    conv_id BIGINT NOT NULL,
    visible_to BIGINT,
    author_member BIGINT,
    body TEXT NOT NULL,
    extra TEXT NOT NULL,
    thread_of BIGINT,
    outbox_id BIGINT UNIQUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX webchat_messages_conv ON webchat_messages (conv_kind, conv_id, id);
