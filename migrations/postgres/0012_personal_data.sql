-- Personal data (GDPR). An erased member keeps a row, renamed to a pseudonym ("Former
-- member 3"), so what the team keeps (reports, actions, summaries) still reads; the row
-- has no identity, session or preference left, and `erased_at` keeps it out of every
-- list of members. Each erasure is recorded by member ids and the pseudonym only: never
-- the erased name.

ALTER TABLE members ADD COLUMN erased_at BIGINT;

CREATE TABLE member_erasures (
    id BIGSERIAL PRIMARY KEY,
    team_id BIGINT NOT NULL REFERENCES teams (id),
    member_id BIGINT NOT NULL REFERENCES members (id),
    pseudonym TEXT NOT NULL,
    erased_by BIGINT NOT NULL REFERENCES members (id),
    erased_at BIGINT NOT NULL
);
CREATE INDEX member_erasures_team ON member_erasures (team_id, erased_at);
