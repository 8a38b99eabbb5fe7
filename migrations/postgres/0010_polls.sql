-- Polls. A vote's voter is `m:<member id>` in a named poll and an HMAC of the member id
-- under the poll's secret in an anonymous one; at an anonymous poll's close the secret is
-- deleted and its votes give way to the totals kept in `result`.

CREATE TABLE polls (
    id BIGSERIAL PRIMARY KEY,
    team_id BIGINT NOT NULL REFERENCES teams (id),
    channel_id BIGINT NOT NULL,
    question TEXT NOT NULL,
    settings TEXT NOT NULL,
    secret TEXT,
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    closes_at BIGINT,
    closed_at BIGINT,
    -- The tally at close (counts per option, voters), as JSON.
    result TEXT
);
CREATE INDEX polls_team ON polls (team_id, closed_at);

-- Who is asked (and reminded).
CREATE TABLE poll_audience (
    poll_id BIGINT NOT NULL,
    member_id BIGINT NOT NULL,
    PRIMARY KEY (poll_id, member_id)
);

CREATE TABLE poll_votes (
    poll_id BIGINT NOT NULL,
    voter TEXT NOT NULL,
    option_index BIGINT NOT NULL,
    voted_at BIGINT NOT NULL,
    PRIMARY KEY (poll_id, voter, option_index)
);
