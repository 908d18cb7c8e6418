-- Rooms and their members.
--
-- last_seq is the seq of the room's newest message; rev is bumped by edits,
-- deletes and metadata changes. Together they version what readers see.
-- direct_key ("<low id>:<high id>") makes a pair's direct room unique.
CREATE TABLE rooms (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL,
    topic      text NOT NULL DEFAULT '',
    kind       text NOT NULL CHECK (kind IN ('public', 'private', 'direct')),
    owner_id   bigint NOT NULL REFERENCES users (id),
    last_seq   bigint NOT NULL DEFAULT 0,
    rev        bigint NOT NULL DEFAULT 0,
    direct_key text UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'direct') = (direct_key IS NOT NULL))
);

-- The public directory lists only public rooms.
CREATE INDEX idx_rooms_public ON rooms (name, id) WHERE kind = 'public';

-- read_seq is the member's read marker: unread = last_seq - read_seq.
CREATE TABLE room_users (
    room_id   bigint NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role      text NOT NULL CHECK (role IN ('owner', 'member')),
    read_seq  bigint NOT NULL DEFAULT 0,
    joined_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (room_id, user_id)
);
