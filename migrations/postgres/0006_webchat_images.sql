-- The image a web chat message shows (a poll's chart), served only to the team's members.
CREATE TABLE webchat_images (
    message_id BIGINT PRIMARY KEY,
    team_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    alt TEXT NOT NULL,
    png BYTEA NOT NULL
);
