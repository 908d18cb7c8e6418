package postgres

import (
	"context"
	"strconv"

	"github.com/parleychat/parley/server/chat"
)

// directKey names the pair of a direct room the same way in either order.
func directKey(a, b int64) string {
	if a > b {
		a, b = b, a
	}
	return strconv.FormatInt(a, 10) + ":" + strconv.FormatInt(b, 10)
}

// DirectRoom returns the direct room of userA and userB, creating it the
// first time with both as members, userA as owner and the two usernames as
// its name. Concurrent calls for one pair, in either order, agree on one
// room: the unique direct_key makes the loser's insert a no-op, and it then
// reads the winner's committed room. ENOTFOUND if a user does not exist.
func (s *Store) DirectRoom(ctx context.Context, userA, userB int64) (*chat.Room, bool, error) {
	defer s.wrote(ctx, userA, userB)
	key := directKey(userA, userB)
	tx, err := s.primary.BeginTxx(ctx, nil)
	if err != nil {
		return nil, false, failed("direct room: begin", err)
	}
	defer tx.Rollback()
	var rooms []chat.Room
	err = tx.SelectContext(ctx, &rooms, `
		INSERT INTO rooms AS r (name, kind, owner_id, direct_key)
		SELECT coalesce(string_agg(username, ', ' ORDER BY username), ''), 'direct', $1, $3
		FROM users WHERE id IN ($1, $2)
		ON CONFLICT (direct_key) DO NOTHING
		RETURNING `+roomColumns, userA, userB, key)
	if err != nil {
		return nil, false, wrap(err, "insert direct room", "User not found.")
	}
	if len(rooms) == 0 {
		var room chat.Room
		err := tx.GetContext(ctx, &room, `SELECT `+roomColumns+` FROM rooms r WHERE r.direct_key = $1`, key)
		if err != nil {
			return nil, false, wrap(err, "find direct room", "Room not found.")
		}
		return &room, false, nil
	}
	room := rooms[0]
	_, err = tx.ExecContext(ctx, `
		INSERT INTO room_users (room_id, user_id, role)
		VALUES ($1, $2, 'owner'), ($1, $3, 'member')
		ON CONFLICT (room_id, user_id) DO NOTHING`, room.ID, userA, userB)
	if err != nil {
		return nil, false, wrap(err, "insert direct members", "User not found.")
	}
	if err := tx.Commit(); err != nil {
		return nil, false, failed("direct room: commit", err)
	}
	return &room, true, nil
}
