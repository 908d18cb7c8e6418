-- Mentions. The statement that commits a message also resolves its
-- @username tokens to the room's members they name and stores one row per
-- mentioned member, so a mention is as durable as its message. @room is
-- one row per message, whatever the room's size: a member's count compares
-- it with their read marker like any other mention. A member's mention
-- count is the rows of both tables above their read marker.
--
-- room_mentions is the owner's switch for @room.
ALTER TABLE rooms ADD COLUMN room_mentions boolean NOT NULL DEFAULT true;

CREATE TABLE mentions (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    room_id bigint NOT NULL,
    seq     bigint NOT NULL,
    PRIMARY KEY (user_id, room_id, seq),
    FOREIGN KEY (room_id, seq) REFERENCES messages (room_id, seq) ON DELETE CASCADE
);
-- Deleting a message deletes its mentions through this index.
CREATE INDEX idx_mentions_message ON mentions (room_id, seq);

CREATE TABLE room_mentions (
    room_id bigint NOT NULL,
    seq     bigint NOT NULL,
    PRIMARY KEY (room_id, seq),
    FOREIGN KEY (room_id, seq) REFERENCES messages (room_id, seq) ON DELETE CASCADE
);
