-- Replies (threads). A reply is a message of its room like any other (it
-- takes the room's next seq) whose reply_to names its thread's first
-- message; threads are flat, so reply_to never names a reply. The parent
-- keeps reply_count and last_reply_at, moved in the statement that
-- commits the reply, and each reply keeps reply_number, its place in the
-- thread (1 for the first): replies are never removed (a deleted one stays
-- as a placeholder), so a reply's number is also its parent's reply_count
-- once it was committed, which is what lets a client that holds the
-- parent count from any reply it receives without counting one twice.
--
-- The send checks reply_to while it holds the room's lock, so no foreign
-- key (and its per-row trigger on every reply and every room deletion) is
-- needed. Adding columns with constant defaults rewrites nothing.
ALTER TABLE messages
    ADD COLUMN reply_to      bigint,
    ADD COLUMN reply_number  integer,
    ADD COLUMN reply_count   integer NOT NULL DEFAULT 0,
    ADD COLUMN last_reply_at timestamptz,
    ADD CONSTRAINT messages_reply_check CHECK (
        (reply_to IS NULL AND reply_number IS NULL)
        OR (reply_to > 0 AND reply_to < seq AND reply_number > 0));

-- A thread's replies page by seq like history. Partial: a message that is
-- not a reply adds no entry, so sending one costs what it did before.
CREATE INDEX idx_messages_replies ON messages (room_id, reply_to, seq) WHERE reply_to IS NOT NULL;
