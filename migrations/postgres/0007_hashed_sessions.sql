-- Web chat sessions are kept by the SHA-256 of their token, so a copy of the database holds
-- no token a browser could present, and they expire (idle and absolute, `webchat::session`).
-- Sessions of the earlier shape are dropped: everyone picks who they are again.
DROP TABLE webchat_sessions;
CREATE TABLE webchat_sessions (
    token_sha256 TEXT PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members (id),
    created_at BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL
);
