package postgres

import (
	"context"

	"github.com/parleychat/parley/server/chat"
)

// AddMember adds userID to roomID with role; added is false if already a
// member. The newcomer's read marker starts at the room's last_seq, so the
// history before they joined is not unread. ENOTFOUND if the room or user
// does not exist; EINVALID for an unknown role.
func (s *Store) AddMember(ctx context.Context, roomID, userID int64, role string) (bool, error) {
	defer s.wrote(ctx, userID)
	if role != chat.RoleOwner && role != chat.RoleMember {
		return false, chat.Invalid("role", "Role must be %q or %q.", chat.RoleOwner, chat.RoleMember)
	}
	res, err := s.primary.ExecContext(ctx, `
		INSERT INTO room_users (room_id, user_id, role, read_seq)
		SELECT id, $2, $3, last_seq FROM rooms WHERE id = $1
		ON CONFLICT (room_id, user_id) DO NOTHING`, roomID, userID, role)
	if err != nil {
		return false, wrap(err, "add member", "Room not found.")
	}
	if n, err := res.RowsAffected(); err != nil {
		return false, failed("add member", err)
	} else if n == 1 {
		return true, nil
	}
	// Nothing inserted: either already a member or no such room.
	if _, err := s.FindRoom(ctx, roomID); err != nil {
		return false, err
	}
	return false, nil
}

// RemoveMember removes userID from roomID; removed is false if they were
// not a member.
func (s *Store) RemoveMember(ctx context.Context, roomID, userID int64) (bool, error) {
	defer s.wrote(ctx, userID)
	res, err := s.primary.ExecContext(ctx, `DELETE FROM room_users WHERE room_id = $1 AND user_id = $2`, roomID, userID)
	if err != nil {
		return false, failed("remove member", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, failed("remove member", err)
	}
	return n == 1, nil
}

// MarkRead moves userID's read marker in roomID forward to seq, capped at
// the room's last_seq; moved says whether it changed. ENOTFOUND if userID
// is not a member of roomID.
func (s *Store) MarkRead(ctx context.Context, roomID, userID, seq int64) (bool, error) {
	defer s.wrote(ctx, userID)
	res, err := s.primary.ExecContext(ctx, `
		UPDATE room_users ru SET read_seq = least($3, r.last_seq)
		FROM rooms r
		WHERE ru.room_id = $1 AND ru.user_id = $2 AND r.id = ru.room_id
		  AND least($3, r.last_seq) > ru.read_seq`, roomID, userID, seq)
	if err != nil {
		return false, failed("mark read", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, failed("mark read", err)
	}
	if n == 1 {
		return true, nil
	}
	if _, err := s.FindMembership(ctx, roomID, userID); err != nil {
		return false, err
	}
	return false, nil
}
