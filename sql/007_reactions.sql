-- Reactions: one row per (message, emoji, person). There is no counter
-- row: a thousand people reacting to one message at once insert a thousand
-- rows of their own and never wait on each other; counts are read by
-- aggregating the primary key's index, which also makes a repeated
-- reaction a no-op (ON CONFLICT DO NOTHING). There is deliberately no
-- foreign key to messages or rooms: checking one takes a share lock on the
-- referenced row, and a thousand reactions would pile those locks on one
-- message (and on the room row every send updates). Messages are never
-- removed, only marked deleted, and readers skip the reactions of deleted
-- messages.
CREATE TABLE reactions (
    room_id    bigint NOT NULL,
    seq        bigint NOT NULL,
    emoji      text NOT NULL CHECK (octet_length(emoji) BETWEEN 1 AND 64),
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (room_id, seq, emoji, user_id)
);

-- A viewer's own reactions in a range of a room (the "me" of each count).
CREATE INDEX idx_reactions_user ON reactions (user_id, room_id, seq);

-- parley_add_reaction adds one person's emoji to a message in one round
-- trip and answers what happened: 'added', 'unchanged' (it was there),
-- 'not_found', 'deleted', 'new_emoji' (the message does not carry this
-- emoji yet: call again with exclusive) or 'full' (it carries the most
-- different emoji allowed). The common case, an emoji the message already
-- has, takes a shared lock of the message's advisory key, so any number of
-- people add it at once; a new emoji takes the key exclusively, so the
-- count of different emoji it checks cannot be raced past the bound. Every
-- statement of a VOLATILE function reads a fresh snapshot, taken after the
-- lock. The key is an advisory lock, never the message row: locking that
-- row from a thousand transactions would make it the hot spot.
CREATE FUNCTION parley_add_reaction(p_room bigint, p_seq bigint, p_emoji text, p_user bigint,
                                    p_max integer, p_exclusive boolean) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    gone boolean;
    k bigint := hashtextextended('parley:reactions:' || p_room || ':' || p_seq, 0);
BEGIN
    SELECT deleted INTO gone FROM messages WHERE room_id = p_room AND seq = p_seq;
    IF NOT FOUND THEN
        RETURN 'not_found';
    END IF;
    IF gone THEN
        RETURN 'deleted';
    END IF;
    IF p_exclusive THEN
        PERFORM pg_advisory_xact_lock(k);
        IF NOT EXISTS (SELECT 1 FROM reactions WHERE room_id = p_room AND seq = p_seq AND emoji = p_emoji)
           AND (SELECT count(DISTINCT emoji) FROM reactions WHERE room_id = p_room AND seq = p_seq) >= p_max THEN
            RETURN 'full';
        END IF;
    ELSE
        PERFORM pg_advisory_xact_lock_shared(k);
        IF NOT EXISTS (SELECT 1 FROM reactions WHERE room_id = p_room AND seq = p_seq AND emoji = p_emoji) THEN
            RETURN 'new_emoji';
        END IF;
    END IF;
    INSERT INTO reactions (room_id, seq, emoji, user_id) VALUES (p_room, p_seq, p_emoji, p_user)
    ON CONFLICT DO NOTHING;
    IF FOUND THEN
        RETURN 'added';
    END IF;
    RETURN 'unchanged';
END
$$;
