-- Retrospectives. A retro is a definition; a run is one retro held once, through its
-- phases. Authors of cards, ratings and votes are `m:<member id>` in a named run and an
-- HMAC of the member id under the run's secret in an anonymous one; the secret is
-- deleted when the run closes.

CREATE TABLE retros (
    id BIGSERIAL PRIMARY KEY,
    team_id BIGINT NOT NULL REFERENCES teams (id),
    name TEXT NOT NULL,
    channel_id BIGINT NOT NULL,
    settings TEXT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (team_id, name)
);

CREATE TABLE retro_runs (
    id BIGSERIAL PRIMARY KEY,
    retro_id BIGINT NOT NULL,
    retro_name TEXT NOT NULL,
    team_id BIGINT NOT NULL REFERENCES teams (id),
    channel_id BIGINT NOT NULL,
    sprint_number BIGINT,
    settings TEXT NOT NULL,
    secret TEXT,
    facilitator_id BIGINT,
    phase TEXT NOT NULL,
    phase_deadline BIGINT NOT NULL,
    opened_at BIGINT NOT NULL,
    closed_at BIGINT,
    contributors BIGINT NOT NULL DEFAULT 0,
    voters BIGINT NOT NULL DEFAULT 0,
    summary TEXT
);
CREATE INDEX retro_runs_team ON retro_runs (team_id, closed_at);
-- One open run per retro, whoever opens it (a command, the schedule, two replicas).
CREATE UNIQUE INDEX retro_runs_open ON retro_runs (retro_id) WHERE closed_at IS NULL;

-- Who is asked. Whether they contributed is known only through the author keys, and not
-- at all once the run closes.
CREATE TABLE retro_participants (
    run_id BIGINT NOT NULL,
    member_id BIGINT NOT NULL,
    asked_at BIGINT NOT NULL,
    prompt_cursor BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, member_id)
);

CREATE TABLE retro_themes (
    id BIGSERIAL PRIMARY KEY,
    run_id BIGINT NOT NULL,
    number BIGINT NOT NULL,
    title TEXT NOT NULL,
    UNIQUE (run_id, number)
);

CREATE TABLE retro_cards (
    id BIGSERIAL PRIMARY KEY,
    run_id BIGINT NOT NULL,
    number BIGINT NOT NULL,
    prompt_index BIGINT NOT NULL,
    body TEXT NOT NULL,
    author TEXT NOT NULL,
    theme_number BIGINT,
    UNIQUE (run_id, number)
);

CREATE TABLE retro_votes (
    run_id BIGINT NOT NULL,
    theme_number BIGINT NOT NULL,
    voter TEXT NOT NULL,
    dots BIGINT NOT NULL,
    PRIMARY KEY (run_id, theme_number, voter)
);

CREATE TABLE retro_ratings (
    run_id BIGINT NOT NULL,
    question_index BIGINT NOT NULL,
    rater TEXT NOT NULL,
    score BIGINT NOT NULL,
    PRIMARY KEY (run_id, question_index, rater)
);

CREATE TABLE retro_actions (
    id BIGSERIAL PRIMARY KEY,
    team_id BIGINT NOT NULL REFERENCES teams (id),
    run_id BIGINT,
    theme_number BIGINT,
    body TEXT NOT NULL,
    owner_id BIGINT,
    due_day TEXT,
    done_at BIGINT,
    -- The key of the last note about it in its owner's DM, edited when it is done.
    note_key TEXT,
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX retro_actions_team ON retro_actions (team_id, done_at);

-- Anonymous input and what was sent in answer to it are forgotten when its run closes
-- (the stored platform payload emptied, the messages deleted): these tags name them.
ALTER TABLE inbox ADD COLUMN forget_tag TEXT;
CREATE INDEX inbox_forget ON inbox (forget_tag);
ALTER TABLE outbox ADD COLUMN forget_tag TEXT;
ALTER TABLE webchat_messages ADD COLUMN forget_tag TEXT;
CREATE INDEX outbox_forget ON outbox (forget_tag);
CREATE INDEX webchat_messages_forget ON webchat_messages (forget_tag);
CREATE INDEX webchat_messages_author ON webchat_messages (author_member, id);
