-- Planning poker. A story is estimated in rounds (a re-vote starts the next); a queue is
-- the stories one `poker start` listed, estimated one after the other.
CREATE TABLE poker_stories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id BIGINT NOT NULL REFERENCES teams (id),
    channel_id BIGINT NOT NULL,
    queue_id BIGINT NOT NULL DEFAULT 0,
    position BIGINT NOT NULL DEFAULT 0,
    title TEXT NOT NULL,
    link TEXT,
    deck TEXT NOT NULL,
    voters TEXT NOT NULL,
    facilitator_id BIGINT NOT NULL,
    state TEXT NOT NULL,
    round BIGINT NOT NULL DEFAULT 1,
    close_minutes BIGINT,
    deadline BIGINT,
    estimate TEXT,
    sprint_number BIGINT,
    created_at BIGINT NOT NULL,
    accepted_at BIGINT
);
CREATE INDEX poker_stories_team ON poker_stories (team_id, state);

CREATE TABLE poker_votes (
    story_id BIGINT NOT NULL,
    round BIGINT NOT NULL,
    member_id BIGINT NOT NULL,
    card BIGINT NOT NULL,
    reason TEXT,
    PRIMARY KEY (story_id, round, member_id)
);
