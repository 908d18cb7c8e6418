package cache

import (
	"context"

	"github.com/parleychat/parley/server/chat"
)

// SetRoomMentions changes a room's @room setting, then retires what shows
// the room's details: the room (its rev) and, for a public room, the
// directory. Mention counts need no bump of their own: the mentions are
// committed with their message, whose send already retires every room
// list that holds the room (v:rs); a read marker retires its user's
// lists (v:u) and a delete the room's (v:rr).
func (s *Stores) SetRoomMentions(ctx context.Context, roomID int64, allowed bool) (*chat.Room, error) {
	r, err := s.inner.SetRoomMentions(ctx, roomID, allowed)
	s.afterRevChange(ctx, roomID, err)
	return r, err
}
