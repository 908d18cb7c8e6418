-- Reactions: one row per (message, emoji, person). There is no counter
-- row: a thousand people reacting to one message at once insert a thousand
-- rows of their own and update nothing in place; counts are read by
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

-- parley_react applies a batch of reaction changes in order, in one
-- transaction, and answers one status per change: 'added', 'removed',
-- 'unchanged' (already so), 'not_found', 'deleted' or 'full' (the message
-- already carries p_max different emoji). The store's one reaction
-- committer per replica sends whatever changes are waiting as one batch,
-- so a thousand people reacting at once cost a handful of statements. The
-- batch first takes an exclusive advisory lock on each message it
-- touches, in one order for everybody, so that batches of several
-- replicas can neither deadlock nor race past the bound on different
-- emoji; the lock is an advisory key, never the message row, which sends,
-- edits and deletes go on locking undisturbed. Every statement of a
-- VOLATILE function reads a fresh snapshot, taken after the locks.
CREATE FUNCTION parley_react(p_rooms bigint[], p_seqs bigint[], p_emojis text[], p_users bigint[],
                             p_adds boolean[], p_max integer) RETURNS text[]
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    out text[] := '{}';
    gone boolean;
    i integer;
BEGIN
    PERFORM pg_advisory_xact_lock(k.key)
    FROM (SELECT DISTINCT hashtextextended('parley:reactions:' || t.r || ':' || t.s, 0) AS key
          FROM unnest(p_rooms, p_seqs) AS t(r, s) ORDER BY 1) AS k;
    FOR i IN 1 .. coalesce(array_length(p_rooms, 1), 0) LOOP
        SELECT deleted INTO gone FROM messages WHERE room_id = p_rooms[i] AND seq = p_seqs[i];
        IF NOT FOUND THEN
            out := out || 'not_found'::text;
            CONTINUE;
        END IF;
        IF gone THEN
            out := out || 'deleted'::text;
            CONTINUE;
        END IF;
        IF NOT p_adds[i] THEN
            DELETE FROM reactions
            WHERE room_id = p_rooms[i] AND seq = p_seqs[i] AND emoji = p_emojis[i] AND user_id = p_users[i];
            out := out || CASE WHEN FOUND THEN 'removed' ELSE 'unchanged' END;
            CONTINUE;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM reactions WHERE room_id = p_rooms[i] AND seq = p_seqs[i] AND emoji = p_emojis[i]) THEN
            IF (SELECT count(DISTINCT emoji) FROM reactions WHERE room_id = p_rooms[i] AND seq = p_seqs[i]) >= p_max THEN
                out := out || 'full'::text;
                CONTINUE;
            END IF;
        END IF;
        INSERT INTO reactions (room_id, seq, emoji, user_id) VALUES (p_rooms[i], p_seqs[i], p_emojis[i], p_users[i])
        ON CONFLICT DO NOTHING;
        out := out || CASE WHEN FOUND THEN 'added' ELSE 'unchanged' END;
    END LOOP;
    RETURN out;
END
$$;
