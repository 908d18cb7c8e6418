-- Message search. search is the body as PostgreSQL's full-text search
-- reads it with the 'simple' configuration: lowercased words, no stemming
-- and no stop words, so that it works alike for every language. The
-- database keeps it up to date on every insert and edit (a generated
-- column), and a deleted message's empty body leaves it empty.
ALTER TABLE messages ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED;

-- One GIN index over the room (as a one-element array, so that a search of
-- many rooms is one && condition and one index scan) and the words: the
-- words' posting lists are intersected with the rooms' inside the index.
CREATE INDEX idx_messages_search ON messages USING gin ((ARRAY[room_id]), search);
