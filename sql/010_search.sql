-- Message search. search is the body as PostgreSQL's full-text search
-- reads it with the 'simple' configuration: lowercased words, no stemming
-- and no stop words, so that it works alike for every language. The
-- database keeps it up to date on every insert and edit (a generated
-- column); a deleted message's empty body leaves it empty. It is stored,
-- not computed in an index expression, because a search that walks the
-- newest messages (for a common word) tests it on every row it passes.
ALTER TABLE messages ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED;

-- One GIN index over the room, as a one-element array, and the words: a
-- search of a user's rooms is one && condition, so the rooms' posting
-- lists and the words' are intersected inside one index scan instead of
-- one scan per room. fastupdate is off: with it, sends append to a pending
-- list that every search must read through, and the send that finds the
-- list full merges it into the index while its batch waits, hundreds of
-- milliseconds (docs/perf/search.md).
CREATE INDEX idx_messages_search ON messages USING gin ((ARRAY[room_id]), search)
    WITH (fastupdate = off);

-- ~@@ is @@ (ts_match_vq) that no index serves, estimated like @@. A
-- search leaves a short last prefix out of what the index is asked for
-- and checks it with ~@@ on what the other words found: the planner then
-- still knows how common that prefix is.
CREATE OPERATOR ~@@ (FUNCTION = ts_match_vq, LEFTARG = tsvector, RIGHTARG = tsquery,
    RESTRICT = tsmatchsel, JOIN = tsmatchjoinsel);
