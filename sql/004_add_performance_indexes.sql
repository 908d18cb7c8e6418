-- Indexes for the paths that grow with the data: history by time, a user's
-- rooms, and a user's messages (also keeps ON DELETE of a user from scanning
-- messages).
CREATE INDEX IF NOT EXISTS idx_messages_room_created ON messages (room_id, created_at);
CREATE INDEX IF NOT EXISTS idx_room_users_user ON room_users (user_id);
CREATE INDEX IF NOT EXISTS idx_messages_user ON messages (user_id);
