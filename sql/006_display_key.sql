-- display_key is a display name folded the way names are compared to tell
-- whether one passes for another user's username (chat.FoldName: NFKC,
-- lowercase, look-alike letters, no leading '@'). The application computes
-- it; rows from before this column get a close approximation.
ALTER TABLE users ADD COLUMN display_key text NOT NULL DEFAULT '';
UPDATE users SET display_key = ltrim(lower(btrim(display_name)), '@');
CREATE INDEX idx_users_display_key ON users (display_key);
