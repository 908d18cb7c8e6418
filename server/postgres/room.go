package postgres

import (
	"context"

	"github.com/parleychat/parley/server/chat"
)

// roomColumns are the columns of chat.Room, prefixed with the alias r.
const roomColumns = `r.id, r.name, r.topic, r.kind, r.owner_id, r.last_seq, r.rev, r.room_mentions`

// CreateRoom stores a room and makes its owner the first member, in one
// transaction. ENOTFOUND if the owner does not exist.
func (s *Store) CreateRoom(ctx context.Context, ownerID int64, name, topic, kind string) (*chat.Room, error) {
	defer s.wrote(ctx, ownerID)
	tx, err := s.primary.BeginTxx(ctx, nil)
	if err != nil {
		return nil, failed("create room: begin", err)
	}
	defer tx.Rollback()
	var room chat.Room
	err = tx.GetContext(ctx, &room, `
		INSERT INTO rooms AS r (name, topic, kind, owner_id) VALUES ($1, $2, $3, $4)
		RETURNING `+roomColumns, name, topic, kind, ownerID)
	if err != nil {
		return nil, wrap(err, "insert room", "User not found.")
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO room_users (room_id, user_id, role) VALUES ($1, $2, $3)`,
		room.ID, ownerID, chat.RoleOwner)
	if err != nil {
		return nil, wrap(err, "insert room owner", "User not found.")
	}
	if err := tx.Commit(); err != nil {
		return nil, failed("create room: commit", err)
	}
	return &room, nil
}

// FindRoom returns a room by id; ENOTFOUND if none.
func (s *Store) FindRoom(ctx context.Context, id int64) (*chat.Room, error) {
	var room chat.Room
	err := s.primary.GetContext(ctx, &room, `SELECT `+roomColumns+` FROM rooms r WHERE r.id = $1`, id)
	if err != nil {
		return nil, wrap(err, "find room", "Room not found.")
	}
	return &room, nil
}

// UserRooms lists the rooms userID belongs to, ordered by id, with Unread
// set to last_seq - read_seq (never negative) and Mentions to the mentions
// of userID after read_seq. It reads the replica only when ctx allows it
// and the replica has userID's own writes.
func (s *Store) UserRooms(ctx context.Context, userID int64) ([]chat.Room, error) {
	rooms := []chat.Room{}
	err := s.selectRouted(ctx, false, []int64{userID}, &rooms, `
		SELECT `+roomColumns+`, greatest(r.last_seq - ru.read_seq, 0) AS unread,
			`+mentionCount+`
		FROM room_users ru JOIN rooms r ON r.id = ru.room_id
		WHERE ru.user_id = $1
		ORDER BY r.id`, userID)
	if err != nil {
		return nil, wrap(err, "list user rooms", "Room not found.")
	}
	return rooms, nil
}

// PublicRooms lists every public room ordered by name. It may read the
// replica: a room created a moment ago may be missing, except for its
// creator when ctx names them (chat.ReadsMayLag).
func (s *Store) PublicRooms(ctx context.Context) ([]chat.Room, error) {
	rooms := []chat.Room{}
	err := s.selectRouted(ctx, true, nil, &rooms, `
		SELECT `+roomColumns+` FROM rooms r WHERE r.kind = 'public' ORDER BY r.name, r.id`)
	if err != nil {
		return nil, wrap(err, "list public rooms", "Room not found.")
	}
	return rooms, nil
}

// FindMembership returns userID's membership of roomID; ENOTFOUND if none.
func (s *Store) FindMembership(ctx context.Context, roomID, userID int64) (*chat.Membership, error) {
	var m chat.Membership
	err := s.primary.GetContext(ctx, &m, `
		SELECT room_id, user_id, role, read_seq FROM room_users
		WHERE room_id = $1 AND user_id = $2`, roomID, userID)
	if err != nil {
		return nil, wrap(err, "find membership", "Not a member of this room.")
	}
	return &m, nil
}

// MemberRole returns userID's role in roomID; ENOTFOUND if not a member.
func (s *Store) MemberRole(ctx context.Context, roomID, userID int64) (string, error) {
	var role string
	err := s.primary.GetContext(ctx, &role, `
		SELECT role FROM room_users WHERE room_id = $1 AND user_id = $2`, roomID, userID)
	if err != nil {
		return "", wrap(err, "find member role", "Not a member of this room.")
	}
	return role, nil
}

// Members lists the members of a room ordered by username.
func (s *Store) Members(ctx context.Context, roomID int64) ([]chat.User, error) {
	users := []chat.User{}
	err := s.primary.SelectContext(ctx, &users, `
		SELECT u.id, u.username, u.display_name
		FROM room_users ru JOIN users u ON u.id = ru.user_id
		WHERE ru.room_id = $1
		ORDER BY u.username`, roomID)
	if err != nil {
		return nil, wrap(err, "list members", "Room not found.")
	}
	return users, nil
}
