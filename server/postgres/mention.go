package postgres

import (
	"context"

	"github.com/parleychat/parley/server/chat"
)

// mentionCount is UserRooms' mentions column over room_users ru and rooms
// r: the mentions of the member after their read marker, by name or by
// @room. A room with nothing unread has none, which spares the two index
// probes for most rooms of most lists.
const mentionCount = `CASE WHEN r.last_seq > ru.read_seq THEN
			(SELECT count(*) FROM mentions mn
			 WHERE mn.user_id = ru.user_id AND mn.room_id = ru.room_id AND mn.seq > ru.read_seq)
			+ (SELECT count(*) FROM room_mentions rm
			   WHERE rm.room_id = ru.room_id AND rm.seq > ru.read_seq)
		ELSE 0 END AS mentions`

// SetRoomMentions turns @room on or off for a room and returns the room; a
// change bumps its rev, as any change of a room's details does. ENOTFOUND
// if there is no such room.
func (s *Store) SetRoomMentions(ctx context.Context, roomID int64, allowed bool) (*chat.Room, error) {
	defer s.wrote(ctx)
	var room chat.Room
	err := s.primary.GetContext(ctx, &room, `
		UPDATE rooms r SET room_mentions = $2,
			rev = r.rev + CASE WHEN r.room_mentions = $2 THEN 0 ELSE 1 END
		WHERE r.id = $1
		RETURNING `+roomColumns, roomID, allowed)
	if err != nil {
		return nil, wrap(err, "set room mentions", "Room not found.")
	}
	return &room, nil
}
