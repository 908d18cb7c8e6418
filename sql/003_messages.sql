-- Messages. seq numbers a room's messages 1, 2, 3… in commit order; the
-- unique (room_id, seq) index is also the keyset index for history pages.
-- (room_id, user_id, client_id) makes a retried send return the first one.
CREATE TABLE messages (
    id         bigserial PRIMARY KEY,
    room_id    bigint NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    seq        bigint NOT NULL CHECK (seq > 0),
    user_id    bigint NOT NULL REFERENCES users (id),
    body       text NOT NULL,
    client_id  text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    edited_at  timestamptz,
    deleted    boolean NOT NULL DEFAULT false,
    CONSTRAINT messages_room_seq_key UNIQUE (room_id, seq),
    CONSTRAINT messages_room_user_client_key UNIQUE (room_id, user_id, client_id)
);
