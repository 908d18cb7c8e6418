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
-- one scan per room. Sends add to GIN's pending list (fastupdate), which
-- costs the send path far less than updating the index in place; the list
-- is kept small (256 kB, about 1,200 messages) because every search reads
-- it through and the send that finds it full merges it into the index
-- while its batch waits (docs/perf/search.md).
CREATE INDEX idx_messages_search ON messages USING gin ((ARRAY[room_id]), search)
    WITH (fastupdate = on, gin_pending_list_limit = 256);

-- ~@@ is @@ (ts_match_vq) that no index serves, estimated like @@. A
-- search leaves a short last prefix out of what the index is asked for
-- and checks it with ~@@ on what the other words found: the planner then
-- still knows how common that prefix is.
CREATE OPERATOR ~@@ (FUNCTION = ts_match_vq, LEFTARG = tsvector, RIGHTARG = tsquery,
    RESTRICT = tsmatchsel, JOIN = tsmatchjoinsel);
