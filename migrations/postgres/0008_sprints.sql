-- A team's sprints: numbered, with a goal, over local days (YYYY-MM-DD) in the team's zone.
CREATE TABLE sprints (
    id BIGSERIAL PRIMARY KEY,
    team_id BIGINT NOT NULL REFERENCES teams (id),
    number BIGINT NOT NULL,
    goal TEXT NOT NULL DEFAULT '',
    start_day TEXT NOT NULL,
    end_day TEXT NOT NULL,
    ended_at BIGINT,
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (team_id, number)
);

-- Sprints that roll over on their own: every length_days days from start_day.
CREATE TABLE sprint_cadences (
    team_id BIGINT PRIMARY KEY REFERENCES teams (id),
    start_day TEXT NOT NULL,
    length_days BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
