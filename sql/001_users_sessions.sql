-- Accounts and sign-in sessions.
--
-- Usernames are compared byte-wise (COLLATE "C") so that the unique index
-- also serves prefix searches (username LIKE 'ab%').
CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    username      text COLLATE "C" NOT NULL UNIQUE CHECK (username = lower(username)),
    display_name  text NOT NULL DEFAULT '',
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Sessions are keyed by the hash of their token, so a copy of this table does
-- not yield usable tokens.
CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);

-- Deleting a user cascades to its sessions; without this index that scans.
CREATE INDEX idx_sessions_user ON sessions (user_id);
